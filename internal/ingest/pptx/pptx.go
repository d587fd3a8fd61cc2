// Package pptx reads PowerPoint decks (Office Open XML) into the neutral
// document model, with archive/zip and encoding/xml only: slides in
// presentation order, titles, bullets with levels, text boxes and grouped
// shapes in reading order, tables, pictures, speaker notes, hidden slides and
// sections.
package pptx

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/tecno-video/tecno/internal/ingest/doc"
	"github.com/tecno-video/tecno/internal/ingest/ooxml"
)

// Options tune parsing.
type Options struct {
	// Limits bound the archive; the zero value means ooxml.DefaultLimits.
	Limits ooxml.Limits
}

// Parse reads the deck at file. Hidden slides are returned with Hidden set;
// the caller decides whether to keep them.
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

// Read parses a deck from r; name is used in messages. It never panics on
// malformed input.
func Read(ctx context.Context, r io.ReaderAt, size int64, name string, opts Options) (d *doc.Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			if onPanic != nil {
				onPanic(p)
			}
			d, err = nil, ooxml.Errorf(name, "cannot read this presentation: malformed content (%v)", p)
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
	rd := &reader{ctx: ctx, pkg: pkg, name: name, layouts: map[string]*layout{}, media: map[string]*doc.Image{}}
	return rd.read()
}

// onPanic, when set (by fuzz tests), sees every recovered panic: the
// recovery keeps users safe, but a panic is still a bug to fix.
var onPanic func(any)

type reader struct {
	ctx     context.Context
	pkg     *ooxml.Package
	name    string
	doc     *doc.Document
	layouts map[string]*layout
	media   map[string]*doc.Image
}

type slideRef struct {
	id     string
	target string
}

func (r *reader) read() (*doc.Document, error) {
	main, err := r.pkg.MainPart()
	if err != nil {
		return nil, err
	}
	if main == "" && r.pkg.Has("ppt/presentation.xml") {
		main = "ppt/presentation.xml"
	}
	if main == "" || !r.pkg.Has(main) {
		return nil, ooxml.Errorf(r.name, "not a PowerPoint presentation (no presentation part)")
	}
	pres, err := r.pkg.ParseXML(main)
	if err != nil {
		return nil, err
	}
	if pres.Local != "presentation" {
		return nil, ooxml.Errorf(r.name, "not a PowerPoint presentation (main part is %q)", pres.Local)
	}
	rels, err := r.pkg.Rels(main)
	if err != nil {
		return nil, err
	}
	r.doc = &doc.Document{Path: r.name, Name: filepath.Base(r.name), Kind: doc.PPTX, Title: r.pkg.CoreTitle()}

	var refs []slideRef
	for _, s := range pres.Path("sldIdLst").Children("sldId") {
		rel, ok := rels[s.RelAttr("id")]
		if !ok || rel.External || rel.Type != "slide" {
			r.warn("slide %d: listed in the presentation but its part is missing; skipped", len(refs)+1)
			refs = append(refs, slideRef{id: s.Attr("id")})
			continue
		}
		refs = append(refs, slideRef{id: s.Attr("id"), target: rel.Target})
	}
	r.doc.Total = len(refs)

	// Sections (PowerPoint 2010 extension list) map slide ids to lessons.
	sectionOf := map[string]int{}
	var sections []*doc.Section
	if sl := pres.Find("sectionLst"); sl != nil {
		for _, s := range sl.Children("section") {
			sections = append(sections, &doc.Section{Title: doc.Clean(s.Attr("name"))})
			for _, id := range s.Path("sldIdLst").Children("sldId") {
				if _, dup := sectionOf[id.Attr("id")]; !dup {
					sectionOf[id.Attr("id")] = len(sections) - 1
				}
			}
		}
	}
	var loose *doc.Section // slides outside any section
	for i, ref := range refs {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		if ref.target == "" {
			continue
		}
		u, err := r.slide(i+1, ref.target)
		if err != nil {
			return nil, err
		}
		if si, ok := sectionOf[ref.id]; ok {
			sections[si].Units = append(sections[si].Units, u)
			continue
		}
		if loose == nil {
			loose = &doc.Section{}
			sections = append([]*doc.Section{loose}, sections...)
			for k := range sectionOf {
				sectionOf[k]++
			}
		}
		loose.Units = append(loose.Units, u)
	}
	for _, s := range sections {
		if len(s.Units) > 0 {
			r.doc.Sections = append(r.doc.Sections, s)
		}
	}
	if r.doc.Title == "" {
		for _, s := range r.doc.Sections {
			for _, u := range s.Units {
				if u.Title != "" && !u.Hidden {
					r.doc.Title = u.Title
					break
				}
			}
			if r.doc.Title != "" {
				break
			}
		}
	}
	if len(r.doc.Sections) == 1 && r.doc.Sections[0].Title == "" {
		r.doc.Sections[0].Title = r.doc.Title
	}
	return r.doc, nil
}

