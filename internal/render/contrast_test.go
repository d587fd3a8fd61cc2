package render

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/fault"
)

func TestContrastRatio(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48},
		{"#595959", "#ffffff", 7.0},
	} {
		a, _ := parseHex(tc.a)
		b, _ := parseHex(tc.b)
		if got := ContrastRatio(a, b); math.Abs(got-tc.want) > 0.02 {
			t.Errorf("ContrastRatio(%s, %s) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

// Every text colour of every built-in template must reach 4.5:1 against
// every pixel behind it (background gradients, glows, cards, bands), at
// every frame shape.
func TestTemplatesContrast(t *testing.T) {
	sizes := frameSizes[:3]
	if raceEnabled {
		sizes = sizes[1:2]
	}
	for _, tpl := range loadAll(t) {
		for _, sz := range sizes {
			t.Run(tpl.Name()+"/"+sz.name, func(t *testing.T) {
				for _, is := range tpl.CheckContrast(sz.w, sz.h) {
					t.Errorf("%s (line %q)", is, is.Text)
				}
			})
		}
	}
}

// The palette pairs themselves, including code token colours against the
// code background, which the sample code may not exercise fully.
func TestTemplatesPaletteContrast(t *testing.T) {
	for _, tpl := range loadAll(t) {
		pairs := [][2]string{
			{"text", "background"}, {"muted", "background"}, {"accent_text", "accent"},
			{"code_text", "code_background"}, {"code_keyword", "code_background"},
			{"code_string", "code_background"}, {"code_comment", "code_background"}, {"code_number", "code_background"},
		}
		for _, p := range pairs {
			fg, bg := tpl.col(p[0]), tpl.col(p[1])
			if r := ContrastRatio(fg, bg); r < MinContrast {
				t.Errorf("%s: %s %s on %s %s = %.2f:1", tpl.Name(), p[0], hexOf(fg), p[1], hexOf(bg), r)
			}
		}
	}
}

func TestCustomTemplateWithPoorContrastIsRejected(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dim.yaml")
	if err := os.WriteFile(path, []byte("extends: modern\npalette:\n  text: \"#3a3f6b\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadTemplate("dim.yaml", dir)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Input {
		t.Fatalf("err = %v, want an input error", err)
	}
	if !strings.Contains(fe.Msg, "contrast") || !strings.Contains(fe.Msg, "#3a3f6b") || fe.File != path {
		t.Errorf("error %q (file %q) does not explain the contrast problem", fe.Msg, fe.File)
	}
	if len(fe.Hints) == 0 || !strings.Contains(strings.Join(fe.Hints, "\n"), "4.5:1") {
		t.Errorf("hints = %q", fe.Hints)
	}

	// A weak secondary colour only warns.
	path2 := filepath.Join(dir, "soft.yaml")
	if err := os.WriteFile(path2, []byte("extends: modern\nfooter:\n  box: {color: \"#5a5f8a\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl, err := LoadTemplate(path2, "")
	if err != nil {
		t.Fatalf("a weak footer colour was rejected: %v", err)
	}
	if len(tpl.Warnings()) == 0 {
		t.Error("a weak muted colour produced no warning")
	}
}

func TestWorstGradientPoint(t *testing.T) {
	// A white-to-black gradient background makes white text fail somewhere
	// even though it passes at the top.
	dir := t.TempDir()
	path := filepath.Join(dir, "grad.yaml")
	yaml := "extends: minimal\nbackground: {type: vertical, from: \"#ffffff\", to: \"#000000\"}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTemplate(path, ""); err == nil {
		t.Fatal("dark text on a gradient ending in black was accepted")
	}
}
