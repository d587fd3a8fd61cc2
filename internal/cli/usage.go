package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// catchUnknownCommands makes "tecno frobnicate" a usage error (exit code
// 2) with a suggestion, rather than the plain error cobra returns, which
// would map to exit code 1 (internal error). "tecno" alone prints help.
func catchUnknownCommands(root *cobra.Command) {
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		e := fault.New(fault.Input, "unknown command %q", args[0])
		var names []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				names = append(names, c.Name())
			}
		}
		if s := course.Suggest(args[0], names); s != "" {
			e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return e.WithHint("see: tecno --help")
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
}
