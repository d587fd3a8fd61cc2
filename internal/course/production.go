package course

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Production settings: transitions, bullet reveal, burned subtitles,
// background music, intro and outro cards, branding and output presets.
// They live here, apart from the core model, and hook into decode.go,
// validate.go, marshal.go and schema.go at one line each.

// Transitions lists the scene transitions. A scene's transition is its
// entry: how it replaces the scene before it.
var Transitions = []string{"cut", "fade", "crossfade", "slide-left", "wipe"}

// Transition defaults.
const (
	TransitionCut             = "cut"
	DefaultTransitionDuration = 0.5 // seconds
)

// Transition is a scene's entry transition. Empty fields inherit: scene →
// lesson → course → cut.
type Transition struct {
	Type     string  `json:"type,omitempty"`
	Duration float64 `json:"duration,omitempty"` // seconds, default 0.5
}

// Subtitle modes.
const (
	SubtitlesSoft = "soft" // a subtitle track in the MP4, plus .srt and .vtt (the default)
	SubtitlesBurn = "burn" // drawn into the picture, plus .srt and .vtt
)

// SubtitleModes lists the subtitle modes.
var SubtitleModes = []string{SubtitlesSoft, SubtitlesBurn}

// RevealBullets is the one reveal mode: bullets appear as the narration
// reaches them.
const RevealBullets = "bullets"

// Music is a background music bed. Unset fields inherit from the course's
// music (for a lesson) and then take the defaults (see MusicSettings).
type Music struct {
	Off     bool     `json:"off,omitempty"`      // "music: none" on a lesson turns the course's music off
	File    string   `json:"file,omitempty"`     // audio file, relative to the course file
	Volume  *float64 `json:"volume,omitempty"`   // dB relative to the narration when nobody speaks
	Duck    *float64 `json:"duck,omitempty"`     // dB the music dips under the voice; 0 turns ducking off
	Attack  *float64 `json:"attack,omitempty"`   // seconds the dip takes to start
	Release *float64 `json:"release,omitempty"`  // seconds the music takes to come back
	FadeIn  *float64 `json:"fade_in,omitempty"`  // seconds
	FadeOut *float64 `json:"fade_out,omitempty"` // seconds
	Loop    *bool    `json:"loop,omitempty"`     // repeat a short track to fill the lesson (default true)
}

// Music defaults.
const (
	DefaultMusicVolume  = -18.0 // dB under the narration
	DefaultMusicDuck    = 10.0  // dB
	DefaultMusicAttack  = 0.05  // s
	DefaultMusicRelease = 0.6   // s
	DefaultMusicFadeIn  = 2.0   // s
	DefaultMusicFadeOut = 3.0   // s
)

// MusicSettings is a lesson's resolved music: every field set.
type MusicSettings struct {
	File    string  `json:"file"` // as written (resolve with Course.Resolve)
	Volume  float64 `json:"volume"`
	Duck    float64 `json:"duck"`
	Attack  float64 `json:"attack"`
	Release float64 `json:"release"`
	FadeIn  float64 `json:"fade_in"`
	FadeOut float64 `json:"fade_out"`
	Loop    bool    `json:"loop"`
}

// merge returns m with its unset fields taken from parent.
func (m Music) merge(parent Music) Music {
	if m.File == "" {
		m.File = parent.File
	}
	for _, f := range []struct{ dst, src **float64 }{
		{&m.Volume, &parent.Volume}, {&m.Duck, &parent.Duck}, {&m.Attack, &parent.Attack},
		{&m.Release, &parent.Release}, {&m.FadeIn, &parent.FadeIn}, {&m.FadeOut, &parent.FadeOut},
	} {
		if *f.dst == nil {
			*f.dst = *f.src
		}
	}
	if m.Loop == nil {
		m.Loop = parent.Loop
	}
	return m
}

