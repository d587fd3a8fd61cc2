package tui

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/course"
)

// The -update flag is registered by teatest's golden package.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// assertGolden compares got with testdata/<name>.golden.
func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file %s (run go test -update): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update accepts it):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// fixture copies testdata/review.yaml to a temporary folder and opens it.
func fixture(t *testing.T) (*course.Document, string, []byte) {
	t.Helper()
	orig, err := os.ReadFile(filepath.Join("testdata", "review.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "course.yaml")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := course.LoadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	return d, path, orig
}

func newTestModel(t *testing.T, opts Options) *Model {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	if opts.Author == "" {
		opts.Author = "qa"
	}
	m := New(opts)
	t.Cleanup(m.Close)
	return m
}

// press sends key presses by name: "enter", "esc", "ctrl+s", "ctrl+end",
// "ctrl+c", "shift+down", or runes typed one by one.
func press(tm *teatest.TestModel, keys ...string) {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "ctrl+s": tea.KeyCtrlS, "ctrl+end": tea.KeyCtrlEnd,
		"ctrl+c": tea.KeyCtrlC, "shift+down": tea.KeyShiftDown, "pgdown": tea.KeyPgDown, "down": tea.KeyDown,
	}
	for _, k := range keys {
		if typ, ok := named[k]; ok {
			tm.Send(tea.KeyMsg{Type: typ})
			continue
		}
		for _, r := range k {
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
}

func startTest(t *testing.T, m *Model, w, h int) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
}

func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
}

// waitOutput waits until the program has drawn something containing s.
func waitOutput(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func statusOf(t *testing.T, d *course.Document, id string) *course.Scene {
	t.Helper()
	_, s := d.Course().FindScene(id)
	if s == nil {
		t.Fatalf("no scene %q", id)
	}
	return s
}

// TestReviewSession drives a whole review at 80×24: comment, approve,
// reorder, edit narration, duplicate and undo, save, quit.
func TestReviewSession(t *testing.T) {
	d, path, orig := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: TrueColor})
	tm := startTest(t, m, 80, 24)

	press(tm, "c", "Slow down here.", "enter") // hello: changes requested, with a comment
	press(tm, "j", "a")                        // points: approved
	press(tm, "J")                             // points moves below inline
	press(tm, "j")                             // code-sample, first of lesson two
	press(tm, "e", "ctrl+end", " Edited.", "ctrl+s")
	press(tm, "d")      // duplicate code-sample…
	press(tm, "u")      // …and undo it
	press(tm, "a", "u") // approve code-sample, then undo that too
	press(tm, "w")
	waitOutput(t, tm, "saved course.yaml")
	press(tm, "q")
	fm := finalModel(t, tm)

	if fm.Mode() != "normal" || fm.Selected() != "code-sample" {
		t.Errorf("final mode %q selected %q, want normal, code-sample", fm.Mode(), fm.Selected())
	}
	if fm.Document().Dirty() {
		t.Error("document still dirty after save")
	}
	c := fm.Document().Course()
	var order []string
	for _, s := range c.Lessons[0].Scenes {
		order = append(order, s.ID)
	}
	if got := strings.Join(order, ","); got != "hello,inline,points" {
		t.Errorf("lesson one order %s, want hello,inline,points", got)
	}
	hello := statusOf(t, fm.Document(), "hello")
	if hello.Status != course.StatusChangesRequested || len(hello.Comments) != 1 ||
		hello.Comments[0] != (course.Comment{Author: "qa", Text: "Slow down here.", Time: "2026-01-02T03:04:05Z"}) {
		t.Errorf("hello: status %q comments %+v", hello.Status, hello.Comments)
	}
	if s := statusOf(t, fm.Document(), "points"); s.Status != course.StatusApproved {
		t.Errorf("points status %q, want approved", s.Status)
	}
	cs := statusOf(t, fm.Document(), "code-sample")
	if cs.Narration != "Literal narration.\nTwo lines. Edited.\n" || cs.Status != course.StatusDraft {
		t.Errorf("code-sample narration %q status %q", cs.Narration, cs.Status)
	}
	if _, s := c.FindScene("code-sample-2"); s != nil {
		t.Error("undone duplicate is still there")
	}

	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	assertGolden(t, "TestReviewSession.yaml", saved)
	// Every comment line of the original survives, and the diff is small.
	for _, l := range strings.Split(string(orig), "\n") {
		if strings.Contains(l, "#") && !bytes.Contains(saved, []byte(l)) {
			t.Errorf("comment line lost: %q", l)
		}
	}
	if add, del := lineDiff(string(orig), string(saved)); add+del > 16 {
		t.Errorf("diff touches %d lines (+%d -%d), want a minimal diff", add+del, add, del)
	}
}

