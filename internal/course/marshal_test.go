package course

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// golden compares got with testdata/golden/<name>.golden, rewriting it
// under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// comparable strips what Parse sets from the file itself.
func stripped(c *Course) *Course {
	cp := *c
	cp.Path, cp.Dir, cp.Positions = "", "", nil
	cp.Lessons = nil
	for _, l := range c.Lessons {
		lc := *l
		lc.Pos = Pos{}
		lc.Scenes = nil
		for _, s := range l.Scenes {
			sc := *s
			sc.Pos = Pos{}
			lc.Scenes = append(lc.Scenes, &sc)
		}
		cp.Lessons = append(cp.Lessons, &lc)
	}
	return &cp
}

func TestMarshalRoundTrip(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "valid", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Values that need quoting or block style.
	c.Lessons[1].Scenes[1].Notes = "yes"
	c.Lessons[1].Scenes[1].Title = "123"
	c.Lessons[1].Scenes[1].Subtitle = "key: value # not a comment"
	c.Lessons[1].Scenes[1].Comments = []Comment{{Text: "  leading spaces\nand two lines"}}
	c.Lessons[0].Scenes[1].Bullets = append(c.Lessons[0].Scenes[1].Bullets, Bullet{Text: "null"}, Bullet{Text: "a: b", Children: []Bullet{{Text: "- dash"}}})

	out, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, t.Name(), out)
	back, err := Parse(c.Path, out)
	if err != nil {
		t.Fatalf("Parse(Marshal(c)): %v\n%s", err, out)
	}
	if got, want := stripped(back), stripped(c); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip differs:\n got %s\nwant %s", dumpJSON(t, got), dumpJSON(t, want))
	}
}

func TestMarshalMinimal(t *testing.T) {
	c := &Course{Title: "New course", Lessons: []*Lesson{{ID: "one", Title: "One", Scenes: []*Scene{{ID: "hello", Layout: "title", Title: "Hello"}}}}}
	out, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `version: 1
course:
  title: New course
lessons:
  - id: one
    title: One
    scenes:
      - id: hello
        layout: title
        title: Hello
`
	if string(out) != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", out, want)
	}
}
