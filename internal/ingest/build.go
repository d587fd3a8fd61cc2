package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ingest/doc"
)

// maxRows is the most table rows shown on one scene.
const maxRows = 12

// maxBullets is the most top-level bullets kept from one PDF page.
const maxPDFBullets = 10

// document turns one parsed file into lessons, with a heading comment for
// each. first is the number of lessons already in the course.
func (b *builder) document(d *doc.Document, looks map[int]string, first int) ([]*course.Lesson, []string, error) {
	slug := b.docSlug(d)
	var sections []*doc.Section
	for _, s := range d.Sections {
		var keep []*doc.Unit
		for _, u := range s.Units {
			if !u.Hidden || b.opts.KeepHidden {
				keep = append(keep, u)
			}
		}
		if len(keep) > 0 {
			sections = append(sections, &doc.Section{Title: s.Title, Units: keep})
		}
	}
	if d.Kind == doc.PPTX && !b.opts.KeepHidden {
		var hidden []string
		for _, s := range d.Sections {
			for _, u := range s.Units {
				if u.Hidden {
					hidden = append(hidden, fmt.Sprint(u.Number))
				}
			}
		}
		if len(hidden) > 0 {
			b.warn("%s: %d hidden slide(s) skipped (%s); use --keep-hidden to keep them", d.Name, len(hidden), strings.Join(hidden, ", "))
		}
	}
	width := 2
	switch {
	case d.Total >= 1000:
		width = 4
	case d.Total >= 100:
		width = 3
	}
	var lessons []*course.Lesson
	var comments []string
	composedPDF := 0
	for i, s := range sections {
		title := s.Title
		if title == "" {
			title = d.Title
		}
		if title == "" {
			title = stem(d.Name)
		}
		id := slug
		if len(sections) > 1 {
			part := course.Slug(s.Title)
			if part == "" {
				part = fmt.Sprintf("part%d", i+1)
			}
			id = slug + "-" + part
		}
		l := &course.Lesson{ID: b.uniqueLesson(id), Title: title}
		for _, u := range s.Units {
			sc, composed, err := b.scene(d, u, slug, width, looks[u.Number])
			if err != nil {
				return nil, nil, err
			}
			if composed && d.Kind == doc.PDF {
				composedPDF++
			}
			l.Scenes = append(l.Scenes, sc)
		}
		lessons = append(lessons, l)
		comments = append(comments, fmt.Sprintf("Lesson %d: %s (from %s%s)", first+len(lessons), title, d.Name, span(d.Kind, s.Units)))
	}
	if composedPDF > 0 {
		b.warn("%s: PDF pages have no speaker notes; narration of %d page(s) was composed from the page text", d.Name, composedPDF)
	}
	return lessons, comments, nil
}

// span describes the slides or pages a lesson came from.
func span(kind string, us []*doc.Unit) string {
	if kind == doc.DOCX || len(us) == 0 {
		return ""
	}
	word, words := "slide", "slides"
	if kind == doc.PDF {
		word, words = "page", "pages"
	}
	a, z := us[0].Number, us[len(us)-1].Number
	if a == z {
		return fmt.Sprintf(", %s %d", word, a)
	}
	return fmt.Sprintf(", %s %d–%d", words, a, z)
}

// docSlug is a short id stem for a file, unique within the course.
func (b *builder) docSlug(d *doc.Document) string {
	s := course.Slug(stem(d.Name))
	if len(s) > 24 {
		s = strings.TrimRight(s[:24], "-._")
	}
	if s == "" {
		s = d.Kind
	}
	base := s
	for i := 2; b.slugs[s]; i++ {
		if i == 2 && !b.slugs[base+"-"+d.Kind] {
			s = base + "-" + d.Kind
			continue
		}
		s = fmt.Sprintf("%s-%d", base, i)
	}
	b.slugs[s] = true
	return s
}

func (b *builder) uniqueLesson(id string) string {
	out := id
	for i := 2; b.lessonIDs[out]; i++ {
		out = fmt.Sprintf("%s-%d", id, i)
	}
	b.lessonIDs[out] = true
	return out
}

func (b *builder) uniqueScene(id string) string {
	out := id
	for i := 2; b.sceneIDs[out]; i++ {
		out = fmt.Sprintf("%s-%d", id, i)
	}
	b.sceneIDs[out] = true
	return out
}

