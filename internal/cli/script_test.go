package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

const scriptCourse = `# A course for tecno script.
version: 1
course:
  title: Caching
  language: en-US
lessons:
  - id: l1
    title: Caches
    scenes:
      - id: intro
        layout: title
        title: Why caches matter
        subtitle: Builds in 3.5 s, e.g. after an edit
      - id: kept
        layout: bullets
        title: Kept
        bullets: [One, Two]
        narration: Hand-written and approved.
        status: approved
      - id: points
        layout: bullets
        title: Points
        bullets:
          - Hash every input → key
          - Reuse ≥ 90% of the work
`

func writeScriptCourse(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "course.yaml")
	writeFile(t, p, scriptCourse+extra)
	return p
}

func TestScriptDiffWritesNothing(t *testing.T) {
	p := writeScriptCourse(t, "")
	before, _ := os.ReadFile(p)
	env, out, errb := testEnv(nil)
	if code := runCLI(t, env, "script", p, "--diff"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	after, _ := os.ReadFile(p)
	if string(before) != string(after) {
		t.Error("--diff wrote the course file")
	}
	d := out.String()
	for _, want := range []string{"--- a/course.yaml", "+++ b/course.yaml",
		"+        narration: Welcome to Why caches matter. Builds in 3 point 5 s, for example after an edit.",
		"+        status: draft", "First, Hash every input to key. Finally, Reuse is greater than or equal to 90 percent of the work."} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "Hand-written") {
		t.Errorf("the approved scene is in the diff:\n%s", d)
	}
	if !strings.Contains(errb.String(), "kept") || !strings.Contains(errb.String(), "approved; --force replaces it") {
		t.Errorf("summary lacks the skipped scene: %s", errb)
	}
}

func TestScriptWritesDrafts(t *testing.T) {
	p := writeScriptCourse(t, "")
	env, out, errb := testEnv(nil)
	if code := runCLI(t, env, "script", p); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	data, _ := os.ReadFile(p)
	s := string(data)
	if !strings.HasPrefix(s, "# A course for tecno script.") || strings.Count(s, "status: draft") != 2 || !strings.Contains(s, "narration: Hand-written and approved.") {
		t.Errorf("course after script:\n%s", s)
	}
	if !strings.Contains(out.String(), "2 written, 0 unchanged, 1 skipped") || !strings.Contains(out.String(), "wrote "+p) {
		t.Errorf("output: %s", out)
	}
	env, _, errb = testEnv(nil)
	if code := runCLI(t, env, "validate", p); code != 0 {
		t.Errorf("validate after script: exit %d: %s", code, errb)
	}
	// --force replaces approved narration, and says so.
	env, out, _ = testEnv(nil)
	if code := runCLI(t, env, "script", p, "--scene", "kept", "--force", "--json"); code != 0 {
		t.Fatal(code)
	}
	var res struct {
		Written int  `json:"written"`
		Saved   bool `json:"saved"`
		Scenes  []struct {
			Scene    string `json:"scene"`
			Replaced bool   `json:"replaced_approved"`
		} `json:"scenes"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Written != 1 || !res.Saved || len(res.Scenes) != 1 || !res.Scenes[0].Replaced {
		t.Errorf("json: %+v", res)
	}
}

func TestScriptUsageErrors(t *testing.T) {
	p := writeScriptCourse(t, "")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--provider", "opnai"}, 2, `unknown script provider "opnai" (did you mean "openai"?)`},
		{[]string{"--model", "gpt-4o"}, 2, "--model applies to --provider openai only"},
		{[]string{"--scene", "pionts"}, 2, `(did you mean "points"?)`},
		{[]string{"--provider", "openai"}, 4, "OPENAI_API_KEY is not set"},
		{[]string{"--provider", "openai", "--temperature", "5"}, 2, "temperature 5 is out of range"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			env, _, errb := testEnv(nil)
			if code := runCLI(t, env, append([]string{"script", p}, tt.args...)...); code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errb)
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr lacks %q: %s", tt.want, errb)
			}
		})
	}
	fr := writeScriptCourse(t, "")
	data, _ := os.ReadFile(fr)
	os.WriteFile(fr, []byte(strings.Replace(string(data), "language: en-US", "language: fr-FR", 1)), 0o644)
	env, _, errb := testEnv(nil)
	if code := runCLI(t, env, "script", fr); code != 2 || !strings.Contains(errb.String(), "--provider openai") {
		t.Errorf("French course: exit %d: %s", code, errb)
	}
}

// TestScriptOpenAICompatible runs the chat writer against a local
// stand-in, as with Ollama: TECNO_OPENAI_BASE_URL, no key.
func TestScriptOpenAICompatible(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "" || !strings.Contains(string(body), `"model":"llama3.2"`) {
			http.Error(w, "bad request", 400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"model":"llama3.2","choices":[{"index":0,"message":{"role":"assistant","content":"Caches skip work you already did."},"finish_reason":"stop"}],"usage":{"prompt_tokens":250,"completion_tokens":9,"total_tokens":259}}`)
	}))
	defer srv.Close()
	p := writeScriptCourse(t, "")
	vars := map[string]string{"TECNO_OPENAI_BASE_URL": srv.URL + "/v1"}
	env, out, errb := testEnv(vars)
	if code := runCLI(t, env, "script", p, "--provider", "openai", "--model", "llama3.2"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "llama3.2: 500 prompt + 18 completion tokens, est. $0.0000") || !strings.Contains(out.String(), "custom endpoint") {
		t.Errorf("output: %s", out)
	}
	data, _ := os.ReadFile(p)
	if strings.Count(string(data), "narration: Caches skip work you already did.") != 2 {
		t.Errorf("course:\n%s", data)
	}
	// Again, with --force on the whole course: the two answers come from
	// the cache; only the approved scene is asked for.
	env, out, _ = testEnv(vars)
	if code := runCLI(t, env, "script", p, "--provider", "openai", "--model", "llama3.2", "--force", "--diff"); code != 0 {
		t.Fatal(code)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 3", calls.Load())
	}
	// --offline serves cached answers, and refuses before any request
	// for the others (another model: nothing cached).
	env, _, errb = testEnv(vars)
	if code := runCLI(t, env, "script", p, "--provider", "openai", "--model", "llama3.2", "--offline", "--force", "--diff"); code != 0 {
		t.Errorf("offline with every answer cached: exit %d: %s", code, errb)
	}
	env, _, errb = testEnv(vars)
	if code := runCLI(t, env, "script", p, "--provider", "openai", "--model", "qwen2.5", "--offline"); code != 2 || !strings.Contains(errb.String(), "--offline") {
		t.Errorf("offline: exit %d: %s", code, errb)
	}
	if calls.Load() != 3 {
		t.Errorf("--offline made a request")
	}
}

