package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func testFrame(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 3), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return img
}

func TestFastPNGDecodesToTheSamePixels(t *testing.T) {
	for _, img := range []*image.RGBA{testFrame(1, 1), testFrame(37, 11), testFrame(640, 360),
		testFrame(64, 64).SubImage(image.Rect(5, 7, 40, 33)).(*image.RGBA)} {
		var buf bytes.Buffer
		if err := EncodePNG(&buf, img); err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%v: %v", img.Bounds(), err)
		}
		b := img.Bounds()
		if got.Bounds().Dx() != b.Dx() || got.Bounds().Dy() != b.Dy() {
			t.Fatalf("size %v, want %v", got.Bounds(), b)
		}
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				r1, g1, b1, _ := got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y).RGBA()
				r2, g2, b2, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 {
					t.Fatalf("%v pixel (%d,%d) differs", b, x, y)
				}
			}
		}
	}
}

func TestTransparentImagesUseTheStandardEncoder(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4)) // all transparent
	var buf bytes.Buffer
	if err := EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, a := got.At(1, 1).RGBA(); a != 0 {
		t.Fatal("alpha lost")
	}
}

func BenchmarkEncodePNG1080p(b *testing.B) {
	img := testFrame(1920, 1080)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		EncodePNG(ioDiscard{}, img)
	}
}

type ioDiscard struct{}

func (ioDiscard) Write(p []byte) (int, error) { return len(p), nil }

func BenchmarkEncodePNG1080pStandard(b *testing.B) {
	img := testFrame(1920, 1080)
	for i := 0; i < b.N; i++ {
		stdPNG.Encode(ioDiscard{}, img)
	}
}