// scene builds one scene from a unit. composed reports narration that was
// composed rather than taken from notes or running text.
func (b *builder) scene(d *doc.Document, u *doc.Unit, slug string, width int, look string) (*course.Scene, bool, error) {
	prefix := "s"
	label := fmt.Sprintf("slide %d", u.Number)
	switch d.Kind {
	case doc.PDF:
		prefix, label = "p", fmt.Sprintf("page %d", u.Number)
	case doc.DOCX:
		label = "section " + quoteTitle(u.Title, u.Number)
	}
	sc := &course.Scene{ID: b.uniqueScene(fmt.Sprintf("%s-%s%0*d", slug, prefix, width, u.Number)), Title: u.Title, Subtitle: u.Subtitle}
	if u.Hidden {
		sc.Notes = "hidden slide in the original deck"
	}
	bullets := tree(u.Bullets)

	if d.Kind == doc.PDF {
		return b.pdfScene(d, u, sc, look, label, slug)
	}

	// Pictures.
	image := ""
	if len(u.Images) > 0 {
		img := u.Images[0]
		p, err := b.addAsset(slug, img.Ext, img.Data, "")
		if err != nil {
			return nil, false, inErr(d.Path, "cannot store a picture: %v", err)
		}
		image = p
	}

	// Tables become bullets, one per row.
	if len(u.Table) > 0 {
		rows := u.Table
		if sc.Title == "" && len(rows) > 1 {
			sc.Title = joinRow(rows[0])
			rows = rows[1:]
		}
		if len(rows) > maxRows {
			b.warn("%s: %s: table has %d rows; the scene shows the first %d", d.Name, label, len(rows), maxRows)
			rows = rows[:maxRows]
		}
		for _, r := range rows {
			if t := joinRow(r); t != "" {
				bullets = append(bullets, course.Bullet{Text: t})
			}
		}
	}

	switch {
	case look != "":
		p, err := b.addAsset(slug, ".png", nil, look)
		if err != nil {
			return nil, false, inErr(d.Path, "cannot store the rendered %s: %v", label, err)
		}
		sc.Layout, sc.Image = "slide-image", p
		if len(bullets) > 0 {
			sc.Bullets = bullets // kept for composing narration and for editing
		}
	case u.Kind == doc.SectionHeader && len(bullets) == 0 && image == "":
		sc.Layout = "section"
	case u.Kind == doc.TitleUnit && len(u.Table) == 0 && image == "":
		sc.Layout = "title"
		if len(bullets) > 0 && len(bullets) <= 3 {
			// A title slide's extra lines (author, date) join the subtitle.
			parts := []string{}
			if sc.Subtitle != "" {
				parts = append(parts, sc.Subtitle)
			}
			for _, x := range bullets {
				parts = append(parts, x.Text)
			}
			sc.Subtitle = strings.Join(parts, " — ")
			bullets = nil
		}
		if len(bullets) > 0 {
			sc.Layout, sc.Bullets = "bullets", bullets
		}
	case image != "" && len(bullets) > 0:
		sc.Layout, sc.Image, sc.Bullets = "image-text", image, bullets
	case image != "":
		sc.Layout, sc.Image = "image", image
	case len(bullets) > 0:
		sc.Layout, sc.Bullets = "bullets", bullets
	default:
		sc.Layout = "title"
	}
	if sc.Title == "" && sc.Layout != "image" && sc.Layout != "slide-image" {
		if sc.Layout == "title" || sc.Layout == "section" {
			sc.Title = fallbackTitle(d, u)
		}
	}
	if sc.Layout == "slide-image" {
		sc.Bullets = nil
	}

	// Narration.
	p := book(b.lang)
	composed := false
	switch d.Kind {
	case doc.PPTX:
		sc.Narration = strings.TrimSpace(u.Notes)
		if sc.Narration == "" {
			sc.Narration = b.composeScene(sc, bullets, u, image)
			composed = true
			what := "title and bullets"
			if len(bullets) == 0 {
				what = "title"
			}
			b.warn("%s: %s: no speaker notes; narration composed from the %s", d.Name, label, what)
		}
	case doc.DOCX:
		var parts []string
		if u.Kind == doc.TitleUnit {
			parts = append(parts, sentence(sc.Title))
			if sc.Subtitle != "" {
				parts = append(parts, sentence(sc.Subtitle))
			}
		}
		for _, para := range u.Paras {
			parts = append(parts, closeSentence(para))
		}
		switch {
		case u.Kind == doc.Picture:
			text := u.Notes
			if text == "" {
				text = u.Images[0].Alt
			}
			if text != "" {
				parts = append(parts, sentence(text))
				sc.Title = strings.TrimSpace(sc.Title)
			}
		case len(u.Table) > 0:
			parts = append(parts, composeBullets(b.lang, p.table, sc.Title, bullets, false))
		case len(u.Bullets) > 0:
			intro := ""
			if len(u.Paras) == 0 {
				intro = p.section
			}
			parts = append(parts, composeBullets(b.lang, intro, sc.Title, tree(u.Bullets), u.Ordered))
		}
		sc.Narration = strings.TrimSpace(strings.Join(parts, "\n"))
		if sc.Narration == "" {
			sc.Narration = b.composeScene(sc, bullets, u, image)
			composed = true
			b.warn("%s: %s: no running text; narration composed from the heading", d.Name, label)
		}
	}
	if strings.TrimSpace(sc.Narration) == "" {
		b.warn("%s: %s: nothing to narrate; the scene is silent until you add narration", d.Name, label)
		sc.MinDuration = 3
	}
	return sc, composed, nil
}

