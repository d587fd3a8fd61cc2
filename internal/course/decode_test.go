package course

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/fault"
)

// errLines returns each error of a fault.List as "file:line:col: msg".
func errLines(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var list fault.List
	if !errors.As(err, &list) {
		t.Fatalf("error is %T, want fault.List: %v", err, err)
	}
	out := make([]string, len(list))
	for i, e := range list {
		if e.Kind != fault.Input {
			t.Errorf("error %q has kind %v, want input", e, e.Kind)
		}
		if strings.HasSuffix(e.Msg, ".") || e.Msg != "" && strings.ToLower(e.Msg[:1]) != e.Msg[:1] {
			t.Errorf("message %q must be lower-case without a trailing period", e.Msg)
		}
		out[i] = e.Error()
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"unknown_key.yaml", []string{
			`3:3: unknown key "colour" in course (valid keys: title, language, author, template, voice, output, branding, lexicon, avatar, transition, subtitles, music, intro, outro)`,
			`9:9: unknown key "naration" (did you mean "narration"?)`,
			`10:9: unknown key "pause_afer" (did you mean "pause_after"?)`,
		}},
		{"wrong_type.yaml", []string{
			`1:10: version must be a whole number, got "one"`,
			`3:10: title must be text, got a list`,
			`5:11: rate must be a number, got "fast"`,
			`7:12: width must be a whole number, got "12.5"`,
			`13:18: bullets must be a list, got "just one string"`,
			`14:22: pause_after must be a number of seconds, got "abc"`,
			`15:23: min_duration must be a number of seconds, got a list`,
			`16:9: a scene must be a mapping with id, layout and narration, got "just a string"`,
			`17:5: a lesson must be a mapping with id, title and scenes, got "not a lesson"`,
		}},
		{"duplicate_key.yaml", []string{
			`3:3: duplicate key "title" (first set at line 2:3)`,
			`10:9: duplicate key "narration" (first set at line 9:9)`,
		}},
		{"bullets.yaml", []string{
			`7:13: bullet "Note: this reads as a key" contains ": " and reads as a key; quote it`,
			`8:12: empty bullet; write its text or remove the line`,
			`9:13: a bullet with sub-bullets must be one key (the bullet text) followed by a list, got 2 keys`,
			`15:13: unknown key "bulets" (did you mean "bullets"?)`,
		}},
		{"misc.yaml", []string{
			`2:10: voice must be a mapping with keys such as provider, name, rate, got "espeak-ng"`,
			`3:12: lexicon must be a mapping of word: spoken form, got a list`,
			`4:11: output must be a mapping with keys such as dir, width, height, got "big"`,
			`9:9: merge keys (<<) are not supported; write the keys out`,
			`10:19: comments must be a list, got "nope"`,
			`14:13: unknown key "txt" (did you mean "text"?)`,
			`15:16: voice must be a mapping with keys such as provider, name, rate, got a list`,
		}},
		{"version.yaml", []string{`1:10: unsupported schema version 2 (this tecno understands version 1)`}},
		// The yaml library reports a syntax error's line only, and points
		// at the start of the mapping it was reading.
		{"syntax.yaml", []string{`2: yaml syntax error: did not find expected key`}},
		{"empty.yaml", []string{`: course file is empty`}},
		{"comments_only.yaml", []string{`: course file is empty`}},
		{"multi_doc.yaml", []string{`3:1: course file holds more than one yaml document; remove the extra "---"`}},
		{"not_mapping.yaml", []string{`1:1: course file must be a mapping with version, course and lessons, got a list`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "decode", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(path, data)
			if err == nil {
				t.Fatalf("Parse succeeded with %+v, want errors", c)
			}
			got := errLines(t, err)
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				sep := ":"
				if strings.HasPrefix(w, ":") {
					sep = ""
				}
				want[i] = path + sep + w
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Input || !strings.Contains(fe.Msg, "not found") {
		t.Fatalf("Load of a missing file = %v, want an input error saying not found", err)
	}
}

func TestParseFull(t *testing.T) {
	path := filepath.Join("testdata", "valid", "full.yaml")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(filepath.Dir(path))
	if c.Path != path || c.Dir != abs {
		t.Errorf("Path, Dir = %q, %q; want %q, %q", c.Path, c.Dir, path, abs)
	}
	want := &Course{
		Version: 1, Title: "Intro to Go", Language: "en-GB", Author: "Ada Lovelace", Template: "modern",
		Voice:    Voice{Provider: "espeak-ng", Name: "en-gb+f3", Rate: 1.1, Pitch: -2, Language: "en-GB", Model: "standard"},
		Output:   Output{Dir: "build", Width: 1280, Height: 720, FPS: 25},
		Branding: Branding{Logo: "../assets/logo.png"},
		Lexicon:  map[string]string{"GUI": "gooey", "nginx": "engine x"},
		Lessons: []*Lesson{
			{ID: "basics", Title: "The basics", Template: "minimal", Voice: &Voice{Rate: 0.9}, Pos: Pos{25, 5}, Scenes: []*Scene{
				{ID: "welcome", Layout: "title", Title: "Welcome", Subtitle: "A short tour", Narration: "Welcome to the course.",
					PauseAfter: 1.5, Status: "draft", Pos: Pos{31, 9}},
				{ID: "points", Layout: "bullets", Title: "Three points", Bullets: []Bullet{
					{Text: "First point"},
					{Text: "Second point", Children: []Bullet{{Text: "sub a"}, {Text: "sub b", Children: []Bullet{{Text: "deep"}}}}},
					{Text: "Third point", Children: []Bullet{{Text: "explicit child"}}},
				}, Narration: "Here are three points.\nEach one matters.\n", PauseBefore: 0.5, MinDuration: 4, Status: "approved",
					Comments: []Comment{{Author: "bob", Text: "Looks good", Time: "2025-01-02T10:00:00Z"}}, Pos: Pos{37, 9}},
				{ID: "diagram", Layout: "image-text", Image: "../assets/diagram.png", Body: "The flow of data.",
					NarrationAudio: "../assets/intro.wav", Voice: &Voice{Provider: "flite", Name: "slt"}, Notes: "redraw later",
					Template: "dark", Status: "draft", Pos: Pos{59, 9}},
			}},
			{ID: "code.and_quotes", Title: "Code and quotes", Pos: Pos{69, 5}, Scenes: []*Scene{
				{ID: "hello", Layout: "code", Code: "package main\n\nfunc main() {}\n", Language: "go",
					Narration: "This is the smallest Go program.", PauseAfter: 2, Status: "draft", Pos: Pos{72, 9}},
				{ID: "wisdom", Layout: "quote", Quote: "Clear is better than clever.", Author: "Rob Pike",
					Narration: "A Go proverb.", Status: "changes-requested", Pos: Pos{81, 9}},
			}},
		},
	}
	got := *c
	got.Path, got.Dir, got.Positions = "", "", nil
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("decoded course differs:\n got %s\nwant %s", dumpJSON(t, &got), dumpJSON(t, want))
		for i := range want.Lessons {
			for j := range want.Lessons[i].Scenes {
				if i < len(got.Lessons) && j < len(got.Lessons[i].Scenes) && !reflect.DeepEqual(got.Lessons[i].Scenes[j], want.Lessons[i].Scenes[j]) {
					t.Errorf("scene %d.%d:\n got %+v\nwant %+v", i, j, got.Lessons[i].Scenes[j], want.Lessons[i].Scenes[j])
				}
			}
		}
	}

	positions := map[string]Pos{
		"version":                         {1, 10},
		"course":                          {3, 3},
		"course.title":                    {3, 10},
		"course.voice.rate":               {10, 11},
		"course.lexicon.nginx":            {23, 12},
		"lessons":                         {25, 3},
		"lessons.0":                       {25, 5},
		"lessons.0.scenes.1":              {37, 9},
		"lessons.0.scenes.1.bullets.1":    {42, 13},
		"lessons.0.scenes.1.pause_before": {52, 23},
		"lessons.0.scenes.2.image":        {61, 16},
		"lessons.1.scenes.0.code":         {74, 15},
		"lessons.0.scenes.1.comments.0":   {56, 13},
	}
	for key, want := range positions {
		if got := c.Positions[key]; got != want {
			t.Errorf("Positions[%q] = %v, want %v", key, got, want)
		}
	}
	// PosOf falls back to the nearest written parent.
	if got := c.PosOf("lessons.0.scenes.0.status"); got != (Pos{31, 9}) {
		t.Errorf("PosOf(unwritten status) = %v, want the scene's position 31:9", got)
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("lessons:\n  - id: x\n    scenes:\n      - id: s\n        bullets: *a8\n")
	_, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "too many values through aliases") {
		t.Fatalf("Parse of an alias bomb = %v", err)
	}
}
