// Package tui is the scene review workspace behind `tecno review`: a
// bubbletea program over a course.Document. It shows the scenes of a course
// with their review status, cache state and duration, a preview of the
// rendered frame drawn with half-block cells, and the scene's text; and it
// edits the document (approve, comment, reorder, edit narration, …) with
// undo, saving only when asked.
//
// The package reaches the build cache and the narration engines only
// through the functions in Options, so tests can run it without them.
package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/render"
)

// Options configure a review session. Only Doc is required.
type Options struct {
	Doc *course.Document

	// Status reports what the build cache holds for each scene of c (see
	// build.SceneStatus). It is called at start and after every edit, off
	// the UI goroutine. Nil shows no cache state and estimated durations.
	Status func(ctx context.Context, c *course.Course) (map[string]build.SceneState, error)
	// Synthesize runs the narration stages of one scene (see
	// build.SynthesizeScene). Nil disables s.
	Synthesize func(ctx context.Context, c *course.Course, sceneID string) (build.SceneState, error)

	// Player plays a WAV file given as its last argument, e.g. ffplay
	// -nodisp -autoexit. Nil disables p.
	Player []string
	// Editor is the command line of the external editor for E ($VISUAL
	// or $EDITOR); the file is its last argument. "" disables E.
	Editor string
	// Author signs review comments.
	Author string

	// Profile and Graphics say how to draw the frame preview.
	Profile  Profile
	Graphics Graphics
	// NoPreview turns the frame preview off.
	NoPreview bool
	// Templates are the names t offers; default render.Names().
	Templates []string

	// Log receives diagnostics; the terminal belongs to the UI. Default:
	// discard.
	Log *slog.Logger
	// Now stamps comments; default time.Now.
	Now func() time.Time
}

type mode int

const (
	modeNormal mode = iota
	modeComment
	modeEdit
	modeTemplate
	modeConfirmDelete
	modeConfirmQuit
	modeConflict
	modeHelp
)

var modeNames = map[mode]string{
	modeNormal: "normal", modeComment: "comment", modeEdit: "edit", modeTemplate: "template",
	modeConfirmDelete: "confirm-delete", modeConfirmQuit: "confirm-quit", modeConflict: "conflict", modeHelp: "help",
}

// Model is the review program's state. Use it through tea.Program.
type Model struct {
	opts Options
	doc  *course.Document
	log  *slog.Logger
	st   styles
	keys keyMap

	ctx    context.Context
	cancel context.CancelFunc
	jobs   jobGroup // background work: status, previews, synthesis, playback

	width, height int

	sel       string // selected scene id
	selIdx    int    // its index among all scenes, kept when it vanishes
	listTop   int    // first visible row of the scene list
	detailTop int    // first visible line of the details

	mode      mode
	msg       string
	msgErr    bool
	quitAfter bool // save was asked for by quit: quit once saved

	undo []undoStep // one per user action, for u

	states     map[string]build.SceneState
	statusErr  error
	statusGen  int
	statusDone bool

	frames   *framer
	previews map[string]*preview // by preview key
	cells    map[string]string   // drawn previews, by key and size

	comment  textinput.Model
	editor   textarea.Model
	editID   string
	tmplList []string
	tmplIdx  int

	playing   context.CancelFunc
	playingID string
	busy      map[string]string // scene id → what runs for it

	quitting bool
}

// New makes a review model over opts.Doc.
func New(opts Options) *Model {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Templates == nil {
		opts.Templates = render.Names()
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{
		opts: opts, doc: opts.Doc, log: opts.Log,
		st:   newStyles(opts.Profile),
		keys: newKeyMap(),
		ctx:  ctx, cancel: cancel,
		width: 80, height: 24,
		states:   map[string]build.SceneState{},
		frames:   newFramer(),
		previews: map[string]*preview{},
		cells:    map[string]string{},
		busy:     map[string]string{},
	}
	m.comment, m.editor = newCommentInput(), newEditor()
	if ss := m.scenes(); len(ss) > 0 {
		m.sel = ss[0].s.ID
	}
	return m
}

// Selected returns the id of the selected scene.
func (m *Model) Selected() string { return m.sel }

// Document returns the document being reviewed (it changes on reload).
func (m *Model) Document() *course.Document { return m.doc }

// Mode names the current mode: normal, comment, edit, template,
// confirm-delete, confirm-quit, conflict or help.
func (m *Model) Mode() string { return modeNames[m.mode] }

// Message returns the last status message.
func (m *Model) Message() string { return m.msg }

// Close stops background work (playback, synthesis) and waits up to
// five seconds for it to end. Call it after the program returns.
func (m *Model) Close() {
	m.cancel()
	select {
	case <-m.jobs.close():
	case <-time.After(5 * time.Second):
		m.log.Warn("background work did not stop in time")
	}
}

// undoStep is one user action: how many document edits it made, and the
// scene selected before it.
type undoStep struct {
	edits int
	sel   string
}

// jobGroup counts running background work. Work that starts after
// close does not run; close's channel is closed once the rest ended.
type jobGroup struct {
	mu     sync.Mutex
	n      int
	closed bool
	done   chan struct{}
}

func (g *jobGroup) start() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.n++
	return true
}

