package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"math"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// Input is one slide to render.
type Input struct {
	Scene       *course.Scene
	CourseTitle string
	LessonTitle string
	Index       int // slide number in the lesson, 1-based; 0 hides it
	Total       int // slides in the lesson; 0 shows only the number
	Width       int // default 1920
	Height      int // default 1080
	BaseDir     string
	Language    string  // course language (BCP 47), picks CJK glyph variants
	Overlay     Overlay // bullet reveal, burned subtitle, lower third, logo (overlay.go)
}

// Plan is a laid-out frame: every box, text line, image and shape, placed.
// Render draws it; tests inspect it.
type Plan struct {
	Width, Height int
	Layout        string
	Portrait      bool
	Regions       []Region      // the layout boxes in use
	Texts         []TextRun     // one per drawn line of text
	Images        []PlacedImage // placed images
	Markers       []Region      // bullet markers, by the region they belong to
	Warnings      []string

	ops  []op
	base int       // ops[:base] depend only on template, layout and size
	tpl  *Template // owner of the cached base layer
}

// Region is a named rectangle of the frame.
type Region struct {
	Name string
	Rect image.Rectangle
}

// TextRun is one line of text as placed.
type TextRun struct {
	Region string          // layout box it belongs to: title, body, footer...
	Text   string          // the line's text
	Rect   image.Rectangle // advance width × (ascent + descent)
	Box    image.Rectangle // the area it must stay inside (the box minus padding)
	Size   float64         // font size in pixels
	Colors []color.NRGBA   // every colour used on the line
	// Decorative runs (a large quotation mark) belong to no box.
	Decorative bool
}

// PlacedImage is an image as placed: Rect is the scaled picture, Box the
// area it was fitted into.
type PlacedImage struct {
	Region string
	Source string
	Rect   image.Rectangle
	Box    image.Rectangle
}

// Limits on frame size.
const (
	minFrameSide = 16
	maxFrameSide = 8192
)

// Render lays out and draws a slide. The strings are warnings: text cut to
// fit, missing glyphs, a missing image.
func (t *Template) Render(in Input) (*image.RGBA, []string, error) {
	p, err := t.Layout(in)
	if err != nil {
		return nil, nil, err
	}
	return p.Draw(), p.Warnings, nil
}

// Layout computes where everything goes without drawing.
func (t *Template) Layout(in Input) (*Plan, error) {
	if in.Scene == nil {
		return nil, errors.New("render: no scene")
	}
	if in.Width == 0 && in.Height == 0 {
		in.Width, in.Height = 1920, 1080
	}
	if in.Width < minFrameSide || in.Height < minFrameSide || in.Width > maxFrameSide || in.Height > maxFrameSide {
		return nil, fault.New(fault.Input, "frame size %dx%d is out of range (each side %d to %d pixels)", in.Width, in.Height, minFrameSide, maxFrameSide)
	}
	name := in.Scene.Layout
	if name == "" {
		name = "bullets"
	}
	ls := t.sp.Layouts.get(name)
	if ls == nil {
		e := fault.New(fault.Input, "scene %q: unknown layout %q", in.Scene.ID, name)
		if s := didYouMean(name, course.Layouts); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return nil, e.WithHint("layouts: %s", strings.Join(course.Layouts, ", "))
	}
	b := &builder{
		t: t, in: in, name: name, ls: ls,
		W: in.Width, H: in.Height,
		s:        float64(min(in.Width, in.Height)) / 1080,
		portrait: in.Height > in.Width,
		ctx:      newTextCtx(in.Language),
	}
	if b.portrait {
		b.pls = t.sp.Portrait.Layouts.get(name)
	}
	b.p = &Plan{Width: in.Width, Height: in.Height, Layout: name, Portrait: b.portrait}
	if err := b.build(); err != nil {
		return nil, err
	}
	for _, w := range b.ctx.warnings() {
		b.warnf("%s", w)
	}
	return b.p, nil
}

type builder struct {
	t        *Template
	in       Input
	name     string
	ls, pls  *layoutSpec
	W, H     int
	s        float64 // design px → frame px for sizes
	portrait bool
	ctx      *textCtx
	p        *Plan
	hidden   map[int]bool // paragraphs of the body laid out but not drawn (bullet reveal)
}

func (b *builder) warnf(format string, args ...any) {
	who := fmt.Sprintf("scene %q", b.in.Scene.ID)
	if b.in.Scene.ID == "" {
		who = fmt.Sprintf("slide %d", b.in.Index)
	}
	msg := who + ": " + fmt.Sprintf(format, args...)
	for _, w := range b.p.Warnings {
		if w == msg {
			return
		}
	}
	b.p.Warnings = append(b.p.Warnings, msg)
}

// rect maps a design-space rectangle to frame pixels.
func (b *builder) rect(x, y, w, h float64, portraitCanvas bool) image.Rectangle {
	cw, ch := 1920.0, 1080.0
	if portraitCanvas {
		cw, ch = 1080, 1920
	}
	sx, sy := float64(b.W)/cw, float64(b.H)/ch
	r := image.Rect(int(math.Round(x*sx)), int(math.Round(y*sy)), int(math.Round((x+w)*sx)), int(math.Round((y+h)*sy)))
	return r.Intersect(image.Rect(0, 0, b.W, b.H))
}