// lineDiff counts added and removed lines between a and b (LCS).
func lineDiff(a, b string) (added, removed int) {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	dp := make([][]int, len(x)+1)
	for i := range dp {
		dp[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	common := dp[0][0]
	return len(y) - common, len(x) - common
}

// TestQuitAsks checks that q asks before dropping unsaved edits, that
// esc stays, and that y then quits without writing.
func TestQuitAsks(t *testing.T) {
	d, path, orig := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true})
	tm := startTest(t, m, 80, 24)
	press(tm, "a", "q")
	waitOutput(t, tm, "unsaved changes.")
	press(tm, "esc")
	waitOutput(t, tm, "approve")
	press(tm, "q", "y")
	fm := finalModel(t, tm)
	if !fm.Document().Dirty() {
		t.Error("the edit vanished")
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
		t.Error("quitting without saving wrote the file")
	}
}

// TestQuitSaves checks the "save and quit" answer.
func TestQuitSaves(t *testing.T) {
	d, path, orig := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true})
	tm := startTest(t, m, 80, 24)
	press(tm, "a", "q", "w")
	fm := finalModel(t, tm)
	got, _ := os.ReadFile(path)
	if fm.Document().Dirty() || bytes.Equal(got, orig) || !bytes.Contains(got, []byte("status: approved")) {
		t.Errorf("save and quit did not save:\n%s", got)
	}
}

// TestRoundTripUnchanged opens a file full of comments and odd formatting,
// saves without edits and quits: the bytes are the same.
func TestRoundTripUnchanged(t *testing.T) {
	d, path, orig := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true})
	tm := startTest(t, m, 80, 24)
	press(tm, "j", "j", "a", "u", "w", "q") // an edit undone is no edit
	finalModel(t, tm)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, orig) {
		t.Errorf("round trip changed the file:\n%s", got)
	}
	// And directly through the document.
	d2, err := course.LoadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.Save(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d2.Bytes(), orig) {
		t.Error("LoadDocument + Save changed the bytes")
	}
}

// TestConflict changes the file on disk behind the UI's back: saving asks,
// and both answers do what they say.
func TestConflict(t *testing.T) {
	for _, tc := range []struct {
		answer string
		want   func(t *testing.T, disk []byte, fm *Model)
	}{
		{"o", func(t *testing.T, disk []byte, fm *Model) {
			if !bytes.Equal(disk, fm.Document().Bytes()) || !bytes.Contains(disk, []byte("status: approved")) {
				t.Errorf("overwrite: file is\n%s", disk)
			}
		}},
		{"r", func(t *testing.T, disk []byte, fm *Model) {
			if !bytes.Contains(disk, []byte("changed elsewhere")) || bytes.Contains(disk, []byte("status: approved")) {
				t.Errorf("reload: file is\n%s", disk)
			}
			if fm.Document().Dirty() || !bytes.Equal(fm.Document().Bytes(), disk) {
				t.Error("reload: document is not the file on disk")
			}
		}},
		{"esc", func(t *testing.T, disk []byte, fm *Model) {
			if !fm.Document().Dirty() || !bytes.Contains(disk, []byte("changed elsewhere")) {
				t.Error("cancel: should keep the edit unsaved and the file as changed elsewhere")
			}
		}},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			d, path, orig := fixture(t)
			m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true})
			tm := startTest(t, m, 80, 24)
			press(tm, "a")
			waitOutput(t, tm, "approved hello")
			other := bytes.Replace(orig, []byte("# the opening"), []byte("# changed elsewhere"), 1)
			if err := os.WriteFile(path, other, 0o644); err != nil {
				t.Fatal(err)
			}
			press(tm, "w")
			waitOutput(t, tm, "changed on disk since it was opened")
			press(tm, tc.answer)
			if tc.answer == "esc" {
				press(tm, "q", "y")
			} else {
				waitOutput(t, tm, map[string]string{"o": "overwriting", "r": "reloaded"}[tc.answer])
				press(tm, "q")
			}
			fm := finalModel(t, tm)
			disk, _ := os.ReadFile(path)
			tc.want(t, disk, fm)
		})
	}
}

