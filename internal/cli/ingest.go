package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/ingest"
	"github.com/tecno-video/tecno/internal/progress"
)

type ingestOptions struct {
	env  *Env
	opts ingest.Options
	json bool
}

func (o *ingestOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.opts.Output, "output", "o", "course.yaml", "course file to write")
	fs.BoolVar(&o.json, "json", false, "print NDJSON events on stdout (warning, error, summary; see docs/events.md)")
	fs.BoolVar(&o.opts.Force, "force", false, "overwrite an existing course file")
	fs.StringVar(&o.opts.Template, "template", "", "course template (default: the built-in default)")
	fs.StringVar(&o.opts.Language, "lang", "", "course language as a BCP 47 tag such as en-US or pt-BR (default: detected from the text)")
	fs.BoolVar(&o.opts.KeepHidden, "keep-hidden", false, "keep hidden slides")
	fs.BoolVar(&o.opts.KeepLook, "keep-look", false, "render each slide or page as an image (slide-image scenes); needs pdftoppm, and LibreOffice for decks")
	fs.StringVar(&o.opts.AssetsDir, "assets", "assets", "folder for extracted pictures, relative to the course file")
}

func newIngestCmd(env *Env) *cobra.Command {
	o := &ingestOptions{env: env}
	cmd := &cobra.Command{
		Use:   "ingest FILE...",
		Short: "Turn PPTX, DOCX and PDF files into a course file",
		Long: `Ingest reads slide decks (.pptx), documents (.docx) and PDFs and writes a
course file that tecno build can render right away. Each file becomes one or
more lessons (PowerPoint sections and Heading 1s split them), each slide, page
or document section a scene. Speaker notes become the narration; where there
are none, narration is composed from the title and bullets, with a warning.
Pictures are extracted next to the course. An existing course file is never
overwritten without --force.`,
		Example: `  tecno ingest deck.pptx -o course.yaml
  tecno ingest part1.pptx handout.docx slides.pdf --lang pt-BR
  tecno ingest designed.pdf --keep-look`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.opts.Inputs = args
			return runIngest(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

func runIngest(ctx context.Context, o *ingestOptions) error {
	res, err := ingest.Ingest(ctx, o.opts)
	if o.json {
		w := newEventWriter(o.env.Out)
		ok := err == nil
		if err != nil {
			for _, e := range problemEvents(progress.Error, err) {
				w.emit(e)
			}
			w.emit(progress.Event{Type: progress.Summary, OK: &ok})
			return &silentError{err}
		}
		for _, warn := range res.Warnings {
			w.emit(progress.Event{Type: progress.Warning, Message: warn})
		}
		w.emit(progress.Event{Type: progress.Summary, OK: &ok, Lessons: res.Lessons, Scenes: res.Scenes,
			Outputs: map[string]string{"course": res.CoursePath}})
		return nil
	}
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(o.env.Err, "tecno: warning: %s\n", w)
	}
	fmt.Fprintf(o.env.Out, "%s: %d lessons, %d scenes, %d pictures\n", res.CoursePath, res.Lessons, res.Scenes, len(res.Assets))
	fmt.Fprintf(o.env.Err, "tecno: hint: review the narration, then run: tecno build %s\n", res.CoursePath)
	return nil
}
