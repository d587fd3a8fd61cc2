package tui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/image/draw"

	"github.com/tecno-video/tecno/internal/render"
)

// HalfBlocks draws img in cols×rows terminal cells with the upper half
// block "▀": each cell shows two pixels, the top one as the foreground
// colour and the bottom one as the background. The image is scaled to
// cols×(2·rows) pixels first. Each line ends with an attribute reset.
// Under NoColor it returns "".
func HalfBlocks(img image.Image, cols, rows int, p Profile) string {
	if p == NoColor || cols <= 0 || rows <= 0 || img == nil || img.Bounds().Empty() {
		return ""
	}
	small := image.NewRGBA(image.Rect(0, 0, cols, 2*rows))
	draw.CatmullRom.Scale(small, small.Bounds(), img, img.Bounds(), draw.Src, nil)
	var b strings.Builder
	b.Grow(rows * cols * 24)
	for y := 0; y < rows; y++ {
		var lastFG, lastBG string
		for x := 0; x < cols; x++ {
			top := small.RGBAAt(x, 2*y)
			bot := small.RGBAAt(x, 2*y+1)
			fg, bg := sgr(top, p, false), sgr(bot, p, true)
			if fg != lastFG || bg != lastBG {
				b.WriteString("\x1b[")
				switch {
				case fg != lastFG && bg != lastBG:
					b.WriteString(fg + ";" + bg)
				case fg != lastFG:
					b.WriteString(fg)
				default:
					b.WriteString(bg)
				}
				b.WriteByte('m')
				lastFG, lastBG = fg, bg
			}
			b.WriteString("▀")
		}
		b.WriteString("\x1b[0m")
		if y < rows-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// sgr returns the SGR parameters that select c as the foreground (or
// background) colour in profile p.
func sgr(c color.RGBA, p Profile, bg bool) string {
	switch p {
	case TrueColor:
		if bg {
			return fmt.Sprintf("48;2;%d;%d;%d", c.R, c.G, c.B)
		}
		return fmt.Sprintf("38;2;%d;%d;%d", c.R, c.G, c.B)
	case ANSI256:
		n := strconv.Itoa(nearest256(c))
		if bg {
			return "48;5;" + n
		}
		return "38;5;" + n
	default:
		i := nearest16(c)
		base := 30
		if bg {
			base = 40
		}
		if i >= 8 {
			base += 60
			i -= 8
		}
		return strconv.Itoa(base + i)
	}
}

// The xterm palette: 16 system colours, a 6×6×6 cube and 24 greys.
var (
	palette16 = [16]color.RGBA{
		{0, 0, 0, 255}, {205, 0, 0, 255}, {0, 205, 0, 255}, {205, 205, 0, 255},
		{0, 0, 238, 255}, {205, 0, 205, 255}, {0, 205, 205, 255}, {229, 229, 229, 255},
		{127, 127, 127, 255}, {255, 0, 0, 255}, {0, 255, 0, 255}, {255, 255, 0, 255},
		{92, 92, 255, 255}, {255, 0, 255, 255}, {0, 255, 255, 255}, {255, 255, 255, 255},
	}
	cubeLevels = [6]int{0, 95, 135, 175, 215, 255}
)

// dist is a perceptually weighted squared distance ("redmean").
func dist(a color.RGBA, r, g, b int) int {
	rm := (int(a.R) + r) / 2
	dr, dg, db := int(a.R)-r, int(a.G)-g, int(a.B)-b
	return ((512+rm)*dr*dr)>>8 + 4*dg*dg + ((767-rm)*db*db)>>8
}

// nearest16 returns the index of the system colour closest to c.
func nearest16(c color.RGBA) int {
	best, bestD := 0, -1
	for i, p := range palette16 {
		if d := dist(c, int(p.R), int(p.G), int(p.B)); bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// nearest256 returns the xterm-256 index closest to c among the colour
// cube (16–231) and the grey ramp (232–255).
func nearest256(c color.RGBA) int {
	level := func(v uint8) int {
		best, bestD := 0, 1<<30
		for i, l := range cubeLevels {
			if d := (int(v) - l) * (int(v) - l); d < bestD {
				best, bestD = i, d
			}
		}
		return best
	}
	ri, gi, bi := level(c.R), level(c.G), level(c.B)
	cube := 16 + 36*ri + 6*gi + bi
	cubeD := dist(c, cubeLevels[ri], cubeLevels[gi], cubeLevels[bi])
	avg := (int(c.R) + int(c.G) + int(c.B)) / 3
	gi2 := (avg - 8 + 5) / 10
	gi2 = max(0, min(23, gi2))
	g := 8 + 10*gi2
	if dist(c, g, g, g) < cubeD {
		return 232 + gi2
	}
	return cube
}

// Describe is the NO_COLOR preview: the frame as text, each drawn line
// of text under the name of its layout box, and the images with their
// placement, wrapped to width columns with a hanging indent (0: no
// wrapping).
func Describe(p *render.Plan, template string, width int) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "frame %d×%d · %s layout · %s template\n", p.Width, p.Height, p.Layout, template)
	type group struct {
		name  string
		lines []string
	}
	var groups []*group
	byName := map[string]*group{}
	add := func(name, line string) {
		g := byName[name]
		if g == nil {
			g = &group{name: name}
			byName[name] = g
			groups = append(groups, g)
		}
		g.lines = append(g.lines, line)
	}
	for _, t := range p.Texts {
		if t.Decorative || strings.TrimSpace(t.Text) == "" {
			continue
		}
		add(t.Region, t.Text)
	}
	for _, im := range p.Images {
		add(im.Region, fmt.Sprintf("[image %s, %d×%d at %d,%d]", filepath.Base(im.Source), im.Rect.Dx(), im.Rect.Dy(), im.Rect.Min.X, im.Rect.Min.Y))
	}
	// Boxes in reading order: top to bottom, then left to right.
	top := map[string]image.Point{}
	for _, r := range p.Regions {
		top[r.Name] = r.Rect.Min
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, c := top[groups[i].name], top[groups[j].name]
		if a.Y != c.Y {
			return a.Y < c.Y
		}
		return a.X < c.X
	})
	const indent = 9
	for _, g := range groups {
		for i, l := range g.lines {
			label := ""
			if i == 0 {
				label = g.name
			}
			if width > indent+8 {
				l = strings.ReplaceAll(ansi.Wrap(l, width-indent, ""), "\n", "\n"+strings.Repeat(" ", indent))
			}
			fmt.Fprintf(&b, "%-*s %s\n", indent-1, label, l)
		}
	}
	out := strings.TrimRight(b.String(), "\n")
	if width > 0 {
		first, rest, _ := strings.Cut(out, "\n")
		out = ansi.Wrap(first, width, "") + "\n" + rest
	}
	return out
}

// kittyPlaceholder is the character the kitty graphics protocol replaces
// with a piece of an image placed with U=1.
const kittyPlaceholder = '\U0010EEEE'

// kittyDiacritics number the rows and columns of placeholder cells (the
// first entries of the protocol's table; enough for a preview).
var kittyDiacritics = []rune{
	0x0305, 0x030D, 0x030E, 0x0310, 0x0312, 0x033D, 0x033E, 0x033F, 0x0346, 0x034A,
	0x034B, 0x034C, 0x0350, 0x0351, 0x0352, 0x0357, 0x035B, 0x0363, 0x0364, 0x0365,
	0x0366, 0x0367, 0x0368, 0x0369, 0x036A, 0x036B, 0x036C, 0x036D, 0x036E, 0x036F,
	0x0483, 0x0484, 0x0485, 0x0486, 0x0487, 0x0592, 0x0593, 0x0594, 0x0595, 0x0597,
	0x0598, 0x0599, 0x059C, 0x059D, 0x059E, 0x059F, 0x05A0, 0x05A1, 0x05A8, 0x05A9,
	0x05AB, 0x05AC, 0x05AF, 0x05C4, 0x0610, 0x0611, 0x0612, 0x0613, 0x0614, 0x0615,
	0x0616, 0x0617, 0x0657, 0x0658, 0x0659, 0x065A, 0x065B, 0x065D, 0x065E, 0x06D6,
}

// KittyImage draws img in cols×rows cells with the kitty graphics
// protocol: it transmits the PNG as image id (chunked, quiet) and makes a
// virtual placement of that size, then fills the cells with Unicode
// placeholders whose foreground colour carries the id. The transmission
// rides on the first line, so it is sent again only when that line
// changes. It returns "" when the placement is too large to number.
func KittyImage(img image.Image, id uint32, cols, rows int) string {
	if img == nil || cols <= 0 || rows <= 0 || rows > len(kittyDiacritics) || id == 0 || id > 0xFFFFFF {
		return ""
	}
	var png bytes.Buffer
	if err := render.EncodePNG(&png, img); err != nil {
		return ""
	}
	data := base64.StdEncoding.EncodeToString(png.Bytes())
	var b strings.Builder
	const chunk = 4096
	for i := 0; i < len(data); i += chunk {
		end := min(i+chunk, len(data))
		more := 0
		if end < len(data) {
			more = 1
		}
		if i == 0 {
			fmt.Fprintf(&b, "\x1b_Ga=T,U=1,f=100,t=d,i=%d,c=%d,r=%d,q=2,m=%d;%s\x1b\\", id, cols, rows, more, data[i:end])
		} else {
			fmt.Fprintf(&b, "\x1b_Gm=%d;%s\x1b\\", more, data[i:end])
		}
	}
	fg := fmt.Sprintf("\x1b[38;2;%d;%d;%dm", id>>16&0xff, id>>8&0xff, id&0xff)
	for y := 0; y < rows; y++ {
		b.WriteString(fg)
		// The first cell names its row and column; the rest of the row
		// continues from it.
		b.WriteRune(kittyPlaceholder)
		b.WriteRune(kittyDiacritics[y])
		b.WriteRune(kittyDiacritics[0])
		for x := 1; x < cols; x++ {
			b.WriteRune(kittyPlaceholder)
		}
		b.WriteString("\x1b[39m")
		if y < rows-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
