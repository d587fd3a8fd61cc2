package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

const completionCourse = `course:
  title: Completion
lessons:
  - id: intro
    title: Introduction
    scenes:
      - id: welcome
        layout: title
        title: Welcome
      - id: why
        layout: title
        title: Why
  - id: deep
    title: Deep dive
    scenes:
      - id: details
        layout: title
        title: Details
`

// complete runs tecno __complete with args and returns the candidates
// (values only) and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	env, out, errb := testEnv(nil)
	if code := runCLI(t, env, append([]string{"__complete"}, args...)...); code != 0 {
		t.Fatalf("__complete %q exited %d: %s", args, code, errb)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var vals []string
	for _, l := range lines[:len(lines)-1] {
		v, _, _ := strings.Cut(l, "\t")
		vals = append(vals, v)
	}
	return vals, lines[len(lines)-1]
}

func TestCompletion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "course.yaml")
	writeFile(t, path, completionCourse)
	tests := []struct {
		name      string
		args      []string
		want      []string
		directive string
	}{
		{"scene show ids", []string{"scene", "show", path, ""}, []string{"welcome", "why", "details"}, ":4"},
		{"scene show prefix", []string{"scene", "show", path, "w"}, []string{"welcome", "why"}, ":4"},
		{"scene rm skips given", []string{"scene", "rm", path, "why", ""}, []string{"welcome", "details"}, ":4"},
		{"scene add --after", []string{"scene", "add", path, "--lesson", "intro", "--after", ""}, []string{"welcome", "why", "details"}, ":4"},
		{"build --lesson", []string{"build", path, "--lesson", ""}, []string{"intro", "deep"}, ":4"},
		{"build course file", []string{"build", ""}, []string{"yaml", "yml"}, ":8"},
		{"init --template", []string{"init", "--template", ""}, []string{"corporate", "education", "minimal", "modern", "tech"}, ":4"},
		{"scene template name", []string{"scene", "template", path, "why", "m"}, []string{"minimal", "modern"}, ":4"},
		{"scene add --layout", []string{"scene", "add", path, "--layout", "i"}, []string{"image", "image-text"}, ":4"},
		{"doctor --course", []string{"doctor", "--course", ""}, []string{"yaml", "yml"}, ":8"},
		{"completion shells", []string{"completion", ""}, []string{"bash", "fish", "powershell", "zsh"}, ":4"},
		{"broken course", []string{"scene", "show", filepath.Join(t.TempDir(), "missing.yaml"), ""}, nil, ":4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, dir := complete(t, tt.args...)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") || dir != tt.directive {
				t.Errorf("got %q %s, want %q %s", got, dir, tt.want, tt.directive)
			}
		})
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "# bash completion V2 for tecno",
		"zsh":        "#compdef tecno",
		"fish":       "# fish completion for tecno",
		"powershell": "Register-ArgumentCompleter",
	} {
		env, out, _ := testEnv(nil)
		if code := runCLI(t, env, "completion", shell); code != 0 {
			t.Fatalf("completion %s exited %d", shell, code)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("completion %s lacks %q", shell, want)
		}
	}
	env, _, errb := testEnv(nil)
	if code := runCLI(t, env, "completion", "tcsh"); code == 0 {
		t.Errorf("completion tcsh succeeded: %s", errb)
	}
}

func TestArgWords(t *testing.T) {
	root := NewRootCmd(func() *Env { e, _, _ := testEnv(nil); return e }())
	for use, want := range map[string]string{
		"show COURSE.yaml SCENE":                        "COURSE.yaml SCENE",
		"add COURSE.yaml --lesson ID [flags]":           "COURSE.yaml",
		"mv COURSE.yaml SCENE (--by N | --to POS)":      "COURSE.yaml SCENE",
		"template COURSE.yaml SCENE (NAME | --inherit)": "COURSE.yaml SCENE NAME",
		"approve COURSE.yaml [SCENE...]":                "COURSE.yaml SCENE...",
		"init [DIR]":                                    "DIR",
		"doctor":                                        "",
	} {
		root.Use = use
		if got := strings.Join(argWords(root), " "); got != want {
			t.Errorf("argWords(%q) = %q, want %q", use, got, want)
		}
	}
}
