// Package google narrates with Google Cloud Text-to-Speech
// (POST /v1/text:synthesize), asking for LINEAR16, which comes back as a
// base64 WAV file. Its input limit is 5000 bytes of UTF-8, not characters.
package google

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// Contract constants (cloud.google.com/text-to-speech/docs/reference/rest/v1/text/synthesize,
// cloud.google.com/text-to-speech/quotas).
const (
	Name           = "google"
	KeyEnv         = "GOOGLE_API_KEY"
	TokenEnv       = "GOOGLE_ACCESS_TOKEN"
	ProjectEnv     = "GOOGLE_CLOUD_PROJECT"
	DefaultBaseURL = "https://texttospeech.googleapis.com"
	APIVersion     = "v1"
	// MaxBytes is the documented content limit: total bytes per request.
	MaxBytes = 5000
	// DefaultSampleRate is the LINEAR16 rate asked for.
	DefaultSampleRate = 24000
	// Limits of audioConfig.
	MinRate, MaxRate   = 0.25, 4.0
	MinPitch, MaxPitch = -20.0, 20.0
	DefaultVoice       = "en-US-Neural2-F"
)

// DefaultVoices maps languages to a voice. Neural2 where it is well
// established, Standard elsewhere (cheaper, available in every locale).
var DefaultVoices = map[string]string{
	"en-US":  "en-US-Neural2-F",
	"en-GB":  "en-GB-Neural2-A",
	"pt-BR":  "pt-BR-Neural2-A",
	"pt-PT":  "pt-PT-Standard-A",
	"es-ES":  "es-ES-Neural2-A",
	"es-US":  "es-US-Standard-A",
	"fr-FR":  "fr-FR-Neural2-A",
	"de-DE":  "de-DE-Standard-A",
	"it-IT":  "it-IT-Neural2-A",
	"nl-NL":  "nl-NL-Standard-A",
	"pl-PL":  "pl-PL-Standard-A",
	"ja-JP":  "ja-JP-Standard-A",
	"ko-KR":  "ko-KR-Standard-A",
	"zh-CN":  "cmn-CN-Standard-A",
	"cmn-CN": "cmn-CN-Standard-A",
	"hi-IN":  "hi-IN-Standard-A",
	"ru-RU":  "ru-RU-Standard-A",
	"id-ID":  "id-ID-Standard-A",
	"tr-TR":  "tr-TR-Standard-A",
}

var languageOrder = []string{"en-US", "en-GB", "pt-BR", "pt-PT", "es-ES", "es-US", "fr-FR", "de-DE",
	"it-IT", "nl-NL", "pl-PL", "ja-JP", "ko-KR", "zh-CN", "cmn-CN", "hi-IN", "ru-RU", "id-ID", "tr-TR"}

// DefaultVoiceFor returns the default voice for lang (en-US-Neural2-F
// when the language has no entry).
func DefaultVoiceFor(lang string) string {
	return cloud.PickByLanguage(DefaultVoices, languageOrder, lang, DefaultVoice)
}

// Config configures the provider. One of APIKey and AccessToken is needed;
// the token wins when both are set.
type Config struct {
	APIKey      string // sent as the X-Goog-Api-Key header, never in the URL
	AccessToken string // OAuth bearer token (gcloud auth print-access-token)
	Project     string // x-goog-user-project, for user credentials
	BaseURL     string // default DefaultBaseURL
	Voice       string // used when neither the voice nor the language picks one
	SampleRate  int    // default DefaultSampleRate
	Options     cloud.Options
}

// Provider implements narrate.Provider for Google Cloud TTS.
type Provider struct {
	cfg    Config
	client *cloud.Client
}

var _ narrate.Provider = (*Provider)(nil)

