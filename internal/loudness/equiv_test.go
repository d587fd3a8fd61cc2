package loudness

import (
	"fmt"
	"math"
	"testing"
)

// TestMatchesReference checks Integrated and limitTo against the
// straightforward implementation in reference_test.go, bit for bit (see
// fused).
func TestMatchesReference(t *testing.T) {
	for _, sig := range signals() {
		t.Run(fmt.Sprintf("%s/%d", sig.name, sig.rate), func(t *testing.T) {
			t.Parallel()
			sameLoudness(t, "Integrated", Integrated(sig.s, sig.rate), refIntegrated(sig.s, sig.rate))
			if sig.rate <= 0 {
				return
			}
			for _, c := range []struct{ gain, ceiling float64 }{
				{0, 0}, {12, -2}, {40, -2}, {-6, -20}, {20, 6}, {7.3, -0.1}, {3, -200}, {3, 400},
			} {
				got := make([]int16, len(sig.s))
				want := make([]int16, len(sig.s))
				ceil := math.Pow(10, c.ceiling/20)
				limitTo(got, sig.s, c.gain, ceil, sig.rate)
				refLimitTo(want, sig.s, c.gain, ceil, sig.rate)
				sameSamples(t, fmt.Sprintf("limitTo(%v dB, %v dBFS)", c.gain, c.ceiling), got, want)
			}
		})
	}
}

// TestNormalizeAgainstReference checks Normalize's documented properties
// on every test signal, for targets and ceilings both reachable and not,
// and compares it with the reference implementation, which refines the
// gain by fixed-point steps instead of Newton's: the results match to the
// bit when the limiter has nothing to do, else both land on target.
func TestNormalizeAgainstReference(t *testing.T) {
	for _, sig := range signals() {
		t.Run(fmt.Sprintf("%s/%d", sig.name, sig.rate), func(t *testing.T) {
			t.Parallel()
			in := Integrated(sig.s, sig.rate)
			for _, c := range []struct{ target, ceiling float64 }{
				{-16, -2}, {-16, -10}, {-8, -0.5}, {6, 3}, {-30, -40},
			} {
				what := fmt.Sprintf("Normalize(%v, %v)", c.target, c.ceiling)
				out, gain := Normalize(sig.s, sig.rate, c.target, c.ceiling)
				rout, rgain := refNormalize(sig.s, sig.rate, c.target, c.ceiling)
				if len(out) != len(sig.s) {
					t.Fatalf("%s: %d samples out of %d", what, len(out), len(sig.s))
				}
				if in <= Silence {
					if gain != 0 || len(out) > 0 && &out[0] != &sig.s[0] {
						t.Fatalf("%s: silence must pass through unchanged, got gain %v", what, gain)
					}
					continue
				}
				ceil := math.Pow(10, c.ceiling/20)
				// The gain returned is the gain applied.
				want := make([]int16, len(sig.s))
				limitTo(want, sig.s, gain, ceil, sig.rate)
				sameSamples(t, what+" against limitTo at its gain", out, want)
				// No sample above the ceiling (rounding to 16 bits aside).
				for i, v := range out {
					if math.Abs(float64(v)) > ceil*32768+0.5 {
						t.Fatalf("%s: sample %d = %d above the ceiling", what, i, v)
					}
				}
				var lim limiter
				lim.prepare(sig.s, sig.rate, nil, 0)
				if lim.scales(c.target-in, ceil) {
					sameLoudness(t, what+" gain", gain, rgain)
					if !fused() { // else the gains may differ in the last bits
						sameSamples(t, what+" against the reference", out, rout)
					}
				}
				got, rgot := Integrated(out, sig.rate), Integrated(rout, sig.rate)
				switch {
				case math.Abs(rgot-c.target) < 0.1:
					if math.Abs(got-c.target) >= 0.1 {
						t.Errorf("%s: %.3f LUFS (gain %.3f), reference %.3f LUFS (gain %.3f)", what, got, gain, rgot, rgain)
					}
				case got < rgot-0.5 && math.Abs(got-c.target) > math.Abs(rgot-c.target):
					// Out of reach: no farther than the reference.
					t.Errorf("%s: %.3f LUFS (gain %.3f), reference %.3f LUFS (gain %.3f)", what, got, gain, rgot, rgain)
				}
			}
		})
	}
}

