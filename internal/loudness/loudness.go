// Package loudness measures integrated loudness (ITU-R BS.1770-4, in LUFS)
// and sample peak of mono PCM, so narration can be normalized per scene
// without an extra ffmpeg pass. Normalizing each scene to the same target
// keeps a lesson's integrated loudness on target (gating ignores the pauses)
// while a one-scene edit re-encodes only that scene's audio.
package loudness

import "math"

// Silence is what Integrated returns for audio with no gated blocks.
const Silence = -70.0

// Integrated returns the integrated loudness of mono 16-bit samples in
// LUFS, with 400 ms blocks overlapping by 75 %, the -70 LUFS absolute gate
// and the -10 LU relative gate.
func Integrated(samples []int16, rate int) float64 {
	var m meter
	if !m.init(rate, len(samples)) {
		return Silence
	}
	m.add(samples)
	l, _ := m.loudness()
	return l
}

// Peak returns the sample peak in dBFS (-inf for silence).
func Peak(samples []int16) float64 {
	m := 0
	for _, s := range samples {
		v := int(s)
		if v < 0 {
			v = -v
		}
		if v > m {
			m = v
		}
	}
	return 20 * math.Log10(float64(m)/32768)
}

// Gain returns the gain in dB that brings audio measured at loudness lufs
// to target. Silence gets no gain.
func Gain(lufs, target float64) float64 {
	if lufs <= Silence {
		return 0
	}
	return target - lufs
}

// Normalize returns samples brought to target LUFS with no sample above
// ceiling dBFS, and the gain applied. Peaks are held down by a look-ahead
// limiter (a sliding minimum of the required gain, then a moving average no
// wider than the minimum's window, so no sample can exceed the ceiling).
// Limiting lowers loudness a little, so the gain is refined until the
// result is within 0.1 LU of target (typically 0.02). Silence is returned
// unchanged.
//
// The refinement is Newton's method on a model of the limited loudness
// built from the input's own measurement (see model), which predicts the
// output's loudness within 0.02 LU for a small part of the cost of
// measuring it. The output is measured, and the refinement goes on with
// measurements, only where the model may not hold: a ceiling at or above
// full scale (clipping), an output too quiet for 16-bit rounding to be
// negligible, or a target in a jump of the loudness (a 400 ms block
// crossing a gate as the gain changes).
func Normalize(samples []int16, rate int, target, ceiling float64) ([]int16, float64) {
	var m meter
	if !m.init(rate, len(samples)) {
		return samples, 0
	}
	m.record(samples, rate)
	l, _ := m.loudness()
	if l <= Silence {
		return samples, 0
	}
	ceil := math.Pow(10, ceiling/20)
	var lim limiter
	lim.prepare(samples, rate, m.peaks, m.mb)
	out := make([]int16, len(samples))
	gain := target - l
	if lim.scales(gain, ceil) {
		// The loudness moves with the gain: the target is met without
		// measuring again.
		lim.run(out, gain, ceil, nil)
		return out, gain
	}
	if md := newModel(&m); md != nil && ceil < 1 {
		find := search{target: target, tol: 0.02, enough: 0.07}
		for range maxModelPasses {
			got, slope := md.predict(&lim, gain, ceil)
			next, more := find.next(gain, got, slope)
			if !more {
				break
			}
			gain = next
		}
		gain = find.best
		if find.settled && float64(lim.peak)*math.Pow(10, gain/20) >= 1024 {
			lim.run(out, gain, ceil, nil)
			return out, gain
		}
	}
	// Newton on measurements of what is returned, to within 0.1 LU.
	find := search{target: target, tol: 0.1, enough: 0.1}
	for pass := 1; ; pass++ {
		m.reset()
		lim.run(out, gain, ceil, &m)
		got, slope := m.loudness()
		next, more := find.next(gain, got, slope)
		if !more || pass == maxPasses || got <= Silence {
			break
		}
		gain = next
	}
	if gain != find.best {
		gain = find.best
		lim.run(out, gain, ceil, nil)
	}
	return out, gain
}

// Passes over the zones near the peaks (model) and over the whole sound
// (measured) that Normalize makes at most.
const (
	maxModelPasses = 8
	maxPasses      = 4
)

// search looks for the gain that brings the loudness to target. The
// loudness grows with the gain, at slope LU per dB (at most 1, less the
// more the limiter holds down), but not always smoothly: a 400 ms block
// crossing a gate makes it jump. So search keeps the gains known to fall
// short and to overshoot, takes Newton steps between them and halves the
// gap when a step would leave it, stops at a jump, and remembers the best
// gain tried.
type search struct {
	target, tol float64
	enough      float64 // a miss to settle for on either side of a jump
	lo, hi      float64 // short, over; known when known has bit 1, 2
	flo, fhi    float64 // the loudness there
	known       uint8
	best, miss  float64 // the best gain so far and how far it missed
	tried       bool
	settled     bool // stopped on target, or with the ceiling holding all
}

// next takes the loudness got, and its slope, at gain, and returns the
// gain to try next, or false if gain is within tol of the target, the
// ceiling holds so much down that more gain would hardly help, or the
// target sits in a jump (settled if both sides are within enough).
func (s *search) next(gain, got, slope float64) (float64, bool) {
	miss := s.target - got
	if !s.tried || math.Abs(miss) < math.Abs(s.miss) {
		s.best, s.miss, s.tried = gain, miss, true
	}
	if math.Abs(miss) < s.tol {
		s.settled = true
		return 0, false
	}
	if math.IsNaN(miss) {
		return 0, false
	}
	if miss > 0 {
		if slope < 0.1 {
			s.settled = true
			return 0, false
		}
		if s.known&1 == 0 || gain > s.lo {
			s.lo, s.flo = gain, got
		}
		s.known |= 1
	} else if s.known&2 == 0 || gain < s.hi {
		s.hi, s.fhi = gain, got
		s.known |= 2
	}
	// A floor on the slope keeps a step to at most twice the miss.
	next := gain + miss/max(slope, 0.5)
	if s.known == 3 {
		// Between lo and hi the loudness rises by at most hi-lo (dB):
		// more is a jump.
		if s.fhi-s.flo > s.hi-s.lo+0.03 || s.hi-s.lo < 1e-3 {
			s.settled = s.target-s.flo < s.enough && s.fhi-s.target < s.enough
			return 0, false
		}
		if next <= s.lo || next >= s.hi {
			next = (s.lo + s.hi) / 2
		}
	}
	return next, true
}

// limitTo writes src × gain(dB) into dst, limiting peaks to ceil (linear).
func limitTo(dst, src []int16, gainDB, ceil float64, rate int) {
	var lim limiter
	lim.prepare(src, rate, nil, 0)
	lim.run(dst, gainDB, ceil, nil)
}
