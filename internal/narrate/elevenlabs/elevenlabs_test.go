package elevenlabs_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
	"github.com/tecno-video/tecno/internal/narrate/elevenlabs"
)

const planted = "sk-PLANTED-KEY-123"

// alignmentFor spreads the characters of text over the audio, the way the
// service reports them: consecutive, ordered, within the audio.
func alignmentFor(text string, dur float64) elevenlabs.Alignment {
	var al elevenlabs.Alignment
	step := dur * 0.9 / float64(len([]rune(text)))
	t := dur * 0.05
	for _, c := range []rune(text) {
		al.Characters = append(al.Characters, string(c))
		al.Starts = append(al.Starts, t)
		t += step
		al.Ends = append(al.Ends, t)
	}
	return al
}

func successBody(text string, a narrate.Audio) []byte {
	al := alignmentFor(text, a.Duration())
	b, _ := json.Marshal(elevenlabs.TimestampsResponse{
		AudioBase64:         base64.StdEncoding.EncodeToString(cloud.EncodePCM16LE(a.Samples)),
		Alignment:           &al,
		NormalizedAlignment: &al,
	})
	return b
}

func detailJSON(status, message string) []byte {
	b, _ := json.Marshal(map[string]any{"detail": map[string]string{"status": status, "message": message}})
	return b
}

// Error bodies as documented ({"detail":{"status","message"}}; 422 carries
// a validation list).
func documentedError(status int) cloudtest.Canned {
	c := cloudtest.Canned{Status: status, ContentType: "application/json"}
	switch status {
	case 400:
		c.Body = detailJSON("max_character_limit_exceeded", "This request's text has 627 characters and exceeds the character limit of 333 characters for non signed in accounts.")
	case 401:
		c.Body = detailJSON("invalid_api_key", "Invalid API key")
	case 403:
		c.Body = detailJSON("missing_permissions", "The API key you used is missing the permission text_to_speech to execute this operation.")
	case 404:
		c.Body = detailJSON("voice_not_found", "A voice with voice_id JBFqnCBsd6RMkjVDRZzb was not found.")
	case 422:
		c.Body = []byte(`{"detail":[{"loc":["body","text"],"msg":"field required","type":"value_error.missing"}]}`)
	case 429:
		c.Body = detailJSON("too_many_concurrent_requests", "Too many concurrent requests for your plan.")
	default:
		c.Body = detailJSON("internal_error", "Something went wrong on our side.")
	}
	return c
}

func harness() *cloudtest.Harness {
	build := func(key string) func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
		return func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
			t.Helper()
			p, err := elevenlabs.New(elevenlabs.Config{APIKey: key, BaseURL: base, Options: opts})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	return &cloudtest.Harness{
		Name:          elevenlabs.Name,
		Secrets:       []string{planted},
		New:           build(planted),
		NewWithoutKey: build(""),
		Voice:         course.Voice{Provider: "elevenlabs", Name: "George", Rate: 1.1},
		Method:        http.MethodPost,
		Path:          "/v1/text-to-speech/JBFqnCBsd6RMkjVDRZzb/with-timestamps",
		Check: func(t testing.TB, r *http.Request, body []byte) string {
			if got := r.Header.Get("xi-api-key"); got != planted {
				t.Errorf("xi-api-key = %q", got)
			}
			if got := r.URL.Query().Get("output_format"); got != "pcm_24000" {
				t.Errorf("output_format = %q", got)
			}
			var req elevenlabs.TTSRequest
			if err := json.Unmarshal(body, &req); err != nil {
				t.Errorf("body: %v", err)
				return ""
			}
			if req.ModelID != "eleven_multilingual_v2" {
				t.Errorf("model_id = %q", req.ModelID)
			}
			if req.VoiceSettings == nil || req.VoiceSettings.Speed != 1.1 {
				t.Errorf("voice_settings = %+v, want speed 1.1", req.VoiceSettings)
			}
			if n := cloud.Runes(req.Text); n == 0 || n > 10000 {
				t.Errorf("text has %d characters", n)
			}
			return req.Text
		},
		Success: func(t testing.TB, w http.ResponseWriter, r *http.Request, text string, a narrate.Audio) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(successBody(text, a))
		},
		Error: documentedError,
		Quota: &cloudtest.Canned{Status: 401, ContentType: "application/json",
			Body: detailJSON("quota_exceeded", "This request exceeds your quota of 10000. You have 12 credits remaining, while 627 credits are required for this request.")},
		Limit:    10000,
		Measure:  cloud.Runes,
		Sentence: "Each scene keeps its own narration, so a change to one scene redoes only that scene.",
		Words:    true,
		KeyVar:   elevenlabs.KeyEnv,
	}
}

