// Package ooxml opens Office Open XML packages (PPTX, DOCX) defensively: zip
// limits against bombs, a depth- and size-limited XML reader that refuses
// DOCTYPE declarations, relationship parts and part-name resolution.
//
// Everything here treats the file as hostile. Errors are *fault.Error of kind
// Input naming the file.
package ooxml

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
)

// Limits bound the work and memory spent on one package.
type Limits struct {
	// MaxTotal is the most uncompressed bytes the whole archive may declare,
	// and the most this package will actually read from it.
	MaxTotal int64
	// MaxXMLPart is the most uncompressed bytes of one XML part.
	MaxXMLPart int64
	// MaxMediaPart is the most uncompressed bytes of one media part.
	MaxMediaPart int64
	// MaxEntries is the most entries the archive may have.
	MaxEntries int
	// MaxDepth is the deepest element nesting accepted in an XML part.
	MaxDepth int
	// MaxNodes is the most elements kept in memory for one parsed tree.
	MaxNodes int
}

// DefaultLimits are generous for real decks and documents and small enough
// to keep memory bounded.
var DefaultLimits = Limits{
	MaxTotal:     256 << 20,
	MaxXMLPart:   64 << 20,
	MaxMediaPart: 64 << 20,
	MaxEntries:   20000,
	MaxDepth:     256,
	MaxNodes:     1_000_000,
}

// Package is an opened OOXML zip package.
type Package struct {
	Name   string // file name used in messages
	Limits Limits
	files  map[string]*zip.File
	read   int64 // uncompressed bytes read so far
}

// Open reads the zip directory from r and checks the declared sizes.
func Open(r io.ReaderAt, size int64, name string, lim Limits) (*Package, error) {
	if size == 0 {
		return nil, Errorf(name, "file is empty")
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, Errorf(name, "not a valid zip archive (truncated or corrupt): %v", shortErr(err)).Wrap(err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, Errorf(name, "archive has %d entries, more than the limit of %d", len(zr.File), lim.MaxEntries)
	}
	p := &Package{Name: name, Limits: lim, files: make(map[string]*zip.File, len(zr.File))}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxTotal) || f.UncompressedSize64 > uint64(lim.MaxTotal) {
			return nil, Errorf(name, "archive declares more than %s of uncompressed data; refusing a possible zip bomb", human(lim.MaxTotal))
		}
		n := strings.TrimPrefix(f.Name, "/")
		key := strings.ToLower(n)
		if _, dup := p.files[key]; !dup {
			p.files[key] = f
		}
	}
	if p.files["[content_types].xml"] == nil {
		return nil, Errorf(name, "zip archive is not an Office document (no [Content_Types].xml)")
	}
	return p, nil
}

// Has reports whether the package contains the named part.
func (p *Package) Has(part string) bool {
	return p.files[strings.ToLower(strings.TrimPrefix(part, "/"))] != nil
}

// open returns a reader for part limited to max bytes (and to the archive's
// remaining total budget).
func (p *Package) open(part string, max int64) (io.ReadCloser, error) {
	f := p.files[strings.ToLower(strings.TrimPrefix(part, "/"))]
	if f == nil {
		return nil, Errorf(p.Name, "missing part %s", part)
	}
	if f.UncompressedSize64 > uint64(max) {
		return nil, Errorf(p.Name, "part %s declares %s uncompressed, more than the limit of %s; refusing a possible zip bomb",
			part, human(int64(min(f.UncompressedSize64, 1<<62))), human(max))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, Errorf(p.Name, "cannot read part %s: %v", part, shortErr(err)).Wrap(err)
	}
	return &limitedPart{p: p, part: part, rc: rc, left: max}, nil
}

