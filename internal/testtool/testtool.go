// Package testtool helps tests that need an external program. Locally a
// missing tool skips the test; under CI=true it fails it, so CI can never go
// green by skipping the real thing.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of the named program, or skips (locally) or fails
// (CI=true) the test when it is not installed.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required under CI=true but not on PATH; .ci/run must install it", name)
	}
	t.Skipf("%s not installed", name)
	return ""
}
