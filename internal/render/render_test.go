package render

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// dropCaches empties the glyph and background caches, so a render starts
// cold.
func dropCaches() {
	glyphCache.Range(func(k, _ any) bool { glyphCache.Delete(k); return true })
	glyphCount.Store(0)
	baseLayers.Range(func(k, _ any) bool { baseLayers.Delete(k); return true })
	baseLayerBytes.Store(0)
}

func TestRenderDeterministic(t *testing.T) {
	dir := t.TempDir()
	writeTestImage(t, dir, 320, 200)
	var inputs []Input
	var tpls []*Template
	for _, tpl := range loadAll(t) {
		for _, sc := range demoScenes() {
			tpls = append(tpls, tpl)
			inputs = append(inputs, Input{Scene: sc, CourseTitle: "Curso", LessonTitle: "Lição", Index: 2, Total: 9, Width: 640, Height: 360, BaseDir: dir})
		}
	}
	render := func(i int) []byte {
		img, _, err := tpls[i].Render(inputs[i])
		if err != nil {
			t.Error(err)
			return nil
		}
		return img.Pix
	}
	dropCaches()
	cold := make([][]byte, len(inputs))
	for i := range inputs {
		cold[i] = render(i)
	}
	// Warm caches, and many goroutines at once (run with -race).
	warm := make([][]byte, len(inputs))
	var wg sync.WaitGroup
	for i := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			warm[i] = render(i)
		}()
	}
	wg.Wait()
	for i := range inputs {
		if !bytes.Equal(cold[i], warm[i]) {
			t.Errorf("%s/%s: a second, concurrent render differs from the first", tpls[i].Name(), inputs[i].Scene.Layout)
		}
	}
}

func TestRenderDrawsSomething(t *testing.T) {
	for _, tpl := range loadAll(t) {
		img, warns, err := tpl.Render(Input{Scene: &course.Scene{Layout: "bullets", Title: "Title", Bullets: []course.Bullet{{Text: "Point"}}}})
		if err != nil || len(warns) > 0 {
			t.Fatalf("%s: %v %q", tpl.Name(), err, warns)
		}
		if img.Bounds() != image.Rect(0, 0, 1920, 1080) {
			t.Errorf("%s: default frame %v, want 1920x1080", tpl.Name(), img.Bounds())
		}
		p, _ := tpl.Layout(Input{Scene: &course.Scene{Layout: "bullets", Title: "Title", Bullets: []course.Bullet{{Text: "Point"}}}})
		for _, r := range p.Texts {
			bg := img.RGBAAt(r.Box.Min.X, r.Box.Min.Y)
			if r.Region == "title" && inkIn(img, r.Rect, bg) < 200 {
				t.Errorf("%s: title line %q has no ink", tpl.Name(), r.Text)
			}
		}
	}
}