// fused reports whether this build fuses x*y+z into one rounding (FMA, as
// GOAMD64=v3 and arm64 builds may). Where it does, the compiler may fuse
// the reference's filter and the meter's differently, and their sums
// differ in the last bits; the tests then allow for that.
func fused() bool { return square(1+0x1p-30, -(1+0x1p-29)) != 0 } // 2⁻⁶⁰ in one rounding

//go:noinline
func square(x, y float64) float64 { return x*x + y }

// sameLoudness checks got against the reference's want: the same bits,
// or within 1e-9 LU where the build fuses.
func sameLoudness(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Float64bits(got) == math.Float64bits(want) || fused() && math.Abs(got-want) < 1e-9 {
		return
	}
	t.Errorf("%s = %v, reference %v", what, got, want)
}

func sameSamples(t *testing.T, what string, got, want []int16) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, reference %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: sample %d = %d, reference %d", what, i, got[i], want[i])
		}
	}
}

// TestLimiterReusesScratch runs one limiter over inputs of different
// lengths, rates and loudness, as Normalize's refinement loop does.
func TestLimiterReusesScratch(t *testing.T) {
	var lim limiter
	for _, sig := range signals() {
		if sig.rate <= 0 {
			continue
		}
		for _, gain := range []float64{15, 2} {
			got := make([]int16, len(sig.s))
			want := make([]int16, len(sig.s))
			lim.prepare(sig.s, sig.rate, nil, 0)
			lim.run(got, gain, math.Pow(10, -3.0/20), nil)
			refLimitTo(want, sig.s, gain, math.Pow(10, -3.0/20), sig.rate)
			sameSamples(t, fmt.Sprintf("%s/%d gain %v", sig.name, sig.rate, gain), got, want)
		}
	}
}

func TestRound16(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		c := v
		if c > 32767 {
			c = 32767
		} else if c < -32768 {
			c = -32768
		}
		if got, want := round16(v), int16(math.Round(c)); got != want {
			t.Fatalf("round16(%v) = %d, want %d", v, got, want)
		}
	}
	for k := -4 * 33000; k <= 4*33000; k++ { // every quarter, halves included
		check(float64(k) / 4)
	}
	for _, v := range []float64{0.49999999999999994, -0.49999999999999994, 0.5, -0.5,
		math.Nextafter(0.5, 1), math.Nextafter(-0.5, -1), 32766.5, -32767.5, -32768.49, 32767.49,
		1e300, -1e300, math.Inf(1), math.Inf(-1), 5e-324, -5e-324} {
		check(v)
	}
	r := rng(3)
	for range 100000 {
		check(r.between(-33000, 33000))
	}
}

func TestThreshold(t *testing.T) {
	for _, c := range []struct{ g, ceil float64 }{
		{1, 1}, {1, 0.5}, {2.5, 0.794}, {0.01, 0.9}, {100, 0.001}, {1, 0}, {1, math.Inf(1)}, {1, math.NaN()},
	} {
		m := int(threshold(c.g, c.ceil))
		loud := func(m int) bool { return math.Abs(float64(-m)/32768)*c.g > c.ceil }
		if m <= 32768 && !loud(m) {
			t.Errorf("threshold(%v, %v) = %d is not above the ceiling", c.g, c.ceil, m)
		}
		if m > 0 && m <= 32769 && loud(m-1) {
			t.Errorf("threshold(%v, %v) = %d but %d is above the ceiling too", c.g, c.ceil, m, m-1)
		}
	}
}

