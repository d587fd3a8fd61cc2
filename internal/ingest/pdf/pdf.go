// Package pdf reads the text of PDF files page by page with
// github.com/ledongthuc/pdf: lines in reading order (rows, top to bottom, then
// left to right), accents and non-Latin text kept, and a page title guessed
// from the largest font near the top. Pages are streamed: only one page's
// text objects are in memory at a time.
package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	lpdf "github.com/ledongthuc/pdf"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ingest/doc"
)

// MaxContentBytes is the most decompressed content-stream bytes read for one
// page; larger pages are skipped with a warning.
const MaxContentBytes = 32 << 20

// maxPageDepth bounds the page tree walk.
const maxPageDepth = 64

// Page is the text of one page.
type Page struct {
	Number int
	Title  string
	Lines  []string // reading order, title excluded
	// Partial reports a content stream that broke off; Lines holds the
	// text read before the damage.
	Partial bool
}

// Parse reads every page of file into a document with one section.
func Parse(ctx context.Context, file string) (*doc.Document, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, inputf(file, "cannot open: %v", err).Wrap(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, inputf(file, "cannot stat: %v", err).Wrap(err)
	}
	d := &doc.Document{Path: file, Name: filepath.Base(file), Kind: doc.PDF}
	sec := &doc.Section{}
	title := ""
	n, err := Read(ctx, f, fi.Size(), file, func(p Page) error {
		u := &doc.Unit{Number: p.Number, Title: p.Title, Paras: p.Lines}
		if title == "" && p.Title != "" {
			title = p.Title
		}
		sec.Units = append(sec.Units, u)
		return nil
	}, func(w string) { d.Warnings = append(d.Warnings, w) })
	if err != nil {
		return nil, err
	}
	d.Total = n
	d.Title = title
	if info := docTitle(f, fi.Size()); info != "" {
		d.Title = info
	}
	sec.Title = d.Title
	d.Sections = []*doc.Section{sec}
	return d, nil
}

func inputf(file, format string, args ...any) *fault.Error {
	return &fault.Error{Kind: fault.Input, File: file, Msg: fmt.Sprintf(format, args...)}
}

// Read streams the pages of a PDF to fn, in order, and returns the page
// count. warn receives non-fatal problems. It never panics on malformed
// input: panics inside the PDF library become input errors.
func Read(ctx context.Context, r io.ReaderAt, size int64, name string, fn func(Page) error, warn func(string)) (count int, err error) {
	if size == 0 {
		return 0, inputf(name, "file is empty")
	}
	rd, err := open(r, size, name)
	if err != nil {
		return 0, err
	}
	var pages []lpdf.Value
	if err := guard(name, func() error {
		pages = pageList(rd.Trailer().Key("Root").Key("Pages"))
		return nil
	}); err != nil {
		return 0, err
	}
	if len(pages) == 0 {
		return 0, inputf(name, "no pages found (the PDF is damaged or empty)")
	}
	var bad, partial []int
	for i, pv := range pages {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		var pg Page
		perr := guard(name, func() error {
			var err error
			pg, err = page(lpdf.Page{V: pv}, i+1)
			return err
		})
		if perr != nil || (pg.Partial && pg.Title == "" && len(pg.Lines) == 0) {
			bad = append(bad, i+1)
			pg = Page{Number: i + 1}
		} else if pg.Partial {
			partial = append(partial, i+1)
		}
		if err := fn(pg); err != nil {
			return 0, err
		}
	}
	if len(bad) == len(pages) {
		return 0, inputf(name, "cannot read the text of any page (damaged or unsupported PDF)")
	}
	if len(bad) > 0 && warn != nil {
		warn(fmt.Sprintf("%s: the text of %d page(s) could not be read (%s)", filepath.Base(name), len(bad), pageNums(bad)))
	}
	if len(partial) > 0 && warn != nil {
		warn(fmt.Sprintf("%s: %d page(s) have damaged content; only part of their text was read (%s)", filepath.Base(name), len(partial), pageNums(partial)))
	}
	return len(pages), nil
}

func pageNums(nums []int) string {
	var parts []string
	for i, n := range nums {
		if i == 10 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprint(n))
	}
	return "pages " + strings.Join(parts, ", ")
}