// TestUndoGroups checks that one u undoes one user action, even when it
// made several edits (a comment also sets the status).
func TestUndoGroups(t *testing.T) {
	d, _, orig := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true})
	tm := startTest(t, m, 80, 24)
	press(tm, "c", "Needs work.", "enter", "u")
	tm.Send(tea.Quit())
	fm := finalModel(t, tm)
	if !bytes.Equal(fm.Document().Bytes(), orig) {
		t.Errorf("one u did not undo the whole comment:\n%s", fm.Document().Bytes())
	}
	if fm.Message() != "undone" {
		t.Errorf("message %q", fm.Message())
	}
}

// TestActions covers delete (with its confirmation), duplicate, template
// and moving past the end.
func TestActions(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		check func(t *testing.T, fm *Model)
	}{
		{"delete asks, n keeps", []string{"x", "n"}, func(t *testing.T, fm *Model) {
			if _, s := fm.Document().Course().FindScene("hello"); s == nil || fm.Message() != "kept" {
				t.Errorf("scene deleted without a yes (message %q)", fm.Message())
			}
		}},
		{"delete y", []string{"x", "y"}, func(t *testing.T, fm *Model) {
			if _, s := fm.Document().Course().FindScene("hello"); s != nil {
				t.Error("not deleted")
			}
			if fm.Selected() != "points" {
				t.Errorf("selected %q after delete, want the next scene", fm.Selected())
			}
		}},
		{"duplicate", []string{"j", "d"}, func(t *testing.T, fm *Model) {
			if fm.Selected() != "points-2" {
				t.Errorf("selected %q, want the copy points-2", fm.Selected())
			}
			l, s := fm.Document().Course().FindScene("points-2")
			if s == nil || l.Scenes[2] != s || s.Narration != "Here are three points." {
				t.Error("copy missing or misplaced")
			}
		}},
		{"template", []string{"t", "down", "down", "enter"}, func(t *testing.T, fm *Model) {
			s := statusOf(t, fm.Document(), "hello")
			if s.Template != fm.opts.Templates[1] {
				t.Errorf("template %q, want %q", s.Template, fm.opts.Templates[1])
			}
		}},
		{"template esc", []string{"t", "down", "esc"}, func(t *testing.T, fm *Model) {
			if s := statusOf(t, fm.Document(), "hello"); s.Template != "" || fm.Document().Dirty() {
				t.Error("esc applied a template")
			}
		}},
		{"move past the start", []string{"K"}, func(t *testing.T, fm *Model) {
			if !strings.Contains(fm.Message(), "already the first") || fm.Document().Dirty() {
				t.Errorf("message %q", fm.Message())
			}
		}},
		{"edit discarded", []string{"e", "more", "esc"}, func(t *testing.T, fm *Model) {
			if fm.Document().Dirty() || fm.Message() != "edit discarded" {
				t.Errorf("message %q dirty %v", fm.Message(), fm.Document().Dirty())
			}
		}},
		{"edit unchanged keeps folded narration", []string{"e", "ctrl+s"}, func(t *testing.T, fm *Model) {
			if fm.Document().Dirty() || fm.Message() != "narration unchanged" {
				t.Errorf("message %q dirty %v", fm.Message(), fm.Document().Dirty())
			}
		}},
		{"approve twice is draft", []string{"a", "a"}, func(t *testing.T, fm *Model) {
			if s := statusOf(t, fm.Document(), "hello"); s.Status != course.StatusDraft {
				t.Errorf("status %q", s.Status)
			}
		}},
		{"empty comment", []string{"c", "enter", "esc"}, func(t *testing.T, fm *Model) {
			if fm.Document().Dirty() || fm.Message() != "comment discarded" {
				t.Errorf("message %q", fm.Message())
			}
		}},
		{"help", []string{"?"}, func(t *testing.T, fm *Model) {
			if fm.Mode() != "help" {
				t.Errorf("mode %q", fm.Mode())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _, _ := fixture(t)
			m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true, Templates: []string{"modern", "tech", "minimal"}})
			tm := startTest(t, m, 80, 24)
			press(tm, tt.keys...)
			tm.Send(tea.Quit()) // quit as is, without the unsaved-changes question
			tt.check(t, finalModel(t, tm))
		})
	}
}

