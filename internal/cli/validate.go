package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/progress"
)

type validateOptions struct {
	env    *Env
	course string
	json   bool
}

func (o *validateOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print NDJSON events on stdout: one per problem, then a summary (see docs/events.md)")
}

func newValidateCmd(env *Env) *cobra.Command {
	o := &validateOptions{env: env}
	cmd := &cobra.Command{
		Use:   "validate COURSE.yaml",
		Short: "Check a course file and report every problem",
		Long: `Validate decodes the course file strictly and reports every problem it finds
(unknown keys, wrong types, missing images, empty lessons, duplicate scene ids,
unknown templates or voices), each with file:line:col. Exit code 2 when
anything is wrong.`,
		Example: `  tecno validate course.yaml
  tecno validate course.yaml --json | jq -r 'select(.type == "error") | "\(.file):\(.line): \(.message)"'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runValidate(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runValidate(ctx context.Context, o *validateOptions) error {
	if o.json {
		return runValidateJSON(o)
	}
	c, warns, err := loadValid(o.course, newRegistry(o.env), o.env.Err)
	if err != nil {
		return err
	}
	scenes := 0
	for _, l := range c.Lessons {
		scenes += len(l.Scenes)
	}
	fmt.Fprintf(o.env.Out, "%s: ok (%d lessons, %d scenes, %d warnings)\n", o.course, len(c.Lessons), scenes, len(warns))
	return nil
}

// runValidateJSON prints one warning or error event per problem, then a
// summary. The exit code is the same as without --json.
func runValidateJSON(o *validateOptions) error {
	w := newEventWriter(o.env.Out)
	c, warns, err := loadValid(o.course, newRegistry(o.env), nil)
	if len(warns) > 0 {
		for _, e := range problemEvents(progress.Warning, warns) {
			w.emit(e)
		}
	}
	sum := progress.Event{Type: progress.Summary, OK: progress.Bool(err == nil), Warnings: len(warns)}
	if err != nil {
		errs := problemEvents(progress.Error, err)
		for _, e := range errs {
			w.emit(e)
		}
		sum.Errors = len(errs)
	}
	if c != nil {
		sum.Lessons = len(c.Lessons)
		for _, l := range c.Lessons {
			sum.Scenes += len(l.Scenes)
		}
	}
	w.emit(sum)
	return err
}
