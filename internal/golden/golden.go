// Package golden compares test output with files under testdata/, and
// rewrites them when tests run with -update.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Assert compares got with testdata/<test name>.golden.
func Assert(t *testing.T, got []byte) {
	t.Helper()
	AssertFile(t, strings.ReplaceAll(t.Name(), "/", "__")+".golden", got)
}

// AssertFile compares got with testdata/name.
func AssertFile(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file %s (run go test -update): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("output differs from %s (run go test -update to accept):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
