package tui

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/course"
)

// Smallest terminal the layout fits.
const (
	minWidth  = 60
	minHeight = 16
)

type styles struct {
	bar, barDim, barWarn       lipgloss.Style
	border, borderFocus, title lipgloss.Style
	lesson, lessonDim          lipgloss.Style
	sel, id, dim, label, bold  lipgloss.Style
	approved, draft, changes   lipgloss.Style
	cached, stale, unknown     lipgloss.Style
	key, keyDesc, ok, err      lipgloss.Style
	code, quote                lipgloss.Style
}

func newStyles(p Profile) styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p.termenv())
	r.SetHasDarkBackground(true)
	s := r.NewStyle
	c := func(s string) lipgloss.Color { return lipgloss.Color(s) }
	var (
		accent = c("#8B7CF6")
		muted  = c("#8B949E")
		green  = c("#3FB950")
		orange = c("#F0883E")
		yellow = c("#D29922")
		blue   = c("#58A6FF")
		red    = c("#F85149")
	)
	return styles{
		bar:         s().Background(c("#3B2F87")).Foreground(c("#F5F3FF")).Bold(true),
		barDim:      s().Background(c("#3B2F87")).Foreground(c("#C4B5FD")),
		barWarn:     s().Background(c("#3B2F87")).Foreground(c("#FDBA74")).Bold(true),
		border:      s().Foreground(c("#484F58")),
		borderFocus: s().Foreground(accent),
		title:       s().Foreground(accent).Bold(true),
		lesson:      s().Foreground(c("#E6EDF3")).Bold(true),
		lessonDim:   s().Foreground(muted),
		sel:         s().Background(c("#30363D")).Foreground(c("#FFFFFF")).Bold(true),
		id:          s().Foreground(c("#E6EDF3")),
		dim:         s().Foreground(muted),
		label:       s().Foreground(accent).Bold(true),
		bold:        s().Bold(true),
		approved:    s().Foreground(green).Bold(true),
		draft:       s().Foreground(muted),
		changes:     s().Foreground(orange).Bold(true),
		cached:      s().Foreground(blue),
		stale:       s().Foreground(yellow),
		unknown:     s().Foreground(muted),
		key:         s().Foreground(accent).Bold(true),
		keyDesc:     s().Foreground(muted),
		ok:          s().Foreground(green),
		err:         s().Foreground(red).Bold(true),
		code:        s().Foreground(c("#A5D6FF")),
		quote:       s().Foreground(c("#E6EDF3")).Italic(true),
	}
}

// paneSizes returns the list pane's outer width and the details pane's
// inner width and height.
func (m *Model) paneSizes() (lw, dw, dh int) {
	lw = min(max(m.width*34/100, 26), 44)
	dw = m.width - lw - 4
	dh = m.height - 2 - 2
	return lw, dw, dh
}

// View draws the screen: header, scene list and details, footer.
func (m *Model) View() string {
	if m.quitting {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		msg := fmt.Sprintf("tecno review needs at least %d×%d; this terminal is %d×%d", minWidth, minHeight, m.width, m.height)
		return ansi.Wrap(msg, max(1, m.width), "") + "\n" + "q quits"
	}
	var body string
	if m.mode == modeHelp {
		body = m.box(" Keys ", m.helpLines(m.width-4, m.height-4), m.width, m.height-2, true)
	} else {
		lw, _, _ := m.paneSizes()
		list := m.box(" Scenes ", m.listLines(lw-4, m.height-4), lw, m.height-2, m.mode == modeNormal)
		detail := m.box(m.detailTitle(), m.detailLines(), m.width-lw, m.height-2, m.mode != modeNormal)
		body = lipgloss.JoinHorizontal(lipgloss.Top, list, detail)
	}
	return m.header() + "\n" + body + "\n" + m.footer()
}

// fit truncates s to w cells and pads it to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if n := w - ansi.StringWidth(s); n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