func TestScriptDryRun(t *testing.T) {
	p := writeScriptCourse(t, "")
	data, _ := os.ReadFile(p)
	withAvatar := strings.Replace(string(data), "  language: en-US\n", "  language: en-US\n  avatar: {provider: d-id, image: 'https://example.com/a.jpg'}\n", 1)
	withAvatar = strings.Replace(withAvatar, "        title: Points\n", "        title: Points\n        narration: "+strings.Repeat("word ", 150)+"\n", 1)
	os.WriteFile(p, []byte(withAvatar), 0o644)
	env, out, errb := testEnv(map[string]string{"OPENAI_API_KEY": "sk-x"})
	if code := runCLI(t, env, "script", p, "--provider", "openai", "--dry-run", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	var res struct {
		DryRun bool `json:"dry_run"`
		Script struct {
			Provider     string  `json:"provider"`
			Scenes       int     `json:"scenes"`
			Skipped      int     `json:"skipped"`
			PromptTokens int     `json:"prompt_tokens"`
			Cost         float64 `json:"estimated_cost_usd"`
		} `json:"script"`
		Avatars []struct {
			Provider string  `json:"provider"`
			Scenes   int     `json:"scenes"`
			Seconds  float64 `json:"seconds"`
			Credits  int     `json:"credits"`
			Cost     float64 `json:"estimated_cost_usd"`
		} `json:"avatars"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !res.DryRun || res.Script.Provider != "openai" || res.Script.Scenes != 2 || res.Script.Skipped != 1 || res.Script.PromptTokens < 300 || res.Script.Cost <= 0 {
		t.Errorf("script estimate: %+v", res.Script)
	}
	// Two narrated scenes: 150 words (60 s) and 3 words (1.2 s).
	if len(res.Avatars) != 1 || res.Avatars[0].Provider != "d-id" || res.Avatars[0].Scenes != 2 || res.Avatars[0].Seconds != 61.2 ||
		res.Avatars[0].Credits != 5 || res.Avatars[0].Cost != 1.63 {
		t.Errorf("avatar estimate: %+v", res.Avatars)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(p), ".tecno")); err == nil {
		t.Error("--dry-run created the cache folder")
	}
	env, out, _ = testEnv(nil)
	if code := runCLI(t, env, "script", p, "--dry-run"); code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{"SCRIPT WRITER", "offline", "no API calls", "AVATAR", "d-id", "61.2", "$1.63", "total: $1.63"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
}
