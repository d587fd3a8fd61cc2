// Package docx reads Word documents (Office Open XML) into the neutral
// document model with archive/zip and encoding/xml only: headings from
// styles and outline levels, paragraphs, bulleted and numbered lists with
// levels, tables, pictures, and tracked changes (insertions kept, deletions
// dropped). The body is streamed one block at a time.
package docx

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/tecno-video/tecno/internal/ingest/doc"
	"github.com/tecno-video/tecno/internal/ingest/ooxml"
)

// MaxWords is the most narration words one scene gets before a section is
// split.
const MaxWords = 150

// maxItems is the most bullets one scene gets before it is split.
const maxItems = 10

// Options tune parsing.
type Options struct {
	// Limits bound the archive; the zero value means ooxml.DefaultLimits.
	Limits ooxml.Limits
}

// Parse reads the document at file.
func Parse(ctx context.Context, file string, opts Options) (*doc.Document, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, ooxml.Errorf(file, "cannot open: %v", err).Wrap(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, ooxml.Errorf(file, "cannot stat: %v", err).Wrap(err)
	}
	d, err := Read(ctx, f, fi.Size(), file, opts)
	if d != nil {
		d.Path = file
	}
	return d, err
}

// Read parses a document from r; name is used in messages. It never panics
// on malformed input.
func Read(ctx context.Context, r io.ReaderAt, size int64, name string, opts Options) (d *doc.Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			if onPanic != nil {
				onPanic(p)
			}
			d, err = nil, ooxml.Errorf(name, "cannot read this document: malformed content (%v)", p)
		}
	}()
	lim := opts.Limits
	if lim == (ooxml.Limits{}) {
		lim = ooxml.DefaultLimits
	}
	pkg, err := ooxml.Open(r, size, name, lim)
	if err != nil {
		return nil, err
	}
	rd := &reader{ctx: ctx, pkg: pkg, name: name, media: map[string]*doc.Image{}}
	return rd.read()
}

// onPanic, when set (by fuzz tests), sees every recovered panic: the
// recovery keeps users safe, but a panic is still a bug to fix.
var onPanic func(any)

type reader struct {
	ctx    context.Context
	pkg    *ooxml.Package
	name   string
	main   string
	styles map[string]*style
	nums   map[string]map[int]string // numId → level → numFmt
	rels   map[string]ooxml.Relationship
	media  map[string]*doc.Image
	doc    *doc.Document
	blocks []block
}

type blockKind int

const (
	bPara blockKind = iota
	bHeading
	bItem
	bTable
	bImage
	bSubtitle
	bCaption
)

type block struct {
	kind    blockKind
	level   int // heading level (0 = Title) or list level
	text    string
	ordered bool
	rows    [][]string
	img     *doc.Image
}

func (r *reader) read() (*doc.Document, error) {
	main, err := r.pkg.MainPart()
	if err != nil {
		return nil, err
	}
	if main == "" && r.pkg.Has("word/document.xml") {
		main = "word/document.xml"
	}
	if main == "" || !r.pkg.Has(main) {
		return nil, ooxml.Errorf(r.name, "not a Word document (no document part)")
	}
	r.main = main
	r.doc = &doc.Document{Path: r.name, Name: filepath.Base(r.name), Kind: doc.DOCX, Title: r.pkg.CoreTitle()}
	if r.rels, err = r.pkg.Rels(main); err != nil {
		return nil, err
	}
	if err := r.readStyles(); err != nil {
		return nil, err
	}
	if err := r.readNumbering(); err != nil {
		return nil, err
	}
	if err := r.readBody(); err != nil {
		return nil, err
	}
	r.assemble()
	return r.doc, nil
}

func (r *reader) warn(format string, args ...any) {
	r.doc.Warnings = append(r.doc.Warnings, fmt.Sprintf(format, args...))
}

// style is what a paragraph style contributes.
type style struct {
	name    string
	basedOn string
	outline int // -1 when unset
	numID   string
	ilvl    int
}

var (
	headingName = regexp.MustCompile(`^(heading|überschrift|titre|título|titulo|titolo|kop|judul|rubrik|nagłówek|otsikko|overskrift|cabeçalho|encabezado|заголовок)\s*([1-9])$`)
	titleNames  = map[string]bool{"title": true, "titel": true, "titre": true, "título": true, "titulo": true, "titolo": true, "judul": true, "tytuł": true, "otsikko": true, "заголовок": true}
)

