package loudness

import "math"

// model predicts the loudness of the limiter's output at any gain without
// K-weighting it again, from what meter.record kept of the input: the
// K-weighted energy of every mini-block (at most 0.5 ms).
//
// The limiter multiplies sample i by g·G_i, where G_i = 1 away from the
// loud peaks and varies smoothly (over ±2 ms) near them. The K-weighting
// filter is linear and its response is short next to that (the
// high-pass's long tail carries almost no energy), so the weighted output
// is close to g·G_i times the weighted input, and a mini-block's output
// energy close to g²·mean(G²)·(its input energy). Only the samples near
// peaks (the limiter's zones, a few per cent of them) correct the input's
// energy per step. Rounding to 16 bits and clipping are left out. The
// prediction lands within a few thousandths of a LU of measuring the
// output where the limiter takes little, and errs a little on the loud
// side, up to 0.02 LU, where it holds half of the loudness down
// (TestModelAgreesWithMeasurement).
type model struct {
	step, mb    int
	ez          []float32 // input K-weighted energy per mini-block
	e0          []float64 // input mean square per step
	corr, wcorr []float64 // per step: energy the limiter takes away, plain and β-weighted
	e, we       []float64
	scratch     []float64
	env         []float64 // scratch for gains
}

// newModel returns the model for what m recorded, or nil if it recorded
// nothing.
func newModel(m *meter) *model {
	if m.ez == nil {
		return nil
	}
	n := len(m.e)
	return &model{
		step: m.step, mb: m.mb, ez: m.ez,
		e0:   append([]float64(nil), m.e...),
		corr: make([]float64, n), wcorr: make([]float64, n),
		e: make([]float64, n), we: make([]float64, n),
	}
}

func (md *model) reset() {
	clear(md.corr)
	clear(md.wcorr)
}

// predict returns the loudness, and its slope, of lim's output at gainDB.
func (md *model) predict(lim *limiter, gainDB, ceil float64) (lufs, slope float64) {
	md.reset()
	g := math.Pow(10, gainDB/20)
	lim.g, lim.ceil = g, ceil
	lim.thresh = threshold(g, ceil)
	lim.findZones()
	n, h := len(lim.src), lim.h
	grow(&md.env, modelChunk+2*h+2)
	for _, z := range lim.zones {
		// The samples whose ±h window reaches into the zone, a chunk at a
		// time to bound the scratch space.
		for c0, c1 := max(z.a-h, 0), min(z.b+h, n-1); c0 <= c1; c0 += modelChunk {
			md.gains(lim, c0, min(c0+modelChunk-1, c1))
		}
	}
	return md.loudness(g)
}

// modelChunk bounds the samples whose gains the model works out at once.
const modelChunk = 4096

// gains works out G and β (see meter) for samples i0 to i1 the way the
// limiter does, but without its exact order of operations, and takes what
// they hold down off the steps' energy.
func (md *model) gains(l *limiter, i0, i1 int) {
	src, n, h, w := l.src, len(l.src), l.h, l.w
	g, ceil, t := l.g, l.ceil, l.thresh
	// env[x] for x from i0-h to i1+h+1, 0 outside the sound so that it
	// drops out of the sums.
	x0 := i0 - h
	env := grow(&md.env, i1-i0+2*h+2)
	dq := &l.dq
	idx, val, mask := dq.idx, dq.val, dq.mask
	head, tail := 0, 0
	k := max(x0-w, 0) // next sample for the deque of loud samples
	for j := range env {
		x := x0 + j
		if x < 0 || x >= n {
			env[j] = 0
			continue
		}
		for end := min(x+w, n-1); k <= end; k++ {
			v := int32(src[k])
			if v < t && v > -t {
				continue
			}
			need := ceil / (float64((v^v>>31)-v>>31) / 32768 * g)
			for tail > head && val[(tail-1)&mask] >= need {
				tail--
			}
			idx[tail&mask], val[tail&mask] = k, need
			tail++
		}
		for head < tail && idx[head&mask] < x-w {
			head++
		}
		env[j] = 1
		if head < tail {
			env[j] = val[head&mask]
		}
	}
	// G = the mean of env over ±h; ones counts the values of 1. Each
	// sample takes 1-G² and 1-G²β of its mini-block's energy per sample
	// away from the step's.
	sum, ones := 0.0, 0
	for _, e := range env[:2*h+1] {
		sum += e
		ones += unit(e)
	}
	inner := 1 / float64(2*h+1)
	mb, perStep := md.mb, md.step/md.mb
	for i := i0; i <= i1; {
		j := i / mb // mini-block
		if j >= len(md.ez) {
			return // after the last whole step
		}
		c, wc := 0.0, 0.0
		for end := min((j+1)*mb-1, i1); i <= end; i++ {
			inv := inner
			if i < h || i+h >= n {
				inv = 1 / float64(min(i+h, n-1)-max(i-h, 0)+1)
			}
			gi := sum * inv
			c += 1 - gi*gi
			wc += 1 - gi*float64(ones)*inv // 1-G²β
			in, out := env[i-i0+2*h+1], env[i-i0]
			sum += in - out
			ones += unit(in) - unit(out)
		}
		w := float64(md.ez[j]) / float64(mb) // energy per sample
		md.corr[j/perStep] += w * c
		md.wcorr[j/perStep] += w * wc
	}
}

// grow returns (*buf)[:n], making room if it has to.
func grow(buf *[]float64, n int) []float64 {
	if cap(*buf) < n {
		*buf = make([]float64, n)
	}
	return (*buf)[:n]
}

// loudness returns the predicted loudness at gain g (linear) and its
// slope, as meter.loudness does.
func (md *model) loudness(g float64) (lufs, slope float64) {
	g2, step := g*g, float64(md.step)
	for k, e := range md.e0 {
		md.e[k] = g2 * max(e-md.corr[k]/step, 0)
		md.we[k] = g2 * max(e-md.wcorr[k]/step, 0)
	}
	return gate(md.e, md.we, &md.scratch)
}
