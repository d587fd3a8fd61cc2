package render

import (
	"image"
	"image/color"
	"math"
	"sync"
	"sync/atomic"

	"golang.org/x/image/draw"
	"golang.org/x/image/vector"
)

var drawSrc = draw.Src

// op is one drawing step of a plan.
type op interface {
	draw(dst *image.RGBA)
}

// ---- background ----

type bgOp struct {
	kind     string // solid, vertical, diagonal, image
	from, to color.NRGBA
	img      image.Image
}

// bayer4 is a 4×4 ordered-dither matrix (values 0..15), used to break up
// banding in gradients deterministically.
var bayer4 = [4][4]int32{{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}}

func (o bgOp) draw(dst *image.RGBA) {
	b := dst.Bounds()
	w, h := b.Dx(), b.Dy()
	switch o.kind {
	case "vertical", "diagonal":
		// Channel values along the gradient in 1/256ths, dithered with a
		// 4×4 ordered matrix so that long gradients do not band.
		const steps = 1024
		var lut [steps + 1][3]int32
		for i := range lut {
			t := float64(i) / steps
			for c, pair := range [3][2]uint8{{o.from.R, o.to.R}, {o.from.G, o.to.G}, {o.from.B, o.to.B}} {
				lut[i][c] = int32(math.Round((float64(pair[0]) + (float64(pair[1])-float64(pair[0]))*t) * 256))
			}
		}
		// Position along the gradient in 16.16 fixed point: vertical
		// t = y/(h-1); diagonal t = (x/(w-1) + y/(h-1)) / 2.
		var dx, dy int64
		if o.kind == "vertical" {
			dy = int64(steps) << 16 / int64(max(h-1, 1))
		} else {
			dx = int64(steps) << 15 / int64(max(w-1, 1))
			dy = int64(steps) << 15 / int64(max(h-1, 1))
		}
		for y := 0; y < h; y++ {
			row := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
			pos := int64(y) * dy
			dith := &bayer4[y&3]
			for x := 0; x < w; x++ {
				t := pos >> 16
				if t > steps {
					t = steps
				}
				pos += dx
				d := dith[x&3]*16 + 8 - 128
				l := &lut[t]
				px := row[x*4 : x*4+4 : x*4+4]
				px[0] = clamp8((l[0] + d) >> 8)
				px[1] = clamp8((l[1] + d) >> 8)
				px[2] = clamp8((l[2] + d) >> 8)
				px[3] = 255
			}
		}
	case "image":
		draw.Draw(dst, b, image.NewUniform(o.from), image.Point{}, draw.Src)
		if o.img != nil {
			drawImageFit(dst, o.img, b, true, 0)
		}
	default:
		draw.Draw(dst, b, image.NewUniform(o.from), image.Point{}, draw.Src)
	}
}

func clamp8(v int32) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// ---- shapes ----

type shapeOp struct {
	kind      string // rect, circle, line, polygon, grid, ring
	x, y      float64
	w, h      float64
	x2, y2    float64
	r         float64 // circle radius, rect corner radius
	thickness float64
	stroke    bool
	spacing   float64
	points    [][2]float64
	color     color.NRGBA
	to        *color.NRGBA // horizontal gradient end
}

func (o shapeOp) bounds() image.Rectangle {
	pad := o.thickness + 2
	var x0, y0, x1, y1 float64
	switch o.kind {
	case "circle", "glow":
		x0, y0, x1, y1 = o.x-o.r, o.y-o.r, o.x+o.r, o.y+o.r
	case "line":
		x0, y0 = math.Min(o.x, o.x2), math.Min(o.y, o.y2)
		x1, y1 = math.Max(o.x, o.x2), math.Max(o.y, o.y2)
	case "polygon":
		x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, p := range o.points {
			x0, y0 = math.Min(x0, p[0]), math.Min(y0, p[1])
			x1, y1 = math.Max(x1, p[0]), math.Max(y1, p[1])
		}
	default:
		x0, y0, x1, y1 = o.x, o.y, o.x+o.w, o.y+o.h
	}
	return image.Rect(int(math.Floor(x0-pad)), int(math.Floor(y0-pad)), int(math.Ceil(x1+pad)), int(math.Ceil(y1+pad)))
}

// pathFn adds a path to a rasterizer whose origin is at (ox, oy).
type pather struct {
	z      *vector.Rasterizer
	ox, oy float64
}