func (g *jobGroup) end() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.n == 0 && g.done != nil {
		close(g.done)
		g.done = nil
	}
}

func (g *jobGroup) close() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	ch := make(chan struct{})
	if g.n == 0 {
		close(ch)
	} else {
		g.done = ch
	}
	return ch
}

// sceneRef is a scene with its place in the course.
type sceneRef struct {
	l      *course.Lesson
	s      *course.Scene
	li, si int // lesson index, scene index in the lesson
}

func (m *Model) scenes() []sceneRef {
	var out []sceneRef
	for li, l := range m.doc.Course().Lessons {
		for si, s := range l.Scenes {
			out = append(out, sceneRef{l, s, li, si})
		}
	}
	return out
}

// current returns the selected scene, fixing the selection up when the
// scene is gone (deleted, or undone).
func (m *Model) current() (sceneRef, bool) {
	ss := m.scenes()
	if len(ss) == 0 {
		m.sel, m.selIdx = "", 0
		return sceneRef{}, false
	}
	for i, r := range ss {
		if r.s.ID == m.sel {
			m.selIdx = i
			return r, true
		}
	}
	i := min(max(m.selIdx, 0), len(ss)-1)
	m.sel, m.selIdx = ss[i].s.ID, i
	return ss[i], true
}

func (m *Model) selectIndex(i int) {
	ss := m.scenes()
	if len(ss) == 0 {
		return
	}
	i = min(max(i, 0), len(ss)-1)
	if ss[i].s.ID != m.sel {
		m.detailTop = 0
	}
	m.sel, m.selIdx = ss[i].s.ID, i
}

// Init starts the first cache status lookup.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.statusCmd(), m.previewCmd())
}

// Messages from background work.
type (
	statusMsg struct {
		gen    int
		states map[string]build.SceneState
		err    error
	}
	synthMsg struct {
		id    string
		state build.SceneState
		err   error
		play  bool
	}
	playDoneMsg struct {
		id       string
		err      error
		stopped  bool
		duration time.Duration
	}
	editorMsg struct {
		id, path string
		err      error
	}
)

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resizeInputs()
	case tea.KeyMsg:
		cmd = m.key(msg)
	case statusMsg:
		if msg.gen == m.statusGen {
			m.statusDone = true
			m.statusErr = msg.err
			if msg.err != nil {
				m.log.Warn("cache status", "err", msg.err)
			} else {
				m.states = msg.states
			}
		}
	case previewMsg:
		m.previews[msg.key] = msg.p
		if msg.p.err != nil {
			m.log.Warn("preview", "err", msg.p.err)
		}
	case synthMsg:
		delete(m.busy, msg.id)
		if msg.err != nil {
			m.flashErr(fmt.Sprintf("synthesis of %s failed: %v", msg.id, firstLine(msg.err.Error())))
			m.log.Error("synthesize", "scene", msg.id, "err", msg.err)
			break
		}
		m.states[msg.id] = msg.state
		m.flash(fmt.Sprintf("synthesized %s (%s)", msg.id, clock(msg.state.Speech)))
		if msg.play {
			cmd = m.play(msg.id, msg.state.NarrationWAV)
		}
	case playDoneMsg:
		if msg.id == m.playingID {
			m.playing, m.playingID = nil, ""
		}
		delete(m.busy, msg.id)
		switch {
		case msg.stopped && m.quitting:
		case msg.stopped:
			m.flash("playback stopped")
		case msg.err == nil:
			m.flash(fmt.Sprintf("played %s (%.0f s)", msg.id, msg.duration.Seconds()))
		case msg.err != nil:
			m.flashErr(fmt.Sprintf("player failed: %v", msg.err))
			m.log.Error("play", "scene", msg.id, "err", msg.err)
		}
	case editorMsg:
		cmd = m.editorDone(msg)
	default:
		switch m.mode {
		case modeEdit:
			m.editor, cmd = m.editor.Update(msg)
		case modeComment:
			m.comment, cmd = m.comment.Update(msg)
		}
	}
	if m.quitting {
		return m, cmd
	}
	return m, tea.Batch(cmd, m.previewCmd())
}

