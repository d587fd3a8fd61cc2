// Package elevenlabs narrates with ElevenLabs' text-to-speech "with
// timestamps" endpoint, which returns raw PCM (base64 in JSON) together
// with a per-character alignment that becomes word timings.
package elevenlabs

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// Contract constants (elevenlabs.io/docs/api-reference/text-to-speech/convert-with-timestamps).
const (
	Name           = "elevenlabs"
	KeyEnv         = "ELEVENLABS_API_KEY"
	DefaultBaseURL = "https://api.elevenlabs.io"
	APIVersion     = "v1"
	DefaultModel   = "eleven_multilingual_v2"
	// DefaultFormat is raw 16-bit PCM at 24 kHz; pcm_44100 needs a Pro plan.
	DefaultFormat = "pcm_24000"
	// DefaultVoiceID is "George", the voice of ElevenLabs' own examples.
	DefaultVoiceID = "JBFqnCBsd6RMkjVDRZzb"
	// Speed limits of voice_settings.speed.
	MinSpeed, MaxSpeed = 0.7, 1.2
)

// ModelLimits are the documented characters per request
// (help.elevenlabs.io, "What's the maximum amount of characters…").
var ModelLimits = map[string]int{
	"eleven_multilingual_v2": 10000,
	"eleven_multilingual_v1": 10000,
	"eleven_monolingual_v1":  10000,
	"eleven_english_v2":      10000,
	"eleven_flash_v2_5":      40000,
	"eleven_turbo_v2_5":      40000,
	"eleven_flash_v2":        30000,
	"eleven_turbo_v2":        30000,
	"eleven_v3":              3000,
}

// unknownModelLimit is used for models missing from ModelLimits.
const unknownModelLimit = 3000

// PremadeVoices maps the names of ElevenLabs' premade voices to their ids,
// so that course.yaml may say "name: George". Any voice id also works.
var PremadeVoices = map[string]string{
	"George":    "JBFqnCBsd6RMkjVDRZzb",
	"Sarah":     "EXAVITQu4vr4xnSDxMaL",
	"Rachel":    "21m00Tcm4TlvDq8ikWAM",
	"Adam":      "pNInz6obpgDQGcFmaJgB",
	"Daniel":    "onwK4e9ZLuTAKqWW03F9",
	"Charlotte": "XB0fDUnXU5powFXDhCwa",
	"Alice":     "Xb7hH8MSUJpSbSDYk0k2",
	"Brian":     "nPczCjzI2devNBz1zQrb",
}

var voiceIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{16,40}$`)

var formatPattern = regexp.MustCompile(`^pcm_(16000|22050|24000|44100|48000)$`)

// Config configures the provider. Zero fields take defaults.
type Config struct {
	APIKey       string
	BaseURL      string // default DefaultBaseURL
	Model        string // used when the voice names no model
	Voice        string // voice id or premade name, used when the voice names none
	OutputFormat string // pcm_<rate>; default DefaultFormat
	Options      cloud.Options
}

// Provider implements narrate.Provider for ElevenLabs.
type Provider struct {
	cfg    Config
	rate   int
	client *cloud.Client
}

var _ narrate.Provider = (*Provider)(nil)

// New returns a provider for cfg. A missing key is reported by Synthesize.
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
		cfg.Voice = DefaultVoiceID
	}
	if cfg.OutputFormat == "" {
		cfg.OutputFormat = DefaultFormat
	}
	if !formatPattern.MatchString(cfg.OutputFormat) {
		return nil, fault.New(fault.Input, "elevenlabs: output format %q is not raw PCM; use pcm_24000 or pcm_44100", cfg.OutputFormat)
	}
	rate, _ := strconv.Atoi(strings.TrimPrefix(cfg.OutputFormat, "pcm_"))
	spec := cloud.Spec{Name: Name, KeyEnv: []string{KeyEnv}, DecodeError: DecodeError}
	return &Provider{cfg: cfg, rate: rate, client: cloud.NewClient(spec, cfg.Options, cfg.APIKey)}, nil
}

// FromEnv reads ELEVENLABS_API_KEY, TECNO_ELEVENLABS_BASE_URL,
// TECNO_ELEVENLABS_FORMAT and the tuning variables of
// cloud.OptionsFromEnv through lookup.
func FromEnv(lookup cloud.LookupFunc, opts cloud.Options) (*Provider, error) {
	opts, err := cloud.OptionsFromEnv(Name, lookup, opts)
	if err != nil {
		return nil, err
	}
	p := cloud.EnvPrefix(Name)
	return New(Config{
		APIKey:       lookup.Getenv(KeyEnv),
		BaseURL:      lookup.Getenv(p + "BASE_URL"),
		OutputFormat: lookup.Getenv(p + "FORMAT"),
		Options:      opts,
	})
}

// Name implements narrate.Provider.
func (p *Provider) Name() string { return Name }

// MaxChars implements narrate.Provider: the limit of the configured model.
// A scene choosing another model is re-split by Synthesize.
func (p *Provider) MaxChars() int { return limitFor(p.cfg.Model) }

func limitFor(model string) int {
	if n, ok := ModelLimits[model]; ok {
		return n
	}
	return unknownModelLimit
}

// CheckCredentials reports a missing key (for tecno doctor).
func (p *Provider) CheckCredentials() error {
	if p.cfg.APIKey == "" {
		return cloud.MissingKeyError(Name, KeyEnv)
	}
	return nil
}

// ResolveVoice turns a voice name into a voice id: premade names map to
// their id (case-insensitively); anything shaped like an id passes.
func ResolveVoice(name string) (string, error) {
	for n, id := range PremadeVoices {
		if strings.EqualFold(n, name) {
			return id, nil
		}
	}
	if voiceIDPattern.MatchString(name) {
		return name, nil
	}
	return "", fault.New(fault.Input, "elevenlabs: unknown voice %q: give a voice id or one of %s", name, premadeNames()).
		WithHint("run tecno voices elevenlabs to list the voices of your account")
}

func premadeNames() string {
	names := make([]string, 0, len(PremadeVoices))
	for n := range PremadeVoices {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

type resolved struct {
	model, voiceID string
	speed          float64
}

func (p *Provider) resolve(v course.Voice) (resolved, error) {
	r := resolved{model: v.Model, speed: v.Rate}
	if r.model == "" {
		r.model = p.cfg.Model
	}
	name := v.Name
	if name == "" {
		name = p.cfg.Voice
	}
	id, err := ResolveVoice(name)
	if err != nil {
		return r, err
	}
	r.voiceID = id
	if r.speed == 0 {
		r.speed = 1
	}
	r.speed = cloud.Clamp(r.speed, MinSpeed, MaxSpeed)
	return r, nil
}

// Fingerprint implements narrate.Provider: model, voice id, output format,
// API version and endpoint kind.
func (p *Provider) Fingerprint(_ context.Context, v course.Voice) (string, error) {
	r, err := p.resolve(v)
	if err != nil {
		return "", err
	}
	return cloud.Fingerprint(Name, map[string]string{
		"api":      APIVersion,
		"model":    r.model,
		"voice":    r.voiceID,
		"format":   p.cfg.OutputFormat,
		"endpoint": cloud.Endpoint(p.cfg.BaseURL, DefaultBaseURL),
	}), nil
}

// VoiceSettings are the per-request voice settings; only speed is sent,
// so the voice's stored settings apply otherwise.
type VoiceSettings struct {
	Speed float64 `json:"speed"`
}

// TTSRequest is the JSON body of the with-timestamps endpoint.
type TTSRequest struct {
	Text          string         `json:"text"`
	ModelID       string         `json:"model_id"`
	VoiceSettings *VoiceSettings `json:"voice_settings,omitempty"`
	PreviousText  string         `json:"previous_text,omitempty"`
	NextText      string         `json:"next_text,omitempty"`
}

// BuildRequest is the pure request builder for one chunk.
func BuildRequest(cfg Config, model, voiceID string, speed float64, text, prev, next string) (cloud.Request, error) {
	if n, limit := cloud.Runes(text), limitFor(model); n > limit {
		return cloud.Request{}, fmt.Errorf("elevenlabs: text has %d characters, the limit of %s is %d", n, model, limit)
	}
	body := TTSRequest{Text: text, ModelID: model, PreviousText: prev, NextText: next}
	if speed != 1 {
		body.VoiceSettings = &VoiceSettings{Speed: math.Round(speed*100) / 100}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return cloud.Request{}, err
	}
	h := http.Header{}
	h.Set("xi-api-key", cfg.APIKey)
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	u := cfg.BaseURL + "/" + APIVersion + "/text-to-speech/" + url.PathEscape(voiceID) +
		"/with-timestamps?output_format=" + url.QueryEscape(cfg.OutputFormat)
	return cloud.Request{Method: http.MethodPost, URL: u, Header: h, Body: buf.Bytes()}, nil
}

// Alignment is ElevenLabs' per-character timing.
type Alignment struct {
	Characters []string  `json:"characters"`
	Starts     []float64 `json:"character_start_times_seconds"`
	Ends       []float64 `json:"character_end_times_seconds"`
}

// TimestampsResponse is the with-timestamps response body.
type TimestampsResponse struct {
	AudioBase64         string     `json:"audio_base64"`
	Alignment           *Alignment `json:"alignment"`
	NormalizedAlignment *Alignment `json:"normalized_alignment"`
}

// ParseResponse decodes a with-timestamps body: the PCM audio at rate and
// word timings built from the character alignment (the normalized one
// when the plain one is missing).
func ParseResponse(body []byte, rate int) (narrate.Result, error) {
	var r TimestampsResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return narrate.Result{}, fmt.Errorf("JSON: %w", err)
	}
	if r.AudioBase64 == "" {
		return narrate.Result{}, fmt.Errorf("no audio_base64 in the response")
	}
	pcm, err := base64.StdEncoding.DecodeString(r.AudioBase64)
	if err != nil {
		return narrate.Result{}, fmt.Errorf("audio_base64: %w", err)
	}
	a, err := cloud.DecodePCM16LE(pcm, rate)
	if err != nil {
		return narrate.Result{}, err
	}
	al := r.Alignment
	if al == nil || len(al.Characters) == 0 {
		al = r.NormalizedAlignment
	}
	if al == nil || len(al.Characters) == 0 {
		return narrate.Result{}, fmt.Errorf("no alignment in the response")
	}
	words, err := Words(*al, a.Duration())
	if err != nil {
		return narrate.Result{}, err
	}
	return narrate.Result{Audio: a, Words: words}, nil
}

// alignSlack tolerates timings slightly past the audio end (rounding).
const alignSlack = 0.25

// Words groups a character alignment into word timings: a word is a run
// of non-space characters, from its first character's start to its last
// character's end. Punctuation stays attached to its word. The arrays must
// agree in length and times must be ordered and within the audio.
func Words(al Alignment, duration float64) ([]narrate.Timing, error) {
	n := len(al.Characters)
	if len(al.Starts) != n || len(al.Ends) != n {
		return nil, fmt.Errorf("alignment has %d characters, %d starts and %d ends", n, len(al.Starts), len(al.Ends))
	}
	var (
		out   []narrate.Timing
		word  strings.Builder
		start float64
		end   float64
		prev  float64
	)
	flush := func() {
		if word.Len() > 0 {
			out = append(out, narrate.Timing{Text: word.String(), Start: start, End: end})
			word.Reset()
		}
	}
	for i, ch := range al.Characters {
		s, e := al.Starts[i], al.Ends[i]
		if s < 0 || e < s || s+1e-6 < prev || math.IsNaN(s) || math.IsNaN(e) {
			return nil, fmt.Errorf("alignment times out of order at character %d (%q: %.3f–%.3f)", i, ch, s, e)
		}
		if e > duration+alignSlack {
			return nil, fmt.Errorf("alignment ends at %.3f s, after the %.3f s of audio", e, duration)
		}
		prev = s
		if strings.TrimFunc(ch, unicode.IsSpace) == "" {
			flush()
			continue
		}
		if word.Len() == 0 {
			start = s
		}
		word.WriteString(ch)
		end = math.Min(e, duration)
	}
	flush()
	return out, nil
}

// detail is ElevenLabs' error envelope: {"detail":{"status","message"}};
// validation errors carry a list of {"msg"} instead.
type detail struct {
	Detail json.RawMessage `json:"detail"`
}

// DecodeError reads ElevenLabs' error body.
func DecodeError(_ int, body []byte) cloud.APIError {
	var d detail
	if json.Unmarshal(body, &d) != nil || len(d.Detail) == 0 {
		return cloud.APIError{}
	}
	var obj struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	if json.Unmarshal(d.Detail, &obj) == nil && (obj.Status != "" || obj.Message != "") {
		msg := obj.Message
		if obj.Status != "" {
			msg = obj.Status + ": " + msg
		}
		return cloud.APIError{Message: msg, Code: obj.Status, Quota: obj.Status == "quota_exceeded"}
	}
	var list []struct {
		Msg string `json:"msg"`
	}
	if json.Unmarshal(d.Detail, &list) == nil && len(list) > 0 {
		msgs := make([]string, 0, len(list))
		for _, m := range list {
			msgs = append(msgs, m.Msg)
		}
		return cloud.APIError{Message: strings.Join(msgs, "; ")}
	}
	var s string
	if json.Unmarshal(d.Detail, &s) == nil {
		return cloud.APIError{Message: s}
	}
	return cloud.APIError{}
}

// Synthesize implements narrate.Provider. Text over the model's limit is
// split at sentence boundaries; each request carries its neighbours as
// previous_text and next_text so the prosody joins up, and word timings
// are shifted onto the joined audio.
func (p *Provider) Synthesize(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	if p.client.Offline(ctx) {
		return narrate.Result{}, cloud.OfflineError(Name)
	}
	if err := p.CheckCredentials(); err != nil {
		return narrate.Result{}, err
	}
	r, err := p.resolve(req.Voice)
	if err != nil {
		return narrate.Result{}, err
	}
	return p.client.SynthesizeChunks(ctx, req, limitFor(r.model), cloud.Runes,
		func(ctx context.Context, text, prev, next string) (narrate.Result, error) {
			hr, err := BuildRequest(p.cfg, r.model, r.voiceID, r.speed, text, prev, next)
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
			res, err := ParseResponse(resp.Body, p.rate)
			if err != nil {
				return narrate.Result{}, p.client.BadResponse("%s", err)
			}
			if err := p.client.CheckAudio(res.Audio); err != nil {
				return narrate.Result{}, err
			}
			return res, nil
		})
}

// StaticVoices lists the premade voices known by name. They speak every
// language of the multilingual models.
func StaticVoices() []cloud.Voice {
	names := make([]string, 0, len(PremadeVoices))
	for n := range PremadeVoices {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]cloud.Voice, 0, len(names))
	for _, n := range names {
		note := "premade"
		if PremadeVoices[n] == DefaultVoiceID {
			note = "premade, default"
		}
		out = append(out, cloud.Voice{ID: PremadeVoices[n], Name: n, Note: note})
	}
	return out
}

// DefaultVoiceFor returns the default voice id for lang: the multilingual
// models speak every language with any voice, so it is always George.
func DefaultVoiceFor(string) string { return DefaultVoiceID }

// ListVoices asks GET /v1/voices for the voices of the account.
func (p *Provider) ListVoices(ctx context.Context) ([]cloud.Voice, error) {
	if p.client.Offline(ctx) {
		return nil, cloud.OfflineError(Name)
	}
	if err := p.CheckCredentials(); err != nil {
		return nil, err
	}
	resp, err := p.client.Do(ctx, BuildListVoices(p.cfg))
	if err != nil {
		return nil, err
	}
	if err := p.client.CheckContentType(resp, "application/json"); err != nil {
		return nil, err
	}
	vs, err := ParseVoices(resp.Body)
	if err != nil {
		return nil, p.client.BadResponse("%s", err)
	}
	return vs, nil
}

// BuildListVoices is the pure builder of GET /v1/voices.
func BuildListVoices(cfg Config) cloud.Request {
	h := http.Header{}
	h.Set("xi-api-key", cfg.APIKey)
	h.Set("Accept", "application/json")
	return cloud.Request{Method: http.MethodGet, URL: cfg.BaseURL + "/" + APIVersion + "/voices", Header: h}
}

// ParseVoices decodes {"voices":[{"voice_id","name","category","labels"}]}.
func ParseVoices(body []byte) ([]cloud.Voice, error) {
	var r struct {
		Voices []struct {
			VoiceID  string            `json:"voice_id"`
			Name     string            `json:"name"`
			Category string            `json:"category"`
			Labels   map[string]string `json:"labels"`
		} `json:"voices"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("voices JSON: %w", err)
	}
	out := make([]cloud.Voice, 0, len(r.Voices))
	for _, v := range r.Voices {
		if v.VoiceID == "" {
			continue
		}
		out = append(out, cloud.Voice{ID: v.VoiceID, Name: v.Name, Gender: v.Labels["gender"],
			Language: v.Labels["language"], Note: v.Category})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
