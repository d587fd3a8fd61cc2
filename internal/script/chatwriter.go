package script

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
)

// scriptVersion is bumped whenever the chat writer's output for the same
// answer changes (the cleaning below), so stale cache entries are not
// reused.
const scriptVersion = "1"

// ChatWriter writes narration with a chat model. Answers are cached by a
// key of the endpoint and model, the prompt template's bytes, the scene's
// content and the language, so that running tecno script again costs
// nothing until one of them changes.
type ChatWriter struct {
	Chat   *Chat
	Prompt *Prompt
	Cache  *cache.Cache // nil disables caching
}

// Name implements Writer.
func (w *ChatWriter) Name() string { return ChatName }

// Model implements Writer.
func (w *ChatWriter) Model() string { return w.Chat.Model() }

// cachedAnswer is stored with a cache entry.
type cachedAnswer struct {
	Model string `json:"model"`
	Usage Usage  `json:"usage"`
}

// Key returns the cache key of in's narration.
func (w *ChatWriter) Key(in Input) string {
	sum := sha256.Sum256(w.Prompt.Bytes)
	d := w.Prompt.Data(in)
	content, _ := json.Marshal(struct {
		Scene   sceneContent
		Current string
		Number  int
		Count   int
		Course  string
		Lesson  string
	}{contentOf(in.Scene), d.Current, d.Number, d.Count, in.Course, in.Lesson})
	return cache.Key("script", scriptVersion, w.Chat.Fingerprint(), hex.EncodeToString(sum[:]), in.Language, string(content))
}

// sceneContent is what of a scene the prompt shows.
type sceneContent struct {
	Layout, Title, Subtitle, Body, Quote, Author, Code, Language, Notes string
	Bullets                                                             []course.Bullet
}

func contentOf(s *course.Scene) sceneContent {
	return sceneContent{s.Layout, s.Title, s.Subtitle, s.Body, s.Quote, s.Author, s.Code, s.Language, s.Notes, s.Bullets}
}

// Write implements Writer.
func (w *ChatWriter) Write(ctx context.Context, in Input) (Output, error) {
	key := w.Key(in)
	if w.Cache != nil {
		e, err := w.Cache.Get(key)
		if err != nil && !errors.Is(err, cache.ErrCorrupt) {
			return Output{}, err
		}
		if e != nil {
			if text, err := os.ReadFile(e.Path("narration.txt")); err == nil {
				return Output{Text: string(text), Cached: true}, nil
			}
		}
	}
	msgs, err := w.Prompt.Messages(in)
	if err != nil {
		return Output{}, err
	}
	comp, err := w.Chat.Complete(ctx, msgs)
	if err != nil {
		return Output{}, err
	}
	text := CleanAnswer(in.Language, comp.Content)
	if text == "" {
		return Output{}, fmt.Errorf("openai: the model answered nothing speakable for scene %q", in.Scene.ID)
	}
	if w.Cache != nil {
		_, err := w.Cache.Put(key, func(dir string) (any, error) {
			return cachedAnswer{Model: comp.Model, Usage: comp.Usage}, os.WriteFile(filepath.Join(dir, "narration.txt"), []byte(text), 0o644)
		})
		if err != nil {
			return Output{}, err
		}
	}
	return Output{Text: text, Usage: comp.Usage}, nil
}

var (
	answerLabel = regexp.MustCompile(`(?i)^\s*(?:narration|narração|narracao|script|roteiro)\s*:\s*`)
	quotePairs  = [][2]string{{`"`, `"`}, {"“", "”"}, {"'", "'"}, {"«", "»"}, {"```", "```"}}
)

// CleanAnswer turns a model's answer into narration: a label such as
// "Narration:" and wrapping quotes or code fences are dropped, and in the
// languages the offline writer speaks the text is made speakable like its
// own (symbols, abbreviations, numbers); in others markup and symbols are
// still removed.
func CleanAnswer(lang, answer string) string {
	s := strings.TrimSpace(answer)
	s = answerLabel.ReplaceAllString(s, "")
	for _, q := range quotePairs {
		if len(s) >= len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) &&
			!strings.Contains(s[len(q[0]):len(s)-len(q[1])], q[0]) {
			s = strings.TrimSpace(s[len(q[0]) : len(s)-len(q[1])])
		}
	}
	w, err := wordsFor(lang)
	if err != nil {
		return tidy(dropSymbols(english.stripMarkup(s)))
	}
	return w.speak(s)
}
