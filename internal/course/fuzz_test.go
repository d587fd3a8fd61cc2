package course

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/fault"
)

// FuzzParse checks that no input makes Parse panic, and that what Parse
// accepts survives Marshal and Parse again.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("course.yaml", data)
		if err != nil {
			return
		}
		c.ApplyDefaults()
		Validate(c, Env{})
		out, err := Marshal(c)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		back, err := Parse("course.yaml", out)
		if err != nil {
			t.Fatalf("Parse(Marshal(c)): %v\n%s", err, out)
		}
		if a, b := dumpJSON(t, stripped(back)), dumpJSON(t, stripped(c)); a != b {
			t.Fatalf("round trip differs:\n%s\n%s", a, b)
		}
	})
}

// FuzzSetNarration checks that any text set as a narration reads back
// exactly, wherever the scene sits and whatever it held before.
func FuzzSetNarration(f *testing.F) {
	seeds := []string{"plain", "two\nlines\n", "  leading", "trailing  \n\n", "# hash", "a: b", "- dash", "\t tab\n",
		"'quote", "\"dq\"", "yes", "null", "~", "", "\n", "x\r\ny", "\x00bin", "ünïcode ✓", "...", "---", "|", ">", "[a]", "{b}"}
	for _, s := range seeds {
		for _, id := range []string{"welcome", "agenda", "hello-code", "bye", "f1", "f2"} {
			f.Add(id, s)
		}
	}
	data, err := os.ReadFile(filepath.Join("testdata", "roundtrip.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id, text string) {
		d := &Document{path: "course.yaml"}
		if err := d.set(data); err != nil {
			t.Fatal(err)
		}
		if _, s := d.Course().FindScene(id); s == nil {
			return
		}
		if !utf8.ValidString(text) {
			if err := d.SetNarration(id, text); err == nil || fault.KindOf(err) != fault.Input {
				t.Fatalf("SetNarration with invalid UTF-8 = %v, want an input error", err)
			}
			return
		}
		if err := d.SetNarration(id, text); err != nil {
			t.Fatalf("SetNarration(%q, %q): %v", id, text, err)
		}
		_, s := d.Course().FindScene(id)
		if s.Narration != text && !(text == "" && s.Narration == "") {
			t.Fatalf("narration reads back %q, want %q\n%s", s.Narration, text, d.Bytes())
		}
	})
}

// FuzzDocumentOps applies a sequence of edits chosen by the input to the
// hand-written fixtures. Every edit must either fail with an input error
// or leave a file whose decoded course shows the edit; undoing them all
// must give back the original bytes.
func FuzzDocumentOps(f *testing.F) {
	f.Add("roundtrip.yaml", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add("edge.yaml", []byte{7, 0, 3, 1, 6, 2, 5, 4})
	f.Add("roundtrip.yaml", []byte{5, 5, 5, 6, 6, 6, 7, 7, 3, 3, 3})
	f.Fuzz(func(t *testing.T, fixture string, ops []byte) {
		if fixture != "roundtrip.yaml" && fixture != "edge.yaml" || len(ops) > 40 {
			return
		}
		data, err := os.ReadFile(filepath.Join("testdata", fixture))
		if err != nil {
			t.Fatal(err)
		}
		d := &Document{path: "course.yaml"}
		if err := d.set(data); err != nil {
			t.Fatal(err)
		}
		texts := []string{"short", "two\nlines\n", "a: b # c", "", "  x\n\ny"}
		for i, op := range ops {
			var ids []string
			for _, l := range d.Course().Lessons {
				for _, s := range l.Scenes {
					ids = append(ids, s.ID)
				}
			}
			if len(ids) == 0 {
				break
			}
			id := ids[(int(op)/8+i)%len(ids)]
			text := texts[(int(op)/8)%len(texts)]
			var err error
			switch op % 8 {
			case 0:
				err = d.SetNarration(id, text)
				if err == nil {
					wantNarration(t, d.Course(), id, text)
				}
			case 1:
				err = d.SetStatus(id, Statuses[int(op/8)%3])
				if err == nil {
					wantStatus(t, d.Course(), id, Statuses[int(op/8)%3])
				}
			case 2:
				err = d.AddComment(id, Comment{Author: "fz", Text: text + "!"})
			case 3:
				err = d.MoveScene(id, int(op/8)%3-1)
			case 4:
				_, err = d.DuplicateScene(id)
			case 5:
				err = d.DeleteScene(id)
			case 6:
				l, _ := d.Course().FindScene(id)
				_, err = d.AddScene(l.ID, id, Scene{Title: text, Layout: "title", Narration: text})
			case 7:
				err = d.SetTemplate(id, []string{"dark", "", "minimal"}[int(op/8)%3])
			}
			if err != nil && fault.KindOf(err) != fault.Input {
				t.Fatalf("op %d on %q: %v\n%s", op, id, err, d.Bytes())
			}
		}
		for d.Undo() {
		}
		if string(d.Bytes()) != string(data) {
			t.Fatal("undoing every edit did not restore the file")
		}
	})
}
