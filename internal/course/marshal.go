package course

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Marshal writes c as a clean course.yaml: 2-space indentation, keys in
// schema order, empty fields left out, bullets in the compact form
// ("- text" or "- text:" followed by sub-bullets) and multi-line text as
// literal blocks. Parse of the result gives back an equal course. It is
// meant for new files (tecno init, ingest); edits to an existing file go
// through Document, which keeps the user's formatting.
func Marshal(c *Course) ([]byte, error) {
	root := mapNode()
	version := c.Version
	if version == 0 {
		version = SchemaVersion
	}
	addInt(root, "version", version)

	cn := mapNode()
	addStr(cn, "title", c.Title)
	addStr(cn, "language", c.Language)
	addStr(cn, "author", c.Author)
	addStr(cn, "template", c.Template)
	addMap(cn, "voice", voiceNode(c.Voice))
	out := mapNode()
	addStr(out, "dir", c.Output.Dir)
	addInt(out, "width", c.Output.Width)
	addInt(out, "height", c.Output.Height)
	addInt(out, "fps", c.Output.FPS)
	if len(c.Output.Presets) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, p := range c.Output.Presets {
			seq.Content = append(seq.Content, strNode(p))
		}
		out.Content = append(out.Content, strNode("presets"), seq)
	}
	addMap(cn, "output", out)
	addMap(cn, "branding", brandingNode(c.Branding))
	if len(c.Lexicon) > 0 {
		lex := mapNode()
		words := make([]string, 0, len(c.Lexicon))
		for w := range c.Lexicon {
			words = append(words, w)
		}
		sort.Strings(words)
		for _, w := range words {
			lex.Content = append(lex.Content, strNode(w), strNode(c.Lexicon[w]))
		}
		addMap(cn, "lexicon", lex)
	}
	if c.Avatar != nil {
		addMap(cn, "avatar", avatarNode(*c.Avatar))
	}
	productionNodes(cn, c)
	addMap(root, "course", cn)

	lessons := &yaml.Node{Kind: yaml.SequenceNode}
	for _, l := range c.Lessons {
		ln := mapNode()
		addStr(ln, "id", l.ID)
		addStr(ln, "title", l.Title)
		addStr(ln, "template", l.Template)
		if l.Voice != nil {
			addMap(ln, "voice", voiceNode(*l.Voice))
		}
		lessonProductionNodes(ln, l)
		scenes := &yaml.Node{Kind: yaml.SequenceNode}
		for _, s := range l.Scenes {
			scenes.Content = append(scenes.Content, sceneNode(s))
		}
		ln.Content = append(ln.Content, strNode("scenes"), scenes)
		lessons.Content = append(lessons.Content, ln)
	}
	root.Content = append(root.Content, strNode("lessons"), lessons)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sceneNode returns s as a YAML mapping node in schema key order, with
// empty fields left out.
func sceneNode(s *Scene) *yaml.Node {
	sn := mapNode()
	addStr(sn, "id", s.ID)
	addStr(sn, "layout", s.Layout)
	addStr(sn, "title", s.Title)
	addStr(sn, "subtitle", s.Subtitle)
	if len(s.Bullets) > 0 {
		sn.Content = append(sn.Content, strNode("bullets"), bulletsNode(s.Bullets))
	}
	addStr(sn, "body", s.Body)
	addStr(sn, "image", s.Image)
	addStr(sn, "code", s.Code)
	addStr(sn, "language", s.Language)
	addStr(sn, "quote", s.Quote)
	addStr(sn, "author", s.Author)
	addStr(sn, "template", s.Template)
	addStr(sn, "narration", s.Narration)
	addStr(sn, "narration_audio", s.NarrationAudio)
	addFloat(sn, "pause_before", s.PauseBefore)
	addFloat(sn, "pause_after", s.PauseAfter)
	addFloat(sn, "min_duration", s.MinDuration)
	if s.Transition != nil {
		addNode(sn, "transition", transitionNode(s.Transition))
	}
	addStr(sn, "reveal", s.Reveal)
	addStr(sn, "lower_third", s.LowerThird)
	if s.Voice != nil {
		addMap(sn, "voice", voiceNode(*s.Voice))
	}
	if s.Avatar != nil {
		addMap(sn, "avatar", avatarNode(*s.Avatar))
	}
	addStr(sn, "notes", s.Notes)
	addStr(sn, "status", s.Status)
	if len(s.Comments) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, cm := range s.Comments {
			seq.Content = append(seq.Content, commentNode(cm))
		}
		sn.Content = append(sn.Content, strNode("comments"), seq)
	}
	return sn
}

// commentNode returns a review comment as a YAML mapping node.
func commentNode(cm Comment) *yaml.Node {
	n := mapNode()
	addStr(n, "author", cm.Author)
	n.Content = append(n.Content, strNode("text"), strNode(cm.Text))
	addStr(n, "time", cm.Time)
	return n
}

func bulletsNode(bs []Bullet) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, b := range bs {
		if len(b.Children) == 0 {
			seq.Content = append(seq.Content, strNode(b.Text))
			continue
		}
		m := mapNode()
		m.Content = append(m.Content, strNode(b.Text), bulletsNode(b.Children))
		seq.Content = append(seq.Content, m)
	}
	return seq
}

func voiceNode(v Voice) *yaml.Node {
	n := mapNode()
	addStr(n, "provider", v.Provider)
	addStr(n, "name", v.Name)
	addFloat(n, "rate", v.Rate)
	addFloat(n, "pitch", v.Pitch)
	addStr(n, "language", v.Language)
	addStr(n, "model", v.Model)
	return n
}

func avatarNode(a Avatar) *yaml.Node {
	n := mapNode()
	addStr(n, "provider", a.Provider)
	addStr(n, "image", a.Image)
	addStr(n, "position", a.Position)
	addFloat(n, "size", a.Size)
	addStr(n, "shape", a.Shape)
	return n
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

// strNode is a string scalar. The !!str tag makes the encoder quote
// values that would otherwise read as numbers, booleans or null.
func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func addStr(m *yaml.Node, key, val string) {
	if val != "" {
		m.Content = append(m.Content, strNode(key), strNode(val))
	}
}

func addInt(m *yaml.Node, key string, val int) {
	if val != 0 {
		m.Content = append(m.Content, strNode(key), &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.Itoa(val)})
	}
}

func addFloat(m *yaml.Node, key string, val float64) {
	if val != 0 {
		m.Content = append(m.Content, strNode(key), &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatFloat(val, 'g', -1, 64)})
	}
}

func addMap(m *yaml.Node, key string, val *yaml.Node) {
	if len(val.Content) > 0 {
		m.Content = append(m.Content, strNode(key), val)
	}
}
