// Reference copy of the straightforward implementation this package used
// before it was optimised: the tests check the fast code against it bit for
// bit.

package loudness

import "math"

// refBiquad is one second-order IIR section (direct form I).
type refBiquad struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

func (f *refBiquad) step(x float64) float64 {
	y := f.b0*x + f.b1*f.x1 + f.b2*f.x2 - f.a1*f.y1 - f.a2*f.y2
	f.x2, f.x1 = f.x1, x
	f.y2, f.y1 = f.y1, y
	return y
}

// refKWeighting is kWeighting as the reference filter: the coefficients
// were never in question, only how the samples go through them.
func refKWeighting(rate float64) (refBiquad, refBiquad) {
	shelf, hp := kWeighting(rate)
	return refBiquad{b0: shelf.b0, b1: shelf.b1, b2: shelf.b2, a1: shelf.a1, a2: shelf.a2},
		refBiquad{b0: hp.b0, b1: hp.b1, b2: hp.b2, a1: hp.a1, a2: hp.a2}
}

// refSilence is what refIntegrated returns for audio with no gated blocks.
const refSilence = -70.0

// refIntegrated returns the integrated loudness of mono 16-bit samples in
// LUFS, with 400 ms blocks overlapping by 75 %, the -70 LUFS absolute gate
// and the -10 LU relative gate.
func refIntegrated(samples []int16, rate int) float64 {
	if rate <= 0 {
		return refSilence
	}
	shelf, hp := refKWeighting(float64(rate))
	step := rate / 10 // 100 ms: blocks of 4 steps
	if step == 0 || len(samples) < 4*step {
		return refSilence
	}
	var energies []float64 // mean square per 100 ms step
	sum := 0.0
	for i, s := range samples {
		y := hp.step(shelf.step(float64(s) / 32768))
		sum += y * y
		if (i+1)%step == 0 {
			energies = append(energies, sum/float64(step))
			sum = 0
		}
	}
	var blocks []float64
	for i := 0; i+4 <= len(energies); i++ {
		z := (energies[i] + energies[i+1] + energies[i+2] + energies[i+3]) / 4
		blocks = append(blocks, z)
	}
	lufs := func(z float64) float64 { return -0.691 + 10*math.Log10(z) }
	gated := func(threshold float64) (float64, int) {
		sum, n := 0.0, 0
		for _, z := range blocks {
			if z > 0 && lufs(z) > threshold {
				sum += z
				n++
			}
		}
		return sum, n
	}
	sum, n := gated(-70)
	if n == 0 {
		return refSilence
	}
	rel := lufs(sum/float64(n)) - 10
	sum, n = gated(rel)
	if n == 0 {
		return refSilence
	}
	return lufs(sum / float64(n))
}

// refNormalize returns samples brought to target LUFS with no sample above
// ceiling dBFS, and the gain applied. Peaks are held down by a look-ahead
// limiter (a sliding minimum of the required gain, then a moving average no
// wider than the minimum's window, so no sample can exceed the ceiling).
// Limiting lowers loudness a little, so the gain is refined until the
// result is within 0.1 LU of target. refSilence is returned unchanged.
func refNormalize(samples []int16, rate int, target, ceiling float64) ([]int16, float64) {
	l := refIntegrated(samples, rate)
	if l <= refSilence {
		return samples, 0
	}
	gain := target - l
	out := make([]int16, len(samples))
	for iter := 0; iter < 4; iter++ {
		refLimitTo(out, samples, gain, math.Pow(10, ceiling/20), rate)
		got := refIntegrated(out, rate)
		if math.Abs(target-got) < 0.1 {
			break
		}
		gain += target - got
	}
	return out, gain
}

// refLimitTo writes src × gain(dB) into dst, limiting peaks to ceil (linear).
func refLimitTo(dst, src []int16, gainDB, ceil float64, rate int) {
	g := math.Pow(10, gainDB/20)
	n := len(src)
	w := rate / 500 // 2 ms each side
	if w < 1 {
		w = 1
	}
	need := make([]float64, n)
	for i, s := range src {
		a := math.Abs(float64(s)/32768) * g
		need[i] = 1
		if a > ceil {
			need[i] = ceil / a
		}
	}
	env := refSlidingMin(need, w)
	// Moving average of half-width w/2 ≤ w keeps every output at or below
	// the gain each peak needs.
	h := w / 2
	sum := 0.0
	for i := 0; i < n && i <= h; i++ {
		sum += env[i]
	}
	for i := 0; i < n; i++ {
		lo, hi := i-h, i+h
		cnt := min(hi, n-1) - max(lo, 0) + 1
		v := float64(src[i]) * g * (sum / float64(cnt))
		if v > 32767 {
			v = 32767
		} else if v < -32768 {
			v = -32768
		}
		dst[i] = int16(math.Round(v))
		if hi+1 < n {
			sum += env[hi+1]
		}
		if lo >= 0 {
			sum -= env[lo]
		}
	}
}

// refSlidingMin returns, for each i, the minimum of v[i-w..i+w].
func refSlidingMin(v []float64, w int) []float64 {
	n := len(v)
	out := make([]float64, n)
	dq := make([]int, 0, 2*w+2) // indices with increasing values
	next := 0
	for i := 0; i < n; i++ {
		for ; next < n && next <= i+w; next++ {
			for len(dq) > 0 && v[dq[len(dq)-1]] >= v[next] {
				dq = dq[:len(dq)-1]
			}
			dq = append(dq, next)
		}
		for dq[0] < i-w {
			dq = dq[1:]
		}
		out[i] = v[dq[0]]
	}
	return out
}
