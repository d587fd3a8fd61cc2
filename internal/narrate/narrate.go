// Package narrate turns narration text into audio with real timings,
// through pluggable providers (local engines and cloud APIs).
package narrate

import (
	"context"

	"github.com/tecno-video/tecno/internal/course"
)

// Audio is mono 16-bit PCM.
type Audio struct {
	Rate    int     // samples per second
	Samples []int16 // mono
}

// Duration returns the length of a in seconds.
func (a Audio) Duration() float64 {
	if a.Rate == 0 {
		return 0
	}
	return float64(len(a.Samples)) / float64(a.Rate)
}

// Timing is a span of audio, in seconds from the start of the audio it
// belongs to.
type Timing struct {
	Text  string  `json:"text"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Request is one synthesis call.
type Request struct {
	Text     string       // what to speak (lexicon already applied)
	Voice    course.Voice // fully resolved voice
	Language string       // BCP 47 language of the text, e.g. "pt-BR"
	// PreviousText and NextText give context around a chunk, for providers
	// that use it to stitch prosody (ElevenLabs).
	PreviousText, NextText string
}

// Result is one synthesized chunk.
type Result struct {
	Audio Audio
	// Words holds word timings when the provider reports them (ElevenLabs
	// alignment, flite phone durations); nil otherwise.
	Words []Timing
}

// Provider is a text-to-speech engine.
type Provider interface {
	// Name is the provider id used in course.yaml ("espeak-ng", "openai", …).
	Name() string
	// Fingerprint identifies everything outside the request that can change
	// the audio (engine version, model), for cache keys. It never contains
	// a secret.
	Fingerprint(ctx context.Context, v course.Voice) (string, error)
	// MaxChars is the largest text one request may carry.
	MaxChars() int
	// Synthesize speaks req.Text.
	Synthesize(ctx context.Context, req Request) (Result, error)
}
