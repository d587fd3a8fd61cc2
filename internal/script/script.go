// Package script writes narration for scenes: an offline, deterministic
// writer that composes spoken sentences from a slide's title, bullets,
// tables, body and notes, and a writer backed by any OpenAI-compatible chat
// completions endpoint (OpenAI, Ollama, llama.cpp). Run applies either to
// a course file as proposed narration (status: draft), never silently over
// narration an author approved, and can show the change as a unified diff
// instead of writing it.
package script

import (
	"context"

	"github.com/tecno-video/tecno/internal/course"
)

// Input is one scene to write narration for, with its context.
type Input struct {
	Language string // course language, BCP 47 ("en-US", "pt-BR")
	Course   string // course title
	Lesson   string // lesson title
	Scene    *course.Scene
	Index    int // the scene's position in its lesson, from 0
	Count    int // scenes in the lesson
}

// Usage counts the tokens of chat completions.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Add returns u plus o.
func (u Usage) Add(o Usage) Usage {
	return Usage{u.PromptTokens + o.PromptTokens, u.CompletionTokens + o.CompletionTokens, u.TotalTokens + o.TotalTokens}
}

// Output is a written narration.
type Output struct {
	Text   string
	Usage  Usage // zero for the offline writer and for cache hits
	Cached bool  // the text came from the cache; nothing was billed
}

// Writer writes narration for one scene. Implementations are safe for
// concurrent use.
type Writer interface {
	// Name is the provider: "offline" or "openai".
	Name() string
	// Model is the chat model, "" for the offline writer.
	Model() string
	Write(ctx context.Context, in Input) (Output, error)
}
