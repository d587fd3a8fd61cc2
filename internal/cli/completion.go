package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/render"
)

func newCompletionCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion",
		Short: "Print a shell completion script for bash, zsh, fish or PowerShell",
		Long: `Completion prints a script that teaches your shell tecno's commands and flags.
Scene ids, lesson ids, template names, layouts and statuses are completed
from the course file on the command line as you type.`,
		Example: `  source <(tecno completion bash)                       # this bash session
  tecno completion bash > /etc/bash_completion.d/tecno   # every bash session
  tecno completion zsh > "${fpath[1]}/_tecno"
  tecno completion fish > ~/.config/fish/completions/tecno.fish`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			return fault.New(fault.Input, "no completion for shell %q", args[0]).
				WithHint("shells: bash, zsh, fish, powershell")
		},
	}
	shells := []struct {
		name, example string
		gen           func(root *cobra.Command, w io.Writer) error
	}{
		{"bash", "  source <(tecno completion bash)", func(r *cobra.Command, w io.Writer) error { return r.GenBashCompletionV2(w, true) }},
		{"zsh", `  tecno completion zsh > "${fpath[1]}/_tecno"`, func(r *cobra.Command, w io.Writer) error { return r.GenZshCompletion(w) }},
		{"fish", "  tecno completion fish > ~/.config/fish/completions/tecno.fish", func(r *cobra.Command, w io.Writer) error { return r.GenFishCompletion(w, true) }},
		{"powershell", "  tecno completion powershell | Out-String | Invoke-Expression", func(r *cobra.Command, w io.Writer) error { return r.GenPowerShellCompletionWithDesc(w) }},
	}
	for _, sh := range shells {
		gen := sh.gen
		cmd.AddCommand(&cobra.Command{
			Use:               sh.name,
			Short:             fmt.Sprintf("Print the %s completion script", sh.name),
			Example:           sh.example,
			Args:              cobra.NoArgs,
			ValidArgsFunction: cobra.NoFileCompletions,
			RunE: func(c *cobra.Command, _ []string) error {
				return gen(c.Root(), env.Out)
			},
		})
	}
	return cmd
}

// addCompletions registers dynamic completions across the command tree,
// so that commands added by any file get them: positional arguments from
// the words of each Use line (COURSE → course files, SCENE → scene ids,
// LESSON → lesson ids), and flags by name (--scene, --after, --lesson,
// --template, --layout, --status, --course, --lang, folders). A command
// or flag that already has a completion function keeps it.
func addCompletions(root *cobra.Command) {
	root.CompletionOptions.DisableDefaultCmd = true // newCompletionCmd replaces it
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.ValidArgsFunction == nil && c.Runnable() {
			if words := argWords(c); len(words) > 0 {
				c.ValidArgsFunction = positionalCompletion(c.Name(), words)
			}
		}
		for _, fs := range []*pflag.FlagSet{c.LocalNonPersistentFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if fn := flagCompletion(f.Name); fn != nil {
					// An error means the flag already has one: keep it.
					_ = c.RegisterFlagCompletionFunc(f.Name, fn)
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// argWords returns the positional words of a command's Use line:
// "show COURSE.yaml SCENE" → [COURSE.yaml SCENE]. Flags and their
// values ("--lesson ID", "[flags]") are skipped.
func argWords(c *cobra.Command) []string {
	fields := strings.Fields(c.Use)
	if len(fields) < 2 {
		return nil
	}
	var out []string
	for i := 1; i < len(fields); i++ {
		w := strings.Trim(fields[i], "[]()|")
		switch {
		case w == "" || w == "flags":
			continue
		case strings.HasPrefix(w, "-"):
			i++ // the flag's value
			continue
		}
		out = append(out, w)
	}
	return out
}

// positionalCompletion completes the argument at each position from the
// Use word there; a word ending in "..." repeats.
func positionalCompletion(cmdName string, words []string) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		i := len(args)
		if i >= len(words) {
			last := words[len(words)-1]
			if !strings.HasSuffix(last, "...") {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			i = len(words) - 1
		}
		word := strings.TrimSuffix(strings.ToUpper(words[i]), "...")
		path := courseArg(c, args, words)
		switch {
		case strings.HasPrefix(word, "COURSE"):
			return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
		case word == "SCENE":
			return withPrefix(sceneIDs(path, args), toComplete), cobra.ShellCompDirectiveNoFileComp
		case word == "LESSON":
			return withPrefix(lessonIDs(path), toComplete), cobra.ShellCompDirectiveNoFileComp
		case word == "TEMPLATE" || (word == "NAME" && cmdName == "template"):
			return withPrefix(render.Names(), toComplete), cobra.ShellCompDirectiveNoFileComp
		case strings.Contains(word, "FILE") || strings.Contains(word, "DIR"):
			return nil, cobra.ShellCompDirectiveDefault
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// flagCompletion completes a flag's value by the flag's name, or returns
// nil for flags it knows nothing about.
func flagCompletion(name string) cobra.CompletionFunc {
	static := func(vals ...string) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return withPrefix(vals, prefix), cobra.ShellCompDirectiveNoFileComp
		}
	}
	switch name {
	case "scene", "after":
		return func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return withPrefix(sceneIDs(courseArg(c, args, argWords(c)), nil), prefix), cobra.ShellCompDirectiveNoFileComp
		}
	case "lesson":
		return func(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return withPrefix(lessonIDs(courseArg(c, args, argWords(c))), prefix), cobra.ShellCompDirectiveNoFileComp
		}
	case "template":
		return func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return withPrefix(render.Names(), prefix), cobra.ShellCompDirectiveNoFileComp
		}
	case "layout":
		return static(course.Layouts...)
	case "status":
		return static(course.Statuses...)
	case "course":
		return cobra.FixedCompletions([]string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt)
	case "lang":
		return static("en-US", "en-GB", "pt-BR", "pt-PT", "es-ES", "es-MX", "fr-FR", "de-DE", "it-IT", "nl-NL", "pl-PL", "ru-RU", "tr-TR", "ja-JP", "ko-KR", "zh-CN", "hi-IN", "ar-SA")
	case "cache-dir", "out", "assets":
		return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		}
	}
	return nil
}

