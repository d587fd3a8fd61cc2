package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"math"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"

	"github.com/tecno-video/tecno/internal/fault"
)

// Overlay is what production adds over a slide: a bullet reveal state, a
// burned-in subtitle, a lower third and a logo. The zero Overlay adds
// nothing.
type Overlay struct {
	// Reveal draws only the first Bullets top-level bullets (with their
	// sub-bullets). Hidden bullets keep their place: the layout is the
	// same in every reveal state, so nothing moves as bullets appear.
	Reveal  bool
	Bullets int
	// Caption is a burned-in subtitle, lines separated by "\n", drawn on
	// a dark box in the caption-safe area near the bottom.
	Caption string
	// LowerThird is a name (and an optional second line, such as a role)
	// drawn low on the left.
	LowerThird []string
	// Logo is drawn in a corner of every frame.
	Logo *Logo
}

// Logo is a logo or watermark image.
type Logo struct {
	Path     string  // image file (absolute, or relative to Input.BaseDir)
	Position string  // top-right (default), top-left, bottom-right, bottom-left
	Margin   float64 // design px from the edges (default 48)
	Size     float64 // width in design px (default 160)
	Opacity  float64 // 0..1 (default 1)
}

// Caption style, in design px of a 1080-pixel short side.
const (
	captionSize      = 44
	captionPadX      = 18
	captionPadY      = 8
	captionRadius    = 8
	captionSideSafe  = 0.10 // of the width, each side
	captionBottom    = 0.06 // of the height, landscape
	captionBottomTal = 0.12 // portrait: player controls cover more
)

// revealHidden returns the body paragraphs that the reveal state hides:
// bullet paragraph i (after prose paragraphs) belongs to top-level bullet
// owners[i].
func (b *builder) revealHidden(prose int, owners []int) map[int]bool {
	o := b.in.Overlay
	if !o.Reveal {
		return nil
	}
	hidden := map[int]bool{}
	for i, top := range owners {
		if top >= o.Bullets {
			hidden[prose+i] = true
		}
	}
	return hidden
}

// overlays adds the lower third, the caption and the logo on top of
// everything else.
func (b *builder) overlays() error {
	o := b.in.Overlay
	if len(o.LowerThird) > 0 {
		b.lowerThird(o.LowerThird)
	}
	if strings.TrimSpace(o.Caption) != "" {
		b.caption(o.Caption)
	}
	if o.Logo != nil && o.Logo.Path != "" {
		return b.logo(*o.Logo)
	}
	return nil
}

// caption draws a burned-in subtitle: each line centred on its own dark box
// (readable on any slide), inside the caption-safe area.
func (b *builder) caption(text string) {
	side := int(math.Round(float64(b.W) * captionSideSafe))
	bottomFrac := captionBottom
	if b.portrait {
		bottomFrac = captionBottomTal
	}
	bottom := b.H - int(math.Round(float64(b.H)*bottomFrac))
	st := textStyle{
		font:       b.t.fontFor("body"),
		size:       captionSize * b.s,
		minSize:    captionSize * b.s * 0.7,
		color:      color.NRGBA{255, 255, 255, 255},
		lineHeight: 1.25,
		align:      0.5,
		valign:     1,
	}
	var paras []para
	for _, l := range strings.Split(text, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			paras = append(paras, para{spans: []span{{text: l, color: st.color}}, scale: 1})
		}
	}
	if len(paras) == 0 {
		return
	}
	maxH := int(math.Round(st.size * st.lineHeight * 3.2))
	area := image.Rect(side, bottom-maxH, b.W-side, bottom)
	blk := b.ctx.fitBlock(paras, st, area.Dx(), area.Dy())
	off := max(0, area.Dy()-blk.height)
	origin := area.Min.Add(image.Pt(0, off))
	padX, padY := captionPadX*b.s, captionPadY*b.s
	box := color.NRGBA{0, 0, 0, 190}
	for _, l := range blk.lines {
		r := lineRect(l, st.font, origin)
		b.p.ops = append(b.p.ops, shapeOp{kind: "rect", x: float64(r.Min.X) - padX, y: float64(r.Min.Y) - padY,
			w: float64(r.Dx()) + 2*padX, h: float64(r.Dy()) + 2*padY, r: captionRadius * b.s, color: box})
	}
	b.p.Regions = append(b.p.Regions, Region{"caption", area})
	for _, l := range blk.lines {
		b.p.Texts = append(b.p.Texts, TextRun{Region: "caption", Text: lineText(l.glyphs), Rect: lineRect(l, st.font, origin),
			Box: area, Size: l.size, Colors: []color.NRGBA{st.color}})
	}
	b.p.ops = append(b.p.ops, textOp{origin: origin, lines: blk.lines, clip: image.Rect(0, 0, b.W, b.H)})
}