func (r *reader) warn(format string, args ...any) {
	r.doc.Warnings = append(r.doc.Warnings, fmt.Sprintf(format, args...))
}

// affine maps child coordinates to slide coordinates: X = a*x + b.
type affine struct{ ax, bx, ay, by float64 }

var identity = affine{ax: 1, ay: 1}

func (t affine) apply(x, y float64) (float64, float64) { return t.ax*x + t.bx, t.ay*y + t.by }

// shape is one thing found on a slide.
type shape struct {
	x, y, w, h float64
	phType     string // placeholder type, "" for free shapes
	paras      []doc.Item
	table      [][]string
	image      string // relationship id of a picture
	alt        string
	order      int
}

func (r *reader) slide(num int, part string) (*doc.Unit, error) {
	root, err := r.pkg.ParseXML(part)
	if err != nil {
		return nil, err
	}
	rels, err := r.pkg.Rels(part)
	if err != nil {
		return nil, err
	}
	u := &doc.Unit{Number: num}
	if v := root.Attr("show"); v == "0" || v == "false" {
		u.Hidden = true
	}
	var lay *layout
	for _, rel := range rels {
		if rel.Type == "slideLayout" && !rel.External {
			lay = r.layout(rel.Target)
		}
	}
	var shapes []*shape
	diagrams := 0
	r.walk(root.Path("cSld", "spTree"), identity, lay, &shapes, &diagrams, 0)

	var titleShape, subShape *shape
	for _, s := range shapes {
		switch s.phType {
		case "title", "ctrTitle":
			if titleShape == nil {
				titleShape = s
			}
		case "subTitle":
			if subShape == nil {
				subShape = s
			}
		}
	}
	if titleShape != nil {
		u.Title = joinParas(titleShape.paras)
	}
	if subShape != nil {
		u.Subtitle = joinParas(subShape.paras)
	}
	switch {
	case lay != nil && lay.kind == "secHead":
		u.Kind = doc.SectionHeader
	case titleShape != nil && titleShape.phType == "ctrTitle", lay != nil && lay.kind == "title":
		u.Kind = doc.TitleUnit
	}

	sort.SliceStable(shapes, func(i, j int) bool {
		a, b := shapes[i], shapes[j]
		if a.y != b.y {
			return a.y < b.y
		}
		return a.x < b.x
	})
	var best *doc.Image
	skipped := map[string]bool{}
	for _, s := range shapes {
		if s == titleShape || s == subShape {
			continue
		}
		switch {
		case s.table != nil:
			if u.Table == nil {
				u.Table = s.table
			} else {
				u.Table = append(u.Table, s.table...)
			}
		case s.image != "":
			rel, ok := rels[s.image]
			if !ok || rel.External {
				continue
			}
			img, err := r.picture(rel.Target)
			if err != nil {
				return nil, err
			}
			if img == nil {
				skipped[strings.ToLower(path.Ext(rel.Target))] = true
				continue
			}
			cp := *img
			cp.Alt = s.alt
			cp.Area = int64(s.w * s.h)
			if best == nil || cp.Area > best.Area {
				best = &cp
			}
		default:
			u.Bullets = append(u.Bullets, s.paras...)
		}
	}
	if best != nil {
		u.Images = []doc.Image{*best}
	}
	for _, ext := range sortedKeys(skipped) {
		if ext == "" {
			ext = "(no extension)"
		}
		r.warn("slide %d: a picture in %s format was skipped; tecno renders PNG, JPEG and GIF", num, ext)
	}
	if diagrams > 0 {
		r.warn("slide %d: %d chart or SmartArt graphic(s) not converted; add them as pictures if they matter", num, diagrams)
	}
	for _, rel := range rels {
		if rel.Type == "notesSlide" && !rel.External {
			notes, err := r.notes(rel.Target)
			if err != nil {
				return nil, err
			}
			u.Notes = notes
		}
	}
	return u, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// skipPlaceholder lists placeholder types that carry no content.
var skipPlaceholder = map[string]bool{"dt": true, "ftr": true, "sldNum": true, "hdr": true, "sldImg": true}

func (r *reader) walk(tree *ooxml.Node, t affine, lay *layout, out *[]*shape, diagrams *int, depth int) {
	if tree == nil || depth > 64 {
		return
	}
	for _, n := range tree.Kids {
		switch n.Local {
		case "sp":
			ph := n.Path("nvSpPr", "nvPr", "ph")
			s := &shape{order: len(*out)}
			if ph != nil {
				s.phType = ph.Attr("type")
				if s.phType == "" {
					s.phType = "obj"
				}
				if skipPlaceholder[s.phType] {
					continue
				}
			}
			if !position(n.Path("spPr", "xfrm"), t, s) && ph != nil && lay != nil {
				lay.place(ph, s)
			}
			s.paras = paragraphs(n.Child("txBody"))
			if len(s.paras) > 0 {
				*out = append(*out, s)
			}
		case "grpSp":
			x := n.Path("grpSpPr", "xfrm")
			r.walk(n, t.group(x), lay, out, diagrams, depth+1)
		case "graphicFrame":
			s := &shape{order: len(*out)}
			position(n.Child("xfrm"), t, s)
			if tbl := n.Find("tbl"); tbl != nil {
				s.table = table(tbl)
				if len(s.table) > 0 {
					*out = append(*out, s)
				}
				continue
			}
			if gd := n.Find("graphicData"); gd != nil {
				uri := gd.Attr("uri")
				if strings.Contains(uri, "chart") || strings.Contains(uri, "diagram") {
					*diagrams++
				}
			}
		case "pic":
			blip := n.Find("blip")
			if blip == nil || blip.RelAttr("embed") == "" {
				continue
			}
			s := &shape{order: len(*out), image: blip.RelAttr("embed")}
			s.alt = doc.Clean(n.Path("nvPicPr", "cNvPr").Attr("descr"))
			if !position(n.Path("spPr", "xfrm"), t, s) && lay != nil {
				if ph := n.Path("nvPicPr", "nvPr", "ph"); ph != nil {
					lay.place(ph, s)
				}
			}
			*out = append(*out, s)
		case "AlternateContent":
			if c := n.Child("Choice"); c != nil {
				r.walk(c, t, lay, out, diagrams, depth+1)
			} else if f := n.Child("Fallback"); f != nil {
				r.walk(f, t, lay, out, diagrams, depth+1)
			}
		}
	}
}

// group returns the transform for the children of a group with xfrm x.
func (t affine) group(x *ooxml.Node) affine {
	if x == nil {
		return t
	}
	off, ext := x.Child("off"), x.Child("ext")
	choff, chext := x.Child("chOff"), x.Child("chExt")
	ox, oy := num(off.Attr("x")), num(off.Attr("y"))
	cx, cy := num(choff.Attr("x")), num(choff.Attr("y"))
	sx, sy := 1.0, 1.0
	if w := num(chext.Attr("cx")); w > 0 {
		sx = num(ext.Attr("cx")) / w
	}
	if h := num(chext.Attr("cy")); h > 0 {
		sy = num(ext.Attr("cy")) / h
	}
	// child → group space: X = sx*x + (ox - cx*sx); then the parent transform.
	return affine{
		ax: t.ax * sx, bx: t.ax*(ox-cx*sx) + t.bx,
		ay: t.ay * sy, by: t.ay*(oy-cy*sy) + t.by,
	}
}

// position sets s's box from an a:xfrm (or p:xfrm) node; false when absent.
func position(x *ooxml.Node, t affine, s *shape) bool {
	off := x.Child("off")
	if off == nil {
		return false
	}
	ext := x.Child("ext")
	s.x, s.y = t.apply(num(off.Attr("x")), num(off.Attr("y")))
	s.w, s.h = num(ext.Attr("cx"))*t.ax, num(ext.Attr("cy"))*t.ay
	return true
}

func num(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 1e15 || f < -1e15 {
		return 0
	}
	return f
}

// paragraphs returns the non-empty paragraphs of a text body with levels.
func paragraphs(body *ooxml.Node) []doc.Item {
	if body == nil {
		return nil
	}
	var out []doc.Item
	for _, p := range body.Children("p") {
		text := paraText(p)
		if text == "" {
			continue
		}
		lvl, _ := strconv.Atoi(p.Child("pPr").Attr("lvl"))
		if lvl < 0 || lvl > 8 {
			lvl = 0
		}
		out = append(out, doc.Item{Text: text, Level: lvl})
	}
	return out
}

func paraText(p *ooxml.Node) string {
	var b strings.Builder
	for _, k := range p.Kids {
		switch k.Local {
		case "r", "fld":
			if t := k.Child("t"); t != nil {
				b.WriteString(t.Text)
			}
		case "br":
			b.WriteByte(' ')
		}
	}
	return doc.Clean(b.String())
}

func joinParas(ps []doc.Item) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Text)
	}
	return doc.Clean(strings.Join(parts, " "))
}