// box draws lines in a rounded border of outer size w×h with a title in
// the top edge and one column of padding on each side.
func (m *Model) box(title string, lines []string, w, h int, focus bool) string {
	bs := m.st.border
	ts := m.st.dim
	if focus {
		bs, ts = m.st.borderFocus, m.st.title
	}
	inner := w - 2
	title = ansi.Truncate(title, max(0, inner-2), "…")
	var b strings.Builder
	b.WriteString(bs.Render("╭─") + ts.Render(title) + bs.Render(strings.Repeat("─", max(0, inner-1-ansi.StringWidth(title)))+"╮"))
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString("\n" + bs.Render("│") + " " + fit(line, inner-2) + " " + bs.Render("│"))
	}
	b.WriteString("\n" + bs.Render("╰"+strings.Repeat("─", max(0, inner))+"╯"))
	return b.String()
}

func (m *Model) header() string {
	c := m.doc.Course()
	total, approved := 0, 0
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			total++
			if s.Status == course.StatusApproved {
				approved++
			}
		}
	}
	left := m.st.bar.Render(" tecno review ") + m.st.barDim.Render("│ "+c.Title+" │ "+filepath.Base(m.doc.Path())+" ")
	if m.doc.Dirty() {
		left += m.st.barWarn.Render("● unsaved ")
	}
	right := m.st.barDim.Render(fmt.Sprintf(" %d/%d approved ", approved, total))
	if busy := m.busyText(); busy != "" {
		right = m.st.barWarn.Render(" "+busy+" ") + right
	}
	gap := m.width - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 0 {
		return fit(left, m.width)
	}
	return left + m.st.barDim.Render(strings.Repeat(" ", gap)) + right
}

func (m *Model) busyText() string {
	for _, r := range m.scenes() {
		if b := m.busy[r.s.ID]; b != "" {
			return b + " " + r.s.ID + "…"
		}
	}
	return ""
}

func (m *Model) footer() string {
	var line string
	switch m.mode {
	case modeComment:
		return fit(m.comment.View(), m.width)
	case modeConfirmDelete:
		line = m.st.err.Render("delete "+m.sel+"?") + " " + m.keyHint("y", "delete") + m.keyHint("any other key", "keep")
	case modeConfirmQuit:
		line = m.st.err.Render("unsaved changes.") + " " + m.keyHint("w", "save and quit") + m.keyHint("y", "quit without saving") + m.keyHint("esc", "stay")
	case modeConflict:
		line = m.st.err.Render(m.msg+".") + " " + m.keyHint("o", "overwrite") + m.keyHint("r", "reload, dropping my edits") + m.keyHint("esc", "cancel")
	case modeEdit:
		line = m.keyHint("ctrl+s", "keep the edit") + m.keyHint("esc", "discard")
	case modeTemplate:
		line = m.keyHint("↑/↓", "choose") + m.keyHint("enter", "apply") + m.keyHint("esc", "cancel")
	case modeHelp:
		line = m.st.dim.Render("any key closes the help")
	default:
		if m.msg != "" {
			st := m.st.ok
			if m.msgErr {
				st = m.st.err
			}
			line = st.Render(m.msg) + "  " + m.keyHint("?", "help")
			break
		}
		help := m.keyHint("?", "help") + m.keyHint("q", "quit")
		room := m.width - 1 - ansi.StringWidth(help)
		for _, k := range m.keys.footerKeys() {
			h := m.keyHint(k.key, k.desc)
			if ansi.StringWidth(line)+ansi.StringWidth(h) > room {
				break
			}
			line += h
		}
		line += help
	}
	return fit(" "+line, m.width)
}

func (m *Model) keyHint(k, desc string) string {
	return m.st.key.Render(k) + " " + m.st.keyDesc.Render(desc) + "  "
}

// statusGlyph returns a scene's review status mark.
func (m *Model) statusGlyph(status string) string {
	switch status {
	case course.StatusApproved:
		return m.st.approved.Render("✓")
	case course.StatusChangesRequested:
		return m.st.changes.Render("!")
	default:
		return m.st.draft.Render("○")
	}
}

