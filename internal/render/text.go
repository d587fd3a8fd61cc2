package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// textStyle is how one text element looks before fitting.
type textStyle struct {
	font       *fontRef
	size       float64 // px, the preferred size
	minSize    float64 // px, the smallest size fitting may use
	color      color.NRGBA
	lineHeight float64 // multiple of the size
	tracking   float64 // em
	align      float64 // 0 left, 0.5 center, 1 right
	valign     float64 // 0 top, 0.5 middle, 1 bottom
	upper      bool
	// preferNoWrap makes fitting shrink before it wraps (code): a size
	// only fits if no paragraph needed wrapping, except the minimum size.
	preferNoWrap bool
	// balance evens out the lines of a wrapped paragraph (titles), so
	// that a last line does not hold a single word.
	balance bool
}

// span is a run of text in one colour (and optionally another font).
type span struct {
	text  string
	color color.NRGBA
	font  *fontRef
}

// para is a paragraph: a bullet item, a line of code, a block of prose.
type para struct {
	spans       []span
	scale       float64 // size factor relative to the fitted size
	indent      float64 // px from the box's left edge (not scaled by fitting)
	hang        float64 // em: marker column before the text
	marker      string  // bullet marker kind, "" for none
	markerColor color.NRGBA
	spaceBefore float64 // em
	pre         bool    // keep spaces as written (code)
}

// sg is one shaped glyph. Advances are in em so that one shaping serves
// every candidate size.
type sg struct {
	r     rune
	font  *fontRef
	index sfnt.GlyphIndex
	adv   float64 // em, including tracking
	kern  float64 // em, against the previous glyph of the same font
	color color.NRGBA
	space bool
	cjk   bool // a line may break before and after it
}

// textCtx carries per-render state: warnings, missing runes, language.
type textCtx struct {
	lang     string
	fallback *fallbackFonts
	missing  map[string][]rune // script → missing runes, in order seen
	scripts  []string
	unshaped []string // scripts drawn without the shaping they need
}

// needsShaping lists scripts that are written right to left or whose
// letters join or reorder: without a shaping engine their glyphs are drawn
// one by one, left to right, which is wrong.
var needsShaping = []*unicode.RangeTable{
	unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko,
	unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi, unicode.Gujarati, unicode.Oriya,
	unicode.Tamil, unicode.Telugu, unicode.Kannada, unicode.Malayalam, unicode.Sinhala,
	unicode.Khmer, unicode.Myanmar, unicode.Tibetan,
}

func (c *textCtx) noteShaping(r rune) {
	if r < 0x0590 || !unicode.In(r, needsShaping...) {
		return
	}
	s := scriptOf(r)
	for _, u := range c.unshaped {
		if u == s {
			return
		}
	}
	c.unshaped = append(c.unshaped, s)
}

func newTextCtx(lang string) *textCtx {
	return &textCtx{lang: lang, fallback: systemFonts, missing: map[string][]rune{}}
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Bopomofo) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// shape turns spans into glyphs, choosing per rune the span's font or an
// installed fallback font.
func (c *textCtx) shape(spans []span, base *fontRef, tracking float64, upper bool) []sg {
	var out []sg
	for _, sp := range spans {
		primary := sp.font
		if primary == nil {
			primary = base
		}
		text := sp.text
		if upper {
			text = strings.ToUpper(text)
		}
		for _, r := range text {
			if r == '\t' || r == '\n' || r == '\r' {
				r = ' '
			}
			if unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
				continue
			}
			c.noteShaping(r)
			fr := primary
			g, ok := fr.glyph(r)
			if !ok && !unicode.IsSpace(r) {
				if fb := c.fallback.find(r, primary.bold, c.lang); fb != nil {
					fr = fb
					g, _ = fb.glyph(r)
				} else {
					c.noteMissing(r)
				}
			}
			if !ok && unicode.IsSpace(r) {
				fr = primary
				g, _ = fr.glyph(' ')
			}
			s := sg{
				r:     r,
				font:  fr,
				index: g.index,
				adv:   g.adv/fr.upem + tracking,
				color: sp.color,
				space: unicode.IsSpace(r),
				cjk:   isCJK(r),
			}
			if n := len(out); n > 0 && out[n-1].font == fr && !s.space && !out[n-1].space {
				s.kern = fr.kern(out[n-1].index, g.index) / fr.upem
			}
			if g.index == 0 && !s.space {
				// Draw the font's "missing glyph" box at its own width; the
				// render reports it as a warning.
				adv, _ := fr.glyphAdvanceIndex(0)
				s.adv = adv/fr.upem + tracking
			}
			out = append(out, s)
		}
	}
	return out
}