// New returns a provider for cfg. Missing credentials are reported by
// Synthesize.
func New(cfg Config) (*Provider, error) {
	base, err := cloud.BaseURL(Name, cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	cfg.AccessToken = strings.TrimSpace(cfg.AccessToken)
	if cfg.SampleRate == 0 {
		cfg.SampleRate = DefaultSampleRate
	}
	if cfg.SampleRate < 8000 || cfg.SampleRate > 48000 {
		return nil, fault.New(fault.Input, "google: sample rate %d Hz is outside 8000–48000", cfg.SampleRate)
	}
	spec := cloud.Spec{Name: Name, KeyEnv: []string{KeyEnv, TokenEnv}, DecodeError: DecodeError}
	return &Provider{cfg: cfg, client: cloud.NewClient(spec, cfg.Options, cfg.APIKey, cfg.AccessToken)}, nil
}

// FromEnv reads GOOGLE_API_KEY, GOOGLE_ACCESS_TOKEN, GOOGLE_CLOUD_PROJECT,
// TECNO_GOOGLE_BASE_URL and the tuning variables through lookup.
func FromEnv(lookup cloud.LookupFunc, opts cloud.Options) (*Provider, error) {
	opts, err := cloud.OptionsFromEnv(Name, lookup, opts)
	if err != nil {
		return nil, err
	}
	return New(Config{
		APIKey:      lookup.Getenv(KeyEnv),
		AccessToken: lookup.Getenv(TokenEnv),
		Project:     lookup.Getenv(ProjectEnv),
		BaseURL:     lookup.Getenv(cloud.EnvPrefix(Name) + "BASE_URL"),
		Options:     opts,
	})
}

// Name implements narrate.Provider.
func (p *Provider) Name() string { return Name }

// MaxChars implements narrate.Provider. Google's limit is 5000 bytes;
// text that fits in 5000 characters but not in 5000 bytes (accents, CJK)
// is split again by bytes inside Synthesize.
func (p *Provider) MaxChars() int { return MaxBytes }

// CheckCredentials reports missing credentials (for tecno doctor).
func (p *Provider) CheckCredentials() error {
	if p.cfg.APIKey == "" && p.cfg.AccessToken == "" {
		e := cloud.MissingKeyError(Name, KeyEnv)
		e.Msg = "google: neither GOOGLE_API_KEY nor GOOGLE_ACCESS_TOKEN is set"
		e.Hints = append([]string{"export GOOGLE_ACCESS_TOKEN=$(gcloud auth print-access-token)"}, e.Hints...)
		return e
	}
	return nil
}

type resolved struct {
	voice, lang string
	rate, pitch float64
}

func (p *Provider) resolve(v course.Voice, reqLang string) resolved {
	lang := v.Language
	if lang == "" {
		lang = reqLang
	}
	r := resolved{voice: v.Name, rate: v.Rate, pitch: v.Pitch}
	if r.voice == "" {
		if lang == "" && p.cfg.Voice != "" {
			r.voice = p.cfg.Voice
		} else {
			r.voice = DefaultVoiceFor(lang)
		}
	}
	// The language code must match the voice: take it from the name
	// ("cmn-CN" of "cmn-CN-Standard-A").
	r.lang = voiceLocale(r.voice)
	if r.lang == "" {
		r.lang = lang
	}
	if r.rate == 0 {
		r.rate = 1
	}
	r.rate = cloud.Clamp(r.rate, MinRate, MaxRate)
	r.pitch = cloud.Clamp(r.pitch, MinPitch, MaxPitch)
	return r
}

func voiceLocale(voice string) string {
	parts := strings.SplitN(voice, "-", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[0] + "-" + parts[1]
}

// Fingerprint implements narrate.Provider: voice, language, encoding and
// rate, API version and endpoint kind.
func (p *Provider) Fingerprint(_ context.Context, v course.Voice) (string, error) {
	r := p.resolve(v, "")
	return cloud.Fingerprint(Name, map[string]string{
		"api":      APIVersion,
		"voice":    r.voice,
		"lang":     r.lang,
		"format":   fmt.Sprintf("LINEAR16-%d", p.cfg.SampleRate),
		"endpoint": cloud.Endpoint(p.cfg.BaseURL, DefaultBaseURL),
	}), nil
}

// SynthesizeRequest is the JSON body of text:synthesize.
type SynthesizeRequest struct {
	Input struct {
		Text string `json:"text"`
	} `json:"input"`
	Voice struct {
		LanguageCode string `json:"languageCode"`
		Name         string `json:"name,omitempty"`
	} `json:"voice"`
	AudioConfig struct {
		AudioEncoding   string  `json:"audioEncoding"`
		SpeakingRate    float64 `json:"speakingRate"`
		Pitch           float64 `json:"pitch,omitempty"` // some voice types reject pitch
		SampleRateHertz int     `json:"sampleRateHertz"`
	} `json:"audioConfig"`
}

// BuildRequest is the pure request builder for one chunk of at most
// MaxBytes bytes.
func BuildRequest(cfg Config, lang, voice string, rate, pitch float64, text string) (cloud.Request, error) {
	if len(text) > MaxBytes {
		return cloud.Request{}, fmt.Errorf("google: text has %d bytes, the limit is %d", len(text), MaxBytes)
	}
	var body SynthesizeRequest
	body.Input.Text = text
	body.Voice.LanguageCode = lang
	body.Voice.Name = voice
	body.AudioConfig.AudioEncoding = "LINEAR16"
	body.AudioConfig.SpeakingRate = math.Round(rate*100) / 100
	body.AudioConfig.Pitch = math.Round(pitch*100) / 100
	body.AudioConfig.SampleRateHertz = cfg.SampleRate
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return cloud.Request{}, err
	}
	h := http.Header{}
	if cfg.AccessToken != "" {
		h.Set("Authorization", "Bearer "+cfg.AccessToken)
	} else {
		// Documented alternative to ?key=: keeps the key out of URLs,
		// proxy logs and error messages.
		h.Set("X-Goog-Api-Key", cfg.APIKey)
	}
	if cfg.Project != "" {
		h.Set("X-Goog-User-Project", cfg.Project)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Accept", "application/json")
	return cloud.Request{Method: http.MethodPost, URL: cfg.BaseURL + "/" + APIVersion + "/text:synthesize",
		Header: h, Body: buf.Bytes()}, nil
}

// ParseResponse decodes {"audioContent": base64 WAV}.
func ParseResponse(body []byte) (narrate.Audio, error) {
	var r struct {
		AudioContent string `json:"audioContent"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return narrate.Audio{}, fmt.Errorf("JSON: %w", err)
	}
	if r.AudioContent == "" {
		return narrate.Audio{}, fmt.Errorf("no audioContent in the response")
	}
	wav, err := base64.StdEncoding.DecodeString(r.AudioContent)
	if err != nil {
		return narrate.Audio{}, fmt.Errorf("audioContent: %w", err)
	}
	return cloud.DecodeWAV(wav)
}

// DecodeError reads {"error":{"code","message","status"}}.
func DecodeError(_ int, body []byte) cloud.APIError {
	var e struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Status  string `json:"status"`
			Details []struct {
				Reason string `json:"reason"`
			} `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return cloud.APIError{}
	}
	msg := e.Error.Message
	if e.Error.Status != "" {
		msg = e.Error.Status + ": " + msg
	}
	ae := cloud.APIError{Message: msg, Code: e.Error.Status}
	for _, d := range e.Error.Details {
		switch d.Reason {
		case "API_KEY_INVALID", "ACCESS_TOKEN_EXPIRED", "ACCESS_TOKEN_TYPE_UNSUPPORTED":
			// Google answers 400 or 401 to a bad credential; either way it
			// is the user's key to fix, not a request to retry.
			ae.Auth = true
		case "BILLING_DISABLED":
			ae.Quota = true
		}
	}
	return ae
}

// Synthesize implements narrate.Provider. Text is split at sentence
// boundaries into pieces of at most 5000 UTF-8 bytes.
func (p *Provider) Synthesize(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	if p.client.Offline(ctx) {
		return narrate.Result{}, cloud.OfflineError(Name)
	}
	if err := p.CheckCredentials(); err != nil {
		return narrate.Result{}, err
	}
	r := p.resolve(req.Voice, req.Language)
	return p.client.SynthesizeChunks(ctx, req, MaxBytes, cloud.Bytes,
		func(ctx context.Context, text, _, _ string) (narrate.Result, error) {
			hr, err := BuildRequest(p.cfg, r.lang, r.voice, r.rate, r.pitch, text)
			if err != nil {
				return narrate.Result{}, err
			}
			resp, err := p.client.Do(ctx, hr)
			if err != nil {
				return narrate.Result{}, err
			}
			if err := p.client.CheckContentType(resp, "application/json"); err != nil {
				return narrate.Result{}, err
			}
			a, err := ParseResponse(resp.Body)
			if err != nil {
				return narrate.Result{}, p.client.BadResponse("%s", err)
			}
			if err := p.client.CheckAudio(a); err != nil {
				return narrate.Result{}, err
			}
			return narrate.Result{Audio: a}, nil
		})
}

// StaticVoices lists the default voices, one per language.
func StaticVoices() []cloud.Voice {
	out := make([]cloud.Voice, 0, len(languageOrder))
	for _, l := range languageOrder {
		out = append(out, cloud.Voice{ID: DefaultVoices[l], Name: DefaultVoices[l], Language: l, Note: "default for " + l})
	}
	return out
}
