package course

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tecno-video/tecno/internal/fault"
	"go.yaml.in/yaml/v3"
)

// Known keys at each level of course.yaml, in schema (and Marshal) order.
var (
	topKeys      = []string{"version", "course", "lessons"}
	courseKeys   = []string{"title", "language", "author", "template", "voice", "output", "branding", "lexicon", "avatar", "transition", "subtitles", "music", "intro", "outro"}
	voiceKeys    = []string{"provider", "name", "rate", "pitch", "language", "model"}
	outputKeys   = []string{"dir", "width", "height", "fps", "presets"}
	brandingKeys = []string{"logo", "logo_position", "logo_margin", "logo_size", "logo_opacity", "presenter", "presenter_role", "colors", "fonts"}
	avatarKeys   = []string{"provider", "image", "position", "size", "shape"}
	lessonKeys   = []string{"id", "title", "template", "voice", "transition", "subtitles", "music", "intro", "outro", "translations", "scenes"}
	sceneKeys    = []string{
		"id", "layout", "title", "subtitle", "bullets", "body", "image", "code", "language",
		"quote", "author", "template", "narration", "narration_audio", "pause_before",
		"pause_after", "min_duration", "transition", "reveal", "lower_third", "voice", "avatar",
		"notes", "status", "comments",
	}
	commentKeys = []string{"author", "text", "time"}
	bulletKeys  = []string{"text", "bullets"}
)

// Load reads and decodes the course file at path, then applies defaults
// (see ApplyDefaults). Decoding errors come back as a fault.List whose
// entries carry path:line:col. Load does not validate; call Validate.
func Load(path string) (*Course, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, readError(path, err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	c.ApplyDefaults()
	return c, nil
}

func readError(path string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return (&fault.Error{Kind: fault.Input, File: path, Msg: "course file not found", Err: err}).
			WithHint("create one with: tecno init")
	}
	return &fault.Error{Kind: fault.Input, File: path, Msg: fmt.Sprintf("cannot read course file: %v", unwrapPathErr(err)), Err: err}
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse decodes course.yaml bytes strictly. path is used for error
// messages and to set Course.Path and Course.Dir; the file is not read.
// Parse does not apply defaults. On failure the error is a fault.List
// holding every problem found.
func Parse(path string, data []byte) (*Course, error) {
	c, _, err := parseNode(path, data)
	return c, err
}

// parseNode decodes data and also returns the document node.
func parseNode(path string, data []byte) (*Course, *yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, fault.List{(&fault.Error{Kind: fault.Input, File: path, Msg: "course file is empty"}).
			WithHint("create a course with: tecno init")}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, fault.List{(&fault.Error{Kind: fault.Input, File: path, Msg: "course file is empty"}).
				WithHint("create a course with: tecno init")}
		}
		return nil, nil, fault.List{syntaxError(path, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, nil, fault.List{fault.At(path, extra.Line, extra.Column,
			"course file holds more than one yaml document; remove the extra \"---\"")}
	} else if !errors.Is(err, io.EOF) {
		return nil, nil, fault.List{syntaxError(path, err)}
	}

	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	c := &Course{Path: path, Dir: filepath.Dir(abs), Positions: map[string]Pos{}}
	d := &decoder{file: path, pos: c.Positions}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil, fault.List{(&fault.Error{Kind: fault.Input, File: path, Msg: "course file is empty"}).
			WithHint("create a course with: tecno init")}
	}
	if expandedSize(root, map[*yaml.Node]int{}) > maxExpanded {
		return nil, nil, fault.List{fault.At(path, root.Line, root.Column,
			"course file expands to too many values through aliases (*name); write the values out")}
	}
	d.top(root, c)
	if len(d.errs) > 0 {
		return nil, nil, d.errs
	}
	return c, &doc, nil
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns a yaml library error ("yaml: line 3: did not find
// expected key") into a located fault. The library reports only a line.
func syntaxError(path string, err error) *fault.Error {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return (&fault.Error{Kind: fault.Input, File: path, Line: line, Msg: "yaml syntax error: " + m[2], Err: err}).
			WithHint("check the indentation and quoting on this line and the one before it")
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &fault.Error{Kind: fault.Input, File: path, Msg: "yaml syntax error: " + msg, Err: err}
}

type decoder struct {
	file string
	errs fault.List
	pos  map[string]Pos
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) *fault.Error {
	e := fault.At(d.file, n.Line, n.Column, format, args...)
	d.errs = append(d.errs, e)
	return e
}

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// deref follows an alias to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names what a node holds, for "got ..." in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return strconv.Quote(v)
	}
	return "an unexpected value"
}