// courseArg finds the course file of a command line being completed: the
// positional argument in a COURSE position, else --course, else
// course.yaml in the current folder.
func courseArg(c *cobra.Command, args, words []string) string {
	for i, w := range words {
		if strings.HasPrefix(strings.ToUpper(w), "COURSE") && i < len(args) {
			return args[i]
		}
	}
	if f := c.Flags().Lookup("course"); f != nil && f.Value.String() != "" {
		return f.Value.String()
	}
	if _, err := os.Stat("course.yaml"); err == nil {
		return "course.yaml"
	}
	return ""
}

// sceneIDs lists the course's scene ids with their titles as
// descriptions, leaving out those already on the command line.
func sceneIDs(path string, given []string) []cobra.Completion {
	c := loadQuiet(path)
	if c == nil {
		return nil
	}
	skip := map[string]bool{}
	for _, a := range given {
		skip[a] = true
	}
	var out []cobra.Completion
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			if s.ID == "" || skip[s.ID] {
				continue
			}
			out = append(out, cobra.CompletionWithDesc(s.ID, describeScene(l, s)))
		}
	}
	return out
}

func describeScene(l *course.Lesson, s *course.Scene) string {
	title := s.Title
	if title == "" {
		title = s.Layout
	}
	return fmt.Sprintf("%s (%s)", title, l.ID)
}

// lessonIDs lists the course's lesson ids with their titles.
func lessonIDs(path string) []cobra.Completion {
	c := loadQuiet(path)
	if c == nil {
		return nil
	}
	var out []cobra.Completion
	for _, l := range c.Lessons {
		if l.ID != "" {
			out = append(out, cobra.CompletionWithDesc(l.ID, l.Title))
		}
	}
	return out
}

// withPrefix keeps the completions (value, or value TAB description)
// whose value starts with prefix.
func withPrefix(list []cobra.Completion, prefix string) []cobra.Completion {
	if prefix == "" {
		return list
	}
	var out []cobra.Completion
	for _, c := range list {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// loadQuiet loads a course for completion; a course that does not load
// completes nothing.
func loadQuiet(path string) *course.Course {
	if path == "" {
		return nil
	}
	c, err := course.Load(path)
	if err != nil {
		return nil
	}
	return c
}
