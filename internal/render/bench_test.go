package render

import (
	"io"
	"testing"
)

func benchInput(b *testing.B, layout string) (*Template, Input) {
	b.Helper()
	tpl, err := LoadTemplate("modern", "")
	if err != nil {
		b.Fatal(err)
	}
	for _, sc := range demoScenes() {
		if sc.Layout == layout {
			dir := b.TempDir()
			writeTestImage(b, dir, 1600, 1000)
			return tpl, Input{Scene: sc, CourseTitle: "Go para iniciantes", LessonTitle: "Lição 2", Index: 3, Total: 8, Width: 1920, Height: 1080, BaseDir: dir}
		}
	}
	b.Fatalf("no demo scene for %s", layout)
	return nil, Input{}
}

// BenchmarkRenderBullets measures one 1920×1080 bullets frame (fonts and
// glyph masks warm, as in a build that renders many scenes).
func BenchmarkRenderBullets(b *testing.B) {
	tpl, in := benchInput(b, "bullets")
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if _, _, err := tpl.Render(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderCode(b *testing.B) {
	tpl, in := benchInput(b, "code")
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if _, _, err := tpl.Render(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderImage(b *testing.B) {
	tpl, in := benchInput(b, "image")
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if _, _, err := tpl.Render(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLayoutBullets(b *testing.B) {
	tpl, in := benchInput(b, "bullets")
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if _, err := tpl.Layout(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodePNG(b *testing.B) {
	tpl, in := benchInput(b, "bullets")
	img, _, err := tpl.Render(in)
	if err != nil {
		b.Fatal(err)
	}
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		if err := EncodePNG(io.Discard, img); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderBulletsCold is the first frame of a build: no cached
// background layer and no cached glyphs.
func BenchmarkRenderBulletsCold(b *testing.B) {
	tpl, in := benchInput(b, "bullets")
	start := cpuTime()
	defer reportCPU(b, start)
	for b.Loop() {
		dropCaches()
		if _, _, err := tpl.Render(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderParallel renders bullets frames from many goroutines, as
// a build does.
func BenchmarkRenderParallel(b *testing.B) {
	tpl, in := benchInput(b, "bullets")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := tpl.Render(in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