// table returns the rows of an a:tbl, skipping merged continuation cells and
// empty rows.
func table(tbl *ooxml.Node) [][]string {
	var rows [][]string
	for _, tr := range tbl.Children("tr") {
		var row []string
		empty := true
		for _, tc := range tr.Children("tc") {
			if tc.Attr("hMerge") == "1" || tc.Attr("vMerge") == "1" || tc.Attr("hMerge") == "true" || tc.Attr("vMerge") == "true" {
				continue
			}
			text := joinParas(paragraphs(tc.Child("txBody")))
			if text != "" {
				empty = false
			}
			row = append(row, text)
		}
		if !empty {
			rows = append(rows, row)
		}
	}
	return rows
}

// notes returns the speaker notes text of a notes slide: the body
// placeholder's paragraphs, one per line.
func (r *reader) notes(part string) (string, error) {
	root, err := r.pkg.ParseXML(part)
	if err != nil {
		return "", err
	}
	var lines []string
	var collect func(*ooxml.Node, int)
	collect = func(tree *ooxml.Node, depth int) {
		if tree == nil || depth > 64 {
			return
		}
		for _, n := range tree.Kids {
			switch n.Local {
			case "grpSp":
				collect(n, depth+1)
			case "sp":
				ph := n.Path("nvSpPr", "nvPr", "ph")
				if ph == nil || skipPlaceholder[ph.Attr("type")] {
					continue
				}
				if t := ph.Attr("type"); t != "" && t != "body" && t != "obj" {
					continue
				}
				for _, p := range paragraphs(n.Child("txBody")) {
					lines = append(lines, p.Text)
				}
			}
		}
	}
	collect(root.Path("cSld", "spTree"), 0)
	return strings.Join(lines, "\n"), nil
}