// TestMatchesReferenceRandom checks Integrated and limitTo against the
// reference, bit for bit, on random mixes of silence, noise, tones and
// full-scale samples, at random gains, ceilings and rates.
func TestMatchesReferenceRandom(t *testing.T) {
	r := rng(2024)
	rates := []int{600, 1000, 8000, 11025, 16000, 22050, 44100, 48000}
	for k := range 60 {
		rate := rates[int(r.between(0, float64(len(rates))))]
		s := make([]int16, int(r.between(0, 1.5)*float64(rate)))
		for i := 0; i < len(s); {
			n := min(len(s)-i, int(r.between(1, 0.3*float64(rate))))
			amp := r.between(0, 1.2) * 32767
			switch int(r.between(0, 4)) {
			case 0: // silence
			case 1:
				for j := range n {
					s[i+j] = int16(max(-32768, min(32767, amp*r.between(-1, 1))))
				}
			case 2:
				f := r.between(50, 4000)
				for j := range n {
					s[i+j] = int16(max(-32768, min(32767, amp*math.Sin(2*math.Pi*f*float64(j)/float64(rate)))))
				}
			case 3:
				for j := range n {
					s[i+j] = int16(32767 - int(r.between(0, 2))*65535) // ±full scale
				}
			}
			i += n
		}
		gain, ceiling := r.between(-20, 40), r.between(-30, 3)
		what := fmt.Sprintf("case %d: %d samples at %d Hz, %.2f dB, ceiling %.2f dBFS", k, len(s), rate, gain, ceiling)
		sameLoudness(t, what+": Integrated", Integrated(s, rate), refIntegrated(s, rate))
		got, want := make([]int16, len(s)), make([]int16, len(s))
		ceil := math.Pow(10, ceiling/20)
		limitTo(got, s, gain, ceil, rate)
		refLimitTo(want, s, gain, ceil, rate)
		sameSamples(t, what, got, want)
	}
}

// TestModelAgreesWithMeasurement checks the model's prediction of the
// limited loudness, and of its slope, against measuring the limiter's
// output, at gains around and above the target and at several ceilings:
// within a few thousandths of a LU where the limiter takes little, and
// 0.02 where it holds half the loudness down.
func TestModelAgreesWithMeasurement(t *testing.T) {
	modelled, worst := 0, 0.0
	for _, sig := range signals() {
		var m meter
		if !m.init(sig.rate, len(sig.s)) {
			continue
		}
		m.record(sig.s, sig.rate)
		l, _ := m.loudness()
		md := newModel(&m)
		if l <= Silence || md == nil {
			continue
		}
		modelled++
		var lim limiter
		lim.prepare(sig.s, sig.rate, nil, 0)
		out := make([]int16, len(sig.s))
		for _, c := range []struct{ target, ceiling float64 }{
			{-16, -2}, {-13, -2}, {-10, -2}, {-23, -1}, {-16, -10}, {-8, -0.5},
		} {
			gain, ceil := c.target-l, math.Pow(10, c.ceiling/20)
			got, slope := md.predict(&lim, gain, ceil)
			var mm meter
			mm.init(sig.rate, len(sig.s))
			lim.run(out, gain, ceil, &mm)
			want, wslope := mm.loudness()
			if i := Integrated(out, sig.rate); math.Float64bits(i) != math.Float64bits(want) {
				t.Errorf("%s/%d: measuring while limiting gave %v, Integrated %v", sig.name, sig.rate, want, i)
			}
			worst = max(worst, math.Abs(got-want))
			if math.Abs(got-want) > 0.03 || math.Abs(slope-wslope) > 0.05 {
				t.Errorf("%s/%d at %.2f dB, ceiling %v dBFS: model %.4f LUFS (slope %.3f), measured %.4f (slope %.3f)",
					sig.name, sig.rate, gain, c.ceiling, got, slope, want, wslope)
			}
		}
	}
	if modelled < 10 {
		t.Fatalf("only %d signals had a model", modelled)
	}
	t.Logf("%d signals, worst prediction off by %.4f LU", modelled, worst)
}

