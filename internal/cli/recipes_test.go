package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// tecnoCommands returns every tecno command line in a shell script
// fragment, without redirections.
func tecnoCommands(script string) [][]string {
	var out [][]string
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		for _, part := range strings.Split(line, "&&") {
			part = strings.TrimSpace(part)
			if !strings.HasPrefix(part, "tecno ") {
				continue
			}
			if i := strings.IndexAny(part, ">|"); i >= 0 {
				part = part[:i]
			}
			out = append(out, strings.Fields(part)[1:])
		}
	}
	return out
}

// commandError parses a tecno command line against the real command
// tree: the command must exist, know every flag and accept the arguments.
func commandError(args []string) error {
	env, _, _ := testEnv(nil)
	root := NewRootCmd(env)
	cmd, rest, err := root.Find(args)
	if err != nil {
		return err
	}
	if cmd == root {
		return fmt.Errorf("no such command")
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return err
	}
	if cmd.Args != nil {
		return cmd.Args(cmd, cmd.Flags().Args())
	}
	return nil
}

func loadYAML(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "examples", "ci", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not valid YAML: %v", name, err)
	}
	return doc
}

func TestGitHubActionsRecipe(t *testing.T) {
	doc := loadYAML(t, "github-actions.yml")
	jobs, _ := doc["jobs"].(map[string]any)
	job, _ := jobs["build"].(map[string]any)
	steps, _ := job["steps"].([]any)
	if len(steps) == 0 {
		t.Fatal("no steps")
	}
	var runs []string
	var cache, upload map[string]any
	for _, s := range steps {
		step := s.(map[string]any)
		if r, ok := step["run"].(string); ok {
			runs = append(runs, r)
		}
		uses, _ := step["uses"].(string)
		with, _ := step["with"].(map[string]any)
		switch {
		case strings.HasPrefix(uses, "actions/cache@"):
			cache = with
		case strings.HasPrefix(uses, "actions/upload-artifact@"):
			upload = with
		}
	}
	all := strings.Join(runs, "\n")
	checkRecipe(t, all)
	if cache == nil || cache["path"] != ".tecno/cache" || !strings.Contains(cache["key"].(string), "hashFiles('course.yaml'") {
		t.Errorf("cache step %v: want path .tecno/cache and a key on the course.yaml hash", cache)
	}
	if upload == nil || !strings.Contains(upload["path"].(string), "out/") {
		t.Errorf("upload step %v: want out/ uploaded", upload)
	}
	if job["runs-on"] == nil {
		t.Error("no runs-on")
	}
}

func TestGitLabRecipe(t *testing.T) {
	doc := loadYAML(t, "gitlab-ci.yml")
	job, _ := doc["lessons"].(map[string]any)
	if job == nil {
		t.Fatal("no lessons job")
	}
	var lines []string
	for _, k := range []string{"before_script", "script", "after_script"} {
		list, _ := job[k].([]any)
		for _, l := range list {
			lines = append(lines, l.(string))
		}
	}
	checkRecipe(t, strings.Join(lines, "\n"))
	cache, _ := job["cache"].(map[string]any)
	paths, _ := cache["paths"].([]any)
	if cache["key"] == nil || len(paths) != 1 || paths[0] != ".tecno/cache" {
		t.Errorf("cache %v: want a key and the path .tecno/cache", cache)
	}
	arts, _ := job["artifacts"].(map[string]any)
	apaths, _ := arts["paths"].([]any)
	found := false
	for _, p := range apaths {
		found = found || p == "out/"
	}
	if !found {
		t.Errorf("artifacts %v: want out/", arts)
	}
}

// checkRecipe checks the shell lines of a recipe: dependencies installed,
// a JSON build, and every tecno command valid.
func checkRecipe(t *testing.T, script string) {
	t.Helper()
	if !strings.Contains(script, "apt-get install") || !strings.Contains(script, "ffmpeg") || !strings.Contains(script, "espeak-ng") {
		t.Error("ffmpeg and espeak-ng are not installed with apt-get")
	}
	if !strings.Contains(script, "go install github.com/tecno-video/tecno/cmd/tecno") {
		t.Error("tecno is not installed")
	}
	cmds := tecnoCommands(script)
	built := false
	for _, c := range cmds {
		if err := commandError(c); err != nil {
			t.Errorf("tecno %s: %v", strings.Join(c, " "), err)
		}
		if c[0] == "build" {
			built = true
			if !contains(c, "--json") {
				t.Errorf("tecno %s: no --json", strings.Join(c, " "))
			}
		}
	}
	if !built {
		t.Errorf("no tecno build among %q", cmds)
	}
	if !strings.Contains(script, "--json > events.ndjson") {
		t.Error("the events are not saved to a file")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCommandErrorCatchesMistakes(t *testing.T) {
	for _, bad := range [][]string{{"biuld", "course.yaml"}, {"build", "course.yaml", "--jsno"}, {"build"}} {
		if commandError(bad) == nil {
			t.Errorf("tecno %s passed the check", strings.Join(bad, " "))
		}
	}
	if err := commandError([]string{"build", "course.yaml", "--json", "-o", "dist"}); err != nil {
		t.Errorf("a good command failed the check: %v", err)
	}
}
