// Package azure narrates with Azure AI Speech's text to speech REST API
// (POST https://{region}.tts.speech.microsoft.com/cognitiveservices/v1),
// sending SSML and asking for 24 kHz 16-bit mono RIFF (WAV) audio.
package azure

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// Contract constants (learn.microsoft.com/azure/ai-services/speech-service/rest-text-to-speech).
const (
	Name         = "azure"
	KeyEnv       = "AZURE_SPEECH_KEY"
	RegionEnv    = "AZURE_SPEECH_REGION"
	Path         = "/cognitiveservices/v1"
	APIVersion   = "cognitiveservices/v1"
	OutputFormat = "riff-24khz-16bit-mono-pcm"
	DefaultVoice = "en-US-JennyNeural"
	// MaxChars bounds one request. The service cuts audio at 10 minutes
	// per request; 5000 characters is about 5½ minutes at normal speed,
	// and Synthesize shrinks chunks for slower rates.
	MaxChars = 5000
	// Prosody limits: rate as a multiple of normal, pitch in semitones.
	MinRate, MaxRate   = 0.5, 2.0
	MinPitch, MaxPitch = -12.0, 12.0
)

// DefaultVoices maps languages to a prebuilt neural voice.
var DefaultVoices = map[string]string{
	"en-US": "en-US-JennyNeural",
	"en-GB": "en-GB-SoniaNeural",
	"pt-BR": "pt-BR-FranciscaNeural",
	"pt-PT": "pt-PT-RaquelNeural",
	"es-ES": "es-ES-ElviraNeural",
	"es-MX": "es-MX-DaliaNeural",
	"fr-FR": "fr-FR-DeniseNeural",
	"de-DE": "de-DE-KatjaNeural",
	"it-IT": "it-IT-ElsaNeural",
	"nl-NL": "nl-NL-ColetteNeural",
	"pl-PL": "pl-PL-ZofiaNeural",
	"ja-JP": "ja-JP-NanamiNeural",
	"ko-KR": "ko-KR-SunHiNeural",
	"zh-CN": "zh-CN-XiaoxiaoNeural",
	"hi-IN": "hi-IN-SwaraNeural",
	"ru-RU": "ru-RU-SvetlanaNeural",
	"ar-SA": "ar-SA-ZariyahNeural",
	"id-ID": "id-ID-GadisNeural",
	"tr-TR": "tr-TR-EmelNeural",
}

// languageOrder decides which locale a bare language ("pt") falls to.
var languageOrder = []string{"en-US", "en-GB", "pt-BR", "pt-PT", "es-ES", "es-MX", "fr-FR", "de-DE",
	"it-IT", "nl-NL", "pl-PL", "ja-JP", "ko-KR", "zh-CN", "hi-IN", "ru-RU", "ar-SA", "id-ID", "tr-TR"}

// DefaultVoiceFor returns the default voice for lang (en-US-JennyNeural
// when the language has no entry).
func DefaultVoiceFor(lang string) string {
	return cloud.PickByLanguage(DefaultVoices, languageOrder, lang, DefaultVoice)
}

var regionPattern = regexp.MustCompile(`^[a-z0-9]{2,40}$`)

// Config configures the provider.
type Config struct {
	Key     string
	Region  string // e.g. "westeurope"; not needed when BaseURL is set
	BaseURL string // replaces https://{region}.tts.speech.microsoft.com
	Voice   string // used when neither the voice nor the language picks one
	Options cloud.Options
}

// Provider implements narrate.Provider for Azure Speech.
type Provider struct {
	cfg    Config
	client *cloud.Client
}

var _ narrate.Provider = (*Provider)(nil)

// New returns a provider for cfg. Missing credentials are reported by
// Synthesize; a malformed region or base URL is an error here.
func New(cfg Config) (*Provider, error) {
	cfg.Key = strings.TrimSpace(cfg.Key)
	cfg.Region = strings.ToLower(strings.TrimSpace(cfg.Region))
	if cfg.Region != "" && !regionPattern.MatchString(cfg.Region) {
		return nil, fault.New(fault.Input, "%s=%q is not an Azure region name such as westeurope", RegionEnv, cfg.Region).
			WithHint("export %s=westeurope", RegionEnv)
	}
	base, err := cloud.BaseURL(Name, cfg.BaseURL, "")
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	spec := cloud.Spec{Name: Name, KeyEnv: []string{KeyEnv, RegionEnv}, DecodeError: DecodeError}
	return &Provider{cfg: cfg, client: cloud.NewClient(spec, cfg.Options, cfg.Key)}, nil
}

// FromEnv reads AZURE_SPEECH_KEY, AZURE_SPEECH_REGION,
// TECNO_AZURE_BASE_URL and the tuning variables through lookup.
func FromEnv(lookup cloud.LookupFunc, opts cloud.Options) (*Provider, error) {
	opts, err := cloud.OptionsFromEnv(Name, lookup, opts)
	if err != nil {
		return nil, err
	}
	return New(Config{
		Key:     lookup.Getenv(KeyEnv),
		Region:  lookup.Getenv(RegionEnv),
		BaseURL: lookup.Getenv(cloud.EnvPrefix(Name) + "BASE_URL"),
		Options: opts,
	})
}

// Name implements narrate.Provider.
func (p *Provider) Name() string { return Name }

// MaxChars implements narrate.Provider.
func (p *Provider) MaxChars() int { return MaxChars }