// open opens the PDF, turning encryption and damage into input errors.
func open(r io.ReaderAt, size int64, name string) (rd *lpdf.Reader, err error) {
	err = guard(name, func() error {
		var e error
		rd, e = lpdf.NewReader(r, size)
		return e
	})
	if err == nil {
		return rd, nil
	}
	msg := err.Error()
	var fe *fault.Error
	if errors.As(err, &fe) {
		msg = fe.Msg
	}
	switch {
	case errors.Is(err, lpdf.ErrInvalidPassword) || strings.Contains(strings.ToLower(msg), "encrypt") || strings.Contains(msg, "password"):
		return nil, inputf(name, "the PDF is encrypted with a password").
			WithHint("remove the password first, e.g. qpdf --decrypt --password=PASSWORD %s decrypted.pdf", filepath.Base(name)).Wrap(err)
	case strings.Contains(msg, "missing %%EOF"):
		return nil, inputf(name, "not a valid PDF file: the end-of-file marker is missing (truncated download?)").Wrap(err)
	case strings.Contains(msg, "not a PDF file"):
		return nil, inputf(name, "not a valid PDF file (%s)", strings.TrimPrefix(msg, "not a PDF file: ")).Wrap(err)
	}
	return nil, inputf(name, "cannot read this PDF (damaged or unsupported): %s", oneLine(msg)).Wrap(err)
}

// guard runs fn, converting a panic from the PDF library into an input
// error.
func guard(name string, fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = inputf(name, "cannot read this PDF (damaged or unsupported): %s", oneLine(fmt.Sprint(p)))
		}
	}()
	return fn()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// pageList walks the page tree once, iteratively, with cycle and depth
// protection. Only lazy references are kept, not page contents.
func pageList(root lpdf.Value) []lpdf.Value {
	type frame struct {
		kids  lpdf.Value
		i     int
		depth int
	}
	var out []lpdf.Value
	if root.Kind() != lpdf.Dict {
		return nil
	}
	if root.Key("Type").Name() == "Page" {
		return []lpdf.Value{root}
	}
	stack := []frame{{kids: root.Key("Kids")}}
	visited := 0
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i >= top.kids.Len() {
			stack = stack[:len(stack)-1]
			continue
		}
		kid := top.kids.Index(top.i)
		top.i++
		visited++
		if visited > 1_000_000 {
			break
		}
		if kid.Kind() != lpdf.Dict {
			continue
		}
		kids := kid.Key("Kids")
		if kid.Key("Type").Name() == "Pages" || (kid.Key("Type").Name() != "Page" && kids.Kind() == lpdf.Array) {
			if top.depth < maxPageDepth {
				stack = append(stack, frame{kids: kids, depth: top.depth + 1})
			}
			continue
		}
		out = append(out, kid)
	}
	return out
}

// glyph is one decoded character with its position.
type glyph struct {
	x, y, w, size float64
	s             string
}

// page extracts the text lines of one page.
func page(p lpdf.Page, num int) (Page, error) {
	pg := Page{Number: num}
	contents := p.V.Key("Contents")
	if contents.Kind() == lpdf.Null {
		return pg, nil
	}
	if err := checkSize(contents); err != nil {
		return pg, err
	}
	gs, partial := glyphs(p)
	pg.Partial = partial
	lines := group(gs)
	if len(lines) == 0 {
		return pg, nil
	}
	ti := titleLine(lines)
	for i, l := range lines {
		if i == ti {
			pg.Title = l.text
			continue
		}
		pg.Lines = append(pg.Lines, l.text)
	}
	return pg, nil
}

// checkSize refuses pages whose decompressed content passes
// MaxContentBytes, reading the streams through a limit so memory stays
// bounded.
func checkSize(contents lpdf.Value) error {
	var streams []lpdf.Value
	if contents.Kind() == lpdf.Array {
		for i := 0; i < contents.Len() && i < 10000; i++ {
			streams = append(streams, contents.Index(i))
		}
	} else {
		streams = []lpdf.Value{contents}
	}
	var total int64
	for _, s := range streams {
		if s.Kind() != lpdf.Stream {
			continue
		}
		n, err := io.Copy(io.Discard, io.LimitReader(s.Reader(), MaxContentBytes+1-total))
		total += n
		if err != nil {
			return err
		}
		if total > MaxContentBytes {
			return fmt.Errorf("page content larger than %d MiB", MaxContentBytes>>20)
		}
	}
	return nil
}

type line struct {
	y, size float64
	text    string
}