// fields walks a mapping node: it reports non-mappings, duplicate keys and
// unknown keys, records the position of every known key's value under
// path.key, and calls fn for each known key. A null node is an empty
// mapping.
func (d *decoder) fields(n *yaml.Node, path, what string, known []string, fn func(key string, v *yaml.Node, vpath string)) bool {
	n = deref(n)
	if isNull(n) {
		return true
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping with keys such as %s, got %s", what, listKeys(known, 3), describe(n))
		return false
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s keys must be plain words, got %s", what, describe(k))
			continue
		}
		key := k.Value
		if key == "<<" {
			d.errorf(k, "merge keys (<<) are not supported; write the keys out")
			continue
		}
		if first, ok := seen[key]; ok {
			d.errorf(k, "duplicate key %q (first set at line %d:%d)", key, first.Line, first.Column)
			continue
		}
		seen[key] = k
		if !contains(known, key) {
			d.unknownKey(k, key, what, known)
			continue
		}
		vpath := join(path, key)
		d.pos[vpath] = posOf(v)
		fn(key, deref(v), vpath)
	}
	return true
}

func (d *decoder) unknownKey(k *yaml.Node, key, what string, known []string) {
	if s := Suggest(key, known); s != "" {
		d.errorf(k, "unknown key %q (did you mean %q?)", key, s)
		return
	}
	d.errorf(k, "unknown key %q in %s (valid keys: %s)", key, what, strings.Join(known, ", "))
}

func listKeys(keys []string, n int) string {
	if len(keys) <= n {
		return strings.Join(keys, ", ")
	}
	return strings.Join(keys[:n], ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *decoder) top(n *yaml.Node, c *Course) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "course file must be a mapping with version, course and lessons, got %s", describe(n))
		return
	}
	d.fields(n, "", "the course file", topKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "version":
			c.Version = d.integer(v, "version")
			if c.Version != 0 && c.Version != SchemaVersion {
				d.errorf(v, "unsupported schema version %d (this tecno understands version %d)", c.Version, SchemaVersion)
			}
		case "course":
			d.course(v, p, c)
		case "lessons":
			d.lessons(v, p, c)
		}
	})
}

func (d *decoder) course(n *yaml.Node, path string, c *Course) {
	d.fields(n, path, "course", courseKeys, func(key string, v *yaml.Node, p string) {
		switch key {
		case "title":
			c.Title = d.text(v, key)
		case "language":
			c.Language = d.text(v, key)
		case "author":
			c.Author = d.text(v, key)
		case "template":
			c.Template = d.text(v, key)
		case "voice":
			c.Voice = d.voice(v, p)
		case "output":
			d.fields(v, p, "output", outputKeys, func(key string, v *yaml.Node, _ string) {
				switch key {
				case "dir":
					c.Output.Dir = d.text(v, key)
				case "width":
					c.Output.Width = d.integer(v, key)
				case "height":
					c.Output.Height = d.integer(v, key)
				case "fps":
					c.Output.FPS = d.integer(v, key)
				case "presets":
					c.Output.Presets = d.presets(v, join(p, key))
				}
			})
		case "branding":
			d.branding(v, p, &c.Branding)
		case "lexicon":
			d.lexicon(v, p, c)
		case "avatar":
			c.Avatar = d.avatar(v, p)
		case "transition":
			c.Transition = d.transition(v, p)
		case "subtitles":
			c.Subtitles = d.text(v, key)
		case "music":
			c.Music = d.music(v, p)
		case "intro", "outro":
			card := d.card(v, p, key)
			if key == "intro" {
				c.Intro = card
			} else {
				c.Outro = card
			}
		}
	})
}