// MusicFor returns the lesson's music, or nil when it has none.
func (l *Lesson) MusicFor(c *Course) *MusicSettings {
	var m Music
	switch {
	case l != nil && l.Music != nil && l.Music.Off:
		return nil
	case l != nil && l.Music != nil && c.Music != nil:
		m = l.Music.merge(*c.Music)
	case l != nil && l.Music != nil:
		m = *l.Music
	case c.Music != nil:
		m = *c.Music
	}
	if m.Off || m.File == "" {
		return nil
	}
	or := func(p *float64, def float64) float64 {
		if p == nil {
			return def
		}
		return *p
	}
	s := &MusicSettings{
		File:    m.File,
		Volume:  or(m.Volume, DefaultMusicVolume),
		Duck:    or(m.Duck, DefaultMusicDuck),
		Attack:  or(m.Attack, DefaultMusicAttack),
		Release: or(m.Release, DefaultMusicRelease),
		FadeIn:  or(m.FadeIn, DefaultMusicFadeIn),
		FadeOut: or(m.FadeOut, DefaultMusicFadeOut),
		Loop:    m.Loop == nil || *m.Loop,
	}
	return s
}

// Card is an intro or outro: a video file, or a generated title card (intro)
// or end card (outro). A lesson's card replaces the course's.
type Card struct {
	Off       bool    `json:"off,omitempty"`       // "intro: none" on a lesson turns the course's card off
	File      string  `json:"file,omitempty"`      // a video file instead of a generated card
	Title     string  `json:"title,omitempty"`     // default: the lesson title (intro), the course title (outro)
	Text      string  `json:"text,omitempty"`      // the line under the title; on an outro, the call to action
	Duration  float64 `json:"duration,omitempty"`  // seconds a card stays up (default 4), at least its narration
	Narration string  `json:"narration,omitempty"` // optional voice over the card
}

// DefaultCardDuration is how long a generated card stays up.
const DefaultCardDuration = 4.0

// IntroFor returns the lesson's intro, or nil.
func (l *Lesson) IntroFor(c *Course) *Card { return pickCard(l.Intro, c.Intro) }

// OutroFor returns the lesson's outro, or nil.
func (l *Lesson) OutroFor(c *Course) *Card { return pickCard(l.Outro, c.Outro) }

func pickCard(lesson, course *Card) *Card {
	card := course
	if lesson != nil {
		card = lesson
	}
	if card == nil || card.Off {
		return nil
	}
	return card
}

// TransitionFor returns the scene's entry transition: its own, else its
// lesson's, else the course's, else a cut; the duration defaults to 0.5 s.
func (s *Scene) TransitionFor(l *Lesson, c *Course) Transition {
	var t Transition
	for _, lv := range []*Transition{s.Transition, lessonTransition(l), c.Transition} {
		if lv == nil {
			continue
		}
		if t.Type == "" {
			t.Type = lv.Type
		}
		if t.Duration == 0 {
			t.Duration = lv.Duration
		}
	}
	if t.Type == "" {
		t.Type = TransitionCut
	}
	if t.Duration <= 0 {
		t.Duration = DefaultTransitionDuration
	}
	return t
}

func lessonTransition(l *Lesson) *Transition {
	if l == nil {
		return nil
	}
	return l.Transition
}

// SubtitlesFor returns the lesson's subtitle mode (soft by default).
func (l *Lesson) SubtitlesFor(c *Course) string {
	if l != nil && l.Subtitles != "" {
		return l.Subtitles
	}
	if c.Subtitles != "" {
		return c.Subtitles
	}
	return SubtitlesSoft
}

