package render

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func bulletScene() Input {
	return Input{Scene: demoScenes()[2], CourseTitle: "Course", LessonTitle: "Lesson", Width: 960, Height: 540}
}

func textsIn(p *Plan, region string) []TextRun {
	var out []TextRun
	for _, t := range p.Texts {
		if t.Region == region {
			out = append(out, t)
		}
	}
	return out
}

// TestRevealKeepsLayout checks that a reveal state draws only the first
// bullets, at exactly the place they have when every bullet is shown.
func TestRevealKeepsLayout(t *testing.T) {
	tpl, err := LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	full, err := tpl.Layout(bulletScene())
	if err != nil {
		t.Fatal(err)
	}
	all := textsIn(full, "body")
	for shown := 0; shown <= 4; shown++ {
		in := bulletScene()
		in.Overlay = Overlay{Reveal: true, Bullets: shown}
		p, err := tpl.Layout(in)
		if err != nil {
			t.Fatal(err)
		}
		got := textsIn(p, "body")
		// Bullet 2 has two sub-bullets: lines per top-level bullet.
		want := []int{0, 1, 4, 5, 6}[shown]
		if len(got) != want {
			t.Fatalf("shown %d: %d body lines, want %d", shown, len(got), want)
		}
		for i, r := range got {
			if r.Rect != all[i].Rect || r.Text != all[i].Text {
				t.Errorf("shown %d: line %d at %v %q, full layout has %v %q", shown, i, r.Rect, r.Text, all[i].Rect, all[i].Text)
			}
		}
		if shown == 4 {
			a, b := full.Draw(), p.Draw()
			if string(a.Pix) != string(b.Pix) {
				t.Error("revealing every bullet differs from the full slide")
			}
		}
	}
}

func TestCaptionIsReadableAndSafe(t *testing.T) {
	tpl, err := LoadTemplate("minimal", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []image.Point{{960, 540}, {540, 960}} {
		in := bulletScene()
		in.Width, in.Height = size.X, size.Y
		in.Overlay.Caption = "Subtitles burned into the picture\nstay inside the safe area"
		p, err := tpl.Layout(in)
		if err != nil {
			t.Fatal(err)
		}
		caps := textsIn(p, "caption")
		if len(caps) != 2 {
			t.Fatalf("%v: %d caption lines, want 2", size, len(caps))
		}
		img := p.Draw()
		safe := image.Rect(size.X/10, 0, size.X-size.X/10, size.Y-size.Y*5/100)
		for _, c := range caps {
			if !c.Rect.In(safe) {
				t.Errorf("%v: caption line %v outside the safe area %v", size, c.Rect, safe)
			}
			// The box behind the text is dark: sample just left of the
			// text, inside the padding.
			pt := image.Pt(c.Rect.Min.X-3, (c.Rect.Min.Y+c.Rect.Max.Y)/2)
			if lum := Luminance(img.At(pt.X, pt.Y)); lum > 0.2 {
				t.Errorf("%v: caption box at %v has luminance %.2f, want dark", size, pt, lum)
			}
			if ContrastRatio(color.White, img.At(pt.X, pt.Y)) < 4.5 {
				t.Errorf("%v: white text on the caption box has weak contrast", size)
			}
		}
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestLogoAndLowerThird(t *testing.T) {
	dir := t.TempDir()
	logo := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for i := range logo.Pix {
		logo.Pix[i] = 255 // white, opaque
	}
	writePNG(t, filepath.Join(dir, "logo.png"), logo)
	tpl, err := LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pos     string
		opacity float64
		corner  func(r image.Rectangle) bool
	}{
		{"top-right", 1, func(r image.Rectangle) bool { return r.Max.X == 960-24 && r.Min.Y == 24 }},
		{"bottom-left", 0.5, func(r image.Rectangle) bool { return r.Min.X == 24 && r.Max.Y == 540-24 }},
	}
	for _, tt := range tests {
		t.Run(tt.pos, func(t *testing.T) {
			in := bulletScene()
			in.BaseDir = dir
			in.Overlay.Logo = &Logo{Path: "logo.png", Position: tt.pos, Size: 160, Margin: 48, Opacity: tt.opacity}
			in.Overlay.LowerThird = []string{"Ana Souza", "Senior engineer"}
			p, err := tpl.Layout(in)
			if err != nil {
				t.Fatal(err)
			}
			var r image.Rectangle
			for _, im := range p.Images {
				if im.Region == "logo" {
					r = im.Rect
				}
			}
			if r.Dx() != 80 || r.Dy() != 40 || !tt.corner(r) {
				t.Fatalf("logo at %v (80x40 at 24 px from the %s corner expected)", r, tt.pos)
			}
			img := p.Draw()
			c := color.RGBAModel.Convert(img.At(r.Min.X+40, r.Min.Y+20)).(color.RGBA)
			plain, _ := tpl.Layout(bulletScene())
			under := color.RGBAModel.Convert(plain.Draw().At(r.Min.X+40, r.Min.Y+20)).(color.RGBA)
			want := uint8(float64(under.R)*(1-tt.opacity) + 255*tt.opacity + 0.5)
			if d := int(c.R) - int(want); d < -3 || d > 3 {
				t.Errorf("logo pixel red %d, want %d (opacity %g over %d)", c.R, want, tt.opacity, under.R)
			}
			lt := textsIn(p, "lower-third")
			if len(lt) != 2 || lt[0].Text != "Ana Souza" || lt[1].Text != "Senior engineer" {
				t.Errorf("lower third lines: %+v", lt)
			}
		})
	}
	in := bulletScene()
	in.BaseDir = dir
	in.Overlay.Logo = &Logo{Path: "missing.png"}
	if _, err := tpl.Layout(in); err == nil || !strings.Contains(err.Error(), "logo image not found") {
		t.Errorf("missing logo: %v", err)
	}
}

func TestLoadTemplateWithOverrides(t *testing.T) {
	base, err := LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := LoadTemplateWith("modern", "", Overrides{Colors: map[string]string{"accent": "#ff6600", "background": "#101010"}, Fonts: map[string]string{"title": "goregular"}})
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Fingerprint() == base.Fingerprint() {
		t.Error("overrides do not change the fingerprint")
	}
	if tpl.Name() != "modern" {
		t.Errorf("name %q", tpl.Name())
	}
	if got := tpl.col("accent"); got != (color.NRGBA{0xff, 0x66, 0x00, 0xff}) {
		t.Errorf("accent = %v", got)
	}
	img, _, err := tpl.Render(Input{Scene: demoScenes()[1], Width: 320, Height: 180})
	if err != nil {
		t.Fatal(err)
	}
	if c := color.RGBAModel.Convert(img.At(40, 170)).(color.RGBA); c.R != 0x10 || c.G != 0x10 || c.B != 0x10 {
		t.Errorf("background override not applied: %v", c)
	}
	if _, err := LoadTemplateWith("modern", "", Overrides{Colors: map[string]string{"text": "#151a40"}}); err == nil {
		t.Error("a text colour with no contrast on the background was accepted")
	}
	if _, err := LoadTemplateWith("modern", "", Overrides{Colors: map[string]string{"accent": "orange"}}); err == nil {
		t.Error("a bad colour was accepted")
	}
}
