package render

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/gomono"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

func TestNames(t *testing.T) {
	want := []string{"corporate", "education", "minimal", "modern", "tech"}
	if got := Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	for _, n := range want {
		tpl, err := LoadTemplate(n, "")
		if err != nil {
			t.Fatal(err)
		}
		if tpl.Name() != n || tpl.Description() == "" {
			t.Errorf("template %q: name %q, description %q", n, tpl.Name(), tpl.Description())
		}
		if len(tpl.Warnings()) > 0 {
			t.Errorf("template %q: warnings %q", n, tpl.Warnings())
		}
	}
	def, err := LoadTemplate("", "")
	if err != nil || def.Name() != DefaultTemplate {
		t.Errorf("LoadTemplate(\"\") = %v, %v; want the default template", def, err)
	}
}

func TestLoadUnknownTemplate(t *testing.T) {
	_, err := LoadTemplate("modren", "")
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Input {
		t.Fatalf("err = %#v, want an input error", err)
	}
	if !strings.Contains(fe.Msg, `unknown template "modren" (did you mean "modern"?)`) {
		t.Errorf("msg = %q", fe.Msg)
	}
	if hints := strings.Join(fe.Hints, "\n"); !strings.Contains(hints, "corporate, education, minimal, modern, tech") {
		t.Errorf("hints = %q", hints)
	}
	_, err = LoadTemplate("missing.yaml", t.TempDir())
	if !errors.As(err, &fe) || fe.Kind != fault.Input || !strings.Contains(fe.Msg, "not found") || !strings.HasSuffix(fe.File, "missing.yaml") {
		t.Errorf("missing file: err = %v", err)
	}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTemplateStrictDecoding(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, yaml, want string
		line, col        int
	}{
		{"unknown top key", "extends: modern\npalete:\n  text: \"#fff\"\n", `unknown key "palete" in the template (did you mean "palette"?)`, 2, 1},
		{"unknown nested key", "extends: modern\nlayouts:\n  bullets:\n    title: {x: 1, y: 1, w: 10, h: 10, colour: text}\n", `unknown key "colour" in layouts.bullets.title (did you mean "color"?)`, 4, 39},
		{"unknown layout", "extends: modern\nlayouts:\n  bulets: {}\n", `unknown key "bulets" in layouts (did you mean "bullets"?)`, 3, 3},
		{"not a number", "extends: modern\nsizes:\n  body: big\n", `sizes.body must be a number, not "big"`, 3, 9},
		{"bad colour", "extends: modern\npalette:\n  text: \"#12\"\n", `invalid colour "#12"`, 3, 9},
		{"unknown colour name", "extends: modern\npalette:\n  text: txet\n", `unknown colour "txet" (did you mean "text"?)`, 3, 9},
		{"unknown font", "extends: modern\nfonts:\n  title: gobolt\n", `unknown font "gobolt" (did you mean "gobold"?)`, 3, 10},
		{"box outside canvas", "extends: modern\nlayouts:\n  quote:\n    quote: {x: 1800, y: 10, w: 400, h: 100}\n", "must lie inside the 1920x1080 design canvas", 4, 12},
		{"unknown extends", "extends: modrn\n", `unknown template "modrn" (did you mean "modern"?)`, 1, 10},
		{"syntax", "extends: modern\npalette: [\n", "invalid YAML", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml"), tc.yaml)
			_, err := LoadTemplate(path, "")
			var fe *fault.Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *fault.Error", err)
			}
			if !strings.Contains(fe.Msg, tc.want) {
				t.Errorf("msg = %q, want it to contain %q", fe.Msg, tc.want)
			}
			if fe.Kind != fault.Input || fe.File != path {
				t.Errorf("kind %v file %q", fe.Kind, fe.File)
			}
			if tc.line > 0 && (fe.Line != tc.line || fe.Col != tc.col) {
				t.Errorf("position %d:%d, want %d:%d", fe.Line, fe.Col, tc.line, tc.col)
			}
		})
	}
}

func TestTemplateExtends(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "fonts", "Mono.ttf"), string(gomono.TTF))
	writeFile(t, filepath.Join(dir, "brand.yaml"), `# our brand
name: brand
extends: modern
palette:
  accent: "#f59e0b"
fonts:
  title: fonts/Mono.ttf
layouts:
  bullets:
    title: {size: 72}
`)
	tpl, err := LoadTemplate("brand.yaml", dir)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := LoadTemplate("modern", "")
	if tpl.Name() != "brand" {
		t.Errorf("name = %q", tpl.Name())
	}
	if got := hexOf(tpl.col("accent")); got != "#f59e0b" {
		t.Errorf("accent = %s", got)
	}
	if tpl.col("text") != base.col("text") {
		t.Error("inherited text colour changed")
	}
	if got := tpl.fonts["title"].name; got != filepath.Join(dir, "fonts", "Mono.ttf") {
		t.Errorf("title font = %q, want the file next to the template", got)
	}
	// A partial box override keeps the rest of the inherited box.
	tb := tpl.sp.Layouts.Bullets.Title
	bb := base.sp.Layouts.Bullets.Title
	if tb.Size != 72 || tb.X != bb.X || tb.W != bb.W || tb.H != bb.H {
		t.Errorf("merged title box = %+v, base %+v", *tb, *bb)
	}
	if tpl.Fingerprint() == base.Fingerprint() {
		t.Error("an extended template has its parent's fingerprint")
	}
	p, err := tpl.Layout(Input{Scene: &course.Scene{Layout: "bullets", Title: "Hi", Bullets: []course.Bullet{{Text: "x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, p)
}

func TestFingerprint(t *testing.T) {
	seen := map[string]string{}
	for _, tpl := range loadAll(t) {
		fp := tpl.Fingerprint()
		if len(fp) != 64 || strings.Trim(fp, "0123456789abcdef") != "" {
			t.Errorf("%s: fingerprint %q is not hex sha256", tpl.Name(), fp)
		}
		if other, dup := seen[fp]; dup {
			t.Errorf("%s and %s share a fingerprint", tpl.Name(), other)
		}
		seen[fp] = tpl.Name()
	}

	dir := t.TempDir()
	font := filepath.Join(dir, "f.ttf")
	writeFile(t, font, string(gomono.TTF))
	path := writeFile(t, filepath.Join(dir, "t.yaml"), "extends: minimal\nfonts: {code: f.ttf}\n")
	load := func() string {
		t.Helper()
		tpl, err := LoadTemplate(path, "")
		if err != nil {
			t.Fatal(err)
		}
		return tpl.Fingerprint()
	}
	a, b := load(), load()
	if a != b {
		t.Error("fingerprint is not stable across loads")
	}
	// Changing the font file's bytes changes the fingerprint.
	data := append([]byte(nil), gomono.TTF...)
	data = append(data, 0, 0, 0, 0)
	writeFile(t, font, string(data))
	if c := load(); c == a {
		t.Error("fingerprint ignores the font bytes")
	}
	writeFile(t, path, "extends: minimal\nfonts: {code: f.ttf}\n# edited\n")
	if d := load(); d == a {
		t.Error("fingerprint ignores the template bytes")
	}
}

func TestBadFontFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bad.ttf"), "not a font")
	path := writeFile(t, filepath.Join(dir, "t.yaml"), "extends: modern\nfonts:\n  body: bad.ttf\n")
	_, err := LoadTemplate(path, "")
	var fe *fault.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "not a TrueType/OpenType font") || fe.Line != 3 {
		t.Errorf("err = %v (line %d)", err, fe.Line)
	}
}