func (p pather) move(x, y float64) { p.z.MoveTo(float32(x-p.ox), float32(y-p.oy)) }
func (p pather) line(x, y float64) { p.z.LineTo(float32(x-p.ox), float32(y-p.oy)) }
func (p pather) cube(x1, y1, x2, y2, x3, y3 float64) {
	p.z.CubeTo(float32(x1-p.ox), float32(y1-p.oy), float32(x2-p.ox), float32(y2-p.oy), float32(x3-p.ox), float32(y3-p.oy))
}

// kappa places Bézier control points for a quarter circle.
const kappa = 0.5522847498

// rrect adds a rounded rectangle, clockwise (or counter-clockwise when ccw).
func (p pather) rrect(x, y, w, h, r float64, ccw bool) {
	r = math.Max(0, math.Min(r, math.Min(w, h)/2))
	k := r * kappa
	if !ccw {
		p.move(x+r, y)
		p.line(x+w-r, y)
		p.cube(x+w-r+k, y, x+w, y+r-k, x+w, y+r)
		p.line(x+w, y+h-r)
		p.cube(x+w, y+h-r+k, x+w-r+k, y+h, x+w-r, y+h)
		p.line(x+r, y+h)
		p.cube(x+r-k, y+h, x, y+h-r+k, x, y+h-r)
		p.line(x, y+r)
		p.cube(x, y+r-k, x+r-k, y, x+r, y)
	} else {
		p.move(x+r, y)
		p.cube(x+r-k, y, x, y+r-k, x, y+r)
		p.line(x, y+h-r)
		p.cube(x, y+h-r+k, x+r-k, y+h, x+r, y+h)
		p.line(x+w-r, y+h)
		p.cube(x+w-r+k, y+h, x+w, y+h-r+k, x+w, y+h-r)
		p.line(x+w, y+r)
		p.cube(x+w, y+r-k, x+w-r+k, y, x+w-r, y)
		p.line(x+r, y)
	}
	p.z.ClosePath()
}

func (p pather) circle(cx, cy, r float64, ccw bool) {
	p.rrect(cx-r, cy-r, 2*r, 2*r, r, ccw)
}

// hgrad is a horizontal gradient source image.
type hgrad struct {
	x0, x1 float64
	c0, c1 color.NRGBA
}

func (g hgrad) ColorModel() color.Model { return color.NRGBAModel }
func (g hgrad) Bounds() image.Rectangle {
	return image.Rect(-1e9, -1e9, 1e9, 1e9)
}
func (g hgrad) At(x, y int) color.Color {
	t := (float64(x) + 0.5 - g.x0) / math.Max(g.x1-g.x0, 1)
	return lerpColor(g.c0, g.c1, math.Max(0, math.Min(1, t)))
}

func (o shapeOp) draw(dst *image.RGBA) {
	if o.color.A == 0 && o.to == nil {
		return
	}
	src := image.Image(image.NewUniform(o.color))
	if o.to != nil {
		src = hgrad{o.x, o.x + o.w, o.color, *o.to}
	}
	switch o.kind {
	case "grid":
		o.drawGrid(dst, src)
		return
	case "glow":
		o.drawGlow(dst)
		return
	}
	if o.kind == "rect" && !o.stroke && isInt(o.x) && isInt(o.y) && isInt(o.w) && isInt(o.h) {
		if o.r == 0 {
			draw.Draw(dst, image.Rect(int(o.x), int(o.y), int(o.x+o.w), int(o.y+o.h)), src, image.Point{}, draw.Over)
			return
		}
		if o.drawRoundRectFast(dst, src) {
			return
		}
	}
	if o.kind == "rect" && o.stroke && o.thickness > 0 {
		// Only the ring is covered: rasterize the four bands it runs
		// through, not the empty inside.
		e := int(math.Ceil(math.Max(o.r, o.thickness))) + 1
		x0, y0 := int(math.Floor(o.x)), int(math.Floor(o.y))
		x1, y1 := int(math.Ceil(o.x+o.w)), int(math.Ceil(o.y+o.h))
		if x1-x0 > 2*e && y1-y0 > 2*e {
			o.rasterize(dst, image.Rect(x0, y0, x1, y0+e), src)
			o.rasterize(dst, image.Rect(x0, y1-e, x1, y1), src)
			o.rasterize(dst, image.Rect(x0, y0+e, x0+e, y1-e), src)
			o.rasterize(dst, image.Rect(x1-e, y0+e, x1, y1-e), src)
			return
		}
	}
	o.rasterize(dst, o.bounds(), src)
}