// LowerThirdText returns the lower third a scene shows: its own text, or
// the presenter's name and role for "lower_third: true"; nil for none.
func (s *Scene) LowerThirdText(c *Course) []string {
	switch strings.ToLower(strings.TrimSpace(s.LowerThird)) {
	case "", "false", "no", "off", "none":
		return nil
	case "true", "yes", "on", "presenter":
		if c.Branding.Presenter == "" {
			return nil
		}
		out := []string{c.Branding.Presenter}
		if c.Branding.PresenterRole != "" {
			out = append(out, c.Branding.PresenterRole)
		}
		return out
	}
	var out []string
	for _, l := range strings.Split(s.LowerThird, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Logo positions.
var LogoPositions = []string{"top-right", "top-left", "bottom-right", "bottom-left"}

// Logo defaults, in design pixels of a 1080-pixel-high frame.
const (
	DefaultLogoPosition = "top-right"
	DefaultLogoMargin   = 48.0
	DefaultLogoSize     = 160.0 // width
	DefaultLogoOpacity  = 1.0
)

// Output presets: sizes, and formats made beside the MP4.
var Presets = []string{"1080p", "720p", "4k", "vertical", "square", "webm", "audio-only"}

// PresetSize returns the frame size of a size preset; ok is false for the
// format presets (webm, audio-only) and unknown names.
func PresetSize(name string) (w, h int, ok bool) {
	switch name {
	case "1080p":
		return 1920, 1080, true
	case "720p":
		return 1280, 720, true
	case "4k":
		return 3840, 2160, true
	case "vertical":
		return 1080, 1920, true
	case "square":
		return 1080, 1080, true
	}
	return 0, 0, false
}

// Keys of the production mappings, in schema (and Marshal) order.
var (
	transitionKeys = []string{"type", "duration"}
	musicKeys      = []string{"file", "volume", "duck", "attack", "release", "fade_in", "fade_out", "loop"}
	cardKeys       = []string{"file", "title", "text", "duration", "narration"}
)

// colorRe matches the colours branding may set.
var colorRe = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)

// offWords turn a lesson's inherited music or card off.
var offWords = []string{"none", "off", "false", "no"}

// transition decodes "fade" or {type: fade, duration: 0.8}.
func (d *decoder) transition(n *yaml.Node, path string) *Transition {
	if isNull(n) {
		return nil
	}
	var t Transition
	if n.Kind == yaml.ScalarNode {
		t.Type = d.text(n, "transition")
		return &t
	}
	d.fields(n, path, "transition", transitionKeys, func(key string, v *yaml.Node, _ string) {
		switch key {
		case "type":
			t.Type = d.text(v, "transition type")
		case "duration":
			t.Duration = d.duration(v, "transition duration")
		}
	})
	if t == (Transition{}) {
		return nil
	}
	return &t
}

// music decodes a music mapping, a file name, or "none".
func (d *decoder) music(n *yaml.Node, path string) *Music {
	if isNull(n) {
		return nil
	}
	var m Music
	if n.Kind == yaml.ScalarNode {
		s := d.text(n, "music")
		if contains(offWords, strings.ToLower(s)) {
			return &Music{Off: true}
		}
		m.File = s
		return &m
	}
	num := func(v *yaml.Node, name string) *float64 {
		f := d.number(v, name)
		return &f
	}
	secs := func(v *yaml.Node, name string) *float64 {
		f := d.duration(v, name)
		return &f
	}
	d.fields(n, path, "music", musicKeys, func(key string, v *yaml.Node, _ string) {
		switch key {
		case "file":
			m.File = d.text(v, "music file")
		case "volume":
			m.Volume = num(v, "music volume")
		case "duck":
			m.Duck = num(v, "music duck")
		case "attack":
			m.Attack = secs(v, "music attack")
		case "release":
			m.Release = secs(v, "music release")
		case "fade_in":
			m.FadeIn = secs(v, "music fade_in")
		case "fade_out":
			m.FadeOut = secs(v, "music fade_out")
		case "loop":
			b := d.boolean(v, "music loop")
			m.Loop = &b
		}
	})
	return &m
}

// card decodes an intro or outro: a mapping, "true"/"card" for a generated
// card with the defaults, "none" to turn it off, or a video file name.
func (d *decoder) card(n *yaml.Node, path, what string) *Card {
	if isNull(n) {
		return nil
	}
	var c Card
	if n.Kind == yaml.ScalarNode {
		s := d.text(n, what)
		switch strings.ToLower(s) {
		case "true", "yes", "card", "on":
			return &c
		}
		if contains(offWords, strings.ToLower(s)) {
			return &Card{Off: true}
		}
		c.File = s
		return &c
	}
	d.fields(n, path, what, cardKeys, func(key string, v *yaml.Node, _ string) {
		switch key {
		case "file":
			c.File = d.text(v, what+" file")
		case "title":
			c.Title = d.text(v, what+" title")
		case "text":
			c.Text = d.text(v, what+" text")
		case "duration":
			c.Duration = d.duration(v, what+" duration")
		case "narration":
			c.Narration = d.text(v, what+" narration")
		}
	})
	return &c
}

// boolean decodes true/false (and yes/no, on/off as written).
func (d *decoder) boolean(n *yaml.Node, name string) bool {
	n = deref(n)
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on":
			return true
		case "false", "no", "off":
			return false
		}
	}
	d.errorf(n, "%s must be true or false, got %s", name, describe(n))
	return false
}

