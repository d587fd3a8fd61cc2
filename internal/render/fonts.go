package render

import (
	"fmt"
	"image"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomediumitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/gomonobolditalic"
	"golang.org/x/image/font/gofont/gomonoitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/gofont/gosmallcaps"
	"golang.org/x/image/font/gofont/gosmallcapsitalic"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// embeddedFonts are the Go fonts compiled into the binary, by the name a
// template uses for them.
var embeddedFonts = map[string][]byte{
	"goregular":         goregular.TTF,
	"gobold":            gobold.TTF,
	"goitalic":          goitalic.TTF,
	"gobolditalic":      gobolditalic.TTF,
	"gomedium":          gomedium.TTF,
	"gomediumitalic":    gomediumitalic.TTF,
	"gomono":            gomono.TTF,
	"gomonobold":        gomonobold.TTF,
	"gomonoitalic":      gomonoitalic.TTF,
	"gomonobolditalic":  gomonobolditalic.TTF,
	"gosmallcaps":       gosmallcaps.TTF,
	"gosmallcapsitalic": gosmallcapsitalic.TTF,
}

// EmbeddedFontNames lists the font names a template may use without a file.
func EmbeddedFontNames() []string {
	names := make([]string, 0, len(embeddedFonts))
	for n := range embeddedFonts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// fontRef is one parsed font shared by every render. Measuring works in
// font units (advances scale linearly because hinting is off), so one cache
// of advances and kerning serves every size. Safe for concurrent use.
type fontRef struct {
	id   uint32
	name string // embedded name, or file path (#index for collections)
	data []byte // the whole file, for fingerprints
	f    *sfnt.Font
	upem float64
	bold bool

	ascent, descent, xHeight float64 // font units, descent positive

	mu     sync.RWMutex
	glyphs map[rune]glyphInfo
	kerns  map[uint32]float64
	bufs   sync.Pool // *sfnt.Buffer
}

type glyphInfo struct {
	index sfnt.GlyphIndex
	adv   float64 // font units
}

var fontIDs atomic.Uint32

func newFontRef(name string, data []byte, f *sfnt.Font) *fontRef {
	fr := &fontRef{
		id:     fontIDs.Add(1),
		name:   name,
		data:   data,
		f:      f,
		upem:   float64(f.UnitsPerEm()),
		glyphs: map[rune]glyphInfo{},
		kerns:  map[uint32]float64{},
	}
	fr.bufs.New = func() any { return new(sfnt.Buffer) }
	b := fr.buf()
	defer fr.bufs.Put(b)
	ppem := fixed.Int26_6(f.UnitsPerEm()) // raw 26.6 values come out in font units
	if m, err := f.Metrics(b, ppem, font.HintingNone); err == nil {
		fr.ascent = float64(m.Ascent)
		fr.descent = float64(m.Descent)
		fr.xHeight = float64(m.XHeight)
	}
	if fr.ascent <= 0 {
		fr.ascent = 0.9 * fr.upem
	}
	if fr.descent <= 0 {
		fr.descent = 0.25 * fr.upem
	}
	if fr.xHeight <= 0 {
		fr.xHeight = 0.5 * fr.upem
	}
	family, _ := f.Name(b, sfnt.NameIDFamily)
	sub, _ := f.Name(b, sfnt.NameIDSubfamily)
	lower := strings.ToLower(name + " " + family + " " + sub)
	fr.bold = strings.Contains(lower, "bold") || strings.Contains(lower, "black") || strings.Contains(lower, "heavy")
	return fr
}

func (fr *fontRef) buf() *sfnt.Buffer { return fr.bufs.Get().(*sfnt.Buffer) }

// glyph returns the glyph of r; ok is false when the font lacks it.
func (fr *fontRef) glyph(r rune) (glyphInfo, bool) {
	fr.mu.RLock()
	g, found := fr.glyphs[r]
	fr.mu.RUnlock()
	if !found {
		b := fr.buf()
		idx, err := fr.f.GlyphIndex(b, r)
		if err != nil {
			idx = 0
		}
		g.index = idx
		if idx != 0 {
			adv, err := fr.f.GlyphAdvance(b, idx, fixed.Int26_6(fr.f.UnitsPerEm()), font.HintingNone)
			if err == nil {
				g.adv = float64(adv)
			}
		}
		fr.bufs.Put(b)
		fr.mu.Lock()
		fr.glyphs[r] = g
		fr.mu.Unlock()
	}
	return g, g.index != 0
}

// has reports whether the font has a glyph for r.
func (fr *fontRef) has(r rune) bool {
	_, ok := fr.glyph(r)
	return ok
}

// kern returns the kerning between two glyphs in font units.
func (fr *fontRef) kern(a, b sfnt.GlyphIndex) float64 {
	key := uint32(a)<<16 | uint32(b)
	fr.mu.RLock()
	k, found := fr.kerns[key]
	fr.mu.RUnlock()
	if found {
		return k
	}
	buf := fr.buf()
	v, err := fr.f.Kern(buf, a, b, fixed.Int26_6(fr.f.UnitsPerEm()), font.HintingNone)
	fr.bufs.Put(buf)
	if err == nil {
		k = float64(v)
	}
	fr.mu.Lock()
	fr.kerns[key] = k
	fr.mu.Unlock()
	return k
}

// parseFontData parses a TTF/OTF, or the first font of a TTC/OTC.
func parseFontData(name string, data []byte) (*fontRef, error) {
	f, err := opentype.Parse(data)
	if err != nil {
		c, cerr := opentype.ParseCollection(data)
		if cerr != nil {
			return nil, err
		}
		if f, err = c.Font(0); err != nil {
			return nil, err
		}
	}
	return newFontRef(name, data, f), nil
}

var (
	embeddedMu     sync.Mutex
	embeddedParsed = map[string]*fontRef{}
	fileFontsMu    sync.Mutex
	fileFonts      = map[string]*fontRef{} // by absolute path + size + mtime
)

// embeddedFont returns the parsed embedded font called name.
func embeddedFont(name string) (*fontRef, error) {
	embeddedMu.Lock()
	defer embeddedMu.Unlock()
	if fr, ok := embeddedParsed[name]; ok {
		return fr, nil
	}
	data, ok := embeddedFonts[name]
	if !ok {
		return nil, fmt.Errorf("unknown embedded font %q", name)
	}
	fr, err := parseFontData(name, data)
	if err != nil {
		return nil, err
	}
	embeddedParsed[name] = fr
	return fr, nil
}

// fileFont loads and parses a font file, caching it by path and content.
func fileFont(path string) (*fontRef, error) {
	data, err := readRegular(path, maxFontFileSize)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s\x00%d\x00%x", path, len(data), fnv64(data))
	fileFontsMu.Lock()
	defer fileFontsMu.Unlock()
	if fr, ok := fileFonts[key]; ok {
		return fr, nil
	}
	fr, err := parseFontData(path, data)
	if err != nil {
		return nil, fmt.Errorf("not a TrueType/OpenType font: %w", err)
	}
	fileFonts[key] = fr
	return fr, nil
}

func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// ---- glyph rasterization, with a shared cache of masks ----

// glyphKey identifies one rasterized glyph: the font, the glyph, the size
// (26.6 pixels per em) and the horizontal sub-pixel phase (quarters).
type glyphKey struct {
	font  uint32
	index sfnt.GlyphIndex
	ppem  fixed.Int26_6
	phase uint8
}

// glyphMask is an immutable coverage mask; off is the offset of its top-left
// corner from the pen position (integer x, baseline y).
type glyphMask struct {
	mask *image.Alpha
	off  image.Point
}

const maxCachedGlyphs = 40000

var (
	glyphCache sync.Map // glyphKey → *glyphMask
	glyphCount atomic.Int64
	rastPool   = sync.Pool{New: func() any { return vector.NewRasterizer(0, 0) }}
)

// subpixel is the number of horizontal glyph phases per pixel.
const subpixel = 4

// rasterGlyph returns the coverage mask of glyph g of fr at ppem pixels per
// em, with the pen at sub-pixel phase phase/subpixel. The result depends only
// on its arguments, so caching it keeps rendering deterministic.
func rasterGlyph(fr *fontRef, g sfnt.GlyphIndex, ppem fixed.Int26_6, phase uint8) (*glyphMask, error) {
	key := glyphKey{fr.id, g, ppem, phase}
	if v, ok := glyphCache.Load(key); ok {
		return v.(*glyphMask), nil
	}
	b := fr.buf()
	defer fr.bufs.Put(b)
	segs, err := fr.f.LoadGlyph(b, g, ppem, nil)
	if err != nil {
		return nil, err
	}
	dx := fixed.Int26_6(int(phase) * 64 / subpixel)
	bounds := segs.Bounds()
	minX := (bounds.Min.X + dx).Floor()
	minY := bounds.Min.Y.Floor()
	maxX := (bounds.Max.X + dx).Ceil()
	maxY := bounds.Max.Y.Ceil()
	w, h := maxX-minX, maxY-minY
	gm := &glyphMask{off: image.Pt(minX, minY)}
	if w <= 0 || h <= 0 {
		gm.mask = image.NewAlpha(image.Rectangle{})
	} else {
		biasX := float32(dx)/64 - float32(minX)
		biasY := -float32(minY)
		z := rastPool.Get().(*vector.Rasterizer)
		z.Reset(w, h)
		for _, s := range segs {
			p := func(i int) (float32, float32) {
				return float32(s.Args[i].X)/64 + biasX, float32(s.Args[i].Y)/64 + biasY
			}
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				z.MoveTo(p(0))
			case sfnt.SegmentOpLineTo:
				z.LineTo(p(0))
			case sfnt.SegmentOpQuadTo:
				x1, y1 := p(0)
				x2, y2 := p(1)
				z.QuadTo(x1, y1, x2, y2)
			case sfnt.SegmentOpCubeTo:
				x1, y1 := p(0)
				x2, y2 := p(1)
				x3, y3 := p(2)
				z.CubeTo(x1, y1, x2, y2, x3, y3)
			}
		}
		gm.mask = image.NewAlpha(image.Rect(0, 0, w, h))
		z.DrawOp = drawSrc
		z.Draw(gm.mask, gm.mask.Bounds(), image.Opaque, image.Point{})
		rastPool.Put(z)
	}
	if glyphCount.Load() < maxCachedGlyphs {
		if _, loaded := glyphCache.LoadOrStore(key, gm); !loaded {
			glyphCount.Add(1)
		}
	}
	return gm, nil
}

// ppemOf converts a pixel size to 26.6, the unit both measuring and drawing
// use, so that the two agree exactly.
func ppemOf(px float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(px * 64)) }
