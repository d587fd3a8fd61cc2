// Package cli wires tecno's cobra commands to the core packages. Each command
// lives in its own file with an options struct and a run function; the
// commands hold no pipeline logic of their own.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
)

// Version and Commit are set at link time (-ldflags -X).
var (
	Version = "dev"
	Commit  = "none"
)

// Env is what a command may touch of the outside world. Tests build their
// own.
type Env struct {
	In     io.Reader
	Out    io.Writer // results
	Err    io.Writer // progress, warnings, errors
	Getenv func(string) string
	// ErrIsTerminal reports whether Err is an interactive terminal (live
	// progress is drawn only there).
	ErrIsTerminal bool
	FFmpeg        *ffmpeg.Runner
}

// System returns the Env of the real process.
func System() *Env {
	ff := ffmpeg.New()
	// TECNO_FFMPEG and TECNO_FFPROBE select other builds of the tools.
	if p := os.Getenv("TECNO_FFMPEG"); p != "" {
		ff.FFmpeg = p
	}
	if p := os.Getenv("TECNO_FFPROBE"); p != "" {
		ff.FFprobe = p
	}
	return &Env{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv,
		ErrIsTerminal: isTerminal(os.Stderr),
		FFmpeg:        ff,
	}
}

// memoryLimit is the soft heap limit a build runs under unless GOMEMLIMIT
// says otherwise: the garbage collector works harder near it, which keeps
// peak memory flat however long the course is (frames are the big
// allocations, and only --jobs of them are alive at once).
const memoryLimit = 96 << 20

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Main runs tecno with args and returns the process exit code. Ctrl-C
// cancels the root context, which stops child processes (ffmpeg, TTS
// engines), and yields exit code 130.
func Main(args []string, env *Env) int {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	// TECNO_CPUPROFILE writes a Go CPU profile of the command, for
	// performance work (docs/performance.md).
	if p := os.Getenv("TECNO_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer func() { pprof.StopCPUProfile(); f.Close() }()
			}
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, env)
}

// Run is Main without signal handling, for tests.
func Run(ctx context.Context, args []string, env *Env) int {
	root := NewRootCmd(env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	if ctx.Err() != nil && fault.KindOf(err) == fault.Internal {
		err = context.Canceled
	}
	var silent *silentError
	if !errors.As(err, &silent) {
		PrintError(env.Err, err)
	}
	return fault.KindOf(err).ExitCode()
}

// silentError has already been reported (for example as a JSON event).
type silentError struct{ error }

func (s *silentError) Unwrap() error { return s.error }

// PrintError writes err for a person: one "tecno: error:" line per problem
// and the hints that say what to do next.
func PrintError(w io.Writer, err error) {
	var list fault.List
	if errors.As(err, &list) {
		for _, e := range list {
			printOne(w, e)
		}
		return
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(w, "tecno: interrupted")
		return
	}
	printOne(w, err)
}

func printOne(w io.Writer, err error) {
	var fe *fault.Error
	msg := err.Error()
	lines := strings.Split(msg, "\n")
	fmt.Fprintf(w, "tecno: error: %s\n", lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "  %s\n", l)
	}
	if errors.As(err, &fe) {
		for _, h := range fe.Hints {
			fmt.Fprintf(w, "tecno: hint: %s\n", h)
		}
	}
}

// NewRootCmd builds the command tree.
func NewRootCmd(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "tecno",
		Short: "Turn course material into narrated lesson videos",
		Long: `tecno turns a course file (course.yaml) or a slide deck, handout or PDF into
narrated lesson videos, on your own machine: offline voices by default,
ffmpeg for assembly, an MP4 per lesson with subtitles, chapters and a
thumbnail.`,
		Example: `  tecno build examples/intro/course.yaml
  tecno validate course.yaml
  tecno ingest deck.pptx -o course.yaml`,
		Version:       fmt.Sprintf("%s (commit %s)", Version, Commit),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(env.Out)
	root.SetErr(env.Err)
	root.SetIn(env.In)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fault.New(fault.Input, "%v", err).WithHint("see: %s --help", c.CommandPath())
	})
	root.AddCommand(
		newBuildCmd(env),
		newIngestCmd(env),
		newVoicesCmd(env),
		newValidateCmd(env),
		newCacheCmd(env),
		newSchemaCmd(env),
		newDoctorCmd(env),
		newConfigCmd(env),
		newInitCmd(env),
		newCompletionCmd(env),
		newReviewCmd(env),
		newSceneCmd(env),
		newStatsCmd(env),
		newScriptCmd(env),
	)
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	catchUnknownCommands(root)
	addCompletions(root)
	return root
}

// wrapArgs turns cobra's argument-count errors into usage errors (exit 2).
func wrapArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	if v == nil {
		return nil
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return fault.New(fault.Input, "%v", err).WithHint("usage: %s", cmd.UseLine())
		}
		return nil
	}
}
