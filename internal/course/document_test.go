package course

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyFixture copies a testdata file into a temp folder and returns its path.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "course.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadDoc(t *testing.T, name string) *Document {
	t.Helper()
	d, err := LoadDocument(copyFixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// lineDiff is a small line diff (longest common subsequence) showing
// changed lines with one line of context, for golden files.
func lineDiff(a, b []byte) string {
	x := strings.Split(string(a), "\n")
	y := strings.Split(string(b), "\n")
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte
		line string
		at   int
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			ops = append(ops, op{' ', x[i], i + 1})
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, op{'+', y[j], i + 1})
			j++
		default:
			ops = append(ops, op{'-', x[i], i + 1})
			i++
		}
	}
	var out strings.Builder
	last := -10
	for k, o := range ops {
		near := false
		for c := max(0, k-1); c <= min(len(ops)-1, k+1); c++ {
			if ops[c].kind != ' ' {
				near = true
			}
		}
		if !near {
			continue
		}
		if k != last+1 {
			fmt.Fprintf(&out, "@@ line %d\n", o.at)
		}
		fmt.Fprintf(&out, "%c%s\n", o.kind, o.line)
		last = k
	}
	return out.String()
}

func TestRoundTripByteIdentical(t *testing.T) {
	for _, name := range []string{"roundtrip.yaml", "valid/full.yaml", "validate/problems.yaml"} {
		t.Run(name, func(t *testing.T) {
			path := copyFixture(t, name)
			orig, _ := os.ReadFile(path)
			d, err := LoadDocument(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.Bytes(), orig) || d.Dirty() {
				t.Fatal("loaded bytes differ from the file, or document is dirty")
			}
			if err := d.Save(); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, orig) {
				t.Errorf("save without edits changed the file:\n%s", lineDiff(orig, got))
			}
		})
	}
}

