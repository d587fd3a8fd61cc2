package ingest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ingest/internal/gen"
	"github.com/tecno-video/tecno/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite golden files")

// ingestT ingests inputs into a fresh folder and returns the result, the
// decoded course (validated) and the YAML.
func ingestT(t *testing.T, opts Options) (*Result, *course.Course, []byte) {
	t.Helper()
	if opts.Output == "" {
		opts.Output = filepath.Join(t.TempDir(), "course.yaml")
	}
	res, err := Ingest(context.Background(), opts)
	if err != nil {
		t.Fatalf("Ingest(%v): %v", opts.Inputs, err)
	}
	data, err := os.ReadFile(res.CoursePath)
	if err != nil {
		t.Fatal(err)
	}
	c := load(t, res.CoursePath, data)
	return res, c, data
}

// load parses and validates a generated course file.
func load(t *testing.T, path string, data []byte) *course.Course {
	t.Helper()
	c, err := course.Parse(path, data)
	if err != nil {
		t.Fatalf("generated course does not parse: %v\n%s", err, data)
	}
	c.Dir = filepath.Dir(path)
	c.ApplyDefaults()
	errs, _ := course.Validate(c, course.Env{})
	if len(errs) > 0 {
		t.Fatalf("generated course does not validate:\n%v", errs)
	}
	return c
}

func td(name string) string { return filepath.Join("testdata", name) }

func allScenes(c *course.Course) []*course.Scene {
	var out []*course.Scene
	for _, l := range c.Lessons {
		out = append(out, l.Scenes...)
	}
	return out
}

func scene(t *testing.T, c *course.Course, id string) *course.Scene {
	t.Helper()
	_, s := c.FindScene(id)
	if s == nil {
		t.Fatalf("no scene %q", id)
	}
	return s
}

func bulletTexts(bs []course.Bullet) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Text)
		for _, c := range bulletTexts(b.Children) {
			out = append(out, "  "+c)
		}
	}
	return out
}

func countWarnings(ws []string, sub string) int {
	n := 0
	for _, w := range ws {
		if strings.Contains(w, sub) {
			n++
		}
	}
	return n
}