func TestConformance(t *testing.T) {
	cloudtest.Run(t, harness())
}

// TestChunkContext checks that split text carries its neighbours as
// previous_text and next_text, and the request's own context at the ends.
func TestChunkContext(t *testing.T) {
	var got []elevenlabs.TTSRequest
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req elevenlabs.TTSRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		got = append(got, req)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(successBody(req.Text, cloudtest.Speech(t, "Chunk.")))
	}))
	defer s.Close()
	opts, _ := cloudtest.Options(t)
	opts.MaxInflight = 1
	p, err := elevenlabs.New(elevenlabs.Config{APIKey: planted, BaseURL: s.URL, Model: "eleven_v3", Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	sentence := strings.Repeat("word ", 250) + "end. " // 1255 characters
	text := strings.Repeat(sentence, 5)                // over eleven_v3's 3000
	res, err := p.Synthesize(context.Background(), narrate.Request{
		Text: text, Voice: course.Voice{Model: "eleven_v3"}, PreviousText: "Before.", NextText: "After.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d requests, want 3", len(got))
	}
	if got[0].PreviousText != "Before." || got[2].NextText != "After." {
		t.Errorf("ends carry %q / %q", got[0].PreviousText, got[2].NextText)
	}
	for i := 1; i < len(got); i++ {
		if got[i].PreviousText != got[i-1].Text || got[i-1].NextText != got[i].Text {
			t.Errorf("chunk %d is not stitched to its neighbour", i)
		}
	}
	if len(res.Words) != 5*251 {
		t.Errorf("%d words, want %d", len(res.Words), 5*251)
	}
	if got[0].VoiceSettings != nil {
		t.Errorf("voice_settings sent at normal speed: %+v", got[0].VoiceSettings)
	}
}

func TestParseResponseGolden(t *testing.T) {
	body, err := os.ReadFile("testdata/with_timestamps.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := elevenlabs.ParseResponse(body, 24000)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rate %d, %d samples, %.3f s\n", res.Audio.Rate, len(res.Audio.Samples), res.Audio.Duration())
	for _, w := range res.Words {
		fmt.Fprintf(&b, "%.3f %.3f %s\n", w.Start, w.End, w.Text)
	}
	cloudtest.Golden(t, "TestParseResponseGolden", []byte(b.String()))
}

func TestWords(t *testing.T) {
	al := func(text string, starts, ends []float64) elevenlabs.Alignment {
		return elevenlabs.Alignment{Characters: strings.Split(text, ""), Starts: starts, Ends: ends}
	}
	seq := func(n int) ([]float64, []float64) {
		var s, e []float64
		for i := range n {
			s = append(s, float64(i)*0.1)
			e = append(e, float64(i+1)*0.1)
		}
		return s, e
	}
	s, e := seq(8)
	words, err := elevenlabs.Words(al("Hi,  you", s, e), 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range words {
		got = append(got, fmt.Sprintf("%s %.1f-%.1f", w.Text, w.Start, w.End))
	}
	if strings.Join(got, "|") != "Hi, 0.0-0.3|you 0.5-0.8" {
		t.Errorf("words = %q", got)
	}
	bad := []struct {
		name string
		al   elevenlabs.Alignment
		dur  float64
	}{
		{"length mismatch", elevenlabs.Alignment{Characters: []string{"a", "b"}, Starts: []float64{0}, Ends: []float64{0.1, 0.2}}, 1},
		{"backwards", al("ab", []float64{0.5, 0.1}, []float64{0.6, 0.2}), 1},
		{"end before start", al("ab", []float64{0.1, 0.2}, []float64{0.05, 0.3}), 1},
		{"past the audio", al("ab", []float64{0.1, 0.2}, []float64{0.2, 3}), 1},
	}
	for _, tt := range bad {
		if _, err := elevenlabs.Words(tt.al, tt.dur); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestBuildRequestGolden(t *testing.T) {
	cfg := elevenlabs.Config{APIKey: planted, BaseURL: elevenlabs.DefaultBaseURL, OutputFormat: "pcm_24000"}
	tests := []struct {
		name, model, voice string
		speed              float64
		text, prev, next   string
	}{
		{"default", "eleven_multilingual_v2", "JBFqnCBsd6RMkjVDRZzb", 1, `Olá & "bem-vindo" <aula>.`, "", ""},
		{"stitched-fast", "eleven_flash_v2_5", "EXAVITQu4vr4xnSDxMaL", 1.2, "Middle part.", "First part.", "Last part."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := elevenlabs.BuildRequest(cfg, tt.model, tt.voice, tt.speed, tt.text, tt.prev, tt.next)
			if err != nil {
				t.Fatal(err)
			}
			got := cloudtest.Describe(req, planted)
			cloudtest.AssertNoSecret(t, planted, "the golden request", string(got))
			cloudtest.Golden(t, "TestBuildRequestGolden_"+tt.name, got)
		})
	}
	if _, err := elevenlabs.BuildRequest(cfg, "eleven_v3", "x", 1, strings.Repeat("a", 3001), "", ""); err == nil {
		t.Error("BuildRequest accepted text over the model limit")
	}
}

func TestDecodeError(t *testing.T) {
	tests := []struct {
		body []byte
		want cloud.APIError
	}{
		{documentedError(401).Body, cloud.APIError{Message: "invalid_api_key: Invalid API key", Code: "invalid_api_key"}},
		{detailJSON("quota_exceeded", "out"), cloud.APIError{Message: "quota_exceeded: out", Code: "quota_exceeded", Quota: true}},
		{documentedError(422).Body, cloud.APIError{Message: "field required"}},
		{[]byte(`{"detail":"Not Found"}`), cloud.APIError{Message: "Not Found"}},
		{[]byte(`oops`), cloud.APIError{}},
	}
	for _, tt := range tests {
		if got := elevenlabs.DecodeError(400, tt.body); got != tt.want {
			t.Errorf("DecodeError(%s) = %+v, want %+v", tt.body, got, tt.want)
		}
	}
}

func TestResolveVoiceAndLimits(t *testing.T) {
	for name, want := range map[string]string{"george": "JBFqnCBsd6RMkjVDRZzb", "Sarah": "EXAVITQu4vr4xnSDxMaL", "pNInz6obpgDQGcFmaJgB": "pNInz6obpgDQGcFmaJgB"} {
		if got, err := elevenlabs.ResolveVoice(name); err != nil || got != want {
			t.Errorf("ResolveVoice(%q) = %q, %v", name, got, err)
		}
	}
	if _, err := elevenlabs.ResolveVoice("Nobody Here"); fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), "George") {
		t.Errorf("unknown voice: %v", err)
	}
	p, _ := elevenlabs.New(elevenlabs.Config{Model: "eleven_flash_v2_5"})
	if p.MaxChars() != 40000 {
		t.Errorf("flash v2.5 MaxChars = %d", p.MaxChars())
	}
	p, _ = elevenlabs.New(elevenlabs.Config{})
	if p.MaxChars() != 10000 {
		t.Errorf("multilingual v2 MaxChars = %d", p.MaxChars())
	}
	if _, err := elevenlabs.New(elevenlabs.Config{OutputFormat: "mp3_44100_128"}); fault.KindOf(err) != fault.Input {
		t.Errorf("mp3 format accepted: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	p, _ := elevenlabs.New(elevenlabs.Config{APIKey: planted})
	fp, err := p.Fingerprint(context.Background(), course.Voice{Name: "Sarah", Rate: 1.1})
	if err != nil {
		t.Fatal(err)
	}
	want := "elevenlabs;api=v1;endpoint=default;format=pcm_24000;model=eleven_multilingual_v2;voice=EXAVITQu4vr4xnSDxMaL"
	if fp != want {
		t.Errorf("Fingerprint = %q, want %q", fp, want)
	}
	cloudtest.AssertNoSecret(t, planted, "the fingerprint", fp)
	if _, err := p.Fingerprint(context.Background(), course.Voice{Name: "no such voice"}); err == nil {
		t.Error("Fingerprint of an unknown voice succeeded")
	}
}

func TestListVoices(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v1/voices" || r.Header.Get("xi-api-key") != planted {
			t.Errorf("request %s %s key %q", r.Method, r.URL.Path, r.Header.Get("xi-api-key"))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"voices":[{"voice_id":"JBFqnCBsd6RMkjVDRZzb","name":"George","category":"premade","labels":{"gender":"male","accent":"british"}},{"voice_id":"abcdefghijklmnopqrst","name":"My clone","category":"cloned","labels":{}}]}`)
	}))
	defer s.Close()
	opts, env := cloudtest.Options(t)
	p, _ := elevenlabs.New(elevenlabs.Config{APIKey: planted, BaseURL: s.URL, Options: opts})
	vs, err := p.ListVoices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Name != "George" || vs[0].Gender != "male" || vs[1].Note != "cloned" {
		t.Errorf("voices = %+v", vs)
	}
	cloudtest.AssertNoSecret(t, planted, "the log", env.Log.String())
	if len(elevenlabs.StaticVoices()) != len(elevenlabs.PremadeVoices) {
		t.Error("StaticVoices")
	}
}
