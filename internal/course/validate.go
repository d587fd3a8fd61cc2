package course

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
)

// Env tells Validate which templates, providers and voices exist. A nil
// function skips the check it serves.
type Env struct {
	// KnownTemplate reports whether a template name exists; Templates
	// lists them for "did you mean" hints.
	KnownTemplate func(name string) bool
	Templates     func() []string
	// KnownProvider reports whether a narration provider exists;
	// Providers lists them.
	KnownProvider func(name string) bool
	Providers     func() []string
	// KnownVoice reports whether provider has a voice of that name;
	// Voices lists a provider's voices. Only asked for known providers.
	KnownVoice func(provider, name string) bool
	Voices     func(provider string) []string
}

// Statuses lists the review statuses, in workflow order.
var Statuses = []string{StatusDraft, StatusApproved, StatusChangesRequested}

var (
	idRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	// langRe is a simple BCP 47 shape check: language, optional script,
	// optional region, optional variants (en, en-US, pt-BR, zh-Hans-CN,
	// es-419, de-CH-1901). Case is not checked.
	langRe = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-[A-Za-z]{2}|-[0-9]{3})?(-[A-Za-z0-9]{5,8}|-[0-9][A-Za-z0-9]{3})*$`)
)

// ValidID reports whether id is a valid lesson or scene id.
func ValidID(id string) bool { return idRe.MatchString(id) }

// ValidLanguage reports whether tag has the shape of a BCP 47 language
// tag such as "en-US".
func ValidLanguage(tag string) bool { return langRe.MatchString(tag) }

// Validate checks a decoded course (after ApplyDefaults) and reports every
// problem it finds, each located at file:line:col when the file says
// where. errs are problems that stop a build; warnings are worth fixing
// but do not (a scene with no narration, for example).
func Validate(c *Course, env Env) (errs fault.List, warnings fault.List) {
	v := &validator{c: c, env: env}
	v.course()
	return v.errs, v.warns
}

type validator struct {
	c     *Course
	env   Env
	errs  fault.List
	warns fault.List
}

func (v *validator) at(key string, format string, args ...any) *fault.Error {
	p := v.c.PosOf(key)
	e := fault.At(v.c.Path, p.Line, p.Col, format, args...)
	v.errs = append(v.errs, e)
	return e
}

func (v *validator) warn(key string, format string, args ...any) *fault.Error {
	p := v.c.PosOf(key)
	e := fault.At(v.c.Path, p.Line, p.Col, format, args...)
	v.warns = append(v.warns, e)
	return e
}

func (v *validator) course() {
	c := v.c
	v.language("course.language", "language", c.Language)
	v.template("course.template", c.Template)
	v.voice("course.voice", c.Voice)
	v.output()
	v.production()
	v.file("course.branding.logo", "logo", c.Branding.Logo)
	if c.Avatar != nil {
		v.avatar("course.avatar", *c.Avatar)
	}

	if len(c.Lessons) == 0 {
		key := "lessons"
		if _, ok := c.Positions[key]; !ok {
			key = ""
		}
		e := v.at(key, "course has no lessons")
		if key == "" {
			e.Line, e.Col = 1, 1
		}
		e.WithHint("add a \"lessons:\" list with at least one lesson and one scene")
		return
	}
	lessonIDs := map[string]string{}
	sceneIDs := map[string]string{}
	for i, l := range c.Lessons {
		lk := "lessons." + strconv.Itoa(i)
		v.id(lk, "lesson", l.ID, l.Title, lessonIDs)
		v.template(lk+".template", l.Template)
		v.lessonProduction(lk, l)
		if l.Voice != nil {
			v.voice(lk+".voice", *l.Voice)
		}
		if len(l.Scenes) == 0 {
			v.at(lk, "lesson %s has no scenes", name(l.ID, i)).
				WithHint("add scenes to it, or remove the lesson")
		}
		for j, s := range l.Scenes {
			v.scene(lk+".scenes."+strconv.Itoa(j), s, j, sceneIDs)
		}
	}
}

func name(id string, i int) string {
	if id == "" {
		return fmt.Sprintf("#%d", i+1)
	}
	return strconv.Quote(id)
}

func (v *validator) id(key, what, id, title string, seen map[string]string) {
	if id == "" {
		e := v.at(key, "%s has no id", what)
		if s := Slug(title); s != "" {
			e.WithHint("add a stable id, for example: id: %s", s)
		} else {
			e.WithHint("add a stable id such as: id: %s-1", what)
		}
		return
	}
	if !ValidID(id) {
		e := v.at(key+".id", "%s id %q must be lower-case letters, digits, \".\", \"_\" or \"-\", starting with a letter or digit", what, id)
		if s := Slug(id); s != "" {
			e.WithHint("try: id: %s", s)
		}
	}
	if first, ok := seen[id]; ok {
		p := v.c.PosOf(first)
		v.at(key+".id", "duplicate %s id %q (first used at line %d:%d)", what, id, p.Line, p.Col).
			WithHint("ids must be unique across the course; rename one of them")
		return
	}
	seen[id] = key + ".id"
}

func (v *validator) scene(key string, s *Scene, j int, ids map[string]string) {
	v.id(key, "scene", s.ID, s.Title, ids)
	label := name(s.ID, j)

	switch {
	case s.Layout == "":
		v.at(key, "scene %s has no layout and none can be inferred", label).
			WithHint("add a layout, one of: %s", strings.Join(Layouts, ", "))
	case !contains(Layouts, s.Layout):
		e := v.at(key+".layout", "unknown layout %q", s.Layout)
		if sug := Suggest(s.Layout, Layouts); sug != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", sug)
		} else {
			e.WithHint("layouts: %s", strings.Join(Layouts, ", "))
		}
	default:
		v.layoutNeeds(key, s, label)
	}

	v.file(key+".image", "image", s.Image)
	v.file(key+".narration_audio", "narration audio", s.NarrationAudio)
	v.sceneProduction(key, s, label)
	v.template(key+".template", s.Template)
	if s.Voice != nil {
		v.voice(key+".voice", *s.Voice)
	}
	if s.Avatar != nil {
		v.avatar(key+".avatar", *s.Avatar)
	}
	if a := s.AvatarFor(v.c); a != nil && a.Provider == "d-id" && a.Image == "" {
		v.at(key, "scene %s has a d-id avatar without an image", label).
			WithHint("set avatar.image to a portrait file or an https URL, on the course or the scene")
	}
	for _, p := range []struct {
		key string
		val float64
	}{{"pause_before", s.PauseBefore}, {"pause_after", s.PauseAfter}, {"min_duration", s.MinDuration}} {
		if p.val < 0 {
			v.at(key+"."+p.key, "%s must not be negative, got %g", p.key, p.val)
		}
	}
	if s.Status != "" && !contains(Statuses, s.Status) {
		e := v.at(key+".status", "unknown status %q", s.Status)
		if sug := Suggest(s.Status, Statuses); sug != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", sug)
		} else {
			e.WithHint("statuses: %s", strings.Join(Statuses, ", "))
		}
	}
	if strings.TrimSpace(s.Narration) == "" && s.NarrationAudio == "" {
		v.warn(key, "scene %s has no narration; it will be silent", label).
			WithHint("add narration: text, or narration_audio: a recorded file")
	}
}

// layoutNeeds checks that a known layout has the field it shows.
func (v *validator) layoutNeeds(key string, s *Scene, label string) {
	var field string
	var missing bool
	switch s.Layout {
	case "image", "image-text", "slide-image":
		field, missing = "image", s.Image == ""
	case "code":
		field, missing = "code", s.Code == ""
	case "quote":
		field, missing = "quote", s.Quote == ""
	case "bullets":
		field, missing = "bullets", len(s.Bullets) == 0
	}
	if missing {
		v.at(key+".layout", "layout %q needs %s, but scene %s has none", s.Layout, field, label).
			WithHint("add %s: to the scene, or change its layout", field)
	}
}

func (v *validator) file(key, what, p string) {
	if p == "" {
		return
	}
	full := v.c.Resolve(p)
	fi, err := os.Stat(full)
	switch {
	case errors.Is(err, os.ErrNotExist):
		e := v.at(key, "%s file %q not found", what, p)
		if full != p {
			e.WithHint("looked for %s (relative paths start at the course folder)", full)
		}
	case err != nil:
		v.at(key, "cannot read %s file %q: %v", what, p, unwrapPathErr(err))
	case fi.IsDir():
		v.at(key, "%s %q is a folder, not a file", what, p)
	}
}

func (v *validator) template(key, t string) {
	if t == "" || v.env.KnownTemplate == nil || v.env.KnownTemplate(t) {
		return
	}
	v.unknown(key, "template", t, v.env.Templates)
}

func (v *validator) unknown(key, what, val string, list func() []string) {
	e := v.at(key, "unknown %s %q", what, val)
	if list == nil {
		return
	}
	names := list()
	if sug := Suggest(val, names); sug != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", sug)
	} else if len(names) > 0 {
		e.WithHint("%ss: %s", what, strings.Join(names, ", "))
	}
}

func (v *validator) voice(key string, vc Voice) {
	if vc.Provider != "" && v.env.KnownProvider != nil && !v.env.KnownProvider(vc.Provider) {
		v.unknown(key+".provider", "provider", vc.Provider, v.env.Providers)
	} else if vc.Provider != "" && vc.Name != "" && v.env.KnownVoice != nil && !v.env.KnownVoice(vc.Provider, vc.Name) {
		var list func() []string
		if v.env.Voices != nil {
			list = func() []string { return v.env.Voices(vc.Provider) }
		}
		v.unknown(key+".name", vc.Provider+" voice", vc.Name, list)
	}
	if vc.Rate < 0 {
		v.at(key+".rate", "voice rate must be positive (1.0 is normal speed), got %g", vc.Rate)
	}
	v.language(key+".language", "voice language", vc.Language)
}

// avatar checks one avatar mapping (course or scene level).
func (v *validator) avatar(key string, a Avatar) {
	enum := func(field, val string, list []string) {
		if val == "" || contains(list, val) {
			return
		}
		e := v.at(key+"."+field, "unknown avatar %s %q", field, val)
		if sug := Suggest(val, list); sug != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", sug)
		} else {
			e.WithHint("avatar %ss: %s", field, strings.Join(list, ", "))
		}
	}
	enum("provider", a.Provider, AvatarProviders)
	enum("position", a.Position, AvatarPositions)
	enum("shape", a.Shape, AvatarShapes)
	if a.Size < 0 || a.Size > 1 {
		v.at(key+".size", "avatar size must be a fraction of the frame height between 0 and 1, got %g", a.Size).
			WithHint("for example size: %g", DefaultAvatarSize)
	}
	if a.Image != "" && !isURL(a.Image) {
		v.file(key+".image", "avatar image", a.Image)
	}
}

// isURL reports whether p is an http(s) URL rather than a file path.
func isURL(p string) bool {
	return strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "http://")
}

func (v *validator) language(key, what, tag string) {
	if tag == "" || ValidLanguage(tag) {
		return
	}
	e := v.at(key, "%s %q is not a language tag like \"en-US\" or \"pt-BR\"", what, tag)
	if fixed := strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"); fixed != tag && ValidLanguage(fixed) {
		e.WithHint("write %s", fixed)
	}
}

func (v *validator) output() {
	o := v.c.Output
	for _, d := range []struct {
		key string
		val int
	}{{"width", o.Width}, {"height", o.Height}} {
		switch {
		case d.val == 0: // unset: ApplyDefaults fills it
		case d.val < 16:
			v.at("course.output."+d.key, "output %s must be at least 16 pixels, got %d", d.key, d.val)
		case d.val%2 != 0:
			v.at("course.output."+d.key, "output %s must be even (H.264 with yuv420p needs it), got %d", d.key, d.val).
				WithHint("use %d", d.val+1)
		}
	}
	if o.FPS != 0 && (o.FPS < 1 || o.FPS > 120) {
		v.at("course.output.fps", "output fps must be between 1 and 120, got %d", o.FPS)
	}
}
