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
	// About 10 minutes at 175 words per minute.
	if words < 1600 || words > 1900 {
		t.Fatalf("%d words, want about 1750", words)
	}
}