// rasterize draws the part of the shape that falls in region. The path may
// extend beyond it: the rasterizer accumulates coverage row by row, so
// clipping keeps the pixels inside exact.
func (o shapeOp) rasterize(dst *image.RGBA, region image.Rectangle, src image.Image) {
	r := region.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	z := rastPool.Get().(*vector.Rasterizer)
	defer rastPool.Put(z)
	z.Reset(r.Dx(), r.Dy())
	z.DrawOp = draw.Over
	p := pather{z, float64(r.Min.X), float64(r.Min.Y)}
	t := o.thickness
	switch o.kind {
	case "rect":
		p.rrect(o.x, o.y, o.w, o.h, o.r, false)
		if o.stroke && t > 0 && o.w > 2*t && o.h > 2*t {
			p.rrect(o.x+t, o.y+t, o.w-2*t, o.h-2*t, math.Max(0, o.r-t), true)
		}
	case "circle":
		p.circle(o.x, o.y, o.r, false)
		if o.stroke && t > 0 && o.r > t {
			p.circle(o.x, o.y, o.r-t, true)
		}
	case "line":
		dx, dy := o.x2-o.x, o.y2-o.y
		l := math.Hypot(dx, dy)
		if l == 0 || t <= 0 {
			return
		}
		nx, ny := -dy/l*t/2, dx/l*t/2
		p.move(o.x+nx, o.y+ny)
		p.line(o.x2+nx, o.y2+ny)
		p.line(o.x2-nx, o.y2-ny)
		p.line(o.x-nx, o.y-ny)
		p.z.ClosePath()
	case "polygon":
		for i, pt := range o.points {
			if i == 0 {
				p.move(pt[0], pt[1])
			} else {
				p.line(pt[0], pt[1])
			}
		}
		p.z.ClosePath()
	}
	z.Draw(dst, r, src, r.Min)
}

// drawRoundRectFast fills a pixel-aligned rounded rectangle: the straight
// parts with plain fills and only the four corner squares through the
// rasterizer, which costs a fraction of rasterizing a large card whole.
func (o shapeOp) drawRoundRectFast(dst *image.RGBA, src image.Image) bool {
	x, y, w, h := int(o.x), int(o.y), int(o.w), int(o.h)
	rad := math.Max(0, math.Min(o.r, math.Min(o.w, o.h)/2))
	c := int(math.Ceil(rad))
	if c == 0 || 2*c > w || 2*c > h {
		return false
	}
	fill := func(r image.Rectangle) {
		draw.Draw(dst, r, src, r.Min, draw.Over)
	}
	fill(image.Rect(x+c, y, x+w-c, y+c))     // top strip
	fill(image.Rect(x, y+c, x+w, y+h-c))     // middle band
	fill(image.Rect(x+c, y+h-c, x+w-c, y+h)) // bottom strip
	o.rasterize(dst, image.Rect(x, y, x+c, y+c), src)
	o.rasterize(dst, image.Rect(x+w-c, y, x+w, y+c), src)
	o.rasterize(dst, image.Rect(x, y+h-c, x+c, y+h), src)
	o.rasterize(dst, image.Rect(x+w-c, y+h-c, x+w, y+h), src)
	return true
}

func isInt(f float64) bool { return f == math.Trunc(f) }

// drawGlow paints a radial glow: the colour at the centre fading
// smoothly to nothing at radius r.
func (o shapeOp) drawGlow(dst *image.RGBA) {
	r := o.bounds().Intersect(dst.Bounds())
	if r.Empty() || o.r <= 0 {
		return
	}
	// Opacity (0..256) by squared distance, in 1024 steps.
	const n = 1024
	var lut [n + 1]int32
	ca := float64(o.color.A) / 255
	for i := range lut {
		f := 1 - math.Sqrt(float64(i)/n)
		lut[i] = int32(math.Round(256 * ca * f * f * (3 - 2*f)))
	}
	cr, cg, cb := int32(o.color.R), int32(o.color.G), int32(o.color.B)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		dy := (float64(y) + 0.5 - o.y) / o.r
		if dy*dy >= 1 {
			continue
		}
		half := math.Sqrt(1-dy*dy) * o.r
		x0 := max(r.Min.X, int(math.Floor(o.x-half)))
		x1 := min(r.Max.X, int(math.Ceil(o.x+half)))
		row := dst.Pix[(y-dst.Rect.Min.Y)*dst.Stride:]
		for x := x0; x < x1; x++ {
			dx := (float64(x) + 0.5 - o.x) / o.r
			d2 := dx*dx + dy*dy
			if d2 >= 1 {
				continue
			}
			a := lut[int(d2*n)]
			if a == 0 {
				continue
			}
			p := row[(x-dst.Rect.Min.X)*4 : (x-dst.Rect.Min.X)*4+3 : (x-dst.Rect.Min.X)*4+3]
			p[0] = uint8((int32(p[0])*(256-a) + cr*a + 128) >> 8)
			p[1] = uint8((int32(p[1])*(256-a) + cg*a + 128) >> 8)
			p[2] = uint8((int32(p[2])*(256-a) + cb*a + 128) >> 8)
		}
	}
}