// composeScene writes narration for a scene without notes or text.
func (b *builder) composeScene(sc *course.Scene, bullets []course.Bullet, u *doc.Unit, image string) string {
	p := book(b.lang)
	title := sc.Title
	switch {
	case len(u.Table) > 0:
		return composeBullets(b.lang, p.table, title, bullets, false)
	case len(bullets) > 0:
		return composeBullets(b.lang, p.slide, title, bullets, u.Ordered)
	case image != "" && title != "":
		return strings.Replace(p.picture, "%s", strings.TrimRight(title, ".:;!? "), 1)
	case image != "" && len(u.Images) > 0 && u.Images[0].Alt != "":
		return sentence(u.Images[0].Alt)
	}
	parts := []string{}
	if title != "" {
		parts = append(parts, sentence(title))
	}
	if sc.Subtitle != "" {
		parts = append(parts, sentence(sc.Subtitle))
	}
	return strings.Join(parts, " ")
}

// pdfScene builds a page scene: the rendered page with --keep-look, else
// the page's lines as bullets (slide-like pages) or its title (prose).
func (b *builder) pdfScene(d *doc.Document, u *doc.Unit, sc *course.Scene, look, label, slug string) (*course.Scene, bool, error) {
	lines := u.Paras
	if sc.Title == "" {
		sc.Title = fallbackTitle(d, u)
	}
	if look != "" {
		p, err := b.addAsset(slug, ".png", nil, look)
		if err != nil {
			return nil, false, inErr(d.Path, "cannot store the rendered %s: %v", label, err)
		}
		sc.Layout, sc.Image = "slide-image", p
	} else if slideLike(lines) {
		sc.Layout = "bullets"
		for i, l := range lines {
			if i == maxPDFBullets {
				break
			}
			sc.Bullets = append(sc.Bullets, course.Bullet{Text: l})
		}
	} else {
		sc.Layout = "title"
	}
	if len(lines) > 0 {
		if sc.Layout == "bullets" {
			parts := make([]string, len(lines))
			for i, l := range lines {
				parts[i] = sentence(l)
			}
			sc.Narration = strings.Join(parts, " ")
		} else {
			sc.Narration = flow(lines)
		}
		return sc, true, nil
	}
	if u.Title != "" {
		sc.Narration = sentence(u.Title)
		return sc, true, nil
	}
	b.warn("%s: %s: no text found (a scanned or image-only page?); the scene is silent until you add narration", d.Name, label)
	sc.MinDuration = 3
	return sc, false, nil
}

// slideLike reports a page that reads as a slide: a few short lines.
func slideLike(lines []string) bool {
	if len(lines) == 0 || len(lines) > 12 {
		return false
	}
	total := 0
	for _, l := range lines {
		total += utf8.RuneCountInString(l)
	}
	return total/len(lines) <= 90
}

// flow joins page lines into running text, mending words hyphenated at
// line ends.
func flow(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if strings.HasSuffix(prev, "-") && len(prev) > 1 && isLower(l) {
				// "compo-" + "sition": drop the hyphen, no space.
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-1])
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return strings.TrimSpace(b.String())
}

func isLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r >= 'a' && r <= 'z' || (r > 127 && strings.ToLower(string(r)) == string(r) && strings.ToUpper(string(r)) != string(r))
}

// closeSentence adds a full stop to a paragraph that ends in a letter or
// digit, so a voice pauses between paragraphs.
func closeSentence(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return s + "."
	}
	return s
}

func fallbackTitle(d *doc.Document, u *doc.Unit) string {
	switch d.Kind {
	case doc.PDF:
		return fmt.Sprintf("Page %d", u.Number)
	case doc.PPTX:
		return fmt.Sprintf("Slide %d", u.Number)
	}
	if d.Title != "" {
		return d.Title
	}
	return stem(d.Name)
}

func quoteTitle(t string, n int) string {
	if t == "" {
		return fmt.Sprintf("#%d", n)
	}
	return fmt.Sprintf("%q", t)
}

func joinRow(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " — ")
}

// tree nests flat leveled items: an item deeper than the one before it
// becomes its child (a jump of several levels counts as one).
func tree(items []doc.Item) []course.Bullet {
	type node struct {
		text  string
		level int
		kids  []*node
	}
	var roots []*node
	var stack []*node
	for _, it := range items {
		if strings.TrimSpace(it.Text) == "" {
			continue
		}
		n := &node{text: it.Text, level: it.Level}
		for len(stack) > 0 && stack[len(stack)-1].level >= it.Level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			roots = append(roots, n)
		} else {
			p := stack[len(stack)-1]
			p.kids = append(p.kids, n)
		}
		stack = append(stack, n)
	}
	var conv func([]*node) []course.Bullet
	conv = func(ns []*node) []course.Bullet {
		var out []course.Bullet
		for _, n := range ns {
			out = append(out, course.Bullet{Text: n.text, Children: conv(n.kids)})
		}
		return out
	}
	return conv(roots)
}
