package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeUser writes a user config file under a fake XDG_CONFIG_HOME and
// returns that folder.
func writeUser(t *testing.T, body string) string {
	t.Helper()
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "tecno"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "tecno", "config.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return xdg
}

func loadCourse(t *testing.T, body string) *course.Course {
	t.Helper()
	p := filepath.Join(t.TempDir(), "course.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := course.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const courseWithSettings = `course:
  title: T
  template: tech
  voice:
    provider: espeak-ng
    name: pt-br
  output:
    dir: dist
lessons: []
`

const userSettings = `# my defaults
template: minimal
voice:
  provider: openai
  name: alloy
output:
  dir: videos
jobs: 3
cache_dir: ~/.cache/tecno
`

func TestPrecedence(t *testing.T) {
	xdg := writeUser(t, userSettings)
	c := loadCourse(t, courseWithSettings)
	home := t.TempDir()

	tests := []struct {
		name   string
		flags  map[string]string
		env    map[string]string
		course *course.Course
		want   map[string]Source
		vals   map[string]string
	}{
		{
			name: "defaults only",
			env:  map[string]string{"HOME": filepath.Join(home, "nobody")},
			want: map[string]Source{KeyTemplate: FromDefault, KeyVoiceProvider: FromDefault, KeyVoiceName: FromDefault,
				KeyOutputDir: FromDefault, KeyJobs: FromDefault, KeyCacheDir: FromDefault},
			vals: map[string]string{KeyTemplate: "modern", KeyVoiceProvider: "espeak-ng", KeyVoiceName: "",
				KeyOutputDir: "out", KeyJobs: strconv.Itoa(runtime.NumCPU()), KeyCacheDir: filepath.Join(".tecno", "cache")},
		},
		{
			name: "user file over defaults",
			env:  map[string]string{"XDG_CONFIG_HOME": xdg, "HOME": "/home/ana"},
			want: map[string]Source{KeyTemplate: FromUser, KeyVoiceProvider: FromUser, KeyVoiceName: FromUser,
				KeyOutputDir: FromUser, KeyJobs: FromUser, KeyCacheDir: FromUser},
			vals: map[string]string{KeyTemplate: "minimal", KeyVoiceProvider: "openai", KeyVoiceName: "alloy",
				KeyOutputDir: filepath.Join(xdg, "tecno", "videos"), KeyJobs: "3", KeyCacheDir: "/home/ana/.cache/tecno"},
		},
		{
			name:   "course over user file",
			env:    map[string]string{"XDG_CONFIG_HOME": xdg},
			course: c,
			want: map[string]Source{KeyTemplate: FromCourse, KeyVoiceProvider: FromCourse, KeyVoiceName: FromCourse,
				KeyOutputDir: FromCourse, KeyJobs: FromUser, KeyCacheDir: FromUser},
			vals: map[string]string{KeyTemplate: "tech", KeyVoiceName: "pt-br", KeyOutputDir: filepath.Join(c.Dir, "dist"), KeyJobs: "3"},
		},
		{
			name:   "environment over course",
			env:    map[string]string{"XDG_CONFIG_HOME": xdg, "TECNO_TEMPLATE": "corporate", "TECNO_JOBS": "2", "TECNO_VOICE_NAME": "en-us", "TECNO_CACHE_DIR": "/tmp/tc"},
			course: c,
			want: map[string]Source{KeyTemplate: FromEnv, KeyVoiceProvider: FromCourse, KeyVoiceName: FromEnv,
				KeyOutputDir: FromCourse, KeyJobs: FromEnv, KeyCacheDir: FromEnv},
			vals: map[string]string{KeyTemplate: "corporate", KeyJobs: "2", KeyVoiceName: "en-us", KeyCacheDir: "/tmp/tc"},
		},
		{
			name:   "flags over everything",
			flags:  map[string]string{KeyJobs: "5", KeyOutputDir: "/srv/out", KeyCacheDir: "/srv/cache"},
			env:    map[string]string{"XDG_CONFIG_HOME": xdg, "TECNO_JOBS": "2"},
			course: c,
			want:   map[string]Source{KeyJobs: FromFlag, KeyOutputDir: FromFlag, KeyCacheDir: FromFlag, KeyTemplate: FromCourse},
			vals:   map[string]string{KeyJobs: "5", KeyOutputDir: "/srv/out", KeyCacheDir: "/srv/cache"},
		},
		{
			// The user file names openai's voice "alloy"; the course picks
			// espeak-ng without a name, so alloy must not leak into it.
			name:   "voice name stays with its provider",
			env:    map[string]string{"XDG_CONFIG_HOME": xdg},
			course: loadCourse(t, "course:\n  voice:\n    provider: espeak-ng\nlessons: []\n"),
			want:   map[string]Source{KeyVoiceProvider: FromCourse, KeyVoiceName: FromDefault},
			vals:   map[string]string{KeyVoiceProvider: "espeak-ng", KeyVoiceName: ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Resolve(Layers{Flags: tt.flags, Getenv: envOf(tt.env), Course: tt.course})
			if err != nil {
				t.Fatal(err)
			}
			for k, src := range tt.want {
				if got := cfg.Value(k); got.Source != src {
					t.Errorf("%s: source %s (%s), want %s", k, got.Source, got.Origin, src)
				}
			}
			for k, v := range tt.vals {
				if got := cfg.Value(k).Value; got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestOrigins(t *testing.T) {
	xdg := writeUser(t, userSettings)
	c := loadCourse(t, courseWithSettings)
	cfg, err := Resolve(Layers{
		Flags:     map[string]string{KeyJobs: "7"},
		FlagNames: map[string]string{KeyJobs: "--jobs"},
		Getenv:    envOf(map[string]string{"XDG_CONFIG_HOME": xdg, "TECNO_VOICE_PROVIDER": "flite"}),
		Course:    c,
	})
	if err != nil {
		t.Fatal(err)
	}
	userFile := filepath.Join(xdg, "tecno", "config.yaml")
	want := map[string]string{
		KeyJobs:          "--jobs",
		KeyVoiceProvider: "$TECNO_VOICE_PROVIDER",
		KeyTemplate:      c.Path + ":3:13",
		KeyCacheDir:      userFile + ":9:12",
		// The course's name belongs to espeak-ng, not to flite, and the
		// user file's to openai: neither applies.
		KeyVoiceName: "the provider's voice for the course language",
	}
	for k, o := range want {
		if got := cfg.Value(k).Origin; got != o {
			t.Errorf("%s origin %q, want %q", k, got, o)
		}
	}
	if cfg.UserFile != userFile {
		t.Errorf("UserFile %q, want %q", cfg.UserFile, userFile)
	}
	// No HOME: a leading ~ cannot be expanded, and the path stays
	// relative to the config file's folder.
	if got, want := cfg.CacheDir, filepath.Join(xdg, "tecno", "~", ".cache", "tecno"); got != want {
		t.Errorf("cache dir %q, want %q", got, want)
	}
	if len(cfg.Values()) != len(Keys) {
		t.Errorf("Values() has %d entries, want %d", len(cfg.Values()), len(Keys))
	}
}

func TestHomeExpansion(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "tecno")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("cache_dir: ~/.cache/tecno\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Resolve(Layers{Getenv: envOf(map[string]string{"HOME": home})})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".cache", "tecno"); cfg.CacheDir != want {
		t.Errorf("cache dir %q, want %q", cfg.CacheDir, want)
	}
}

func TestUserPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/tecno/config.yaml"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/h"}, "/h/.config/tecno/config.yaml"},
		{map[string]string{"HOME": "/h"}, "/h/.config/tecno/config.yaml"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := UserPath(envOf(tt.env)); got != tt.want {
			t.Errorf("UserPath(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestBadValues(t *testing.T) {
	tests := []struct {
		name  string
		user  string
		env   map[string]string
		flags map[string]string
		want  string // in the error
		line  int
	}{
		{name: "env jobs", env: map[string]string{"TECNO_JOBS": "many"}, want: `$TECNO_JOBS must be a whole number of at least 1, got "many"`},
		{name: "flag jobs", flags: map[string]string{KeyJobs: "0"}, want: "--jobs must be at least 1"},
		{name: "user jobs", user: "jobs: 0\n", want: `config.yaml:1:7: jobs must be a whole number`, line: 1},
		{name: "unknown key", user: "template: tech\nvoise:\n  name: x\n", want: `config.yaml:2:1: unknown key "voise" (did you mean "voice"?)`, line: 2},
		{name: "unknown nested key", user: "voice:\n  provder: x\n", want: `unknown key "voice.provder" (did you mean "voice.provider"?)`, line: 2},
		{name: "not a value", user: "jobs: [1, 2]\n", want: "jobs must be a single value", line: 1},
		{name: "syntax", user: "jobs: [\n", want: "yaml syntax error"},
		{name: "not a mapping", user: "- a\n", want: "the config file must be a mapping", line: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			if tt.user != "" {
				env["XDG_CONFIG_HOME"] = writeUser(t, tt.user)
			} else {
				env["HOME"] = t.TempDir()
			}
			_, err := Resolve(Layers{Flags: tt.flags, Getenv: envOf(env)})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if fault.KindOf(err) != fault.Input {
				t.Errorf("kind %v, want input", fault.KindOf(err))
			}
			var fe *fault.Error
			if tt.line > 0 && (!errors.As(err, &fe) || fe.Line != tt.line) {
				t.Errorf("error %v not located at line %d", err, tt.line)
			}
		})
	}
}

func TestApply(t *testing.T) {
	c := loadCourse(t, courseWithSettings)
	cfg, err := Resolve(Layers{
		Getenv: envOf(map[string]string{"HOME": t.TempDir(), "TECNO_VOICE_PROVIDER": "flite", "TECNO_OUTPUT_DIR": "/srv/x"}),
		Course: c,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Apply(c)
	if c.Voice.Provider != "flite" || c.Voice.Name != "" {
		t.Errorf("voice %+v, want flite with no name (pt-br belonged to espeak-ng)", c.Voice)
	}
	if c.Template != "tech" {
		t.Errorf("template %q, want the course's tech", c.Template)
	}
	if c.Output.Dir != "/srv/x" {
		t.Errorf("output dir %q, want /srv/x", c.Output.Dir)
	}

	// The user file fills what the course leaves unset, and only that.
	xdg := writeUser(t, "template: minimal\nvoice:\n  name: en-gb\n")
	c2 := loadCourse(t, "course:\n  title: T\nlessons: []\n")
	cfg, err = Resolve(Layers{Getenv: envOf(map[string]string{"XDG_CONFIG_HOME": xdg}), Course: c2})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Apply(c2)
	if c2.Template != "minimal" || c2.Voice.Name != "en-gb" || c2.Voice.Provider != "espeak-ng" {
		t.Errorf("course after Apply: template %q voice %+v", c2.Template, c2.Voice)
	}
}

func TestEnvVar(t *testing.T) {
	for k, want := range map[string]string{KeyVoiceName: "TECNO_VOICE_NAME", KeyCacheDir: "TECNO_CACHE_DIR", KeyJobs: "TECNO_JOBS", KeyOutputDir: "TECNO_OUTPUT_DIR"} {
		if got := EnvVar(k); got != want {
			t.Errorf("EnvVar(%q) = %q, want %q", k, got, want)
		}
	}
}
