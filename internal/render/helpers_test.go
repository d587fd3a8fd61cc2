package render

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
)

// writeTestImage writes a w×h PNG with a gradient, a sun and hills (an
// image with detail, so scaling is visible) and returns its path.
func writeTestImage(t testing.TB, dir string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fy := float64(y) / float64(h)
			c := color.RGBA{uint8(90 + 120*fy), uint8(160 - 40*fy), uint8(230 - 60*fy), 255}
			dx, dy := float64(x)-0.7*float64(w), float64(y)-0.3*float64(h)
			if math.Hypot(dx, dy) < 0.12*float64(h) {
				c = color.RGBA{255, 210, 90, 255}
			}
			if float64(y) > float64(h)*(0.65+0.1*math.Sin(float64(x)/float64(w)*7)) {
				c = color.RGBA{40, uint8(120 + 40*fy), 70, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	path := filepath.Join(dir, "picture.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// demoScenes is realistic content for every layout.
func demoScenes() []*course.Scene {
	return []*course.Scene{
		{ID: "title", Layout: "title", Title: "Introdução à Programação em Go", Subtitle: "Tipos, funções e concorrência — um curso prático para iniciantes"},
		{ID: "section", Layout: "section", Title: "Concurrency patterns", Subtitle: "Goroutines, channels and the select statement"},
		{ID: "bullets", Layout: "bullets", Title: "Why teams choose Go", Bullets: []course.Bullet{
			{Text: "Fast compilation and a single static binary"},
			{Text: "Concurrency built into the language", Children: []course.Bullet{
				{Text: "Goroutines are cheap: start thousands"},
				{Text: "Channels connect them safely"},
			}},
			{Text: "A small language you can learn in a week"},
			{Text: "Batteries included: HTTP, JSON, testing"},
		}},
		{ID: "image", Layout: "image", Title: "The landscape of the Go ecosystem", Body: "Figure 1 — a picture, scaled to fit with its aspect ratio kept", Image: "picture.png"},
		{ID: "image-text", Layout: "image-text", Title: "Reading the diagram", Image: "picture.png", Bullets: []course.Bullet{
			{Text: "The sun stands for the runtime scheduler"},
			{Text: "Hills are goroutines waiting for work"},
			{Text: "The sky is everything you do not have to manage"},
		}},
		{ID: "quote", Layout: "quote", Title: "Proverb", Quote: "Don't communicate by sharing memory; share memory by communicating.", Author: "Rob Pike"},
		{ID: "code", Layout: "code", Title: "Your first goroutine", Language: "go", Code: "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\n// say prints s three times.\nfunc say(s string) {\n\tfor i := 0; i < 3; i++ {\n\t\ttime.Sleep(100 * time.Millisecond)\n\t\tfmt.Println(s, i)\n\t}\n}\n\nfunc main() {\n\tgo say(\"world\")\n\tsay(\"hello\")\n}"},
		{ID: "slide-image", Layout: "slide-image", Image: "picture.png"},
	}
}

// longScenes is content far too long for its boxes, for every layout.
func longScenes() []*course.Scene {
	long := strings.Repeat("Programação concorrente com canais e goroutines é poderosa ", 4)[:200]
	word := strings.Repeat("Supercalifragilisticexpialidocious", 4)
	var bullets []course.Bullet
	for i := 0; i < 10; i++ {
		b := course.Bullet{Text: long}
		if i%3 == 1 {
			b.Children = []course.Bullet{{Text: long, Children: []course.Bullet{{Text: word + " " + long}}}, {Text: long}}
		}
		bullets = append(bullets, b)
	}
	var code strings.Builder
	for i := 0; i < 80; i++ {
		code.WriteString("\tif err := doSomethingVeryLongNamed(ctx, argumentNumberOne, argumentNumberTwo, \"a string literal\"); err != nil { return err }\n")
	}
	var out []*course.Scene
	for _, l := range course.Layouts {
		out = append(out, &course.Scene{
			ID: "long-" + l, Layout: l, Title: long, Subtitle: long + " " + long, Body: long + "\n" + long,
			Bullets: bullets, Code: code.String(), Language: "go", Quote: long + " " + long + " " + long,
			Author: long, Image: "picture.png",
		})
	}
	return out
}
