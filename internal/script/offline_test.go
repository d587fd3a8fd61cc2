package script

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ingest"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
)

// forbidden are what a voice stumbles on: symbols, markup and link
// prefixes that must never reach narration written by the offline writer.
var forbidden = []string{"%", "→", "←", "⇒", "≥", "≤", "≠", "&", "±", "×", "÷", "#", "*", "_", "`", "|", "<", ">", "=",
	"[", "]", "{", "}", "^", "~", "•", "—", "–", "@", "$", "€", "£", "://", "www.", "\\", "/", "**"}

var leftAbbrev = regexp.MustCompile(`(?i)(^|[^\p{L}])(e\.\s?g\.|i\.\s?e\.|etc\.?|vs\.?|p\.\s?ex\.)($|[^\p{L}])`)

// checkSpeakable fails the test when narration holds anything a voice
// would stumble on.
func checkSpeakable(t *testing.T, where, text string) {
	t.Helper()
	if strings.TrimSpace(text) == "" {
		t.Errorf("%s: empty narration", where)
		return
	}
	for _, f := range forbidden {
		if strings.Contains(text, f) {
			t.Errorf("%s: narration contains %q: %s", where, f, text)
		}
	}
	if m := leftAbbrev.FindString(text); m != "" {
		t.Errorf("%s: abbreviation %q left in: %s", where, strings.TrimSpace(m), text)
	}
	for _, r := range text {
		if unicode.In(r, unicode.Sm, unicode.So, unicode.Sc, unicode.Co, unicode.Cc) && r != '\n' {
			t.Errorf("%s: symbol %q (%U) left in: %s", where, r, r, text)
			break
		}
	}
}

// writeAll runs the offline writer over every scene of c in language lang.
func writeAll(t *testing.T, c *course.Course, lang string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, l := range c.Lessons {
		for i, s := range l.Scenes {
			o, err := Offline{}.Write(context.Background(), Input{Language: lang, Course: c.Title, Lesson: l.Title, Scene: s, Index: i, Count: len(l.Scenes)})
			if err != nil {
				t.Fatalf("scene %s: %v", s.ID, err)
			}
			if o.Usage != (Usage{}) || o.Cached {
				t.Errorf("offline writer reported usage %+v cached %v", o.Usage, o.Cached)
			}
			out[s.ID] = o.Text
		}
	}
	return out
}

// TestOfflineCorpus ingests real decks, handouts and PDFs from the corpus
// and writes narration for every scene, in English and in Brazilian
// Portuguese: every scene gets narration, with no symbol, markup or
// abbreviation left.
func TestOfflineCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "course.yaml")
			if _, err := ingest.Ingest(context.Background(), ingest.Options{Inputs: []string{f}, Output: out}); err != nil {
				t.Fatalf("ingest: %v", err)
			}
			c, err := course.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			scenes := 0
			for _, l := range c.Lessons {
				scenes += len(l.Scenes)
			}
			if scenes == 0 {
				t.Fatal("ingest gave no scenes")
			}
			for _, lang := range []string{"en-US", "pt-BR"} {
				got := writeAll(t, c, lang)
				if len(got) != scenes {
					t.Errorf("%s: %d narrations for %d scenes", lang, len(got), scenes)
				}
				for id, text := range got {
					checkSpeakable(t, lang+" "+id, text)
				}
			}
		})
	}
}

