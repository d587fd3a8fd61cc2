package course

import (
	"bytes"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// source indexes the bytes of a YAML file by line so that node positions
// (1-based line, 1-based column counted in characters) map to byte
// offsets, and finds where each node's text ends. yaml.v3 records only
// where a node starts; ends are found by scanning the text the way the
// YAML scanner would for the styles course files use.
type source struct {
	b     []byte
	lines []int // byte offset of each line's first byte
	nl    string
}

func newSource(b []byte) *source {
	s := &source{b: b, lines: []int{0}, nl: "\n"}
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		s.lines[0] = 3 // the scanner skips a byte order mark
	}
	for i, c := range b {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	if bytes.Contains(b, []byte("\r\n")) {
		s.nl = "\r\n"
	}
	return s
}

func (s *source) nLines() int { return len(s.lines) }

// lineStart is the offset of line's first byte (1-based line).
func (s *source) lineStart(line int) int {
	if line < 1 {
		return 0
	}
	if line > len(s.lines) {
		return len(s.b)
	}
	return s.lines[line-1]
}

// lineEnd is the offset of line's line break (or the end of the file).
func (s *source) lineEnd(line int) int {
	end := len(s.b)
	if line < len(s.lines) {
		end = s.lines[line] - 1
	}
	if end > s.lineStart(line) && s.b[end-1] == '\r' {
		end--
	}
	if end < s.lineStart(line) {
		end = s.lineStart(line)
	}
	return end
}

// nextLine is the offset just past line's line break.
func (s *source) nextLine(line int) int {
	if line < len(s.lines) {
		return s.lines[line]
	}
	return len(s.b)
}

// lineOf returns the 1-based line holding offset off.
func (s *source) lineOf(off int) int {
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1
}

// off converts a node position to a byte offset.
func (s *source) off(line, col int) int {
	p := s.lineStart(line)
	end := s.lineEnd(line)
	for i := 1; i < col && p < end; i++ {
		_, size := utf8.DecodeRune(s.b[p:end])
		p += size
	}
	return p
}

func (s *source) nodeOff(n *yaml.Node) int { return s.off(n.Line, n.Column) }

// indent counts the leading spaces of line.
func (s *source) indent(line int) int {
	p, end := s.lineStart(line), s.lineEnd(line)
	n := 0
	for p+n < end && s.b[p+n] == ' ' {
		n++
	}
	return n
}

func (s *source) line(line int) []byte { return s.b[s.lineStart(line):s.lineEnd(line)] }

func (s *source) blank(line int) bool { return len(bytes.TrimSpace(s.line(line))) == 0 }

func (s *source) comment(line int) bool {
	t := bytes.TrimLeft(s.line(line), " \t")
	return len(t) > 0 && t[0] == '#'
}

// skipProps skips a node's anchor (&a) and tag (!!str) and the space
// after them, returning where the node's content starts.
func (s *source) skipProps(p int) int {
	for p < len(s.b) && (s.b[p] == '&' || s.b[p] == '!') {
		for p < len(s.b) && !isSpace(s.b[p]) && s.b[p] != '\n' && s.b[p] != '\r' {
			p++
		}
		for p < len(s.b) && isSpace(s.b[p]) {
			p++
		}
	}
	return p
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// end returns the offset just past n's text. parent is the indentation
// (column-1) of the block that holds n: the key's for a mapping value, the
// dash's for a sequence item. flow tells whether n sits inside a flow
// collection.
func (s *source) end(n *yaml.Node, parent int, flow bool) int {
	p := s.skipProps(s.nodeOff(n))
	switch n.Kind {
	case yaml.AliasNode:
		p++ // '*'
		for p < len(s.b) && !isSpace(s.b[p]) && !bytes.ContainsRune([]byte(",]}\r\n"), rune(s.b[p])) {
			p++
		}
		return p
	case yaml.ScalarNode:
		return s.scalarEnd(n, p, parent, flow)
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return s.flowEnd(p)
		}
		if len(n.Content) == 0 {
			return p
		}
		last := n.Content[len(n.Content)-1]
		if n.Kind == yaml.MappingNode {
			key := n.Content[len(n.Content)-2]
			return s.end(last, key.Column-1, false)
		}
		return s.end(last, n.Column-1, false)
	}
	return p
}

func (s *source) scalarEnd(n *yaml.Node, p, parent int, flow bool) int {
	b := s.b
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := p + 1; i < len(b); i++ {
			if b[i] == '\\' {
				i++
				continue
			}
			if b[i] == '"' {
				return i + 1
			}
		}
		return len(b)
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := p + 1; i < len(b); i++ {
			if b[i] == '\'' {
				if i+1 < len(b) && b[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(b)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return s.blockScalarEnd(p, parent)
	}
	if isNull(n) && n.Value == "" {
		return p // an empty value: nothing written
	}
	// Plain scalar: up to " #" or ": ", in flow context also ",", "]" or
	// "}", and in block context onto more-indented continuation lines.
	line := s.lineOf(p)
	end, stopped := s.plainLineEnd(p, s.lineEnd(line), flow)
	if flow || stopped {
		return end
	}
	for l := line + 1; l <= s.nLines(); l++ {
		if s.blank(l) {
			continue
		}
		if s.comment(l) || s.indent(l) <= parent {
			break
		}
		end, stopped = s.plainLineEnd(s.lineStart(l)+s.indent(l), s.lineEnd(l), false)
		if stopped {
			break
		}
	}
	return end
}

// plainLineEnd finds where a plain scalar stops on one line; stopped
// tells whether an indicator (a comment, a ": ") ended it.
func (s *source) plainLineEnd(p, lineEnd int, flow bool) (end int, stopped bool) {
	end = p
	for i := p; i < lineEnd; i++ {
		c := s.b[i]
		if c == '#' && i > p && isSpace(s.b[i-1]) {
			return end, true
		}
		if c == ':' && (i+1 == lineEnd || isSpace(s.b[i+1]) || flow && bytes.IndexByte([]byte(",[]{}"), s.b[i+1]) >= 0) {
			return end, true
		}
		if flow && (c == ',' || c == ']' || c == '}') {
			return end, true
		}
		if !isSpace(c) {
			end = i + 1
		}
	}
	return end, false
}

// blockScalarEnd finds the end of a literal or folded scalar whose header
// ("|", ">-", "|2"…) starts at p: the last content line, trailing blank
// lines excluded.
func (s *source) blockScalarEnd(p, parent int) int {
	header := s.lineOf(p)
	end, _ := s.plainLineEnd(p, s.lineEnd(header), false)
	content := -1
	for l := header + 1; l <= s.nLines(); l++ {
		if s.blank(l) {
			continue
		}
		ind := s.indent(l)
		if content < 0 {
			if ind <= parent {
				break
			}
			content = ind
		}
		if ind < content {
			break
		}
		end = s.lineEnd(l)
	}
	return end
}

// flowEnd finds the bracket closing the flow collection opening at p.
func (s *source) flowEnd(p int) int {
	b := s.b
	depth := 0
	for i := p; i < len(b); i++ {
		switch c := b[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(b); i++ {
				if b[i] == '\'' {
					if i+1 < len(b) && b[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (isSpace(b[i-1]) || b[i-1] == '\n') {
				for i < len(b) && b[i] != '\n' {
					i++
				}
			}
		}
	}
	return len(b)
}

// colonEnd returns the offset just past the ':' that follows key.
func (s *source) colonEnd(key *yaml.Node, parent int, flow bool) int {
	p := s.end(key, parent, flow)
	for p < len(s.b) && s.b[p] != ':' {
		p++
	}
	if p < len(s.b) {
		p++
	}
	return p
}