func (b *builder) pt(x, y float64, portraitCanvas bool) (float64, float64) {
	cw, ch := 1920.0, 1080.0
	if portraitCanvas {
		cw, ch = 1080, 1920
	}
	return x * float64(b.W) / cw, y * float64(b.H) / ch
}

// mergeBox overlays the non-zero fields of over onto base.
func mergeBox(base, over *boxSpec) boxSpec {
	var out boxSpec
	if base != nil {
		out = *base
	}
	if over == nil {
		return out
	}
	ov := reflect.ValueOf(over).Elem()
	dst := reflect.ValueOf(&out).Elem()
	for i := 0; i < ov.NumField(); i++ {
		if !ov.Field(i).IsZero() {
			dst.Field(i).Set(ov.Field(i))
		}
	}
	return out
}

// box returns a layout element's style and frame rectangle.
func (b *builder) box(name string) (boxSpec, image.Rectangle, bool) {
	lb := boxOf(b.ls, name)
	var pb *boxSpec
	if b.pls != nil {
		pb = boxOf(b.pls, name)
	}
	switch {
	case pb != nil:
		return mergeBox(lb, pb), b.rect(pb.X, pb.Y, pb.W, pb.H, true), true
	case lb != nil:
		return *lb, b.rect(lb.X, lb.Y, lb.W, lb.H, false), true
	}
	return boxSpec{}, image.Rectangle{}, false
}

func (b *builder) build() error {
	t, sc := b.t, b.in.Scene
	// Background.
	if b.name == "slide-image" {
		b.p.ops = append(b.p.ops, bgOp{kind: "solid", from: t.col("background")})
	} else {
		bg := t.sp.Background
		switch bg.Type {
		case "vertical", "diagonal":
			b.p.ops = append(b.p.ops, bgOp{kind: bg.Type, from: t.col(bg.From), to: t.col(bg.To)})
		case "image":
			b.p.ops = append(b.p.ops, bgOp{kind: "image", from: t.col(or(bg.Color, "background")), img: t.bgImage})
		default:
			b.p.ops = append(b.p.ops, bgOp{kind: "solid", from: t.col(or(bg.Color, "background"))})
		}
	}
	b.decorations(false)
	b.p.base, b.p.tpl = len(b.p.ops), t

	hasTitle := strings.TrimSpace(sc.Title) != ""
	titleRect := image.Rectangle{}
	if _, r, ok := b.box("title"); ok {
		titleRect = r
	}
	grow := func(name string, r image.Rectangle) image.Rectangle {
		if hasTitle || titleRect.Empty() {
			return r
		}
		switch b.name + "/" + name {
		case "bullets/body", "image/image", "code/code", "image-text/image", "image-text/body":
			if titleRect.Min.Y < r.Min.Y {
				r.Min.Y = titleRect.Min.Y
			}
		}
		return r
	}

	subtitle := sc.Subtitle
	_, _, hasBodyBox := b.box("body")
	if subtitle == "" && (b.name == "title" || b.name == "section") && !hasBodyBox {
		subtitle = sc.Body
	}
	quote := sc.Quote
	if quote == "" && b.name == "quote" {
		quote = sc.Body
	}
	label := b.in.LessonTitle
	switch b.name {
	case "title":
		label = b.in.CourseTitle
	case "quote":
		label = sc.Title
	}
	if strings.EqualFold(strings.TrimSpace(label), strings.TrimSpace(sc.Title)) && b.name != "quote" {
		label = ""
	}

	done := map[string]bool{}
	bottoms, tops := map[string]int{}, map[string]int{}
	for pass := 0; pass < 3; pass++ {
		for _, name := range elementNames {
			if done[name] {
				continue
			}
			bs, r, ok := b.box(name)
			if !ok {
				done[name] = true
				continue
			}
			if _, _, dep := b.box(bs.After); dep && !done[bs.After] && pass < 2 {
				continue // place what it follows first
			}
			if _, _, dep := b.box(bs.Before); dep && !done[bs.Before] && pass < 2 {
				continue
			}
			done[name] = true
			if bot, ok := bottoms[bs.After]; ok && bs.After != "" {
				if top := bot + int(math.Round(bs.Gap*b.s)); top < r.Min.Y {
					r.Min.Y = top
				}
			}
			if top, ok := tops[bs.Before]; ok && bs.Before != "" {
				bottom := top - int(math.Round(bs.Gap*b.s))
				dy := max(bottom-r.Max.Y, -r.Min.Y) // never above the frame
				r = r.Add(image.Pt(0, dy))
			}
			r = grow(name, r)
			texts, images := len(b.p.Texts), len(b.p.Images)
			if err := b.element(name, bs, r, subtitle, quote, label); err != nil {
				return err
			}
			bot, top := -1, math.MaxInt
			for _, tr := range b.p.Texts[texts:] {
				bot, top = max(bot, tr.Rect.Max.Y), min(top, tr.Rect.Min.Y)
			}
			for _, im := range b.p.Images[images:] {
				bot, top = max(bot, im.Rect.Max.Y), min(top, im.Rect.Min.Y)
			}
			if bot >= 0 {
				bottoms[name], tops[name] = bot, top
			}
		}
	}
	b.footer()
	b.decorations(true)
	if err := b.overlays(); err != nil {
		return err
	}
	return nil
}

