package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/testtool"
)

func TestRunFailureCarriesCommandAndStderr(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	r := New()
	err := r.Run(context.Background(), Cmd{Args: []string{"-v", "error", "-i", "/nonexistent/in put.wav", "-f", "null", "-"}})
	var ee *ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("want *ExitError, got %T %v", err, err)
	}
	msg := err.Error()
	for _, want := range []string{"ffmpeg", `"/nonexistent/in put.wav"`, "No such file"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestMissingBinaryIsDependencyError(t *testing.T) {
	r := &Runner{FFmpeg: "/nonexistent/ffmpeg", FFprobe: "/nonexistent/ffprobe"}
	err := r.Run(context.Background(), Cmd{Args: []string{"-version"}})
	if fault.KindOf(err) != fault.Dependency {
		t.Fatalf("kind = %v, want dependency (%v)", fault.KindOf(err), err)
	}
	if err := r.LookPath(); fault.KindOf(err) != fault.Dependency || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("LookPath: %v", err)
	}
	var fe *fault.Error
	errors.As(r.LookPath(), &fe)
	if len(fe.Hints) == 0 || !strings.Contains(fe.Hints[0], "apt-get install") {
		t.Fatalf("missing install hint: %v", fe.Hints)
	}
}

func TestCancelKillsChild(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		// An endless source: only cancellation stops it.
		done <- New().Run(ctx, Cmd{Args: []string{"-v", "error", "-re", "-f", "lavfi", "-i", "sine", "-f", "null", "-"}})
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("want context.Canceled, got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ffmpeg still running 10 s after cancel")
	}
}

func TestVersion(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	v, err := New().Version(context.Background())
	if err != nil || v == "" || strings.Contains(v, " ") {
		t.Fatalf("version %q, %v", v, err)
	}
}

func TestIdentityChangesWhenTheBinaryIsReplaced(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "ffmpeg")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho 'ffmpeg version 1'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := &Runner{FFmpeg: bin}
	a, err := r.Identity()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := r.Identity(); b != a {
		t.Fatalf("identity not stable: %q then %q", a, b)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho 'ffmpeg version 22'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if b, _ := r.Identity(); b == a {
		t.Fatalf("identity %q did not change when the binary did", a)
	}
	if _, err := (&Runner{FFmpeg: filepath.Join(dir, "missing")}).Identity(); err == nil {
		t.Fatal("no error for a missing binary")
	}
}

// A background child runs 5 nice steps below tecno; others at tecno's
// priority.
func TestBackgroundLowersPriority(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("priority is only lowered on Linux")
	}
	self, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	// Field 19 (after the parenthesised command name, field 17).
	fields := strings.Fields(string(self[bytes.LastIndexByte(self, ')')+1:]))
	base, _ := strconv.Atoi(fields[16])
	dir := t.TempDir()
	bin := filepath.Join(dir, "ffmpeg")
	// Prints its own nice value (field 19 of /proc/self/stat) after a
	// moment, so the parent has set it.
	script := "#!/bin/sh\nsleep 0.2\ncut -d' ' -f19 /proc/$$/stat\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := &Runner{FFmpeg: bin}
	for _, bg := range []bool{false, true} {
		var out strings.Builder
		if err := r.Run(context.Background(), Cmd{Stdout: &out, Background: bg}); err != nil {
			t.Fatal(err)
		}
		want := strconv.Itoa(base)
		if bg {
			want = strconv.Itoa(min(base+5, 19))
		}
		if got := strings.TrimSpace(out.String()); got != want {
			t.Errorf("background=%v: nice %q, want %s", bg, got, want)
		}
	}
}