func (c *textCtx) noteMissing(r rune) {
	script := scriptOf(r)
	if _, ok := c.missing[script]; !ok {
		c.scripts = append(c.scripts, script)
	}
	for _, m := range c.missing[script] {
		if m == r {
			return
		}
	}
	c.missing[script] = append(c.missing[script], r)
}

// warnings describes missing glyphs, one line per script.
func (c *textCtx) warnings() []string {
	var out []string
	for _, s := range c.scripts {
		rs := c.missing[s]
		sample := string(rs)
		if len(rs) > 8 {
			sample = string(rs[:8]) + "…"
		}
		out = append(out, fmt.Sprintf("no installed font covers %q (%s); %s", sample, s, installHint(s)))
	}
	for _, s := range c.unshaped {
		if _, missing := c.missing[s]; missing {
			continue
		}
		out = append(out, fmt.Sprintf("%s text is drawn without shaping (letters unjoined, left to right); check the slide", s))
	}
	return out
}

// glyphAdvanceIndex returns the advance of a glyph index in font units.
func (fr *fontRef) glyphAdvanceIndex(x sfnt.GlyphIndex) (float64, error) {
	b := fr.buf()
	defer fr.bufs.Put(b)
	adv, err := fr.f.GlyphAdvance(b, x, fixed.Int26_6(fr.f.UnitsPerEm()), font.HintingNone)
	return float64(adv), err
}

// wrap breaks glyphs into lines no wider than max em. Breaks go after
// spaces and around CJK characters; a word longer than a line is broken
// between characters. Leading spaces of continuation lines are dropped
// (a paragraph's own leading spaces, such as code indentation, are kept).
func wrap(gs []sg, max float64) [][]sg {
	lines, _ := wrapForced(gs, max)
	return lines
}

// wrapForced is wrap that also reports whether some word had to be broken
// between characters because it was wider than a line.
func wrapForced(gs []sg, max float64) ([][]sg, bool) {
	var lines [][]sg
	forced := false
	start := 0
	for start < len(gs) {
		width := 0.0
		lastBreak := -1
		i := start
		broke := false
		for ; i < len(gs); i++ {
			g := gs[i]
			if g.cjk && i > start && !gs[i-1].space {
				lastBreak = i
			}
			w := g.adv
			if i > start {
				w += g.kern
			}
			if !g.space && width+w > max+1e-9 && i > start {
				end := i
				if lastBreak > start {
					end = lastBreak
				} else {
					forced = true
				}
				lines = append(lines, trimTrailing(gs[start:end]))
				start = end
				for start < len(gs) && gs[start].space {
					start++
				}
				broke = true
				break
			}
			width += w
			if g.space || g.cjk {
				lastBreak = i + 1
			}
		}
		if !broke {
			lines = append(lines, trimTrailing(gs[start:]))
			break
		}
	}
	return lines, forced
}

// balanced returns the narrowest wrapping of gs into n lines (n being the
// line count at the full width max).
func balanced(gs []sg, max float64, n int) [][]sg {
	lo, hi := widthEm(gs)/float64(n)*0.8, max
	best, forcedAtMax := wrapForced(gs, max)
	for i := 0; i < 14 && hi-lo > 0.01; i++ {
		mid := (lo + hi) / 2
		if ls, forced := wrapForced(gs, mid); len(ls) <= n && (!forced || forcedAtMax) {
			best, hi = ls, mid
		} else {
			lo = mid
		}
	}
	return best
}

func trimTrailing(gs []sg) []sg {
	for len(gs) > 0 && gs[len(gs)-1].space {
		gs = gs[:len(gs)-1]
	}
	return gs
}

