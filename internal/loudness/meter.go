package loudness

import "math"

// biquad holds the coefficients of one second-order IIR section
// (direct form I: y = b0·x + b1·x1 + b2·x2 - a1·y1 - a2·y2).
type biquad struct{ b0, b1, b2, a1, a2 float64 }

// kWeighting returns the two BS.1770 K-weighting stages (a high shelf, then
// the RLB high-pass) for the sample rate, derived from their analogue
// prototypes with the bilinear transform.
func kWeighting(rate float64) (biquad, biquad) {
	f0, g, q := 1681.974450955533, 3.999843853973347, 0.7071752369554196
	k := math.Tan(math.Pi * f0 / rate)
	vh := math.Pow(10, g/20)
	vb := math.Pow(vh, 0.4996667741545416)
	a0 := 1 + k/q + k*k
	shelf := biquad{
		b0: (vh + vb*k/q + k*k) / a0,
		b1: 2 * (k*k - vh) / a0,
		b2: (vh - vb*k/q + k*k) / a0,
		a1: 2 * (k*k - 1) / a0,
		a2: (1 - k/q + k*k) / a0,
	}
	f0, q = 38.13547087602444, 0.5003270373238773
	k = math.Tan(math.Pi * f0 / rate)
	a0 = 1 + k/q + k*k
	hp := biquad{b0: 1, b1: -2, b2: 1, a1: 2 * (k*k - 1) / a0, a2: (1 - k/q + k*k) / a0}
	return shelf, hp
}

// meter measures integrated loudness as samples stream in, in pieces of
// any size: it K-weights them and keeps the mean square of each 100 ms
// step, from which loudness assembles the 400 ms gating blocks (four
// steps, overlapping by three).
//
// Each step also gets a weighted mean square, every sample's square
// scaled by how fast that sample grows with the gain (β: 1 where the
// limiter leaves it alone, less where it holds the peaks down), which
// gives loudness's slope against the gain.
type meter struct {
	// The shelf's feed-forward taps include the 1/32768 input scale: a
	// power of two, so b·(x/32768) and (b/32768)·x are the same number.
	b0, b1, b2, a1, a2 float64
	c1, c2             float64 // the high-pass's feedback; its feed-forward is 1, -2, 1
	x1, x2             float64 // last inputs, unscaled
	y1, y2             float64 // last shelf outputs, the high-pass's last inputs
	z1, z2             float64 // last high-pass outputs

	step      int     // samples per 100 ms step
	fill      int     // samples so far in the current step
	sum, wsum float64 // the current step's squares, plain and weighted
	e, we     []float64
	blocks    []float64 // scratch for loudness

	// What record keeps for the loudness model and the limiter, per
	// mini-block of mb samples (a divisor of step).
	mb    int
	ez    []float32 // K-weighted sum of squares, for the whole steps
	peaks []uint16  // largest |sample|, for all the samples
}

// init sets the meter up for n samples at rate, and reports whether they
// can be measured at all: Integrated is Silence for fewer than 400 ms.
func (m *meter) init(rate, n int) bool {
	if rate <= 0 {
		return false
	}
	m.step = rate / 10
	if m.step == 0 || n < 4*m.step {
		return false
	}
	shelf, hp := kWeighting(float64(rate))
	const scale = 1.0 / 32768
	m.b0, m.b1, m.b2, m.a1, m.a2 = shelf.b0*scale, shelf.b1*scale, shelf.b2*scale, shelf.a1, shelf.a2
	m.c1, m.c2 = hp.a1, hp.a2
	steps := n / m.step
	m.e, m.we = make([]float64, 0, steps), make([]float64, 0, steps)
	m.reset()
	return true
}

// reset starts a new measurement.
func (m *meter) reset() {
	m.x1, m.x2, m.y1, m.y2, m.z1, m.z2 = 0, 0, 0, 0, 0, 0
	m.fill, m.sum, m.wsum = 0, 0, 0
	m.e, m.we = m.e[:0], m.we[:0]
}

// record measures s, the whole input, as add does, and keeps its K-weighted
// energy and its peak per mini-block of at most 0.5 ms: enough to predict
// the loudness after limiting at any gain (see model), and for the
// limiter to skip the quiet parts. It keeps nothing if step has no
// divisor of a useful size.
func (m *meter) record(s []int16, rate int) {
	m.mb = miniBlock(m.step, rate)
	if m.mb == 0 {
		m.add(s)
		return
	}
	mb := m.mb
	whole := len(s) / m.step * m.step
	m.ez = make([]float32, whole/mb)
	m.peaks = make([]uint16, (len(s)+mb-1)/mb)
	for k := 0; k < whole; k += m.step {
		m.filterBlocks(s[k:k+m.step], m.ez[k/mb:], m.peaks[k/mb:])
		m.wsum = m.sum
		m.advance(m.step)
	}
	m.add(s[whole:])
	peaksOf(m.peaks[whole/mb:], s[whole:], mb)
}

