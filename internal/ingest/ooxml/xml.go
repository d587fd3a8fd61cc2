package ooxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
)

// Node is an element of a parsed XML tree. Names are local names (the
// namespace URL is in Space); Text is the character data directly inside the
// element.
type Node struct {
	Space, Local string
	Attrs        []xml.Attr
	Kids         []*Node
	Text         string
}

// Attr returns the value of the attribute with the given local name,
// preferring one without a namespace, or "".
func (n *Node) Attr(local string) string {
	if n == nil {
		return ""
	}
	val, found := "", false
	for _, a := range n.Attrs {
		if a.Name.Local != local {
			continue
		}
		if a.Name.Space == "" {
			return a.Value
		}
		if !found {
			val, found = a.Value, true
		}
	}
	return val
}

// RelAttr returns the value of a relationships-namespace attribute (r:id,
// r:embed), or "".
func (n *Node) RelAttr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == local && strings.Contains(a.Name.Space, "relationships") {
			return a.Value
		}
	}
	return ""
}

// HasAttr reports whether the attribute is present.
func (n *Node) HasAttr(local string) bool {
	if n == nil {
		return false
	}
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return true
		}
	}
	return false
}

// Child returns the first child with the given local name, or nil.
func (n *Node) Child(local string) *Node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Local == local {
			return k
		}
	}
	return nil
}

// Path follows a chain of first children by local name.
func (n *Node) Path(locals ...string) *Node {
	for _, l := range locals {
		n = n.Child(l)
		if n == nil {
			return nil
		}
	}
	return n
}

// Children returns the children with the given local name.
func (n *Node) Children(local string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, k := range n.Kids {
		if k.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// Find returns the first descendant (depth first, n excluded) with the given
// local name, or nil.
func (n *Node) Find(local string) *Node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Local == local {
			return k
		}
		if f := k.Find(local); f != nil {
			return f
		}
	}
	return nil
}

// FindAll returns every descendant with the given local name, in document
// order, without descending into matches.
func (n *Node) FindAll(local string) []*Node {
	var out []*Node
	var walk func(*Node)
	walk = func(x *Node) {
		for _, k := range x.Kids {
			if k.Local == local {
				out = append(out, k)
				continue
			}
			walk(k)
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

// Reader reads one XML part with limits: strict syntax, no DOCTYPE, bounded
// depth and node count.
type Reader struct {
	dec   *xml.Decoder
	file  string
	part  string
	lim   Limits
	depth int
	nodes int
}

// NewReader returns a Reader over r; file and part name the source in errors.
func NewReader(r io.Reader, file, part string, lim Limits) *Reader {
	d := xml.NewDecoder(r)
	d.Strict = true
	return &Reader{dec: d, file: file, part: part, lim: lim}
}

// Token returns the next token (copied, so it stays valid), enforcing the
// limits. It returns io.EOF at the end of the part.
func (r *Reader) Token() (xml.Token, error) {
	tok, err := r.dec.Token()
	if err != nil {
		if err == io.EOF {
			if r.depth != 0 {
				return nil, r.syntax(errors.New("unexpected end of part"))
			}
			return nil, io.EOF
		}
		return nil, r.syntax(err)
	}
	switch t := tok.(type) {
	case xml.Directive:
		d := bytes.ToUpper(bytes.TrimSpace(t))
		if bytes.HasPrefix(d, []byte("DOCTYPE")) || bytes.Contains(d, []byte("ENTITY")) {
			return nil, Errorf(r.file, "part %s contains a DOCTYPE or entity declaration, which Office files never have; refusing it", r.part)
		}
		return nil, Errorf(r.file, "part %s contains an unexpected XML directive", r.part)
	case xml.StartElement:
		r.depth++
		if r.depth > r.lim.MaxDepth {
			return nil, Errorf(r.file, "part %s is nested more than %d elements deep; refusing it", r.part, r.lim.MaxDepth)
		}
		return t.Copy(), nil
	case xml.EndElement:
		r.depth--
		return t, nil
	case xml.CharData:
		return t.Copy(), nil
	default:
		return xml.CopyToken(tok), nil
	}
}

func (r *Reader) syntax(err error) *fault.Error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return Errorf(r.file, "malformed XML in part %s (line %d): %s", r.part, se.Line, se.Msg).Wrap(err)
	}
	return Errorf(r.file, "cannot read XML part %s: %v", r.part, shortErr(err)).Wrap(err)
}

// Document reads the whole part and returns its root element.
func (r *Reader) Document() (*Node, error) {
	for {
		tok, err := r.Token()
		if err == io.EOF {
			return nil, Errorf(r.file, "part %s has no root element", r.part)
		}
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			n, err := r.Element(se)
			if err != nil {
				return nil, err
			}
			// Drain the rest so trailing garbage is reported.
			for {
				_, err := r.Token()
				if err == io.EOF {
					return n, nil
				}
				if err != nil {
					return nil, err
				}
			}
		}
	}
}

// Element reads the subtree of start (already returned by Token) into a
// Node. The node budget applies per Reader.
func (r *Reader) Element(start xml.StartElement) (*Node, error) {
	root := r.newNode(start)
	if root == nil {
		return nil, r.tooMany()
	}
	stack := []*Node{root}
	text := [][]byte{nil}
	for len(stack) > 0 {
		tok, err := r.Token()
		if err == io.EOF {
			return nil, r.syntax(errors.New("unexpected end of part"))
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := r.newNode(t)
			if n == nil {
				return nil, r.tooMany()
			}
			top.Kids = append(top.Kids, n)
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			top.Text = string(text[len(text)-1])
			text = text[:len(text)-1]
			stack = stack[:len(stack)-1]
		case xml.CharData:
			text[len(text)-1] = append(text[len(text)-1], t...)
		}
	}
	return root, nil
}

func (r *Reader) newNode(se xml.StartElement) *Node {
	r.nodes++
	if r.nodes > r.lim.MaxNodes {
		return nil
	}
	return &Node{Space: se.Name.Space, Local: se.Name.Local, Attrs: se.Attr}
}

func (r *Reader) tooMany() error {
	return Errorf(r.file, "part %s has more than %d elements; refusing it", r.part, r.lim.MaxNodes)
}

// Skip discards the rest of the element whose start was just read.
func (r *Reader) Skip() error {
	d := 1
	for d > 0 {
		tok, err := r.Token()
		if err == io.EOF {
			return r.syntax(errors.New("unexpected end of part"))
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			d++
		case xml.EndElement:
			d--
		}
	}
	return nil
}

// ResetNodes restarts the node budget (for streaming readers that discard
// finished subtrees).
func (r *Reader) ResetNodes() { r.nodes = 0 }