// writeImages writes one small test picture in each format Go can encode.
func writeImages(t *testing.T, dir string) map[string]string {
	t.Helper()
	src := image.NewRGBA(image.Rect(0, 0, 120, 60))
	for y := 0; y < 60; y++ {
		for x := 0; x < 120; x++ {
			src.SetRGBA(x, y, color.RGBA{uint8(2 * x), uint8(4 * y), 200, 255})
		}
	}
	pal := image.NewPaletted(src.Bounds(), []color.Color{color.Black, color.White, color.RGBA{200, 40, 40, 255}})
	for y := 0; y < 60; y++ {
		for x := 0; x < 120; x++ {
			pal.SetColorIndex(x, y, uint8((x/10+y/10)%3))
		}
	}
	files := map[string]string{}
	for name, enc := range map[string]func(*os.File) error{
		"p.png": func(f *os.File) error { return png.Encode(f, src) },
		"p.jpg": func(f *os.File) error { return jpeg.Encode(f, src, &jpeg.Options{Quality: 90}) },
		"p.gif": func(f *os.File) error {
			return gif.EncodeAll(f, &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{10, 10}})
		},
		"p.bmp": func(f *os.File) error { return bmp.Encode(f, src) },
	} {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := enc(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		files[name] = path
	}
	for _, name := range []string{"lossy.webp", "lossless.webp"} {
		abs, err := filepath.Abs(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = abs
	}
	return files
}

func TestRenderImageFormats(t *testing.T) {
	dir := t.TempDir()
	tpl, err := LoadTemplate("corporate", "")
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range writeImages(t, dir) {
		t.Run(name, func(t *testing.T) {
			for _, layout := range []string{"image", "image-text", "slide-image"} {
				sc := &course.Scene{ID: "i", Layout: layout, Title: "Picture", Image: filepath.Base(path), Bullets: []course.Bullet{{Text: "x"}}}
				in := Input{Scene: sc, BaseDir: filepath.Dir(path), Width: 960, Height: 540}
				p, err := tpl.Layout(in)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Images) != 1 {
					t.Fatalf("%s: %d images placed", layout, len(p.Images))
				}
				im := p.Images[0]
				// Aspect ratio kept (the sources are 2:1 or 8:5).
				src, err := decodeImageFile(path)
				if err != nil {
					t.Fatal(err)
				}
				sw, sh := float64(src.Bounds().Dx()), float64(src.Bounds().Dy())
				if got, want := float64(im.Rect.Dx())/float64(im.Rect.Dy()), sw/sh; got/want > 1.02 || got/want < 0.98 {
					t.Errorf("%s: placed aspect %.3f, source %.3f", layout, got, want)
				}
				img := p.Draw()
				c := img.RGBAAt((im.Rect.Min.X+im.Rect.Max.X)/2, (im.Rect.Min.Y+im.Rect.Max.Y)/2)
				if c.A != 255 || (c.R == c.G && c.G == c.B && c.R > 240) {
					t.Errorf("%s: centre of the picture is %v, looks empty", layout, c)
				}
			}
		})
	}
}

func TestSlideImageIsLetterboxed(t *testing.T) {
	dir := t.TempDir()
	path := writeImages(t, dir)["p.png"] // 2:1
	tpl, err := LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tpl.Layout(Input{Scene: &course.Scene{Layout: "slide-image", Image: path, Title: "ignored"}, Width: 1920, Height: 1080, Index: 1, Total: 2, CourseTitle: "C"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Texts) != 0 {
		t.Errorf("slide-image drew text: %+v", p.Texts)
	}
	im := p.Images[0]
	if im.Rect != image.Rect(0, 60, 1920, 1020) {
		t.Errorf("image at %v, want full width, centred: (0,60)-(1920,1020)", im.Rect)
	}
	img := p.Draw()
	bg := tpl.col("background")
	for _, pt := range []image.Point{{5, 5}, {1900, 30}, {960, 1070}} {
		if c := img.RGBAAt(pt.X, pt.Y); c.R != bg.R || c.G != bg.G || c.B != bg.B {
			t.Errorf("letterbox at %v is %v, want the background %v", pt, c, bg)
		}
	}
}

func TestRenderImageErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes.png"), "this is not a picture")
	tpl, err := LoadTemplate("tech", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"missing.png", `scene "s9": image not found`},
		{"notes.png", `scene "s9": not a supported image`},
	} {
		_, _, err := tpl.Render(Input{Scene: &course.Scene{ID: "s9", Layout: "image", Image: tc.file}, BaseDir: dir})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Input {
			t.Fatalf("%s: err = %v", tc.file, err)
		}
		if !bytes.Contains([]byte(fe.Msg), []byte(tc.want)) || fe.File != filepath.Join(dir, tc.file) || len(fe.Hints) == 0 {
			t.Errorf("%s: %q (file %q, hints %q)", tc.file, fe.Msg, fe.File, fe.Hints)
		}
	}
	// A layout that needs an image but has none renders with a warning.
	_, warns, err := tpl.Render(Input{Scene: &course.Scene{ID: "s9", Layout: "image", Title: "No picture"}})
	if err != nil || len(warns) != 1 {
		t.Errorf("err %v, warnings %q", err, warns)
	}
}

func TestEncodePNG(t *testing.T) {
	tpl, err := LoadTemplate("education", "")
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := tpl.Render(Input{Scene: &course.Scene{Layout: "title", Title: "Olá"}, Width: 320, Height: 180})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EncodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := img.At(x, y).RGBA()
			r2, g2, b2, a2 := back.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel %d,%d changed in the PNG round trip", x, y)
			}
		}
	}
}
