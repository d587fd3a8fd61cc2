package course

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/fault"
	"go.yaml.in/yaml/v3"
)

// SetNarration sets a scene's narration text; "" removes the key.
// Multi-line text is written as a literal block ("|").
func (d *Document) SetNarration(id, text string) error {
	return d.edit(func() error { return d.setSceneText(id, "narration", text) })
}

// SetStatus sets a scene's review status (draft, approved or
// changes-requested), adding the key when the scene has none.
func (d *Document) SetStatus(id, status string) error {
	if !contains(Statuses, status) {
		e := fault.New(fault.Input, "unknown status %q", status)
		if s := Suggest(status, Statuses); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return e.WithHint("statuses: %s", strings.Join(Statuses, ", "))
	}
	return d.edit(func() error { return d.setSceneText(id, "status", status) })
}

// SetTemplate sets a scene's template; "" removes the override.
func (d *Document) SetTemplate(id, name string) error {
	return d.edit(func() error { return d.setSceneText(id, "template", name) })
}

// AddComment appends a review comment to a scene.
func (d *Document) AddComment(id string, cm Comment) error {
	if strings.TrimSpace(cm.Text) == "" {
		return fault.New(fault.Input, "comment text is empty")
	}
	if err := checkText(cm.Author, cm.Text, cm.Time); err != nil {
		return err
	}
	return d.edit(func() error {
		ref, err := d.scene(id)
		if err != nil {
			return err
		}
		item := commentNode(cm)
		if _, v, _ := mapGet(ref.node, "comments"); v != nil && v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
			return d.insertItem(v, ref.flow, len(v.Content)-1, item)
		}
		return d.setKey(ref.node, ref.flow, "comments", sceneKeys, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{item}})
	})
}

// MoveScene moves a scene delta places within its lesson (negative moves
// it up). Moving it past either end of the lesson is an error.
func (d *Document) MoveScene(id string, delta int) error {
	return d.edit(func() error {
		ref, err := d.scene(id)
		if err != nil {
			return err
		}
		to := ref.index + delta
		if to < 0 || to >= len(ref.seq.Content) {
			where := "end"
			if to < 0 {
				where = "start"
			}
			return fault.New(fault.Input, "cannot move scene %q past the %s of lesson %q", id, where, ref.lessonID).
				WithHint("scenes move within their lesson; cut and add it in the other lesson instead")
		}
		if delta == 0 {
			return nil
		}
		src := newSource(d.data)
		chunks, err := src.chunks(ref.seq)
		if err != nil {
			return err
		}
		order := make([]int, 0, len(chunks))
		for i := range chunks {
			if i != ref.index {
				order = append(order, i)
			}
		}
		order = append(order[:to], append([]int{ref.index}, order[to:]...)...)
		var b strings.Builder
		for i, c := range order {
			b.Write(d.data[chunks[c].start:chunks[c].end])
			if i < len(chunks)-1 {
				b.Write(d.data[chunks[i].end:chunks[i+1].start])
			}
		}
		return d.splice(chunks[0].start, chunks[len(chunks)-1].end, b.String())
	})
}

// DuplicateScene inserts a copy of a scene right after it, with a new id
// made from the old one (see NewID), and returns that id. The copy keeps
// every field, its status and comments included, but not the comment
// lines around the scene.
func (d *Document) DuplicateScene(id string) (string, error) {
	var newID string
	err := d.edit(func() error {
		ref, err := d.scene(id)
		if err != nil {
			return err
		}
		newID = NewID(id, d.sceneTaken)
		src := newSource(d.data)
		chunks, err := src.chunks(ref.seq)
		if err != nil {
			return err
		}
		c := chunks[ref.index]
		copyText := string(d.data[c.cstart:c.cend])
		if err := d.insertAfter(src, ref.seq, ref.flow, chunks, ref.index, copyText); err != nil {
			return err
		}
		// Give the copy its id.
		seq, err := d.lessonScenes(ref.lesson)
		if err != nil {
			return err
		}
		return d.setKey(seq.Content[ref.index+1], ref.flow, "id", sceneKeys, strNode(newID))
	})
	if err != nil {
		return "", err
	}
	return newID, nil
}