// elementNames lists the boxes a layout may have, in placing order.
var elementNames = []string{"label", "title", "subtitle", "body", "image", "caption", "code", "quote", "author"}

// element places one layout box's content.
func (b *builder) element(name string, bs boxSpec, r image.Rectangle, subtitle, quote, label string) error {
	t, sc := b.t, b.in.Scene
	switch name {
	case "title":
		size, role := t.sp.Sizes.Title, "title"
		if b.name == "title" {
			size = t.sp.Sizes.Hero
		} else if b.name == "section" {
			size = t.sp.Sizes.Section
		}
		b.textElement(name, bs, r, textParas(sc.Title), size, role, "text", 1.1)
	case "subtitle":
		b.textElement(name, bs, r, textParas(subtitle), t.sp.Sizes.Subtitle, "subtitle", "muted", 1.3)
	case "label":
		b.textElement(name, bs, r, textParas(label), t.sp.Sizes.Label, "label", "muted", 1.2)
	case "caption":
		if b.name == "image" {
			b.textElement(name, bs, r, textParas(sc.Body), t.sp.Sizes.Caption, "body", "muted", 1.3)
		}
	case "author":
		if a := strings.TrimSpace(sc.Author); a != "" {
			b.textElement(name, bs, r, textParas("— "+a), t.sp.Sizes.Author, "author", "muted", 1.2)
		}
	case "quote":
		b.textElement(name, bs, r, textParas(quote), t.sp.Sizes.Quote, "quote", "text", 1.3)
	case "body":
		body := sc.Body
		if b.name == "title" || b.name == "section" {
			if subtitle == sc.Body {
				body = ""
			}
			b.textElement(name, bs, r, textParas(body), t.sp.Sizes.Body, "body", "text", 1.3)
			return nil
		}
		if b.name == "quote" && quote == sc.Body {
			return nil
		}
		b.flowElement(bs, r, body, sc.Bullets)
	case "code":
		b.codeElement(bs, r)
	case "image":
		return b.imageElement(bs, r)
	}
	return nil
}

// textParas splits text into paragraphs at newlines, collapsing spaces.
func textParas(s string) []para {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return nil
	}
	var out []para
	gap := 0.0
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			gap = 0.5
			continue
		}
		out = append(out, para{spans: []span{{text: l}}, scale: 1, spaceBefore: gap})
		gap = 0
	}
	return out
}

// style builds the text style of an element from its box and defaults.
func (b *builder) style(bs boxSpec, defSize float64, defFont, defColor string, defLH float64) textStyle {
	t := b.t
	size := bs.Size
	if size == 0 {
		size = defSize
	}
	minSize := bs.MinSize
	if minSize == 0 {
		minSize = t.sp.Sizes.Min
	}
	if minSize > size {
		minSize = size
	}
	font := bs.Font
	if font == "" {
		font = defFont
	}
	col := bs.Color
	if col == "" {
		col = defColor
	}
	lh := bs.LineHeight
	if lh == 0 {
		lh = defLH
	}
	st := textStyle{
		font:       t.fontFor(font),
		size:       size * b.s,
		minSize:    minSize * b.s,
		color:      t.col(col),
		lineHeight: lh,
		tracking:   bs.Tracking,
		upper:      bs.Upper,
	}
	switch bs.Align {
	case "center":
		st.align = 0.5
	case "right":
		st.align = 1
	}
	switch bs.VAlign {
	case "middle":
		st.valign = 0.5
	case "bottom":
		st.valign = 1
	}
	return st
}

// card draws a box's fill, shadow and border and returns the inner area.
func (b *builder) card(bs boxSpec, r image.Rectangle, defFill string) image.Rectangle {
	fill := bs.Fill
	if fill == "" {
		fill = defFill
	}
	rad := bs.Radius * b.s
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	if fill != "" {
		if bs.Shadow {
			// A soft shadow: a few offset, widening, faint layers.
			sc := color.NRGBA{A: 255}
			for i, a := range []float64{0.05, 0.04, 0.03, 0.02} {
				d := math.Round(float64(i+1) * 3 * b.s)
				hd := math.Round(d / 2)
				b.p.ops = append(b.p.ops, shapeOp{kind: "rect", x: x - hd, y: y + hd + math.Round(2*b.s), w: w + 2*hd, h: h + hd, r: rad + hd, color: withAlpha(sc, a)})
			}
		}
		b.p.ops = append(b.p.ops, shapeOp{kind: "rect", x: x, y: y, w: w, h: h, r: rad, color: b.t.col(fill)})
	}
	if bs.Border != "" {
		bw := math.Max(1, bs.BorderWidth*b.s)
		b.p.ops = append(b.p.ops, shapeOp{kind: "rect", x: x, y: y, w: w, h: h, r: rad, stroke: true, thickness: bw, color: b.t.col(bs.Border)})
	}
	pad := int(math.Round(bs.Padding * b.s))
	inner := r.Inset(pad)
	if inner.Empty() {
		return r
	}
	return inner
}

