package tui

import (
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/render"
)

// quadrants is a 2×4 image: top row red, green; then blue, white; then
// black twice; then white twice.
func quadrants() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 2, 4))
	px := []color.RGBA{
		{255, 0, 0, 255}, {0, 255, 0, 255},
		{0, 0, 255, 255}, {255, 255, 255, 255},
		{0, 0, 0, 255}, {0, 0, 0, 255},
		{255, 255, 255, 255}, {255, 255, 255, 255},
	}
	for i, c := range px {
		img.SetRGBA(i%2, i/2, c)
	}
	return img
}

func TestHalfBlocks(t *testing.T) {
	tests := []struct {
		profile Profile
		want    string
	}{
		{TrueColor, "\x1b[38;2;255;0;0;48;2;0;0;255m▀\x1b[38;2;0;255;0;48;2;255;255;255m▀\x1b[0m\n" +
			"\x1b[38;2;0;0;0;48;2;255;255;255m▀▀\x1b[0m"},
		{ANSI256, "\x1b[38;5;196;48;5;21m▀\x1b[38;5;46;48;5;231m▀\x1b[0m\n" +
			"\x1b[38;5;16;48;5;231m▀▀\x1b[0m"},
		{ANSI16, "\x1b[91;44m▀\x1b[92;107m▀\x1b[0m\n" +
			"\x1b[30;107m▀▀\x1b[0m"},
		{NoColor, ""},
	}
	for _, tt := range tests {
		t.Run(tt.profile.String(), func(t *testing.T) {
			got := HalfBlocks(quadrants(), 2, 2, tt.profile)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestHalfBlocksScales(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 320, 180))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	out := HalfBlocks(img, 40, 11, TrueColor)
	lines := strings.Split(out, "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want 11", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 40 {
			t.Fatalf("line %d cells wide, want 40", w)
		}
		// A flat image needs one colour change per line.
		if n := strings.Count(l, "\x1b[38;2"); n != 1 {
			t.Fatalf("%d colour changes on a flat line, want 1", n)
		}
	}
}

func TestNearestColours(t *testing.T) {
	tests := []struct {
		c      color.RGBA
		n256   int
		n16    int
		reason string
	}{
		{color.RGBA{255, 0, 0, 255}, 196, 9, "pure red"},
		{color.RGBA{0, 0, 0, 255}, 16, 0, "black"},
		{color.RGBA{255, 255, 255, 255}, 231, 15, "white"},
		{color.RGBA{128, 128, 128, 255}, 244, 8, "mid grey uses the grey ramp"},
		{color.RGBA{95, 135, 175, 255}, 67, 8, "an exact cube colour; greyish in 16"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			if got := nearest256(tt.c); got != tt.n256 {
				t.Errorf("nearest256 = %d, want %d", got, tt.n256)
			}
			if got := nearest16(tt.c); got != tt.n16 {
				t.Errorf("nearest16 = %d, want %d", got, tt.n16)
			}
		})
	}
}

func TestDetectProfile(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want Profile
		gfx  Graphics
	}{
		{map[string]string{"TERM": "xterm-256color", "COLORTERM": "truecolor"}, TrueColor, NoGraphics},
		{map[string]string{"TERM": "xterm-256color"}, ANSI256, NoGraphics},
		{map[string]string{"TERM": "xterm"}, ANSI16, NoGraphics},
		{map[string]string{"TERM": "dumb", "COLORTERM": "truecolor"}, NoColor, NoGraphics},
		{map[string]string{"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"}, NoColor, NoGraphics},
		{map[string]string{"TERM": "xterm-kitty"}, TrueColor, Kitty},
		{map[string]string{"TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"}, TrueColor, Kitty},
		{map[string]string{"TERM": "tmux-256color", "KITTY_WINDOW_ID": "3", "TMUX": "/tmp/x"}, TrueColor, NoGraphics},
		{map[string]string{"TERM": "xterm-ghostty"}, TrueColor, Kitty},
		{map[string]string{"TERM": "screen"}, ANSI16, NoGraphics},
		{map[string]string{}, ANSI16, NoGraphics},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		if got := DetectProfile(getenv); got != tt.want {
			t.Errorf("%v: profile %v, want %v", tt.env, got, tt.want)
		}
		if got := DetectGraphics(getenv); got != tt.gfx {
			t.Errorf("%v: graphics %v, want %v", tt.env, got, tt.gfx)
		}
	}
}