func TestDocumentOps(t *testing.T) {
	long := "First line of the new narration.\n\nSecond paragraph: with a colon # and a hash.\n"
	tests := []struct {
		name string
		op   func(d *Document) error
		// check inspects the decoded course after the edit.
		check func(t *testing.T, c *Course)
	}{
		{"SetNarrationPlain", func(d *Document) error { return d.SetNarration("welcome", "Hi, and welcome aboard.") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "welcome", "Hi, and welcome aboard.") }},
		{"SetNarrationMultiline", func(d *Document) error { return d.SetNarration("welcome", long) },
			func(t *testing.T, c *Course) { wantNarration(t, c, "welcome", long) }},
		{"SetNarrationFolded", func(d *Document) error { return d.SetNarration("agenda", "Types, functions: errors.") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "agenda", "Types, functions: errors.") }},
		{"SetNarrationBlock", func(d *Document) error { return d.SetNarration("hello-code", "  indented\nsecond") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "hello-code", "  indented\nsecond") }},
		{"SetNarrationQuoted", func(d *Document) error { return d.SetNarration("bye", "yes") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "bye", "yes") }},
		{"SetNarrationAdd", func(d *Document) error { return d.SetNarration("f2", "Second,\nflow") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "f2", "Second,\nflow") }},
		{"SetNarrationRemove", func(d *Document) error { return d.SetNarration("agenda", "") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "agenda", "") }},
		{"SetStatusReplace", func(d *Document) error { return d.SetStatus("agenda", StatusApproved) },
			func(t *testing.T, c *Course) { wantStatus(t, c, "agenda", StatusApproved) }},
		{"SetStatusInsert", func(d *Document) error { return d.SetStatus("hello-code", StatusChangesRequested) },
			func(t *testing.T, c *Course) { wantStatus(t, c, "hello-code", StatusChangesRequested) }},
		{"SetStatusFlow", func(d *Document) error { return d.SetStatus("f1", StatusApproved) },
			func(t *testing.T, c *Course) { wantStatus(t, c, "f1", StatusApproved) }},
		{"SetTemplate", func(d *Document) error { return d.SetTemplate("welcome", "dark") },
			func(t *testing.T, c *Course) {
				if _, s := c.FindScene("welcome"); s.Template != "dark" {
					t.Errorf("template = %q", s.Template)
				}
			}},
		{"AddCommentFlowList", func(d *Document) error {
			return d.AddComment("agenda", Comment{Author: "bob", Text: "ok now", Time: "2025-03-01T09:00:00Z"})
		}, func(t *testing.T, c *Course) { wantComments(t, c, "agenda", 2) }},
		{"AddCommentNew", func(d *Document) error {
			return d.AddComment("hello-code", Comment{Author: "bob", Text: "two\nlines"})
		}, func(t *testing.T, c *Course) { wantComments(t, c, "hello-code", 1) }},
		{"MoveSceneDown", func(d *Document) error { return d.MoveScene("welcome", 1) },
			func(t *testing.T, c *Course) { wantOrder(t, c, "intro", "agenda", "welcome", "hello-code", "bye") }},
		{"MoveSceneUpTwo", func(d *Document) error { return d.MoveScene("bye", -2) },
			func(t *testing.T, c *Course) { wantOrder(t, c, "intro", "welcome", "bye", "agenda", "hello-code") }},
		{"MoveSceneFlow", func(d *Document) error { return d.MoveScene("f2", -1) },
			func(t *testing.T, c *Course) { wantOrder(t, c, "flow-lesson", "f2", "f1") }},
		{"DuplicateScene", func(d *Document) error {
			id, err := d.DuplicateScene("agenda")
			if err == nil && id != "agenda-2" {
				err = fmt.Errorf("new id %q, want agenda-2", id)
			}
			return err
		}, func(t *testing.T, c *Course) {
			wantOrder(t, c, "intro", "welcome", "agenda", "agenda-2", "hello-code", "bye")
		}},
		{"DuplicateSceneFlow", func(d *Document) error { _, err := d.DuplicateScene("f1"); return err },
			func(t *testing.T, c *Course) { wantOrder(t, c, "flow-lesson", "f1", "f1-2", "f2") }},
		{"DeleteSceneMiddle", func(d *Document) error { return d.DeleteScene("agenda") },
			func(t *testing.T, c *Course) { wantOrder(t, c, "intro", "welcome", "hello-code", "bye") }},
		{"DeleteSceneFirst", func(d *Document) error { return d.DeleteScene("welcome") },
			func(t *testing.T, c *Course) { wantOrder(t, c, "intro", "agenda", "hello-code", "bye") }},
		{"DeleteSceneLast", func(d *Document) error { return d.DeleteScene("bye") },
			func(t *testing.T, c *Course) { wantOrder(t, c, "intro", "welcome", "agenda", "hello-code") }},
		{"DeleteSceneFlow", func(d *Document) error { return d.DeleteScene("f2") },
			func(t *testing.T, c *Course) { wantOrder(t, c, "flow-lesson", "f1") }},
		{"AddSceneAfter", func(d *Document) error {
			id, err := d.AddScene("intro", "welcome", Scene{Title: "Why Go?", Layout: "bullets",
				Bullets: []Bullet{{Text: "fast"}, {Text: "simple", Children: []Bullet{{Text: "really"}}}}, Narration: "Two reasons.\nBoth good.\n"})
			if err == nil && id != "why-go" {
				err = fmt.Errorf("new id %q, want why-go", id)
			}
			return err
		}, func(t *testing.T, c *Course) {
			wantOrder(t, c, "intro", "welcome", "why-go", "agenda", "hello-code", "bye")
			wantNarration(t, c, "why-go", "Two reasons.\nBoth good.\n")
		}},
		{"AddSceneEnd", func(d *Document) error {
			_, err := d.AddScene("intro", "", Scene{ID: "outro", Layout: "title", Title: "The end"})
			return err
		}, func(t *testing.T, c *Course) {
			wantOrder(t, c, "intro", "welcome", "agenda", "hello-code", "bye", "outro")
		}},
		{"AddSceneFlow", func(d *Document) error {
			_, err := d.AddScene("flow-lesson", "f1", Scene{Layout: "title", Title: "One and a half"})
			return err
		}, func(t *testing.T, c *Course) { wantOrder(t, c, "flow-lesson", "f1", "one-and-a-half", "f2") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := loadDoc(t, "roundtrip.yaml")
			before := append([]byte(nil), d.Bytes()...)
			if err := tt.op(d); err != nil {
				t.Fatal(err)
			}
			if !d.Dirty() {
				t.Error("document not dirty after an edit")
			}
			diff := lineDiff(before, d.Bytes())
			golden(t, t.Name(), []byte(diff))
			tt.check(t, d.Course())
			// What was written reads back the same from disk.
			if err := d.Save(); err != nil {
				t.Fatal(err)
			}
			back, err := Load(d.Path())
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, back)
			if got, want := dumpJSON(t, stripped(back)), dumpJSON(t, stripped(d.Course())); got != want {
				t.Errorf("saved file decodes differently")
			}
			// Undo restores the exact bytes.
			if !d.Undo() {
				t.Fatal("Undo returned false")
			}
			if !bytes.Equal(d.Bytes(), before) {
				t.Errorf("undo did not restore the bytes:\n%s", lineDiff(before, d.Bytes()))
			}
			if d.Undo() {
				t.Error("second Undo returned true")
			}
		})
	}
}

