package loudness

import "math"

// limiter is the look-ahead peak limiter behind Normalize and limitTo,
// with its scratch space kept from one run to the next.
//
// It computes exactly, to the bit, what this plain description does, but
// without its two arrays of len(src) float64s and mostly without per-sample
// arithmetic. Per sample, need = ceil/a, where a = (|src|/32768)·g is the
// sample's level after the gain g, if a is above ceil, else 1; env is the
// minimum of need over ±w samples (w: 2 ms); the gain at sample i is g
// times the mean of env over ±h (h = w/2, the window cut at the ends),
// kept as a running sum that adds env[i+h+1] and drops env[i-h] after each
// sample. Every output is round(src × g × sum/count), clipped to int16. A
// mean no wider than the minimum's window keeps every sample at or below
// the gain its own peak needs, and makes the gain move by at most 1/(2h+1)
// of its reduction from one sample to the next, so it never clicks.
//
// Most samples are far below the ceiling: need is 1 for every |src| under
// a threshold, so env is 1 outside the zones within w of a louder sample.
// Env is computed, with a monotonic deque of the loud samples, only inside
// those zones, and kept in a ring for the 2h+1 samples until the running
// sum drops it. Between zones the running sum adds and drops 1.0 at each
// sample, which after at most one step leaves it unchanged, so there every
// output is the sample times one constant factor: a table lookup.
type limiter struct {
	src   []int16
	w, h  int
	peaks []uint16 // max |src| of each block of pb samples
	pb    int
	own   []uint16 // peaks when prepare finds them
	peak  int32    // max |src|

	g, ceil  float64
	thresh   int32     // |src| ≥ thresh needs less than unit gain
	zones    []zone    // where env may be below 1, sorted, disjoint
	ring     []float64 // env of the last 2h+2 samples entered into the sum
	mask     int       // len(ring)-1
	dq       minDeque  // the loud samples' need in the window of the env being made
	nextNeed int       // next sample to consider for dq
	last     int       // last sample whose env was made in a zone
	zp, zl   int       // zone cursors for the samples entered and dropped
	pending  int       // samples made one by one, not yet measured
	beta     []float64 // their β (see meter)
	table    []int32   // round16(s·g) at uint16(s), for |s| ≤ peak, and a flag
	useTable bool
}

// zone is an inclusive range of samples.
type zone struct{ a, b int }

// maxPending bounds the samples made one by one that wait to be measured
// together.
const maxPending = 4096

// prepare readies the limiter for src at rate. peaks holds the largest
// |src| of each block of pb samples, or is nil for prepare to find them.
func (l *limiter) prepare(src []int16, rate int, peaks []uint16, pb int) {
	l.src = src
	l.w = max(rate/500, 1) // 2 ms each side
	l.h = l.w / 2
	if peaks == nil {
		pb = 64
		nb := (len(src) + pb - 1) / pb
		if cap(l.own) < nb {
			l.own = make([]uint16, nb)
		}
		peaks = l.own[:nb]
		peaksOf(peaks, src, pb)
	}
	l.peaks, l.pb = peaks, pb
	l.peak = 0
	for _, p := range peaks {
		l.peak = max(l.peak, int32(p))
	}
	size := 1
	for size < 2*l.h+2 {
		size *= 2
	}
	if len(l.ring) < size {
		l.ring = make([]float64, size)
	}
	l.mask = size - 1
	l.dq.reset(2*l.w + 2)
}

// peaksOf writes the largest |v| of each block of b samples of s into p,
// which has room for them all.
func peaksOf(p []uint16, s []int16, b int) {
	for j := range p[:(len(s)+b-1)/b] {
		blk := s[j*b : min(j*b+b, len(s))]
		var m int32
		for len(blk) >= 4 { // four at a time: independent maxima
			a0, a1, a2, a3 := int32(blk[0]), int32(blk[1]), int32(blk[2]), int32(blk[3])
			a0 = (a0 ^ a0>>31) - a0>>31
			a1 = (a1 ^ a1>>31) - a1>>31
			a2 = (a2 ^ a2>>31) - a2>>31
			a3 = (a3 ^ a3>>31) - a3>>31
			m = max(m, a0, a1, a2, a3)
			blk = blk[4:]
		}
		for _, v := range blk {
			a := int32(v)
			m = max(m, (a^a>>31)-a>>31)
		}
		p[j] = uint16(m)
	}
}

