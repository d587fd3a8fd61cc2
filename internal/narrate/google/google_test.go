package google_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
	"github.com/tecno-video/tecno/internal/narrate/google"
)

const (
	planted      = "sk-PLANTED-KEY-123"
	plantedToken = "ya29.PLANTED-TOKEN-456"
)

func googleError(code int, status, message, reason string) []byte {
	e := map[string]any{"code": code, "message": message, "status": status}
	if reason != "" {
		e["details"] = []map[string]any{{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}}
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}

// Error bodies as documented ({"error":{code,message,status}}).
func documentedError(status int) cloudtest.Canned {
	c := cloudtest.Canned{Status: status, ContentType: "application/json; charset=UTF-8"}
	switch status {
	case 400:
		c.Body = googleError(400, "INVALID_ARGUMENT", "Either `input.text` or `input.ssml` is longer than the limit of 5000 bytes. This limit is different from quotas.", "")
	case 401:
		c.Body = googleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "ACCESS_TOKEN_TYPE_UNSUPPORTED")
	case 403:
		c.Body = googleError(403, "PERMISSION_DENIED", "Cloud Text-to-Speech API has not been used in project 123 before or it is disabled.", "SERVICE_DISABLED")
	case 404:
		c.Body = googleError(404, "NOT_FOUND", "Requested entity was not found.", "")
	case 429:
		c.Body = googleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service 'texttospeech.googleapis.com'.", "RATE_LIMIT_EXCEEDED")
	case 500:
		c.Body = googleError(500, "INTERNAL", "Internal error encountered.", "")
	default:
		c.Body = googleError(status, "FAILED_PRECONDITION", "Precondition failed.", "")
	}
	return c
}

func harness() *cloudtest.Harness {
	build := func(key string) func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
		return func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
			t.Helper()
			p, err := google.New(google.Config{APIKey: key, BaseURL: base, Options: opts})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	return &cloudtest.Harness{
		Name:          google.Name,
		Secrets:       []string{planted},
		New:           build(planted),
		NewWithoutKey: build(""),
		Voice:         course.Voice{Provider: "google", Language: "pt-BR", Rate: 1.1, Pitch: -2},
		Method:        http.MethodPost,
		Path:          "/v1/text:synthesize",
		Check: func(t testing.TB, r *http.Request, body []byte) string {
			if got := r.Header.Get("X-Goog-Api-Key"); got != planted {
				t.Errorf("X-Goog-Api-Key = %q", got)
			}
			if r.URL.RawQuery != "" {
				t.Errorf("query %q: the key must not travel in the URL", r.URL.RawQuery)
			}
			if r.Header.Get("Authorization") != "" {
				t.Errorf("Authorization sent with an API key")
			}
			var req google.SynthesizeRequest
			if err := json.Unmarshal(body, &req); err != nil {
				t.Errorf("body: %v", err)
				return ""
			}
			if req.Voice.LanguageCode != "pt-BR" || req.Voice.Name != "pt-BR-Neural2-A" {
				t.Errorf("voice %+v", req.Voice)
			}
			ac := req.AudioConfig
			if ac.AudioEncoding != "LINEAR16" || ac.SampleRateHertz != 24000 || ac.SpeakingRate != 1.1 || ac.Pitch != -2 {
				t.Errorf("audioConfig %+v", ac)
			}
			if n := len(req.Input.Text); n == 0 || n > google.MaxBytes {
				t.Errorf("input.text has %d bytes", n)
			}
			return req.Input.Text
		},
		Success: func(t testing.TB, w http.ResponseWriter, r *http.Request, text string, a narrate.Audio) {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			b, _ := json.Marshal(map[string]string{"audioContent": base64.StdEncoding.EncodeToString(cloud.EncodeWAV(a))})
			_, _ = w.Write(b)
		},
		Error: documentedError,
		Quota: &cloudtest.Canned{Status: 403, ContentType: "application/json",
			Body: googleError(403, "PERMISSION_DENIED", "This API method requires billing to be enabled.", "BILLING_DISABLED")},
		Limit:   google.MaxBytes,
		Measure: cloud.Bytes,
		// Multi-byte: 5000 bytes are far fewer than 5000 characters.
		Sentence: "A revisão de código é útil: evita regressões e espalha o conhecimento à equipe.",
		KeyVar:   google.KeyEnv,
	}
}

