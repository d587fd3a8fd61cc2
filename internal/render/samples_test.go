package render

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var samplesDir = flag.String("samples", "", "write one PNG per template × layout (and size) to this folder")

// TestSamples renders demo frames for people to look at:
//
//	go test ./internal/render -run TestSamples -samples=/tmp/frames
func TestSamples(t *testing.T) {
	if *samplesDir == "" {
		t.Skip("pass -samples=DIR to write sample frames")
	}
	if err := os.MkdirAll(*samplesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTestImage(t, dir, 1600, 1000)
	sizes := []struct {
		name string
		w, h int
	}{{"", 1920, 1080}, {"-portrait", 1080, 1920}}
	for _, name := range Names() {
		tpl, err := LoadTemplate(name, "")
		if err != nil {
			t.Fatal(err)
		}
		scenes := demoScenes()
		for i, sc := range scenes {
			for _, sz := range sizes {
				img, warns, err := tpl.Render(Input{Scene: sc, CourseTitle: "Go para iniciantes", LessonTitle: "Lição 2 · Concorrência",
					Index: i + 1, Total: len(scenes), Width: sz.w, Height: sz.h, BaseDir: dir, Language: "pt-BR"})
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range warns {
					t.Logf("%s/%s: %s", name, sc.Layout, w)
				}
				f, err := os.Create(filepath.Join(*samplesDir, fmt.Sprintf("%s-%d-%s%s.png", name, i+1, sc.Layout, sz.name)))
				if err != nil {
					t.Fatal(err)
				}
				if err := EncodePNG(f, img); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
		}
		// Overflowing content, to see shrinking and cutting.
		for i, sc := range longScenes() {
			img, _, err := tpl.Render(Input{Scene: sc, CourseTitle: "Go para iniciantes", Index: i + 1, Total: 8, BaseDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Create(filepath.Join(*samplesDir, fmt.Sprintf("%s-long-%d-%s.png", name, i+1, sc.Layout)))
			if err != nil {
				t.Fatal(err)
			}
			if err := EncodePNG(f, img); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
}