// picture reads a media part once; nil means an unsupported format.
func (r *reader) picture(part string) (*doc.Image, error) {
	if img, ok := r.media[part]; ok {
		return img, nil
	}
	ext := strings.ToLower(path.Ext(part))
	if ext == ".jpeg" {
		ext = ".jpg"
	}
	var img *doc.Image
	if ext == ".png" || ext == ".jpg" || ext == ".gif" {
		if !r.pkg.Has(part) {
			r.media[part] = nil
			return nil, nil
		}
		data, err := r.pkg.ReadMedia(part)
		if err != nil {
			return nil, err
		}
		if len(data) > 0 {
			img = &doc.Image{Ext: ext, Data: data}
		}
	}
	r.media[part] = img
	return img, nil
}

// layout holds what a slide inherits from its layout: its type and the
// positions of its placeholders.
type layout struct {
	kind   string
	byIdx  map[string]shape
	byType map[string]shape
}

func (r *reader) layout(part string) *layout {
	if l, ok := r.layouts[part]; ok {
		return l
	}
	l := &layout{byIdx: map[string]shape{}, byType: map[string]shape{}}
	r.layouts[part] = l
	root, err := r.pkg.ParseXML(part)
	if err != nil {
		// A broken layout only costs reading order; the slide still reads.
		return l
	}
	l.kind = root.Attr("type")
	l.add(root)
	// Placeholders the layout leaves unpositioned inherit from the master.
	if rels, err := r.pkg.Rels(part); err == nil {
		for _, rel := range rels {
			if rel.Type == "slideMaster" && !rel.External {
				if m, err := r.pkg.ParseXML(rel.Target); err == nil {
					l.add(m)
				}
			}
		}
	}
	return l
}

// add records the positioned placeholders of a layout or master tree that
// are not known yet.
func (l *layout) add(root *ooxml.Node) {
	for _, sp := range root.Path("cSld", "spTree").Children("sp") {
		ph := sp.Path("nvSpPr", "nvPr", "ph")
		if ph == nil {
			continue
		}
		var s shape
		if !position(sp.Path("spPr", "xfrm"), identity, &s) {
			continue
		}
		if idx := ph.Attr("idx"); idx != "" {
			if _, ok := l.byIdx[idx]; !ok {
				l.byIdx[idx] = s
			}
		}
		typ := ph.Attr("type")
		if typ == "" {
			typ = "obj"
		}
		if _, ok := l.byType[typ]; !ok {
			l.byType[typ] = s
		}
	}
}

// place gives a placeholder without its own position the layout's one;
// titles without any position go first.
func (l *layout) place(ph *ooxml.Node, s *shape) {
	if p, ok := l.byIdx[ph.Attr("idx")]; ok && ph.Attr("idx") != "" {
		s.x, s.y, s.w, s.h = p.x, p.y, p.w, p.h
		return
	}
	typ := ph.Attr("type")
	if typ == "" {
		typ = "obj"
	}
	alts := []string{typ}
	switch typ {
	case "title":
		alts = append(alts, "ctrTitle")
	case "ctrTitle":
		alts = append(alts, "title")
	case "obj", "body":
		alts = append(alts, "body", "obj")
	}
	for _, a := range alts {
		if p, ok := l.byType[a]; ok {
			s.x, s.y, s.w, s.h = p.x, p.y, p.w, p.h
			return
		}
	}
	if typ == "title" || typ == "ctrTitle" {
		s.y = -1
	}
}
