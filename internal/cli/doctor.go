package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/doctor"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/render"
)

type doctorOptions struct {
	env    *Env
	course string
	json   bool
}

func (o *doctorOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.course, "course", "", "check for this course: its language's fonts, its voices' programs and keys, its cache folder")
	fs.BoolVar(&o.json, "json", false, "print NDJSON events on stdout: one check event per line, then a summary (see docs/events.md)")
}

func newDoctorCmd(env *Env) *cobra.Command {
	o := &doctorOptions{env: env}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that this machine can build courses, and say how to fix what is missing",
		Long: `Doctor checks the programs tecno runs (ffmpeg and ffprobe 4.4 or newer with
the libx264 and aac encoders, espeak-ng, flite, pdftoppm, soffice, ffplay),
fonts for the course language, which cloud provider keys are set (never their
values), and that the cache folder is writable with free disk space.

Each line starts with ✓ (fine), ⚠ (optional, or worth a look) or ✗ (a build
would fail), and every ✗ comes with the command that fixes it. Exit code 3
when any check fails.`,
		Example: `  tecno doctor
  tecno doctor --course course.yaml
  tecno doctor --json | jq -r 'select(.status == "fail") | .fix'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runDoctor(ctx context.Context, o *doctorOptions) error {
	var c *course.Course
	if o.course != "" {
		var err error
		if c, err = course.Load(o.course); err != nil {
			return err
		}
	}
	cfg, err := resolveConfig(o.env, c, nil, nil)
	if err != nil {
		return err
	}
	checks := doctor.Run(ctx, doctor.Options{
		Getenv:   o.env.Getenv,
		Course:   c,
		CacheDir: absPath(cfg.CacheDir),
		FontFor:  render.FontFor,
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	var failed []string
	warns := 0
	for _, ch := range checks {
		switch ch.Status {
		case doctor.Fail:
			failed = append(failed, ch.Name)
		case doctor.Warn:
			warns++
		}
	}
	if o.json {
		w := newEventWriter(o.env.Out)
		for _, ch := range checks {
			w.emit(progress.Event{Type: progress.DoctorCheck, Check: ch.Name, Status: string(ch.Status), Message: ch.Message, Fix: ch.Fix})
		}
		w.emit(progress.Event{Type: progress.Summary, OK: progress.Bool(len(failed) == 0), Errors: len(failed), Warnings: warns})
	} else {
		printChecks(o.env, checks)
	}
	if len(failed) > 0 {
		return fault.New(fault.Dependency, "%d check(s) failed: %s", len(failed), strings.Join(failed, ", ")).
			WithHint("run the fix shown under each ✗, then: tecno doctor")
	}
	return nil
}

// printChecks writes one line per check, with the fix indented below it.
// The marks are coloured only on a terminal and when NO_COLOR is unset.
func printChecks(env *Env, checks []doctor.Check) {
	color := useColor(env)
	width := 0
	for _, ch := range checks {
		width = max(width, len([]rune(ch.Name)))
	}
	for _, ch := range checks {
		mark, code := "✓", "32"
		switch ch.Status {
		case doctor.Warn:
			mark, code = "⚠", "33"
		case doctor.Fail:
			mark, code = "✗", "31"
		}
		if color {
			mark = "\x1b[" + code + "m" + mark + "\x1b[0m"
		}
		fmt.Fprintf(env.Out, "%s %-*s  %s\n", mark, width, ch.Name, ch.Message)
		if ch.Fix != "" && ch.Status != doctor.OK {
			fmt.Fprintf(env.Out, "  %*s  fix: %s\n", width, "", ch.Fix)
		}
	}
}

// useColor reports whether output to env.Out may use colour: only on a
// terminal, and never when NO_COLOR is set (https://no-color.org).
func useColor(env *Env) bool {
	if env.Getenv("NO_COLOR") != "" {
		return false
	}
	if f, ok := env.Out.(*os.File); ok {
		return isTerminal(f)
	}
	return false
}