func (o shapeOp) drawGrid(dst *image.RGBA, src image.Image) {
	t := max(1, int(math.Round(o.thickness)))
	area := image.Rect(int(o.x), int(o.y), int(o.x+o.w), int(o.y+o.h)).Intersect(dst.Bounds())
	if o.spacing < 2 {
		return
	}
	for x := o.x; x < o.x+o.w; x += o.spacing {
		xi := int(math.Round(x))
		draw.Draw(dst, image.Rect(xi, area.Min.Y, xi+t, area.Max.Y).Intersect(area), src, image.Point{}, draw.Over)
	}
	for y := o.y; y < o.y+o.h; y += o.spacing {
		yi := int(math.Round(y))
		draw.Draw(dst, image.Rect(area.Min.X, yi, area.Max.X, yi+t).Intersect(area), src, image.Point{}, draw.Over)
	}
}

// ---- text ----

type textOp struct {
	origin image.Point // top-left of the box the lines are relative to
	lines  []line
	clip   image.Rectangle
}

func (o textOp) draw(dst *image.RGBA) {
	clip := o.clip.Intersect(dst.Bounds())
	if clip.Empty() {
		return
	}
	d := dst.SubImage(clip).(*image.RGBA)
	for _, l := range o.lines {
		ppem := ppemOf(l.size)
		x := float64(o.origin.X) + l.x
		by := o.origin.Y + l.baseline
		for i, g := range l.glyphs {
			if i > 0 {
				x += g.kern * l.size
			}
			if !g.space {
				xq := math.Floor(x*subpixel+0.5) / subpixel
				ix := math.Floor(xq)
				phase := uint8((xq - ix) * subpixel)
				if gm, err := rasterGlyph(g.font, g.index, ppem, phase); err == nil && gm.mask.Rect.Dx() > 0 {
					r := gm.mask.Rect.Add(image.Pt(int(ix), by).Add(gm.off))
					draw.DrawMask(d, r, image.NewUniform(g.color), image.Point{}, gm.mask, image.Point{}, draw.Over)
				}
			}
			x += g.adv * l.size
		}
	}
}

// ---- images ----

type imageOp struct {
	img    image.Image
	box    image.Rectangle
	cover  bool
	radius float64
}

func (o imageOp) draw(dst *image.RGBA) {
	drawImageFit(dst, o.img, o.box, o.cover, o.radius)
}

// fitRect returns where an image of size src goes in box: contained
// (letterboxed) or covering it, centred, aspect ratio kept.
func fitRect(src image.Point, box image.Rectangle, cover bool) image.Rectangle {
	if src.X <= 0 || src.Y <= 0 || box.Empty() {
		return image.Rectangle{}
	}
	sx := float64(box.Dx()) / float64(src.X)
	sy := float64(box.Dy()) / float64(src.Y)
	s := math.Min(sx, sy)
	if cover {
		s = math.Max(sx, sy)
	}
	w := int(math.Round(float64(src.X) * s))
	h := int(math.Round(float64(src.Y) * s))
	if !cover {
		w, h = min(max(w, 1), box.Dx()), min(max(h, 1), box.Dy())
	}
	x := box.Min.X + (box.Dx()-w)/2
	y := box.Min.Y + (box.Dy()-h)/2
	return image.Rect(x, y, x+w, y+h)
}

