package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

type initOptions struct {
	env      *Env
	dir      string
	lang     string
	template string
	force    bool
}

func (o *initOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.lang, "lang", course.DefaultLanguage, "course language as a BCP 47 tag; the sample is written in it for en, pt and es, in English otherwise (spoken with that language's voice)")
	fs.StringVar(&o.template, "template", course.DefaultTemplate, "template for the course")
	fs.BoolVar(&o.force, "force", false, "overwrite an existing course.yaml and course.schema.json")
}

func newInitCmd(env *Env) *cobra.Command {
	o := &initOptions{env: env}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a ready-to-build course with a sample lesson",
		Long: `Init writes DIR/course.yaml (DIR defaults to the current folder): a course with
one sample lesson of three scenes in the language given by --lang, ready for
tecno build. Beside it go course.schema.json, which editors use to complete
and check the course file, and a .gitignore for the output and cache folders
when there is none. Existing files are never overwritten without --force.`,
		Example: `  tecno init my-course
  tecno init aula --lang pt-BR --template education
  tecno init . --force`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dir = "."
			if len(args) == 1 {
				o.dir = args[0]
			}
			return runInit(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// sampleText is the sample lesson in one language.
type sampleText struct {
	courseTitle, lessonTitle       string
	welcome, subtitle, welcomeSays string
	howTitle                       string
	how                            []string
	howSays                        string
	nextTitle                      string
	next                           []string
	nextSays                       string
}

var samples = map[string]sampleText{
	"en": {
		courseTitle: "My Course", lessonTitle: "Getting started",
		welcome: "Welcome", subtitle: "A sample lesson made with tecno",
		welcomeSays: "Welcome! This is a sample lesson. Edit the course file, build it again, and it becomes yours.",
		howTitle:    "How it works",
		how:         []string{"Each scene is a slide and its narration", "You write both in course.yaml", "tecno build turns them into a video"},
		howSays:     "Each scene is a slide and what the voice says about it. You write both as plain text, and tecno builds the video, with subtitles and chapters.",
		nextTitle:   "Your turn",
		next:        []string{"Replace these scenes with your own", "Check the file: tecno validate course.yaml", "Make the video: tecno build course.yaml"},
		nextSays:    "Now it is your turn. Replace these scenes with your own, check the file with tecno validate, and make the video with tecno build.",
	},
	"pt": {
		courseTitle: "Meu Curso", lessonTitle: "Primeiros passos",
		welcome: "Boas-vindas", subtitle: "Uma aula de exemplo feita com o tecno",
		welcomeSays: "Olá! Esta é uma aula de exemplo. Edite o arquivo do curso, gere de novo, e ela passa a ser sua.",
		howTitle:    "Como funciona",
		how:         []string{"Cada cena é um slide e a sua narração", "Você escreve os dois no course.yaml", "O tecno build transforma tudo em vídeo"},
		howSays:     "Cada cena é um slide e o que a voz diz sobre ele. Você escreve os dois em texto simples, e o tecno gera o vídeo, com legendas e capítulos.",
		nextTitle:   "Sua vez",
		next:        []string{"Troque estas cenas pelas suas", "Confira o arquivo: tecno validate course.yaml", "Gere o vídeo: tecno build course.yaml"},
		nextSays:    "Agora é a sua vez. Troque estas cenas pelas suas, confira o arquivo com tecno validate e gere o vídeo com tecno build.",
	},
	"es": {
		courseTitle: "Mi Curso", lessonTitle: "Primeros pasos",
		welcome: "Bienvenida", subtitle: "Una clase de ejemplo hecha con tecno",
		welcomeSays: "¡Hola! Esta es una clase de ejemplo. Edita el archivo del curso, vuelve a generarlo y será tuya.",
		howTitle:    "Cómo funciona",
		how:         []string{"Cada escena es una diapositiva y su narración", "Escribes las dos en course.yaml", "tecno build las convierte en un vídeo"},
		howSays:     "Cada escena es una diapositiva y lo que la voz dice sobre ella. Escribes las dos en texto plano, y tecno genera el vídeo, con subtítulos y capítulos.",
		nextTitle:   "Tu turno",
		next:        []string{"Cambia estas escenas por las tuyas", "Revisa el archivo: tecno validate course.yaml", "Genera el vídeo: tecno build course.yaml"},
		nextSays:    "Ahora es tu turno. Cambia estas escenas por las tuyas, revisa el archivo con tecno validate y genera el vídeo con tecno build.",
	},
}

// sampleCourse is the course tecno init writes.
func sampleCourse(lang, template string) *course.Course {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	t, ok := samples[primary]
	if !ok {
		t = samples["en"]
	}
	bullets := func(items []string) []course.Bullet {
		out := make([]course.Bullet, len(items))
		for i, s := range items {
			out[i] = course.Bullet{Text: s}
		}
		return out
	}
	return &course.Course{
		Version:  course.SchemaVersion,
		Title:    t.courseTitle,
		Language: lang,
		Template: template,
		Voice:    course.Voice{Provider: course.DefaultProvider},
		Output:   course.Output{Dir: course.DefaultOutDir},
		Lessons: []*course.Lesson{{
			ID:    "getting-started",
			Title: t.lessonTitle,
			Scenes: []*course.Scene{
				{ID: "welcome", Layout: "title", Title: t.welcome, Subtitle: t.subtitle, Narration: t.welcomeSays},
				{ID: "how-it-works", Layout: "bullets", Title: t.howTitle, Bullets: bullets(t.how), Narration: t.howSays, PauseAfter: 0.5},
				{ID: "your-turn", Layout: "bullets", Title: t.nextTitle, Bullets: bullets(t.next), Narration: t.nextSays},
			},
		}},
	}
}

func runInit(ctx context.Context, o *initOptions) error {
	if !course.ValidLanguage(o.lang) {
		e := fault.New(fault.Input, "--lang %q is not a language tag like \"en-US\" or \"pt-BR\"", o.lang)
		if fixed := strings.ReplaceAll(o.lang, "_", "-"); course.ValidLanguage(fixed) {
			e.WithHint("use --lang %s", fixed)
		}
		return e
	}
	dir := o.dir
	coursePath := filepath.Join(dir, "course.yaml")
	schemaPath := filepath.Join(dir, "course.schema.json")

	c := sampleCourse(o.lang, o.template)
	body, err := course.Marshal(c)
	if err != nil {
		return err
	}
	data := append([]byte("# yaml-language-server: $schema=course.schema.json\n"+
		"# A sample course. Build it from this folder with: tecno build course.yaml\n"), body...)

	// Check the result as tecno build will, before writing anything.
	parsed, err := course.Parse(coursePath, data)
	if err != nil {
		return fmt.Errorf("init: the sample course does not parse: %w", err)
	}
	parsed.Dir = absPath(dir)
	parsed.ApplyDefaults()
	if errs, _ := course.Validate(parsed, validationEnv(parsed, newRegistry(o.env))); len(errs) > 0 {
		// Only the flags can make it invalid (an unknown --template).
		for _, e := range errs {
			e.File, e.Line, e.Col = "", 0, 0
			e.Msg = "--template: " + e.Msg
		}
		return errs
	}
	schema, err := courseSchema(o.env)
	if err != nil {
		return err
	}

	if !o.force {
		for _, p := range []string{coursePath, schemaPath} {
			if _, err := os.Stat(p); err == nil {
				return (&fault.Error{Kind: fault.Input, File: p, Msg: "already exists; not overwriting it"}).
					WithHint("use --force to replace it, or choose another folder: tecno init DIR")
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fault.New(fault.Input, "cannot create folder %s: %v", dir, unwrapPath(err)).WithHint("choose a writable folder: tecno init DIR")
	}
	if err := writeAtomic(coursePath, data); err != nil {
		return err
	}
	if err := writeAtomic(schemaPath, schema); err != nil {
		return err
	}
	scenes := len(c.Lessons[0].Scenes)
	fmt.Fprintf(o.env.Out, "created %s (1 lesson, %d scenes, %s)\n", coursePath, scenes, o.lang)
	fmt.Fprintf(o.env.Out, "created %s\n", schemaPath)
	ignore := filepath.Join(dir, ".gitignore")
	if _, err := os.Stat(ignore); errors.Is(err, fs.ErrNotExist) {
		if err := writeAtomic(ignore, []byte("# tecno build output and cache\n/out/\n/.tecno/\n")); err != nil {
			return err
		}
		fmt.Fprintf(o.env.Out, "created %s\n", ignore)
	}
	fmt.Fprintf(o.env.Out, "next: tecno build %s\n", coursePath)
	return nil
}

// writeAtomic writes data to path through a temporary file and a rename,
// so that path never holds a partial file.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fault.New(fault.Input, "cannot write %s: %v", path, unwrapPath(err)).WithHint("choose a writable folder: tecno init DIR")
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fault.New(fault.Input, "cannot write %s: %v", path, unwrapPath(werr))
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