func (d *decoder) lexicon(n *yaml.Node, path string, c *Course) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "lexicon must be a mapping of word: spoken form, got %s", describe(n))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.errorf(k, "lexicon words must be text, got %s", describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.errorf(k, "duplicate key %q (first set at line %d:%d)", k.Value, first.Line, first.Column)
			continue
		}
		seen[k.Value] = k
		d.pos[join(path, k.Value)] = posOf(v)
		s := d.text(deref(v), "the spoken form of "+strconv.Quote(k.Value))
		if c.Lexicon == nil {
			c.Lexicon = map[string]string{}
		}
		c.Lexicon[k.Value] = s
	}
}

func (d *decoder) voice(n *yaml.Node, path string) Voice {
	var vc Voice
	d.fields(n, path, "voice", voiceKeys, func(key string, v *yaml.Node, _ string) {
		switch key {
		case "provider":
			vc.Provider = d.text(v, key)
		case "name":
			vc.Name = d.text(v, key)
		case "rate":
			vc.Rate = d.number(v, key)
		case "pitch":
			vc.Pitch = d.number(v, key)
		case "language":
			vc.Language = d.text(v, key)
		case "model":
			vc.Model = d.text(v, key)
		}
	})
	return vc
}

// avatar decodes an avatar mapping; an empty or null one gives nil.
func (d *decoder) avatar(n *yaml.Node, path string) *Avatar {
	var a Avatar
	d.fields(n, path, "avatar", avatarKeys, func(key string, v *yaml.Node, _ string) {
		switch key {
		case "provider":
			a.Provider = d.text(v, key)
		case "image":
			a.Image = d.text(v, key)
		case "position":
			a.Position = d.text(v, key)
		case "size":
			a.Size = d.number(v, "avatar size")
		case "shape":
			a.Shape = d.text(v, key)
		}
	})
	if a == (Avatar{}) {
		return nil
	}
	return &a
}

func (d *decoder) lessons(n *yaml.Node, path string, c *Course) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "lessons must be a list, got %s", describe(n))
		return
	}
	for i, item := range n.Content {
		p := join(path, strconv.Itoa(i))
		d.pos[p] = posOf(item)
		item = deref(item)
		l := &Lesson{Pos: posOf(item)}
		if item.Kind != yaml.MappingNode {
			d.errorf(item, "a lesson must be a mapping with id, title and scenes, got %s", describe(item))
			continue
		}
		d.fields(item, p, "lesson", lessonKeys, func(key string, v *yaml.Node, p string) {
			switch key {
			case "id":
				l.ID = d.text(v, key)
			case "title":
				l.Title = d.text(v, key)
			case "template":
				l.Template = d.text(v, key)
			case "voice":
				if vc := d.voice(v, p); vc != (Voice{}) {
					l.Voice = &vc
				}
			case "scenes":
				l.Scenes = d.scenes(v, p)
			case "transition":
				l.Transition = d.transition(v, p)
			case "subtitles":
				l.Subtitles = d.text(v, key)
			case "music":
				l.Music = d.music(v, p)
			case "intro":
				l.Intro = d.card(v, p, key)
			case "outro":
				l.Outro = d.card(v, p, key)
			case "translations":
				l.Translations = d.stringMap(v, p, "translations", "a language tag: subtitle file (SRT or VTT)")
			}
		})
		c.Lessons = append(c.Lessons, l)
	}
}