// CheckCredentials reports missing key or region (for tecno doctor).
func (p *Provider) CheckCredentials() error {
	var missing []string
	if p.cfg.Key == "" {
		missing = append(missing, KeyEnv)
	}
	if p.cfg.Region == "" && p.cfg.BaseURL == "" {
		missing = append(missing, RegionEnv)
	}
	if len(missing) > 0 {
		return cloud.MissingKeyError(Name, missing...)
	}
	return nil
}

// Endpoint returns the synthesis URL for the configuration.
func Endpoint(cfg Config) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL + Path
	}
	return "https://" + cfg.Region + ".tts.speech.microsoft.com" + Path
}

type resolved struct {
	voice, lang string
	rate, pitch float64
	chunkLimit  int
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
	if lang == "" {
		lang = voiceLocale(r.voice)
	}
	r.lang = lang
	if r.rate == 0 {
		r.rate = 1
	}
	r.rate = cloud.Clamp(r.rate, MinRate, MaxRate)
	r.pitch = cloud.Clamp(r.pitch, MinPitch, MaxPitch)
	r.chunkLimit = MaxChars
	if r.rate < 1 {
		r.chunkLimit = int(float64(MaxChars) * r.rate)
	}
	return r
}

// voiceLocale is the locale prefix of a voice name: "pt-BR" of
// "pt-BR-FranciscaNeural".
func voiceLocale(voice string) string {
	parts := strings.SplitN(voice, "-", 3)
	if len(parts) < 3 {
		return "en-US"
	}
	return parts[0] + "-" + parts[1]
}

// Fingerprint implements narrate.Provider: voice, language, output format,
// API version and endpoint kind.
func (p *Provider) Fingerprint(_ context.Context, v course.Voice) (string, error) {
	r := p.resolve(v, "")
	return cloud.Fingerprint(Name, map[string]string{
		"api":      APIVersion,
		"voice":    r.voice,
		"lang":     r.lang,
		"format":   OutputFormat,
		"endpoint": endpointKind(p.cfg),
	}), nil
}

// endpointKind tells the default endpoint from an override (a proxy or a
// container may change the audio; the region does not), without the URL.
func endpointKind(cfg Config) string {
	if cfg.BaseURL == "" {
		return "default"
	}
	return cloud.Endpoint(cfg.BaseURL, "")
}

// SSML builds the request body: one voice, one prosody element, the text
// escaped for XML (characters XML cannot hold become U+FFFD).
func SSML(lang, voice string, rate, pitch float64, text string) []byte {
	var b bytes.Buffer
	b.WriteString(`<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="`)
	xml.EscapeText(&b, []byte(lang))
	b.WriteString(`"><voice name="`)
	xml.EscapeText(&b, []byte(voice))
	fmt.Fprintf(&b, `"><prosody rate="%s" pitch="%s">`, RateAttr(rate), PitchAttr(pitch))
	// Newlines and tabs are plain spaces to the synthesizer.
	xml.EscapeText(&b, []byte(strings.Join(strings.Fields(text), " ")))
	b.WriteString(`</prosody></voice></speak>`)
	return b.Bytes()
}

// RateAttr writes a speed multiple as a relative percentage: 1.2 → "+20%".
func RateAttr(rate float64) string {
	pct := math.Round((rate - 1) * 100)
	if pct == 0 {
		return "+0%"
	}
	return fmt.Sprintf("%+.0f%%", pct)
}

// PitchAttr writes semitones as a relative pitch: 2 → "+2st".
func PitchAttr(st float64) string {
	st = math.Round(st*100) / 100
	switch {
	case st == 0:
		return "+0st"
	case st > 0:
		return "+" + strconv.FormatFloat(st, 'f', -1, 64) + "st"
	}
	return strconv.FormatFloat(st, 'f', -1, 64) + "st"
}

// BuildRequest is the pure request builder for one chunk.
func BuildRequest(cfg Config, lang, voice string, rate, pitch float64, text string) cloud.Request {
	h := http.Header{}
	h.Set("Ocp-Apim-Subscription-Key", cfg.Key)
	h.Set("Content-Type", "application/ssml+xml")
	h.Set("X-Microsoft-OutputFormat", OutputFormat)
	h.Set("User-Agent", "tecno")
	return cloud.Request{Method: http.MethodPost, URL: Endpoint(cfg), Header: h, Body: SSML(lang, voice, rate, pitch, text)}
}

// DecodeError keeps Azure's error text: most errors have an empty body,
// some a short plain-text or JSON message.
func DecodeError(_ int, body []byte) cloud.APIError {
	return cloud.APIError{Message: cloud.Excerpt(body, 200)}
}

// Synthesize implements narrate.Provider.
func (p *Provider) Synthesize(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	if p.client.Offline(ctx) {
		return narrate.Result{}, cloud.OfflineError(Name)
	}
	if err := p.CheckCredentials(); err != nil {
		return narrate.Result{}, err
	}
	r := p.resolve(req.Voice, req.Language)
	return p.client.SynthesizeChunks(ctx, req, r.chunkLimit, cloud.Runes,
		func(ctx context.Context, text, _, _ string) (narrate.Result, error) {
			resp, err := p.client.Do(ctx, BuildRequest(p.cfg, r.lang, r.voice, r.rate, r.pitch, text))
			if err != nil {
				return narrate.Result{}, err
			}
			if err := p.client.CheckContentType(resp, "audio/*", "application/octet-stream"); err != nil {
				return narrate.Result{}, err
			}
			a, err := cloud.DecodeWAV(resp.Body)
			if err != nil {
				return narrate.Result{}, p.client.BadResponse("riff audio: %s", err)
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
