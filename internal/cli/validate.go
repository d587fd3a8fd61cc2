package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type validateOptions struct {
	env    *Env
	course string
}

func (o *validateOptions) AddFlags(fs *pflag.FlagSet) {}

func newValidateCmd(env *Env) *cobra.Command {
	o := &validateOptions{env: env}
	cmd := &cobra.Command{
		Use:   "validate COURSE.yaml",
		Short: "Check a course file and report every problem",
		Long: `Validate decodes the course file strictly and reports every problem it finds
(unknown keys, wrong types, missing images, empty lessons, duplicate scene ids,
unknown templates or voices), each with file:line:col. Exit code 2 when
anything is wrong.`,
		Example: `  tecno validate course.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runValidate(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runValidate(ctx context.Context, o *validateOptions) error {
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