func (d *decoder) scenes(n *yaml.Node, path string) []*Scene {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "scenes must be a list, got %s", describe(n))
		return nil
	}
	var out []*Scene
	for i, item := range n.Content {
		p := join(path, strconv.Itoa(i))
		d.pos[p] = posOf(item)
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			d.errorf(item, "a scene must be a mapping with id, layout and narration, got %s", describe(item))
			continue
		}
		s := &Scene{Pos: posOf(item)}
		d.fields(item, p, "scene", sceneKeys, func(key string, v *yaml.Node, p string) {
			d.sceneField(s, key, v, p)
		})
		out = append(out, s)
	}
	return out
}

func (d *decoder) sceneField(s *Scene, key string, v *yaml.Node, p string) {
	switch key {
	case "id":
		s.ID = d.text(v, key)
	case "layout":
		s.Layout = d.text(v, key)
	case "title":
		s.Title = d.text(v, key)
	case "subtitle":
		s.Subtitle = d.text(v, key)
	case "bullets":
		s.Bullets = d.bullets(v, p, "bullets")
	case "body":
		s.Body = d.text(v, key)
	case "image":
		s.Image = d.text(v, key)
	case "code":
		s.Code = d.text(v, key)
	case "language":
		s.Language = d.text(v, key)
	case "quote":
		s.Quote = d.text(v, key)
	case "author":
		s.Author = d.text(v, key)
	case "template":
		s.Template = d.text(v, key)
	case "narration":
		s.Narration = d.text(v, key)
	case "narration_audio":
		s.NarrationAudio = d.text(v, key)
	case "pause_before":
		s.PauseBefore = d.duration(v, key)
	case "pause_after":
		s.PauseAfter = d.duration(v, key)
	case "min_duration":
		s.MinDuration = d.duration(v, key)
	case "transition":
		s.Transition = d.transition(v, p)
	case "reveal":
		s.Reveal = d.text(v, key)
	case "lower_third":
		s.LowerThird = d.text(v, key)
	case "voice":
		if vc := d.voice(v, p); vc != (Voice{}) {
			s.Voice = &vc
		}
	case "avatar":
		s.Avatar = d.avatar(v, p)
	case "notes":
		s.Notes = d.text(v, key)
	case "status":
		s.Status = d.text(v, key)
	case "comments":
		s.Comments = d.comments(v, p)
	}
}

func (d *decoder) comments(n *yaml.Node, path string) []Comment {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "comments must be a list, got %s", describe(n))
		return nil
	}
	var out []Comment
	for i, item := range n.Content {
		p := join(path, strconv.Itoa(i))
		d.pos[p] = posOf(item)
		var cm Comment
		d.fields(item, p, "comment", commentKeys, func(key string, v *yaml.Node, _ string) {
			switch key {
			case "author":
				cm.Author = d.text(v, key)
			case "text":
				cm.Text = d.text(v, key)
			case "time":
				cm.Time = d.text(v, key)
			}
		})
		out = append(out, cm)
	}
	return out
}

// bullets decodes a bullet list. Items are a string, a one-key mapping
// "text: [sub-bullets]" (the compact form), or {text: ..., bullets: [...]}.
func (d *decoder) bullets(n *yaml.Node, path, what string) []Bullet {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list, got %s", what, describe(n))
		return nil
	}
	var out []Bullet
	for i, item := range n.Content {
		p := join(path, strconv.Itoa(i))
		d.pos[p] = posOf(item)
		item = deref(item)
		switch item.Kind {
		case yaml.ScalarNode:
			if isNull(item) || strings.TrimSpace(item.Value) == "" {
				d.errorf(item, "empty bullet; write its text or remove the line")
				continue
			}
			out = append(out, Bullet{Text: item.Value})
		case yaml.MappingNode:
			if b, ok := d.bulletMapping(item, p); ok {
				out = append(out, b)
			}
		default:
			d.errorf(item, "a bullet must be text or \"text:\" followed by a list of sub-bullets, got %s", describe(item))
		}
	}
	return out
}