// branding decodes the branding mapping.
func (d *decoder) branding(n *yaml.Node, path string, b *Branding) {
	d.fields(n, path, "branding", brandingKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "logo":
			b.Logo = d.text(v, key)
		case "logo_position":
			b.LogoPosition = d.text(v, key)
		case "logo_margin":
			b.LogoMargin = d.number(v, key)
		case "logo_size":
			b.LogoSize = d.number(v, key)
		case "logo_opacity":
			b.LogoOpacity = d.number(v, key)
		case "presenter":
			b.Presenter = d.text(v, key)
		case "presenter_role":
			b.PresenterRole = d.text(v, key)
		case "colors":
			b.Colors = d.stringMap(v, p, "branding colors", "a colour role: #rrggbb")
		case "fonts":
			b.Fonts = d.stringMap(v, p, "branding fonts", "a font role: font file or embedded font")
		}
	})
}

// stringMap decodes a mapping of text to text.
func (d *decoder) stringMap(n *yaml.Node, path, what, shape string) map[string]string {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping of %s, got %s", what, shape, describe(n))
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.errorf(k, "%s keys must be text, got %s", what, describe(k))
			continue
		}
		if _, dup := out[k.Value]; dup {
			d.errorf(k, "duplicate key %q", k.Value)
			continue
		}
		d.pos[join(path, k.Value)] = posOf(v)
		out[k.Value] = d.text(deref(v), fmt.Sprintf("%s %q", what, k.Value))
	}
	return out
}

// presets decodes a list of preset names (or one name).
func (d *decoder) presets(n *yaml.Node, path string) []string {
	if isNull(n) {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{d.text(n, "presets")}
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "presets must be a list such as [1080p, webm], got %s", describe(n))
		return nil
	}
	var out []string
	for i, item := range n.Content {
		d.pos[join(path, fmt.Sprint(i))] = posOf(item)
		out = append(out, d.text(item, "a preset"))
	}
	return out
}

// ---- validation ----

func (v *validator) enum(key, what, val string, list []string) {
	if val == "" || contains(list, val) {
		return
	}
	e := v.at(key, "unknown %s %q", what, val)
	if sug := Suggest(val, list); sug != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", sug)
	} else {
		e.WithHint("%ss: %s", what, strings.Join(list, ", "))
	}
}

func (v *validator) transition(key string, t *Transition) {
	if t == nil {
		return
	}
	tk := key
	if _, ok := v.c.Positions[key+".type"]; ok {
		tk = key + ".type"
	}
	v.enum(tk, "transition", t.Type, Transitions)
	if t.Duration < 0 || t.Duration > 5 {
		v.at(key+".duration", "transition duration must be between 0 and 5 seconds, got %g", t.Duration)
	}
}

func (v *validator) music(key string, m *Music) {
	if m == nil || m.Off {
		return
	}
	fk := key
	if _, ok := v.c.Positions[key+".file"]; ok {
		fk = key + ".file"
	}
	v.file(fk, "music", m.File)
	check := func(field string, p *float64, lo, hi float64, unit string) {
		if p != nil && (*p < lo || *p > hi) {
			v.at(key+"."+field, "music %s must be between %g and %g %s, got %g", field, lo, hi, unit, *p)
		}
	}
	check("volume", m.Volume, -60, 0, "dB")
	check("duck", m.Duck, 0, 40, "dB")
	check("attack", m.Attack, 0.001, 2, "seconds")
	check("release", m.Release, 0.01, 9, "seconds")
	check("fade_in", m.FadeIn, 0, 60, "seconds")
	check("fade_out", m.FadeOut, 0, 60, "seconds")
}

func (v *validator) card(key, what string, c *Card) {
	if c == nil || c.Off {
		return
	}
	fk := key
	if _, ok := v.c.Positions[key+".file"]; ok {
		fk = key + ".file"
	}
	v.file(fk, what+" video", c.File)
	if c.File != "" && (c.Title != "" || c.Text != "" || c.Narration != "") {
		v.at(key, "%s has a video file and card text; use one or the other", what).
			WithHint("remove file: for a generated card, or title/text/narration for a video %s", what)
	}
	if c.Duration < 0 || c.Duration > 60 {
		v.at(key+".duration", "%s duration must be between 0 and 60 seconds, got %g", what, c.Duration)
	}
}