// place fits paragraphs into area and records their lines.
func (b *builder) place(region string, area image.Rectangle, paras []para, st textStyle) {
	if len(paras) == 0 || area.Empty() {
		return
	}
	b.emit(region, area, paras, st, b.ctx.fitBlock(paras, st, area.Dx(), area.Dy()))
}

// emit records and draws a fitted block in area.
func (b *builder) emit(region string, area image.Rectangle, paras []para, st textStyle, blk block) {
	if !blk.fits {
		b.warnf("%s text does not fit its box even at %.0fpx; cut with an ellipsis", region, st.minSize)
	}
	off := int(math.Floor(float64(area.Dy()-blk.height) * st.valign))
	if off < 0 {
		off = 0
	}
	origin := area.Min.Add(image.Pt(0, off))
	lines := blk.lines
	if b.hidden != nil {
		lines = nil
		for _, l := range blk.lines {
			if !b.hidden[l.para] {
				lines = append(lines, l)
			}
		}
	}
	for _, l := range lines {
		p := paras[l.para]
		if l.first && p.marker != "" {
			mx := float64(origin.X) + p.indent
			cy := float64(origin.Y+l.baseline) - st.font.xHeight/st.font.upem*l.size/2
			for _, s := range markerShapes(p.marker, mx, cy, l.size, p.markerColor) {
				b.p.ops = append(b.p.ops, s)
				b.p.Markers = append(b.p.Markers, Region{Name: region, Rect: s.bounds().Inset(int(s.thickness + 2))})
			}
		}
		if len(l.glyphs) == 0 {
			continue // an empty line (a blank line of code) draws nothing
		}
		run := TextRun{Region: region, Text: lineText(l.glyphs), Rect: lineRect(l, st.font, origin), Box: area, Size: l.size}
		seen := map[color.NRGBA]bool{}
		for _, g := range l.glyphs {
			if !g.space && !seen[g.color] {
				seen[g.color] = true
				run.Colors = append(run.Colors, g.color)
			}
		}
		b.p.Texts = append(b.p.Texts, run)
	}
	b.p.ops = append(b.p.ops, textOp{origin: origin, lines: lines, clip: area})
}

// textElement places plain text paragraphs in an element box.
func (b *builder) textElement(region string, bs boxSpec, r image.Rectangle, paras []para, defSize float64, defFont, defColor string, defLH float64) {
	if len(paras) == 0 {
		return
	}
	b.p.Regions = append(b.p.Regions, Region{region, r})
	st := b.style(bs, defSize, defFont, defColor, defLH)
	st.balance = region != "body" && region != "caption"
	for i := range paras {
		for j := range paras[i].spans {
			paras[i].spans[j].color = st.color
		}
	}
	if bs.Prefix != "" {
		pc := st.color
		if bs.PrefixColor != "" {
			pc = b.t.col(bs.PrefixColor)
		}
		paras[0].spans = append([]span{{text: bs.Prefix, color: pc}}, paras[0].spans...)
	}
	b.placeBox(region, bs, r, paras, st, true)
}