func TestCorpus(t *testing.T) {
	tests := []struct {
		file  string
		opts  func(*Options)
		check func(t *testing.T, res *Result, c *course.Course)
	}{
		{"powerpoint_sample.pptx", nil, func(t *testing.T, res *Result, c *course.Course) {
			if res.Scenes != 3 {
				t.Errorf("scenes = %d, want 3", res.Scenes)
			}
			s1 := scene(t, c, "powerpoint_sample-s01")
			if s1.Layout != "bullets" || s1.Title != "Test Table Slide" {
				t.Errorf("table slide: layout %q title %q", s1.Layout, s1.Title)
			}
			if got := bulletTexts(s1.Bullets); !contains(got, "R1 — True — False — False — True — True") {
				t.Errorf("table rows not turned into bullets: %q", got)
			}
			if got := scene(t, c, "powerpoint_sample-s02").Narration; got != "Some notes on the second slide." {
				t.Errorf("slide 2 narration = %q", got)
			}
			if got := scene(t, c, "powerpoint_sample-s03").Narration; got != "Final notes on the third slide.\nSecond line of notes." {
				t.Errorf("slide 3 narration = %q", got)
			}
			if countWarnings(res.Warnings, "no speaker notes") != 1 || countWarnings(res.Warnings, "slide 1: no speaker notes") != 1 {
				t.Errorf("want exactly one no-notes warning (slide 1), got %q", res.Warnings)
			}
		}},
		{"2411-Performance_Up.pptx", nil, func(t *testing.T, res *Result, c *course.Course) {
			if res.Scenes != 46 {
				t.Errorf("scenes = %d, want 46 (48 slides, 2 hidden)", res.Scenes)
			}
			if countWarnings(res.Warnings, "2 hidden slide(s) skipped (13, 48)") != 1 {
				t.Errorf("missing hidden-slides warning: %q", res.Warnings)
			}
			// Notes on 8 slides, none of them hidden.
			if n := countWarnings(res.Warnings, "no speaker notes"); n != 46-8 {
				t.Errorf("%d slides without notes, want %d", n, 46-8)
			}
			s1 := scene(t, c, "2411-performance_up-s01")
			if s1.Layout != "title" || s1.Title != "Apache Performance Tuning" || s1.Subtitle != "Part 1: Scaling Up — Sander Temme <sander@temme.net>" {
				t.Errorf("title slide = %q %q %q", s1.Layout, s1.Title, s1.Subtitle)
			}
			if s1.Narration != "Hello crowd, welcome. Introduce self." {
				t.Errorf("slide 1 notes = %q", s1.Narration)
			}
			s7 := scene(t, c, "2411-performance_up-s07")
			if got := bulletTexts(s7.Bullets); len(got) < 3 || got[0] != "Every site is different" || got[1] != "  Dynamic Content" {
				t.Errorf("nested bullets = %q", got)
			}
			if !strings.HasPrefix(s7.Narration, "This slide covers No Silver Bullet. First, ") {
				t.Errorf("composed narration = %q", s7.Narration)
			}
			if _, s := c.FindScene("2411-performance_up-s13"); s != nil {
				t.Error("hidden slide 13 was kept")
			}
		}},
		{"2411-Performance_Up.pptx", func(o *Options) { o.KeepHidden = true }, func(t *testing.T, res *Result, c *course.Course) {
			if res.Scenes != 48 {
				t.Errorf("with KeepHidden scenes = %d, want 48", res.Scenes)
			}
			if s := scene(t, c, "2411-performance_up-s13"); s.Title != "Monitoring Solaris: SE Toolkit" {
				t.Errorf("hidden slide 13 title = %q", s.Title)
			}
		}},
		{"bug62513.pptx", nil, func(t *testing.T, res *Result, c *course.Course) {
			if res.Scenes != 19 {
				t.Errorf("scenes = %d, want 19", res.Scenes)
			}
			found := false
			for _, s := range allScenes(c) {
				for _, b := range bulletTexts(s.Bullets) {
					if strings.Contains(b, "François-Régis Fréchette") {
						found = true
					}
				}
			}
			if !found {
				t.Error("accented name François-Régis Fréchette not found in any bullet")
			}
			if len(res.Assets) == 0 {
				t.Error("no pictures extracted")
			}
		}},
		{"keyframes.pptx", nil, func(t *testing.T, res *Result, c *course.Course) {
			if c.Language != "id-ID" {
				t.Errorf("language = %q, want id-ID", c.Language)
			}
			if res.Scenes != 28 {
				t.Errorf("scenes = %d, want 28", res.Scenes)
			}
			s := scene(t, c, "keyframes-s01")
			if !strings.Contains(s.Title+" "+strings.Join(bulletTexts(s.Bullets), " ")+s.Subtitle, "Selamat Belajar Biologi") {
				t.Errorf("slide 1 = %q %q %q", s.Title, s.Subtitle, bulletTexts(s.Bullets))
			}
			for _, s := range allScenes(c) {
				if strings.Contains(s.Narration, "This slide covers") {
					t.Fatalf("English narration in an Indonesian deck: %q", s.Narration)
				}
			}
		}},
		{"60810.pptx", nil, func(t *testing.T, res *Result, c *course.Course) {
			// One PowerPoint section ("Core layouts") holds every slide.
			if len(c.Lessons) != 1 || c.Lessons[0].Title != "Core layouts" {
				t.Errorf("lessons = %d, first %q; want the section as lesson", len(c.Lessons), c.Lessons[0].Title)
			}
			if res.Scenes != 25 {
				t.Errorf("scenes = %d, want 25 (28 slides, 3 hidden)", res.Scenes)
			}
		}},
		{"test_slides.pptx", nil, func(t *testing.T, res *Result, c *course.Course) {
			s := scene(t, c, "test_slides-s01")
			got := bulletTexts(s.Bullets)
			if !contains(got, "Group test text") || !contains(got, "Cell text 1 — Cell text 2") {
				t.Errorf("group text or table missing: %q", got)
			}
			if s.Layout != "image-text" || s.Image == "" {
				t.Errorf("picture slide layout %q image %q", s.Layout, s.Image)
			}
		}},
		{"word_sample.docx", nil, func(t *testing.T, res *Result, c *course.Course) {
			if c.Title != "Swimming in the lake" {
				t.Errorf("course title = %q", c.Title)
			}
			var titles []string
			var img, table, list bool
			for _, s := range allScenes(c) {
				titles = append(titles, s.Title)
				if s.Image != "" && s.Layout == "image" && strings.Contains(s.Narration, "This is a cute duckling") {
					img = true
				}
				if contains(bulletTexts(s.Bullets), "Leaves — Ash, Elm, Maple — 50") {
					table = true
				}
				if contains(bulletTexts(s.Bullets), "Wear sunglasses") {
					list = true
				}
			}
			if !contains(titles, "Let’s swim!") || !contains(titles, "Let’s eat") {
				t.Errorf("headings missing from scene titles: %q", titles)
			}
			if !img || !table || !list {
				t.Errorf("picture %v, table %v, list %v", img, table, list)
			}
			s1 := allScenes(c)[0]
			if s1.Layout != "title" || s1.Subtitle != "Summer activities" {
				t.Errorf("first scene %q subtitle %q", s1.Layout, s1.Subtitle)
			}
		}},
		{"docx_lists.docx", nil, func(t *testing.T, res *Result, c *course.Course) {
			var s3 *course.Scene
			for _, s := range allScenes(c) {
				if s.Title == "Test 3:" {
					s3 = s
				}
			}
			if s3 == nil {
				t.Fatal("no scene for heading \"Test 3:\"")
			}
			want := []string{"List item 1", "List item 2", "  List item 1.1", "  List item 1.2", "  List item 1.3", "List item 3"}
			if got := bulletTexts(s3.Bullets); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("nesting = %q, want %q", got, want)
			}
		}},
		{"stress023.docx", nil, func(t *testing.T, res *Result, c *course.Course) {
			all := ""
			for _, s := range allScenes(c) {
				all += s.Narration + "\n"
				if n := len(strings.Fields(s.Narration)); n > 150 {
					t.Errorf("scene %s narration has %d words, over 150", s.ID, n)
				}
			}
			if !strings.Contains(all, "lots which contain existing or proposed single-family dwellings and existing two-family and multifamily dwellings;") {
				t.Error("tracked insertion missing or deletion kept")
			}
			if strings.Contains(all, "which contain an existing") {
				t.Error("deleted text kept")
			}
		}},
		{"61787.docx", nil, func(t *testing.T, res *Result, c *course.Course) {
			if res.Lessons < 2 {
				t.Errorf("lessons = %d; Heading 1s should split the document", res.Lessons)
			}
		}},
		{"category-level.docx", nil, nil},
		{"go-lecture.pdf", nil, func(t *testing.T, res *Result, c *course.Course) {
			if res.Scenes != 41 {
				t.Errorf("pages = %d, want 41", res.Scenes)
			}
			if s := scene(t, c, "go-lecture-p01"); s.Title != "Some Trucs and Machins about Google Go" {
				t.Errorf("page 1 title = %q", s.Title)
			}
			if s := scene(t, c, "go-lecture-p06"); !strings.HasPrefix(s.Title, "Aparté") {
				t.Errorf("page 6 title = %q, want the accent kept", s.Title)
			}
		}},
		{"copy-protected.pdf", nil, func(t *testing.T, res *Result, c *course.Course) {
			if res.Scenes != 2 {
				t.Errorf("pages = %d, want 2", res.Scenes)
			}
			if !strings.Contains(scene(t, c, "copy-protected-p01").Narration, "LayoutParser") {
				t.Error("page 1 text not read from the (empty-password) encrypted PDF")
			}
		}},
		{"google-doc-document.pdf", nil, func(t *testing.T, res *Result, c *course.Course) {
			n := scene(t, c, "google-doc-document-p01").Narration
			if !strings.Contains(n, "Beautiful is better than ugly.") || !strings.Contains(n, "Ñ") {
				t.Errorf("page text = %q", n)
			}
		}},
		{"list-item-example.pdf", nil, nil},
	}
	for _, tt := range tests {
		name := tt.file
		if tt.opts != nil {
			name += "/options"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := Options{Inputs: []string{td(tt.file)}}
			if tt.opts != nil {
				tt.opts(&opts)
			}
			res, c, _ := ingestT(t, opts)
			for _, s := range allScenes(c) {
				if strings.TrimSpace(s.Narration) == "" && countWarnings(res.Warnings, "silent") == 0 {
					t.Errorf("scene %s has empty narration and no warning", s.ID)
				}
			}
			for _, a := range res.Assets {
				if _, err := os.Stat(filepath.Join(filepath.Dir(res.CoursePath), a)); err != nil {
					t.Errorf("asset %s not written: %v", a, err)
				}
			}
			if tt.check != nil {
				tt.check(t, res, c)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSharedCorpus ingests every document of the shared corpus (when it is
// next to the repository, as in development and CI).
func TestSharedCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.*"))
	if len(files) == 0 {
		// The copies in testdata/ (TestCorpus) are what the suite relies on;
		// the full shared corpus is a bonus where the workspace has it.
		t.Skip("shared corpus not found")
	}
	for _, f := range files {
		if _, err := os.Stat(td(filepath.Base(f))); err == nil && raceEnabled {
			continue // TestCorpus covers it; the race detector makes PDFs slow
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			res, c, _ := ingestT(t, Options{Inputs: []string{f}})
			if res.Scenes == 0 || len(c.Lessons) == 0 {
				t.Errorf("no scenes from %s", f)
			}
		})
	}
}

func TestSeveralInputsOneCourse(t *testing.T) {
	res, c, data := ingestT(t, Options{Inputs: []string{td("powerpoint_sample.pptx"), td("word_sample.docx"), td("go-lecture.pdf")}, Template: "modern", Language: "pt-BR"})
	if res.Lessons != 3 || len(c.Lessons) != 3 {
		t.Fatalf("lessons = %d", res.Lessons)
	}
	if c.Language != "pt-BR" || c.Template != "modern" {
		t.Errorf("course language %q template %q", c.Language, c.Template)
	}
	for _, want := range []string{
		"# Lesson 1: Test Table Slide (from powerpoint_sample.pptx, slides 1–3)",
		"# Lesson 2: Swimming in the lake (from word_sample.docx)",
		"# Lesson 3: Some Trucs and Machins about Google Go (from go-lecture.pdf, pages 1–41)",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("missing lesson comment %q", want)
		}
	}
	// Composed narration follows the course language.
	if n := scene(t, c, "powerpoint_sample-s01").Narration; !strings.HasPrefix(n, "Esta tabela mostra Test Table Slide. Primeiro, ") {
		t.Errorf("Portuguese composed narration = %q", n)
	}
}

func TestReingestIsStable(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "course.yaml")
	opts := Options{Inputs: []string{td("bug62513.pptx"), td("word_sample.docx")}, Output: out}
	if _, err := Ingest(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(out)
	opts.Force = true
	res, err := Ingest(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(out)
	if !bytes.Equal(first, second) {
		t.Error("re-ingest changed the course file")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "assets", "*", "*"))
	if len(files) != len(res.Assets) {
		t.Errorf("%d asset files on disk, %d reported: re-ingest must reuse content-hash names", len(files), len(res.Assets))
	}
}

func TestNeverOverwritesWithoutForce(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "course.yaml")
	os.WriteFile(out, []byte("mine\n"), 0o644)
	_, err := Ingest(context.Background(), Options{Inputs: []string{td("powerpoint_sample.pptx")}, Output: out})
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Input || fe.Kind.ExitCode() != 2 {
		t.Fatalf("err = %v, want an input error", err)
	}
	if !strings.Contains(err.Error(), "course.yaml") || !strings.Contains(strings.Join(fe.Hints, " "), "--force") {
		t.Errorf("message %q hints %q should name the file and --force", err, fe.Hints)
	}
	if got, _ := os.ReadFile(out); string(got) != "mine\n" {
		t.Error("existing file was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "assets")); !os.IsNotExist(err) {
		t.Error("assets written although the course was refused")
	}
	if _, err := Ingest(context.Background(), Options{Inputs: []string{td("powerpoint_sample.pptx")}, Output: out, Force: true}); err != nil {
		t.Fatalf("with Force: %v", err)
	}
}

func TestGolden(t *testing.T) {
	for _, f := range []string{"powerpoint_sample.pptx", "word_sample.docx"} {
		t.Run(f, func(t *testing.T) {
			_, _, data := ingestT(t, Options{Inputs: []string{td(f)}})
			golden := filepath.Join("testdata", "TestGolden", f+".yaml.golden")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(data, want) {
				t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, data)
			}
		})
	}
}