// TestExternalEditor runs a stand-in $EDITOR that rewrites the file.
func TestExternalEditor(t *testing.T) {
	d, _, _ := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true, Editor: "sed -i s/Welcome/Hello/"})
	tm := startTest(t, m, 80, 24)
	press(tm, "E")
	waitOutput(t, tm, "narration of hello edited")
	tm.Send(tea.Quit())
	fm := finalModel(t, tm)
	s := statusOf(t, fm.Document(), "hello")
	if !strings.HasPrefix(s.Narration, "Hello to the review fixture.") {
		t.Errorf("narration %q", s.Narration)
	}
}

// TestSynthesizeAndPlay checks s and p with stand-ins for the engine and
// the player: p synthesizes first when there is no audio, plays, and a
// second p stops a playback that is still running.
func TestSynthesizeAndPlay(t *testing.T) {
	d, _, _ := fixture(t)
	dir := t.TempDir()
	wav := filepath.Join(dir, "narration.wav")
	if err := os.WriteFile(wav, []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	played := filepath.Join(dir, "played")
	var synths atomic.Int32
	m := newTestModel(t, Options{
		Doc: d, Profile: NoColor, NoPreview: true,
		Synthesize: func(ctx context.Context, c *course.Course, id string) (build.SceneState, error) {
			synths.Add(1)
			if id == "points" {
				return build.SceneState{}, errors.New("engine exploded")
			}
			return build.SceneState{Scene: id, Narrate: true, Audio: true, Seconds: 7, Speech: 5.5, NarrationWAV: wav}, nil
		},
		// Records the file it was given, then plays for a long time.
		Player: []string{"sh", "-c", `echo "$1" > ` + played + `; exec sleep 30`, "player"},
	})
	tm := startTest(t, m, 80, 24)
	press(tm, "p")
	waitOutput(t, tm, "playing hello")
	for i := 0; ; i++ {
		if b, _ := os.ReadFile(played); strings.TrimSpace(string(b)) == wav {
			break
		}
		if i > 500 {
			t.Fatal("player never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	press(tm, "p")
	waitOutput(t, tm, "playback stopped")
	press(tm, "j", "s")
	waitOutput(t, tm, "engine exploded")
	tm.Send(tea.Quit())
	fm := finalModel(t, tm)
	if n := synths.Load(); n != 2 {
		t.Errorf("%d syntheses, want 2", n)
	}
	if st := fm.states["hello"]; st.Seconds != 7 {
		t.Errorf("hello state %+v", st)
	}
	if sec, est := fm.duration(sceneRef{l: fm.doc.Course().Lessons[0], s: statusOf(t, fm.doc, "hello")}); sec != 7 || est {
		t.Errorf("duration %v estimated %v, want 7 from audio", sec, est)
	}
}

// TestStatusBadges feeds cache states and checks the badges and the
// durations in the list.
func TestStatusBadges(t *testing.T) {
	d, _, _ := fixture(t)
	m := newTestModel(t, Options{
		Doc: d, Profile: NoColor, NoPreview: true,
		Status: func(ctx context.Context, c *course.Course) (map[string]build.SceneState, error) {
			return map[string]build.SceneState{
				"hello":  {Narrate: true, Audio: true, Frame: true, Still: true, Seconds: 12, Speech: 10},
				"points": {Frame: true, Still: true},
			}, nil
		},
	})
	tm := startTest(t, m, 80, 24)
	waitOutput(t, tm, "● cached")
	tm.Send(tea.Quit())
	fm := finalModel(t, tm)
	view := fm.View()
	for _, want := range []string{"hello", "0:12 ●", "points", "◐", "redo voice audio"} {
		if want == "redo voice audio" {
			fm.selectIndex(1)
			view = fm.View()
		}
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
}

// TestResize checks that every size from tiny to large draws exactly the
// terminal's size, and that the program follows resize messages.
func TestResize(t *testing.T) {
	d, _, _ := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: TrueColor, NoPreview: true})
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {60, 16}, {200, 60}, {120, 20}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		for _, mode := range []mode{modeNormal, modeHelp, modeTemplate} {
			m.mode = mode
			m.tmplList = []string{"", "modern"}
			lines := strings.Split(m.View(), "\n")
			if len(lines) != sz[1] {
				t.Errorf("%dx%d %s: %d lines", sz[0], sz[1], modeNames[mode], len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != sz[0] {
					t.Errorf("%dx%d %s: line %d is %d wide: %q", sz[0], sz[1], modeNames[mode], i, w, ansi.Strip(l))
					break
				}
			}
		}
		m.mode = modeNormal
	}
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	if v := m.View(); !strings.Contains(v, "needs at least 60×16") {
		t.Errorf("tiny terminal: %q", v)
	}

	// Through the program: a resize is followed.
	d2, _, _ := fixture(t)
	m2 := newTestModel(t, Options{Doc: d2, Profile: NoColor, NoPreview: true})
	tm := startTest(t, m2, 80, 24)
	tm.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	press(tm, "?")
	waitOutput(t, tm, "any key closes the help")
	press(tm, "x")
	tm.Send(tea.Quit())
	fm := finalModel(t, tm)
	if fm.width != 120 || fm.height != 40 {
		t.Errorf("size %dx%d after resize, want 120x40", fm.width, fm.height)
	}
}

// TestViewGolden pins the 80×24 screen (no colour, no preview).
func TestViewGolden(t *testing.T) {
	d, _, _ := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: NoColor, NoPreview: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'j'}})
	assertGolden(t, "TestViewGolden", []byte(m.View()+"\n"))
}