// placeBox draws a box's card and side bar and places its text. With hug,
// the card wraps the text that was actually laid out (both ways for short
// texts such as a label pill, only vertically for a body), so that little
// content does not sit in a big empty card.
func (b *builder) placeBox(region string, bs boxSpec, r image.Rectangle, paras []para, st textStyle, hugWidth bool) {
	if len(paras) == 0 {
		return
	}
	pad := int(math.Round(bs.Padding * b.s))
	area := r.Inset(pad)
	if area.Empty() {
		area, pad = r, 0
	}
	barW, barGap := 0, 0
	if bs.Bar != "" {
		barW = max(1, int(math.Round(or0(bs.BarWidth, 6)*b.s)))
		barGap = int(math.Round(36 * b.s))
		area.Min.X += barW + barGap
		if area.Dx() <= 0 {
			return
		}
	}
	hug := bs.Hug && bs.Fill != ""
	if !hug && bs.Bar == "" && bs.Mark == "" {
		b.card(bs, r, "")
		b.place(region, area, paras, st)
		return
	}
	blk := b.ctx.fitBlock(paras, st, area.Dx(), area.Dy())
	off := max(0, int(math.Floor(float64(area.Dy()-blk.height)*st.valign)))
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, l := range blk.lines {
		x0, x1 = math.Min(x0, l.x), math.Max(x1, l.x+l.width)
	}
	if len(blk.lines) == 0 {
		x0, x1 = 0, 0
	}
	text := image.Rect(area.Min.X+int(math.Floor(x0)), area.Min.Y+off, area.Min.X+int(math.Ceil(x1)), area.Min.Y+off+blk.height)
	if hug {
		cr := image.Rect(r.Min.X, text.Min.Y-pad, r.Max.X, text.Max.Y+pad)
		if hugWidth {
			cr.Min.X, cr.Max.X = text.Min.X-pad-barW-barGap, text.Max.X+pad
		}
		b.card(bs, cr, "")
	} else {
		b.card(bs, r, "")
	}
	if bs.Bar != "" && !text.Empty() {
		x := float64(area.Min.X - barGap - barW)
		b.p.ops = append(b.p.ops, shapeOp{kind: "rect", x: x, y: float64(text.Min.Y), w: float64(barW), h: float64(text.Dy()), color: b.t.col(bs.Bar)})
	}
	if bs.Mark != "" && !text.Empty() {
		size := or0(bs.MarkSize, 3*st.size/b.s) * b.s
		ms := textStyle{font: b.t.fontFor(or(bs.MarkFont, "title")), size: size, color: st.color, lineHeight: 1}
		if bs.MarkColor != "" {
			ms.color = b.t.col(bs.MarkColor)
		}
		l := b.ctx.singleLine(bs.Mark, ms, float64(b.W))
		// The mark's ink sits high in its em box: align the top of the em
		// box a little above the first line and hang it in the margin.
		asc, _ := lineMetrics(ms.font, size)
		l.baseline = int(math.Ceil(asc))
		origin := image.Pt(text.Min.X-int(math.Ceil(l.width+0.12*size)), text.Min.Y-int(0.18*size))
		frame := image.Rect(0, 0, b.W, b.H)
		if origin.X >= 0 && origin.Y >= 0 {
			b.p.Texts = append(b.p.Texts, TextRun{Region: "decoration", Text: bs.Mark, Rect: lineRect(l, ms.font, origin).Intersect(frame), Box: frame, Size: size, Colors: []color.NRGBA{ms.color}, Decorative: true})
			b.p.ops = append(b.p.ops, textOp{origin: origin, lines: []line{l}, clip: frame})
		}
	}
	b.emit(region, area, paras, st, blk)
}

