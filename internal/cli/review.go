package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/tui"
)

type reviewOptions struct {
	env       *Env
	course    string
	cacheDir  string
	author    string
	logFile   string
	noPreview bool
}

func (o *reviewOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.cacheDir, "cache-dir", "", "cache folder (default: $TECNO_CACHE_DIR, else .tecno/cache beside the course)")
	fs.StringVar(&o.author, "author", "", "name on your review comments (default: $TECNO_AUTHOR, else $USER)")
	fs.StringVar(&o.logFile, "log", "", "log file (default: .tecno/review.log beside the course)")
	fs.BoolVar(&o.noPreview, "no-preview", false, "do not draw the frame preview")
}

func newReviewCmd(env *Env) *cobra.Command {
	o := &reviewOptions{env: env}
	cmd := &cobra.Command{
		Use:   "review COURSE.yaml",
		Short: "Walk through the scenes in a terminal UI: read, fix, reorder, approve",
		Long: `Review opens the course in a terminal workspace. The scene list shows each
scene's review status, whether the build cache holds it, and its length. The
details show a preview of the rendered frame and the scene's text.

Keys: a approve, c request changes with a comment, e edit the narration (E in
$EDITOR), J/K move the scene, d duplicate, x delete, t template, p play the
narration, s re-synthesize it, u undo, w save, ? help, q quit.

Edits stay in memory until you save. Saving keeps your comments, key order and
blank lines, changes only what you edited, and refuses to overwrite a file
that changed on disk meanwhile. Logs go to .tecno/review.log.`,
		Example: `  tecno review examples/intro/course.yaml
  NO_COLOR=1 tecno review course.yaml   # text description instead of a picture`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runReview(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runReview(ctx context.Context, o *reviewOptions) error {
	in, inOK := o.env.In.(*os.File)
	out, outOK := o.env.Out.(*os.File)
	if !inOK || !outOK || !isTerminal(in) || !isTerminal(out) {
		return fault.New(fault.Input, "tecno review needs an interactive terminal").
			WithHint("in scripts, use the scene commands: tecno scene list %s", o.course)
	}
	doc, err := course.LoadDocument(o.course)
	if err != nil {
		return err
	}
	c := doc.Course()
	logw, closeLog, err := openReviewLog(o.logFile, c.Dir)
	if err != nil {
		return err
	}
	defer closeLog()
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Info("review started", "course", o.course)
	// The terminal belongs to the UI: anything logged through the default
	// loggers goes to the file too.
	prev := slog.Default()
	slog.SetDefault(log)
	defer slog.SetDefault(prev)

	opts := reviewTUIOptions(o.env, doc, o.cacheDir, log)
	opts.Author = commentAuthor(o.author, o.env)
	opts.NoPreview = o.noPreview

	m := tui.New(opts)
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	_, err = p.Run()
	m.Close()
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, tea.ErrProgramKilled) {
			return context.Canceled
		}
		log.Error("review ended", "err", err)
		return err
	}
	if m.Document().Dirty() {
		log.Info("quit without saving")
	}
	log.Info("review ended")
	return nil
}

// reviewTUIOptions wires the review UI to the build cache, the narration
// engines, a player and an editor.
func reviewTUIOptions(env *Env, doc *course.Document, cacheFlag string, log *slog.Logger) tui.Options {
	opts := tui.Options{
		Doc:      doc,
		Profile:  tui.DetectProfile(env.Getenv),
		Graphics: tui.DetectGraphics(env.Getenv),
		Editor:   firstNonEmpty(env.Getenv("VISUAL"), env.Getenv("EDITOR")),
		Player:   findPlayer(),
		Log:      log,
	}
	reg := newRegistry(env)
	store, err := cache.Open(cacheDirFor(cacheFlag, env, doc.Course().Dir))
	if err != nil {
		log.Warn("no cache: durations are estimates and s is off", "err", err)
		return opts
	}
	opts.Status = statusFunc(env, store, reg)
	opts.Synthesize = func(ctx context.Context, c *course.Course, id string) (build.SceneState, error) {
		return build.SynthesizeScene(ctx, build.Options{Course: c, Cache: store, FFmpeg: env.FFmpeg, Providers: reg}, id)
	}
	return opts
}

func statusFunc(env *Env, store *cache.Cache, reg *narrate.Registry) func(context.Context, *course.Course) (map[string]build.SceneState, error) {
	return func(ctx context.Context, c *course.Course) (map[string]build.SceneState, error) {
		return build.SceneStatus(ctx, build.Options{Course: c, Cache: store, FFmpeg: env.FFmpeg, Providers: reg})
	}
}

// findPlayer returns the command that plays a WAV file: ffplay without a
// window, else aplay; nil when neither is installed.
func findPlayer() []string {
	if p, err := exec.LookPath("ffplay"); err == nil {
		return []string{p, "-nodisp", "-autoexit", "-loglevel", "error"}
	}
	if p, err := exec.LookPath("aplay"); err == nil {
		return []string{p, "-q"}
	}
	return nil
}

// commentAuthor names the author of review comments: the flag, then
// $TECNO_AUTHOR, then git's user.name, then the login name.
func commentAuthor(flag string, env *Env) string {
	if a := firstNonEmpty(flag, env.Getenv("TECNO_AUTHOR")); a != "" {
		return a
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "git", "config", "user.name").Output(); err == nil {
		if name := strings.TrimSpace(string(out)); name != "" {
			return name
		}
	}
	return firstNonEmpty(env.Getenv("USER"), env.Getenv("USERNAME"))
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// openReviewLog opens the review log for appending: the flag's file, or
// .tecno/review.log beside the course. The terminal belongs to the UI, so
// nothing is logged there.
func openReviewLog(flag, courseDir string) (io.Writer, func(), error) {
	p := flag
	if p == "" {
		p = filepath.Join(courseDir, ".tecno", "review.log")
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, nil, fault.New(fault.Input, "cannot create the log folder: %v", err).WithHint("choose a log file with --log FILE")
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fault.New(fault.Input, "cannot open log file: %v", err).WithHint("choose a log file with --log FILE")
	}
	return f, func() { f.Close() }, nil
}
