package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/golden"
)

// sceneFixture copies testdata/scene/course.yaml (comments, blank lines,
// flow mappings, every scalar style) into a temporary folder.
func sceneFixture(t *testing.T) (path string, orig []byte) {
	t.Helper()
	orig, err := os.ReadFile(filepath.Join("testdata", "scene", "course.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "course.yaml")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, orig
}

// relPaths replaces the temporary course path in output with course.yaml.
func relPaths(b []byte, path string) []byte {
	return bytes.ReplaceAll(b, []byte(path), []byte("course.yaml"))
}

func TestSceneList(t *testing.T) {
	path, _ := sceneFixture(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"text", nil},
		{"json", []string{"--json"}},
		{"lesson", []string{"--lesson", "second"}},
		{"status_json", []string{"--status", "draft", "--json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, out, errb := testEnv(nil)
			if code := runCLI(t, env, append([]string{"scene", "list", path}, tc.args...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, errb)
			}
			golden.Assert(t, relPaths(out.Bytes(), path))
		})
	}
}

// TestSceneJSONFields pins the --json field names scripts rely on.
func TestSceneJSONFields(t *testing.T) {
	path, _ := sceneFixture(t)
	env, out, _ := testEnv(nil)
	if code := runCLI(t, env, "scene", "list", path, "--json"); code != 0 {
		t.Fatal(code)
	}
	var list struct {
		Course string           `json:"course"`
		Scenes []map[string]any `json:"scenes"`
	}
	if err := json.Unmarshal(out.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Scenes) != 5 {
		t.Fatalf("%d scenes", len(list.Scenes))
	}
	for _, k := range []string{"lesson", "id", "index", "layout", "template", "status", "words", "estimated_seconds", "comments"} {
		if _, ok := list.Scenes[0][k]; !ok {
			t.Errorf("list --json lacks %q", k)
		}
	}

	env, out, _ = testEnv(nil)
	if code := runCLI(t, env, "scene", "show", path, "code-sample", "--json"); code != 0 {
		t.Fatal(code)
	}
	var show map[string]any
	if err := json.Unmarshal(out.Bytes(), &show); err != nil {
		t.Fatal(err)
	}
	detail, _ := show["detail"].(map[string]any)
	if show["id"] != "code-sample" || show["lesson"] != "second" || detail == nil ||
		detail["narration"] != "Literal narration.\nTwo lines.\n" || detail["code_language"] != "go" || detail["notes"] != "keep this short" {
		t.Errorf("show --json: %s", out)
	}
}

func TestSceneShow(t *testing.T) {
	path, _ := sceneFixture(t)
	for _, id := range []string{"hello", "points", "code-sample"} {
		t.Run(id, func(t *testing.T) {
			env, out, errb := testEnv(nil)
			if code := runCLI(t, env, "scene", "show", path, id); code != 0 {
				t.Fatalf("exit %d: %s", code, errb)
			}
			golden.Assert(t, relPaths(out.Bytes(), path))
		})
	}
}

// TestSceneUnknownIDs checks every command on a misspelt id: exit code 2,
// a suggestion, and the file untouched.
func TestSceneUnknownIDs(t *testing.T) {
	path, orig := sceneFixture(t)
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"show", path, "pionts"}, `no scene with id "pionts" (did you mean "points"?)`},
		{[]string{"dup", path, "helo"}, `no scene with id "helo" (did you mean "hello"?)`},
		{[]string{"rm", path, "outro", "otro"}, `no scene with id "otro" (did you mean "outro"?)`},
		{[]string{"mv", path, "inlin", "--by", "1"}, `no scene with id "inlin" (did you mean "inline"?)`},
		{[]string{"approve", path, "hello", "code-sampel"}, `no scene with id "code-sampel" (did you mean "code-sample"?)`},
		{[]string{"comment", path, "xyz-nothing-like-it", "hi"}, `no scene with id "xyz-nothing-like-it"`},
		{[]string{"template", path, "helloo", "tech"}, `no scene with id "helloo" (did you mean "hello"?)`},
		{[]string{"add", path, "--lesson", "basic", "--title", "X"}, `no lesson with id "basic" (did you mean "basics"?)`},
		{[]string{"add", path, "--lesson", "basics", "--after", "pointz", "--title", "X"}, `no scene with id "pointz" (did you mean "points"?)`},
		{[]string{"list", path, "--lesson", "secnd"}, `no lesson with id "secnd" (did you mean "second"?)`},
		{[]string{"template", path, "hello", "modrn"}, `unknown template "modrn" (did you mean "modern"?)`},
		{[]string{"mv", path, "hello", "--by", "-1"}, `cannot move scene "hello" past the start of lesson "basics"`},
		{[]string{"mv", path, "hello", "--to", "9"}, `--to 9 is outside lesson "basics", which has 3 scenes`},
		{[]string{"mv", path, "hello"}, `give one of --by N or --to POS`},
		{[]string{"approve", path}, `name the scenes to approve`},
		{[]string{"add", path, "--lesson", "basics", "--layout", "bulets", "--title", "X"}, `unknown layout "bulets" (did you mean "bullets"?)`},
		{[]string{"list", path, "--status", "aproved"}, `unknown status "aproved"`},
		{[]string{"show", path}, `accepts 2 arg(s), received 1`},
		{[]string{"lst", path}, `unknown scene command "lst" (did you mean "list"?)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:1], "")+"_"+tt.args[len(tt.args)-1], func(t *testing.T) {
			env, out, errb := testEnv(nil)
			code := runCLI(t, env, append([]string{"scene"}, tt.args...)...)
			if code != 2 {
				t.Errorf("exit code %d, want 2 (stderr %s)", code, errb)
			}
			if !strings.Contains(errb.String(), tt.msg) {
				t.Errorf("stderr lacks %q:\n%s", tt.msg, errb)
			}
			if !strings.HasPrefix(errb.String(), "tecno: error: ") {
				t.Errorf("stderr: %s", errb)
			}
			if out.Len() != 0 {
				t.Errorf("stdout on error: %s", out)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
				t.Error("a failed command changed the file")
			}
		})
	}
}

// TestSceneEdits runs every editing command in turn and checks the
// result against a golden file: comments kept, minimal changes.
func TestSceneEdits(t *testing.T) {
	path, orig := sceneFixture(t)
	steps := []struct {
		args []string
		out  string
	}{
		{[]string{"approve", path, "hello", "points"}, "approved hello\napproved points\n"},
		{[]string{"comment", path, "inline", "Name the author in full.", "--request-changes", "--author", "ana"}, "commented on inline\n"},
		{[]string{"mv", path, "inline", "--to", "1"}, "inline is scene 1 of 3\n"},
		{[]string{"mv", path, "hello", "--by", "1"}, "hello is scene 3 of 3\n"},
		{[]string{"dup", path, "code-sample"}, "code-sample-2\n"},
		{[]string{"template", path, "code-sample-2", "tech"}, "code-sample-2 uses the tech template\n"},
		{[]string{"template", path, "code-sample-2", "--inherit"}, "code-sample-2 uses the modern template\n"},
		{[]string{"rm", path, "code-sample-2"}, "deleted code-sample-2\n"},
		{[]string{"add", path, "--lesson", "second", "--after", "code-sample", "--title", "Recap", "--bullet", "One file", "--bullet", "One command", "--narration", "To recap."}, "recap\n"},
		{[]string{"approve", path, "--lesson", "second"}, "approved code-sample\napproved recap\napproved outro\n"},
	}
	for _, s := range steps {
		env, out, errb := testEnv(nil)
		if code := runCLI(t, env, append([]string{"scene"}, s.args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", s.args, code, errb)
		}
		if out.String() != s.out {
			t.Errorf("%v: stdout %q, want %q", s.args, out, s.out)
		}
	}
	got, _ := os.ReadFile(path)
	got = regexp.MustCompile(`time: "[^"]+"`).ReplaceAll(got, []byte(`time: "TIME"`))
	golden.Assert(t, got)
	for _, l := range strings.Split(string(orig), "\n") {
		if strings.Contains(l, "#") && !strings.Contains(string(got), l) {
			t.Errorf("comment line lost: %q", l)
		}
	}
	c, err := course.Load(path)
	if err != nil {
		t.Fatalf("edited file does not load: %v", err)
	}
	var ids []string
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			ids = append(ids, s.ID+":"+s.Status)
		}
	}
	want := "inline:changes-requested points:approved hello:approved code-sample:approved recap:approved outro:approved"
	if g := strings.Join(ids, " "); g != want {
		t.Errorf("scenes %s\nwant   %s", g, want)
	}
}