func wantNarration(t *testing.T, c *Course, id, want string) {
	t.Helper()
	if _, s := c.FindScene(id); s == nil || s.Narration != want {
		t.Errorf("narration of %s = %q, want %q", id, s.Narration, want)
	}
}

func wantStatus(t *testing.T, c *Course, id, want string) {
	t.Helper()
	if _, s := c.FindScene(id); s == nil || s.Status != want {
		t.Errorf("status of %s = %q, want %q", id, s.Status, want)
	}
}

func wantComments(t *testing.T, c *Course, id string, n int) {
	t.Helper()
	if _, s := c.FindScene(id); s == nil || len(s.Comments) != n {
		t.Errorf("comments of %s = %+v, want %d", id, s.Comments, n)
	}
}

func wantOrder(t *testing.T, c *Course, lesson string, ids ...string) {
	t.Helper()
	l := c.Lesson(lesson)
	var got []string
	for _, s := range l.Scenes {
		got = append(got, s.ID)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("scenes of %s = %v, want %v", lesson, got, ids)
	}
}

func TestDocumentErrors(t *testing.T) {
	d := loadDoc(t, "roundtrip.yaml")
	edge := loadDoc(t, "edge.yaml")
	before := append([]byte(nil), d.Bytes()...)
	edgeBefore := append([]byte(nil), edge.Bytes()...)
	tests := []struct {
		name string
		op   func() error
		want string
	}{
		{"unknown scene", func() error { return d.SetNarration("welcom", "x") }, `no scene with id "welcom" (did you mean "welcome"?)`},
		{"bad status", func() error { return d.SetStatus("welcome", "aproved") }, `unknown status "aproved" (did you mean "approved"?)`},
		{"move past start", func() error { return d.MoveScene("welcome", -1) }, `cannot move scene "welcome" past the start of lesson "intro"`},
		{"move past end", func() error { return d.MoveScene("agenda", 3) }, `cannot move scene "agenda" past the end of lesson "intro"`},
		{"empty comment", func() error { return d.AddComment("welcome", Comment{Author: "x"}) }, `comment text is empty`},
		{"unknown lesson", func() error { _, err := d.AddScene("intr", "", Scene{Title: "x"}); return err }, `no lesson with id "intr" (did you mean "intro"?)`},
		{"after in other lesson", func() error { _, err := d.AddScene("intro", "f1", Scene{Title: "x"}); return err }, `scene "f1" is not in lesson "intro"`},
		{"anchor in use", func() error { return edge.DeleteScene("first") }, `cannot delete scene "first": it defines the anchor &t that other parts of the file use`},
		{"taken id", func() error { _, err := d.AddScene("intro", "", Scene{ID: "bye"}); return err }, `scene id "bye" is already used`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %s", err, tt.want)
			}
			if !bytes.Equal(d.Bytes(), before) || d.Dirty() || d.Undo() ||
				!bytes.Equal(edge.Bytes(), edgeBefore) || edge.Dirty() || edge.Undo() {
				t.Error("a failed edit changed the document")
			}
		})
	}
}

