package pdf

import (
	"math"

	lpdf "github.com/ledongthuc/pdf"
)

// maxGlyphs is the most characters kept for one page.
const maxGlyphs = 400_000

type matrix [3][3]float64

var ident = matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}

func (x matrix) mul(y matrix) matrix {
	var z matrix
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				z[i][j] += x[i][k] * y[k][j]
			}
		}
	}
	return z
}

// font is a page font decoded once: its text encoding and glyph widths.
type font struct {
	enc    lpdf.TextEncoding
	first  int
	widths []float64
	// Composite (Type0) fonts: two-byte codes, widths per CID.
	cid     bool
	cidW    map[int]float64
	defCIDW float64
}

// maxCIDWidths bounds the width table read for one composite font.
const maxCIDWidths = 70000

// loadCID reads the /W array of a Type0 font's descendant: entries are
// "c [w1 w2 …]" or "cfirst clast w".
func (f *font) loadCID(v lpdf.Value) {
	d := v.Key("DescendantFonts").Index(0)
	f.cid = true
	f.defCIDW = 1000
	if dw := d.Key("DW"); dw.Kind() == lpdf.Integer || dw.Kind() == lpdf.Real {
		f.defCIDW = dw.Float64()
	}
	f.cidW = map[int]float64{}
	w := d.Key("W")
	for i := 0; i < w.Len() && len(f.cidW) < maxCIDWidths; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == lpdf.Array {
			for j := 0; j < next.Len() && len(f.cidW) < maxCIDWidths; j++ {
				f.cidW[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		wv := w.Index(i + 2).Float64()
		for c2 := c; c2 <= last && len(f.cidW) < maxCIDWidths; c2++ {
			f.cidW[c2] = wv
		}
		i += 3
	}
}

func (f *font) cidWidth(code int) float64 {
	if w, ok := f.cidW[code]; ok {
		return w
	}
	return f.defCIDW
}

func (f *font) width(code int) float64 {
	if f == nil {
		return 0
	}
	i := code - f.first
	if i < 0 || i >= len(f.widths) {
		return 0
	}
	return f.widths[i]
}

type textState struct {
	tc, tw, th, tl, tfs, trise float64
	tf                         *font
	tm, tlm, ctm               matrix
}

// stopPage ends interpretation early when a page has too many glyphs.
type stopPage struct{}

// glyphs interprets a page's content stream and returns its characters with
// positions. Fonts are decoded once per page (the library's own Content
// re-reads the font dictionary and ToUnicode map at every font change and
// every glyph width, which made text-heavy pages take seconds).
//
// A malformed stream stops interpretation; the glyphs read before the
// problem are returned with partial set.
func glyphs(p lpdf.Page) (out []glyph, partial bool) {
	fonts := map[string]*font{}
	res := p.Resources().Key("Font")
	getFont := func(name string) *font {
		if f, ok := fonts[name]; ok {
			return f
		}
		lf := lpdf.Font{V: res.Key(name)}
		f := &font{enc: lf.Encoder(), first: lf.FirstChar()}
		if f.enc == nil {
			f.enc = nopEncoding{}
		}
		if lf.V.Key("Subtype").Name() == "Type0" {
			f.loadCID(lf.V)
		} else {
			w := lf.V.Key("Widths")
			for i := 0; i < w.Len() && i < 65536; i++ {
				f.widths = append(f.widths, w.Index(i).Float64())
			}
		}
		fonts[name] = f
		return f
	}
	g := textState{th: 1, ctm: ident, tm: ident, tlm: ident}
	var stack []textState

	show := func(raw string) {
		if g.tf == nil {
			g.tf = &font{enc: nopEncoding{}}
		}
		runes := []rune(g.tf.enc.Decode(raw))
		perByte := !g.tf.cid && len(runes) == len(raw)
		perPair := g.tf.cid && 2*len(runes) == len(raw)
		for i, r := range runes {
			var w0 float64
			switch {
			case perByte:
				w0 = g.tf.width(int(raw[i]))
			case perPair:
				w0 = g.tf.cidWidth(int(raw[2*i])<<8 | int(raw[2*i+1]))
			}
			trm := matrix{{g.tfs * g.th, 0, 0}, {0, g.tfs, 0}, {0, g.trise, 1}}.mul(g.tm).mul(g.ctm)
			size := math.Hypot(trm[1][0], trm[1][1])
			if size == 0 {
				size = math.Abs(trm[0][0])
			}
			var adv float64
			if w0 > 0 {
				adv = w0 / 1000 * g.tfs
			} else {
				adv = 0.5 * g.tfs
			}
			out = append(out, glyph{x: trm[2][0], y: trm[2][1], w: adv * math.Abs(trm[0][0]/nonzero(g.tfs*g.th)) * g.th, size: size, s: string(r)})
			if len(out) > maxGlyphs {
				panic(stopPage{})
			}
			tx := adv + g.tc
			if r == ' ' {
				tx += g.tw
			}
			tx *= g.th
			g.tm = matrix{{1, 0, 0}, {0, 1, 0}, {tx, 0, 1}}.mul(g.tm)
		}
	}
	nextLine := func() {
		g.tlm = matrix{{1, 0, 0}, {0, 1, 0}, {0, -g.tl, 1}}.mul(g.tlm)
		g.tm = g.tlm
	}

	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stopPage); !ok {
				partial = true
			}
		}
	}()
	lpdf.Interpret(p.V.Key("Contents"), func(stk *lpdf.Stack, op string) {
		n := stk.Len()
		args := make([]lpdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		f := func(i int) float64 {
			if i < len(args) {
				v := args[i].Float64()
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return 0
				}
				return v
			}
			return 0
		}
		switch op {
		case "cm":
			if n == 6 {
				m := matrix{{f(0), f(1), 0}, {f(2), f(3), 0}, {f(4), f(5), 1}}
				g.ctm = m.mul(g.ctm)
			}
		case "q":
			if len(stack) < 1024 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "BT":
			g.tm, g.tlm = ident, ident
		case "T*":
			nextLine()
		case "Tc":
			g.tc = f(0)
		case "Tw":
			g.tw = f(0)
		case "Tz":
			g.th = f(0) / 100
		case "TL":
			g.tl = f(0)
		case "Ts":
			g.trise = f(0)
		case "TD", "Td":
			if op == "TD" {
				g.tl = -f(1)
			}
			g.tlm = matrix{{1, 0, 0}, {0, 1, 0}, {f(0), f(1), 1}}.mul(g.tlm)
			g.tm = g.tlm
		case "Tf":
			if n == 2 {
				g.tf = getFont(args[0].Name())
				g.tfs = f(1)
			}
		case "Tm":
			if n == 6 {
				g.tm = matrix{{f(0), f(1), 0}, {f(2), f(3), 0}, {f(4), f(5), 1}}
				g.tlm = g.tm
			}
		case "'", "\"":
			if op == "\"" && n == 3 {
				g.tw, g.tc = f(0), f(1)
			}
			nextLine()
			if n > 0 {
				show(args[n-1].RawString())
			}
		case "Tj":
			if n > 0 {
				show(args[n-1].RawString())
			}
		case "TJ":
			if n == 0 {
				return
			}
			v := args[n-1]
			for i := 0; i < v.Len(); i++ {
				x := v.Index(i)
				if x.Kind() == lpdf.String {
					show(x.RawString())
				} else {
					tx := -x.Float64() / 1000 * g.tfs * g.th
					if math.IsNaN(tx) || math.IsInf(tx, 0) {
						continue
					}
					g.tm = matrix{{1, 0, 0}, {0, 1, 0}, {tx, 0, 1}}.mul(g.tm)
				}
			}
		}
	})
	return out, false
}

func nonzero(f float64) float64 {
	if f == 0 {
		return 1
	}
	return f
}

type nopEncoding struct{}

func (nopEncoding) Decode(raw string) string { return raw }
