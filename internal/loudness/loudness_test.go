package loudness

import (
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/tecno-video/tecno/internal/testtool"
)

func sine(freq, amp float64, rate int, secs float64) []int16 {
	n := int(secs * float64(rate))
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return out
}

// BS.1770 defines a 997 Hz full-scale sine in one channel as -3.01 LUFS.
func TestFullScaleSineReference(t *testing.T) {
	for _, rate := range []int{22050, 44100, 48000} {
		got := Integrated(sine(997, 1, rate, 5), rate)
		if math.Abs(got-(-3.01)) > 0.1 {
			t.Errorf("rate %d: %.2f LUFS, want -3.01", rate, got)
		}
	}
}

func TestGatingIgnoresSilence(t *testing.T) {
	tone := sine(997, 0.1, 48000, 3)
	withPauses := append(append(make([]int16, 48000*5), tone...), make([]int16, 48000*5)...)
	a, b := Integrated(tone, 48000), Integrated(withPauses, 48000)
	if math.Abs(a-b) > 0.6 { // blocks straddling the edges count a little
		t.Fatalf("pauses changed loudness: %.2f vs %.2f", a, b)
	}
	if Integrated(make([]int16, 48000), 48000) != Silence {
		t.Fatal("silence should measure as Silence")
	}
	if Gain(Silence, -16) != 0 {
		t.Fatal("silence must get no gain")
	}
}

// TestAgreesWithFFmpeg compares with ffmpeg's ebur128 on real speech.
func TestAgreesWithFFmpeg(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	espeak := testtool.Require(t, "espeak-ng")
	dir := t.TempDir()
	wav := dir + "/s.wav"
	if out, err := exec.Command(espeak, "-v", "en-us", "-w", wav, "This sentence is spoken to measure its loudness against ffmpeg, twice over. This sentence is spoken to measure its loudness.").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	out, err := exec.Command("ffmpeg", "-nostats", "-i", wav, "-af", "ebur128", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	m := regexp.MustCompile(`I:\s+(-?[0-9.]+) LUFS`).FindAllStringSubmatch(string(out), -1)
	if m == nil {
		t.Fatalf("no ebur128 summary in %s", out)
	}
	want, _ := strconv.ParseFloat(m[len(m)-1][1], 64)
	pcm, err := exec.Command("ffmpeg", "-v", "error", "-i", wav, "-f", "s16le", "-ac", "1", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	samples := make([]int16, len(pcm)/2)
	for i := range samples {
		samples[i] = int16(uint16(pcm[2*i]) | uint16(pcm[2*i+1])<<8)
	}
	got := Integrated(samples, 22050)
	if math.Abs(got-want) > 0.3 {
		t.Fatalf("Integrated = %.2f LUFS, ffmpeg ebur128 says %.2f", got, want)
	}
}

func BenchmarkIntegrated(b *testing.B) {
	s := sine(440, 0.3, 22050, 30)
	b.SetBytes(int64(len(s) * 2))
	for i := 0; i < b.N; i++ {
		Integrated(s, 22050)
	}
}

func TestNormalizeHitsTargetUnderCeiling(t *testing.T) {
	// A quiet tone with sharp clicks: the clicks force the limiter to work.
	s := sine(300, 0.05, 22050, 4)
	for i := 1000; i < len(s); i += 5000 {
		s[i] = 30000
		s[i+1] = -30000
	}
	out, gain := Normalize(s, 22050, -16, -2)
	if got := Integrated(out, 22050); math.Abs(got-(-16)) > 0.2 {
		t.Fatalf("normalized to %.2f LUFS, want -16", got)
	}
	if p := Peak(out); p > -2+0.01 {
		t.Fatalf("peak %.2f dBFS above the -2 ceiling", p)
	}
	if gain <= 0 {
		t.Fatalf("gain %.2f: a quiet input needs positive gain", gain)
	}
	silent := make([]int16, 22050)
	if o, g := Normalize(silent, 22050, -16, -2); g != 0 || &o[0] != &silent[0] {
		t.Fatal("silence must pass through unchanged")
	}
}

func TestSlidingMin(t *testing.T) {
	v := []float64{5, 3, 8, 1, 9, 9, 9, 2}
	got := slidingMin(v, 1)
	want := []float64{3, 3, 1, 1, 1, 9, 2, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("slidingMin = %v, want %v", got, want)
		}
	}
}