func TestKeepLookPDF(t *testing.T) {
	testtool.Require(t, "pdftoppm")
	res, c, _ := ingestT(t, Options{Inputs: []string{td("google-doc-document.pdf")}, KeepLook: true})
	s := scene(t, c, "google-doc-document-p01")
	if s.Layout != "slide-image" || s.Image == "" {
		t.Fatalf("layout %q image %q", s.Layout, s.Image)
	}
	f, err := os.Open(filepath.Join(filepath.Dir(res.CoursePath), s.Image))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != PageWidth {
		t.Errorf("page image width %d, want %d", cfg.Width, PageWidth)
	}
	if !strings.Contains(s.Narration, "Beautiful is better than ugly") {
		t.Errorf("narration = %q", s.Narration)
	}
}

func TestKeepLookWithoutTools(t *testing.T) {
	defer func(f func(string) (string, error)) { lookPath = f }(lookPath)
	lookPath = func(name string) (string, error) {
		if name == "soffice" {
			return "", exec.ErrNotFound
		}
		return exec.LookPath(name)
	}
	res, c, _ := ingestT(t, Options{Inputs: []string{td("powerpoint_sample.pptx")}, KeepLook: true})
	if countWarnings(res.Warnings, "soffice not installed: --keep-look falls back to the template layout") != 1 ||
		countWarnings(res.Warnings, "libreoffice-impress") != 1 {
		t.Errorf("warnings = %q", res.Warnings)
	}
	if s := scene(t, c, "powerpoint_sample-s02"); s.Layout != "bullets" {
		t.Errorf("fallback layout = %q", s.Layout)
	}
}

func TestTwoThousandPagePDF(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	path := filepath.Join(t.TempDir(), "big.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	pages := 2000
	if raceEnabled {
		pages = 300
	}
	if err := gen.PDF(f, pages, func(i int) []string {
		return []string{"Chapter " + strconv.Itoa(i+1), "The first point of this page.", "Another point."}
	}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res, c, _ := ingestT(t, Options{Inputs: []string{path}})
	if res.Scenes != pages {
		t.Fatalf("scenes = %d", res.Scenes)
	}
	id := fmt.Sprintf("big-p%0*d", len(strconv.Itoa(pages)), pages-1)
	if s := scene(t, c, id); s.Title != fmt.Sprintf("Chapter %d", pages-1) {
		t.Errorf("page %d title = %q", pages-1, s.Title)
	}
}
