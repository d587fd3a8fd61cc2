package narrate

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wavHeader builds a WAV header by hand, for cases encoders do not write.
func wavHeader(format, channels uint16, rate uint32, bits uint16, dataSize uint32, extra []byte) []byte {
	var b bytes.Buffer
	fmtSize := uint32(16 + len(extra))
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(0xFFFFFFFF))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, fmtSize)
	binary.Write(&b, binary.LittleEndian, format)
	binary.Write(&b, binary.LittleEndian, channels)
	binary.Write(&b, binary.LittleEndian, rate)
	binary.Write(&b, binary.LittleEndian, rate*uint32(channels)*uint32(bits/8))
	binary.Write(&b, binary.LittleEndian, channels*bits/8)
	binary.Write(&b, binary.LittleEndian, bits)
	b.Write(extra)
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, dataSize)
	return b.Bytes()
}

func samplesLE(s ...int16) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, s)
	return b.Bytes()
}

func TestDecodeWAV(t *testing.T) {
	extensiblePCM := append([]byte{22, 0, 16, 0, 4, 0, 0, 0, 1, 0}, ksFormatGUIDTail...)
	extensibleFloat := append([]byte{22, 0, 32, 0, 4, 0, 0, 0, 3, 0}, ksFormatGUIDTail...)
	tests := []struct {
		name      string
		data      []byte
		wantRate  int
		wantLen   int     // samples, -1 to skip
		wantFirst []int16 // leading samples, if checked
		wantErr   string
	}{
		{name: "espeak-ng stdout (data size 0x7FFFF000)", data: readFixture(t, "espeak-stdout.wav"), wantRate: 22050, wantLen: (28974 - 44) / 2},
		{name: "ffmpeg pipe stereo (0xFFFFFFFF, LIST chunk)", data: readFixture(t, "ffmpeg-pipe-stereo.wav"), wantRate: 8000, wantLen: 400},
		{name: "float rejected", data: readFixture(t, "ffmpeg-float.wav"), wantErr: "unsupported format code 0x0003"},
		{name: "8-bit rejected", data: readFixture(t, "ffmpeg-u8.wav"), wantErr: "unsupported sample size 8 bits"},
		{name: "24-bit rejected", data: readFixture(t, "ffmpeg-s24.wav"), wantErr: "unsupported sample size 24 bits"},
		{name: "data size 0 streams to EOF", data: append(wavHeader(1, 1, 16000, 16, 0, nil), samplesLE(1, 2, 3)...), wantRate: 16000, wantLen: 3, wantFirst: []int16{1, 2, 3}},
		{name: "exact size stops at size", data: append(wavHeader(1, 1, 16000, 16, 4, nil), samplesLE(7, 8, 9)...), wantRate: 16000, wantLen: 2, wantFirst: []int16{7, 8}},
		{name: "stereo averages", data: append(wavHeader(1, 2, 8000, 16, 8, nil), samplesLE(100, 300, -32768, -32768)...), wantRate: 8000, wantLen: 2, wantFirst: []int16{200, -32768}},
		{name: "odd trailing byte dropped", data: append(wavHeader(1, 1, 8000, 16, 0xFFFFFFFF, nil), 1, 0, 2), wantRate: 8000, wantLen: 1, wantFirst: []int16{1}},
		{name: "extensible PCM", data: append(wavHeader(0xFFFE, 1, 8000, 16, 2, extensiblePCM), samplesLE(5)...), wantRate: 8000, wantLen: 1, wantFirst: []int16{5}},
		{name: "extensible float rejected", data: append(wavHeader(0xFFFE, 1, 8000, 32, 4, extensibleFloat), 0, 0, 0, 0), wantErr: "unsupported format code 0x0003"},
		{name: "extensible with another GUID", data: append(wavHeader(0xFFFE, 1, 8000, 16, 2, append(extensiblePCM[:10:10], make([]byte, 14)...)), 0, 0), wantErr: "unsupported extensible format"},
		{name: "truncated data", data: append(wavHeader(1, 1, 8000, 16, 100, nil), samplesLE(1)...), wantErr: "truncated"},
		{name: "five channels", data: wavHeader(1, 5, 8000, 16, 0, nil), wantErr: "unsupported channel count 5"},
		{name: "zero rate", data: wavHeader(1, 1, 0, 16, 0, nil), wantErr: "bad sample rate 0"},
		{name: "not RIFF", data: []byte("ID3\x04hello this is an mp3 file"), wantErr: "not a RIFF/WAVE file"},
		{name: "empty", data: nil, wantErr: "reading header"},
		{name: "no data chunk", data: wavHeader(1, 1, 8000, 16, 0, nil)[:36], wantErr: "no data chunk"},
		{name: "data before fmt", data: []byte("RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00"), wantErr: "data chunk before fmt chunk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := DecodeWAV(bytes.NewReader(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Rate != tt.wantRate {
				t.Errorf("rate = %d, want %d", a.Rate, tt.wantRate)
			}
			if tt.wantLen >= 0 && len(a.Samples) != tt.wantLen {
				t.Errorf("len = %d, want %d", len(a.Samples), tt.wantLen)
			}
			if tt.wantFirst != nil && !slices.Equal(a.Samples[:len(tt.wantFirst)], tt.wantFirst) {
				t.Errorf("samples = %v, want %v", a.Samples[:len(tt.wantFirst)], tt.wantFirst)
			}
		})
	}
}