// widthEm is the advance width of a line in em.
func widthEm(gs []sg) float64 {
	w := 0.0
	for i, g := range gs {
		w += g.adv
		if i > 0 {
			w += g.kern
		}
	}
	return w
}

// line is one laid-out line, relative to the top-left of its box.
type line struct {
	glyphs   []sg
	size     float64 // px
	x        float64 // px from the box's left edge
	width    float64 // px
	baseline int     // px from the box's top edge
	para     int
	first    bool // first line of its paragraph
}

// block is laid-out text for a box.
type block struct {
	lines  []line
	size   float64 // the fitted base size
	height int
	fits   bool
}

// lineMetrics returns the ascent and descent (px) of a line at size.
func lineMetrics(fr *fontRef, size float64) (asc, desc float64) {
	return fr.ascent / fr.upem * size, fr.descent / fr.upem * size
}

// layoutAt lays out paragraphs at base size in a box w px wide. Baselines
// are whole pixels, the first line's ascent starts at the top edge.
func layoutAt(shaped [][]sg, paras []para, st textStyle, base float64, w float64) block {
	b := block{size: base}
	y := 0
	for pi, p := range paras {
		size := base * p.scale
		asc, _ := lineMetrics(st.font, size)
		hang := p.hang * base
		avail := w - p.indent - hang
		if avail < size {
			avail = size
		}
		lines := wrap(shaped[pi], avail/size)
		if st.balance && len(lines) > 1 && p.marker == "" {
			lines = balanced(shaped[pi], avail/size, len(lines))
		}
		if len(lines) == 0 {
			lines = [][]sg{nil}
		}
		for li, gs := range lines {
			if len(b.lines) == 0 {
				y = int(math.Ceil(asc - 1e-6))
			} else {
				step := st.lineHeight * size
				if li == 0 {
					step += p.spaceBefore * size
				}
				y += int(math.Round(step))
			}
			wpx := widthEm(gs) * size
			x := p.indent + hang
			if p.marker == "" && p.indent == 0 && hang == 0 {
				x = (w - wpx) * st.align
			}
			b.lines = append(b.lines, line{glyphs: gs, size: size, x: x, width: wpx, baseline: y, para: pi, first: li == 0})
		}
	}
	if n := len(b.lines); n > 0 {
		last := b.lines[n-1]
		_, desc := lineMetrics(st.font, last.size)
		b.height = int(math.Ceil(float64(last.baseline) + desc - 1e-6))
	}
	return b
}

func (b block) within(w, h int) bool {
	if b.height > h {
		return false
	}
	for _, l := range b.lines {
		if l.x < -1e-6 || l.x+l.width > float64(w)+1e-6 {
			return false
		}
	}
	return true
}

// sizeLadder lists candidate sizes from the preferred size down to the
// minimum in steps of about 5%.
func sizeLadder(size, minSize float64) []float64 {
	if minSize > size {
		minSize = size
	}
	var out []float64
	for s := size; s > minSize+1e-9; s *= 0.95 {
		out = append(out, math.Round(s*4)/4)
	}
	return append(out, minSize)
}

// fitBlock lays out paragraphs in a w×h box, shrinking the size step by
// step until everything fits. When even the minimum size does not fit, the
// text is cut at the last line that fits and ends with an ellipsis; the
// returned block then has fits == false.
func (c *textCtx) fitBlock(paras []para, st textStyle, w, h int) block {
	shaped := make([][]sg, len(paras))
	for i, p := range paras {
		shaped[i] = c.shape(p.spans, st.font, st.tracking, st.upper)
	}
	ladder := sizeLadder(st.size, st.minSize)
	try := func(i int) (block, bool) {
		b := layoutAt(shaped, paras, st, ladder[i], float64(w))
		if st.preferNoWrap && i < len(ladder)-1 && len(b.lines) != len(paras) {
			return b, false
		}
		return b, b.within(w, h)
	}
	if b, ok := try(0); ok {
		b.fits = true
		return b
	}
	// Fitting is (nearly) monotonic in size: binary search for the
	// largest size that fits.
	lo, hi := 1, len(ladder)-1
	best := -1
	var bestBlock block
	for lo <= hi {
		mid := (lo + hi) / 2
		if b, ok := try(mid); ok {
			best, bestBlock = mid, b
			hi = mid - 1
		} else {
			lo = mid + 1
		}
	}
	if best >= 0 {
		bestBlock.fits = true
		return bestBlock
	}
	b, _ := try(len(ladder) - 1)
	return c.truncate(b, st, w, h)
}