// scales reports whether a gain of gainDB only scales the sound: it
// brings no sample above ceil or to full scale, and the peak stays above
// -30 dBFS, where rounding to 16 bits is far too quiet to change loudness.
func (l *limiter) scales(gainDB, ceil float64) bool {
	g := math.Pow(10, gainDB/20)
	p := float64(l.peak) * g
	return threshold(g, ceil) > l.peak && p < 32767 && p >= 1024
}

// run writes src × gain(dB), with its peaks limited to ceil (linear), into
// dst, and measures it with m if not nil.
func (l *limiter) run(dst []int16, gainDB, ceil float64, m *meter) {
	src := l.src
	n := len(src)
	h := l.h
	l.g, l.ceil = math.Pow(10, gainDB/20), ceil
	l.thresh = threshold(l.g, ceil)
	l.findZones()
	l.dq.clear()
	l.last, l.zp, l.zl, l.pending = -2, 0, 0, 0
	if m != nil && l.beta == nil {
		l.beta = make([]float64, maxPending)
	}
	l.buildTable()

	// The steps of samples -h-1 to -1 only enter env[0..h] into the sum.
	sum, ones := l.slow(-h-1, 0, 0, 0, dst, m)
	for i := 0; i < n; {
		next := n // where a steady run may start
		if i >= h && i+h+1 < n {
			j, retry := l.steadyEnd(i)
			if j > i && (sum+1)-1 == sum {
				// Both env values are 1 and the sum stays as it is.
				l.flush(i, dst, m)
				l.scale(dst[i:j], src[i:j], sum/float64(2*h+1))
				if m != nil {
					m.add(dst[i:j])
				}
				i = j
				continue
			}
			next = retry
			if j > i {
				next = i + 1
			}
		} else if i < h {
			next = h
		}
		next = min(max(next, i+1), n)
		sum, ones = l.slow(i, next, sum, ones, dst, m)
		i = next
	}
	l.flush(n, dst, m)
}

// slow makes samples i0 to i1-1 one by one, each from its gain
// g·sum/count, then moving the running sum on by one sample: entering
// env[i+h+1] and dropping env[i-h]. It keeps ones, the count of env values
// of exactly 1 in the sum: the others are inversely proportional to the
// gain, so the sample grows with the gain as β = ones/sum (see meter).
// Steps before sample 0 only enter env values.
func (l *limiter) slow(i0, i1 int, sum float64, ones int, dst []int16, m *meter) (float64, int) {
	src, n, h, w := l.src, len(l.src), l.h, l.w
	g, ceil, t := l.g, l.ceil, l.thresh
	zones, zp, zl := l.zones, l.zp, l.zl
	ring, rmask := l.ring, l.mask
	dq := &l.dq
	idx, val, dmask, head, tail := dq.idx, dq.val, dq.mask, dq.head, dq.tail
	last, nextNeed := l.last, l.nextNeed
	for i := i0; i < i1; i++ {
		lo, hi := i-h, i+h
		if i >= 0 {
			cnt := min(hi, n-1) - max(lo, 0) + 1
			dst[i] = round16(float64(src[i]) * g * (sum / float64(cnt)))
			if m != nil {
				beta := 0.0
				if ones > 0 {
					beta = float64(ones) / sum
				}
				l.beta[l.pending] = beta
				l.pending++
			}
		}
		if x := hi + 1; x < n { // enter env[x]
			for zp < len(zones) && zones[zp].b < x {
				zp++
			}
			e := 1.0
			if zp < len(zones) && zones[zp].a <= x {
				if x != last+1 {
					head, tail = 0, 0
					nextNeed = max(x-w, 0)
				}
				last = x
				for end := min(x+w, n-1); nextNeed <= end; nextNeed++ {
					v := int32(src[nextNeed])
					if v < t && v > -t {
						// It needs 1: never below the minimum of a
						// window with a loud sample, and the minimum of
						// one without.
						continue
					}
					need := ceil / (float64((v^v>>31)-v>>31) / 32768 * g)
					for tail > head && val[(tail-1)&dmask] >= need {
						tail--
					}
					idx[tail&dmask], val[tail&dmask] = nextNeed, need
					tail++
				}
				for head < tail && idx[head&dmask] < x-w {
					head++
				}
				if head < tail {
					e = val[head&dmask]
				}
				ring[x&rmask] = e
			}
			sum += e
			ones += unit(e)
		}
		if lo >= 0 { // drop env[lo]
			for zl < len(zones) && zones[zl].b < lo {
				zl++
			}
			e := 1.0
			if zl < len(zones) && zones[zl].a <= lo {
				e = ring[lo&rmask]
			}
			sum -= e
			ones -= unit(e)
		}
		if l.pending == maxPending {
			l.flush(i+1, dst, m)
		}
	}
	l.zp, l.zl = zp, zl
	dq.head, dq.tail = head, tail
	l.last, l.nextNeed = last, nextNeed
	return sum, ones
}

