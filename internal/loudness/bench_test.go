package loudness

import (
	"fmt"
	"testing"
)

// BenchmarkNormalize normalizes 33 s of speech-like sound, and the same
// with full-scale clicks every 50 ms, at 22050 and 48000 Hz.
func BenchmarkNormalize(b *testing.B) { benchmarkNormalize(b, Normalize) }

// BenchmarkNormalizeReference does the same with the plain implementation
// in reference_test.go, for a comparison on the same machine and load.
func BenchmarkNormalizeReference(b *testing.B) { benchmarkNormalize(b, refNormalize) }

func benchmarkNormalize(b *testing.B, normalize func([]int16, int, float64, float64) ([]int16, float64)) {
	for _, rate := range []int{22050, 48000} {
		speech := speechLike(rate, 33, 7)
		for _, c := range []struct {
			name string
			s    []int16
		}{
			{"speech", speech},
			{"clicks", withClicks(speech, rate)},
		} {
			b.Run(fmt.Sprintf("%s/%d", c.name, rate), func(b *testing.B) {
				b.SetBytes(int64(2 * len(c.s)))
				b.ReportAllocs()
				for b.Loop() {
					normalize(c.s, rate, -16, -2)
				}
			})
		}
	}
}
