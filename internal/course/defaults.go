package course

import (
	"path/filepath"
	"strings"
	"unicode"
)

// Defaults applied by ApplyDefaults.
const (
	DefaultLanguage = "en-US"
	DefaultTemplate = "modern"
	DefaultProvider = "espeak-ng"
	DefaultRate     = 1.0
	DefaultOutDir   = "out"
	DefaultWidth    = 1920
	DefaultHeight   = 1080
	DefaultFPS      = 30
)

// ApplyDefaults fills in unset fields:
//
//   - version 1; course language "en-US"; template "modern";
//   - course voice provider "espeak-ng" and rate 1.0;
//   - output dir "out", 1920×1080 at 30 fps;
//   - scene status "draft" when empty;
//   - a scene layout, only when it can be inferred unambiguously from the
//     fields that are set (see InferLayout). Otherwise layout stays empty
//     and Validate reports it as required.
//
// Load calls it; Parse does not. It is idempotent.
func (c *Course) ApplyDefaults() {
	if c.Version == 0 {
		c.Version = SchemaVersion
	}
	if c.Language == "" {
		c.Language = DefaultLanguage
	}
	if c.Template == "" {
		c.Template = DefaultTemplate
	}
	if c.Voice.Provider == "" {
		c.Voice.Provider = DefaultProvider
	}
	if c.Voice.Rate == 0 {
		c.Voice.Rate = DefaultRate
	}
	if c.Output.Dir == "" {
		c.Output.Dir = DefaultOutDir
	}
	if c.Output.Width == 0 {
		c.Output.Width = DefaultWidth
	}
	if c.Output.Height == 0 {
		c.Output.Height = DefaultHeight
	}
	if c.Output.FPS == 0 {
		c.Output.FPS = DefaultFPS
	}
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			if s.Status == "" {
				s.Status = StatusDraft
			}
			if s.Layout == "" {
				s.Layout = InferLayout(s)
			}
		}
	}
}

// InferLayout returns the layout a scene without one clearly asks for, or
// "" when the content fits no layout or several:
//
//   - image with bullets or body → "image-text"
//   - image alone (a title is allowed) → "image"
//   - code → "code"
//   - quote → "quote"
//   - bullets → "bullets"
//   - title (and optional subtitle) alone → "title"
//
// Code, quote and image are mutually exclusive here: a scene with two of
// them needs an explicit layout.
func InferLayout(s *Scene) string {
	text := len(s.Bullets) > 0 || s.Body != ""
	kinds := 0
	for _, set := range []bool{s.Image != "", s.Code != "", s.Quote != ""} {
		if set {
			kinds++
		}
	}
	if kinds > 1 {
		return ""
	}
	switch {
	case s.Image != "" && text:
		return "image-text"
	case s.Image != "":
		return "image"
	case s.Code != "":
		return "code"
	case s.Quote != "":
		return "quote"
	case len(s.Bullets) > 0:
		return "bullets"
	case s.Title != "" && s.Body == "":
		return "title"
	}
	return ""
}

// Resolve returns p joined with the course folder when p is relative, and
// p unchanged when it is absolute or empty.
func (c *Course) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// Lesson returns the lesson with the given id, or nil.
func (c *Course) Lesson(id string) *Lesson {
	for _, l := range c.Lessons {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// FindScene returns the scene with the given id and its lesson, or nils.
func (c *Course) FindScene(id string) (*Lesson, *Scene) {
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			if s.ID == id {
				return l, s
			}
		}
	}
	return nil, nil
}

// PosOf returns the position recorded for a dotted key such as
// "lessons.0.scenes.2.image". When the key itself was not written in the
// file (a default), it falls back to the nearest enclosing key that was,
// so errors still point somewhere useful. The zero Pos means unknown.
func (c *Course) PosOf(key string) Pos {
	for key != "" {
		if p, ok := c.Positions[key]; ok {
			return p
		}
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return Pos{}
}

// VoiceFor returns the voice for s: the scene's voice, then the lesson's,
// then the course's (see Voice.Merge). A voice without a language speaks
// the course language. l may be nil.
func (s *Scene) VoiceFor(l *Lesson, c *Course) Voice {
	var v Voice
	if s.Voice != nil {
		v = *s.Voice
	}
	if l != nil && l.Voice != nil {
		v = v.Merge(*l.Voice)
	}
	v = v.Merge(c.Voice)
	if v.Language == "" {
		v.Language = c.Language
	}
	return v
}

// TemplateFor returns the template for s: the scene's, the lesson's, then
// the course's. l may be nil.
func (s *Scene) TemplateFor(l *Lesson, c *Course) string {
	if s.Template != "" {
		return s.Template
	}
	if l != nil && l.Template != "" {
		return l.Template
	}
	return c.Template
}

// Words counts the words of the scene's narration.
func (s *Scene) Words() int {
	n := 0
	in := false
	for _, r := range s.Narration {
		if unicode.IsSpace(r) {
			in = false
			continue
		}
		if !in {
			n++
			in = true
		}
	}
	return n
}
