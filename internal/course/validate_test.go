package course

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/fault"
)

func testEnv() Env {
	templates := []string{"modern", "minimal", "dark"}
	providers := []string{"espeak-ng", "flite"}
	voices := map[string][]string{"espeak-ng": {"en-us", "en-gb+f3"}, "flite": {"slt", "kal"}}
	return Env{
		KnownTemplate: func(n string) bool { return contains(templates, n) },
		Templates:     func() []string { return templates },
		KnownProvider: func(n string) bool { return contains(providers, n) },
		Providers:     func() []string { return providers },
		KnownVoice:    func(p, n string) bool { return contains(voices[p], n) },
		Voices:        func(p string) []string { return voices[p] },
	}
}

func lines(l fault.List) []string {
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.Error()
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		file  string
		env   Env
		errs  []string
		warns []string
	}{
		{
			file: "problems.yaml", env: testEnv(),
			errs: []string{
				`3:13: language "en_US" is not a language tag like "en-US" or "pt-BR"`,
				`4:13: unknown template "modren" (did you mean "modern"?)`,
				`6:15: unknown provider "espeak" (did you mean "espeak-ng"?)`,
				`7:11: voice rate must be positive (1.0 is normal speed), got -1`,
				`9:12: output width must be even (H.264 with yuv420p needs it), got 1281`,
				`10:13: output height must be at least 16 pixels, got 8`,
				`11:10: output fps must be between 1 and 120, got 240`,
				`13:11: logo file "missing-logo.png" not found`,
				`15:9: lesson id "Intro One" must be lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`,
				`19:17: unknown layout "titel" (did you mean "title"?)`,
				`21:13: duplicate scene id "welcome" (first used at line 18:13)`,
				`22:17: layout "image" needs image, but scene "welcome" has none`,
				`24:23: pause_before must not be negative, got -1`,
				`25:17: unknown status "aproved" (did you mean "approved"?)`,
				`28:16: image file "nowhere.png" not found`,
				`29:26: narration audio file "nowhere.wav" not found`,
				`33:17: unknown espeak-ng voice "nobody"`,
				`37:9: scene has no id`,
				`41:9: scene "both" has no layout and none can be inferred`,
				`45:5: lesson "empty" has no scenes`,
				`47:9: duplicate lesson id "empty" (first used at line 45:9)`,
			},
			warns: []string{`34:9: scene "silent" has no narration; it will be silent`},
		},
		{
			// Without env callbacks, templates, providers and voices are
			// not checked.
			file: "problems.yaml", env: Env{},
			errs: nil, // checked by count below
		},
		{file: "nolessons.yaml", env: testEnv(), errs: []string{`1:1: course has no lessons`}},
		{file: "ok.yaml", env: testEnv()},
	}
	for i, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "validate", tt.file)
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			errs, warns := Validate(c, tt.env)
			if i == 1 {
				for _, e := range errs {
					for _, w := range []string{"template", "provider", "voice \""} {
						if strings.Contains(e.Msg, "unknown "+w) {
							t.Errorf("nil env callback still checked: %v", e)
						}
					}
				}
				if len(errs) != 18 {
					t.Errorf("got %d errors with an empty env, want 18:\n%s", len(errs), errs)
				}
				return
			}
			for _, l := range []fault.List{errs, warns} {
				for _, e := range l {
					if e.Kind != fault.Input || e.File != path || e.Line == 0 || e.Col == 0 {
						t.Errorf("error %q: kind %v, file %q, line %d, col %d; want an input error located in %s", e, e.Kind, e.File, e.Line, e.Col, path)
					}
				}
			}
			prefix := func(l []string) []string {
				out := make([]string, len(l))
				for i, s := range l {
					out[i] = path + ":" + s
				}
				return out
			}
			if got, want := lines(errs), prefix(tt.errs); !reflect.DeepEqual(got, want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if got, want := lines(warns), prefix(tt.warns); !reflect.DeepEqual(got, want) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestValidateHints(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "validate", "problems.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	errs, _ := Validate(c, testEnv())
	hints := map[string]string{
		`language "en_US"`:      "write en-US",
		`lesson id "Intro One"`: "try: id: intro-one",
		`scene has no id`:       "add a stable id, for example: id: the-quote-scene",
		`"both" has no layout`:  "add a layout, one of: title, bullets, image, image-text, quote, code, section, slide-image",
		`output width`:          "use 1282",
		`voice "nobody"`:        "espeak-ng voices: en-us, en-gb+f3",
		`"missing-logo.png"`:    "looked for " + c.Resolve("missing-logo.png") + " (relative paths start at the course folder)",
	}
	for frag, hint := range hints {
		found := false
		for _, e := range errs {
			if strings.Contains(e.Msg, frag) {
				found = true
				if !contains(e.Hints, hint) {
					t.Errorf("error %q: hints %q, want %q", e.Msg, e.Hints, hint)
				}
			}
		}
		if !found {
			t.Errorf("no error mentions %s", frag)
		}
	}
}

func TestValidLanguage(t *testing.T) {
	for tag, want := range map[string]bool{
		"en": true, "en-US": true, "pt-BR": true, "zh-Hans-CN": true, "es-419": true, "de-CH-1901": true, "en-us": true,
		"": false, "en_US": false, "english": false, "e": false, "en-": false, "en-USA1": false, "123": false,
	} {
		if got := ValidLanguage(tag); got != want {
			t.Errorf("ValidLanguage(%q) = %v, want %v", tag, got, want)
		}
	}
}
