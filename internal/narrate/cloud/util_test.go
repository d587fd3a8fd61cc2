package cloud_test

import (
	"encoding/binary"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
)

func TestRedact(t *testing.T) {
	key := "sk-PLANTED/KEY+123=="
	tests := []struct{ name, in string }{
		{"raw", "bad key " + key + " given"},
		{"query escaped", "https://x/?key=sk-PLANTED%2FKEY%2B123%3D%3D"},
		{"path escaped", "https://x/sk-PLANTED%2FKEY+123==/v1"},
		{"json", `{"k":"sk-PLANTED\/KEY+123=="}`},
		{"basic auth", "Basic c2stUExBTlRFRC9LRVkrMTIzPT0="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cloud.Redact(tt.in, key)
			if strings.Contains(got, key) || strings.Contains(got, "PLANTED") {
				t.Errorf("Redact(%q) = %q", tt.in, got)
			}
			if !strings.Contains(got, cloud.Redacted) {
				t.Errorf("Redact(%q) = %q, want a %s marker", tt.in, got, cloud.Redacted)
			}
		})
	}
	if got := cloud.Redact("nothing here", "", "  "); got != "nothing here" {
		t.Errorf("empty secrets changed the text: %q", got)
	}
	// Longer secrets containing shorter ones are replaced whole.
	if got := cloud.Redact("ab-abcdef", "abcdef", "ab-abcdef"); got != cloud.Redacted {
		t.Errorf("got %q", got)
	}
}

func TestRedactURL(t *testing.T) {
	r := cloud.NewRedactor("tok123")
	got := r.RedactURL("https://user:pw@host/v1/x?key=AIzaSECRET&alt=json&token=abc&other=tok123")
	for _, leak := range []string{"pw@", "AIzaSECRET", "token=abc", "tok123"} {
		if strings.Contains(got, leak) {
			t.Errorf("RedactURL leaked %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, "alt=json") || !strings.Contains(got, "host/v1/x") {
		t.Errorf("RedactURL dropped harmless parts: %s", got)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{}, 0, false},
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond, true},
		{http.Header{"Retry-After-Ms": {"250"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After": {"Sat, 28 Nov 2026 12:01:00 GMT"}}, time.Minute, true},
		{http.Header{"Retry-After": {"Sat, 28 Nov 2026 11:00:00 GMT"}}, 0, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{"Retry-After": {"-3"}}, 0, false},
	}
	for _, tt := range tests {
		got, ok := cloud.RetryAfter(tt.h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%v) = %v, %v; want %v, %v", tt.h, got, ok, tt.want, tt.ok)
		}
	}
}

func sine(rate, n int) narrate.Audio {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
	}
	return narrate.Audio{Rate: rate, Samples: s}
}

func TestDecodeWAV(t *testing.T) {
	a := sine(24000, 2400)
	good := cloud.EncodeWAV(a)

	streaming := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(streaming[4:], 0xFFFFFFFF)
	binary.LittleEndian.PutUint32(streaming[40:], 0xFFFFFFFF)

	stereo := stereoWAV(a)

	extensible := extensibleWAV(a)

	withList := append([]byte(nil), good[:36]...)
	withList = append(withList, "LIST"...)
	withList = binary.LittleEndian.AppendUint32(withList, 4)
	withList = append(withList, "INFO"...)
	withList = append(withList, good[36:]...)

	tests := []struct {
		name    string
		in      []byte
		samples int
		err     error
	}{
		{"plain", good, 2400, nil},
		{"streaming sizes", streaming, 2400, nil},
		{"stereo mixed down", stereo, 2400, nil},
		{"extensible", extensible, 2400, nil},
		{"list chunk before data", withList, 2400, nil},
		{"truncated data", good[:len(good)-100], 0, cloud.ErrTruncated},
		{"streaming odd bytes", streaming[:len(streaming)-1], 0, cloud.ErrTruncated},
		{"no data chunk", good[:36], 0, cloud.ErrTruncated},
		{"header only", good[:20], 0, cloud.ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cloud.DecodeWAV(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Rate != 24000 || len(got.Samples) != tt.samples {
				t.Fatalf("got %d Hz, %d samples", got.Rate, len(got.Samples))
			}
			for i := range got.Samples {
				if d := int(got.Samples[i]) - int(a.Samples[i]); d > 1 || d < -1 {
					t.Fatalf("sample %d is %d, want %d", i, got.Samples[i], a.Samples[i])
				}
			}
		})
	}
	for _, bad := range [][]byte{nil, []byte("RIFF"), []byte("ID3\x03 not a wav at all"), floatWAV()} {
		if _, err := cloud.DecodeWAV(bad); err == nil {
			t.Errorf("DecodeWAV(%q) succeeded", bad)
		}
	}
}

func stereoWAV(a narrate.Audio) []byte {
	b := cloud.EncodeWAV(narrate.Audio{Rate: a.Rate, Samples: make([]int16, 2*len(a.Samples))})
	binary.LittleEndian.PutUint16(b[22:], 2)
	binary.LittleEndian.PutUint16(b[32:], 4)
	for i, v := range a.Samples {
		binary.LittleEndian.PutUint16(b[44+4*i:], uint16(v))
		binary.LittleEndian.PutUint16(b[46+4*i:], uint16(v))
	}
	return b
}

func extensibleWAV(a narrate.Audio) []byte {
	plain := cloud.EncodeWAV(a)
	fmtChunk := make([]byte, 40)
	copy(fmtChunk, plain[20:36])
	binary.LittleEndian.PutUint16(fmtChunk[0:], 0xFFFE)
	binary.LittleEndian.PutUint16(fmtChunk[16:], 22)
	binary.LittleEndian.PutUint16(fmtChunk[24:], 1) // KSDATAFORMAT_SUBTYPE_PCM starts with 1
	var b []byte
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+40+8+2*len(a.Samples)))
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, 40)
	b = append(b, fmtChunk...)
	b = append(b, plain[36:]...)
	return b
}

