package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/ffmpeg"
)

// testEnv returns an Env with captured output. Getenv answers from vars,
// and otherwise only PATH from the real process, so that the user's HOME,
// config file and TECNO_* variables never leak into a test.
func testEnv(vars map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	env := &Env{
		In:  strings.NewReader(""),
		Out: &out,
		Err: &errb,
		Getenv: func(k string) string {
			if v, ok := vars[k]; ok {
				return v
			}
			if k == "PATH" {
				return os.Getenv(k)
			}
			return ""
		},
		FFmpeg: ffmpeg.New(),
	}
	return env, &out, &errb
}

// runCLI runs tecno with args and returns the exit code.
func runCLI(t *testing.T, env *Env, args ...string) int {
	t.Helper()
	return Run(context.Background(), args, env)
}

// writeFile writes data to path, creating folders.
func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(dirOf(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}