// cacheGlyph returns a scene's cache mark: ● cached, ◐ partly (would
// be rebuilt in part), ○ stale, ? unknown.
func (m *Model) cacheGlyph(id string) string {
	if b := m.busy[id]; b != "" {
		if b == "playing" {
			return m.st.cached.Render("♪")
		}
		return m.st.stale.Render("…")
	}
	st, ok := m.states[id]
	switch {
	case !ok:
		return m.st.unknown.Render("·")
	case st.Cached():
		return m.st.cached.Render("●")
	case st.Narrate || st.Audio || st.Frame || st.Still:
		return m.st.stale.Render("◐")
	default:
		return m.st.stale.Render("○")
	}
}

// duration returns a scene's length and whether it is an estimate.
func (m *Model) duration(r sceneRef) (float64, bool) {
	if st, ok := m.states[r.s.ID]; ok && st.Audio && st.Seconds > 0 {
		return st.Seconds, false
	}
	return build.EstimateSeconds(r.s, r.s.VoiceFor(r.l, m.doc.Course()).Rate), true
}

func (m *Model) durationText(r sceneRef) string {
	sec, est := m.duration(r)
	if sec == 0 {
		return "?"
	}
	if est {
		return "~" + clock(sec)
	}
	return clock(sec)
}

func (m *Model) listLines(w, h int) []string {
	type row struct {
		text string
		sel  bool
	}
	var rows []row
	selRow := 0
	for _, l := range m.doc.Course().Lessons {
		approved := 0
		for _, s := range l.Scenes {
			if s.Status == course.StatusApproved {
				approved++
			}
		}
		count := fmt.Sprintf("%d/%d", approved, len(l.Scenes))
		name := m.st.lesson.Render(l.ID) + " " + m.st.lessonDim.Render(l.Title)
		rows = append(rows, row{text: fit(name, w-len(count)-1) + " " + m.st.lessonDim.Render(count)})
		for si, s := range l.Scenes {
			sel := s.ID == m.sel
			dur := m.durationText(sceneRef{l: l, s: s, si: si})
			idW := w - 4 - 1 - 6 - 2
			cursor := " "
			id := m.st.id.Render(s.ID)
			if sel {
				cursor = "›"
				id = s.ID
				selRow = len(rows)
			}
			text := cursor + " " + m.statusGlyph(s.Status) + " " + fit(id, idW) + " " + fmt.Sprintf("%6s", dur) + " " + m.cacheGlyph(s.ID)
			rows = append(rows, row{text: text, sel: sel})
		}
	}
	if len(rows) == 0 {
		return []string{m.st.dim.Render("no scenes")}
	}
	// Keep the selected row in view, with its lesson header when it fits.
	if selRow < m.listTop+1 {
		m.listTop = max(0, selRow-1)
	}
	if selRow >= m.listTop+h {
		m.listTop = selRow - h + 1
	}
	m.listTop = min(m.listTop, max(0, len(rows)-h))
	var out []string
	for i := m.listTop; i < len(rows) && len(out) < h; i++ {
		r := rows[i]
		if r.sel {
			out = append(out, m.st.sel.Render(fit(ansi.Strip(r.text), w)))
			continue
		}
		out = append(out, r.text)
	}
	return out
}

func (m *Model) detailTitle() string {
	cur, ok := m.current()
	if !ok {
		return " Scene "
	}
	return fmt.Sprintf(" %s · %d of %d in %s ", cur.s.ID, cur.si+1, len(cur.l.Scenes), cur.l.ID)
}

