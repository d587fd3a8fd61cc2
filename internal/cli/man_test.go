package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/tecno-video/tecno/internal/golden"
)

var manHeader = ManHeader{Date: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), Source: "tecno v1.0.0", Manual: "tecno manual", Section: "1"}

// TestManPage pins the roff of a small command tree.
func TestManPage(t *testing.T) {
	root := &cobra.Command{Use: "tecno", Short: "Turn courses into videos", Long: "Tecno builds videos.\n\nIt is fast:\n\n  tecno build c.yaml\n\n.dots and \\backslashes are escaped, and ✓ too."}
	var out string
	sub := &cobra.Command{
		Use: "build COURSE.yaml", Short: "Build the lessons", Example: "  tecno build course.yaml --json\n  .hidden-looking line",
		Run: func(*cobra.Command, []string) {},
	}
	sub.Flags().StringVarP(&out, "out", "o", "out", "output folder")
	sub.Flags().Bool("json", false, "print NDJSON events")
	root.PersistentFlags().Bool("verbose", false, "say more")
	root.AddCommand(sub)
	golden.Assert(t, append(append(ManPage(root, manHeader), "----\n"...), ManPage(sub, manHeader)...))
}

// TestManPages writes the real pages: one per command, each with a name,
// a synopsis and the command's examples; groff, when installed, reads
// them without a warning.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	root := NewManRoot()
	if err := WriteManPages(root, dir, manHeader); err != nil {
		t.Fatal(err)
	}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		n++
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			return
		}
		page := string(data)
		for _, want := range []string{".TH \"" + strings.ToUpper(roffText(strings.TrimSuffix(name, ".1"))) + "\" \"1\" \"2026-01-31\"", ".SH NAME\n", ".SH SYNOPSIS\n", roffText(c.Short)} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if c.Example != "" && !strings.Contains(page, ".SH EXAMPLES\n") {
			t.Errorf("%s has no EXAMPLES", name)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	files, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	if len(files) != n {
		t.Errorf("%d pages for %d commands", len(files), n)
	}
	build, _ := os.ReadFile(filepath.Join(dir, "tecno-build.1"))
	for _, want := range []string{`\fB\-\-json\fR`, `tecno build course.yaml \-\-json > events.ndjson`, `\fBtecno\fR(1)`} {
		if !bytes.Contains(build, []byte(want)) {
			t.Errorf("tecno-build.1 lacks %q", want)
		}
	}
	top, _ := os.ReadFile(filepath.Join(dir, "tecno.1"))
	for _, want := range []string{".SH EXIT STATUS", "\\fB130\\fR", `\fBtecno\-doctor\fR(1)`} {
		if !bytes.Contains(top, []byte(want)) {
			t.Errorf("tecno.1 lacks %q", want)
		}
	}

	t.Run("groff", func(t *testing.T) {
		groff, err := exec.LookPath("groff")
		if err != nil {
			t.Skip("groff not installed")
		}
		out, err := exec.Command(groff, append([]string{"-man", "-Tutf8", "-ww", "-z"}, files...)...).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("groff: %v\n%s", err, out)
		}
	})
}
