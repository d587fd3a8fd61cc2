package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/testtool"
)

// TestHelp checks every command, including those of other files, has a
// short description and at least one example.
func TestHelp(t *testing.T) {
	env, _, _ := testEnv(nil)
	root := NewRootCmd(env)
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if !c.Hidden {
			n++
			if strings.TrimSpace(c.Short) == "" {
				t.Errorf("%s: no Short description", c.CommandPath())
			}
			if strings.TrimSpace(c.Example) == "" {
				t.Errorf("%s: no Example", c.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, name := range []string{"doctor", "schema", "init", "config", "completion"} {
		if c, _, err := root.Find([]string{name}); err != nil || c.Name() != name {
			t.Errorf("command %s is not registered", name)
		}
	}
	t.Logf("%d commands checked", n)
}

func TestVersion(t *testing.T) {
	defer func(v, c string) { Version, Commit = v, c }(Version, Commit)
	Version, Commit = "v1.2.3", "abc1234"
	env, out, _ := testEnv(nil)
	if code := runCLI(t, env, "--version"); code != 0 {
		t.Fatalf("--version exited %d", code)
	}
	if got, want := out.String(), "tecno version v1.2.3 (commit abc1234)\n"; got != want {
		t.Errorf("--version printed %q, want %q", got, want)
	}
}

// TestExitCodes pins the one table that maps error kinds to exit codes,
// including code 1 for an error that is not a *fault.Error (a bug), which
// no command produces on purpose.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		err  error
		code int
	}{
		{errors.New("boom"), 1},
		{fmt.Errorf("wrapped: %w", errors.New("boom")), 1},
		{fault.New(fault.Internal, "bug"), 1},
		{fault.New(fault.Input, "bad"), 2},
		{fault.List{fault.At("c.yaml", 1, 1, "bad")}, 2},
		{fault.New(fault.Dependency, "no ffmpeg"), 3},
		{fmt.Errorf("build: %w", fault.New(fault.Provider, "429")), 4},
		{fault.New(fault.Gate, "not approved"), 5},
		{context.Canceled, 130},
		{fmt.Errorf("narrate: %w", context.Canceled), 130},
	}
	for _, tt := range tests {
		if got := fault.KindOf(tt.err).ExitCode(); got != tt.code {
			t.Errorf("%v: exit code %d, want %d", tt.err, got, tt.code)
		}
	}
	// An internal error prints as an error, without hints.
	var b strings.Builder
	PrintError(&b, errors.New("unexpected EOF"))
	if b.String() != "tecno: error: unexpected EOF\n" {
		t.Errorf("PrintError = %q", b.String())
	}
	// A cancelled context turns an unclassified failure into 130.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	env, _, errb := testEnv(nil)
	path := filepath.Join(t.TempDir(), "course.yaml")
	writeFile(t, path, "lessons:\n  - id: a\n    scenes: [{id: s, layout: title, title: T, narration: Hi.}]\n")
	if code := Run(ctx, []string{"build", path, "--cache-dir", t.TempDir()}, env); code != 130 {
		t.Errorf("build with a cancelled context exited %d, want 130: %s", code, errb)
	}
}

// restrictedPATH is a folder holding only a link to sh, so PATH lacks
// ffmpeg and every other tool.
func restrictedPATH(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sh, err := os.Readlink("/bin/sh")
	if err != nil {
		sh = "/bin/sh"
	} else if !filepath.IsAbs(sh) {
		sh = filepath.Join("/bin", sh)
	}
	if err := os.Symlink(sh, filepath.Join(dir, "sh")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDoctorMissingFFmpeg(t *testing.T) {
	env, out, errb := testEnv(map[string]string{"PATH": restrictedPATH(t), "TECNO_CACHE_DIR": t.TempDir()})
	code := runCLI(t, env, "doctor")
	if code != 3 {
		t.Fatalf("exit code %d, want 3\n%s%s", code, out, errb)
	}
	var line, fix string
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "✗ ffmpeg ") {
			line = sc.Text()
			sc.Scan()
			fix = sc.Text()
		}
	}
	if !strings.Contains(line, "not found on PATH") {
		t.Errorf("no ✗ line for ffmpeg in:\n%s", out)
	}
	if !strings.Contains(fix, "fix: sudo apt-get install -y ffmpeg") || !strings.Contains(fix, "brew install ffmpeg") {
		t.Errorf("ffmpeg fix line %q", fix)
	}
	if !strings.Contains(errb.String(), "tecno: error: 3 check(s) failed: ffmpeg, ffprobe, espeak-ng") {
		t.Errorf("stderr: %s", errb)
	}
	if strings.Contains(out.String(), "\x1b[") {
		t.Error("colour codes in output that is not a terminal")
	}
}

func TestDoctorJSON(t *testing.T) {
	const secret = "sk-never-print-me"
	env, out, _ := testEnv(map[string]string{"PATH": restrictedPATH(t), "OPENAI_API_KEY": secret, "TECNO_CACHE_DIR": t.TempDir()})
	if code := runCLI(t, env, "doctor", "--json"); code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
	if strings.Contains(out.String(), secret) {
		t.Fatal("doctor printed a key's value")
	}
	events := decodeEvents(t, out.Bytes())
	last := events[len(events)-1]
	if last["type"] != "summary" || last["ok"] != false || last["errors"] != 3.0 {
		t.Errorf("last event %v", last)
	}
	statuses := map[string]string{}
	for _, e := range events[:len(events)-1] {
		if e["type"] != "check" {
			t.Errorf("event %v is not a check", e)
		}
		statuses[e["check"].(string)] = e["status"].(string)
	}
	want := map[string]string{"ffmpeg": "fail", "soffice": "warn", "openai key": "ok", "cache": "ok"}
	for k, v := range want {
		if statuses[k] != v {
			t.Errorf("%s: status %q, want %q", k, statuses[k], v)
		}
	}
}

func TestDoctorRealTools(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "espeak-ng")
	dir := t.TempDir()
	path := filepath.Join(dir, "course.yaml")
	writeFile(t, path, "course:\n  language: ja-JP\nlessons:\n  - id: a\n    scenes: [{id: s, layout: title, title: T, narration: こんにちは}]\n")
	env, out, errb := testEnv(map[string]string{"NO_COLOR": "1"})
	if code := runCLI(t, env, "doctor", "--course", path); code != 0 {
		t.Fatalf("exit code %d\n%s%s", code, out, errb)
	}
	for _, want := range []string{"✓ ffmpeg ", "with libx264 and aac", "✓ espeak-ng ", "fonts (ja-JP)", filepath.Join(dir, ".tecno", "cache")} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func decodeEvents(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %q", i+1, err, line)
		}
		out = append(out, m)
	}
	return out
}