// DeleteScene removes a scene with its leading comment lines.
func (d *Document) DeleteScene(id string) error {
	return d.edit(func() error {
		ref, err := d.scene(id)
		if err != nil {
			return err
		}
		if a := usedAnchor(d.root, ref.node); a != "" {
			return fault.New(fault.Input, "cannot delete scene %q: it defines the anchor &%s that other parts of the file use", id, a).
				WithHint("replace the *%s aliases with the value first", a)
		}
		src := newSource(d.data)
		chunks, err := src.chunks(ref.seq)
		if err != nil {
			return err
		}
		i, n := ref.index, len(chunks)
		switch {
		case n == 1 && ref.seq.Style&yaml.FlowStyle == 0 && !ref.flow:
			// The only scene: remove its lines; "scenes:" is left empty.
			c := chunks[0]
			return d.splice(src.lineStart(src.lineOf(c.start)), src.nextLine(src.lineOf(c.end)), "")
		case n == 1:
			return d.splice(chunks[0].start, chunks[0].end, "")
		case i < n-1:
			return d.splice(chunks[i].start, chunks[i+1].start, "")
		default:
			return d.splice(chunks[i-1].end, chunks[i].end, "")
		}
	})
}

// AddScene adds s to a lesson after the scene afterID, or at the end of
// the lesson when afterID is "". An empty s.ID gets a new id made from
// the title (see NewID). It returns the scene's id.
func (d *Document) AddScene(lessonID, afterID string, s Scene) (string, error) {
	if s.ID != "" && !ValidID(s.ID) {
		return "", fault.New(fault.Input, "scene id %q must be lower-case letters, digits, \".\", \"_\" or \"-\"", s.ID)
	}
	if s.ID != "" && d.sceneTaken(s.ID) {
		return "", fault.New(fault.Input, "scene id %q is already used", s.ID)
	}
	if s.ID == "" {
		s.ID = NewID(s.Title, d.sceneTaken)
	}
	if _, err := encode(sceneNode(&s)); err != nil {
		// Scene nodes hold only strings and numbers: only invalid
		// UTF-8 text fails to encode.
		return "", fault.New(fault.Input, "scene text is not valid UTF-8").Wrap(err)
	}
	err := d.edit(func() error {
		li, lesson, flow, err := d.lesson(lessonID)
		if err != nil {
			return err
		}
		node := sceneNode(&s)
		_, seq, _ := mapGet(lesson, "scenes")
		if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) == 0 {
			if afterID != "" {
				return fault.New(fault.Input, "lesson %q has no scene %q", lessonID, afterID)
			}
			return d.setKey(lesson, flow, "scenes", lessonKeys, &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{node}})
		}
		after := len(seq.Content) - 1
		if afterID != "" {
			ref, err := d.scene(afterID)
			if err != nil {
				return err
			}
			if ref.lesson != li {
				return fault.New(fault.Input, "scene %q is not in lesson %q", afterID, lessonID)
			}
			after = ref.index
		}
		return d.insertItem(seq, flow, after, node)
	})
	if err != nil {
		return "", err
	}
	return s.ID, nil
}

// sceneRef locates a scene in the node tree.
type sceneRef struct {
	lesson   int
	lessonID string
	seq      *yaml.Node // the lesson's scenes
	index    int
	node     *yaml.Node // the scene mapping
	flow     bool       // the scene sits in a flow collection
}

func (d *Document) top() *yaml.Node {
	if d.root != nil && d.root.Kind == yaml.DocumentNode && len(d.root.Content) > 0 {
		return d.root.Content[0]
	}
	return d.root
}

func (d *Document) lessonsNode() (*yaml.Node, bool) {
	top := d.top()
	_, ls, _ := mapGet(top, "lessons")
	if ls == nil || ls.Kind != yaml.SequenceNode {
		return nil, false
	}
	return ls, top.Style&yaml.FlowStyle != 0 || ls.Style&yaml.FlowStyle != 0
}

func (d *Document) lesson(id string) (int, *yaml.Node, bool, error) {
	ls, flow := d.lessonsNode()
	if ls != nil {
		for i, l := range ls.Content {
			l = deref(l)
			if _, v, _ := mapGet(l, "id"); v != nil && v.Value == id {
				d.hint = l
				return i, l, flow || l.Style&yaml.FlowStyle != 0, nil
			}
		}
	}
	var ids []string
	for _, l := range d.course.Lessons {
		ids = append(ids, l.ID)
	}
	return 0, nil, false, notFound("lesson", id, ids)
}