func TestUndoStack(t *testing.T) {
	d := loadDoc(t, "roundtrip.yaml")
	states := [][]byte{d.Bytes()}
	steps := []func() error{
		func() error { return d.SetStatus("welcome", StatusApproved) },
		func() error { return d.MoveScene("bye", -1) },
		func() error { return d.SetNarration("bye", "Later.") },
		func() error { return d.DeleteScene("agenda") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
		states = append(states, d.Bytes())
	}
	// An edit that changes nothing adds no undo step.
	if err := d.SetNarration("bye", "Later."); err != nil {
		t.Fatal(err)
	}
	for i := len(states) - 2; i >= 0; i-- {
		if !d.Undo() {
			t.Fatalf("Undo %d returned false", i)
		}
		if !bytes.Equal(d.Bytes(), states[i]) {
			t.Fatalf("after undo, bytes differ from state %d:\n%s", i, lineDiff(states[i], d.Bytes()))
		}
	}
	if d.Undo() || d.Dirty() {
		t.Error("undo past the first state, or dirty after undoing everything")
	}
}

func TestSaveConflict(t *testing.T) {
	d := loadDoc(t, "roundtrip.yaml")
	if err := d.SetStatus("welcome", StatusApproved); err != nil {
		t.Fatal(err)
	}
	// Someone else edits the file meanwhile.
	other := append(append([]byte(nil), d.saved...), []byte("# edited elsewhere\n")...)
	if err := os.WriteFile(d.Path(), other, 0o644); err != nil {
		t.Fatal(err)
	}
	err := d.Save()
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Removed {
		t.Fatalf("Save = %v, want a *ConflictError", err)
	}
	if got, _ := os.ReadFile(d.Path()); !bytes.Equal(got, other) {
		t.Error("Save wrote despite the conflict")
	}
	if !d.Dirty() {
		t.Error("document should still be dirty")
	}
	// The user chooses to overwrite.
	if err := d.Overwrite(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(d.Path()); !bytes.Equal(got, d.Bytes()) || d.Dirty() {
		t.Error("Overwrite did not write the document")
	}
	// A later edit saves normally again.
	if err := d.SetStatus("bye", StatusApproved); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	// A removed file is a conflict too.
	os.Remove(d.Path())
	if err := d.SetStatus("bye", StatusDraft); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(); !errors.As(err, &ce) || !ce.Removed {
		t.Errorf("Save after removal = %v, want a removed conflict", err)
	}
}

func TestSaveAtomic(t *testing.T) {
	d := loadDoc(t, "roundtrip.yaml")
	dir := filepath.Dir(d.Path())
	if err := os.Chmod(d.Path(), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := d.SetNarration("bye", fmt.Sprintf("Take %d.", i)); err != nil {
			t.Fatal(err)
		}
		if err := d.Save(); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "course.yaml" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only course.yaml (no temp files left)", names)
	}
	fi, _ := os.Stat(d.Path())
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600 kept", fi.Mode().Perm())
	}
	// A save that cannot write leaves the file and the folder as they were.
	if os.Geteuid() != 0 { // root ignores folder permissions
		if err := d.SetNarration("bye", "Unsaved."); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(d.Path())
		os.Chmod(dir, 0o500)
		defer os.Chmod(dir, 0o755)
		if err := d.Save(); err == nil {
			t.Error("Save into a read-only folder succeeded")
		}
		if got, _ := os.ReadFile(d.Path()); !bytes.Equal(got, before) {
			t.Error("failed save changed the file")
		}
	}
}

func TestCRLF(t *testing.T) {
	src := strings.ReplaceAll("lessons:\n  - id: a\n    scenes:\n      - id: s\n        layout: title\n        title: T\n", "\n", "\r\n")
	path := filepath.Join(t.TempDir(), "course.yaml")
	os.WriteFile(path, []byte(src), 0o644)
	d, err := LoadDocument(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetNarration("s", "one\ntwo"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetStatus("s", StatusApproved); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(src, "\r\n") + "\r\n        narration: |-\r\n          one\r\n          two\r\n        status: approved\r\n"
	if got := string(d.Bytes()); got != want {
		t.Errorf("CRLF edit:\n%q\nwant\n%q", got, want)
	}
	wantNarration(t, d.Course(), "s", "one\ntwo")
}

func TestDocumentEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		op    func(d *Document) error
		check func(t *testing.T, c *Course)
	}{
		{"NarrationOnNextLine", func(d *Document) error { return d.SetNarration("first", "Short now.") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "first", "Short now.") }},
		{"RemoveFirstKey", func(d *Document) error { return d.SetNarration("first", "") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "first", "") }},
		{"TaggedValue", func(d *Document) error { return d.SetNarration("second", "43") },
			func(t *testing.T, c *Course) { wantNarration(t, c, "second", "43") }},
		{"DashOnOwnLine", func(d *Document) error { return d.MoveScene("second", 1) },
			func(t *testing.T, c *Course) { wantOrder(t, c, "only", "first", "third", "second") }},
		{"StatusWithComment", func(d *Document) error { return d.SetStatus("third", StatusDraft) },
			func(t *testing.T, c *Course) { wantStatus(t, c, "third", StatusDraft) }},
		{"AddSceneCompactDash", func(d *Document) error {
			_, err := d.AddScene("only", "first", Scene{Layout: "quote", Quote: "Less is more.", Narration: "A quote."})
			return err
		}, func(t *testing.T, c *Course) { wantOrder(t, c, "only", "first", "scene", "second", "third") }},
		{"DeleteOnlyScenes", func(d *Document) error {
			for _, id := range []string{"second", "third", "first"} {
				if err := d.DeleteScene(id); err != nil {
					return err
				}
			}
			return nil
		}, func(t *testing.T, c *Course) { wantOrder(t, c, "only") }},
		{"AddSceneNoKey", func(d *Document) error {
			_, err := d.AddScene("bare", "", Scene{ID: "b1", Layout: "title", Title: "B", Comments: []Comment{{Text: "c"}}})
			return err
		}, func(t *testing.T, c *Course) { wantOrder(t, c, "bare", "b1"); wantComments(t, c, "b1", 1) }},
		{"AddSceneToEmptyLesson", func(d *Document) error {
			for _, id := range []string{"second", "third", "first"} {
				if err := d.DeleteScene(id); err != nil {
					return err
				}
			}
			_, err := d.AddScene("only", "", Scene{ID: "new", Layout: "title", Title: "New"})
			return err
		}, func(t *testing.T, c *Course) { wantOrder(t, c, "only", "new") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := loadDoc(t, "edge.yaml")
			before := append([]byte(nil), d.Bytes()...)
			if err := tt.op(d); err != nil {
				t.Fatal(err)
			}
			golden(t, t.Name(), []byte(lineDiff(before, d.Bytes())))
			tt.check(t, d.Course())
			for d.Undo() {
			}
			if !bytes.Equal(d.Bytes(), before) {
				t.Errorf("undo did not restore the bytes")
			}
		})
	}
}