func TestConfigShow(t *testing.T) {
	xdg := t.TempDir()
	writeFile(t, filepath.Join(xdg, "tecno", "config.yaml"), "jobs: 3\nvoice:\n  provider: flite\n")
	dir := t.TempDir()
	path := filepath.Join(dir, "course.yaml")
	writeFile(t, path, "course:\n  template: tech\nlessons: []\n")
	env, out, errb := testEnv(map[string]string{"XDG_CONFIG_HOME": xdg, "TECNO_CACHE_DIR": "/var/cache/tecno"})
	if code := runCLI(t, env, "config", "show", "--course", path, "--out", "/srv/videos"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{
		"template        tech  ",
		"course: " + path + ":2:13",
		"voice.provider  flite",
		"user: " + filepath.Join(xdg, "tecno", "config.yaml") + ":3:13",
		"output.dir      /srv/videos",
		"flag: --out",
		"jobs            3 ",
		"cache_dir       /var/cache/tecno",
		"env: $TECNO_CACHE_DIR",
		"voice.name      (none)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	env, out, _ = testEnv(map[string]string{"TECNO_JOBS": "2"})
	if code := runCLI(t, env, "config", "show", "--json"); code != 0 {
		t.Fatal(code)
	}
	var vals []struct{ Key, Value, Source, Origin string }
	if err := json.Unmarshal(out.Bytes(), &vals); err != nil {
		t.Fatal(err)
	}
	if len(vals) != 6 || vals[4].Key != "jobs" || vals[4].Value != "2" || vals[4].Source != "env" {
		t.Errorf("config show --json = %+v", vals)
	}

	env, _, errb = testEnv(map[string]string{"TECNO_JOBS": "lots"})
	if code := runCLI(t, env, "config", "show"); code != 2 || !strings.Contains(errb.String(), "$TECNO_JOBS must be a whole number") {
		t.Errorf("bad TECNO_JOBS: exit %d, %s", code, errb)
	}
}

// TestBuildHonoursConfig: TECNO_TEMPLATE and the user config's jobs reach
// the build; an unknown template from the environment is blamed on the
// environment, not on the course file.
func TestBuildHonoursConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "course.yaml")
	writeFile(t, path, "lessons:\n  - id: a\n    scenes: [{id: s, layout: title, title: T, narration: Hi.}]\n")
	env, _, errb := testEnv(map[string]string{"TECNO_TEMPLATE": "modrn"})
	if code := runCLI(t, env, "build", path, "--cache-dir", t.TempDir()); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if want := `tecno: error: $TECNO_TEMPLATE: unknown template "modrn" (did you mean "modern"?)`; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q lacks %q", errb, want)
	}
	env, _, errb = testEnv(map[string]string{"TECNO_JOBS": "0"})
	if code := runCLI(t, env, "build", path); code != 2 || !strings.Contains(errb.String(), "$TECNO_JOBS must be a whole number of at least 1") {
		t.Errorf("TECNO_JOBS=0: exit %d, %s", code, errb)
	}
	env, _, errb = testEnv(nil)
	if code := runCLI(t, env, "build", path, "--jobs", "0"); code != 2 || !strings.Contains(errb.String(), "--jobs must be at least 1, got 0") {
		t.Errorf("--jobs 0: exit %d, %s", code, errb)
	}
}

