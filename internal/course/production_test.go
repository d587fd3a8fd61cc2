package course

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const productionCourse = `version: 1
course:
  title: Polished
  transition: {type: crossfade, duration: 0.8}
  subtitles: burn
  music:
    file: bed.mp3
    volume: -20
    duck: 12
    fade_in: 1.5s
    loop: false
  intro: true
  outro: {text: Subscribe for more, duration: 5}
  branding:
    logo: logo.png
    logo_position: bottom-left
    logo_size: 120
    logo_opacity: 0.5
    presenter: Ana Souza
    presenter_role: Engineer
    colors: {accent: "#ff6600"}
  output:
    presets: [720p, webm, audio-only]
lessons:
  - id: one
    title: One
    transition: fade
    music: {volume: -24}
    scenes:
      - id: a
        title: A
        narration: Hi.
      - id: b
        layout: bullets
        bullets: [x, y]
        reveal: bullets
        transition: {type: wipe}
        lower_third: true
  - id: two
    title: Two
    subtitles: soft
    music: none
    intro: none
    outro: outro.mp4
    translations: {pt-BR: two.pt-BR.srt}
    scenes:
      - id: c
        title: C
        lower_third: "Guest speaker"
`

func TestProductionDecodeAndInherit(t *testing.T) {
	c := parseString(t, productionCourse)
	one, two := c.Lessons[0], c.Lessons[1]
	a, b, cc := one.Scenes[0], one.Scenes[1], two.Scenes[0]

	t.Run("transition", func(t *testing.T) {
		tests := []struct {
			s    *Scene
			l    *Lesson
			want Transition
		}{
			{a, one, Transition{"fade", 0.8}},       // lesson type, course duration
			{b, one, Transition{"wipe", 0.8}},       // scene type
			{cc, two, Transition{"crossfade", 0.8}}, // course
		}
		for _, tt := range tests {
			if got := tt.s.TransitionFor(tt.l, c); got != tt.want {
				t.Errorf("%s: %+v, want %+v", tt.s.ID, got, tt.want)
			}
		}
		if got := (&Scene{}).TransitionFor(&Lesson{}, &Course{}); got != (Transition{TransitionCut, DefaultTransitionDuration}) {
			t.Errorf("default: %+v", got)
		}
	})
	t.Run("music", func(t *testing.T) {
		m := one.MusicFor(c)
		want := &MusicSettings{File: "bed.mp3", Volume: -24, Duck: 12, Attack: DefaultMusicAttack, Release: DefaultMusicRelease,
			FadeIn: 1.5, FadeOut: DefaultMusicFadeOut, Loop: false}
		if !reflect.DeepEqual(m, want) {
			t.Errorf("lesson one music = %+v, want %+v", m, want)
		}
		if m := two.MusicFor(c); m != nil {
			t.Errorf("music: none gave %+v", m)
		}
	})
	t.Run("cards", func(t *testing.T) {
		if in := one.IntroFor(c); in == nil || *in != (Card{}) {
			t.Errorf("intro: true = %+v, want a default card", in)
		}
		if out := one.OutroFor(c); out == nil || out.Text != "Subscribe for more" || out.Duration != 5 {
			t.Errorf("course outro = %+v", out)
		}
		if in := two.IntroFor(c); in != nil {
			t.Errorf("intro: none gave %+v", in)
		}
		if out := two.OutroFor(c); out == nil || out.File != "outro.mp4" {
			t.Errorf("lesson outro file = %+v", out)
		}
	})
	t.Run("subtitles", func(t *testing.T) {
		if got := one.SubtitlesFor(c); got != SubtitlesBurn {
			t.Errorf("lesson one: %q", got)
		}
		if got := two.SubtitlesFor(c); got != SubtitlesSoft {
			t.Errorf("lesson two: %q", got)
		}
	})
	t.Run("branding", func(t *testing.T) {
		br := c.Branding
		if br.Logo != "logo.png" || br.LogoPosition != "bottom-left" || br.LogoSize != 120 || br.LogoOpacity != 0.5 || br.Colors["accent"] != "#ff6600" {
			t.Errorf("branding = %+v", br)
		}
		if got := b.LowerThirdText(c); !reflect.DeepEqual(got, []string{"Ana Souza", "Engineer"}) {
			t.Errorf("lower third = %q", got)
		}
		if got := cc.LowerThirdText(c); !reflect.DeepEqual(got, []string{"Guest speaker"}) {
			t.Errorf("lower third text = %q", got)
		}
		if got := a.LowerThirdText(c); got != nil {
			t.Errorf("no lower third = %q", got)
		}
	})
	if b.Reveal != RevealBullets {
		t.Errorf("reveal = %q", b.Reveal)
	}
	if got := two.Translations; !reflect.DeepEqual(got, map[string]string{"pt-BR": "two.pt-BR.srt"}) {
		t.Errorf("translations = %v", got)
	}
	if !reflect.DeepEqual(c.Output.Presets, []string{"720p", "webm", "audio-only"}) {
		t.Errorf("presets = %q", c.Output.Presets)
	}
	if p := c.PosOf("lessons.0.scenes.1.transition"); p.Line != 37 {
		t.Errorf("scene transition position = %+v, want line 37", p)
	}
}