func TestConformance(t *testing.T) {
	cloudtest.Run(t, harness())
}

func TestAccessToken(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+plantedToken {
			t.Errorf("Authorization = %q", got)
		}
		if r.Header.Get("X-Goog-Api-Key") != "" {
			t.Error("API key header sent alongside the token")
		}
		if got := r.Header.Get("X-Goog-User-Project"); got != "my-project" {
			t.Errorf("X-Goog-User-Project = %q", got)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		_, _ = w.Write(googleError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials: "+plantedToken, "ACCESS_TOKEN_EXPIRED"))
	}))
	defer s.Close()
	opts, env := cloudtest.Options(t)
	p, err := google.FromEnv(cloud.MapLookup(map[string]string{
		"GOOGLE_API_KEY": planted, "GOOGLE_ACCESS_TOKEN": plantedToken, "GOOGLE_CLOUD_PROJECT": "my-project",
		"TECNO_GOOGLE_BASE_URL": s.URL,
	}), opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Synthesize(context.Background(), narrate.Request{Text: "Olá.", Language: "pt-BR"})
	if err == nil || !strings.Contains(err.Error(), "google: 401 unauthorized: check GOOGLE_API_KEY and GOOGLE_ACCESS_TOKEN") {
		t.Errorf("error %v", err)
	}
	for _, sec := range []string{planted, plantedToken} {
		cloudtest.AssertNoSecret(t, sec, "the error", cloudtest.ErrorTexts(err)...)
		cloudtest.AssertNoSecret(t, sec, "the log", env.Log.String())
	}
}

func TestInvalidKeyIs400ButNotRetried(t *testing.T) {
	calls := 0
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = w.Write(googleError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID"))
	}))
	defer s.Close()
	opts, _ := cloudtest.Options(t)
	p, _ := google.New(google.Config{APIKey: planted, BaseURL: s.URL, Options: opts})
	_, err := p.Synthesize(context.Background(), narrate.Request{Text: "Hi."})
	if err == nil || !strings.Contains(err.Error(), "check GOOGLE_API_KEY") || calls != 1 {
		t.Errorf("error %v after %d calls", err, calls)
	}
}

// TestByteChunking: text under 5000 characters but over 5000 bytes must
// still be split.
func TestByteChunking(t *testing.T) {
	var sizes []int
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req google.SynthesizeRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		sizes = append(sizes, len(req.Input.Text))
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]string{"audioContent": base64.StdEncoding.EncodeToString(cloud.EncodeWAV(cloudtest.Speech(t, "Chunk.")))})
		_, _ = w.Write(b)
	}))
	defer s.Close()
	opts, _ := cloudtest.Options(t)
	p, _ := google.New(google.Config{APIKey: planted, BaseURL: s.URL, Options: opts})
	text := strings.Repeat("日本語の文章です。", 200) // 1800 characters, 5400 bytes
	if cloud.Runes(text) > p.MaxChars() || len(text) <= google.MaxBytes {
		t.Fatalf("bad fixture: %d characters, %d bytes", cloud.Runes(text), len(text))
	}
	if _, err := p.Synthesize(context.Background(), narrate.Request{Text: text, Language: "ja-JP"}); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 2 {
		t.Errorf("%d requests, want 2", len(sizes))
	}
	for _, n := range sizes {
		if n > google.MaxBytes {
			t.Errorf("request of %d bytes", n)
		}
	}
}