// TestNormalizeEdgeCases checks Normalize's documented properties on
// inputs at the edges: nothing to measure, clipping, very quiet or loud
// input, 48 kHz, and targets the ceiling makes unreachable.
func TestNormalizeEdgeCases(t *testing.T) {
	speech48 := speechLike(48000, 10, 11)
	clipped := speechLike(22050, 5, 12)
	for i, v := range clipped {
		clipped[i] = int16(max(-32768, min(32767, 4*int(v))))
	}
	quiet := speechLike(22050, 5, 13)
	for i := range quiet {
		quiet[i] /= 100
	}
	square := make([]int16, 22050*3)
	for i := range square {
		square[i] = 32767
		if i/40%2 == 1 {
			square[i] = -32768
		}
	}
	for _, c := range []struct {
		name             string
		s                []int16
		rate             int
		target, ceiling  float64
		unchanged, reach bool
	}{
		{"empty", nil, 22050, -16, -2, true, false},
		{"silence", make([]int16, 2*22050), 22050, -16, -2, true, false},
		{"shorter than a block", sine(440, 0.5, 22050, 0.3), 22050, -16, -2, true, false},
		{"one sample", []int16{1000}, 48000, -16, -2, true, false},
		{"no rate", speechLike(22050, 2, 1), 0, -16, -2, true, false},
		{"speech at 48 kHz", speech48, 48000, -16, -2, false, true},
		{"clipped speech", clipped, 22050, -16, -2, false, true},
		{"full-scale square", square, 22050, -16, -2, false, true},
		{"quiet speech", quiet, 22050, -16, -2, false, true},
		{"ceiling above full scale", speechLike(22050, 5, 14), 22050, -10, 1, false, true},
		{"out of reach", speechLike(22050, 5, 15), 22050, -6, -12, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, gain := Normalize(c.s, c.rate, c.target, c.ceiling)
			if len(out) != len(c.s) {
				t.Fatalf("%d samples out of %d", len(out), len(c.s))
			}
			if c.unchanged {
				if gain != 0 || len(out) > 0 && &out[0] != &c.s[0] {
					t.Fatalf("want the input back unchanged, got gain %v", gain)
				}
				return
			}
			ceil := math.Pow(10, c.ceiling/20)
			for i, v := range out {
				if math.Abs(float64(v)) > ceil*32768+0.5 {
					t.Fatalf("sample %d = %d above the %v dBFS ceiling", i, v, c.ceiling)
				}
			}
			want := make([]int16, len(c.s))
			limitTo(want, c.s, gain, ceil, c.rate)
			sameSamples(t, "the limiter at the gain returned", out, want)
			got := Integrated(out, c.rate)
			if c.reach && math.Abs(got-c.target) >= 0.1 {
				t.Fatalf("%.3f LUFS (gain %.2f dB), want %v ± 0.1", got, gain, c.target)
			}
			if !c.reach && got > c.target {
				t.Fatalf("%.3f LUFS (gain %.2f dB) above the %v target", got, gain, c.target)
			}
		})
	}
}

// TestLimiterIsSmooth checks that the limiter's gain ramps: on a constant
// signal with one full-scale click it moves by at most 1/(2h+1) of its
// reduction per sample, never rises above the gain asked for, and brings
// the click down to the ceiling.
func TestLimiterIsSmooth(t *testing.T) {
	for _, rate := range []int{22050, 48000} {
		src := make([]int16, rate)
		for i := range src {
			src[i] = 8000
		}
		click := rate / 2
		src[click] = 32767
		gain, ceil := 6.0, math.Pow(10, -2.0/20)
		out := make([]int16, len(src))
		limitTo(out, src, gain, ceil, rate)
		g := math.Pow(10, gain/20)
		if v := float64(out[click]); v > ceil*32768+0.5 || v < ceil*32768-2 {
			t.Fatalf("%d Hz: click at %v, want the ceiling %v", rate, v, ceil*32768)
		}
		h := rate / 500 / 2
		reduction := 1 - ceil/(32767.0/32768*g)
		tol := 1.0 / (8000 * g) // a rounding step
		prev := 1.0
		for i, v := range out {
			if i == click {
				continue
			}
			gi := float64(v) / (8000 * g)
			if gi > 1+tol {
				t.Fatalf("%d Hz: gain %v at sample %d above the gain asked for", rate, gi, i)
			}
			if i > 0 && i != click+1 && math.Abs(gi-prev) > reduction/float64(2*h+1)+2*tol {
				t.Fatalf("%d Hz: gain steps from %v to %v at sample %d", rate, prev, gi, i)
			}
			prev = gi
		}
	}
}