func floatWAV() []byte {
	b := cloud.EncodeWAV(sine(24000, 10))
	binary.LittleEndian.PutUint16(b[20:], 3)
	return b
}

func TestDecodePCM16LE(t *testing.T) {
	a := sine(24000, 100)
	got, err := cloud.DecodePCM16LE(cloud.EncodePCM16LE(a.Samples), 24000)
	if err != nil || len(got.Samples) != 100 || got.Samples[7] != a.Samples[7] {
		t.Errorf("round trip: %v, %d samples", err, len(got.Samples))
	}
	if _, err := cloud.DecodePCM16LE([]byte{1, 2, 3}, 24000); !errors.Is(err, cloud.ErrTruncated) {
		t.Errorf("odd bytes: %v", err)
	}
}

func TestSilent(t *testing.T) {
	if !cloud.Silent(make([]int16, 100)) || !cloud.Silent([]int16{3, -20, 31}) {
		t.Error("near-zero samples should be silent")
	}
	if cloud.Silent([]int16{0, 0, -500}) {
		t.Error("a -36 dBFS sample is not silence")
	}
}

func TestJoin(t *testing.T) {
	a := narrate.Result{Audio: sine(1000, 1000), Words: []narrate.Timing{{Text: "one", Start: 0.1, End: 0.5}}}
	b := narrate.Result{Audio: sine(1000, 500), Words: []narrate.Timing{{Text: "two", Start: 0, End: 0.4}}}
	got, err := cloud.Join([]narrate.Result{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Audio.Samples) != 1500 || got.Words[1].Start != 1.0 || got.Words[1].End != 1.4 {
		t.Errorf("got %d samples, words %+v", len(got.Audio.Samples), got.Words)
	}
	if _, err := cloud.Join([]narrate.Result{a, {Audio: sine(2000, 10)}}); err == nil {
		t.Error("joining different rates succeeded")
	}
}

func TestEstimateCost(t *testing.T) {
	tests := []struct {
		provider, model string
		chars           int
		want            float64
		note            string
	}{
		{"openai", "tts-1", 1_000_000, 15, "tts-1 list price"},
		{"openai", "tts-1-hd", 2000, 0.06, "tts-1-hd"},
		{"openai", "gpt-4o-mini-tts", 900, 0.015, "$0.015/min"},
		{"elevenlabs", "eleven_multilingual_v2", 1000, 0.10, "Multilingual"},
		{"elevenlabs", "eleven_flash_v2_5", 1000, 0.05, "Flash"},
		{"azure", "", 1_000_000, 15, "neural"},
		{"google", "pt-BR-Standard-A", 1_000_000, 4, "Standard"},
		{"google", "en-US-Neural2-F", 500_000, 8, "Neural2"},
		{"espeak-ng", "", 1_000_000, 0, "local"},
	}
	for _, tt := range tests {
		usd, note := cloud.EstimateCost(tt.provider, tt.chars, tt.model)
		if math.Abs(usd-tt.want) > 0.001 || !strings.Contains(note, tt.note) {
			t.Errorf("EstimateCost(%s, %d, %s) = %.4f, %q; want %.4f, %q", tt.provider, tt.chars, tt.model, usd, note, tt.want, tt.note)
		}
		if tt.provider != "espeak-ng" && !strings.Contains(note, "estimate") {
			t.Errorf("note %q does not say it is an estimate", note)
		}
	}
}

func TestFingerprintHelpers(t *testing.T) {
	fp := cloud.Fingerprint("p", map[string]string{"voice": "v", "api": "v1", "model": ""})
	if fp != "p;api=v1;model=;voice=v" {
		t.Errorf("Fingerprint = %q", fp)
	}
	if got := cloud.Endpoint("", "https://api.x"); got != "default" {
		t.Errorf("empty base: %q", got)
	}
	if got := cloud.Endpoint("https://API.x/", "https://api.x"); got != "default" {
		t.Errorf("same base: %q", got)
	}
	a := cloud.Endpoint("http://user:"+planted+"@127.0.0.1:8880/v1?token="+planted, "https://api.x")
	b := cloud.Endpoint("http://127.0.0.1:8880/v1", "https://api.x")
	if a != b || !strings.HasPrefix(a, "custom-") {
		t.Errorf("credentials changed the endpoint id: %q vs %q", a, b)
	}
	cloudtest.AssertNoSecret(t, planted, "the endpoint id", a)
}

func TestPickByLanguage(t *testing.T) {
	table := map[string]string{"pt-BR": "br", "pt-PT": "pt", "en-US": "us"}
	order := []string{"en-US", "pt-BR", "pt-PT"}
	for lang, want := range map[string]string{"pt-BR": "br", "pt_pt": "pt", "pt": "br", "pt-AO": "br", "de-DE": "def", "": "def", "EN-us": "us"} {
		if got := cloud.PickByLanguage(table, order, lang, "def"); got != want {
			t.Errorf("PickByLanguage(%q) = %q, want %q", lang, got, want)
		}
	}
}