func (r *reader) readStyles() error {
	r.styles = map[string]*style{}
	part := "word/styles.xml"
	for _, rel := range r.rels {
		if rel.Type == "styles" && !rel.External {
			part = rel.Target
		}
	}
	if !r.pkg.Has(part) {
		return nil
	}
	root, err := r.pkg.ParseXML(part)
	if err != nil {
		return err
	}
	for _, s := range root.Children("style") {
		if t := s.Attr("type"); t != "" && t != "paragraph" {
			continue
		}
		st := &style{
			name:    strings.ToLower(strings.TrimSpace(s.Child("name").Attr("val"))),
			basedOn: s.Child("basedOn").Attr("val"),
			outline: -1,
		}
		if o := s.Path("pPr", "outlineLvl"); o != nil {
			if v, err := strconv.Atoi(o.Attr("val")); err == nil {
				st.outline = v
			}
		}
		if np := s.Path("pPr", "numPr"); np != nil {
			st.numID = np.Child("numId").Attr("val")
			st.ilvl, _ = strconv.Atoi(np.Child("ilvl").Attr("val"))
		}
		r.styles[s.Attr("styleId")] = st
	}
	return nil
}

// headingLevel returns 0 for Title, 1–9 for headings and -1 otherwise,
// following basedOn chains.
func (r *reader) headingLevel(id string) int {
	for range 10 {
		st := r.styles[id]
		if st == nil {
			break
		}
		if titleNames[st.name] {
			return 0
		}
		if m := headingName.FindStringSubmatch(st.name); m != nil {
			return int(m[2][0] - '0')
		}
		if st.outline >= 0 && st.outline < 9 {
			return st.outline + 1
		}
		id = st.basedOn
	}
	// Unknown style ids sometimes carry the meaning themselves.
	low := strings.ToLower(id)
	if low == "title" {
		return 0
	}
	if m := headingName.FindStringSubmatch(low); m != nil {
		return int(m[2][0] - '0')
	}
	return -1
}

func (r *reader) styleName(id string) string {
	if st := r.styles[id]; st != nil {
		return st.name
	}
	return strings.ToLower(id)
}

// styleNum returns the numbering a style (or its bases) applies.
func (r *reader) styleNum(id string) (string, int) {
	for range 10 {
		st := r.styles[id]
		if st == nil {
			return "", 0
		}
		if st.numID != "" {
			return st.numID, st.ilvl
		}
		id = st.basedOn
	}
	return "", 0
}

func (r *reader) readNumbering() error {
	r.nums = map[string]map[int]string{}
	part := ""
	for _, rel := range r.rels {
		if rel.Type == "numbering" && !rel.External {
			part = rel.Target
		}
	}
	if part == "" || !r.pkg.Has(part) {
		return nil
	}
	root, err := r.pkg.ParseXML(part)
	if err != nil {
		return err
	}
	abstract := map[string]map[int]string{}
	for _, a := range root.Children("abstractNum") {
		lv := map[int]string{}
		for _, l := range a.Children("lvl") {
			i, _ := strconv.Atoi(l.Attr("ilvl"))
			lv[i] = l.Child("numFmt").Attr("val")
		}
		abstract[a.Attr("abstractNumId")] = lv
	}
	for _, n := range root.Children("num") {
		lv := map[int]string{}
		for k, v := range abstract[n.Child("abstractNumId").Attr("val")] {
			lv[k] = v
		}
		for _, o := range n.Children("lvlOverride") {
			if f := o.Path("lvl", "numFmt"); f != nil {
				i, _ := strconv.Atoi(o.Attr("ilvl"))
				lv[i] = f.Attr("val")
			}
		}
		r.nums[n.Attr("numId")] = lv
	}
	return nil
}

// readBody streams word/document.xml, building one block per body child.
func (r *reader) readBody() error {
	xr, c, err := r.pkg.OpenXML(r.main)
	if err != nil {
		return err
	}
	defer c.Close()
	inBody := false
	for {
		tok, err := xr.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !inBody {
				if t.Name.Local == "body" {
					inBody = true
				}
				continue
			}
			if err := r.ctx.Err(); err != nil {
				return err
			}
			n, err := xr.Element(t)
			if err != nil {
				return err
			}
			r.block(n)
			xr.ResetNodes()
		case xml.EndElement:
			if inBody && t.Name.Local == "body" {
				inBody = false
			}
		}
	}
}

func (r *reader) block(n *ooxml.Node) {
	switch n.Local {
	case "p":
		r.paragraph(n)
	case "tbl":
		if rows := r.table(n, 0); len(rows) > 0 {
			r.blocks = append(r.blocks, block{kind: bTable, rows: rows})
		}
	case "sdt":
		for _, k := range n.Path("sdtContent").Kids {
			r.block(k)
		}
	case "customXml", "ins", "moveTo":
		for _, k := range n.Kids {
			r.block(k)
		}
	case "AlternateContent":
		if c := n.Child("Choice"); c != nil {
			for _, k := range c.Kids {
				r.block(k)
			}
		}
	}
}