// TestOfflineExamples pins the narration written for the example courses.
func TestOfflineExamples(t *testing.T) {
	for _, ex := range []string{"intro", "pt-br"} {
		t.Run(ex, func(t *testing.T) {
			c, err := course.Load(filepath.Join("..", "..", "examples", ex, "course.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			got := writeAll(t, c, c.Language)
			var b strings.Builder
			for _, l := range c.Lessons {
				for _, s := range l.Scenes {
					checkSpeakable(t, s.ID, got[s.ID])
					fmt.Fprintf(&b, "%s: %s\n", s.ID, got[s.ID])
				}
			}
			cloudtest.Golden(t, "TestOfflineExamples__"+ex, []byte(b.String()))
		})
	}
}

func TestOfflineLayouts(t *testing.T) {
	tests := []struct {
		name  string
		lang  string
		scene course.Scene
		index int
		want  string
	}{
		{"first title", "en-US", course.Scene{ID: "a", Layout: "title", Title: "Go Basics", Subtitle: "Part 1 — types"}, 0,
			"Welcome to Go Basics. Part 1, types."},
		{"later title", "en-US", course.Scene{ID: "a", Layout: "title", Title: "Go Basics"}, 3, "Go Basics."},
		{"section pt", "pt-BR", course.Scene{ID: "a", Layout: "section", Title: "Decisões"}, 2, "A seguir: Decisões."},
		{"bullets nested", "en-US", course.Scene{ID: "x1", Layout: "bullets", Title: "Why?", Bullets: []course.Bullet{
			{Text: "Write once"},
			{Text: "Rebuild fast", Children: []course.Bullet{{Text: "only changed scenes"}, {Text: "the rest from cache", Children: []course.Bullet{{Text: "hashes"}, {Text: "keys"}}}}},
			{Text: "Offline voices"},
		}}, 1, "Why? First, Write once. Next, Rebuild fast: only changed scenes and the rest from cache, including hashes and keys. Finally, Offline voices."},
		{"bullets pt", "pt-BR", course.Scene{ID: "x1", Layout: "bullets", Title: "Por quê?", Bullets: []course.Bullet{
			{Text: "Escrever uma vez"}, {Text: "Refazer rápido"},
		}, Narration: "Vamos escrever e refazer."}, 1, "Por quê? Primeiro, escrever uma vez. Por fim, refazer rápido."},
		{"table rows", "en-US", course.Scene{ID: "t", Layout: "bullets", Bullets: []course.Bullet{
			{Text: "Plan — Price — Minutes"}, {Text: "Pro — $48 — 30"},
		}}, 1, "First, Plan, Price, Minutes. Finally, Pro, 48 dollars, 30."},
		{"many bullets", "en-US", course.Scene{ID: "m", Layout: "bullets", Bullets: manyBullets(14)}, 1,
			"First, Point 1. Next, Point 2. Then, Point 3. Also, Point 4. Next, Point 5. Then, Point 6. Also, Point 7. Next, Point 8. Then, Point 9. Also, Point 10. Next, Point 11. Then, Point 12. And 2 more points on screen."},
		{"quote", "en-US", course.Scene{ID: "q", Layout: "quote", Quote: "The best way to learn is to teach.", Author: "Frank Oppenheimer"}, 1,
			"As Frank Oppenheimer said: The best way to learn is to teach."},
		{"quote pt", "pt-BR", course.Scene{ID: "q", Layout: "quote", Quote: "Programar é ensinar.", Author: "Equipe"}, 1,
			"Como disse Equipe: Programar é ensinar."},
		{"code", "en-US", course.Scene{ID: "c", Layout: "code", Title: "The build command", Language: "bash",
			Code: "#!/bin/sh\n# render every lesson\ntecno build course.yaml\n// list the outputs\nls out/"}, 1,
			"The build command. Here is an example in Bash. The comments say: render every lesson and list the outputs. Take a moment to read the code on screen."},
		{"image without title", "pt-BR", course.Scene{ID: "i", Layout: "image", Image: "a.png"}, 1, "Observe esta imagem."},
		{"slide image keeps narration", "en-US", course.Scene{ID: "s", Layout: "slide-image", Image: "a.png",
			Narration: "Revenue grew 50% (see https://example.com/report)."}, 1, "Revenue grew 50 percent (see example dot com)."},
		{"nothing at all", "en-US", course.Scene{ID: "n", Layout: "slide-image"}, 1, "Take a look at this slide."},
		{"notes and body", "en-US", course.Scene{ID: "nb", Layout: "bullets", Body: "Numbers grow **fast**.", Notes: "Mention v2.0.1, i.e. the latest."}, 1,
			"Numbers grow fast. Mention version 2 point 0 point 1, that is the latest."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.scene
			o, err := Offline{}.Write(context.Background(), Input{Language: tt.lang, Scene: &s, Index: tt.index, Count: 5})
			if err != nil {
				t.Fatal(err)
			}
			if o.Text != tt.want {
				t.Errorf("got  %q\nwant %q", o.Text, tt.want)
			}
			checkSpeakable(t, tt.name, o.Text)
		})
	}
}

func manyBullets(n int) []course.Bullet {
	var bs []course.Bullet
	for i := 1; i <= n; i++ {
		bs = append(bs, course.Bullet{Text: fmt.Sprintf("Point %d", i)})
	}
	return bs
}

func TestOfflineDeterministic(t *testing.T) {
	c, err := course.Load(filepath.Join("..", "..", "examples", "intro", "course.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := writeAll(t, c, "en-US"), writeAll(t, c, "en-US")
	for id := range a {
		if a[id] != b[id] {
			t.Errorf("scene %s differs between runs", id)
		}
	}
}

func TestOfflineUnsupportedLanguage(t *testing.T) {
	_, err := Offline{}.Write(context.Background(), Input{Language: "fr-FR", Scene: &course.Scene{Title: "Bonjour"}})
	if err == nil || !strings.Contains(err.Error(), `"fr-FR"`) {
		t.Errorf("error = %v, want one naming fr-FR", err)
	}
}
