package main

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/testtool"
)

// TestInterrupt builds the real binary, starts a build, sends SIGINT
// (Ctrl-C) once the build is under way, and checks that tecno stops
// promptly with exit code 130, leaving no lesson files and no temporary
// files behind.
func TestInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "espeak-ng")
	goTool := testtool.Require(t, "go")

	dir := t.TempDir()
	bin := filepath.Join(dir, "tecno")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// Enough narration that the build runs for several seconds.
	var b strings.Builder
	b.WriteString("course:\n  title: Long\nlessons:\n  - id: long\n    scenes:\n")
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		b.WriteString("      - id: " + id + "\n        layout: title\n        title: Scene " + id + "\n        narration: >\n")
		for i := 0; i < 6; i++ {
			b.WriteString("          This sentence is here so that the narration takes a while to synthesize and encode.\n")
		}
	}
	course := filepath.Join(dir, "course.yaml")
	if err := os.WriteFile(course, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cacheDir := filepath.Join(dir, "cache")
	outDir := filepath.Join(dir, "out")

	cmd := exec.Command(bin, "build", course, "--jobs", "1", "--cache-dir", cacheDir, "-o", outDir)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the build has started its work, then let it run a moment.
	started := make(chan bool, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if !sent && strings.Contains(sc.Text(), "building 1 lesson(s)") {
				started <- true
				sent = true
			}
		}
		if !sent {
			started <- false
		}
	}()
	select {
	case ok := <-started:
		if !ok {
			cmd.Wait()
			t.Fatalf("the build never started:\n%s", log.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the build did not start within 60 s")
	}
	time.Sleep(time.Second)
	sentAt := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("the build ended before the signal: %v", err)
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("tecno did not stop within 15 s of SIGINT")
	}
	t.Logf("stopped %v after SIGINT", time.Since(sentAt).Round(time.Millisecond))
	var ee *exec.ExitError
	if !errors.As(waitErr, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, want exit code 130\n%s", waitErr, log.String())
	}
	if !strings.Contains(log.String(), "tecno: interrupted") {
		t.Errorf("stderr lacks \"tecno: interrupted\":\n%s", log.String())
	}

	// No lesson files, and no temporary files anywhere.
	if mp4s, _ := filepath.Glob(filepath.Join(outDir, "*.mp4")); len(mp4s) > 0 {
		t.Errorf("lesson files left after the interrupt: %v", mp4s)
	}
	for _, root := range []string{outDir, cacheDir, dir} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			name := d.Name()
			if strings.Contains(name, ".tmp") || strings.HasPrefix(name, "tmp") || strings.HasSuffix(name, ".part") {
				t.Errorf("temporary file left after the interrupt: %s", p)
			}
			return nil
		})
	}
	if strings.Contains(log.String(), "done:") {
		t.Fatalf("the build finished before the signal; make the course longer:\n%s", log.String())
	}
	// And no child process (ffmpeg, espeak-ng) outlived tecno.
	time.Sleep(200 * time.Millisecond)
	if left := processesMentioning(dir); len(left) > 0 {
		t.Errorf("child processes outlived tecno: %q", left)
	}
}

// processesMentioning lists the command lines (from /proc) that contain s.
func processesMentioning(s string) []string {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var out []string
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		line := strings.ReplaceAll(string(data), "\x00", " ")
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}
