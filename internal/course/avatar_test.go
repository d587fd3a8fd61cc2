package course

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const avatarCourse = `version: 1
course:
  title: Avatars
  avatar:
    provider: local
    image: face.png
    position: top-left
    size: 0.25
lessons:
  - id: l1
    scenes:
      - id: inherit
        title: One
      - id: override
        title: Two
        avatar: {provider: d-id, image: "https://example.com/p.jpg", shape: rect}
      - id: off
        title: Three
        avatar:
          provider: none
`

func TestAvatarDecodeAndInherit(t *testing.T) {
	c := parseString(t, avatarCourse)
	c.ApplyDefaults()
	want := &Avatar{Provider: "local", Image: "face.png", Position: "top-left", Size: 0.25}
	if !reflect.DeepEqual(c.Avatar, want) {
		t.Fatalf("course avatar = %+v, want %+v", c.Avatar, want)
	}
	tests := []struct {
		scene string
		want  *Avatar
	}{
		{"inherit", &Avatar{Provider: "local", Image: "face.png", Position: "top-left", Size: 0.25, Shape: "circle"}},
		{"override", &Avatar{Provider: "d-id", Image: "https://example.com/p.jpg", Position: "top-left", Size: 0.25, Shape: "rect"}},
		{"off", nil},
	}
	for _, tt := range tests {
		t.Run(tt.scene, func(t *testing.T) {
			_, s := c.FindScene(tt.scene)
			if got := s.AvatarFor(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("AvatarFor = %+v, want %+v", got, tt.want)
			}
		})
	}
	if p := c.PosOf("lessons.0.scenes.1.avatar"); p.Line != 16 {
		t.Errorf("scene avatar position = %+v, want line 16", p)
	}
}

func TestAvatarDefaultsWithoutCourseAvatar(t *testing.T) {
	c := parseString(t, "lessons:\n  - id: l\n    scenes:\n      - id: s\n        title: T\n        avatar: {provider: local}\n      - id: t\n        title: U\n")
	_, s := c.FindScene("s")
	got := s.AvatarFor(c)
	want := &Avatar{Provider: "local", Position: DefaultAvatarPosition, Size: DefaultAvatarSize, Shape: DefaultAvatarShape}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AvatarFor = %+v, want %+v", got, want)
	}
	if _, s := c.FindScene("t"); s.AvatarFor(c) != nil {
		t.Error("a scene without any avatar setting has one")
	}
}

func TestAvatarDecodeErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown key", "course:\n  avatar:\n    postion: top-left\n", `unknown key "postion" (did you mean "position"?)`},
		{"size not a number", "course:\n  avatar:\n    size: big\n", `avatar size must be a number, got "big"`},
		{"not a mapping", "course:\n  avatar: d-id\n", `avatar must be a mapping`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("course.yaml", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestAvatarValidate(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "face.png"), []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `course:
  avatar:
    provider: d-ld
    position: middle
    size: 1.5
    shape: square
    image: nowhere.png
lessons:
  - id: l
    scenes:
      - id: ok
        title: T
        narration: Hi.
        avatar: {provider: local, image: face.png}
      - id: noimage
        title: T
        narration: Hi.
        avatar: {provider: d-id, image: ""}
`
	path := filepath.Join(dir, "course.yaml")
	c, err := Parse(path, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c.ApplyDefaults()
	errs, _ := Validate(c, Env{})
	got := strings.Join(lines(errs), "\n")
	for _, want := range []string{
		`3:15: unknown avatar provider "d-ld" (did you mean "d-id"?)`,
		`4:15: unknown avatar position "middle"`,
		`5:11: avatar size must be a fraction of the frame height between 0 and 1, got 1.5`,
		`6:12: unknown avatar shape "square"`,
		`7:12: avatar image file "nowhere.png" not found`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing error %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "scene \"ok\"") {
		t.Errorf("scene with a valid local avatar reported:\n%s", got)
	}

	c2 := parseString(t, "lessons:\n  - id: l\n    scenes:\n      - id: s\n        title: T\n        narration: Hi.\n        avatar: {provider: d-id}\n")
	c2.ApplyDefaults()
	errs, _ = Validate(c2, Env{})
	if got := strings.Join(lines(errs), "\n"); !strings.Contains(got, `scene "s" has a d-id avatar without an image`) {
		t.Errorf("d-id without image not reported:\n%s", got)
	}
	c3 := parseString(t, "course:\n  avatar: {provider: d-id, image: 'https://example.com/a.jpg'}\nlessons:\n  - id: l\n    scenes:\n      - id: s\n        title: T\n        narration: Hi.\n")
	c3.ApplyDefaults()
	if errs, _ := Validate(c3, Env{}); len(errs) > 0 {
		t.Errorf("an avatar image URL was checked as a file: %v", errs)
	}
}

func TestAvatarMarshalRoundTrip(t *testing.T) {
	c := parseString(t, avatarCourse)
	data, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  avatar:\n    provider: local\n    image: face.png\n    position: top-left\n    size: 0.25\n",
		"        avatar:\n          provider: d-id\n", "          shape: rect\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Marshal output lacks %q:\n%s", want, data)
		}
	}
	back, err := Parse("course.yaml", data)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(back.Avatar, c.Avatar) {
		t.Errorf("course avatar after round trip = %+v, want %+v", back.Avatar, c.Avatar)
	}
	for i, s := range c.Lessons[0].Scenes {
		if !reflect.DeepEqual(back.Lessons[0].Scenes[i].Avatar, s.Avatar) {
			t.Errorf("scene %s avatar after round trip = %+v, want %+v", s.ID, back.Lessons[0].Scenes[i].Avatar, s.Avatar)
		}
	}
}

func TestAvatarSchema(t *testing.T) {
	data, err := JSONSchema(SchemaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Defs["course"].Properties["avatar"]; !ok {
		t.Error("course has no avatar property")
	}
	if _, ok := s.Defs["scene"].Properties["avatar"]; !ok {
		t.Error("scene has no avatar property")
	}
	props := s.Defs["avatar"].Properties
	for _, k := range avatarKeys {
		if _, ok := props[k]; !ok {
			t.Errorf("avatar schema lacks %q", k)
		}
	}
	if !strings.Contains(string(props["provider"]), `"d-id"`) || !strings.Contains(string(props["shape"]), `"circle"`) {
		t.Errorf("avatar enums missing: %s %s", props["provider"], props["shape"])
	}
}
