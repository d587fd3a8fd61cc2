package loudness

import "math"

// rng is a small deterministic xorshift64* generator, so the test signals
// never change with the standard library.
type rng uint64

func (r *rng) next() uint64 {
	x := uint64(*r)
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*r = rng(x)
	return x * 2685821657736338717
}

// float returns a uniform number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// between returns a uniform number in [lo, hi).
func (r *rng) between(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// resonator is a two-pole band-pass used to shape a formant.
type resonator struct{ a1, a2, g, y1, y2 float64 }

func newResonator(freq, bw float64, rate int) resonator {
	r := math.Exp(-math.Pi * bw / float64(rate))
	return resonator{a1: 2 * r * math.Cos(2*math.Pi*freq/float64(rate)), a2: -r * r, g: 1 - r}
}

func (f *resonator) step(x float64) float64 {
	y := f.g*x + f.a1*f.y1 + f.a2*f.y2
	f.y2, f.y1 = f.y1, y
	return y
}

// speechLike returns secs seconds of deterministic speech-like sound:
// syllables of a glottal pulse train through three formants, some led by a
// hiss, grouped into words and sentences with pauses between them. Its
// loudness (about -21 LUFS) and sample peak (about -2 dBFS) are close to
// espeak-ng's, so normalizing it to -16 LUFS under a -2 dBFS ceiling makes
// the limiter work on a few per cent of the samples, as it does on real
// narration.
func speechLike(rate int, secs float64, seed uint64) []int16 {
	r := rng(seed | 1)
	n := int(secs * float64(rate))
	out := make([]int16, n)
	fs := float64(rate)
	const level = 14500
	i := 0
	words := 0
	for i < n {
		syllables := 1 + int(r.between(0, 3))
		for s := 0; s < syllables && i < n; s++ {
			amp := level * r.between(0.35, 1)
			if r.float() < 0.4 { // a fricative before the vowel
				m := int(r.between(0.04, 0.1) * fs)
				prev := 0.0
				for k := 0; k < m && i < n; k++ {
					w := r.between(-1, 1)
					env := math.Sin(math.Pi * float64(k) / float64(m))
					out[i] = int16(0.25 * amp * env * (w - prev))
					prev = w
					i++
				}
			}
			m := int(r.between(0.12, 0.28) * fs)
			f0 := r.between(95, 150)
			glide := r.between(-30, 30)
			f1 := newResonator(r.between(350, 800), 90, rate)
			f2 := newResonator(r.between(1000, 2200), 120, rate)
			f3 := newResonator(r.between(2300, 3000), 180, rate)
			phase := 0.0
			for k := 0; k < m && i < n; k++ {
				t := float64(k) / float64(m)
				phase += (f0 + glide*t) / fs
				x := 0.0
				if phase >= 1 {
					phase--
					x = 1
				}
				y := f1.step(x) + 0.6*f2.step(x) + 0.3*f3.step(x)
				env := math.Sin(math.Pi * t)
				out[i] = int16(math.Max(-32768, math.Min(32767, 17*amp*env*y)))
				i++
			}
		}
		words++
		gap := r.between(0.03, 0.12)
		if words%int(r.between(8, 15)) == 0 {
			gap = r.between(0.4, 0.8)
		}
		i += int(gap * fs)
	}
	return out
}

// withClicks adds a full-scale click pair every 50 ms, so the limiter has
// to work across the whole signal.
func withClicks(s []int16, rate int) []int16 {
	out := append([]int16(nil), s...)
	for i := rate / 40; i+1 < len(out); i += rate / 20 {
		out[i], out[i+1] = 32767, -32768
	}
	return out
}

// signal is a named test input at a sample rate.
type signal struct {
	name string
	rate int
	s    []int16
}

// signals returns inputs covering the edge cases of the loudness meter and
// the limiter: speech-like sound with and without clicks, tones, silence,
// empty and very short input, full-scale square waves and noise, and odd
// sample rates where the limiter window is a single sample.
func signals() []signal {
	var out []signal
	for _, rate := range []int{8000, 16000, 22050, 44100, 48000} {
		sp := speechLike(rate, 3, uint64(rate))
		out = append(out,
			signal{"speech", rate, sp},
			signal{"clicks", rate, withClicks(sp, rate)},
		)
	}
	square := make([]int16, 22050*2)
	for i := range square {
		square[i] = 32767
		if i/50%2 == 1 {
			square[i] = -32768
		}
	}
	noise := make([]int16, 48000*2)
	r := rng(99)
	for i := range noise {
		noise[i] = int16(r.next())
	}
	burst := make([]int16, 22050*3) // silence, then a loud tone at the very end
	copy(burst[len(burst)-5000:], sine(440, 0.9, 22050, 1))
	edge := speechLike(22050, 2, 5) // loud samples at both ends
	edge[0], edge[1], edge[len(edge)-1], edge[len(edge)-2] = -32768, 32767, 32767, -32768
	out = append(out,
		signal{"empty", 22050, nil},
		signal{"silence", 22050, make([]int16, 22050)},
		signal{"short", 22050, sine(440, 0.5, 22050, 0.3)},
		signal{"just-400ms", 22050, sine(440, 0.5, 22050, 0.4)},
		signal{"tone", 44100, sine(997, 0.2, 44100, 3)},
		signal{"square", 22050, square},
		signal{"noise", 48000, noise},
		signal{"burst-at-end", 22050, burst},
		signal{"loud-edges", 22050, edge},
		signal{"rate-1000", 1000, speechLike(1000, 5, 3)},               // w = 2, h = 1
		signal{"rate-600", 600, withClicks(speechLike(600, 5, 4), 600)}, // w = 1, h = 0
		signal{"rate-20", 20, sine(3, 0.5, 20, 10)},
		signal{"rate-0", 0, sine(3, 0.5, 20, 10)},
	)
	return out
}
