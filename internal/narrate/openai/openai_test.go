package openai_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
	"github.com/tecno-video/tecno/internal/narrate/openai"
)

const planted = "sk-PLANTED-KEY-123"

// streamingWAV writes audio the way OpenAI streams wav: RIFF and data
// sizes set to 0xFFFFFFFF.
func streamingWAV(a narrate.Audio) []byte {
	b := cloud.EncodeWAV(a)
	binary.LittleEndian.PutUint32(b[4:], 0xFFFFFFFF)
	binary.LittleEndian.PutUint32(b[40:], 0xFFFFFFFF)
	return b
}

func errorJSON(message, typ string, code any) []byte {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": code}})
	return b
}

// Error bodies as OpenAI documents them ({"error":{message,type,param,code}}).
func documentedError(status int) cloudtest.Canned {
	c := cloudtest.Canned{Status: status, ContentType: "application/json"}
	switch status {
	case 400:
		c.Body = errorJSON("[{'type': 'string_too_long', 'loc': ('body', 'input'), 'msg': 'String should have at most 4096 characters'}]", "invalid_request_error", nil)
	case 401:
		c.Body = errorJSON("Incorrect API key provided: sk-PLANT*****-123. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
	case 403:
		c.Body = errorJSON("Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory")
	case 404:
		c.Body = errorJSON("The model `tts-9` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
	case 429:
		c.Body = errorJSON("Rate limit reached for tts-1 in organization org-x on requests per min (RPM): Limit 50, Used 50, Requested 1.", "requests", "rate_limit_exceeded")
	case 500:
		c.Body = errorJSON("The server had an error while processing your request. Sorry about that!", "server_error", nil)
	default:
		c.Body = errorJSON("Unprocessable request", "invalid_request_error", nil)
	}
	return c
}

func harness(format string) *cloudtest.Harness {
	build := func(key string) func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
		return func(t testing.TB, base string, opts cloud.Options) narrate.Provider {
			t.Helper()
			p, err := openai.New(openai.Config{APIKey: key, BaseURL: base, Format: format,
				Instructions: "Speak like a calm teacher.", Options: opts})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	return &cloudtest.Harness{
		Name:          openai.Name,
		Secrets:       []string{planted},
		New:           build(planted),
		NewWithoutKey: build(""),
		Voice:         course.Voice{Provider: "openai", Name: "coral", Rate: 1.25},
		Method:        http.MethodPost,
		Path:          "/v1/audio/speech",
		Check: func(t testing.TB, r *http.Request, body []byte) string {
			if got := r.Header.Get("Authorization"); got != "Bearer "+planted {
				t.Errorf("Authorization = %q", got)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var req map[string]any
			if err := json.Unmarshal(body, &req); err != nil {
				t.Errorf("body is not JSON: %v", err)
				return ""
			}
			for _, f := range []string{"model", "input", "voice", "response_format", "speed"} {
				if _, ok := req[f]; !ok {
					t.Errorf("body lacks %q: %s", f, body)
				}
			}
			if req["model"] != "gpt-4o-mini-tts" || req["voice"] != "coral" || req["response_format"] != format {
				t.Errorf("model/voice/format = %v/%v/%v", req["model"], req["voice"], req["response_format"])
			}
			if req["speed"] != 1.25 {
				t.Errorf("speed = %v, want 1.25", req["speed"])
			}
			if req["instructions"] != "Speak like a calm teacher." {
				t.Errorf("instructions = %v", req["instructions"])
			}
			in, _ := req["input"].(string)
			if n := cloud.Runes(in); n == 0 || n > openai.MaxInput {
				t.Errorf("input has %d characters", n)
			}
			return in
		},
		Success: func(t testing.TB, w http.ResponseWriter, r *http.Request, text string, a narrate.Audio) {
			if format == "pcm" {
				w.Header().Set("Content-Type", "audio/pcm")
				_, _ = w.Write(cloud.EncodePCM16LE(a.Samples))
				return
			}
			w.Header().Set("Content-Type", "audio/wav")
			_, _ = w.Write(streamingWAV(a))
		},
		Error: documentedError,
		Quota: &cloudtest.Canned{Status: 429, ContentType: "application/json",
			Body: errorJSON("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota")},
		Limit:    openai.MaxInput,
		Measure:  cloud.Runes,
		Sentence: "Caching keeps every finished scene so that a rebuild only redoes what changed.",
		KeyVar:   openai.KeyEnv,
	}
}

func TestConformance(t *testing.T) {
	cloudtest.Run(t, harness("wav"))
}

func TestConformancePCM(t *testing.T) {
	cloudtest.Run(t, harness("pcm"))
}

func TestBuildRequestGolden(t *testing.T) {
	base := openai.Config{APIKey: planted, BaseURL: openai.DefaultBaseURL, Format: "wav", Instructions: "Warm and slow."}
	tests := []struct {
		name         string
		cfg          func(openai.Config) openai.Config
		model, voice string
		speed        float64
		text         string
	}{
		{"default", nil, "gpt-4o-mini-tts", "alloy", 1, `Say "hi" & <wave>.`},
		{"tts-1-drops-instructions", nil, "tts-1", "nova", 0.8, "Olá, mundo."},
		{"pcm", func(c openai.Config) openai.Config { c.Format = "pcm"; return c }, "tts-1-hd", "onyx", 4, "Fast."},
		{"compatible-server-v1-base", func(c openai.Config) openai.Config {
			c.BaseURL = "http://127.0.0.1:8880/v1"
			return c
		}, "kokoro", "af_bella", 1, "Local."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			if tt.cfg != nil {
				cfg = tt.cfg(cfg)
			}
			req, err := openai.BuildRequest(cfg, tt.model, tt.voice, tt.speed, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			got := cloudtest.Describe(req, planted)
			cloudtest.AssertNoSecret(t, planted, "the golden request", string(got))
			cloudtest.Golden(t, "TestBuildRequestGolden_"+tt.name, got)
		})
	}
	if _, err := openai.BuildRequest(base, "tts-1", "alloy", 1, strings.Repeat("a", openai.MaxInput+1)); err == nil {
		t.Error("BuildRequest accepted 4097 characters")
	}
}

func TestDecodeError(t *testing.T) {
	tests := []struct {
		status int
		body   []byte
		want   cloud.APIError
	}{
		{401, documentedError(401).Body, cloud.APIError{Message: "Incorrect API key provided: sk-PLANT*****-123. You can find your API key at https://platform.openai.com/account/api-keys.", Code: "invalid_api_key"}},
		{429, documentedError(429).Body, cloud.APIError{Message: "Rate limit reached for tts-1 in organization org-x on requests per min (RPM): Limit 50, Used 50, Requested 1.", Code: "rate_limit_exceeded"}},
		{429, errorJSON("quota", "insufficient_quota", "insufficient_quota"), cloud.APIError{Message: "quota", Code: "insufficient_quota", Quota: true}},
		{429, errorJSON("spend", "insufficient_quota", "project_spend_limit_exceeded"), cloud.APIError{Message: "spend", Code: "project_spend_limit_exceeded", Quota: true}},
		{500, documentedError(500).Body, cloud.APIError{Message: "The server had an error while processing your request. Sorry about that!"}},
		{502, []byte("<html>bad gateway</html>"), cloud.APIError{}},
	}
	for _, tt := range tests {
		if got := openai.DecodeError(tt.status, tt.body); got != tt.want {
			t.Errorf("DecodeError(%s) = %+v, want %+v", tt.body, got, tt.want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	p, err := openai.New(openai.Config{APIKey: planted, Instructions: "Calm."})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	fp, _ := p.Fingerprint(ctx, course.Voice{})
	want := "openai;api=v1;endpoint=default;format=wav;instructions=" + cloud.Hash("Calm.") + ";model=gpt-4o-mini-tts;voice=alloy"
	if fp != want {
		t.Errorf("Fingerprint = %q, want %q", fp, want)
	}
	fp2, _ := p.Fingerprint(ctx, course.Voice{Name: "nova", Model: "tts-1"})
	if fp2 != "openai;api=v1;endpoint=default;format=wav;instructions=;model=tts-1;voice=nova" {
		t.Errorf("tts-1 fingerprint = %q (instructions do not apply to tts-1)", fp2)
	}
	local, _ := openai.New(openai.Config{APIKey: planted, BaseURL: "http://127.0.0.1:8880/v1"})
	fp3, _ := local.Fingerprint(ctx, course.Voice{})
	if !strings.Contains(fp3, "endpoint=custom-") || strings.Contains(fp3, "127.0.0.1") {
		t.Errorf("custom endpoint fingerprint = %q", fp3)
	}
	for _, f := range []string{fp, fp2, fp3} {
		cloudtest.AssertNoSecret(t, planted, "the fingerprint", f)
	}
}

func TestFromEnv(t *testing.T) {
	env := cloud.MapLookup(map[string]string{
		"OPENAI_API_KEY":            planted,
		"TECNO_OPENAI_BASE_URL":     "http://127.0.0.1:1/",
		"TECNO_OPENAI_MAX_INFLIGHT": "2",
		"TECNO_OPENAI_FORMAT":       "pcm",
	})
	p, err := openai.FromEnv(env, cloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckCredentials(); err != nil {
		t.Errorf("CheckCredentials: %v", err)
	}
	if p.MaxChars() != 4096 || p.Name() != "openai" {
		t.Errorf("MaxChars %d, Name %q", p.MaxChars(), p.Name())
	}
	fp, _ := p.Fingerprint(context.Background(), course.Voice{})
	if !strings.Contains(fp, "format=pcm") || !strings.Contains(fp, "endpoint=custom-") {
		t.Errorf("fingerprint %q does not reflect the environment", fp)
	}
	none, err := openai.FromEnv(cloud.MapLookup(nil), cloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = none.CheckCredentials()
	if fault.KindOf(err) != fault.Provider || !strings.Contains(err.Error(), "OPENAI_API_KEY is not set") {
		t.Errorf("missing key: %v", err)
	}
	if _, err := openai.FromEnv(cloud.MapLookup(map[string]string{"TECNO_OPENAI_BASE_URL": "api.openai.com"}), cloud.Options{}); fault.KindOf(err) != fault.Input {
		t.Errorf("bad base URL: %v", err)
	}
	if _, err := openai.New(openai.Config{Format: "mp3"}); fault.KindOf(err) != fault.Input {
		t.Errorf("mp3 format: %v", err)
	}
}

func TestStaticVoices(t *testing.T) {
	vs := openai.StaticVoices()
	if len(vs) != len(openai.Voices) || vs[0].ID != "alloy" {
		t.Errorf("StaticVoices = %+v", vs)
	}
	if openai.DefaultVoiceFor("pt-BR") != "alloy" {
		t.Error("default voice")
	}
}