// unit returns 1 if e is 1, else 0.
func unit(e float64) int {
	u := 0
	if e == 1 {
		u = 1
	}
	return u
}

// flush hands the samples made one by one before end to m.
func (l *limiter) flush(end int, dst []int16, m *meter) {
	if k := l.pending; k > 0 {
		m.addWeighted(dst[end-k:end], l.beta[:k])
		l.pending = 0
	}
}

// buildTable fills l.table, if src is long enough for that to pay, with
// round16(s·g) for every |s| up to the peak, flagged (bit 16) where s·g is
// within tieMargin of a rounding tie.
func (l *limiter) buildTable() {
	p := int(l.peak)
	l.useTable = len(l.src) >= 8*(2*p+1)
	if !l.useTable {
		return
	}
	if l.table == nil {
		l.table = make([]int32, 1<<16)
	}
	g := l.g
	for s := -p; s <= p; s++ {
		v := float64(s) * g
		e := int32(uint16(round16(v)))
		if f := math.Abs(v - math.Trunc(v)); math.Abs(f-0.5) < tieMargin {
			e |= 1 << 16
		}
		l.table[uint16(s)] = e
	}
}

// tieMargin is how near a rounding tie s·g must be for the table not to
// stand for s·g·r when r is within maxTableRatio of 1, which moves s·g by
// less than 32768·maxTableRatio (plus a rounding of the product). The
// running sum's rounding residue usually leaves r within 1e-14 of 1.
const (
	tieMargin     = 1e-6
	maxTableRatio = 1e-12
)

// scale writes src × g × r into dst, rounded and clipped, as in the plain
// limiter. r is 1 or within a rounding residue of it, so s·g·r rounds as
// s·g does except near a tie: the table gives the latter, and flags the
// former.
func (l *limiter) scale(dst, src []int16, r float64) {
	g := l.g
	if !l.useTable || math.Abs(r-1) > maxTableRatio {
		scaleExact(dst, src, g, r)
		return
	}
	t := l.table[:1<<16]
	for len(src) > 0 {
		c := min(len(src), 256)
		var flags int32
		for k, s := range src[:c] { // no branches
			e := t[uint16(s)]
			dst[k] = int16(e)
			flags |= e
		}
		if flags>>16 != 0 { // a tie in the chunk: compute it all
			scaleExact(dst[:c], src[:c], g, r)
		}
		dst, src = dst[c:], src[c:]
	}
}

// scaleExact writes src × g × r into dst, rounded and clipped.
func scaleExact(dst, src []int16, g, r float64) {
	dst = dst[:len(src)]
	for k, s := range src {
		dst[k] = round16(float64(s) * g * r)
	}
}

