package render

import (
	"image"
	"image/color"
	"os"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
)

const accents = "Programação, ações, você, Über"

// Latin accents must come from the template's own (embedded) fonts, never
// from a fallback.
func TestAccentsCoveredByEmbeddedFonts(t *testing.T) {
	text := accents + " ãõçéêíóôúüàÁÉÍÓÚÇÃÕñÑßœæ€“”‘’—–…•"
	for _, name := range EmbeddedFontNames() {
		fr, err := embeddedFont(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range text {
			if r != ' ' && !fr.has(r) {
				t.Errorf("%s lacks %q", name, r)
			}
		}
	}
	for _, tpl := range loadAll(t) {
		ctx := newTextCtx("pt-BR")
		ctx.fallback = newFallbackFonts(nil) // no system fonts at all
		for role, fr := range tpl.fonts {
			for _, g := range ctx.shape([]span{{text: text}}, fr, 0, false) {
				if g.font != fr || (g.index == 0 && !g.space) {
					t.Errorf("%s: font %s has no glyph for %q", tpl.Name(), role, g.r)
				}
			}
		}
		if w := ctx.warnings(); len(w) > 0 {
			t.Errorf("%s: %q", tpl.Name(), w)
		}
	}
}

// inkIn counts pixels in r that differ from the background colour bg.
func inkIn(img *image.RGBA, r image.Rectangle, bg color.RGBA) int {
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			d := int(c.R) - int(bg.R) + int(c.G) - int(bg.G) + int(c.B) - int(bg.B)
			if d > 30 || d < -30 {
				n++
			}
		}
	}
	return n
}

func renderTitle(t *testing.T, tplName, title, lang string) (*Plan, *image.RGBA) {
	t.Helper()
	tpl, err := LoadTemplate(tplName, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tpl.Layout(Input{Scene: &course.Scene{ID: "t", Layout: "section", Title: title}, Language: lang})
	if err != nil {
		t.Fatal(err)
	}
	return p, p.Draw()
}

func titleRun(t *testing.T, p *Plan) TextRun {
	t.Helper()
	for _, r := range p.Texts {
		if r.Region == "title" {
			return r
		}
	}
	t.Fatal("no title line")
	return TextRun{}
}

func TestAccentsRender(t *testing.T) {
	p, img := renderTitle(t, "minimal", accents, "pt-BR")
	if len(p.Warnings) > 0 {
		t.Errorf("warnings: %q", p.Warnings)
	}
	run := titleRun(t, p)
	if !strings.HasPrefix(run.Text, "Programação,") {
		t.Errorf("title line = %q", run.Text)
	}
	if n := inkIn(img, run.Rect, color.RGBA{255, 255, 255, 255}); n < 1000 {
		t.Errorf("title has only %d inked pixels", n)
	}
	// The cedilla and tildes reach outside the x-height: check the lines
	// just below the baseline carry ink (ç's tail).
	if n := inkIn(img, image.Rect(run.Rect.Min.X, run.Rect.Max.Y-int(run.Size*0.2), run.Rect.Max.X, run.Rect.Max.Y), color.RGBA{255, 255, 255, 255}); n == 0 {
		t.Error("no ink below the baseline: descenders and cedillas are missing")
	}
}

func hasCJKFont(t *testing.T) bool {
	t.Helper()
	if systemFonts.find('日', false, "ja") != nil {
		return true
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no installed font covers CJK under CI=true; .ci/run must install fonts-noto-cjk")
	}
	t.Skip("no CJK font installed (apt-get install fonts-noto-cjk)")
	return false
}

func TestCJKFallback(t *testing.T) {
	hasCJKFont(t)
	p, img := renderTitle(t, "modern", "日本語のテスト", "ja-JP")
	if len(p.Warnings) > 0 {
		t.Errorf("warnings: %q", p.Warnings)
	}
	run := titleRun(t, p)
	if run.Text != "日本語のテスト" {
		t.Errorf("title = %q", run.Text)
	}
	bg := img.RGBAAt(run.Rect.Min.X, run.Rect.Min.Y)
	if n := inkIn(img, run.Rect, bg); n < 2000 {
		t.Errorf("CJK title has only %d inked pixels", n)
	}
	// Mixed Latin and CJK on one line wraps and keeps both.
	p, _ = renderTitle(t, "tech", "Go 言語 and 中文 mixed", "zh-CN")
	if len(p.Warnings) > 0 {
		t.Errorf("warnings: %q", p.Warnings)
	}
}

func TestCJKVariantFollowsLanguage(t *testing.T) {
	hasCJKFont(t)
	jp := systemFonts.find('直', false, "ja")
	sc := systemFonts.find('直', false, "zh-CN")
	if jp == nil || sc == nil {
		t.Fatal("no CJK fallback")
	}
	if strings.Contains(jp.name, "#") && jp == sc {
		t.Errorf("ja and zh-CN picked the same collection member %s", jp.name)
	}
}

func TestMissingScriptWarns(t *testing.T) {
	saved := systemFonts
	systemFonts = newFallbackFonts([]string{t.TempDir()}) // an empty font folder
	defer func() { systemFonts = saved }()
	p, img := renderTitle(t, "modern", "日本 and नमस्ते", "")
	want := []string{
		`scene "t": `,
		`no installed font covers "日本" (Han); install fonts-noto-cjk`,
		`no installed font covers "नमस्ते" (Devanagari); install fonts-noto-core`,
	}
	if len(p.Warnings) != 2 {
		t.Fatalf("warnings = %q, want one per script", p.Warnings)
	}
	for i, w := range want[1:] {
		if p.Warnings[i] != want[0]+w {
			t.Errorf("warning %d = %q, want %q", i, p.Warnings[i], want[0]+w)
		}
	}
	if img == nil {
		t.Fatal("no image")
	}
}

func TestUnshapedScriptWarns(t *testing.T) {
	p, _ := renderTitle(t, "modern", "שלום and Olá", "")
	found := false
	for _, w := range p.Warnings {
		if strings.Contains(w, "Hebrew text is drawn without shaping") || strings.Contains(w, "no installed font covers") {
			found = true
		}
	}
	if !found {
		t.Errorf("right-to-left text produced no warning: %q", p.Warnings)
	}
	p, _ = renderTitle(t, "modern", "Olá, 日本", "")
	for _, w := range p.Warnings {
		if strings.Contains(w, "shaping") {
			t.Errorf("unexpected warning %q", w)
		}
	}
}