// TestPreviewDrawn waits for the real template to render the selected
// scene's frame as half-block cells.
func TestPreviewDrawn(t *testing.T) {
	d, _, _ := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: TrueColor})
	tm := startTest(t, m, 100, 30)
	waitOutput(t, tm, "▀")
	tm.Send(tea.Quit())
	fm := finalModel(t, tm)
	_, dw, dh := fm.paneSizes()
	cols, rows := fm.previewSize(dw, dh)
	lines := fm.previewLines(cols, rows)
	if len(lines) != rows {
		t.Fatalf("preview has %d lines, want %d", len(lines), rows)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != cols {
			t.Fatalf("preview line %d wide, want %d", w, cols)
		}
	}
}

// TestPreviewDescribedWithoutColor checks the NO_COLOR text description
// of the frame.
func TestPreviewDescribedWithoutColor(t *testing.T) {
	d, _, _ := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: NoColor})
	tm := startTest(t, m, 100, 30)
	waitOutput(t, tm, "frame 1920×1080")
	tm.Send(tea.Quit())
	v := finalModel(t, tm).View()
	for _, want := range []string{"title layout", "Hello, review"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "\x1b[") {
		t.Error("escape sequences under NO_COLOR")
	}
}

// TestKittyPreviewFits checks that the kitty graphics preview (an APC
// transmission plus placeholder cells) keeps every line at the terminal's
// width.
func TestKittyPreviewFits(t *testing.T) {
	d, _, _ := fixture(t)
	m := newTestModel(t, Options{Doc: d, Profile: TrueColor, Graphics: Kitty})
	tm := startTest(t, m, 100, 30)
	waitOutput(t, tm, "\x1b_Ga=T,U=1")
	tm.Send(tea.Quit())
	fm := finalModel(t, tm)
	lines := strings.Split(fm.View(), "\n")
	if len(lines) != 30 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 100 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}
	if !strings.Contains(fm.View(), string(kittyPlaceholder)) {
		t.Error("no placeholder cells")
	}
}