func (m *Model) flash(s string)    { m.msg, m.msgErr = s, false }
func (m *Model) flashErr(s string) { m.msg, m.msgErr = s, true }

func (m *Model) key(k tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case modeHelp:
		m.mode = modeNormal
		return nil
	case modeComment:
		return m.keyComment(k)
	case modeEdit:
		return m.keyEdit(k)
	case modeTemplate:
		return m.keyTemplate(k)
	case modeConfirmDelete:
		return m.keyConfirmDelete(k)
	case modeConfirmQuit:
		return m.keyConfirmQuit(k)
	case modeConflict:
		return m.keyConflict(k)
	}
	m.msg = ""
	ks := m.keys
	cur, ok := m.current()
	switch {
	case key.Matches(k, ks.Quit):
		if m.doc.Dirty() {
			m.mode = modeConfirmQuit
			return nil
		}
		return m.quit()
	case key.Matches(k, ks.Help):
		m.mode = modeHelp
		return nil
	case key.Matches(k, ks.Up):
		m.selectIndex(m.selIdx - 1)
	case key.Matches(k, ks.Down):
		m.selectIndex(m.selIdx + 1)
	case key.Matches(k, ks.Top):
		m.selectIndex(0)
	case key.Matches(k, ks.Bottom):
		m.selectIndex(len(m.scenes()) - 1)
	case key.Matches(k, ks.PageUp):
		m.detailTop = max(0, m.detailTop-m.detailPage())
	case key.Matches(k, ks.PageDown):
		m.detailTop += m.detailPage()
	case key.Matches(k, ks.Undo):
		return m.undoLast()
	case key.Matches(k, ks.Save):
		return m.save()
	case !ok:
		m.flashErr("the course has no scenes")
	case key.Matches(k, ks.Approve):
		status, verb := course.StatusApproved, "approved"
		if cur.s.Status == course.StatusApproved {
			status, verb = course.StatusDraft, "back to draft:"
		}
		return m.apply(fmt.Sprintf("%s %s", verb, cur.s.ID), func() error { return m.doc.SetStatus(cur.s.ID, status) })
	case key.Matches(k, ks.Comment):
		m.comment = newCommentInput()
		m.resizeInputs()
		m.mode = modeComment
		return m.comment.Focus()
	case key.Matches(k, ks.Edit):
		m.editor = newEditor()
		m.resizeInputs()
		m.editor.SetValue(strings.TrimRight(cur.s.Narration, "\n"))
		m.editID = cur.s.ID
		m.mode = modeEdit
		return m.editor.Focus()
	case key.Matches(k, ks.ExtEdit):
		return m.externalEdit(cur)
	case key.Matches(k, ks.MoveDown), key.Matches(k, ks.MoveUp):
		delta := 1
		if key.Matches(k, ks.MoveUp) {
			delta = -1
		}
		if to := cur.si + delta; to < 0 || to >= len(cur.l.Scenes) {
			m.flashErr(fmt.Sprintf("%s is already the %s scene of lesson %s", cur.s.ID, map[bool]string{true: "first", false: "last"}[delta < 0], cur.l.ID))
			return nil
		}
		dir := map[int]string{1: "down", -1: "up"}[delta]
		return m.apply(fmt.Sprintf("moved %s %s", cur.s.ID, dir), func() error { return m.doc.MoveScene(cur.s.ID, delta) })
	case key.Matches(k, ks.Duplicate):
		var id string
		cmd := m.apply("", func() (err error) { id, err = m.doc.DuplicateScene(cur.s.ID); return err })
		if id != "" {
			m.sel = id
			m.flash(fmt.Sprintf("duplicated %s as %s", cur.s.ID, id))
		}
		return cmd
	case key.Matches(k, ks.Delete):
		m.mode = modeConfirmDelete
	case key.Matches(k, ks.Template):
		m.tmplList = append([]string{""}, m.opts.Templates...)
		m.tmplIdx = 0
		for i, t := range m.tmplList {
			if t == cur.s.Template {
				m.tmplIdx = i
			}
		}
		m.mode = modeTemplate
	case key.Matches(k, ks.Play):
		return m.playKey(cur)
	case key.Matches(k, ks.Synth):
		return m.synth(cur.s.ID, false)
	}
	return nil
}

