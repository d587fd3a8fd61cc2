package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/templates"
)

// FuzzLoadTemplate feeds arbitrary template files to the loader: it must
// return a template or an error, never panic or hang, and a template it
// accepts must lay out.
func FuzzLoadTemplate(f *testing.F) {
	entries, _ := fs.ReadDir(templates.FS, ".")
	for _, e := range entries {
		data, _ := fs.ReadFile(templates.FS, e.Name())
		f.Add(data)
	}
	f.Add([]byte("extends: modern\n"))
	f.Add([]byte("extends: tech\npalette: {accent: \"#ff0\"}\nlayouts:\n  bullets:\n    body: {x: 0, y: 0, w: 10, h: 10, after: title}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("extends: minimal\nx: &x {a: 1}\ny: *x\n"))
	dir := f.TempDir()
	path := filepath.Join(dir, "t.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tpl, err := LoadTemplate(path, "")
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error message")
			}
			return
		}
		for _, l := range course.Layouts {
			p, err := tpl.Layout(Input{Scene: sampleScene(l), Width: 320, Height: 180, Index: 1, Total: 2})
			if err != nil {
				continue
			}
			_ = p.Draw()
		}
	})
}

// FuzzLayoutText lays out arbitrary text: nothing may land outside its box.
func FuzzLayoutText(f *testing.F) {
	f.Add("Programação em Go", "• ponto\n\n  outro", "func main() {\n\tprintln(\"日本\")\n}", "مرحبا שלום 日本語")
	f.Add(strings.Repeat("x", 500), "", "\t\t\t", "\u200b\ufeff\x00\r\n")
	f.Add("", strings.Repeat("word ", 300), strings.Repeat("a\n", 200), "…")
	tpl, err := LoadTemplate("education", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, title, body, code, quote string) {
		for _, l := range []string{"title", "bullets", "code", "quote", "image-text"} {
			sc := &course.Scene{ID: "f", Layout: l, Title: title, Body: body, Code: code, Quote: quote,
				Bullets: []course.Bullet{{Text: body, Children: []course.Bullet{{Text: quote}}}, {Text: title}}}
			p, err := tpl.Layout(Input{Scene: sc, Width: 640, Height: 360})
			if err != nil {
				t.Fatal(err)
			}
			checkPlan(t, p)
		}
	})
}