// lowerThird draws a name card low on the left: the template's background
// colour, nearly opaque, an accent bar, the name in the title font and the
// second line muted.
func (b *builder) lowerThird(lines []string) {
	t := b.t
	left := math.Round(float64(b.W) * 0.06)
	bottomFrac := 0.2
	if b.portrait {
		bottomFrac = 0.24
	}
	bottom := float64(b.H) * (1 - bottomFrac)
	maxW := int(float64(b.W) * 0.6)
	name := textStyle{font: t.fontFor("title"), size: 46 * b.s, minSize: 30 * b.s, color: t.col("text"), lineHeight: 1.15}
	role := textStyle{font: t.fontFor("body"), size: 30 * b.s, minSize: 22 * b.s, color: t.col("muted"), lineHeight: 1.2}
	one := func(s string, st textStyle) block {
		p := []para{{spans: []span{{text: s, color: st.color}}, scale: 1}}
		return b.ctx.fitBlock(p, st, maxW, int(st.size*st.lineHeight*1.05)+1)
	}
	nb := one(lines[0], name)
	var rb block
	hasRole := len(lines) > 1
	if hasRole {
		rb = one(lines[1], role)
	}
	width := 0.0
	for _, l := range nb.lines {
		width = math.Max(width, l.width)
	}
	for _, l := range rb.lines {
		width = math.Max(width, l.width)
	}
	padX, padY, bar, gap := 28*b.s, 18*b.s, math.Max(2, math.Round(8*b.s)), 6*b.s
	h := float64(nb.height) + 2*padY
	if hasRole {
		h += gap + float64(rb.height)
	}
	top := bottom - h
	bg := withAlpha(t.col("background"), 0.92)
	b.p.ops = append(b.p.ops,
		shapeOp{kind: "rect", x: left, y: top, w: bar + padX + width + padX, h: h, color: bg},
		shapeOp{kind: "rect", x: left, y: top, w: bar, h: h, color: t.col("accent")})
	x := int(math.Round(left + bar + padX))
	y := int(math.Round(top + padY))
	clip := image.Rect(0, 0, b.W, b.H)
	b.p.Regions = append(b.p.Regions, Region{"lower-third", image.Rect(int(left), int(top), int(math.Ceil(left+bar+2*padX+width)), int(math.Ceil(bottom)))})
	for i, blk := range []block{nb, rb} {
		if i == 1 && !hasRole {
			break
		}
		st := name
		if i == 1 {
			st = role
		}
		origin := image.Pt(x, y)
		for _, l := range blk.lines {
			b.p.Texts = append(b.p.Texts, TextRun{Region: "lower-third", Text: lineText(l.glyphs), Rect: lineRect(l, st.font, origin),
				Box: clip, Size: l.size, Colors: []color.NRGBA{st.color}})
		}
		b.p.ops = append(b.p.ops, textOp{origin: origin, lines: blk.lines, clip: clip})
		y += blk.height + int(math.Round(gap))
	}
}

// logo places the logo image in its corner.
func (b *builder) logo(l Logo) error {
	path := l.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(b.in.BaseDir, path)
	}
	img, err := decodeImageFile(path)
	if err != nil {
		fe := &fault.Error{Kind: fault.Input, File: path, Err: err, Msg: fmt.Sprintf("logo: %v", err)}
		if errors.Is(err, fs.ErrNotExist) {
			fe.Msg = "logo image not found"
			fe.WithHint("branding.logo is relative to the course file's folder")
		}
		return fe
	}
	size, margin, opacity := l.Size, l.Margin, l.Opacity
	if size <= 0 {
		size = 160
	}
	if margin < 0 {
		margin = 0
	} else if margin == 0 {
		margin = 48
	}
	if opacity <= 0 || opacity > 1 {
		opacity = 1
	}
	sb := img.Bounds()
	w := math.Max(1, math.Round(size*b.s))
	h := math.Max(1, math.Round(w*float64(sb.Dy())/float64(sb.Dx())))
	if maxH := float64(b.H) * 0.25; h > maxH { // a tall logo stays small
		w, h = math.Round(w*maxH/h), maxH
	}
	m := math.Round(margin * b.s)
	x, y := float64(b.W)-m-w, m
	switch l.Position {
	case "top-left":
		x = m
	case "bottom-left":
		x, y = m, float64(b.H)-m-h
	case "bottom-right":
		y = float64(b.H) - m - h
	}
	r := image.Rect(int(x), int(y), int(x+w), int(y+h))
	b.p.Images = append(b.p.Images, PlacedImage{Region: "logo", Source: path, Rect: r, Box: r})
	b.p.Regions = append(b.p.Regions, Region{"logo", r})
	b.p.ops = append(b.p.ops, logoOp{img: img, rect: r, opacity: opacity})
	return nil
}

// logoOp draws an image scaled into rect with a uniform opacity.
type logoOp struct {
	img     image.Image
	rect    image.Rectangle
	opacity float64
}

func (o logoOp) draw(dst *image.RGBA) {
	if o.rect.Empty() {
		return
	}
	scaled := image.NewRGBA(image.Rect(0, 0, o.rect.Dx(), o.rect.Dy()))
	draw.CatmullRom.Scale(scaled, scaled.Bounds(), o.img, o.img.Bounds(), draw.Src, nil)
	mask := image.NewUniform(color.Alpha{A: uint8(math.Round(o.opacity * 255))})
	draw.DrawMask(dst, o.rect, scaled, image.Point{}, mask, image.Point{}, draw.Over)
}
