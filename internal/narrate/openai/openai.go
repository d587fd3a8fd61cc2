// Package openai narrates with OpenAI's speech endpoint
// (POST /v1/audio/speech), or any server that speaks the same protocol
// (TECNO_OPENAI_BASE_URL). It asks for WAV (or raw 24 kHz PCM) so that no
// compressed audio has to be decoded. OpenAI reports no word timings.
package openai

import (
	"bytes"
	"context"
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

// Contract constants (platform.openai.com/docs/api-reference/audio/createSpeech).
const (
	Name           = "openai"
	KeyEnv         = "OPENAI_API_KEY"
	DefaultBaseURL = "https://api.openai.com"
	APIVersion     = "v1"
	DefaultModel   = "gpt-4o-mini-tts"
	DefaultVoice   = "alloy"
	// MaxInput is the documented limit of the input field, in characters.
	MaxInput = 4096
	// PCMRate is the sample rate of response_format "pcm" (raw 16-bit
	// little-endian mono).
	PCMRate = 24000
	// Speed limits.
	MinSpeed, MaxSpeed = 0.25, 4.0
)

// Voices are the built-in voices (tts-1 and tts-1-hd lack ballad and
// verse; newer models may add more, which pass through unchecked).
var Voices = []string{"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse"}

// Config configures the provider. Zero fields take defaults.
type Config struct {
	APIKey  string
	BaseURL string // default DefaultBaseURL; may end in /v1
	Model   string // used when the voice names no model
	Voice   string // used when the voice names none
	// Format is the response_format: "wav" (default) or "pcm".
	Format string
	// Instructions steer delivery on models that take them (not tts-1
	// or tts-1-hd). They are part of the fingerprint.
	Instructions string
	Options      cloud.Options
}

// Provider implements narrate.Provider for OpenAI.
type Provider struct {
	cfg    Config
	client *cloud.Client
}

var _ narrate.Provider = (*Provider)(nil)

// New returns a provider for cfg. A missing key is reported by Synthesize
// (and CheckCredentials), not here, so that listing voices and --offline
// work without one.
func New(cfg Config) (*Provider, error) {
	base, err := cloud.BaseURL(Name, cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	if cfg.Voice == "" {
		cfg.Voice = DefaultVoice
	}
	switch cfg.Format {
	case "":
		cfg.Format = "wav"
	case "wav", "pcm":
	default:
		return nil, fault.New(fault.Input, "openai: response format %q is not supported; use wav or pcm", cfg.Format)
	}
	spec := cloud.Spec{Name: Name, KeyEnv: []string{KeyEnv}, DecodeError: DecodeError}
	return &Provider{cfg: cfg, client: cloud.NewClient(spec, cfg.Options, cfg.APIKey)}, nil
}

// FromEnv reads OPENAI_API_KEY, TECNO_OPENAI_BASE_URL,
// TECNO_OPENAI_INSTRUCTIONS, TECNO_OPENAI_FORMAT and the tuning variables
// of cloud.OptionsFromEnv through lookup.
func FromEnv(lookup cloud.LookupFunc, opts cloud.Options) (*Provider, error) {
	opts, err := cloud.OptionsFromEnv(Name, lookup, opts)
	if err != nil {
		return nil, err
	}
	p := cloud.EnvPrefix(Name)
	return New(Config{
		APIKey:       lookup.Getenv(KeyEnv),
		BaseURL:      lookup.Getenv(p + "BASE_URL"),
		Instructions: lookup.Getenv(p + "INSTRUCTIONS"),
		Format:       lookup.Getenv(p + "FORMAT"),
		Options:      opts,
	})
}

// Name implements narrate.Provider.
func (p *Provider) Name() string { return Name }

// MaxChars implements narrate.Provider: the input limit, 4096 characters.
func (p *Provider) MaxChars() int { return MaxInput }

// CheckCredentials reports a missing key (for tecno doctor).
func (p *Provider) CheckCredentials() error {
	if p.cfg.APIKey == "" {
		return cloud.MissingKeyError(Name, KeyEnv)
	}
	return nil
}

// resolved is a voice with defaults applied.
type resolved struct {
	model, voice string
	speed        float64
}

func (p *Provider) resolve(v course.Voice) resolved {
	r := resolved{model: v.Model, voice: v.Name, speed: v.Rate}
	if r.model == "" {
		r.model = p.cfg.Model
	}
	if r.voice == "" {
		r.voice = p.cfg.Voice
	}
	if r.speed == 0 {
		r.speed = 1
	}
	r.speed = cloud.Clamp(r.speed, MinSpeed, MaxSpeed)
	return r
}

// takesInstructions reports whether model accepts the instructions field.
func takesInstructions(model string) bool {
	return model != "tts-1" && model != "tts-1-hd"
}

// Fingerprint implements narrate.Provider. It holds the model, voice,
// output format, API version, a digest of the instructions and whether a
// custom endpoint is used; never the key or the base URL itself.
func (p *Provider) Fingerprint(_ context.Context, v course.Voice) (string, error) {
	r := p.resolve(v)
	instr := ""
	if takesInstructions(r.model) && p.cfg.Instructions != "" {
		instr = cloud.Hash(p.cfg.Instructions)
	}
	return cloud.Fingerprint(Name, map[string]string{
		"api":          APIVersion,
		"model":        r.model,
		"voice":        r.voice,
		"format":       p.cfg.Format,
		"instructions": instr,
		"endpoint":     cloud.Endpoint(p.cfg.BaseURL, DefaultBaseURL),
	}), nil
}

// SpeechRequest is the JSON body of POST /v1/audio/speech.
type SpeechRequest struct {
	Model          string  `json:"model"`
	Input          string  `json:"input"`
	Voice          string  `json:"voice"`
	ResponseFormat string  `json:"response_format"`
	Speed          float64 `json:"speed"`
	Instructions   string  `json:"instructions,omitempty"`
}

// BuildRequest is the pure request builder: the HTTP call for one chunk of
// text (at most MaxInput characters).
func BuildRequest(cfg Config, model, voice string, speed float64, text string) (cloud.Request, error) {
	if n := cloud.Runes(text); n > MaxInput {
		return cloud.Request{}, fmt.Errorf("openai: input has %d characters, the limit is %d", n, MaxInput)
	}
	body := SpeechRequest{
		Model:          model,
		Input:          text,
		Voice:          voice,
		ResponseFormat: cfg.Format,
		Speed:          math.Round(speed*100) / 100,
	}
	if takesInstructions(model) {
		body.Instructions = cfg.Instructions
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return cloud.Request{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+cfg.APIKey)
	h.Set("Content-Type", "application/json")
	if cfg.Format == "wav" {
		h.Set("Accept", "audio/wav")
	} else {
		h.Set("Accept", "audio/pcm")
	}
	return cloud.Request{Method: http.MethodPost, URL: endpoint(cfg.BaseURL), Header: h, Body: buf.Bytes()}, nil
}

// endpoint appends /v1/audio/speech, or only /audio/speech to a base URL
// that already ends in /v1 (as OpenAI-compatible servers are often given).
func endpoint(base string) string {
	if strings.HasSuffix(base, "/"+APIVersion) {
		return base + "/audio/speech"
	}
	return base + "/" + APIVersion + "/audio/speech"
}

// ParseAudio decodes a successful response body in format.
func ParseAudio(format string, body []byte) (narrate.Audio, error) {
	if format == "pcm" {
		return cloud.DecodePCM16LE(body, PCMRate)
	}
	return cloud.DecodeWAV(body)
}

// errorBody is OpenAI's error envelope.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    any    `json:"code"` // string, sometimes null or a number
	} `json:"error"`
}

// billingCodes are error codes of an exhausted balance or limit, which
// OpenAI sends with status 429; retrying them cannot help.
var billingCodes = map[string]bool{
	"insufficient_quota":                true,
	"credit_balance_exhausted":          true,
	"organization_spend_limit_exceeded": true,
	"project_spend_limit_exceeded":      true,
	"organization_usage_limit_exceeded": true,
	"billing_hard_limit_reached":        true,
}

// DecodeError reads OpenAI's {"error":{"message","type","code"}} body.
func DecodeError(_ int, body []byte) cloud.APIError {
	var e errorBody
	if json.Unmarshal(body, &e) != nil {
		return cloud.APIError{}
	}
	code := ""
	if s, ok := e.Error.Code.(string); ok {
		code = s
	}
	return cloud.APIError{
		Message: e.Error.Message,
		Code:    code,
		Quota:   billingCodes[code] || billingCodes[e.Error.Type],
	}
}

// Synthesize implements narrate.Provider. Text longer than 4096
// characters is split at sentence boundaries into several requests whose
// audio is joined.
func (p *Provider) Synthesize(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	if p.client.Offline(ctx) {
		return narrate.Result{}, cloud.OfflineError(Name)
	}
	if err := p.CheckCredentials(); err != nil {
		return narrate.Result{}, err
	}
	r := p.resolve(req.Voice)
	return p.client.SynthesizeChunks(ctx, req, MaxInput, cloud.Runes,
		func(ctx context.Context, text, _, _ string) (narrate.Result, error) {
			hr, err := BuildRequest(p.cfg, r.model, r.voice, r.speed, text)
			if err != nil {
				return narrate.Result{}, err
			}
			resp, err := p.client.Do(ctx, hr)
			if err != nil {
				return narrate.Result{}, err
			}
			if err := p.client.CheckContentType(resp, "audio/*", "application/octet-stream"); err != nil {
				return narrate.Result{}, err
			}
			a, err := ParseAudio(p.cfg.Format, resp.Body)
			if err != nil {
				return narrate.Result{}, p.client.BadResponse("%s audio: %s", p.cfg.Format, err)
			}
			if err := p.client.CheckAudio(a); err != nil {
				return narrate.Result{}, err
			}
			return narrate.Result{Audio: a}, nil
		})
}

// StaticVoices lists the built-in voices for tecno voices openai. They
// speak every supported language.
func StaticVoices() []cloud.Voice {
	out := make([]cloud.Voice, 0, len(Voices))
	for _, v := range Voices {
		note := ""
		if v == "ballad" || v == "verse" {
			note = "not on tts-1 or tts-1-hd"
		}
		out = append(out, cloud.Voice{ID: v, Name: v, Note: note})
	}
	return out
}

// DefaultVoiceFor returns the default voice for lang: OpenAI's voices are
// multilingual, so it is the same for every language.
func DefaultVoiceFor(string) string { return DefaultVoice }
