package render

import (
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
)

var frameSizes = []struct {
	name string
	w, h int
}{
	{"1080p", 1920, 1080},
	{"720p", 1280, 720},
	{"vertical", 1080, 1920},
	{"square", 1080, 1080},
	{"4k", 3840, 2160},
}

func loadAll(t testing.TB) []*Template {
	t.Helper()
	var out []*Template
	for _, name := range Names() {
		tpl, err := LoadTemplate(name, "")
		if err != nil {
			t.Fatalf("LoadTemplate(%q): %v", name, err)
		}
		out = append(out, tpl)
	}
	return out
}

// checkPlan asserts that everything placed lies inside the frame, and every
// text line, marker and image inside its box and its region.
func checkPlan(t *testing.T, p *Plan) {
	t.Helper()
	frame := image.Rect(0, 0, p.Width, p.Height)
	regions := map[string]image.Rectangle{}
	for _, r := range p.Regions {
		if !r.Rect.In(frame) {
			t.Errorf("region %s %v outside frame %v", r.Name, r.Rect, frame)
		}
		regions[r.Name] = r.Rect
	}
	for _, run := range p.Texts {
		if !run.Rect.In(frame) {
			t.Errorf("%s line %q at %v is outside the frame %v", run.Region, run.Text, run.Rect, frame)
		}
		if run.Decorative {
			continue
		}
		if !run.Rect.In(run.Box) {
			t.Errorf("%s line %q at %v overflows its box %v", run.Region, run.Text, run.Rect, run.Box)
		}
		reg, ok := regions[run.Region]
		if !ok {
			t.Errorf("%s line %q belongs to no region", run.Region, run.Text)
			continue
		}
		if !run.Box.In(reg) {
			t.Errorf("%s box %v is not inside its region %v", run.Region, run.Box, reg)
		}
		if run.Size <= 0 || len(run.Colors) == 0 {
			t.Errorf("%s line %q has size %g and %d colours", run.Region, run.Text, run.Size, len(run.Colors))
		}
	}
	for _, m := range p.Markers {
		if reg, ok := regions[m.Name]; !ok || !m.Rect.In(reg) {
			t.Errorf("bullet marker %v is outside its region %s %v", m.Rect, m.Name, reg)
		}
	}
	for _, im := range p.Images {
		if !im.Rect.In(im.Box) || !im.Box.In(frame) || im.Rect.Empty() {
			t.Errorf("image at %v is outside its box %v (frame %v)", im.Rect, im.Box, frame)
		}
	}
}

func TestLayoutLongContentStaysInBoxes(t *testing.T) {
	dir := t.TempDir()
	writeTestImage(t, dir, 320, 200)
	for _, tpl := range loadAll(t) {
		for _, sz := range frameSizes {
			for _, sc := range longScenes() {
				t.Run(fmt.Sprintf("%s/%s/%s", tpl.Name(), sz.name, sc.Layout), func(t *testing.T) {
					p, err := tpl.Layout(Input{Scene: sc, CourseTitle: strings.Repeat("Course title ", 20), LessonTitle: strings.Repeat("Lesson ", 30),
						Index: 12, Total: 99, Width: sz.w, Height: sz.h, BaseDir: dir})
					if err != nil {
						t.Fatal(err)
					}
					checkPlan(t, p)
					if sc.Layout != "slide-image" && len(p.Texts) == 0 {
						t.Error("no text placed")
					}
					if sc.Layout == "code" && len(p.Warnings) == 0 {
						t.Error("eighty lines of code produced no warning")
					}
					for _, w := range p.Warnings {
						if !strings.Contains(w, "does not fit") && !strings.Contains(w, "no installed font") {
							t.Errorf("unexpected warning %q", w)
						}
					}
				})
			}
		}
	}
}

// Ordinary content must fit every template at its designed sizes: a
// warning here means a template's boxes are too tight.
func TestLayoutDemoContentFits(t *testing.T) {
	dir := t.TempDir()
	writeTestImage(t, dir, 320, 200)
	for _, tpl := range loadAll(t) {
		for _, sz := range frameSizes {
			for _, sc := range demoScenes() {
				t.Run(fmt.Sprintf("%s/%s/%s", tpl.Name(), sz.name, sc.Layout), func(t *testing.T) {
					p, err := tpl.Layout(Input{Scene: sc, CourseTitle: "Go para iniciantes", LessonTitle: "Lição 2",
						Index: 3, Total: 8, Width: sz.w, Height: sz.h, BaseDir: dir, Language: "pt-BR"})
					if err != nil {
						t.Fatal(err)
					}
					checkPlan(t, p)
					if len(p.Warnings) > 0 {
						t.Errorf("warnings: %q", p.Warnings)
					}
				})
			}
		}
	}
}