func TestBuildRequestGolden(t *testing.T) {
	tests := []struct {
		name        string
		cfg         google.Config
		lang, voice string
		rate, pitch float64
		text        string
	}{
		{"api-key", google.Config{APIKey: planted, BaseURL: google.DefaultBaseURL, SampleRate: 24000}, "pt-BR", "pt-BR-Neural2-A", 1, 0, `Olá & "bem-vindo" <aula>.`},
		{"token-project", google.Config{AccessToken: plantedToken, Project: "p-1", BaseURL: google.DefaultBaseURL, SampleRate: 24000}, "cmn-CN", "cmn-CN-Standard-A", 0.9, 3.5, "你好。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := google.BuildRequest(tt.cfg, tt.lang, tt.voice, tt.rate, tt.pitch, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			got := cloudtest.Describe(req, planted, plantedToken)
			cloudtest.AssertNoSecret(t, planted, "the golden request", string(got))
			cloudtest.AssertNoSecret(t, plantedToken, "the golden request", string(got))
			cloudtest.Golden(t, "TestBuildRequestGolden_"+tt.name, got)
		})
	}
	if _, err := google.BuildRequest(tests[0].cfg, "en-US", "v", 1, 0, strings.Repeat("é", 2501)); err == nil {
		t.Error("BuildRequest accepted 5002 bytes")
	}
}

func TestParseResponse(t *testing.T) {
	a := cloudtest.Speech(t, "Hello.")
	ok, _ := json.Marshal(map[string]string{"audioContent": base64.StdEncoding.EncodeToString(cloud.EncodeWAV(a))})
	got, err := google.ParseResponse(ok)
	if err != nil || len(got.Samples) != len(a.Samples) || got.Rate != a.Rate {
		t.Errorf("ParseResponse: %v, %d samples at %d Hz", err, len(got.Samples), got.Rate)
	}
	for name, body := range map[string]string{
		"no audio":    `{}`,
		"not base64":  `{"audioContent":"%%%"}`,
		"not a wav":   `{"audioContent":"` + base64.StdEncoding.EncodeToString([]byte("ID3 mp3 data here")) + `"}`,
		"not json":    `<html>`,
		"cut wav":     `{"audioContent":"` + base64.StdEncoding.EncodeToString(cloud.EncodeWAV(a)[:100]) + `"}`,
		"json string": `"audio"`,
	} {
		if _, err := google.ParseResponse([]byte(body)); err == nil {
			t.Errorf("%s: ParseResponse succeeded", name)
		}
	}
}

func TestVoicesAndFingerprint(t *testing.T) {
	for lang, want := range map[string]string{"pt-BR": "pt-BR-Neural2-A", "pt": "pt-BR-Neural2-A", "zh-CN": "cmn-CN-Standard-A", "sw-KE": "en-US-Neural2-F"} {
		if got := google.DefaultVoiceFor(lang); got != want {
			t.Errorf("DefaultVoiceFor(%q) = %q, want %q", lang, got, want)
		}
	}
	p, _ := google.New(google.Config{APIKey: planted, AccessToken: plantedToken})
	fp, _ := p.Fingerprint(context.Background(), course.Voice{Language: "zh-CN"})
	want := "google;api=v1;endpoint=default;format=LINEAR16-24000;lang=cmn-CN;voice=cmn-CN-Standard-A"
	if fp != want {
		t.Errorf("Fingerprint = %q, want %q", fp, want)
	}
	if p.MaxChars() != 5000 {
		t.Errorf("MaxChars = %d", p.MaxChars())
	}
	none, _ := google.New(google.Config{})
	err := none.CheckCredentials()
	if fault.KindOf(err) != fault.Provider || !strings.Contains(err.Error(), "GOOGLE_ACCESS_TOKEN") {
		t.Errorf("missing credentials: %v", err)
	}
	if len(google.StaticVoices()) == 0 {
		t.Error("StaticVoices")
	}
}