// drawImageFit scales img into box with Catmull-Rom, clipped to box, with
// optionally rounded corners.
func drawImageFit(dst *image.RGBA, img image.Image, box image.Rectangle, cover bool, radius float64) {
	target := fitRect(img.Bounds().Size(), box, cover)
	if target.Empty() {
		return
	}
	img = shrinkForScale(img, target.Size())
	visible := target.Intersect(box).Intersect(dst.Bounds())
	if visible.Empty() {
		return
	}
	if radius <= 0 {
		sub := dst.SubImage(visible).(*image.RGBA)
		draw.CatmullRom.Scale(sub, target, img, img.Bounds(), draw.Over, nil)
		return
	}
	tmp := image.NewRGBA(visible)
	draw.CatmullRom.Scale(tmp, target, img, img.Bounds(), draw.Src, nil)
	mask := image.NewAlpha(visible)
	z := vector.NewRasterizer(visible.Dx(), visible.Dy())
	p := pather{z, float64(visible.Min.X), float64(visible.Min.Y)}
	p.rrect(float64(visible.Min.X), float64(visible.Min.Y), float64(visible.Dx()), float64(visible.Dy()), radius, false)
	z.DrawOp = draw.Src
	z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	draw.DrawMask(dst, visible, tmp, visible.Min, mask, visible.Min, draw.Over)
}

// shrinkForScale box-filters img by a whole factor when it is more than
// twice the target size, so that Catmull-Rom then works from at most twice
// the target resolution: the same look, a fraction of the time and memory
// for large photos.
func shrinkForScale(img image.Image, target image.Point) image.Image {
	b := img.Bounds()
	f := min(b.Dx()/max(2*target.X, 1), b.Dy()/max(2*target.Y, 1))
	if f < 2 {
		return img
	}
	src, ok := img.(*image.RGBA)
	if !ok {
		src = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
	}
	sb := src.Bounds()
	w, h := sb.Dx()/f, sb.Dy()/f
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	n := uint32(f * f)
	sums := make([]uint32, w*4)
	for y := 0; y < h; y++ {
		clear(sums)
		for yy := 0; yy < f; yy++ {
			row := src.Pix[(y*f+yy)*src.Stride:]
			for x := 0; x < w; x++ {
				s := sums[x*4 : x*4+4 : x*4+4]
				p := row[x*f*4:]
				for xx := 0; xx < f; xx++ {
					q := p[xx*4 : xx*4+4 : xx*4+4]
					s[0] += uint32(q[0])
					s[1] += uint32(q[1])
					s[2] += uint32(q[2])
					s[3] += uint32(q[3])
				}
			}
		}
		orow := out.Pix[y*out.Stride:]
		for i, v := range sums {
			orow[i] = uint8((v + n/2) / n)
		}
	}
	return out
}

// Draw paints a plan into a new image.
func (p *Plan) Draw() *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, p.Width, p.Height))
	ops := p.ops
	if base := p.baseLayer(); base != nil {
		copy(dst.Pix, base.Pix)
		ops = ops[p.base:]
	}
	for _, o := range ops {
		o.draw(dst)
	}
	return dst
}

// The background and decorations of a layout depend only on the template,
// the layout and the frame size, so they are drawn once and copied into
// every frame that shares them. Cached layers are never modified.
var (
	baseLayers     sync.Map // baseKey → *image.RGBA
	baseLayerBytes atomic.Int64
)

const maxBaseLayerBytes = 160 << 20

type baseKey struct {
	fingerprint string // the same template loaded twice shares layers
	layout      string
	w, h        int
}

func (p *Plan) baseLayer() *image.RGBA {
	if p.tpl == nil || p.base == 0 {
		return nil
	}
	key := baseKey{p.tpl.fingerprint, p.Layout, p.Width, p.Height}
	if v, ok := baseLayers.Load(key); ok {
		return v.(*image.RGBA)
	}
	img := image.NewRGBA(image.Rect(0, 0, p.Width, p.Height))
	for _, o := range p.ops[:p.base] {
		o.draw(img)
	}
	if n := int64(len(img.Pix)); baseLayerBytes.Load()+n <= maxBaseLayerBytes {
		if v, loaded := baseLayers.LoadOrStore(key, img); loaded {
			return v.(*image.RGBA)
		}
		baseLayerBytes.Add(n)
	}
	return img
}

// drawChrome paints everything except text and images: what text sits on.
func (p *Plan) drawChrome() *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, p.Width, p.Height))
	for _, o := range p.ops {
		switch o.(type) {
		case textOp, imageOp:
			continue
		}
		o.draw(dst)
	}
	return dst
}
