package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/testtool"
)

// buildBinary compiles tecno once for tests that need a real process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tecno")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func killCourse(n int) string {
	var b strings.Builder
	b.WriteString("course:\n  title: Kill test\nlessons:\n  - id: k\n    title: Kill\n    scenes:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      - id: s%d\n        layout: bullets\n        title: Scene %d\n        bullets: [Alpha %d, Beta, Gamma]\n        narration: This is scene number %d. It has two sentences of narration.\n", i, i, i, i)
	}
	return b.String()
}

func sum(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(data))
}

// TestSIGKILLThenRebuild kills a build midway (no chance to clean up), then
// builds again: the result is complete and identical to a clean build, and
// no temporary file is left beside the outputs.
func TestSIGKILLThenRebuild(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "espeak-ng")
	bin := buildBinary(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "course.yaml"), []byte(killCourse(8)), 0o644)

	clean := filepath.Join(dir, "clean")
	if out, err := exec.Command(bin, "build", filepath.Join(dir, "course.yaml"), "-o", clean, "--cache-dir", filepath.Join(dir, "c-clean"), "-q").CombinedOutput(); err != nil {
		t.Fatalf("clean build: %v %s", err, out)
	}

	out := filepath.Join(dir, "out")
	cacheDir := filepath.Join(dir, "c")
	killed := false
	for _, delay := range []time.Duration{1500 * time.Millisecond, 700 * time.Millisecond, 300 * time.Millisecond} {
		cmd := exec.Command(bin, "build", filepath.Join(dir, "course.yaml"), "-o", out, "--cache-dir", cacheDir, "-q")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			// Finished before the kill: try sooner, from an empty cache.
			os.RemoveAll(cacheDir)
			os.RemoveAll(out)
			continue
		case <-time.After(delay):
		}
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		killed = true
		break
	}
	if !killed {
		t.Skip("the build always finished before it could be killed")
	}
	// Whatever the killed build left must be complete: outputs are renamed
	// into place only when whole.
	if _, err := os.Stat(filepath.Join(out, "k.mp4")); err == nil && sum(t, filepath.Join(out, "k.mp4")) != sum(t, filepath.Join(clean, "k.mp4")) {
		t.Fatal("a killed build left an incomplete lesson MP4")
	}
	if res, err := exec.Command(bin, "build", filepath.Join(dir, "course.yaml"), "-o", out, "--cache-dir", cacheDir, "-q").CombinedOutput(); err != nil {
		t.Fatalf("rebuild after kill: %v %s", err, res)
	}
	for _, ext := range []string{".mp4", ".srt", ".vtt", ".png"} {
		if sum(t, filepath.Join(out, "k"+ext)) != sum(t, filepath.Join(clean, "k"+ext)) {
			t.Errorf("k%s after kill+rebuild differs from a clean build", ext)
		}
	}
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left in the output folder: %s", e.Name())
		}
	}
}