// truncate keeps the lines that fit in h and ends the last one with an
// ellipsis.
func (c *textCtx) truncate(b block, st textStyle, w, h int) block {
	keep := 0
	for i, l := range b.lines {
		_, desc := lineMetrics(st.font, l.size)
		if int(math.Ceil(float64(l.baseline)+desc-1e-6)) > h {
			break
		}
		keep = i + 1
	}
	cut := keep < len(b.lines)
	b.lines = b.lines[:keep]
	if keep > 0 && cut {
		last := &b.lines[keep-1]
		last.glyphs = c.ellipsize(last.glyphs, st, float64(w)-last.x, last.size, true)
		last.width = widthEm(last.glyphs) * last.size
		if st.align > 0 && last.x > 0 {
			last.x = (float64(w) - last.width) * st.align
		}
	}
	for i := range b.lines {
		l := &b.lines[i]
		if l.x+l.width > float64(w) {
			l.glyphs = c.ellipsize(l.glyphs, st, float64(w)-l.x, l.size, false)
			l.width = widthEm(l.glyphs) * l.size
		}
	}
	if keep > 0 {
		last := b.lines[keep-1]
		_, desc := lineMetrics(st.font, last.size)
		b.height = int(math.Ceil(float64(last.baseline) + desc - 1e-6))
	} else {
		b.height = 0
	}
	b.fits = false
	return b
}

// ellipsize drops glyphs from the end until the line plus "…" fits in
// max px. With always set, the ellipsis is added even if the line fits.
func (c *textCtx) ellipsize(gs []sg, st textStyle, max, size float64, always bool) []sg {
	if !always && widthEm(gs)*size <= max {
		return gs
	}
	ell := c.shape([]span{{text: "…", color: st.color}}, st.font, st.tracking, false)
	if len(gs) > 0 {
		for i := range ell {
			ell[i].color = gs[len(gs)-1].color
		}
	}
	limit := max/size - widthEm(ell) + 1e-9
	// Keep the longest prefix that leaves room for the ellipsis.
	keep, w := 0, 0.0
	for i, g := range gs {
		adv := g.adv
		if i > 0 {
			adv += g.kern
		}
		if w+adv > limit {
			break
		}
		w += adv
		keep = i + 1
	}
	if limit < 0 {
		return nil
	}
	out := trimTrailing(append([]sg(nil), gs[:keep]...))
	return append(out, ell...)
}

// singleLine lays out text on one line, no wider than w px, ending in an
// ellipsis when cut. It never shrinks.
func (c *textCtx) singleLine(text string, st textStyle, w float64) line {
	gs := c.shape([]span{{text: text, color: st.color}}, st.font, st.tracking, st.upper)
	gs = c.ellipsize(gs, st, w, st.size, false)
	return line{glyphs: gs, size: st.size, width: widthEm(gs) * st.size, first: true}
}

// lineRect is the rectangle a line occupies: its advance width by its
// font's ascent and descent, in frame pixels, for a box at origin.
func lineRect(l line, fr *fontRef, origin image.Point) image.Rectangle {
	asc, desc := lineMetrics(fr, l.size)
	x0 := float64(origin.X) + l.x
	return image.Rect(
		int(math.Floor(x0+1e-6)),
		int(math.Floor(float64(origin.Y+l.baseline)-asc+1e-6)),
		int(math.Ceil(x0+l.width-1e-6)),
		int(math.Ceil(float64(origin.Y+l.baseline)+desc-1e-6)),
	)
}

// lineText returns the text of a line (for plans and tests).
func lineText(gs []sg) string {
	var b strings.Builder
	for _, g := range gs {
		if g.space {
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(g.r)
	}
	return b.String()
}
