package render

import (
	"fmt"
	"image"
	"image/color"
	"sort"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// ContrastIssue is a line of text whose colour is too close to some pixel
// behind it.
type ContrastIssue struct {
	Layout string
	Region string
	Text   string
	Color  color.NRGBA // the text colour
	Behind color.NRGBA // the worst background pixel under it
	Ratio  float64
}

func (c ContrastIssue) String() string {
	return fmt.Sprintf("layout %s, %s: text %s on %s has contrast %.2f:1 (needs %.1f:1)",
		c.Layout, c.Region, hexOf(c.Color), hexOf(c.Behind), c.Ratio, MinContrast)
}

// sampleScene returns content that exercises every box of a layout.
func sampleScene(layout string) *course.Scene {
	return &course.Scene{
		ID:       "contrast-" + layout,
		Layout:   layout,
		Title:    "Contrast check title",
		Subtitle: "A subtitle line",
		Body:     "Body text for checking contrast",
		Bullets: []course.Bullet{
			{Text: "First point", Children: []course.Bullet{{Text: "Nested point"}}},
			{Text: "Second point"},
		},
		Code:     "// comment\nfunc main() {\n\tx := \"text\" + 42\n}",
		Language: "go",
		Quote:    "A quotation to check",
		Author:   "Someone",
	}
}

// CheckContrast lays out every layout with sample content at w×h, draws
// what sits behind the text (background, decorations, cards) and reports
// every text line whose colour falls below MinContrast against any pixel
// under it. Gradients are therefore checked at their worst point.
func (t *Template) CheckContrast(w, h int) []ContrastIssue {
	var issues []ContrastIssue
	for _, layout := range course.Layouts {
		p, err := t.Layout(Input{
			Scene: sampleScene(layout), CourseTitle: "Course title", LessonTitle: "Lesson title",
			Index: 3, Total: 12, Width: w, Height: h,
		})
		if err != nil {
			continue
		}
		chrome := p.drawChrome()
		for _, run := range p.Texts {
			if run.Decorative {
				continue
			}
			r := run.Rect.Intersect(chrome.Bounds())
			if r.Empty() {
				continue
			}
			for _, c := range run.Colors {
				if c.A < 255 {
					// Translucent text is blended with whatever is behind it.
					c = over(color.NRGBA{R: 127, G: 127, B: 127, A: 255}, c)
				}
				ratio, worst := worstContrast(chrome, r, c)
				if ratio < MinContrast {
					issues = append(issues, ContrastIssue{Layout: layout, Region: run.Region, Text: run.Text, Color: c, Behind: worst, Ratio: ratio})
				}
			}
		}
	}
	return issues
}

var linearLUT = func() [256]float64 {
	var t [256]float64
	for i := range t {
		t[i] = linear(uint8(i))
	}
	return t
}()

// worstContrast finds the pixel in r whose luminance is closest to c's:
// the one c contrasts least with.
func worstContrast(img *image.RGBA, r image.Rectangle, c color.NRGBA) (float64, color.NRGBA) {
	lc := Luminance(c)
	best, bx, by := 2.0, r.Min.X, r.Min.Y
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[(y-img.Rect.Min.Y)*img.Stride:]
		for x := r.Min.X; x < r.Max.X; x++ {
			p := row[(x-img.Rect.Min.X)*4:]
			d := 0.2126*linearLUT[p[0]] + 0.7152*linearLUT[p[1]] + 0.0722*linearLUT[p[2]] - lc
			if d < 0 {
				d = -d
			}
			if d < best {
				best, bx, by = d, x, y
			}
		}
	}
	px := img.RGBAAt(bx, by)
	behind := color.NRGBA{R: px.R, G: px.G, B: px.B, A: 255}
	return ContrastRatio(c, behind), behind
}

// primaryRegions carry the slide's content: weak contrast there makes a
// custom template unusable.
var primaryRegions = map[string]bool{"title": true, "subtitle": true, "body": true, "code": true, "quote": true, "caption": true}

// checkContrast rejects a custom template whose content text fails
// MinContrast and records warnings for secondary text (labels, footers).
func (t *Template) checkContrast(file string) error {
	issues := t.CheckContrast(960, 540)
	var errs []string
	seen := map[string]bool{}
	for _, is := range issues {
		key := is.Layout + "/" + is.Region + "/" + hexOf(is.Color)
		if seen[key] {
			continue
		}
		seen[key] = true
		if primaryRegions[is.Region] {
			errs = append(errs, is.String())
		} else {
			t.warnings = append(t.warnings, file+": "+is.String())
		}
	}
	if len(errs) == 0 {
		return nil
	}
	sort.Strings(errs)
	e := &fault.Error{Kind: fault.Input, File: file, Msg: "text colours are too close to their background: " + errs[0]}
	if len(errs) > 1 {
		e.Msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	for _, s := range errs[1:min(len(errs), 6)] {
		e.WithHint("%s", s)
	}
	e.WithHint("text needs a WCAG contrast ratio of at least %.1f:1; darken the text or lighten the background in palette (or the other way round)", MinContrast)
	return e
}