func (d *Document) lessonScenes(i int) (*yaml.Node, error) {
	ls, _ := d.lessonsNode()
	if ls == nil || i >= len(ls.Content) {
		return nil, fmt.Errorf("internal error: lesson %d vanished", i)
	}
	_, seq, _ := mapGet(deref(ls.Content[i]), "scenes")
	if seq == nil {
		return nil, fmt.Errorf("internal error: lesson %d has no scenes", i)
	}
	return seq, nil
}

func (d *Document) scene(id string) (sceneRef, error) {
	ls, flow := d.lessonsNode()
	if ls != nil {
		for i, l := range ls.Content {
			l = deref(l)
			_, lid, _ := mapGet(l, "id")
			_, seq, _ := mapGet(l, "scenes")
			if seq == nil || seq.Kind != yaml.SequenceNode {
				continue
			}
			for j, s := range seq.Content {
				if s.Kind != yaml.MappingNode {
					continue
				}
				if _, v, _ := mapGet(s, "id"); v != nil && v.Value == id {
					ref := sceneRef{lesson: i, seq: seq, index: j, node: s,
						flow: flow || l.Style&yaml.FlowStyle != 0 || seq.Style&yaml.FlowStyle != 0}
					if lid != nil {
						ref.lessonID = lid.Value
					}
					d.hint = l
					return ref, nil
				}
			}
		}
	}
	var ids []string
	for _, l := range d.course.Lessons {
		for _, s := range l.Scenes {
			ids = append(ids, s.ID)
		}
	}
	return sceneRef{}, notFound("scene", id, ids)
}

func notFound(what, id string, ids []string) error {
	e := fault.New(fault.Input, "no %s with id %q", what, id)
	if s := Suggest(id, ids); s != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return e
}

func (d *Document) sceneTaken(id string) bool {
	_, s := d.course.FindScene(id)
	return s != nil
}

// mapGet returns key's key and value nodes in mapping m, and the pair's
// index, or nils and -1.
func mapGet(m *yaml.Node, key string) (*yaml.Node, *yaml.Node, int) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil, -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], deref(m.Content[i+1]), i / 2
		}
	}
	return nil, nil, -1
}

// setSceneText sets or removes one text key of a scene, and checks that
// the file reads back the same text, falling back to a double-quoted
// scalar if the first form did not.
func (d *Document) setSceneText(id, key, text string) error {
	if err := checkText(text); err != nil {
		return err
	}
	ref, err := d.scene(id)
	if err != nil {
		return err
	}
	if text == "" {
		return d.setKey(ref.node, ref.flow, key, sceneKeys, nil)
	}
	if _, v, _ := mapGet(ref.node, key); v != nil && v.Kind == yaml.ScalarNode && v.Tag == "!!str" && v.Value == text {
		return nil // already so: keep the bytes as they are
	}
	before := d.data
	if err := d.setKey(ref.node, ref.flow, key, sceneKeys, strNode(text)); err == nil {
		if ref, err := d.scene(id); err == nil {
			if _, v, _ := mapGet(ref.node, key); v != nil && v.Value == text {
				return nil
			}
		}
	}
	// The first form did not read back: write it double-quoted.
	if err := d.set(before); err != nil {
		return err
	}
	ref, err = d.scene(id)
	if err != nil {
		return err
	}
	q := strNode(text)
	q.Style = yaml.DoubleQuotedStyle
	return d.setKey(ref.node, ref.flow, key, sceneKeys, q)
}

