// Package ffmpeg runs ffmpeg and ffprobe. Every invocation goes through one
// Runner, built on exec.CommandContext, so cancellation kills the child and a
// failure carries the command line and the tail of stderr. Argument lists are
// built by pure functions in args.go and pinned by golden tests.
package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/tecno-video/tecno/internal/fault"
)

// Runner runs ffmpeg and ffprobe binaries.
type Runner struct {
	FFmpeg  string // path or name of ffmpeg; default "ffmpeg"
	FFprobe string // path or name of ffprobe; default "ffprobe"

	once    sync.Once
	version string
	verErr  error
}

// New returns a Runner using the ffmpeg and ffprobe found on PATH.
func New() *Runner { return &Runner{FFmpeg: "ffmpeg", FFprobe: "ffprobe"} }

// Cmd describes one child process.
type Cmd struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	// ExtraFiles become fds 3, 4, … in the child (ffmpeg reads them as
	// pipe:3, pipe:4, …).
	ExtraFiles []*os.File
	// Background lowers the child's CPU priority (nice 5 on Unix): work
	// that many pieces wait on together, such as a lesson's music mix,
	// then gets the processor first.
	Background bool
}

// LookPath checks that both tools exist, returning a Dependency error with
// the install command otherwise.
func (r *Runner) LookPath() error {
	for _, name := range []string{r.ffmpeg(), r.ffprobe()} {
		if _, err := exec.LookPath(name); err != nil {
			return MissingError(name)
		}
	}
	return nil
}

// MissingError is the error for a missing ffmpeg or ffprobe.
func MissingError(name string) *fault.Error {
	return fault.New(fault.Dependency, "%s not found on PATH", name).
		WithHint("install it: sudo apt-get install -y ffmpeg   (macOS: brew install ffmpeg)").
		WithHint("then check with: tecno doctor")
}

func (r *Runner) ffmpeg() string {
	if r.FFmpeg == "" {
		return "ffmpeg"
	}
	return r.FFmpeg
}

func (r *Runner) ffprobe() string {
	if r.FFprobe == "" {
		return "ffprobe"
	}
	return r.FFprobe
}

// Run runs ffmpeg with c.Args (the leading program name excluded).
func (r *Runner) Run(ctx context.Context, c Cmd) error {
	return r.run(ctx, r.ffmpeg(), c)
}

// Probe runs ffprobe with args and returns its standard output.
func (r *Runner) Probe(ctx context.Context, args ...string) ([]byte, error) {
	var out bytes.Buffer
	err := r.run(ctx, r.ffprobe(), Cmd{Args: args, Stdout: &out})
	return out.Bytes(), err
}

// Output runs ffmpeg and returns its standard output.
func (r *Runner) Output(ctx context.Context, args []string, stdin io.Reader) ([]byte, error) {
	var out bytes.Buffer
	err := r.Run(ctx, Cmd{Args: args, Stdin: stdin, Stdout: &out})
	return out.Bytes(), err
}

func (r *Runner) run(ctx context.Context, prog string, c Cmd) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, prog, c.Args...)
	cmd.Stdin = c.Stdin
	cmd.Stdout = c.Stdout
	cmd.ExtraFiles = c.ExtraFiles
	tail := &tailBuffer{max: 8 << 10}
	cmd.Stderr = tail
	err := cmd.Start()
	if err == nil {
		if c.Background {
			lowerPriority(cmd.Process.Pid)
		}
		err = cmd.Wait()
	}
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.Error
	if errors.As(err, &ee) || (cmd.ProcessState == nil && errors.Is(err, fs.ErrNotExist)) {
		return MissingError(prog)
	}
	return &ExitError{Command: commandLine(prog, c.Args), Stderr: tail.lastLines(12), Err: err}
}

// ExitError is a failed child process.
type ExitError struct {
	Command string
	Stderr  string
	Err     error
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s failed (%v)", e.Command, e.Err)
	if e.Stderr != "" {
		msg += ":\n" + indent(e.Stderr)
	}
	return msg
}

func (e *ExitError) Unwrap() error { return e.Err }

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}

func commandLine(prog string, args []string) string {
	parts := []string{prog}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'$\\;|&<>()*?[]{}") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) lastLines(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimRight(string(t.buf), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var versionRE = regexp.MustCompile(`^ffmpeg version (\S+)`)

// Version returns the ffmpeg version string (e.g. "5.1.9-0+deb12u1"), for
// cache keys. It is computed once per Runner.
func (r *Runner) Version(ctx context.Context) (string, error) {
	r.once.Do(func() {
		out, err := r.Output(ctx, []string{"-hide_banner", "-version"}, nil)
		if err != nil {
			r.verErr = err
			return
		}
		first, _, _ := strings.Cut(string(out), "\n")
		m := versionRE.FindStringSubmatch(first)
		if m == nil {
			r.version = strings.TrimSpace(first)
			return
		}
		r.version = m[1]
	})
	return r.version, r.verErr
}

// Identity names the ffmpeg binary the Runner runs: its resolved path, size
// and modification time. It changes when ffmpeg is replaced or upgraded,
// so the version can be remembered under it instead of asked every run.
func (r *Runner) Identity() (string, error) {
	p, err := exec.LookPath(r.ffmpeg())
	if err != nil {
		return "", err
	}
	if p, err = filepath.EvalSymlinks(p); err != nil {
		return "", err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %d %d", p, fi.Size(), fi.ModTime().UnixNano()), nil
}
