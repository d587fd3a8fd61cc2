package render

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tecno-video/tecno/internal/testtool"
)

func TestYUV420KnownColours(t *testing.T) {
	cases := []struct {
		name    string
		c       color.RGBA
		y, u, v uint8
	}{
		{"black", color.RGBA{0, 0, 0, 255}, 16, 128, 128},
		{"white", color.RGBA{255, 255, 255, 255}, 235, 128, 128},
		{"grey", color.RGBA{128, 128, 128, 255}, 126, 128, 128},
		// BT.709 limited range, as in ITU-R BT.709 table 4 scaled to 8 bits.
		{"red", color.RGBA{255, 0, 0, 255}, 63, 102, 240},
		{"green", color.RGBA{0, 255, 0, 255}, 173, 42, 26},
		{"blue", color.RGBA{0, 0, 255, 255}, 32, 240, 118},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, 4, 2))
			for i := 0; i < len(img.Pix); i += 4 {
				copy(img.Pix[i:], []uint8{tc.c.R, tc.c.G, tc.c.B, tc.c.A})
			}
			got := YUV420(img)
			if len(got) != 4*2+2*2*1 {
				t.Fatalf("len %d, want 12", len(got))
			}
			if got[0] != tc.y || got[8] != tc.u || got[10] != tc.v {
				t.Errorf("YUV %d,%d,%d, want %d,%d,%d", got[0], got[8], got[10], tc.y, tc.u, tc.v)
			}
		})
	}
}

func TestYUV420OddSizesAndSubImages(t *testing.T) {
	img := testFrame(7, 5)
	got := YUV420(img)
	if want := 7*5 + 2*4*3; len(got) != want {
		t.Fatalf("len %d, want %d", len(got), want)
	}
	// A sub-image converts like a copy of its pixels.
	big := testFrame(64, 64)
	sub := big.SubImage(image.Rect(5, 7, 40, 33)).(*image.RGBA)
	cp := image.NewRGBA(image.Rect(0, 0, 35, 26))
	for y := 0; y < 26; y++ {
		copy(cp.Pix[y*cp.Stride:], sub.Pix[sub.PixOffset(5, 7+y):sub.PixOffset(40, 7+y)])
	}
	if !bytes.Equal(YUV420(sub), YUV420(cp)) {
		t.Fatal("sub-image converts differently from a copy of it")
	}
}

// The conversion agrees with ffmpeg's own (swscale, BT.709, TV range) to
// within rounding: the encoder sees the same picture either way.
func TestYUV420AgreesWithFFmpeg(t *testing.T) {
	ff := testtool.Require(t, "ffmpeg")
	// Like a slide: a smooth gradient and a flat box with sharp edges.
	// (Across thin coloured lines the two differ by design: ffmpeg filters
	// chroma with lanczos, which rings; YUV420 averages 2×2 blocks.)
	img := image.NewRGBA(image.Rect(0, 0, 320, 180))
	for y := 0; y < 180; y++ {
		for x := 0; x < 320; x++ {
			c := color.RGBA{uint8(20 + x/4), uint8(40 + y/3), 90, 255}
			if x >= 100 && x < 220 && y >= 60 && y < 120 {
				c = color.RGBA{30, 60, 200, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f.png")
	var buf bytes.Buffer
	if err := EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(context.Background(), ff, "-v", "error", "-i", p,
		"-vf", "scale=320:180:flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p", "-f", "rawvideo", "pipe:1")
	want, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	got := YUV420(img)
	if len(got) != len(want) {
		t.Fatalf("len %d, ffmpeg %d", len(got), len(want))
	}
	n := 320 * 180
	for _, pl := range []struct {
		name       string
		a, b       int
		mean, peak float64
	}{{"Y", 0, n, 0.1, 1}, {"Cb", n, n + n/4, 0.5, 0}, {"Cr", n + n/4, n + n/2, 0.5, 0}} {
		var sum, peak float64
		for i := pl.a; i < pl.b; i++ {
			d := float64(got[i]) - float64(want[i])
			if d < 0 {
				d = -d
			}
			sum += d
			peak = max(peak, d)
		}
		mean := sum / float64(pl.b-pl.a)
		t.Logf("%s: mean |diff| %.3f, peak %.0f", pl.name, mean, peak)
		if mean > pl.mean {
			t.Errorf("%s: mean difference from ffmpeg %.3f, want ≤ %.1f", pl.name, mean, pl.mean)
		}
		if pl.name == "Y" && peak > pl.peak {
			t.Errorf("%s: peak difference from ffmpeg %.0f, want ≤ %.0f", pl.name, peak, pl.peak)
		}
	}
}

func BenchmarkYUV420_1080p(b *testing.B) {
	img := testFrame(1920, 1080)
	b.SetBytes(int64(len(img.Pix)))
	for b.Loop() {
		_ = YUV420(img)
	}
}