// apply runs edits as one undoable user action and reports it. If one
// fails, the ones before it are undone.
func (m *Model) apply(done string, edits ...func() error) tea.Cmd {
	n, sel := 0, m.sel
	for _, e := range edits {
		before := m.doc.Bytes()
		err := e()
		if !bytes.Equal(before, m.doc.Bytes()) {
			n++
		}
		if err != nil {
			for ; n > 0; n-- {
				m.doc.Undo()
			}
			m.flashErr(firstLine(err.Error()))
			m.log.Warn("edit failed", "err", err)
			return nil
		}
	}
	if n == 0 {
		if done != "" {
			m.flash(done + " (no change)")
		}
		return nil
	}
	m.undo = append(m.undo, undoStep{edits: n, sel: sel})
	if done != "" {
		m.flash(done)
	}
	m.current()
	return m.statusCmd()
}

func (m *Model) undoLast() tea.Cmd {
	if len(m.undo) == 0 {
		m.flashErr("nothing to undo")
		return nil
	}
	step := m.undo[len(m.undo)-1]
	m.undo = m.undo[:len(m.undo)-1]
	for n := step.edits; n > 0; n-- {
		m.doc.Undo()
	}
	m.sel = step.sel
	m.current()
	m.flash("undone")
	return m.statusCmd()
}

func (m *Model) save() tea.Cmd {
	err := m.doc.Save()
	var conflict *course.ConflictError
	switch {
	case errors.As(err, &conflict):
		m.mode = modeConflict
		if conflict.Removed {
			m.flashErr(filepath.Base(m.doc.Path()) + " was removed since it was opened")
		} else {
			m.flashErr(filepath.Base(m.doc.Path()) + " changed on disk since it was opened")
		}
		return nil
	case err != nil:
		m.flashErr(firstLine(err.Error()))
		m.log.Error("save", "err", err)
		m.quitAfter = false
		return nil
	}
	m.flash("saved " + filepath.Base(m.doc.Path()))
	m.log.Info("saved", "file", m.doc.Path())
	if m.quitAfter {
		return m.quit()
	}
	return nil
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	if m.playing != nil {
		m.playing()
	}
	m.cancel()
	return tea.Quit
}

func (m *Model) keyComment(k tea.KeyMsg) tea.Cmd {
	switch k.Type {
	case tea.KeyEsc:
		m.mode = modeNormal
		m.flash("comment discarded")
		return nil
	case tea.KeyEnter:
		text := strings.TrimSpace(m.comment.Value())
		if text == "" {
			m.flashErr("type a comment first, or esc to cancel")
			return nil
		}
		cur, ok := m.current()
		m.mode = modeNormal
		if !ok {
			return nil
		}
		cm := course.Comment{Author: m.opts.Author, Text: text, Time: m.opts.Now().UTC().Format(time.RFC3339)}
		return m.apply("changes requested on "+cur.s.ID,
			func() error { return m.doc.SetStatus(cur.s.ID, course.StatusChangesRequested) },
			func() error { return m.doc.AddComment(cur.s.ID, cm) })
	}
	var cmd tea.Cmd
	m.comment, cmd = m.comment.Update(k)
	return cmd
}

func (m *Model) keyEdit(k tea.KeyMsg) tea.Cmd {
	switch k.String() {
	case "esc":
		m.mode = modeNormal
		m.editor.Blur()
		m.flash("edit discarded")
		return nil
	case "ctrl+s":
		m.mode = modeNormal
		m.editor.Blur()
		return m.setNarration(m.editID, m.editor.Value())
	}
	var cmd tea.Cmd
	m.editor, cmd = m.editor.Update(k)
	return cmd
}