func TestEncodeWAVRoundTrip(t *testing.T) {
	in := Audio{Rate: 24000, Samples: []int16{0, 1, -1, 32767, -32768, 1234}}
	var b bytes.Buffer
	if err := EncodeWAV(&b, in); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 44+2*len(in.Samples) {
		t.Errorf("size = %d", b.Len())
	}
	if got := binary.LittleEndian.Uint32(b.Bytes()[40:44]); got != uint32(2*len(in.Samples)) {
		t.Errorf("data size field = %d", got)
	}
	out, err := DecodeWAV(&b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Rate != in.Rate || !slices.Equal(out.Samples, in.Samples) {
		t.Errorf("round trip: got %+v, want %+v", out, in)
	}
	if err := EncodeWAV(&b, Audio{}); err == nil {
		t.Error("EncodeWAV with rate 0: no error")
	}
}

func TestSpeechBounds(t *testing.T) {
	tone := func(silenceBefore, n, silenceAfter int, amp float64) Audio {
		a := Audio{Rate: 1000}
		a.Samples = make([]int16, silenceBefore)
		for i := range n {
			a.Samples = append(a.Samples, int16(amp*32767*math.Sin(float64(i)*0.7+0.3)))
		}
		a.Samples = append(a.Samples, make([]int16, silenceAfter)...)
		return a
	}
	tests := []struct {
		name         string
		a            Audio
		threshold    float64
		wantS, wantE float64
		tolerance    float64
	}{
		{"tone in the middle", tone(250, 500, 250, 0.5), 0, 0.250, 0.750, 0.003},
		{"all silence", tone(100, 0, 100, 0), 0, 0, 0, 0},
		{"quiet noise below threshold", tone(100, 300, 100, 0.005), 0, 0, 0, 0},
		{"quiet tone above a lower threshold", tone(100, 300, 100, 0.005), 0.001, 0.100, 0.400, 0.003},
		{"starts at once", tone(0, 100, 50, 0.5), 0, 0, 0.100, 0.003},
		{"empty", Audio{Rate: 1000}, 0, 0, 0, 0},
		{"no rate", Audio{Samples: []int16{1000}}, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := SpeechBounds(tt.a, tt.threshold)
			if math.Abs(s-tt.wantS) > tt.tolerance || math.Abs(e-tt.wantE) > tt.tolerance {
				t.Errorf("SpeechBounds = %.4f, %.4f, want %.4f, %.4f", s, e, tt.wantS, tt.wantE)
			}
		})
	}
	t.Run("espeak-ng output", func(t *testing.T) {
		a, err := DecodeWAV(bytes.NewReader(readFixture(t, "espeak-stdout.wav")))
		if err != nil {
			t.Fatal(err)
		}
		s, e := SpeechBounds(a, 0)
		// espeak-ng starts speaking almost at once and leaves a sentence
		// pause of about 0.3 s at the end.
		if s > 0.05 || e < s+0.1 || a.Duration()-e < 0.1 {
			t.Errorf("bounds %.3f..%.3f of %.3fs", s, e, a.Duration())
		}
	})
}

func FuzzDecodeWAV(f *testing.F) {
	for _, name := range []string{"espeak-stdout.wav", "ffmpeg-pipe-stereo.wav", "ffmpeg-float.wav", "ffmpeg-u8.wav", "ffmpeg-s24.wav"} {
		b := readFixture(f, name)
		f.Add(b[:min(len(b), 2000)])
	}
	f.Add(append(wavHeader(1, 2, 8000, 16, 0, nil), samplesLE(1, 2, 3, 4)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeWAV(bytes.NewReader(data))
		if err != nil {
			return
		}
		if a.Rate <= 0 || a.Rate > maxWAVRate {
			t.Fatalf("accepted rate %d", a.Rate)
		}
		if len(a.Samples) > len(data)/2 {
			t.Fatalf("%d samples from %d bytes", len(a.Samples), len(data))
		}
		var b bytes.Buffer
		if err := EncodeWAV(&b, a); err != nil {
			t.Fatal(err)
		}
		back, err := DecodeWAV(&b)
		if err != nil || back.Rate != a.Rate || !slices.Equal(back.Samples, a.Samples) {
			t.Fatalf("re-encoding changed the audio: %v", err)
		}
	})
}