// previewSize returns the preview's size in cells for a details pane of
// dw columns and dh rows, leaving room for a column of facts beside it.
func (m *Model) previewSize(dw, dh int) (cols, rows int) {
	c := m.doc.Course()
	w, h := c.Output.Width, c.Output.Height
	if w <= 0 || h <= 0 {
		w, h = 16, 9
	}
	const metaW = 20
	rows = max(3, dh/2)
	if m.opts.Profile == NoColor {
		// A text description: as wide as the facts beside it allow.
		return max(10, dw-metaW-2), rows
	}
	for ; rows >= 3; rows-- {
		cols = 2 * rows * w / h
		if cols+1+metaW <= dw {
			break
		}
	}
	return cols, rows
}

func (m *Model) detailLines() []string {
	cur, ok := m.current()
	_, dw, dh := m.paneSizes()
	if !ok {
		return []string{m.st.dim.Render("this course has no scenes")}
	}
	if m.mode == modeEdit {
		out := []string{m.st.label.Render("Narration of " + m.editID), ""}
		out = append(out, strings.Split(m.editor.View(), "\n")...)
		return out
	}
	cols, rows := m.previewSize(dw, dh)
	top := m.previewLines(cols, rows)
	meta := m.metaLines(cur, dw-cols-2)
	if m.opts.NoPreview {
		cols, top, meta = 0, nil, m.metaLines(cur, dw-2)
	}
	var out []string
	for i := 0; i < max(len(top), len(meta)); i++ {
		l, r := "", ""
		if i < len(top) {
			l = top[i]
		}
		if i < len(meta) {
			r = meta[i]
		}
		if cols == 0 {
			out = append(out, r)
			continue
		}
		out = append(out, fit(l, cols)+"  "+r)
	}
	out = append(out, "")
	rest := dh - len(out)
	if m.mode == modeTemplate {
		return append(out, m.templateLines(cur, rest)...)
	}
	body := m.sceneText(cur, dw)
	m.detailTop = min(m.detailTop, max(0, len(body)-rest))
	body = body[m.detailTop:]
	if len(body) > rest && rest > 0 {
		body = append(body[:rest-1], m.st.dim.Render(fmt.Sprintf("… %d more lines (pgdn)", len(body)-rest+1)))
	}
	return append(out, body...)
}

func (m *Model) previewLines(cols, rows int) []string {
	j, ok := m.previewJob()
	if !ok {
		return nil
	}
	k := j.key()
	p, known := m.previews[k]
	switch {
	case !known || p == nil:
		return []string{m.st.dim.Render("rendering preview…")}
	case p.err != nil:
		return []string{m.st.err.Render("no preview:"), m.st.dim.Render(ansi.Wrap(firstLine(p.err.Error()), cols, ""))}
	}
	ck := fmt.Sprintf("%s/%dx%d", k, cols, rows)
	s, ok := m.cells[ck]
	if !ok {
		switch {
		case m.opts.Profile == NoColor:
			s = Describe(p.plan, p.tmpl, cols)
			lines := strings.Split(s, "\n")
			if len(lines) > rows {
				lines = append(lines[:rows-1], "…")
			}
			s = strings.Join(lines, "\n")
		case m.opts.Graphics == Kitty:
			s = KittyImage(p.img, kittyID(k), cols, rows)
		}
		if s == "" {
			s = HalfBlocks(p.img, cols, rows, m.opts.Profile)
		}
		m.cells[ck] = s
	}
	return strings.Split(s, "\n")
}