// setKey sets key in mapping m to val, replacing the old value's text, or
// inserting a key line after the keys that precede it in order. A nil val
// removes the key. flow tells whether m sits in a flow collection.
func (d *Document) setKey(m *yaml.Node, flow bool, key string, order []string, val *yaml.Node) error {
	src := newSource(d.data)
	flow = flow || m.Style&yaml.FlowStyle != 0
	ind := m.Column - 1
	k, v, i := mapGet(m, key)
	if val == nil {
		if k == nil {
			return nil
		}
		return d.deleteKey(src, m, flow, i)
	}
	if k != nil {
		ind = k.Column - 1
		text, block, err := d.render(val, ind, flow)
		if err != nil {
			return err
		}
		end := src.end(v, ind, flow)
		start := src.skipProps(src.nodeOff(v))
		empty := isNull(v) && v.Value == ""
		if block || empty || v.Line != k.Line {
			start = src.colonEnd(k, ind, flow)
			if !block {
				text = " " + text
			}
		}
		// A comment after the old value moves up to the first line of a
		// multi-line value, where it cannot become part of the text.
		if i := strings.Index(text, src.nl); i >= 0 && !flow {
			le := src.lineEnd(src.lineOf(end))
			if rest := d.data[end:le]; len(bytes.TrimSpace(rest)) > 0 {
				text = text[:i] + string(rest) + text[i:]
				end = le
			}
		}
		return d.splice(start, end, text)
	}

	// Insert after the last key that comes before key in order, else
	// after the first key.
	at := 0
	want := indexOf(order, key)
	for j := 0; j+1 < len(m.Content); j += 2 {
		if idx := indexOf(order, m.Content[j].Value); idx >= 0 && idx < want {
			at = j / 2
		}
	}
	if len(m.Content) == 0 {
		return fmt.Errorf("internal error: cannot add %q to an empty mapping", key)
	}
	pk, pv := m.Content[2*at], m.Content[2*at+1]
	pend := src.end(deref(pv), pk.Column-1, flow)
	text, block, err := d.render(val, ind, flow)
	if err != nil {
		return err
	}
	if flow {
		return d.splice(pend, pend, ", "+key+": "+text)
	}
	if !block {
		text = " " + text
	}
	p := src.lineEnd(src.lineOf(pend))
	return d.splice(p, p, src.nl+spaces(ind)+key+":"+text)
}

func (d *Document) deleteKey(src *source, m *yaml.Node, flow bool, i int) error {
	k, v := m.Content[2*i], m.Content[2*i+1]
	pairs := len(m.Content) / 2
	kStart := src.nodeOff(k)
	if flow {
		switch {
		case i+1 < pairs:
			return d.splice(kStart, src.nodeOff(m.Content[2*i+2]), "")
		case i > 0:
			pk, pv := m.Content[2*i-2], m.Content[2*i-1]
			return d.splice(src.end(deref(pv), pk.Column-1, true), src.end(deref(v), k.Column-1, true), "")
		default:
			return d.splice(kStart, src.end(deref(v), k.Column-1, true), "")
		}
	}
	line := src.lineStart(k.Line)
	if len(bytes.TrimSpace(d.data[line:kStart])) > 0 {
		// The key shares its line with a "- ": pull the next key up.
		if i+1 >= pairs {
			return fault.New(fault.Input, "cannot remove %q: it is the only key of its mapping", k.Value)
		}
		return d.splice(kStart, src.nodeOff(m.Content[2*i+2]), "")
	}
	vEnd := src.end(deref(v), k.Column-1, false)
	return d.splice(line, src.nextLine(src.lineOf(vEnd)), "")
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

// render encodes val as the value of a key indented by ind. Scalars and
// flow collections come back inline; block collections come back as
// lines that start with a line break (block = true).
func (d *Document) render(val *yaml.Node, ind int, flow bool) (text string, block bool, err error) {
	nl := newSource(d.data).nl
	if val.Kind == yaml.ScalarNode {
		text, err = encodeScalar(val, ind, flow, nl)
		return text, false, err
	}
	if flow {
		text, err = encodeFlow(val)
		return text, false, err
	}
	lines, err := encodeBlock(val)
	if err != nil {
		return "", false, err
	}
	pad := spaces(ind + 2)
	if val.Kind == yaml.SequenceNode {
		pad = spaces(ind + d.seqIndent())
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(nl)
		if l != "" {
			b.WriteString(pad + l)
		}
	}
	return b.String(), true, nil
}

// seqIndent is how much deeper than its key this file indents a block
// sequence: 2 for "key:\n  - a", 0 for "key:\n- a". It follows the first
// block sequence under a key in the lesson being edited (d.hint), then in
// the whole file, and defaults to 2.
func (d *Document) seqIndent() int {
	var find func(n *yaml.Node) int
	find = func(n *yaml.Node) int {
		if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > k.Line {
					return v.Column - k.Column
				}
				if r := find(v); r >= 0 {
					return r
				}
			}
		}
		if n.Kind == yaml.SequenceNode || n.Kind == yaml.DocumentNode {
			for _, c := range n.Content {
				if r := find(c); r >= 0 {
					return r
				}
			}
		}
		return -1
	}
	for _, n := range []*yaml.Node{d.hint, d.root} {
		if n == nil {
			continue
		}
		if r := find(n); r >= 0 {
			return r
		}
	}
	return 2
}

