package script

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/template"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/templates"
)

// DefaultPrompt is the built-in prompt template, in templates/prompts.
const DefaultPrompt = "prompts/narration.tmpl"

// Prompt is a prompt template: text/template source that defines a
// "system" and a "user" template, rendered with PromptData.
type Prompt struct {
	Name  string // file it came from
	Bytes []byte // its source, part of the cache key
	tmpl  *template.Template
}

// PromptData is what a prompt template sees.
type PromptData struct {
	Language     string // "pt-BR"
	LanguageName string // "Brazilian Portuguese (pt-BR)"
	Course       string
	Lesson       string
	Number       int // 1-based position of the scene in its lesson
	Count        int
	Scene        *course.Scene
	Bullets      string // the bullets as an indented "- " list
	// Current is the scene's narration when the slide shows no text of
	// its own (a slide picture, whose speaker notes ingest put there);
	// otherwise "", so that running tecno script again asks the same
	// question and hits the cache.
	Current string
	Words   int // suggested length in words
}

// LoadPrompt reads the prompt template at path, or the built-in one when
// path is "". Both templates must be defined.
func LoadPrompt(path string) (*Prompt, error) {
	name := path
	var (
		data []byte
		err  error
	)
	if path == "" {
		name = "templates/" + DefaultPrompt
		data, err = fs.ReadFile(templates.Prompts, DefaultPrompt)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fault.New(fault.Input, "prompt template %s not found", name).
				WithHint("give a file written like %s, or leave --prompt out", DefaultPrompt)
		}
		return nil, fault.New(fault.Input, "cannot read prompt template %s: %v", name, err)
	}
	t, err := template.New(name).Option("missingkey=error").Parse(string(data))
	if err != nil {
		return nil, fault.New(fault.Input, "prompt template %s: %v", name, strings.TrimPrefix(err.Error(), "template: ")).
			WithHint("prompts are Go text/template files; see %s", DefaultPrompt)
	}
	for _, def := range []string{"system", "user"} {
		if t.Lookup(def) == nil {
			return nil, fault.New(fault.Input, "prompt template %s does not define %q", name, def).
				WithHint(`define both: {{define "system"}}…{{end}} and {{define "user"}}…{{end}}`)
		}
	}
	return &Prompt{Name: name, Bytes: data, tmpl: t}, nil
}

// Data returns what the template sees for in.
func (p *Prompt) Data(in Input) PromptData {
	s := in.Scene
	var b strings.Builder
	var walk func([]course.Bullet, int)
	walk = func(bs []course.Bullet, depth int) {
		for _, x := range bs {
			fmt.Fprintf(&b, "%s- %s\n", strings.Repeat("  ", depth), x.Text)
			walk(x.Children, depth+1)
		}
	}
	walk(s.Bullets, 0)
	return PromptData{
		Language:     in.Language,
		LanguageName: LanguageName(in.Language),
		Course:       in.Course,
		Lesson:       in.Lesson,
		Number:       in.Index + 1,
		Count:        in.Count,
		Scene:        s,
		Bullets:      strings.TrimRight(b.String(), "\n"),
		Current:      currentFor(s),
		Words:        targetWords(s),
	}
}

// Messages renders the system and user messages for in.
func (p *Prompt) Messages(in Input) ([]Message, error) {
	data := p.Data(in)
	var msgs []Message
	for _, role := range []string{"system", "user"} {
		var buf bytes.Buffer
		if err := p.tmpl.ExecuteTemplate(&buf, role, data); err != nil {
			return nil, fault.New(fault.Input, "prompt template %s: %v", p.Name, strings.TrimPrefix(err.Error(), "template: "))
		}
		msgs = append(msgs, Message{Role: role, Content: strings.TrimSpace(buf.String())})
	}
	return msgs, nil
}

func currentFor(s *course.Scene) string {
	if strings.TrimSpace(s.Title+s.Subtitle+s.Body+s.Quote+s.Code) != "" || len(s.Bullets) > 0 {
		return ""
	}
	return strings.TrimSpace(s.Narration)
}

// targetWords suggests a narration length: about one and a half times the
// words on the slide, between 25 and 120.
func targetWords(s *course.Scene) int {
	n := len(strings.Fields(s.Title + " " + s.Subtitle + " " + s.Body + " " + s.Quote + " " + s.Notes))
	var walk func([]course.Bullet)
	walk = func(bs []course.Bullet) {
		for _, b := range bs {
			n += len(strings.Fields(b.Text))
			walk(b.Children)
		}
	}
	walk(s.Bullets)
	return min(120, max(25, n*3/2))
}