func or0(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// flowElement places a body: prose paragraphs, then nested bullets.
func (b *builder) flowElement(bs boxSpec, r image.Rectangle, body string, bullets []course.Bullet) {
	paras := textParas(body)
	if len(paras) == 0 && len(bullets) == 0 {
		return
	}
	b.p.Regions = append(b.p.Regions, Region{"body", r})
	st := b.style(bs, b.t.sp.Sizes.Body, "body", "text", 1.3)
	bl := b.t.sp.Bullets
	gap := bl.Gap
	if gap == 0 {
		gap = 0.45
	}
	hang := bl.Hang
	if hang < 0.7 {
		hang = 1.1
	}
	indent := bl.Indent
	if indent == 0 {
		indent = 56
	}
	for i := range paras {
		paras[i].spans[0].color = st.color
		if i > 0 {
			paras[i].spaceBefore = math.Max(paras[i].spaceBefore, gap)
		}
	}
	markers := bl.Markers
	if len(markers) == 0 {
		markers = []string{"disc", "dash", "ring"}
	}
	nested := st.color
	if bl.NestedText != "" {
		nested = b.t.col(bl.NestedText)
	}
	markerColor := func(level, item int) color.NRGBA {
		cs := b.t.sp.Palette.Markers
		if len(cs) == 0 {
			return b.t.col("accent")
		}
		if bl.Cycle {
			return b.t.col(cs[item%len(cs)])
		}
		return b.t.col(cs[level%len(cs)])
	}
	prose, owners := len(paras), []int(nil) // owners: top-level bullet of each bullet paragraph
	var walk func(items []course.Bullet, level int, top *int)
	walk = func(items []course.Bullet, level int, top *int) {
		for _, it := range items {
			text := strings.Join(strings.Fields(it.Text), " ")
			lv := min(level, 4)
			scale := 1.0
			if len(bl.Scale) > 0 {
				scale = bl.Scale[min(lv, len(bl.Scale)-1)]
			} else if lv > 0 {
				scale = 0.88
			}
			c := st.color
			if lv > 0 {
				c = nested
			}
			sb := gap
			if lv > 0 {
				sb = gap * 0.5
			}
			if len(paras) == 0 {
				sb = 0
			}
			if text != "" {
				owners = append(owners, *top)
				paras = append(paras, para{
					spans:       []span{{text: text, color: c}},
					scale:       scale,
					indent:      float64(lv) * indent * b.s,
					hang:        hang * scale,
					marker:      markers[lv%len(markers)],
					markerColor: markerColor(lv, *top),
					spaceBefore: sb,
				})
			}
			if level == 0 {
				*top++
			}
			sub := *top - 1
			walk(it.Children, level+1, &sub)
		}
	}
	top := 0
	walk(bullets, 0, &top)
	b.hidden = b.revealHidden(prose, owners)
	b.placeBox("body", bs, r, paras, st, false)
	b.hidden = nil
}

// markerShapes draws a bullet marker whose column starts at x, centred
// vertically on cy, for text of the given size.
func markerShapes(kind string, x, cy, size float64, c color.NRGBA) []shapeOp {
	em := size
	switch kind {
	case "ring":
		return []shapeOp{{kind: "circle", x: x + 0.17*em, y: cy, r: 0.15 * em, stroke: true, thickness: 0.055 * em, color: c}}
	case "square":
		s := 0.26 * em
		return []shapeOp{{kind: "rect", x: x + 0.04*em, y: cy - s/2, w: s, h: s, r: 0.03 * em, color: c}}
	case "diamond":
		h := 0.19 * em
		cx := x + 0.2*em
		return []shapeOp{{kind: "polygon", points: [][2]float64{{cx, cy - h}, {cx + h, cy}, {cx, cy + h}, {cx - h, cy}}, color: c}}
	case "dash":
		return []shapeOp{{kind: "rect", x: x, y: cy - 0.035*em, w: 0.42 * em, h: 0.07 * em, r: 0.035 * em, color: c}}
	case "chevron":
		h, t := 0.2*em, 0.11*em
		return []shapeOp{{kind: "polygon", points: [][2]float64{
			{x, cy - h}, {x + t, cy - h}, {x + t + h, cy}, {x + t, cy + h}, {x, cy + h}, {x + h, cy},
		}, color: c}}
	case "arrow":
		return []shapeOp{
			{kind: "line", x: x, y: cy, x2: x + 0.3*em, y2: cy, thickness: 0.075 * em, color: c},
			{kind: "polygon", points: [][2]float64{{x + 0.26*em, cy - 0.15*em}, {x + 0.46*em, cy}, {x + 0.26*em, cy + 0.15*em}}, color: c},
		}
	}
	return []shapeOp{{kind: "circle", x: x + 0.17*em, y: cy, r: 0.14 * em, color: c}}
}

// codeElement places a code card with highlighted, monospaced code.
func (b *builder) codeElement(bs boxSpec, r image.Rectangle) {
	lines := codeLines(b.in.Scene.Code)
	if len(lines) == 0 {
		return
	}
	t := b.t
	b.p.Regions = append(b.p.Regions, Region{"code", r})
	if bs.Fill == "" {
		bs.Fill = "code_background"
	}
	if bs.Radius == 0 {
		bs.Radius = 16
	}
	if bs.Padding == 0 {
		bs.Padding = 36
	}
	pad := int(math.Round(bs.Padding * b.s))
	inner := r.Inset(pad)
	if inner.Empty() {
		inner, pad = r, 0
	}
	cardAt := len(b.p.ops)
	st := b.style(bs, t.sp.Sizes.Code, "code", "code_text", 1.4)
	if bs.Dots {
		// Window chrome: three dots and the language name, sharing one
		// centre line.
		ls := st
		ls.size = math.Min(t.sp.Sizes.Footer*b.s, st.size)
		ls.color = t.col("code_comment")
		asc, desc := lineMetrics(ls.font, ls.size)
		baseline := int(math.Ceil(asc - 1e-6))
		cy := float64(inner.Min.Y+baseline) - ls.font.xHeight/ls.font.upem*ls.size/2
		d := 7 * b.s
		for i, c := range []color.NRGBA{{0xff, 0x5f, 0x57, 255}, {0xfe, 0xbc, 0x2e, 255}, {0x28, 0xc8, 0x40, 255}} {
			b.p.ops = append(b.p.ops, shapeOp{kind: "circle", x: float64(inner.Min.X) + d + float64(i)*3.2*d, y: cy, r: d, color: c})
		}
		head := int(math.Ceil(float64(baseline)+desc)) + int(math.Round(20*b.s))
		if lang := strings.TrimSpace(b.in.Scene.Language); lang != "" && head < inner.Dy() {
			l := b.ctx.singleLine(strings.ToLower(lang), ls, float64(inner.Dx())/2)
			l.x = float64(inner.Dx()) - l.width
			l.baseline = baseline
			area := image.Rect(inner.Min.X, inner.Min.Y, inner.Max.X, inner.Min.Y+head)
			b.p.Texts = append(b.p.Texts, TextRun{Region: "code", Text: lineText(l.glyphs), Rect: lineRect(l, ls.font, area.Min), Box: area, Size: ls.size, Colors: []color.NRGBA{ls.color}})
			b.p.ops = append(b.p.ops, textOp{origin: area.Min, lines: []line{l}, clip: area})
		}
		inner.Min.Y += head
		if inner.Empty() {
			return
		}
	}
	toks := highlight(lines, b.in.Scene.Language)
	kinds := [...]color.NRGBA{t.col("code_text"), t.col("code_keyword"), t.col("code_string"), t.col("code_comment"), t.col("code_number")}
	var kwFont *fontRef
	if fr, ok := t.fonts["code_bold"]; ok {
		kwFont = fr
	}
	paras := make([]para, len(lines))
	for i, lt := range toks {
		p := para{scale: 1, pre: true}
		for _, tk := range lt {
			sp := span{text: tk.text, color: kinds[tk.kind]}
			if tk.kind == tokKeyword {
				sp.font = kwFont
			}
			p.spans = append(p.spans, sp)
		}
		paras[i] = p
	}
	st.preferNoWrap = true
	blk := b.ctx.fitBlock(paras, st, inner.Dx(), inner.Dy())
	b.emit("code", inner, paras, st, blk)
	// The card goes under everything drawn above; with hug it ends just
	// below the last line of code.
	card := r
	if bs.Hug {
		card.Max.Y = min(r.Max.Y, inner.Min.Y+blk.height+pad)
	}
	n := len(b.p.ops)
	b.card(bs, card, "")
	added := append([]op(nil), b.p.ops[n:]...)
	b.p.ops = append(b.p.ops[:cardAt], append(added, b.p.ops[cardAt:n]...)...)
}

// imageElement places the scene image, contained in its box.
func (b *builder) imageElement(bs boxSpec, r image.Rectangle) error {
	src := strings.TrimSpace(b.in.Scene.Image)
	if src == "" {
		if b.name != "title" && b.name != "section" {
			b.warnf("layout %s has no image", b.name)
		}
		return nil
	}
	path := src
	if !filepath.IsAbs(path) {
		path = filepath.Join(b.in.BaseDir, path)
	}
	img, err := decodeImageFile(path)
	if err != nil {
		fe := &fault.Error{Kind: fault.Input, File: path, Err: err}
		if errors.Is(err, fs.ErrNotExist) {
			fe.Msg = fmt.Sprintf("scene %q: image not found", b.in.Scene.ID)
			fe.WithHint("image paths are relative to the course file's folder")
		} else {
			fe.Msg = fmt.Sprintf("scene %q: %v", b.in.Scene.ID, err)
			fe.WithHint("convert the image to PNG or JPEG")
		}
		return fe
	}
	b.p.Regions = append(b.p.Regions, Region{"image", r})
	cover := bs.Fit == "cover"
	pad := int(math.Round(bs.Padding * b.s))
	inner := r.Inset(pad)
	if inner.Empty() {
		inner, pad = r, 0
	}
	area := inner
	target := fitRect(img.Bounds().Size(), inner, cover)
	if !cover {
		// Align the picture in its box as the box says (centred by default).
		ax, ay := 0.5, 0.5
		switch bs.Align {
		case "left":
			ax = 0
		case "right":
			ax = 1
		}
		switch bs.VAlign {
		case "top":
			ay = 0
		case "bottom":
			ay = 1
		}
		target = target.Sub(target.Min).Add(image.Pt(
			inner.Min.X+int(math.Round(float64(inner.Dx()-target.Dx())*ax)),
			inner.Min.Y+int(math.Round(float64(inner.Dy()-target.Dy())*ay))))
		inner = target
	}
	if target.Empty() {
		return nil
	}
	frame := r
	if !cover {
		frame = target.Inset(-pad) // the frame hugs the picture
	}
	under := bs
	under.Border = "" // the border goes over the picture's edge
	b.card(under, frame, "")
	b.p.Images = append(b.p.Images, PlacedImage{Region: "image", Source: path, Rect: target.Intersect(area), Box: area})
	b.p.ops = append(b.p.ops, imageOp{img: img, box: inner, cover: cover, radius: bs.Radius * b.s})
	if bs.Border != "" {
		b.card(boxSpec{Border: bs.Border, BorderWidth: bs.BorderWidth, Radius: bs.Radius}, frame, "")
	}
	return nil
}

// footer places the course title and slide number.
func (b *builder) footer() {
	f := b.t.sp.Footer
	if f.Box == nil || !containsStr(f.Layouts, b.name) {
		return
	}
	var bs boxSpec
	var r image.Rectangle
	if b.portrait && f.Portrait != nil {
		bs, r = mergeBox(f.Box, f.Portrait), b.rect(f.Portrait.X, f.Portrait.Y, f.Portrait.W, f.Portrait.H, true)
	} else {
		bs, r = *f.Box, b.rect(f.Box.X, f.Box.Y, f.Box.W, f.Box.H, false)
	}
	b.p.Regions = append(b.p.Regions, Region{"footer", r})
	inner := b.card(bs, r, "")
	st := b.style(bs, b.t.sp.Sizes.Footer, "body", "muted", 1.2)
	var left string
	switch f.Left {
	case "", "course":
		left = b.in.CourseTitle
	case "lesson":
		left = b.in.LessonTitle
	case "course-lesson":
		parts := []string{}
		for _, s := range []string{b.in.CourseTitle, b.in.LessonTitle} {
			if strings.TrimSpace(s) != "" {
				parts = append(parts, strings.TrimSpace(s))
			}
		}
		left = strings.Join(parts, "  ·  ")
	}
	var right string
	if b.in.Index > 0 {
		switch f.Right {
		case "", "number-total":
			right = fmt.Sprint(b.in.Index)
			if b.in.Total > 0 {
				right = fmt.Sprintf("%d / %d", b.in.Index, b.in.Total)
			}
		case "number":
			right = fmt.Sprint(b.in.Index)
		}
	}
	asc, desc := lineMetrics(st.font, st.size)
	if asc+desc > float64(inner.Dy()) {
		return
	}
	baseline := int(math.Ceil(asc + (float64(inner.Dy())-asc-desc)/2 - 1e-6))
	var lines []line
	avail := float64(inner.Dx())
	if right != "" {
		l := b.ctx.singleLine(right, st, avail)
		l.x = avail - l.width
		l.baseline = baseline
		lines = append(lines, l)
		avail -= l.width + st.size*1.5
	}
	if left = strings.Join(strings.Fields(left), " "); left != "" && avail > st.size*2 {
		l := b.ctx.singleLine(left, st, avail)
		l.baseline = baseline
		lines = append(lines, l)
	}
	for _, l := range lines {
		b.p.Texts = append(b.p.Texts, TextRun{Region: "footer", Text: lineText(l.glyphs), Rect: lineRect(l, st.font, inner.Min), Box: inner, Size: l.size, Colors: []color.NRGBA{st.color}})
	}
	if len(lines) > 0 {
		b.p.ops = append(b.p.ops, textOp{origin: inner.Min, lines: lines, clip: inner})
	}
}

// decorations adds the template's and the layout's decorative shapes: those
// under the content, or (top) those over it.
func (b *builder) decorations(top bool) {
	t := b.t
	global, portraitGlobal := t.sp.Decorations, false
	if b.portrait && t.sp.Portrait.Decorations != nil {
		global, portraitGlobal = t.sp.Portrait.Decorations, true
	}
	local, portraitLocal := b.ls.Decorations, false
	if b.pls != nil && b.pls.Decorations != nil {
		local, portraitLocal = b.pls.Decorations, true
	}
	for _, d := range global {
		if d.applies(b.name) && d.Top == top {
			b.deco(d, portraitGlobal)
		}
	}
	for _, d := range local {
		if d.Top == top {
			b.deco(d, portraitLocal)
		}
	}
}

func (d decoSpec) applies(layout string) bool {
	if containsStr(d.Except, layout) {
		return false
	}
	if len(d.Layouts) > 0 {
		return containsStr(d.Layouts, layout)
	}
	return layout != "slide-image"
}

func (b *builder) deco(d decoSpec, portraitCanvas bool) {
	t := b.t
	c := t.col(d.Color)
	x, y := b.pt(d.X, d.Y, portraitCanvas)
	x2, y2 := b.pt(d.X+d.W, d.Y+d.H, portraitCanvas)
	switch d.Kind {
	case "rect":
		op := shapeOp{kind: "rect", x: x, y: y, w: x2 - x, h: y2 - y, r: d.Radius * b.s, color: c, stroke: d.Stroke, thickness: d.Thickness * b.s}
		if !d.Stroke && d.Radius == 0 {
			op.x, op.y = math.Round(op.x), math.Round(op.y)
			op.w, op.h = math.Round(x2)-op.x, math.Round(y2)-op.y
		}
		if d.To != "" {
			to := t.col(d.To)
			op.to = &to
		}
		b.p.ops = append(b.p.ops, op)
	case "glow":
		b.p.ops = append(b.p.ops, shapeOp{kind: "glow", x: x, y: y, r: d.R * b.s, color: c})
	case "circle":
		b.p.ops = append(b.p.ops, shapeOp{kind: "circle", x: x, y: y, r: d.R * b.s, color: c, stroke: d.Stroke, thickness: d.Thickness * b.s})
	case "line":
		ex, ey := b.pt(d.X2, d.Y2, portraitCanvas)
		b.p.ops = append(b.p.ops, shapeOp{kind: "line", x: x, y: y, x2: ex, y2: ey, thickness: math.Max(1, d.Thickness*b.s), color: c})
	case "polygon":
		pts := make([][2]float64, len(d.Points))
		for i, p := range d.Points {
			pts[i][0], pts[i][1] = b.pt(p[0], p[1], portraitCanvas)
		}
		b.p.ops = append(b.p.ops, shapeOp{kind: "polygon", points: pts, color: c})
	case "grid":
		w, h := x2-x, y2-y
		if d.W == 0 || d.H == 0 {
			x, y, w, h = 0, 0, float64(b.W), float64(b.H)
		}
		b.p.ops = append(b.p.ops, shapeOp{kind: "grid", x: x, y: y, w: w, h: h, spacing: d.Spacing * b.s, thickness: math.Max(1, d.Thickness*b.s), color: c})
	case "text":
		fr := t.fontFor(or(d.Font, "body"))
		st := textStyle{font: fr, size: d.Size * b.s, color: c, lineHeight: 1}
		l := b.ctx.singleLine(d.Text, st, float64(b.W))
		asc, _ := lineMetrics(fr, st.size)
		l.baseline = int(math.Ceil(asc))
		origin := image.Pt(int(math.Round(x)), int(math.Round(y)))
		frame := image.Rect(0, 0, b.W, b.H)
		b.p.Texts = append(b.p.Texts, TextRun{Region: "decoration", Text: d.Text, Rect: lineRect(l, fr, origin), Box: frame, Size: st.size, Colors: []color.NRGBA{c}, Decorative: true})
		b.p.ops = append(b.p.ops, textOp{origin: origin, lines: []line{l}, clip: frame})
	}
}