// encodeScalar writes s for a value position: one line when it can,
// otherwise a literal block whose content is indented by ind+2.
func encodeScalar(n *yaml.Node, ind int, flow bool, nl string) (string, error) {
	s := n.Value
	if n.Style&yaml.DoubleQuotedStyle == 0 && !flow && strings.Contains(s, "\n") {
		if lit, ok := literal(s, ind+2, nl); ok {
			return lit, nil
		}
	}
	one := *n
	if strings.Contains(s, "\n") {
		one.Style = yaml.DoubleQuotedStyle
	}
	b, err := encode(&one)
	if err != nil {
		return "", err
	}
	out := strings.TrimSuffix(string(b), "\n")
	// Plain scalars in flow context must avoid flow indicators.
	plainInFlow := flow && out != "" && out[0] != '"' && out[0] != '\'' && strings.ContainsAny(out, ",[]{}:#")
	if !strings.Contains(out, "\n") && !plainInFlow {
		return out, nil
	}
	one.Style = yaml.DoubleQuotedStyle
	b, err = encode(&one)
	return strings.TrimSuffix(string(b), "\n"), err
}

// literal writes s as a literal block scalar ("|") indented by ind, or
// reports false when s holds characters a literal block cannot.
func literal(s string, ind int, nl string) (string, bool) {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r == 0xfeff || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return "", false
		}
	}
	body := strings.TrimRight(s, "\n")
	trailing := len(s) - len(body)
	if body == "" {
		return "", false
	}
	header := "|"
	lines := strings.Split(body, "\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			header += "2" // content indentation cannot be detected
		}
		break
	}
	switch trailing {
	case 0:
		header += "-"
	case 1:
	default:
		header += "+"
		for i := 1; i < trailing; i++ {
			lines = append(lines, "")
		}
	}
	var b strings.Builder
	b.WriteString(header)
	for _, l := range lines {
		b.WriteString(nl)
		if l != "" {
			b.WriteString(spaces(ind) + l)
		}
	}
	return b.String(), true
}