func (d *decoder) bulletMapping(item *yaml.Node, p string) (Bullet, bool) {
	// Explicit form: {text: "...", bullets: [...]}, recognised by a "text"
	// key holding text.
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := deref(item.Content[i]), deref(item.Content[i+1])
		if k.Value == "text" && v.Kind == yaml.ScalarNode && !isNull(v) {
			var b Bullet
			d.fields(item, p, "bullet", bulletKeys, func(key string, v *yaml.Node, vp string) {
				switch key {
				case "text":
					b.Text = d.text(v, "bullet text")
				case "bullets":
					b.Children = d.bullets(v, vp, "sub-bullets")
				}
			})
			return b, true
		}
	}
	if len(item.Content) != 2 {
		d.errorf(item, "a bullet with sub-bullets must be one key (the bullet text) followed by a list, got %d keys", len(item.Content)/2)
		return Bullet{}, false
	}
	k, v := deref(item.Content[0]), deref(item.Content[1])
	if k.Kind != yaml.ScalarNode || isNull(k) {
		d.errorf(k, "bullet text must be text, got %s", describe(k))
		return Bullet{}, false
	}
	b := Bullet{Text: k.Value}
	vp := join(p, k.Value)
	d.pos[vp] = posOf(item.Content[1])
	switch {
	case isNull(v):
	case v.Kind == yaml.SequenceNode:
		b.Children = d.bullets(v, join(p, "bullets"), "sub-bullets")
	case v.Kind == yaml.ScalarNode:
		whole := k.Value + ": " + v.Value
		d.errorf(k, "bullet %q contains \": \" and reads as a key; quote it", whole).
			WithHint("write - %q", whole)
		return Bullet{}, false
	default:
		d.errorf(v, "sub-bullets of %q must be a list, got %s", k.Value, describe(v))
		return Bullet{}, false
	}
	return b, true
}

// text decodes a scalar as a string. Numbers and booleans are kept as
// written; null is the empty string.
func (d *decoder) text(n *yaml.Node, name string) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s must be text, got %s", name, describe(n))
		return ""
	}
	if isNull(n) {
		return ""
	}
	return n.Value
}

func (d *decoder) integer(n *yaml.Node, name string) int {
	n = deref(n)
	if isNull(n) {
		return 0
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		var i int
		if err := n.Decode(&i); err == nil {
			return i
		}
	}
	d.errorf(n, "%s must be a whole number, got %s", name, describe(n))
	return 0
}

func (d *decoder) number(n *yaml.Node, name string) float64 {
	n = deref(n)
	if isNull(n) {
		return 0
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	d.errorf(n, "%s must be a number, got %s", name, describe(n))
	return 0
}

// duration decodes seconds: a number (1.5) or a string with a unit
// ("1.5s", "500ms", "1m").
func (d *decoder) duration(n *yaml.Node, name string) float64 {
	n = deref(n)
	if isNull(n) {
		return 0
	}
	if n.Kind == yaml.ScalarNode {
		if sec, ok := parseSeconds(n); ok {
			return sec
		}
	}
	d.errorf(n, "%s must be a number of seconds, got %s", name, describe(n)).
		WithHint("write seconds as 1.5, \"1.5s\" or \"500ms\"")
	return 0
}

func parseSeconds(n *yaml.Node) (float64, bool) {
	switch n.Tag {
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, true
		}
		return 0, false
	case "!!str":
		s := strings.TrimSpace(n.Value)
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, true
		}
		if dur, err := time.ParseDuration(s); err == nil {
			return dur.Seconds(), true
		}
	}
	return 0, false
}

// maxExpanded bounds the number of nodes a course expands to once aliases
// are followed, so that an alias bomb cannot stall decoding.
const maxExpanded = 1 << 20

// expandedSize counts the nodes under n with aliases followed, stopping
// early once past maxExpanded.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = maxExpanded + 1 // a cycle counts as too big
	size := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		size += expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		size += expandedSize(c, memo)
		if size > maxExpanded {
			break
		}
	}
	memo[n] = size
	return size
}