// group turns glyphs into lines: glyphs whose baselines are within a third
// of the font size share a line; lines go top to bottom, glyphs left to
// right, with a space where the gap between glyphs is wide.
func group(gs []glyph) []line {
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].y > gs[j].y })
	var rows [][]glyph
	for _, g := range gs {
		if g.size <= 0 || math.IsNaN(g.size) || math.IsInf(g.size, 0) {
			g.size = 1
		}
		n := len(rows)
		if n > 0 {
			ref := rows[n-1][0]
			tol := math.Max(ref.size, g.size) / 3
			if math.Abs(ref.y-g.y) <= tol {
				rows[n-1] = append(rows[n-1], g)
				continue
			}
		}
		rows = append(rows, []glyph{g})
	}
	var out []line
	for _, row := range rows {
		sort.SliceStable(row, func(i, j int) bool { return row[i].x < row[j].x })
		var b strings.Builder
		var maxSize float64
		prevEnd := math.Inf(-1)
		for _, g := range row {
			if g.size > maxSize {
				maxSize = g.size
			}
			gap := g.x - prevEnd
			if b.Len() > 0 && gap > g.size*0.2 && !endsSpace(b.String()) && g.s != " " {
				b.WriteByte(' ')
			}
			b.WriteString(g.s)
			w := g.w
			if w <= 0 {
				w = g.size * 0.5
			}
			prevEnd = g.x + w
		}
		text := strings.TrimSpace(bulletGlyph.ReplaceAllString(fixText(doc.Clean(b.String())), ""))
		if !hasLetterOrDigit(text) || pageNumber.MatchString(text) {
			continue
		}
		out = append(out, line{y: row[0].y, size: maxSize, text: text})
	}
	return out
}

var (
	pageNumber  = regexp.MustCompile(`^(\d{1,5}|\d{1,5}\s*(/|of|de|von|di|dari)\s*\d{1,5}|[-–—]\s*\d{1,5}\s*[-–—])$`)
	bulletGlyph = regexp.MustCompile(`^[•●▪■◦‣∙○◆◇►▶✓✔➢➤→·]\s*`)
	ligatures   = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi", "\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st")
	// accented letters TeX draws as a spacing accent followed by the letter.
	accents = map[string]string{
		"´a": "á", "´e": "é", "´i": "í", "´ı": "í", "´o": "ó", "´u": "ú", "´A": "Á", "´E": "É", "´O": "Ó", "´U": "Ú",
		"`a": "à", "`e": "è", "`u": "ù", "`A": "À", "`E": "È",
		"ˆa": "â", "ˆe": "ê", "ˆi": "î", "ˆı": "î", "ˆo": "ô", "ˆu": "û",
		"¨a": "ä", "¨e": "ë", "¨i": "ï", "¨ı": "ï", "¨o": "ö", "¨u": "ü", "¨A": "Ä", "¨O": "Ö", "¨U": "Ü",
		"˜a": "ã", "˜o": "õ", "˜n": "ñ", "˜A": "Ã", "˜O": "Õ", "˜N": "Ñ",
		"¸c": "ç", "¸C": "Ç",
	}
	accentPair = regexp.MustCompile("[´`ˆ¨˜¸] ?[a-zA-Zı]")
)

// fixText undoes ligatures and TeX's spacing accents so text reads (and is
// spoken) normally.
func fixText(s string) string {
	s = ligatures.Replace(s)
	if !strings.ContainsAny(s, "´`ˆ¨˜¸") {
		return s
	}
	return accentPair.ReplaceAllStringFunc(s, func(m string) string {
		if r, ok := accents[strings.Replace(m, " ", "", 1)]; ok {
			return r
		}
		return m
	})
}

func endsSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// titleLine picks the title: the first line, among the top few, set in the
// page's largest font, provided that font is larger than the body text or
// the line is short. -1 means no title.
func titleLine(lines []line) int {
	var maxSize float64
	for _, l := range lines {
		maxSize = math.Max(maxSize, l.size)
	}
	// The body size is the most common size.
	count := map[float64]int{}
	for _, l := range lines {
		count[math.Round(l.size*2)/2]++
	}
	body, best := 0.0, 0
	for s, c := range count {
		if c > best || (c == best && s < body) {
			body, best = s, c
		}
	}
	limit := min(len(lines), 6)
	for i := 0; i < limit; i++ {
		l := lines[i]
		if l.size < maxSize-0.01 {
			continue
		}
		if len([]rune(l.text)) > 120 {
			return -1
		}
		if maxSize > body+0.5 || len(lines) == 1 || len([]rune(l.text)) <= 60 {
			return i
		}
		return -1
	}
	if len([]rune(lines[0].text)) <= 60 && len(lines) > 1 {
		return 0
	}
	return -1
}

// docTitle returns the Info dictionary title, if any.
func docTitle(r io.ReaderAt, size int64) (title string) {
	defer func() {
		if recover() != nil {
			title = ""
		}
	}()
	rd, err := lpdf.NewReader(r, size)
	if err != nil {
		return ""
	}
	t := doc.Clean(rd.Trailer().Key("Info").Key("Title").Text())
	if len([]rune(t)) > 120 || strings.HasSuffix(strings.ToLower(t), ".dvi") || strings.HasPrefix(strings.ToLower(t), "microsoft ") {
		return ""
	}
	return t
}
