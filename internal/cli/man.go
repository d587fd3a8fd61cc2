package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// ManHeader is what every man page's title line says besides the name.
type ManHeader struct {
	Date    time.Time
	Source  string // "tecno v1.2.0"
	Manual  string // "tecno manual"
	Section string // "1"
}

// WriteManPages writes one roff man page per command of root (hidden
// commands excepted) into dir: tecno.1, tecno-build.1, tecno-cache-prune.1
// and so on. `make man` runs it through ./internal/cli/mangen.
func WriteManPages(root *cobra.Command, dir string, h ManHeader) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		if c.Hidden || c.Name() == "help" {
			return nil
		}
		name := manName(c) + "." + h.Section
		if err := os.WriteFile(filepath.Join(dir, name), ManPage(c, h), 0o644); err != nil {
			return err
		}
		for _, sub := range c.Commands() {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}

// NewManRoot is the command tree the man pages describe.
func NewManRoot() *cobra.Command {
	env := &Env{In: strings.NewReader(""), Out: new(bytes.Buffer), Err: new(bytes.Buffer), Getenv: func(string) string { return "" }}
	root := NewRootCmd(env)
	root.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	return root
}

// manName is "tecno-cache-prune" for "tecno cache prune".
func manName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// ManPage renders one command's man page.
func ManPage(c *cobra.Command, h ManHeader) []byte {
	var b bytes.Buffer
	section := h.Section
	if section == "" {
		section = "1"
	}
	fmt.Fprintf(&b, ".TH \"%s\" \"%s\" \"%s\" \"%s\" \"%s\"\n", strings.ToUpper(roffText(manName(c))), section,
		h.Date.Format("2006-01-02"), roffText(h.Source), roffText(h.Manual))
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "%s \\- %s\n", roffText(manName(c)), roffText(c.Short))

	b.WriteString(".SH SYNOPSIS\n")
	if c.Runnable() {
		fmt.Fprintf(&b, ".B %s\n", roffText(c.CommandPath()))
		if rest := strings.TrimSpace(strings.TrimPrefix(c.UseLine(), c.CommandPath())); rest != "" {
			fmt.Fprintf(&b, "%s\n", roffText(rest))
		}
	}
	if c.HasAvailableSubCommands() {
		if c.Runnable() {
			b.WriteString(".br\n")
		}
		fmt.Fprintf(&b, ".B %s\n\\fICOMMAND\\fR [flags]\n", roffText(c.CommandPath()))
	}

	b.WriteString(".SH DESCRIPTION\n")
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	writeParagraphs(&b, desc)

	if subs := availableSubcommands(c); len(subs) > 0 {
		b.WriteString(".SH COMMANDS\n")
		for _, s := range subs {
			fmt.Fprintf(&b, ".TP\n\\fB%s\\fR\n%s\n", roffText(s.Name()), roffText(s.Short))
		}
	}
	if fs := c.NonInheritedFlags(); fs.HasAvailableFlags() {
		b.WriteString(".SH OPTIONS\n")
		writeFlags(&b, fs)
	}
	if fs := c.InheritedFlags(); fs.HasAvailableFlags() {
		b.WriteString(".SH OPTIONS INHERITED FROM PARENT COMMANDS\n")
		writeFlags(&b, fs)
	}
	if c.Example != "" {
		b.WriteString(".SH EXAMPLES\n.PP\n.RS 4\n.nf\n")
		for _, line := range strings.Split(strings.TrimRight(c.Example, "\n"), "\n") {
			fmt.Fprintf(&b, "%s\n", roffLine(strings.TrimPrefix(line, "  ")))
		}
		b.WriteString(".fi\n.RE\n")
	}
	if !c.HasParent() {
		b.WriteString(".SH EXIT STATUS\n")
		for _, row := range [][2]string{
			{"0", "success"},
			{"1", "internal error (a bug: please report it)"},
			{"2", "bad input or usage: fix the file or the command line"},
			{"3", "a required program is missing (the message gives the install command)"},
			{"4", "a narration provider failed"},
			{"5", "a review gate failed"},
			{"130", "interrupted"},
		} {
			fmt.Fprintf(&b, ".TP\n\\fB%s\\fR\n%s\n", row[0], roffText(row[1]))
		}
		b.WriteString(".SH ENVIRONMENT\n")
		writeParagraphs(&b, "TECNO_TEMPLATE, TECNO_VOICE_PROVIDER, TECNO_VOICE_NAME, TECNO_OUTPUT_DIR, TECNO_JOBS and TECNO_CACHE_DIR override the course file and the user config file ($XDG_CONFIG_HOME/tecno/config.yaml); see tecno-config(1). Cloud voices read their keys from OPENAI_API_KEY, ELEVENLABS_API_KEY, AZURE_SPEECH_KEY with AZURE_SPEECH_REGION, and GOOGLE_API_KEY or GOOGLE_ACCESS_TOKEN. NO_COLOR turns colour off.")
	}

	var also []string
	if c.HasParent() {
		also = append(also, fmt.Sprintf("\\fB%s\\fR(%s)", roffText(manName(c.Parent())), section))
	}
	for _, s := range availableSubcommands(c) {
		also = append(also, fmt.Sprintf("\\fB%s\\fR(%s)", roffText(manName(s)), section))
	}
	if len(also) > 0 {
		b.WriteString(".SH SEE ALSO\n")
		b.WriteString(strings.Join(also, ", ") + "\n")
	}
	return b.Bytes()
}

func availableSubcommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() && s.Name() != "help" {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

func writeFlags(b *bytes.Buffer, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		b.WriteString(".TP\n")
		if f.Shorthand != "" {
			fmt.Fprintf(b, "\\fB\\-%s\\fR, ", roffText(f.Shorthand))
		}
		fmt.Fprintf(b, "\\fB\\-\\-%s\\fR", roffText(f.Name))
		if t := f.Value.Type(); t != "bool" {
			fmt.Fprintf(b, " \\fI%s\\fR", roffText(t))
		}
		b.WriteString("\n")
		usage := f.Usage
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(b, "%s\n", roffLine(usage))
	})
}

// writeParagraphs writes text with blank lines as paragraph breaks and
// indented lines kept as they are.
func writeParagraphs(b *bytes.Buffer, text string) {
	b.WriteString(".PP\n")
	inPre := false
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		pre := strings.HasPrefix(line, "  ")
		switch {
		case strings.TrimSpace(line) == "":
			if inPre {
				b.WriteString(".fi\n.RE\n")
				inPre = false
			}
			b.WriteString(".PP\n")
			continue
		case pre && !inPre:
			b.WriteString(".RS 4\n.nf\n")
			inPre = true
		case !pre && inPre:
			b.WriteString(".fi\n.RE\n")
			inPre = false
		}
		if pre {
			line = strings.TrimPrefix(line, "  ")
		}
		b.WriteString(roffLine(line) + "\n")
	}
	if inPre {
		b.WriteString(".fi\n.RE\n")
	}
}

// roffText escapes text for roff: backslashes, hyphens (so that commands
// and flags copy-paste as typed) and non-ASCII characters (as \[uXXXX],
// which every roff reads whatever the locale).
func roffText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 0x7f:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// roffLine escapes a whole output line: a leading dot or quote would be a
// roff request.
func roffLine(s string) string {
	s = roffText(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