func TestInit(t *testing.T) {
	for _, lang := range []string{"en-US", "pt-BR", "es-MX", "de-DE"} {
		t.Run(lang, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "course")
			env, out, errb := testEnv(nil)
			if code := runCLI(t, env, "init", dir, "--lang", lang, "--template", "education"); code != 0 {
				t.Fatalf("init exited %d: %s", code, errb)
			}
			if !strings.Contains(out.String(), "next: tecno build "+filepath.Join(dir, "course.yaml")) {
				t.Errorf("output: %s", out)
			}
			data, err := os.ReadFile(filepath.Join(dir, "course.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			if !strings.HasPrefix(text, "# yaml-language-server: $schema=course.schema.json\n") {
				t.Errorf("no schema line:\n%s", text)
			}
			for _, want := range []string{"language: " + lang, "template: education", "layout: bullets"} {
				if !strings.Contains(text, want) {
					t.Errorf("course lacks %q", want)
				}
			}
			greeting := map[string]string{"en-US": "Welcome", "pt-BR": "Olá", "es-MX": "Hola", "de-DE": "Welcome"}[lang]
			if !strings.Contains(text, greeting) {
				t.Errorf("%s course lacks %q", lang, greeting)
			}
			for _, f := range []string{"course.schema.json", ".gitignore"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
			env, out, errb = testEnv(nil)
			if code := runCLI(t, env, "validate", filepath.Join(dir, "course.yaml")); code != 0 {
				t.Fatalf("validate exited %d: %s", code, errb)
			}
			if !strings.Contains(out.String(), "ok (1 lessons, 3 scenes, 0 warnings)") {
				t.Errorf("validate: %s", out)
			}
		})
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "course.yaml"), "# mine\n")
	writeFile(t, filepath.Join(dir, ".gitignore"), "keep me\n")
	env, _, errb := testEnv(nil)
	if code := runCLI(t, env, "init", dir); code != 2 || !strings.Contains(errb.String(), "already exists; not overwriting it") {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "course.yaml")); string(data) != "# mine\n" {
		t.Error("course.yaml was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, "course.schema.json")); err == nil {
		t.Error("a refused init wrote course.schema.json")
	}
	env, _, errb = testEnv(nil)
	if code := runCLI(t, env, "init", dir, "--force"); code != 0 {
		t.Fatalf("--force exited %d: %s", code, errb)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); string(data) != "keep me\n" {
		t.Error(".gitignore was replaced")
	}
	for _, args := range [][]string{{"init", dir, "--force", "--lang", "english"}, {"init", dir, "--force", "--template", "nope"}, {"init", "a", "b"}} {
		env, _, errb = testEnv(nil)
		if code := runCLI(t, env, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, errb)
		}
	}
}