// setNarration applies edited narration text. Trailing blank space and
// line breaks are not part of the edit, so a folded ">" scalar that
// comes back unchanged is left as it was.
func (m *Model) setNarration(id, text string) tea.Cmd {
	_, s := m.doc.Course().FindScene(id)
	if s == nil {
		m.flashErr("scene " + id + " is gone")
		return nil
	}
	text = strings.TrimRight(text, " \t\r\n")
	if text == strings.TrimRight(s.Narration, " \t\r\n") {
		m.flash("narration unchanged")
		return nil
	}
	if text != "" && strings.HasSuffix(s.Narration, "\n") {
		text += "\n" // keep the block scalar's chomping: "|" stays "|"
	}
	return m.apply("narration of "+id+" edited", func() error { return m.doc.SetNarration(id, text) })
}

func (m *Model) keyTemplate(k tea.KeyMsg) tea.Cmd {
	switch k.String() {
	case "esc", "q":
		m.mode = modeNormal
	case "up", "k":
		m.tmplIdx = max(0, m.tmplIdx-1)
	case "down", "j":
		m.tmplIdx = min(len(m.tmplList)-1, m.tmplIdx+1)
	case "enter":
		m.mode = modeNormal
		cur, ok := m.current()
		if !ok {
			return nil
		}
		name := m.tmplList[m.tmplIdx]
		if name == cur.s.Template {
			m.flash("template unchanged")
			return nil
		}
		cmd := m.apply("", func() error { return m.doc.SetTemplate(cur.s.ID, name) })
		if c, ok := m.current(); ok && !m.msgErr && c.s.Template == name {
			m.flash(fmt.Sprintf("%s now uses the %s template", c.s.ID, c.s.TemplateFor(c.l, m.doc.Course())))
		}
		return cmd
	}
	return nil
}

func (m *Model) keyConfirmDelete(k tea.KeyMsg) tea.Cmd {
	m.mode = modeNormal
	cur, ok := m.current()
	if !ok || (k.String() != "y" && k.String() != "x") {
		m.flash("kept")
		return nil
	}
	return m.apply("deleted "+cur.s.ID+" (u undoes)", func() error { return m.doc.DeleteScene(cur.s.ID) })
}

func (m *Model) keyConfirmQuit(k tea.KeyMsg) tea.Cmd {
	switch k.String() {
	case "w", "s":
		m.mode = modeNormal
		m.quitAfter = true
		return m.save()
	case "y", "ctrl+c":
		return m.quit()
	default:
		m.mode = modeNormal
		m.flash("")
	}
	return nil
}

func (m *Model) keyConflict(k tea.KeyMsg) tea.Cmd {
	switch k.String() {
	case "o":
		m.mode = modeNormal
		if err := m.doc.Overwrite(); err != nil {
			m.flashErr(firstLine(err.Error()))
			m.quitAfter = false
			return nil
		}
		m.flash("saved " + filepath.Base(m.doc.Path()) + ", overwriting the other changes")
		if m.quitAfter {
			return m.quit()
		}
	case "r":
		m.mode = modeNormal
		m.quitAfter = false
		d, err := course.LoadDocument(m.doc.Path())
		if err != nil {
			m.flashErr("cannot reload: " + firstLine(err.Error()))
			return nil
		}
		m.doc, m.undo = d, nil
		m.current()
		m.flash("reloaded " + filepath.Base(d.Path()) + "; your edits were dropped")
		return m.statusCmd()
	default:
		m.mode = modeNormal
		m.quitAfter = false
		m.flash("not saved")
	}
	return nil
}

func newCommentInput() textinput.Model {
	t := textinput.New()
	t.Prompt = "comment › "
	t.Placeholder = "what should change? enter saves it, esc cancels"
	t.CharLimit = 2000
	return t
}

func newEditor() textarea.Model {
	t := textarea.New()
	t.ShowLineNumbers = false
	t.Prompt = ""
	t.CharLimit = 0
	t.Placeholder = "narration…"
	return t
}

func (m *Model) resizeInputs() {
	_, dw, dh := m.paneSizes()
	m.comment.Width = max(10, m.width-len(m.comment.Prompt)-2)
	m.editor.SetWidth(max(10, dw))
	m.editor.SetHeight(max(3, dh-3))
}