func encode(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("internal error: encoding yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("internal error: encoding yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeBlock encodes a collection in block style, as lines.
func encodeBlock(n *yaml.Node) ([]string, error) {
	b, err := encode(n)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), nil
}

// encodeFlow encodes a collection on one line, in flow style.
func encodeFlow(n *yaml.Node) (string, error) {
	var mark func(n *yaml.Node) *yaml.Node
	mark = func(n *yaml.Node) *yaml.Node {
		c := *n
		switch c.Kind {
		case yaml.MappingNode, yaml.SequenceNode:
			c.Style = yaml.FlowStyle
			c.Content = make([]*yaml.Node, len(n.Content))
			for i, x := range n.Content {
				c.Content[i] = mark(x)
			}
		case yaml.ScalarNode:
			if strings.Contains(c.Value, "\n") {
				c.Style = yaml.DoubleQuotedStyle
			}
		}
		return &c
	}
	b, err := encode(mark(n))
	return strings.TrimSuffix(string(b), "\n"), err
}

// chunk is one sequence item's text: [start, end) with its leading and
// trailing comment lines, [cstart, cend) without them.
type chunk struct{ start, end, cstart, cend int }

// chunks splits a sequence into its items' text. In block style an item
// owns the comment lines right above its "-" and the comment lines right
// below it that are indented deeper than its "-"; blank lines between
// items belong to none.
func (s *source) chunks(seq *yaml.Node) ([]chunk, error) {
	out := make([]chunk, len(seq.Content))
	if seq.Style&yaml.FlowStyle != 0 {
		for i, it := range seq.Content {
			st := s.nodeOff(it)
			en := s.end(it, 0, true)
			out[i] = chunk{st, en, st, en}
		}
		return out, nil
	}
	dashInd := seq.Column - 1
	first := make([]int, len(seq.Content)) // dash line of each item
	last := make([]int, len(seq.Content))  // last content line
	for i, it := range seq.Content {
		p := s.nodeOff(it) - 1
		for p >= 0 && (isSpace(s.b[p]) || s.b[p] == '\n' || s.b[p] == '\r') {
			p--
		}
		if p < 0 || s.b[p] != '-' {
			return nil, fmt.Errorf("internal error: no \"-\" before item at line %d", it.Line)
		}
		first[i] = s.lineOf(p)
		last[i] = s.lineOf(s.end(it, dashInd, false))
	}
	for i := range seq.Content {
		lead := first[i]
		floor := 0
		if i > 0 {
			floor = last[i-1]
		}
		// Trailing comments of this item, deeper than its dash.
		trail := last[i]
		limit := s.nLines()
		if i+1 < len(seq.Content) {
			limit = first[i+1] - 1
		}
		for l := trail + 1; l <= limit && s.comment(l) && s.indent(l) > dashInd; l++ {
			trail = l
		}
		// Leading comments, not already the previous item's trailing ones.
		if i > 0 {
			floor = out[i-1].trailLine(s)
		}
		for l := lead - 1; l > floor && s.comment(l); l-- {
			lead = l
		}
		out[i] = chunk{
			start:  s.lineStart(lead),
			end:    s.lineEnd(trail),
			cstart: s.lineStart(first[i]),
			cend:   s.lineEnd(last[i]),
		}
	}
	return out, nil
}

func (c chunk) trailLine(s *source) int { return s.lineOf(c.end) }

// insertItem inserts item into seq after item index after.
func (d *Document) insertItem(seq *yaml.Node, flow bool, after int, item *yaml.Node) error {
	src := newSource(d.data)
	chunks, err := src.chunks(seq)
	if err != nil {
		return err
	}
	flow = flow || seq.Style&yaml.FlowStyle != 0
	var text string
	if flow {
		if text, err = encodeFlow(item); err != nil {
			return err
		}
	} else {
		dashInd := seq.Column - 1
		keyOff := 2
		if first := seq.Content[0]; first.Line == seq.Line {
			keyOff = first.Column - seq.Column
		}
		lines, err := encodeBlock(item)
		if err != nil {
			return err
		}
		var b strings.Builder
		for i, l := range lines {
			if i > 0 {
				b.WriteString(src.nl)
			}
			switch {
			case i == 0:
				b.WriteString(spaces(dashInd) + "-" + spaces(keyOff-1) + l)
			case l != "":
				b.WriteString(spaces(dashInd+keyOff) + l)
			}
		}
		text = b.String()
	}
	return d.insertAfter(src, seq, flow, chunks, after, text)
}

// insertAfter inserts an item's text after chunk i, separated the way
// the sequence separates its items.
func (d *Document) insertAfter(src *source, seq *yaml.Node, flow bool, chunks []chunk, i int, text string) error {
	at := chunks[i].end
	if flow || seq.Style&yaml.FlowStyle != 0 {
		return d.splice(at, at, ", "+text)
	}
	sep := src.nl
	for j := 0; j+1 < len(chunks); j++ {
		if bytes.Count(d.data[chunks[j].end:chunks[j+1].start], []byte("\n")) >= 2 {
			sep = src.nl + src.nl // items are separated by blank lines
			break
		}
	}
	return d.splice(at, at, sep+text)
}

// usedAnchor returns an anchor defined inside sub that an alias outside
// sub refers to, or "".
func usedAnchor(root, sub *yaml.Node) string {
	defined := map[*yaml.Node]bool{}
	var mark func(n *yaml.Node)
	mark = func(n *yaml.Node) {
		if n.Anchor != "" {
			defined[n] = true
		}
		for _, c := range n.Content {
			mark(c)
		}
	}
	mark(sub)
	if len(defined) == 0 {
		return ""
	}
	var find func(n *yaml.Node) string
	find = func(n *yaml.Node) string {
		if n == sub {
			return ""
		}
		if n.Kind == yaml.AliasNode && defined[n.Alias] {
			return n.Alias.Anchor
		}
		for _, c := range n.Content {
			if a := find(c); a != "" {
				return a
			}
		}
		return ""
	}
	return find(root)
}

// checkText rejects text a YAML file cannot hold.
func checkText(texts ...string) error {
	for _, t := range texts {
		if !utf8.ValidString(t) {
			return fault.New(fault.Input, "text is not valid UTF-8")
		}
	}
	return nil
}