// filterBlocks is filter (without β) for one whole step, also writing
// the energy and the peak of each mini-block into ez and peaks. (A
// countdown does that for less than a loop per mini-block.)
func (m *meter) filterBlocks(s []int16, ez []float32, peaks []uint16) {
	b0, b1, b2, a1, a2, c1, c2 := m.b0, m.b1, m.b2, m.a1, m.a2, m.c1, m.c2
	x1, x2, y1, y2, z1, z2 := m.x1, m.x2, m.y1, m.y2, m.z1, m.z2
	sum := m.sum
	mb := m.mb
	ez = ez[:len(s)/mb]
	peaks = peaks[:len(ez)]
	before, left, j, p := sum, mb, 0, int32(0)
	for _, v := range s {
		a := int32(v)
		p = max(p, (a^a>>31)-a>>31)
		x := float64(v)
		y := b0*x + b1*x1 + b2*x2 - a1*y1 - a2*y2
		z := y - 2*y1 + y2 - c1*z1 - c2*z2
		x2, x1 = x1, x
		y2, y1 = y1, y
		z2, z1 = z1, z
		sum += z * z
		if left--; left == 0 {
			ez[j], peaks[j] = float32(sum-before), uint16(p)
			before, left, p = sum, mb, 0
			j++
		}
	}
	m.x1, m.x2, m.y1, m.y2, m.z1, m.z2 = x1, x2, y1, y2, z1, z2
	m.sum = sum
}

// miniBlock returns the largest divisor of step up to rate/2000 samples
// (0.5 ms), or 0 if that is under 4 samples.
func miniBlock(step, rate int) int {
	for d := rate / 2000; d >= 4; d-- {
		if step%d == 0 {
			return d
		}
	}
	return 0
}

// add measures samples that grow with the gain (β = 1).
func (m *meter) add(s []int16) {
	for len(s) > 0 {
		k := min(len(s), m.step-m.fill)
		before := m.sum
		m.filter(s[:k], nil)
		m.wsum += m.sum - before
		m.advance(k)
		s = s[k:]
	}
}

// addWeighted measures samples with their β.
func (m *meter) addWeighted(s []int16, beta []float64) {
	for len(s) > 0 {
		k := min(len(s), m.step-m.fill)
		m.filter(s[:k], beta[:k])
		m.advance(k)
		s, beta = s[k:], beta[k:]
	}
}

// filter K-weights s, within one step, adding the squares to sum and, if
// beta is not nil, the weighted squares to wsum. The order of operations
// is that of the direct form I above, term by term (the high-pass's unit
// and -2 taps are exact without multiplying), so the energies are those of
// a plain per-sample filter to the last bit.
func (m *meter) filter(s []int16, beta []float64) {
	b0, b1, b2, a1, a2, c1, c2 := m.b0, m.b1, m.b2, m.a1, m.a2, m.c1, m.c2
	x1, x2, y1, y2, z1, z2 := m.x1, m.x2, m.y1, m.y2, m.z1, m.z2
	sum := m.sum
	if beta == nil {
		for _, v := range s {
			x := float64(v)
			y := b0*x + b1*x1 + b2*x2 - a1*y1 - a2*y2
			z := y - 2*y1 + y2 - c1*z1 - c2*z2
			x2, x1 = x1, x
			y2, y1 = y1, y
			z2, z1 = z1, z
			sum += z * z
		}
	} else {
		wsum := m.wsum
		beta = beta[:len(s)]
		for i, v := range s {
			x := float64(v)
			y := b0*x + b1*x1 + b2*x2 - a1*y1 - a2*y2
			z := y - 2*y1 + y2 - c1*z1 - c2*z2
			x2, x1 = x1, x
			y2, y1 = y1, y
			z2, z1 = z1, z
			sum += z * z
			wsum += beta[i] * z * z
		}
		m.wsum = wsum
	}
	m.x1, m.x2, m.y1, m.y2, m.z1, m.z2 = x1, x2, y1, y2, z1, z2
	m.sum = sum
}

// advance counts k more samples into the current step, closing it when it
// is whole.
func (m *meter) advance(k int) {
	m.fill += k
	if m.fill < m.step {
		return
	}
	m.e = append(m.e, m.sum/float64(m.step))
	m.we = append(m.we, m.wsum/float64(m.step))
	m.fill, m.sum, m.wsum = 0, 0, 0
}

// loudness returns the integrated loudness of what was added (samples
// after the last whole step do not count), and its slope against the gain
// in LU per dB, between 0 and 1.
func (m *meter) loudness() (lufs, slope float64) {
	return gate(m.e, m.we, &m.blocks)
}

// gate returns the gated loudness from the mean squares e of the 100 ms
// steps, with 400 ms blocks of four steps overlapping by three, and its
// slope from their weighted mean squares we. scratch is reused.
func gate(e, we []float64, scratch *[]float64) (lufs, slope float64) {
	if len(e) < 4 {
		return Silence, 0
	}
	nb := len(e) - 3
	if cap(*scratch) < 3*nb {
		*scratch = make([]float64, 3*nb)
	}
	buf := (*scratch)[:3*nb]
	blocks, levels, wb := buf[:nb], buf[nb:2*nb], buf[2*nb:]
	for i := range blocks {
		blocks[i] = (e[i] + e[i+1] + e[i+2] + e[i+3]) / 4
		wb[i] = (we[i] + we[i+1] + we[i+2] + we[i+3]) / 4
		levels[i] = blockLUFS(blocks[i])
	}
	gated := func(threshold float64) (sum, wsum float64, n int) {
		for i, z := range blocks {
			if z > 0 && levels[i] > threshold {
				sum += z
				wsum += wb[i]
				n++
			}
		}
		return sum, wsum, n
	}
	sum, _, n := gated(-70)
	if n == 0 {
		return Silence, 0
	}
	sum, wsum, n := gated(blockLUFS(sum/float64(n)) - 10)
	if n == 0 {
		return Silence, 0
	}
	return blockLUFS(sum / float64(n)), min(max(wsum/sum, 0), 1)
}

// blockLUFS is the loudness of a mean square.
func blockLUFS(z float64) float64 { return -0.691 + 10*math.Log10(z) }