func TestDescribe(t *testing.T) {
	tm, err := render.LoadTemplate("modern", "")
	if err != nil {
		t.Fatal(err)
	}
	s := &course.Scene{ID: "b", Layout: "bullets", Title: "Three points", Bullets: []course.Bullet{{Text: "One"}, {Text: "Two"}}}
	p, err := tm.Layout(render.Input{Scene: s, CourseTitle: "Course", LessonTitle: "Lesson", Index: 2, Total: 5})
	if err != nil {
		t.Fatal(err)
	}
	got := Describe(p, "modern", 60)
	lines := strings.Split(got, "\n")
	if lines[0] != "frame 1920×1080 · bullets layout · modern template" {
		t.Errorf("first line %q", lines[0])
	}
	title, one, two := strings.Index(got, "Three points"), strings.Index(got, "One"), strings.Index(got, "Two")
	if title < 0 || one < title || two < one {
		t.Errorf("title and bullets missing or out of reading order:\n%s", got)
	}
	if !regexp.MustCompile(`(?m)^title +Three points$`).MatchString(got) {
		t.Errorf("title line not labelled with its box:\n%s", got)
	}
	if Describe(nil, "x", 10) != "" {
		t.Error("nil plan described")
	}
}

func TestKittyImage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	out := KittyImage(img, 0x123456, 8, 3)
	first := regexp.MustCompile(`^\x1b_Ga=T,U=1,f=100,t=d,i=1193046,c=8,r=3,q=2,m=0;([A-Za-z0-9+/=]+)\x1b\\`).FindStringSubmatch(out)
	if first == nil {
		t.Fatalf("no transmit+place command at the start: %q", out[:min(len(out), 80)])
	}
	data, err := base64.StdEncoding.DecodeString(first[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(strings.NewReader(string(data))); err != nil {
		t.Fatalf("payload is not a PNG: %v", err)
	}
	lines := strings.Split(out[len(first[0]):], "\n")
	if len(lines) != 3 {
		t.Fatalf("%d placeholder lines, want 3", len(lines))
	}
	for y, l := range lines {
		if !strings.HasPrefix(l, "\x1b[38;2;18;52;86m") {
			t.Errorf("line %d does not carry the image id in its colour: %q", y, l)
		}
		cells := strings.Count(l, string(kittyPlaceholder))
		if cells != 8 {
			t.Errorf("line %d has %d placeholders, want 8", y, cells)
		}
		if !strings.Contains(l, string([]rune{kittyPlaceholder, kittyDiacritics[y], kittyDiacritics[0]})) {
			t.Errorf("line %d: first cell does not name row %d, column 0", y, y)
		}
	}
	// Large images are sent in chunks of at most 4096 bytes.
	big := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for i := range big.Pix {
		big.Pix[i] = byte(i * 7919 % 251)
	}
	out = KittyImage(big, 7, 10, 4)
	for _, m := range regexp.MustCompile(`\x1b_G[^;]*;([^\x1b]*)\x1b\\`).FindAllStringSubmatch(out, -1) {
		if len(m[1]) > 4096 {
			t.Fatalf("chunk of %d bytes", len(m[1]))
		}
	}
	if !strings.Contains(out, "m=1;") || !strings.Contains(out, "\x1b_Gm=0;") {
		t.Error("large image not chunked")
	}
	if KittyImage(img, 0, 8, 3) != "" || KittyImage(img, 1, 8, 500) != "" {
		t.Error("invalid id or size accepted")
	}
}

// BenchmarkPreview measures what moving to a scene costs: rendering the
// frame at preview size, then drawing it as half-block cells.
func BenchmarkPreview(b *testing.B) {
	tm, err := render.LoadTemplate("modern", "")
	if err != nil {
		b.Fatal(err)
	}
	s := &course.Scene{ID: "b", Layout: "bullets", Title: "Why build lessons this way",
		Bullets: []course.Bullet{{Text: "Write once, in plain text"}, {Text: "Rebuild in seconds"}, {Text: "Offline voices by default"}}}
	for _, size := range []struct {
		name string
		w, h int
	}{{"320x180", 320, 180}, {"1920x1080", 1920, 1080}} {
		b.Run("render/"+size.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := tm.Render(render.Input{Scene: s, CourseTitle: "C", LessonTitle: "L", Width: size.w, Height: size.h}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	img, _, err := tm.Render(render.Input{Scene: s, Width: 320, Height: 180})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []Profile{TrueColor, ANSI256, ANSI16} {
		b.Run("halfblocks/"+strings.ReplaceAll(p.String(), " ", "-"), func(b *testing.B) {
			for b.Loop() {
				HalfBlocks(img, 42, 12, p)
			}
		})
	}
}