// ReadPart reads a whole part of at most max bytes.
func (p *Package) ReadPart(part string, max int64) ([]byte, error) {
	rc, err := p.open(part, max)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, rc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ReadMedia reads a media part (an image) within MaxMediaPart.
func (p *Package) ReadMedia(part string) ([]byte, error) {
	return p.ReadPart(part, p.Limits.MaxMediaPart)
}

// OpenXML returns a limited XML reader over part.
func (p *Package) OpenXML(part string) (*Reader, io.Closer, error) {
	rc, err := p.open(part, p.Limits.MaxXMLPart)
	if err != nil {
		return nil, nil, err
	}
	return NewReader(rc, p.Name, part, p.Limits), rc, nil
}

// ParseXML reads part into a tree.
func (p *Package) ParseXML(part string) (*Node, error) {
	r, c, err := p.OpenXML(part)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return r.Document()
}

// limitedPart enforces the per-part and total budgets on the bytes actually
// decompressed, whatever the headers claim.
type limitedPart struct {
	p    *Package
	part string
	rc   io.ReadCloser
	left int64
}

func (l *limitedPart) Read(b []byte) (int, error) {
	if l.left <= 0 || l.p.read >= l.p.Limits.MaxTotal {
		// Probe one byte to tell a part that ends exactly at the limit
		// from one that goes on.
		var one [1]byte
		n, err := l.rc.Read(one[:])
		if n == 0 && err == io.EOF {
			return 0, io.EOF
		}
		if l.p.read >= l.p.Limits.MaxTotal {
			return 0, Errorf(l.p.Name, "archive expands to more than %s; refusing a possible zip bomb", human(l.p.Limits.MaxTotal))
		}
		return 0, Errorf(l.p.Name, "part %s expands past its limit; refusing a possible zip bomb", l.part)
	}
	if int64(len(b)) > l.left {
		b = b[:l.left]
	}
	if rest := l.p.Limits.MaxTotal - l.p.read; int64(len(b)) > rest {
		b = b[:rest]
	}
	n, err := l.rc.Read(b)
	l.left -= int64(n)
	l.p.read += int64(n)
	if err != nil && err != io.EOF {
		if errors.Is(err, zip.ErrFormat) {
			return n, Errorf(l.p.Name, "part %s expands past the size its header declares; refusing a corrupt archive or zip bomb", l.part).Wrap(err)
		}
		return n, Errorf(l.p.Name, "corrupt part %s: %v", l.part, shortErr(err)).Wrap(err)
	}
	return n, err
}

func (l *limitedPart) Close() error { return l.rc.Close() }

// Errorf returns an input error naming file.
func Errorf(file, format string, args ...any) *fault.Error {
	return &fault.Error{Kind: fault.Input, File: file, Msg: fmt.Sprintf(format, args...)}
}

// shortErr strips the package prefixes Go puts on zip and flate errors so the
// message stays one readable line.
func shortErr(err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Msg
	}
	s := err.Error()
	s = strings.TrimPrefix(s, "zip: ")
	s = strings.TrimPrefix(s, "flate: ")
	return s
}

func human(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Relationship is one entry of a .rels part.
type Relationship struct {
	ID       string
	Type     string // the last path element of the type URI, e.g. "slide"
	Target   string // resolved absolute part name, without leading slash
	External bool
}

// Rels parses the relationships of part (e.g. "ppt/slides/slide1.xml" →
// "ppt/slides/_rels/slide1.xml.rels"), resolving targets against part's
// folder. A missing .rels part is not an error: it has no relationships.
func (p *Package) Rels(part string) (map[string]Relationship, error) {
	dir, file := path.Split(part)
	relsPart := dir + "_rels/" + file + ".rels"
	out := map[string]Relationship{}
	if !p.Has(relsPart) {
		return out, nil
	}
	root, err := p.ParseXML(relsPart)
	if err != nil {
		return nil, err
	}
	for _, n := range root.Kids {
		if n.Local != "Relationship" {
			continue
		}
		t := n.Attr("Type")
		if i := strings.LastIndexByte(t, '/'); i >= 0 {
			t = t[i+1:]
		}
		rel := Relationship{ID: n.Attr("Id"), Type: t, External: n.Attr("TargetMode") == "External"}
		if rel.External {
			rel.Target = n.Attr("Target")
		} else {
			rel.Target = Resolve(dir, n.Attr("Target"))
		}
		out[rel.ID] = rel
	}
	return out, nil
}

// Resolve resolves a relationship target against the folder of its source
// part. Absolute targets start at the package root.
func Resolve(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	var full string
	if strings.HasPrefix(target, "/") {
		full = target
	} else {
		full = "/" + dir + target
	}
	return strings.TrimPrefix(path.Clean(full), "/")
}

// MainPart returns the target of the package's officeDocument relationship
// (e.g. ppt/presentation.xml), or "" when there is none.
func (p *Package) MainPart() (string, error) {
	rels, err := p.Rels("")
	if err != nil {
		return "", err
	}
	for _, r := range rels {
		if r.Type == "officeDocument" && !r.External {
			return r.Target, nil
		}
	}
	return "", nil
}

// CoreTitle returns dc:title from docProps/core.xml, or "".
func (p *Package) CoreTitle() string {
	if !p.Has("docProps/core.xml") {
		return ""
	}
	root, err := p.ParseXML("docProps/core.xml")
	if err != nil {
		return ""
	}
	if t := root.Child("title"); t != nil {
		return strings.TrimSpace(t.Text)
	}
	return ""
}
