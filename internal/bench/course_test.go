package bench

import (
	"os"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
)

func TestReferenceCourseIsValidAndStable(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	pa, err := Course(a, 20, 30, "modern", 1)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := Course(b, 20, 30, "modern", 1)
	da, _ := os.ReadFile(pa)
	db, _ := os.ReadFile(pb)
	if string(da) != string(db) {
		t.Fatal("same seed, different course")
	}
	c, err := course.Load(pa)
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := course.Validate(c, course.Env{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	if n := len(c.Lessons[0].Scenes); n != 20 {
		t.Fatalf("%d scenes", n)
	}
	words := 0
	for _, s := range c.Lessons[0].Scenes {
		words += s.Words()
	}
	// About 10 minutes at 135 words per minute.
	if words < 1300 || words > 1600 {
		t.Fatalf("%d words, want about 1450", words)
	}
}

func TestPolishAddsTransitionsAndMusic(t *testing.T) {
	dir := t.TempDir()
	p, err := Course(dir, 3, 5, "modern", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/music.wav", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Polish(p, "music.wav"); err != nil {
		t.Fatal(err)
	}
	c, err := course.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := course.Validate(c, course.Env{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	l := c.Lessons[0]
	if tr := l.Scenes[1].TransitionFor(l, c); tr.Type != "crossfade" || tr.Duration != 0.5 {
		t.Errorf("transition %+v", tr)
	}
	if m := l.MusicFor(c); m == nil || m.File != "music.wav" {
		t.Errorf("music %+v", m)
	}
}