func (m *Model) metaLines(cur sceneRef, w int) []string {
	if w < 8 {
		return nil
	}
	c := m.doc.Course()
	s := cur.s
	var out []string
	add := func(line string) { out = append(out, fit(line, w)) }
	add(m.st.bold.Render(s.ID))
	add(m.st.dim.Render(s.Layout + " · " + s.TemplateFor(cur.l, c)))
	switch s.Status {
	case course.StatusApproved:
		add(m.st.approved.Render("✓ approved"))
	case course.StatusChangesRequested:
		add(m.st.changes.Render("! changes requested"))
	default:
		add(m.st.draft.Render("○ draft"))
	}
	sec, est := m.duration(cur)
	switch {
	case sec == 0:
		add(m.st.dim.Render("length unknown"))
	case est:
		add(fmt.Sprintf("~%s %s", clock(sec), m.st.dim.Render("estimated")))
	default:
		add(fmt.Sprintf("%s %s", clock(sec), m.st.dim.Render("from audio")))
	}
	st, known := m.states[s.ID]
	switch {
	case m.opts.Status == nil:
	case !known && m.statusErr != nil:
		add(m.st.unknown.Render("? cache unknown"))
	case !known:
		add(m.st.unknown.Render("· cache…"))
	case st.Cached():
		add(m.st.cached.Render("● cached"))
	default:
		var stale []string
		for _, x := range []struct {
			ok   bool
			name string
		}{{st.Narrate, "voice"}, {st.Audio, "audio"}, {st.Frame, "frame"}, {st.Still, "video"}} {
			if !x.ok {
				stale = append(stale, x.name)
			}
		}
		add(m.st.stale.Render("○ stale"))
		add(m.st.dim.Render("  redo " + strings.Join(stale, " ")))
	}
	words := s.Words()
	wl := fmt.Sprintf("%d words", words)
	if st.Speech > 0 && words > 0 {
		wl += fmt.Sprintf(" · %d wpm", int(float64(words)/st.Speech*60+0.5))
	}
	add(m.st.dim.Render(wl))
	if n := len(s.Comments); n > 0 {
		add(m.st.changes.Render(fmt.Sprintf("%d comment%s", n, plural(n))))
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sceneText is the scene's content, wrapped to w columns.
func (m *Model) sceneText(cur sceneRef, w int) []string {
	s := cur.s
	var out []string
	const lw = 9
	field := func(label, text string, st lipgloss.Style) {
		text = strings.TrimRight(text, "\n")
		if strings.TrimSpace(text) == "" {
			return
		}
		lines := strings.Split(ansi.Wrap(text, max(8, w-lw-1), ""), "\n")
		for i, l := range lines {
			lab := strings.Repeat(" ", lw)
			if i == 0 {
				lab = m.st.label.Render(fmt.Sprintf("%-*s", lw, label))
			}
			out = append(out, lab+" "+st.Render(l))
		}
	}
	block := func(label, text string, st lipgloss.Style) {
		text = strings.TrimRight(text, "\n")
		if strings.TrimSpace(text) == "" {
			return
		}
		out = append(out, m.st.label.Render(label))
		for _, para := range strings.Split(text, "\n") {
			for _, l := range strings.Split(ansi.Wrap(para, max(8, w-2), ""), "\n") {
				out = append(out, "  "+st.Render(l))
			}
		}
	}
	plain := lipgloss.NewStyle()
	field("Title", s.Title, m.st.bold)
	field("Subtitle", s.Subtitle, plain)
	if len(s.Bullets) > 0 {
		// Each bullet wraps under its own text (a hanging indent).
		var lines []string
		var walk func(bs []course.Bullet, depth int)
		walk = func(bs []course.Bullet, depth int) {
			for _, x := range bs {
				mark := "• "
				if depth > 0 {
					mark = "◦ "
				}
				ind := strings.Repeat("  ", depth)
				wrapped := strings.Split(ansi.Wrap(strings.TrimSpace(x.Text), max(8, w-lw-1-len(ind)-2), ""), "\n")
				for i, l := range wrapped {
					if i == 0 {
						lines = append(lines, ind+mark+l)
					} else {
						lines = append(lines, ind+"  "+l)
					}
				}
				walk(x.Children, depth+1)
			}
		}
		walk(s.Bullets, 0)
		for i, l := range lines {
			lab := strings.Repeat(" ", lw)
			if i == 0 {
				lab = m.st.label.Render(fmt.Sprintf("%-*s", lw, "Bullets"))
			}
			out = append(out, lab+" "+l)
		}
	}
	field("Body", s.Body, plain)
	field("Image", s.Image, m.st.dim)
	if s.Quote != "" {
		q := "“" + strings.TrimSpace(s.Quote) + "”"
		if s.Author != "" {
			q += " — " + s.Author
		}
		field("Quote", q, m.st.quote)
	}
	if s.Code != "" {
		label := "Code"
		if s.Language != "" {
			label += " (" + s.Language + ")"
		}
		block(label, s.Code, m.st.code)
	}
	switch {
	case s.NarrationAudio != "":
		field("Audio", s.NarrationAudio, m.st.dim)
	case s.Narration != "":
		block(fmt.Sprintf("Narration · %d words", s.Words()), s.Narration, plain)
	default:
		out = append(out, m.st.label.Render("Narration")+" "+m.st.dim.Render("none: the scene is silent"))
	}
	block("Notes", s.Notes, m.st.dim)
	if len(s.Comments) > 0 {
		out = append(out, m.st.label.Render(fmt.Sprintf("Comments (%d)", len(s.Comments))))
		for _, cm := range s.Comments {
			who := cm.Author
			if who == "" {
				who = "anonymous"
			}
			if cm.Time != "" {
				who += " · " + strings.Replace(strings.TrimSuffix(cm.Time, "Z"), "T", " ", 1)
			}
			out = append(out, "  "+m.st.changes.Render(who))
			for _, l := range strings.Split(ansi.Wrap(cm.Text, max(8, w-4), ""), "\n") {
				out = append(out, "    "+l)
			}
		}
	}
	return out
}

func (m *Model) templateLines(cur sceneRef, h int) []string {
	out := []string{m.st.label.Render("Template for " + cur.s.ID)}
	s := *cur.s
	s.Template = ""
	inherited := s.TemplateFor(cur.l, m.doc.Course())
	first := max(0, min(m.tmplIdx-(h-2)/2, len(m.tmplList)-(h-1)))
	for i := first; i < len(m.tmplList) && len(out) < h; i++ {
		name := m.tmplList[i]
		label := name
		if name == "" {
			label = "inherit (" + inherited + ")"
		}
		if name == cur.s.Template {
			label += m.st.dim.Render("  current")
		}
		if i == m.tmplIdx {
			out = append(out, m.st.sel.Render("› "+ansi.Strip(label)))
		} else {
			out = append(out, "  "+label)
		}
	}
	return out
}

func (m *Model) helpLines(w, h int) []string {
	out := []string{m.st.bold.Render("tecno review") + m.st.dim.Render(" · edits stay in memory until you save (w) · u undoes"), ""}
	var cols [][]string
	groups := m.keys.helpGroups()
	split := 2 // Navigate and Review on the left; the rest on the right
	for _, part := range [][]int{{0, split}, {split, len(groups)}} {
		var col []string
		for _, g := range groups[part[0]:part[1]] {
			col = append(col, m.st.label.Render(g.title))
			for _, k := range g.keys {
				col = append(col, fmt.Sprintf("  %s %s", m.st.key.Render(fmt.Sprintf("%-6s", k.Help().Key)), k.Help().Desc))
			}
			col = append(col, "")
		}
		cols = append(cols, col)
	}
	if w >= 76 {
		colW := w / 2
		for i := 0; i < max(len(cols[0]), len(cols[1])); i++ {
			l, r := "", ""
			if i < len(cols[0]) {
				l = cols[0][i]
			}
			if i < len(cols[1]) {
				r = cols[1][i]
			}
			out = append(out, fit(l, colW)+r)
		}
	} else {
		out = append(append(out, cols[0]...), cols[1]...)
	}
	out = append(out, m.st.label.Render("Marks"),
		"  "+m.statusGlyph(course.StatusApproved)+" approved   "+m.statusGlyph(course.StatusChangesRequested)+" changes requested   "+m.statusGlyph(course.StatusDraft)+" draft",
		"  "+m.st.cached.Render("●")+" cached   "+m.st.stale.Render("◐")+" partly cached   "+m.st.stale.Render("○")+" stale: a build would redo it",
		"  ~1:05 estimated from the word count   1:05 measured from cached audio")
	return out
}