func TestProductionValidate(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"bed.mp3", "logo.png", "outro.mp4", "two.pt-BR.srt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func(t *testing.T, src string) []string {
		t.Helper()
		path := filepath.Join(dir, "course.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		errs, _ := Validate(c, Env{})
		var out []string
		for _, e := range errs {
			out = append(out, strings.TrimPrefix(e.Error(), path+":"))
		}
		return out
	}
	if errs := load(t, productionCourse); len(errs) > 0 {
		t.Fatalf("valid course: %q", errs)
	}
	bad := `course:
  transition: {type: fad, duration: 9}
  subtitles: burned
  music: {file: nope.mp3, volume: 6}
  intro: {file: outro.mp4, title: Both}
  branding:
    logo_position: middle
    logo_opacity: 2
    colors: {accent: orange}
  output: {presets: [1080p, 8k]}
lessons:
  - id: l
    translations: {pt_BR: a.srt, es: notes.txt, fr: missing.vtt}
    scenes:
      - id: s
        title: S
        reveal: bullets
        lower_third: true
        transition: slide
`
	want := []string{
		`2:22: unknown transition "fad" (did you mean "fade"?)`,
		`2:37: transition duration must be between 0 and 5 seconds, got 9`,
		`3:14: unknown subtitle mode "burned" (did you mean "burn"?)`,
		`4:17: music file "nope.mp3" not found`,
		`4:35: music volume must be between -60 and 0 dB, got 6`,
		`5:10: intro has a video file and card text; use one or the other`,
		`10:29: unknown preset "8k" (did you mean "4k"?)`,
		`7:20: unknown logo position "middle"`,
		`8:19: logo_opacity must be between 0 and 1, got 2`,
		`9:22: branding colour accent must be #rgb, #rrggbb or #rrggbbaa, got "orange"`,
		`19:21: unknown transition "slide" (did you mean "slide-left"?)`,
		`17:17: scene "s" reveals bullets but has none`,
		`18:22: scene "s" shows the presenter's lower third, but branding.presenter is not set`,
		`13:27: translation language "pt_BR" is not a language tag like "pt-BR"`,
		`13:38: translation es must be an .srt or .vtt file, got "notes.txt"`,
		`13:53: translation file "missing.vtt" not found`,
	}
	got := load(t, bad)
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing error %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestProductionMarshalRoundTrip(t *testing.T) {
	c := parseString(t, productionCourse)
	data, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("course.yaml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !reflect.DeepEqual(stripped(c), stripped(again)) {
		t.Errorf("round trip differs:\n%s", data)
	}
}

func TestProductionSchemaAcceptsForms(t *testing.T) {
	data, err := JSONSchema(SchemaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"transition"`, `"music"`, `"intro"`, `"presets"`, `"lower_third"`, `"reveal"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("schema lacks %s", want)
		}
	}
}