func (r *reader) paragraph(p *ooxml.Node) {
	ppr := p.Child("pPr")
	styleID := ppr.Child("pStyle").Attr("val")
	var b strings.Builder
	var imgs []*doc.Image
	r.runs(p, &b, &imgs, 0)
	text := doc.Clean(b.String())
	for _, img := range imgs {
		r.blocks = append(r.blocks, block{kind: bImage, img: img})
	}
	if text == "" {
		return
	}
	level := r.headingLevel(styleID)
	if o := ppr.Child("outlineLvl"); o != nil {
		if v, err := strconv.Atoi(o.Attr("val")); err == nil && v >= 0 && v < 9 {
			level = v + 1
		}
	}
	name := r.styleName(styleID)
	switch {
	case level >= 0 && level <= 3:
		r.blocks = append(r.blocks, block{kind: bHeading, level: level, text: text})
		return
	case name == "subtitle":
		r.blocks = append(r.blocks, block{kind: bSubtitle, text: text})
		return
	case name == "caption":
		r.blocks = append(r.blocks, block{kind: bCaption, text: text})
		return
	}
	numID, ilvl := r.styleNum(styleID)
	if np := ppr.Child("numPr"); np != nil {
		if v := np.Child("numId"); v != nil {
			numID = v.Attr("val")
		}
		if v := np.Child("ilvl"); v != nil {
			ilvl, _ = strconv.Atoi(v.Attr("val"))
		}
	}
	if numID != "" && numID != "0" {
		fmtName, known := r.nums[numID][ilvl]
		if !known && len(r.nums) > 0 && r.nums[numID] == nil {
			fmtName = "bullet"
		}
		if fmtName != "none" {
			if ilvl < 0 || ilvl > 8 {
				ilvl = 0
			}
			r.blocks = append(r.blocks, block{kind: bItem, level: ilvl, text: text, ordered: fmtName != "bullet" && fmtName != ""})
			return
		}
	}
	r.blocks = append(r.blocks, block{kind: bPara, text: text})
}

// runs collects the visible text of a paragraph-like node: inserted text is
// kept, deleted and moved-away text, field instructions and footnote marks
// are dropped.
func (r *reader) runs(n *ooxml.Node, b *strings.Builder, imgs *[]*doc.Image, depth int) {
	if depth > 64 {
		return
	}
	for _, k := range n.Kids {
		switch k.Local {
		case "t":
			b.WriteString(k.Text)
		case "tab", "br", "cr":
			b.WriteByte(' ')
		case "noBreakHyphen":
			b.WriteByte('-')
		case "drawing", "pict", "object":
			if img := r.image(k); img != nil {
				*imgs = append(*imgs, img)
			}
		case "del", "moveFrom", "delText", "instrText", "pPr", "rPr", "footnoteReference", "endnoteReference", "txbxContent", "fldData":
			// Not part of the visible text.
		case "AlternateContent":
			if c := k.Child("Choice"); c != nil {
				r.runs(c, b, imgs, depth+1)
			}
		default:
			// r, ins, hyperlink, smartTag, fldSimple, sdt, sdtContent, moveTo…
			r.runs(k, b, imgs, depth+1)
		}
	}
}

// image returns the first supported picture inside a drawing.
func (r *reader) image(n *ooxml.Node) *doc.Image {
	id := ""
	if blip := n.Find("blip"); blip != nil {
		id = blip.RelAttr("embed")
	}
	if id == "" {
		if im := n.Find("imagedata"); im != nil {
			id = im.RelAttr("id")
		}
	}
	rel, ok := r.rels[id]
	if !ok || rel.External {
		return nil
	}
	if img, ok := r.media[rel.Target]; ok {
		return withAlt(img, n)
	}
	ext := strings.ToLower(path.Ext(rel.Target))
	if ext == ".jpeg" {
		ext = ".jpg"
	}
	var img *doc.Image
	switch {
	case ext != ".png" && ext != ".jpg" && ext != ".gif":
		r.warn("a picture in %s format was skipped; tecno renders PNG, JPEG and GIF", ext)
	case !r.pkg.Has(rel.Target):
	default:
		data, err := r.pkg.ReadMedia(rel.Target)
		if err != nil {
			r.warn("a picture could not be read: %v", err)
		} else if len(data) > 0 {
			img = &doc.Image{Ext: ext, Data: data}
		}
	}
	r.media[rel.Target] = img
	return withAlt(img, n)
}

