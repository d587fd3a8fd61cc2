package course

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestApplyDefaults(t *testing.T) {
	c := parseString(t, "lessons:\n  - id: a\n    scenes:\n      - id: s\n        title: Hi\n")
	c.ApplyDefaults()
	want := Course{
		Version: 1, Language: "en-US", Template: "modern",
		Voice:  Voice{Provider: "espeak-ng", Rate: 1},
		Output: Output{Dir: "out", Width: 1920, Height: 1080, FPS: 30},
	}
	got := *c
	got.Path, got.Dir, got.Positions, got.Lessons = "", "", nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
	s := c.Lessons[0].Scenes[0]
	if s.Status != StatusDraft || s.Layout != "title" {
		t.Errorf("scene status, layout = %q, %q; want draft, title", s.Status, s.Layout)
	}
	// Set values are kept, and applying twice changes nothing.
	before := dumpJSON(t, c)
	c.ApplyDefaults()
	if after := dumpJSON(t, c); after != before {
		t.Errorf("ApplyDefaults is not idempotent:\n%s\n%s", before, after)
	}
}

func TestInferLayout(t *testing.T) {
	bl := []Bullet{{Text: "a"}}
	tests := []struct {
		name  string
		scene Scene
		want  string
	}{
		{"image and bullets", Scene{Image: "a.png", Bullets: bl}, "image-text"},
		{"image and body", Scene{Image: "a.png", Body: "text"}, "image-text"},
		{"image only", Scene{Image: "a.png", Title: "Figure"}, "image"},
		{"code", Scene{Code: "x", Title: "T"}, "code"},
		{"quote", Scene{Quote: "q", Author: "me"}, "quote"},
		{"bullets", Scene{Bullets: bl, Title: "T"}, "bullets"},
		{"title only", Scene{Title: "T", Subtitle: "S"}, "title"},
		{"title and body", Scene{Title: "T", Body: "b"}, ""},
		{"code and image", Scene{Code: "x", Image: "a.png"}, ""},
		{"code and quote", Scene{Code: "x", Quote: "q"}, ""},
		{"nothing", Scene{Narration: "just talk"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InferLayout(&tt.scene); got != tt.want {
				t.Errorf("InferLayout = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDurations(t *testing.T) {
	tests := []struct {
		src  string
		want float64
		err  string
	}{
		{"2", 2, ""},
		{"1.5", 1.5, ""},
		{"0", 0, ""},
		{`"1.5s"`, 1.5, ""},
		{"1.5s", 1.5, ""},
		{"500ms", 0.5, ""},
		{"1m", 60, ""},
		{`"0.25"`, 0.25, ""},
		{"-1", -1, ""}, // Validate rejects negative pauses, decoding keeps them
		{"abc", 0, `course.yaml:5:22: pause_after must be a number of seconds, got "abc"`},
		{"1.5 s", 0, `course.yaml:5:22: pause_after must be a number of seconds, got "1.5 s"`},
		{"true", 0, `course.yaml:5:22: pause_after must be a number of seconds, got "true"`},
		{".inf", 0, `course.yaml:5:22: pause_after must be a number of seconds, got ".inf"`},
		{"{a: 1}", 0, `course.yaml:5:22: pause_after must be a number of seconds, got a mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			src := "lessons:\n  - id: a\n    scenes:\n      - id: s\n        pause_after: " + tt.src + "\n"
			c, err := Parse("course.yaml", []byte(src))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Lessons[0].Scenes[0].PauseAfter; got != tt.want {
				t.Errorf("pause_after = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBulletForms(t *testing.T) {
	src := `lessons:
  - id: a
    scenes:
      - id: s
        bullets:
          - plain
          - "quoted: with colon"
          - 42
          - Parent:
              - child one
              - Child two:
                  - grandchild
          - Empty parent:
          - text: explicit
          - text: explicit parent
            bullets:
              - kid
              - text: explicit kid
                bullets: [g1, g2]
`
	c := parseString(t, src)
	want := []Bullet{
		{Text: "plain"},
		{Text: "quoted: with colon"},
		{Text: "42"},
		{Text: "Parent", Children: []Bullet{{Text: "child one"}, {Text: "Child two", Children: []Bullet{{Text: "grandchild"}}}}},
		{Text: "Empty parent"},
		{Text: "explicit"},
		{Text: "explicit parent", Children: []Bullet{{Text: "kid"}, {Text: "explicit kid", Children: []Bullet{{Text: "g1"}, {Text: "g2"}}}}},
	}
	if got := c.Lessons[0].Scenes[0].Bullets; !reflect.DeepEqual(got, want) {
		t.Errorf("bullets:\n got %+v\nwant %+v", got, want)
	}
}

func TestHelpers(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "valid", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Resolve("img/a.png"); got != filepath.Join(c.Dir, "img/a.png") {
		t.Errorf("Resolve(relative) = %q", got)
	}
	if got := c.Resolve("/abs/a.png"); got != "/abs/a.png" {
		t.Errorf("Resolve(absolute) = %q", got)
	}
	if c.Lesson("basics") != c.Lessons[0] || c.Lesson("nope") != nil {
		t.Error("Lesson lookup wrong")
	}
	l, s := c.FindScene("hello")
	if l != c.Lessons[1] || s != c.Lessons[1].Scenes[0] {
		t.Error("FindScene(hello) wrong")
	}
	if l, s := c.FindScene("nope"); l != nil || s != nil {
		t.Error("FindScene(nope) should be nil")
	}

	basics := c.Lessons[0]
	tests := []struct {
		scene    *Scene
		lesson   *Lesson
		voice    Voice
		template string
	}{
		// Lesson overrides the rate only; the rest comes from the course.
		{basics.Scenes[0], basics, Voice{Provider: "espeak-ng", Name: "en-gb+f3", Rate: 0.9, Pitch: -2, Language: "en-GB", Model: "standard"}, "minimal"},
		// A scene switching provider does not inherit the course's voice name or model.
		{basics.Scenes[2], basics, Voice{Provider: "flite", Name: "slt", Rate: 0.9, Pitch: -2, Language: "en-GB"}, "dark"},
		{c.Lessons[1].Scenes[0], c.Lessons[1], c.Voice, "modern"},
		{c.Lessons[1].Scenes[0], nil, c.Voice, "modern"},
	}
	for _, tt := range tests {
		if got := tt.scene.VoiceFor(tt.lesson, c); got != tt.voice {
			t.Errorf("%s: VoiceFor = %+v, want %+v", tt.scene.ID, got, tt.voice)
		}
		if got := tt.scene.TemplateFor(tt.lesson, c); got != tt.template {
			t.Errorf("%s: TemplateFor = %q, want %q", tt.scene.ID, got, tt.template)
		}
	}
	// A course voice without a language speaks the course language.
	c2 := &Course{Language: "pt-BR", Voice: Voice{Provider: "espeak-ng"}}
	if got := (&Scene{}).VoiceFor(nil, c2).Language; got != "pt-BR" {
		t.Errorf("voice language = %q, want pt-BR", got)
	}

	for text, want := range map[string]int{"": 0, "one": 1, "  Here are\tthree\npoints. ": 4, "don't stop—now": 2} {
		if got := (&Scene{Narration: text}).Words(); got != want {
			t.Errorf("Words(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := sceneKeys
	tests := []struct {
		word string
		list []string
		want string
	}{
		{"naration", keys, "narration"},
		{"Narration", keys, "narration"}, // keys are case-sensitive: suggest the right case
		{"bullet", keys, "bullets"},
		{"pause_afer", keys, "pause_after"},
		{"xyz", keys, ""},
		{"colour", courseKeys, ""},
		{"espeak", []string{"espeak-ng", "flite"}, "espeak-ng"},
		{"titel", Layouts, "title"},
		{"imagetext", Layouts, "image-text"},
		{"", keys, ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.word, tt.list); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestSlugAndNewID(t *testing.T) {
	slugs := map[string]string{
		"Hello, World!":   "hello-world",
		"Intro One":       "intro-one",
		"Ünïcödé Çafé":    "unicode-cafe",
		"v1.2 release":    "v1.2-release",
		"step_one":        "step_one",
		"Intro. Next":     "intro-next",
		"---":             "",
		"日本語":             "",
		"  Leading space": "leading-space",
		"A very long title that goes on and on forever": "a-very-long-title-that",
	}
	for in, want := range slugs {
		got := Slug(in)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if got != "" && !ValidID(got) {
			t.Errorf("Slug(%q) = %q is not a valid id", in, got)
		}
		if len(got) > 24 {
			t.Errorf("Slug(%q) = %q is longer than 24", in, got)
		}
	}
	taken := map[string]bool{"intro": true, "intro-2": true, "scene": true}
	isTaken := func(id string) bool { return taken[id] }
	ids := map[string]string{"Intro": "intro-3", "Outro": "outro", "": "scene-2", "日本語": "scene-2"}
	for title, want := range ids {
		if got := NewID(title, isTaken); got != want {
			t.Errorf("NewID(%q) = %q, want %q", title, got, want)
		}
	}
	if got := NewID("Intro", nil); got != "intro" {
		t.Errorf("NewID with nil taken = %q", got)
	}
}