// production checks the course-level production settings.
func (v *validator) production() {
	c := v.c
	v.transition("course.transition", c.Transition)
	v.enum("course.subtitles", "subtitle mode", c.Subtitles, SubtitleModes)
	v.music("course.music", c.Music)
	if c.Music != nil && c.Music.Off {
		v.at("course.music", "music: none only makes sense on a lesson, to turn the course's music off")
	}
	v.card("course.intro", "intro", c.Intro)
	v.card("course.outro", "outro", c.Outro)
	for i, p := range c.Output.Presets {
		v.enum(fmt.Sprintf("course.output.presets.%d", i), "preset", p, Presets)
	}
	b := c.Branding
	v.enum("course.branding.logo_position", "logo position", b.LogoPosition, LogoPositions)
	if b.LogoMargin < 0 || b.LogoMargin > 500 {
		v.at("course.branding.logo_margin", "logo_margin must be between 0 and 500 pixels, got %g", b.LogoMargin)
	}
	if b.LogoSize < 0 || b.LogoSize > 1920 {
		v.at("course.branding.logo_size", "logo_size must be between 0 and 1920 pixels, got %g", b.LogoSize)
	}
	if b.LogoOpacity < 0 || b.LogoOpacity > 1 {
		v.at("course.branding.logo_opacity", "logo_opacity must be between 0 and 1, got %g", b.LogoOpacity)
	}
	for role, val := range b.Colors {
		if !colorRe.MatchString(val) {
			v.at("course.branding.colors."+role, "branding colour %s must be #rgb, #rrggbb or #rrggbbaa, got %q", role, val)
		}
	}
	for role, f := range b.Fonts {
		if strings.ContainsAny(f, `/\`) || strings.Contains(strings.ToLower(f), ".tt") || strings.Contains(strings.ToLower(f), ".ot") {
			v.file("course.branding.fonts."+role, "font", f)
		}
	}
}

// lessonProduction checks a lesson's production overrides.
func (v *validator) lessonProduction(key string, l *Lesson) {
	v.transition(key+".transition", l.Transition)
	v.enum(key+".subtitles", "subtitle mode", l.Subtitles, SubtitleModes)
	v.music(key+".music", l.Music)
	v.card(key+".intro", "intro", l.Intro)
	v.card(key+".outro", "outro", l.Outro)
	for _, lang := range sortedKeys(l.Translations) {
		k := key + ".translations." + lang
		if !ValidLanguage(lang) {
			v.at(k, "translation language %q is not a language tag like \"pt-BR\"", lang)
		}
		f := l.Translations[lang]
		if ext := strings.ToLower(filepath.Ext(f)); ext != ".srt" && ext != ".vtt" {
			v.at(k, "translation %s must be an .srt or .vtt file, got %q", lang, f)
			continue
		}
		v.file(k, "translation", f)
	}
}

// sceneProduction checks a scene's production settings.
func (v *validator) sceneProduction(key string, s *Scene, label string) {
	v.transition(key+".transition", s.Transition)
	if s.Reveal != "" {
		v.enum(key+".reveal", "reveal mode", s.Reveal, []string{RevealBullets})
		if s.Reveal == RevealBullets && len(s.Bullets) == 0 {
			v.at(key+".reveal", "scene %s reveals bullets but has none", label).
				WithHint("add bullets: to the scene, or remove reveal:")
		}
	}
	if lt := strings.ToLower(strings.TrimSpace(s.LowerThird)); (lt == "true" || lt == "yes" || lt == "on" || lt == "presenter") && v.c.Branding.Presenter == "" {
		v.at(key+".lower_third", "scene %s shows the presenter's lower third, but branding.presenter is not set", label).
			WithHint("set course.branding.presenter to the presenter's name, or write the text: lower_third: \"Ana Souza\"")
	}
}

// ---- marshal ----

func transitionNode(t *Transition) *yaml.Node {
	if t.Duration == 0 {
		return strNode(t.Type)
	}
	n := mapNode()
	addStr(n, "type", t.Type)
	addFloat(n, "duration", t.Duration)
	return n
}

func musicNode(m *Music) *yaml.Node {
	if m.Off {
		return strNode("none")
	}
	n := mapNode()
	addStr(n, "file", m.File)
	for _, f := range []struct {
		key string
		val *float64
	}{{"volume", m.Volume}, {"duck", m.Duck}, {"attack", m.Attack}, {"release", m.Release}, {"fade_in", m.FadeIn}, {"fade_out", m.FadeOut}} {
		if f.val != nil {
			n.Content = append(n.Content, strNode(f.key), floatNode(*f.val))
		}
	}
	if m.Loop != nil {
		n.Content = append(n.Content, strNode("loop"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(*m.Loop)})
	}
	return n
}

func cardNode(c *Card) *yaml.Node {
	if c.Off {
		return strNode("none")
	}
	n := mapNode()
	addStr(n, "file", c.File)
	addStr(n, "title", c.Title)
	addStr(n, "text", c.Text)
	addFloat(n, "duration", c.Duration)
	addStr(n, "narration", c.Narration)
	if len(n.Content) == 0 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}
	}
	return n
}

func floatNode(f float64) *yaml.Node {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(int64(f))}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(f)}
}

// addNode adds key: n unless n is an empty mapping.
func addNode(m *yaml.Node, key string, n *yaml.Node) {
	if n == nil || (n.Kind == yaml.MappingNode && len(n.Content) == 0) {
		return
	}
	m.Content = append(m.Content, strNode(key), n)
}

// productionNodes adds the course-level production keys to cn.
func productionNodes(cn *yaml.Node, c *Course) {
	if c.Transition != nil {
		addNode(cn, "transition", transitionNode(c.Transition))
	}
	addStr(cn, "subtitles", c.Subtitles)
	if c.Music != nil {
		addNode(cn, "music", musicNode(c.Music))
	}
	if c.Intro != nil {
		addNode(cn, "intro", cardNode(c.Intro))
	}
	if c.Outro != nil {
		addNode(cn, "outro", cardNode(c.Outro))
	}
}

// lessonProductionNodes adds a lesson's production keys to ln.
func lessonProductionNodes(ln *yaml.Node, l *Lesson) {
	if l.Transition != nil {
		addNode(ln, "transition", transitionNode(l.Transition))
	}
	addStr(ln, "subtitles", l.Subtitles)
	if l.Music != nil {
		addNode(ln, "music", musicNode(l.Music))
	}
	if l.Intro != nil {
		addNode(ln, "intro", cardNode(l.Intro))
	}
	if l.Outro != nil {
		addNode(ln, "outro", cardNode(l.Outro))
	}
	if len(l.Translations) > 0 {
		mn := mapNode()
		for _, k := range sortedKeys(l.Translations) {
			mn.Content = append(mn.Content, strNode(k), strNode(l.Translations[k]))
		}
		ln.Content = append(ln.Content, strNode("translations"), mn)
	}
}

// brandingNode returns the branding mapping.
func brandingNode(b Branding) *yaml.Node {
	n := mapNode()
	addStr(n, "logo", b.Logo)
	addStr(n, "logo_position", b.LogoPosition)
	addFloat(n, "logo_margin", b.LogoMargin)
	addFloat(n, "logo_size", b.LogoSize)
	addFloat(n, "logo_opacity", b.LogoOpacity)
	addStr(n, "presenter", b.Presenter)
	addStr(n, "presenter_role", b.PresenterRole)
	for _, m := range []struct {
		key string
		val map[string]string
	}{{"colors", b.Colors}, {"fonts", b.Fonts}} {
		if len(m.val) == 0 {
			continue
		}
		mn := mapNode()
		for _, k := range sortedKeys(m.val) {
			mn.Content = append(mn.Content, strNode(k), strNode(m.val[k]))
		}
		n.Content = append(n.Content, strNode(m.key), mn)
	}
	return n
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// ---- schema ----

func subtitlesSchema() obj {
	return obj{{"description", "soft: a subtitle track (default); burn: drawn into the picture. .srt and .vtt files are written either way."},
		{"enum", append(strs(SubtitleModes), nil)}}
}

func presetsSchema() obj {
	return obj{{"description", "Extra outputs: sizes (the first is the main MP4; the others are written as <lesson>-<preset>.mp4) and formats (webm beside the MP4, audio-only as M4A)."},
		{"anyOf", []any{
			obj{{"type", "array"}, {"items", obj{{"enum", strs(Presets)}}}},
			obj{{"enum", append(strs(Presets), nil)}},
		}}}
}

func brandingSchema(text func(string) obj) map[string]any {
	number := func(desc string, lo, hi float64) obj {
		return obj{{"description", desc}, {"type", []string{"number", "null"}}, {"minimum", lo}, {"maximum", hi}}
	}
	colors := obj{{"description", "Template colour overrides: a palette role (background, surface, text, muted, accent, accent_text, code_*) or a named colour of the template → #rrggbb."},
		{"type", []string{"object", "null"}}, {"additionalProperties", obj{{"type", "string"}, {"pattern", colorRe.String()}}}}
	fonts := obj{{"description", "Template font overrides: a font role (title, body, code, quote, label) → an embedded font name or a .ttf/.otf file relative to the course file."},
		{"type", []string{"object", "null"}}, {"additionalProperties", obj{{"type", "string"}}}}
	return map[string]any{
		"logo":           text("Logo image file, relative to the course file, drawn on every frame."),
		"logo_position":  obj{{"description", "Corner of the logo (default " + DefaultLogoPosition + ")."}, {"enum", append(strs(LogoPositions), nil)}},
		"logo_margin":    number(fmt.Sprintf("Distance from the edges in design pixels (default %g).", DefaultLogoMargin), 0, 500),
		"logo_size":      number(fmt.Sprintf("Logo width in design pixels (default %g).", DefaultLogoSize), 0, 1920),
		"logo_opacity":   number("Logo opacity, 0 to 1 (default 1).", 0, 1),
		"presenter":      text("Presenter's name, shown by scenes with lower_third: true."),
		"presenter_role": text("Second line of the lower third, e.g. the presenter's role."),
		"colors":         colors,
		"fonts":          fonts,
	}
}

func transitionSchema(dur func(string) obj) obj {
	kind := obj{{"enum", strs(Transitions)}}
	return obj{
		{"description", "Scene entry transition: a type name, or {type, duration}."},
		{"anyOf", []any{
			kind,
			obj{{"type", "object"}, {"properties", props(transitionKeys, map[string]any{
				"type":     obj{{"description", "Transition type (cut, fade through black, crossfade, slide-left, wipe)."}, {"enum", append(strs(Transitions), nil)}},
				"duration": dur(fmt.Sprintf("Length of the transition (default %g s).", DefaultTransitionDuration)),
			})}, {"additionalProperties", false}},
			obj{{"type", "null"}},
		}},
	}
}

func musicSchema(text func(string) obj, dur func(string) obj) obj {
	number := func(desc string) obj { return obj{{"description", desc}, {"type", []string{"number", "null"}}} }
	return obj{
		{"description", "Background music: a file name, a mapping, or none (on a lesson, to turn the course's music off)."},
		{"anyOf", []any{
			obj{{"type", "string"}},
			obj{{"type", "object"}, {"properties", props(musicKeys, map[string]any{
				"file":     text("Music file, relative to the course file."),
				"volume":   number(fmt.Sprintf("Music level in dB relative to the narration, when nobody speaks (default %g).", DefaultMusicVolume)),
				"duck":     number(fmt.Sprintf("How far the music dips under the voice, in dB (default %g; 0 turns ducking off).", DefaultMusicDuck)),
				"attack":   dur(fmt.Sprintf("How fast the music dips when the voice starts (default %g s).", DefaultMusicAttack)),
				"release":  dur(fmt.Sprintf("How fast the music comes back after the voice (default %g s).", DefaultMusicRelease)),
				"fade_in":  dur(fmt.Sprintf("Fade-in at the start of the lesson (default %g s).", DefaultMusicFadeIn)),
				"fade_out": dur(fmt.Sprintf("Fade-out at the end of the lesson (default %g s).", DefaultMusicFadeOut)),
				"loop":     obj{{"description", "Repeat a short track to fill the lesson (default true); otherwise it ends."}, {"type", []string{"boolean", "null"}}},
			})}, {"additionalProperties", false}},
			obj{{"type", "null"}},
		}},
	}
}

func cardSchema(what string, text func(string) obj, dur func(string) obj) obj {
	desc := "Title card before every lesson: true for the default card (lesson title, course title, author), a video file name, or a mapping."
	textDesc := "Line under the title (default: the author)."
	if what == "outro" {
		desc = "End card after every lesson: true for the default card, a video file name, or a mapping."
		textDesc = "The call to action under the title."
	}
	return obj{
		{"description", desc},
		{"anyOf", []any{
			obj{{"type", []string{"string", "boolean"}}},
			obj{{"type", "object"}, {"properties", props(cardKeys, map[string]any{
				"file":      text("A video file used instead of a generated card, relative to the course file."),
				"title":     text("Card title."),
				"text":      text(textDesc),
				"duration":  dur(fmt.Sprintf("How long the card stays up (default %g s, at least its narration).", DefaultCardDuration)),
				"narration": text("Narration over the card."),
			})}, {"additionalProperties", false}},
			obj{{"type", "null"}},
		}},
	}
}