// threshold returns the smallest |sample| whose level after the gain,
// (|s|/32768)·g, is above ceil, or 32769 if none is. The level grows with
// |s|, so a binary search finds it.
func threshold(g, ceil float64) int32 {
	loud := func(m int32) bool { return float64(m)/32768*g > ceil }
	lo, hi := int32(0), int32(32769) // loud(hi) is taken as true
	for lo < hi {
		mid := (lo + hi) / 2
		if loud(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// findZones lists the ranges within w of a sample at or above the
// threshold, merging ranges less than 2h+2 apart, so that the samples
// entering and leaving the running sum are never in two different zones.
func (l *limiter) findZones() {
	l.zones = l.zones[:0]
	t := l.thresh
	n := len(l.src)
	for b, p := range l.peaks {
		if int32(p) < t {
			continue
		}
		start := b * l.pb
		for k, s := range l.src[start:min(start+l.pb, n)] {
			if v := int32(s); v < t && v > -t {
				continue
			}
			k += start
			z := zone{max(k-l.w, 0), min(k+l.w, n-1)}
			if last := len(l.zones) - 1; last >= 0 && z.a <= l.zones[last].b+2*l.h+2 {
				l.zones[last].b = z.b
				continue
			}
			l.zones = append(l.zones, z)
		}
	}
}

// steadyEnd returns the end of the run of samples from i on (i ≥ h,
// i+h+1 < n) whose running-sum updates enter and drop env values outside
// every zone, so 1.0 each; if there is none, retry is the first sample
// past the zone in the way, where a run may start.
func (l *limiter) steadyEnd(i int) (end, retry int) {
	lo, hi := i-l.h, i+l.h+1
	for l.zl < len(l.zones) && l.zones[l.zl].b < lo {
		l.zl++
	}
	for l.zp < len(l.zones) && l.zones[l.zp].b < hi {
		l.zp++
	}
	end = len(l.src) - l.h - 1
	retry = len(l.src)
	if l.zl < len(l.zones) {
		z := l.zones[l.zl]
		end = min(end, z.a+l.h)
		if z.a <= lo { // lo is in the zone until i passes z.b+h
			retry = z.b + l.h + 1
		}
	}
	if l.zp < len(l.zones) {
		z := l.zones[l.zp]
		end = min(end, z.a-l.h-1)
		if z.a <= hi && retry == len(l.src) {
			retry = z.b + l.h + 1
		}
	}
	return end, retry
}

// round16 returns v rounded half away from zero (as math.Round does) and
// clipped to int16.
func round16(v float64) int16 {
	if v > 32767 {
		v = 32767
	} else if v < -32768 {
		v = -32768
	}
	// Without branches, which the random fractions would mispredict: the
	// fraction f = v - trunc(v) is exact, and trunc(2f) is 1 for f ≥ 0.5,
	// -1 for f ≤ -0.5, else 0.
	i := int64(v)
	return int16(i + int64(2*(v-float64(i))))
}

// minDeque is a monotonic deque of (index, value) pairs in a ring, for
// sliding minima: values increase from front to back.
type minDeque struct {
	idx        []int
	val        []float64
	mask       int
	head, tail int // the live entries are head..tail-1, modulo the ring
}

// reset empties the deque and makes room for capacity entries.
func (d *minDeque) reset(capacity int) {
	size := 1
	for size < capacity {
		size *= 2
	}
	if len(d.idx) < size {
		d.idx, d.val = make([]int, size), make([]float64, size)
	}
	d.mask = size - 1
	d.clear()
}

func (d *minDeque) clear() { d.head, d.tail = 0, 0 }

// push adds value v at index i, dropping the values behind it that are not
// smaller.
func (d *minDeque) push(i int, v float64) {
	for d.tail > d.head && d.val[(d.tail-1)&d.mask] >= v {
		d.tail--
	}
	d.idx[d.tail&d.mask], d.val[d.tail&d.mask] = i, v
	d.tail++
}

// dropBefore removes the entries at indices below i.
func (d *minDeque) dropBefore(i int) {
	for d.head < d.tail && d.idx[d.head&d.mask] < i {
		d.head++
	}
}

// min returns the smallest value in the deque, which must not be empty.
func (d *minDeque) min() float64 { return d.val[d.head&d.mask] }

// slidingMin returns, for each i, the minimum of v[i-w..i+w]: env, from
// need, in the plain form of the limiter.
func slidingMin(v []float64, w int) []float64 {
	n := len(v)
	out := make([]float64, n)
	var dq minDeque
	dq.reset(2*w + 2) // indices i-w-1..i+w at most
	next := 0
	for i := range out {
		for ; next < n && next <= i+w; next++ {
			dq.push(next, v[next])
		}
		dq.dropBefore(i - w) // v[i] is in the deque or beaten by a later value
		out[i] = dq.min()
	}
	return out
}
