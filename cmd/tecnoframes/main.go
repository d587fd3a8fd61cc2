// Command tecnoframes renders one sample slide per built-in template with
// tecno's own renderer, for the README (make frames):
//
//	go run ./cmd/tecnoframes -o docs/frames
//
// It writes docs/frames/<template>.png at 960×540.
package main

import (
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/render"
)

// sample is the slide every template draws: a title and nested bullets,
// the layout most lessons are made of.
var sample = &course.Scene{
	ID: "sample", Layout: "bullets", Title: "Why build lessons this way",
	Bullets: []course.Bullet{
		{Text: "Write once, in plain text"},
		{Text: "Rebuild in seconds after every edit", Children: []course.Bullet{
			{Text: "only changed scenes are redone"},
			{Text: "everything else comes from the cache"},
		}},
		{Text: "Offline voices by default, cloud voices when you want them"},
	},
}

func main() {
	out := flag.String("o", "docs/frames", "output folder")
	width := flag.Int("w", 960, "frame width")
	height := flag.Int("h", 540, "frame height")
	flag.Parse()
	if err := run(*out, *width, *height); err != nil {
		fmt.Fprintln(os.Stderr, "tecnoframes:", err)
		os.Exit(1)
	}
}

func run(out string, w, h int) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, name := range render.Names() {
		tpl, err := render.LoadTemplate(name, "")
		if err != nil {
			return err
		}
		img, warnings, err := tpl.Render(render.Input{Scene: sample, CourseTitle: "Making Lessons with tecno",
			LessonTitle: "From course file to video", Index: 2, Total: 8, Width: w, Height: h, Language: "en-US"})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, warn := range warnings {
			fmt.Fprintf(os.Stderr, "tecnoframes: %s: %s\n", name, warn)
		}
		path := filepath.Join(out, name+".png")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		// Best compression: these files live in the repository.
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(f, img); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fi, _ := os.Stat(path)
		fmt.Printf("%s (%d KB)\n", path, fi.Size()/1024)
	}
	return nil
}
