// Package doc is the neutral document model the ingest parsers (pptx, docx,
// pdf) produce and package ingest turns into a course: sections of units,
// where a unit is one slide, one page or one piece of a document.
package doc

import (
	"regexp"
	"strings"
	"unicode"
)

// Kind of source document.
const (
	PPTX = "pptx"
	DOCX = "docx"
	PDF  = "pdf"
)

// Document is one parsed input file.
type Document struct {
	Path     string // as given
	Name     string // base name, for messages and comments
	Kind     string // PPTX, DOCX or PDF
	Title    string // document title when known (core properties, Title style, PDF info)
	Sections []*Section
	Warnings []string
	// Units is the total number of units before hidden ones were dropped
	// (slides in the deck, pages in the PDF).
	Total int
}

// Section becomes a lesson: a PowerPoint section, a Heading 1 of a document,
// or the whole file.
type Section struct {
	Title string
	Units []*Unit
}

// UnitKind tells what a unit looks like.
type UnitKind int

// Unit kinds.
const (
	Content       UnitKind = iota
	TitleUnit              // a title slide
	SectionHeader          // a section divider
	Picture                // a picture with an optional caption (documents)
	Table                  // a table (documents)
)

// Unit is one slide, page or document piece; it becomes one scene.
type Unit struct {
	Number   int // slide or page number (1-based); for documents a running index
	Kind     UnitKind
	Title    string
	Subtitle string
	Bullets  []Item     // flat, with levels
	Paras    []string   // running text (documents, PDF pages)
	Table    [][]string // rows of cells
	Images   []Image
	Notes    string // speaker notes (PPTX) or caption (documents)
	Hidden   bool
	// Ordered reports a numbered list (for narration wording).
	Ordered bool
}

// Item is one bullet with its indent level (0 = top).
type Item struct {
	Text  string
	Level int
}

// Image is a picture taken from the document.
type Image struct {
	Ext  string // lower-case, with the dot: ".png"
	Data []byte
	Alt  string // description, if any
	Area int64  // displayed size, for picking the main picture
}

var spaces = regexp.MustCompile(`[\s\p{Zs}]+`)

// Clean collapses runs of white space (including non-breaking spaces and
// vertical tabs PowerPoint uses for soft breaks) and drops control
// characters.
func Clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u000b' || r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r == '\ufffd' || r == '\ufeff' || r == '\u200b':
			return -1
		case unicode.IsControl(r):
			return -1
		case r >= 0xE000 && r <= 0xF8FF: // private use: symbol-font bullets
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// Words counts the words in s.
func Words(s string) int { return len(strings.Fields(s)) }