func TestLayoutShrinksBeforeCutting(t *testing.T) {
	tpl, err := LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	short := &course.Scene{ID: "s", Layout: "bullets", Title: "Short", Bullets: []course.Bullet{{Text: "One point"}}}
	long := &course.Scene{ID: "l", Layout: "bullets", Title: strings.Repeat("A rather long title that wraps ", 4)}
	for i := 0; i < 9; i++ {
		long.Bullets = append(long.Bullets, course.Bullet{Text: "A bullet that is long enough to wrap onto a second line at the preferred body size"})
	}
	size := func(sc *course.Scene, region string) float64 {
		p, err := tpl.Layout(Input{Scene: sc, Width: 1920, Height: 1080})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Warnings) > 0 {
			t.Fatalf("warnings: %q", p.Warnings)
		}
		for _, r := range p.Texts {
			if r.Region == region {
				return r.Size
			}
		}
		t.Fatalf("no %s text", region)
		return 0
	}
	if got, want := size(short, "body"), 40.0; got != want {
		t.Errorf("short body size = %g, want the preferred %g", got, want)
	}
	if got := size(long, "body"); got >= 40 || got < 20 {
		t.Errorf("long body size = %g, want shrunk below 40 but not below the minimum 20", got)
	}
	if got := size(long, "title"); got >= 64 {
		t.Errorf("long title size = %g, want shrunk below 64", got)
	}
}

func TestLayoutTruncatesWithEllipsis(t *testing.T) {
	tpl, err := LoadTemplate("minimal", "")
	if err != nil {
		t.Fatal(err)
	}
	sc := &course.Scene{ID: "q", Layout: "quote", Quote: strings.Repeat("word ", 2000)}
	p, err := tpl.Layout(Input{Scene: sc, Width: 1280, Height: 720})
	if err != nil {
		t.Fatal(err)
	}
	var last TextRun
	for _, r := range p.Texts {
		if r.Region == "quote" {
			last = r
		}
	}
	if !strings.HasSuffix(last.Text, "…") {
		t.Errorf("last quote line %q does not end with an ellipsis", last.Text)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], `scene "q": quote text does not fit`) {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

func TestLayoutBreaksOverlongWords(t *testing.T) {
	tpl, err := LoadTemplate("corporate", "")
	if err != nil {
		t.Fatal(err)
	}
	word := strings.Repeat("x", 400)
	p, err := tpl.Layout(Input{Scene: &course.Scene{ID: "w", Layout: "bullets", Title: "T", Bullets: []course.Bullet{{Text: word}}}})
	if err != nil {
		t.Fatal(err)
	}
	checkPlan(t, p)
	var n int
	for _, r := range p.Texts {
		if r.Region == "body" {
			n++
		}
	}
	if n < 2 {
		t.Errorf("a 400-character word was placed on %d lines, want it broken over several", n)
	}
}

func TestLayoutCodeKeepsIndentation(t *testing.T) {
	tpl, err := LoadTemplate("tech", "")
	if err != nil {
		t.Fatal(err)
	}
	sc := &course.Scene{ID: "c", Layout: "code", Language: "python", Code: "\r\n\r\ndef f(x):\r\n\tif x:\r\n\t\treturn 1  \r\n"}
	p, err := tpl.Layout(Input{Scene: sc})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range p.Texts {
		if r.Region == "code" && r.Text != "python" {
			lines = append(lines, r.Text)
		}
	}
	want := []string{"def f(x):", "    if x:", "        return 1"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("code lines = %q, want %q", lines, want)
	}
	// Keywords are coloured differently from plain text.
	for _, r := range p.Texts {
		if r.Text == "def f(x):" && len(r.Colors) < 2 {
			t.Errorf("line %q has colours %v, want keyword highlighting", r.Text, r.Colors)
		}
	}
}

func TestLayoutFooter(t *testing.T) {
	tpl, err := LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tpl.Layout(Input{Scene: &course.Scene{Layout: "bullets", Title: "T"}, CourseTitle: "My course", Index: 3, Total: 12})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p.Texts {
		if r.Region == "footer" {
			got = append(got, r.Text)
		}
	}
	if strings.Join(got, "|") != "3 / 12|My course" {
		t.Errorf("footer = %q", got)
	}
	// Title and section slides carry no footer.
	p, err = tpl.Layout(Input{Scene: &course.Scene{Layout: "title", Title: "T"}, CourseTitle: "My course", Index: 1, Total: 12})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Texts {
		if r.Region == "footer" {
			t.Errorf("title slide has a footer line %q", r.Text)
		}
	}
}

func TestLayoutUnknown(t *testing.T) {
	tpl, err := LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Layout(Input{Scene: &course.Scene{ID: "x", Layout: "bulets"}})
	if err == nil || !strings.Contains(err.Error(), `unknown layout "bulets" (did you mean "bullets"?)`) {
		t.Errorf("err = %v", err)
	}
	if _, err := tpl.Layout(Input{Scene: &course.Scene{Layout: "title"}, Width: 10, Height: 10}); err == nil {
		t.Error("a 10x10 frame was accepted")
	}
	if _, err := tpl.Layout(Input{}); err == nil {
		t.Error("a nil scene was accepted")
	}
}