func TestStats(t *testing.T) {
	path, _ := sceneFixture(t)
	// Approve one scene so progress shows.
	env, _, _ := testEnv(nil)
	if code := runCLI(t, env, "scene", "approve", path, "points"); code != 0 {
		t.Fatal(code)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"text", nil},
		{"json", []string{"--json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, out, errb := testEnv(nil)
			args := append([]string{"stats", path, "--no-cache"}, tc.args...)
			if code := runCLI(t, env, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errb)
			}
			golden.Assert(t, relPaths(out.Bytes(), path))
		})
	}
	// Without a cache folder nothing is created and lengths are estimates.
	env, out, errb := testEnv(nil)
	if code := runCLI(t, env, "stats", path); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "~") {
		t.Errorf("no estimate marks:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), ".tecno")); err == nil {
		t.Error("stats created a cache folder")
	}
}

// TestRequireApproved checks the review gate of tecno build: exit code 5
// with one line per scene that is not approved, then a pass once all are.
func TestRequireApproved(t *testing.T) {
	path, _ := sceneFixture(t)
	env, out, errb := testEnv(nil)
	code := runCLI(t, env, "build", path, "--require-approved", "--dry-run")
	if code != 5 {
		t.Fatalf("exit %d, want 5: %s", code, errb)
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	var errs []string
	for _, l := range lines {
		if strings.HasPrefix(l, "tecno: error: ") {
			errs = append(errs, strings.TrimPrefix(strings.ReplaceAll(l, path, "course.yaml"), "tecno: error: "))
		}
	}
	want := []string{
		`course.yaml:17:9: scene "hello" of lesson "basics" is not approved (draft)`,
		`course.yaml:32:17: scene "points" of lesson "basics" is not approved (draft)`,
		`course.yaml:34:9: scene "inline" of lesson "basics" is not approved (draft)`,
		`course.yaml:39:7: scene "code-sample" of lesson "second" is not approved (draft)`,
		`course.yaml:51:7: scene "outro" of lesson "second" is not approved (draft)`,
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(errb.String(), "tecno: hint: 5 of 5 scenes are not approved") {
		t.Errorf("no summary hint:\n%s", errb)
	}
	if out.Len() != 0 {
		t.Errorf("stdout: %s", out)
	}

	// Only the selected lessons count.
	env, _, _ = testEnv(nil)
	runCLI(t, env, "scene", "approve", path, "--lesson", "second")
	env, _, errb = testEnv(nil)
	if code := runCLI(t, env, "build", path, "--require-approved", "--dry-run", "--lesson", "second"); code != 0 {
		t.Errorf("lesson second is approved, exit %d: %s", code, errb)
	}
	env, _, errb = testEnv(nil)
	if code := runCLI(t, env, "build", path, "--require-approved", "--dry-run"); code != 5 || strings.Count(errb.String(), "tecno: error:") != 3 {
		t.Errorf("exit %d, want 5 with 3 scenes: %s", code, errb)
	}
	env, _, _ = testEnv(nil)
	runCLI(t, env, "scene", "approve", path, "--all")
	env, _, errb = testEnv(nil)
	if code := runCLI(t, env, "build", path, "--require-approved", "--dry-run"); code != 0 {
		t.Errorf("all approved, exit %d: %s", code, errb)
	}
}

func TestReviewNeedsTerminal(t *testing.T) {
	path, _ := sceneFixture(t)
	env, _, errb := testEnv(nil)
	if code := runCLI(t, env, "review", path); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), "needs an interactive terminal") || !strings.Contains(errb.String(), "tecno scene list") {
		t.Errorf("stderr: %s", errb)
	}
}