func withAlt(img *doc.Image, n *ooxml.Node) *doc.Image {
	if img == nil {
		return nil
	}
	cp := *img
	if dp := n.Find("docPr"); dp != nil {
		cp.Alt = doc.Clean(dp.Attr("descr"))
		if cp.Alt == "" {
			cp.Alt = doc.Clean(dp.Attr("title"))
		}
	}
	return &cp
}

// table returns the rows of a w:tbl; nested tables are flattened into their
// cell's text. Merged continuation cells are skipped.
func (r *reader) table(tbl *ooxml.Node, depth int) [][]string {
	var rows [][]string
	for _, tr := range tbl.Children("tr") {
		var row []string
		empty := true
		for _, tc := range tr.Children("tc") {
			if vm := tc.Path("tcPr", "vMerge"); vm != nil && vm.Attr("val") != "restart" {
				continue
			}
			var parts []string
			for _, k := range tc.Kids {
				switch k.Local {
				case "p":
					var b strings.Builder
					var imgs []*doc.Image
					r.runs(k, &b, &imgs, 0)
					if t := doc.Clean(b.String()); t != "" {
						parts = append(parts, t)
					}
				case "tbl":
					if depth < 4 {
						for _, nr := range r.table(k, depth+1) {
							parts = append(parts, strings.Join(nonEmpty(nr), " "))
						}
					}
				}
			}
			cell := strings.Join(parts, " ")
			if cell != "" {
				empty = false
			}
			row = append(row, cell)
		}
		if !empty {
			rows = append(rows, row)
		}
	}
	return rows
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// assemble groups blocks into sections (lessons) and units (scenes).
func (r *reader) assemble() {
	titles, h1 := 0, 0
	firstTitle, firstH1 := -1, -1
	for i, b := range r.blocks {
		if b.kind != bHeading {
			continue
		}
		switch b.level {
		case 0:
			titles++
			if firstTitle < 0 {
				firstTitle = i
			}
		case 1:
			h1++
			if firstH1 < 0 {
				firstH1 = i
			}
		}
	}
	// A single Title before any Heading 1 names the document; otherwise
	// Title and Heading 1 both start lessons.
	docTitleIdx := -1
	if titles == 1 && (firstH1 < 0 || firstTitle < firstH1) {
		docTitleIdx = firstTitle
		if r.doc.Title == "" {
			r.doc.Title = r.blocks[firstTitle].text
		}
	}
	isLessonHead := func(i int) bool {
		b := r.blocks[i]
		if b.kind != bHeading || i == docTitleIdx {
			return false
		}
		return b.level == 0 || b.level == 1
	}
	heads := 0
	for i := range r.blocks {
		if isLessonHead(i) {
			heads++
		}
	}
	split := heads >= 2
	if !split && heads == 1 && r.doc.Title == "" {
		for i, b := range r.blocks {
			if isLessonHead(i) {
				r.doc.Title = b.text
				break
			}
		}
	}

	a := &assembler{r: r}
	a.newSection(r.doc.Title)
	for i, b := range r.blocks {
		if err := r.ctx.Err(); err != nil {
			return
		}
		switch b.kind {
		case bHeading:
			if split && isLessonHead(i) {
				a.flush()
				if len(a.sec.Units) == 0 {
					a.sec.Title = b.text
				} else {
					a.newSection(b.text)
				}
				a.start(b.text, doc.TitleUnit)
				continue
			}
			a.flush()
			kind := doc.Content
			if i == docTitleIdx {
				kind = doc.TitleUnit
			}
			a.start(b.text, kind)
		case bSubtitle:
			if a.seg != nil && a.seg.kind == doc.TitleUnit && a.seg.subtitle == "" && len(a.seg.parts) == 0 {
				a.seg.subtitle = b.text
			} else if i+1 < len(r.blocks) && r.blocks[i+1].kind == bHeading {
				a.pendingSub = b.text
			} else {
				a.add(block{kind: bPara, text: b.text})
			}
		case bCaption:
			if a.lastPicture != nil && a.lastPicture.Notes == "" {
				a.lastPicture.Notes = b.text
			} else {
				a.add(block{kind: bPara, text: b.text})
			}
		case bTable:
			a.flush()
			a.emit(&doc.Unit{Kind: doc.Table, Title: a.title(), Table: b.rows})
			a.resume()
		case bImage:
			a.flush()
			u := &doc.Unit{Kind: doc.Picture, Title: a.title(), Images: []doc.Image{*b.img}}
			a.emit(u)
			a.lastPicture = u
			a.resume()
			continue
		default:
			a.add(b)
		}
		if b.kind != bCaption {
			a.lastPicture = nil
		}
	}
	a.flush()
	for _, s := range r.doc.Sections {
		if len(s.Units) > 0 {
			a.out = append(a.out, s)
		}
	}
	r.doc.Sections = a.out
	r.doc.Total = a.n
}

type segment struct {
	title    string
	subtitle string
	kind     doc.UnitKind
	parts    []block
	cont     bool // continues a heading after a table or picture
}

type assembler struct {
	r           *reader
	sec         *doc.Section
	seg         *segment
	pendingSub  string
	lastPicture *doc.Unit
	lastTitle   string
	n           int
	out         []*doc.Section
}

func (a *assembler) newSection(title string) {
	a.sec = &doc.Section{Title: title}
	a.r.doc.Sections = append(a.r.doc.Sections, a.sec)
}

func (a *assembler) title() string {
	if a.seg != nil {
		return a.seg.title
	}
	return a.lastTitle
}

func (a *assembler) start(title string, kind doc.UnitKind) {
	a.seg = &segment{title: title, kind: kind, subtitle: a.pendingSub}
	a.pendingSub = ""
	a.lastTitle = title
}

// resume continues the current heading after a table or picture.
func (a *assembler) resume() {
	a.seg = &segment{title: a.lastTitle, cont: true}
}

func (a *assembler) add(b block) {
	if a.seg == nil {
		a.seg = &segment{title: a.lastTitle, cont: a.lastTitle != ""}
	}
	if a.pendingSub != "" {
		a.seg.parts = append(a.seg.parts, block{kind: bPara, text: a.pendingSub})
		a.pendingSub = ""
	}
	a.seg.parts = append(a.seg.parts, b)
}

func (a *assembler) emit(u *doc.Unit) {
	a.n++
	u.Number = a.n
	a.sec.Units = append(a.sec.Units, u)
}

// flush turns the current segment into one or more units, splitting so no
// unit's running text passes MaxWords and no unit has more than maxItems
// bullets.
func (a *assembler) flush() {
	s := a.seg
	a.seg = nil
	if s == nil {
		return
	}
	if len(s.parts) == 0 {
		if s.cont || s.title == "" {
			return
		}
		kind := s.kind
		if kind == doc.Content {
			kind = doc.SectionHeader
		}
		a.emit(&doc.Unit{Kind: kind, Title: s.title, Subtitle: s.subtitle})
		return
	}
	cur := &doc.Unit{Kind: s.kind, Title: s.title, Subtitle: s.subtitle}
	words := 0
	next := func() {
		a.emit(cur)
		cur = &doc.Unit{Kind: doc.Content, Title: s.title}
		words = 0
	}
	for _, b := range s.parts {
		switch b.kind {
		case bItem:
			if len(cur.Bullets) >= maxItems {
				next()
			}
			if len(cur.Bullets) == 0 {
				cur.Ordered = b.ordered
			}
			cur.Bullets = append(cur.Bullets, doc.Item{Text: b.text, Level: b.level})
			words += doc.Words(b.text)
		default:
			for _, chunk := range splitWords(b.text, MaxWords) {
				n := doc.Words(chunk)
				if words > 0 && words+n > MaxWords {
					next()
				}
				cur.Paras = append(cur.Paras, chunk)
				words += n
			}
		}
	}
	if len(cur.Paras) > 0 || len(cur.Bullets) > 0 {
		a.emit(cur)
	}
}

var sentenceEnd = regexp.MustCompile(`[.!?…]["”’)\]]*\s+`)

// splitWords splits text at sentence boundaries (then at word boundaries)
// into chunks of at most max words.
func splitWords(text string, max int) []string {
	if doc.Words(text) <= max {
		return []string{text}
	}
	var sentences []string
	last := 0
	for _, loc := range sentenceEnd.FindAllStringIndex(text, -1) {
		sentences = append(sentences, strings.TrimSpace(text[last:loc[1]]))
		last = loc[1]
	}
	if last < len(text) {
		sentences = append(sentences, strings.TrimSpace(text[last:]))
	}
	var out []string
	var cur []string
	n := 0
	push := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur, n = nil, 0
		}
	}
	for _, s := range sentences {
		w := strings.Fields(s)
		if len(w) > max {
			push()
			for len(w) > 0 {
				k := min(max, len(w))
				out = append(out, strings.Join(w[:k], " "))
				w = w[k:]
			}
			continue
		}
		if n+len(w) > max {
			push()
		}
		cur = append(cur, s)
		n += len(w)
	}
	push()
	return out
}