// statusCmd asks for the cache state of the current text.
func (m *Model) statusCmd() tea.Cmd {
	if m.opts.Status == nil {
		return nil
	}
	m.statusGen++
	gen, c := m.statusGen, m.doc.Course()
	return func() tea.Msg {
		if !m.jobs.start() {
			return nil
		}
		defer m.jobs.end()
		states, err := m.opts.Status(m.ctx, c)
		return statusMsg{gen: gen, states: states, err: err}
	}
}

func (m *Model) synth(id string, play bool) tea.Cmd {
	if m.opts.Synthesize == nil {
		m.flashErr("synthesis is not available here")
		return nil
	}
	if m.busy[id] != "" {
		m.flash(id + ": " + m.busy[id] + " already")
		return nil
	}
	m.busy[id] = "synthesizing"
	m.flash("synthesizing " + id + "…")
	c := m.doc.Course()
	return func() tea.Msg {
		if !m.jobs.start() {
			return nil
		}
		defer m.jobs.end()
		st, err := m.opts.Synthesize(m.ctx, c, id)
		return synthMsg{id: id, state: st, err: err, play: play}
	}
}

func (m *Model) playKey(cur sceneRef) tea.Cmd {
	if m.playing != nil {
		m.playing()
		return nil
	}
	if len(m.opts.Player) == 0 {
		m.flashErr("no audio player: install ffmpeg (ffplay) or alsa-utils (aplay)")
		return nil
	}
	if cur.s.Narration == "" && cur.s.NarrationAudio == "" {
		m.flashErr(cur.s.ID + " has no narration")
		return nil
	}
	if st, ok := m.states[cur.s.ID]; ok && st.NarrationWAV != "" {
		if _, err := os.Stat(st.NarrationWAV); err == nil {
			return m.play(cur.s.ID, st.NarrationWAV)
		}
	}
	return m.synth(cur.s.ID, true)
}

func (m *Model) play(id, wav string) tea.Cmd {
	if wav == "" || len(m.opts.Player) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.playing, m.playingID = cancel, id
	m.busy[id] = "playing"
	m.flash("playing " + id + " (p stops)")
	player := m.opts.Player
	return func() tea.Msg {
		if !m.jobs.start() {
			return nil
		}
		defer m.jobs.end()
		defer cancel()
		t0 := time.Now()
		err := runQuiet(ctx, player[0], append(append([]string{}, player[1:]...), wav)...)
		return playDoneMsg{id: id, err: err, stopped: ctx.Err() != nil, duration: time.Since(t0)}
	}
}

func (m *Model) externalEdit(cur sceneRef) tea.Cmd {
	args := strings.Fields(m.opts.Editor)
	if len(args) == 0 {
		m.flashErr("set $EDITOR to edit outside, or press e")
		return nil
	}
	f, err := os.CreateTemp("", "tecno-narration-*.txt")
	if err != nil {
		m.flashErr(err.Error())
		return nil
	}
	text := strings.TrimRight(cur.s.Narration, "\n") + "\n"
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		m.flashErr(err.Error())
		return nil
	}
	id, path := cur.s.ID, f.Name()
	return tea.ExecProcess(editorCommand(args, path), func(err error) tea.Msg {
		return editorMsg{id: id, path: path, err: err}
	})
}

func (m *Model) editorDone(msg editorMsg) tea.Cmd {
	defer os.Remove(msg.path)
	if msg.err != nil {
		m.flashErr("editor failed: " + firstLine(msg.err.Error()))
		m.log.Error("editor", "err", msg.err)
		return nil
	}
	data, err := os.ReadFile(msg.path)
	if err != nil {
		m.flashErr(err.Error())
		return nil
	}
	return m.setNarration(msg.id, string(data))
}

// detailPage is how far pgup/pgdn scroll the details.
func (m *Model) detailPage() int {
	_, _, dh := m.paneSizes()
	return max(1, dh/2)
}

// previewMsg carries a rendered preview.
type previewMsg struct {
	key string
	p   *preview
}

// preview is a rendered frame (or its layout, for the text description).
type preview struct {
	img  *image.RGBA
	plan *render.Plan
	tmpl string
	err  error
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// clock formats seconds as m:ss.
func clock(sec float64) string {
	if sec < 0 {
		sec = 0
	}
	s := int(sec + 0.5)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
