package course

import (
	"fmt"
	"strings"
	"testing"
)

// bigCourse writes a course of lessons×scenes scenes, with comments.
func bigCourse(lessons, scenes int) []byte {
	var b strings.Builder
	b.WriteString("# generated\ncourse:\n  title: Big\nlessons:\n")
	for l := 0; l < lessons; l++ {
		fmt.Fprintf(&b, "  - id: l%d\n    title: Lesson %d\n    scenes:\n", l, l)
		for s := 0; s < scenes; s++ {
			fmt.Fprintf(&b, "      # scene %d\n      - id: l%d-s%d\n        layout: bullets\n        title: Scene %d\n        bullets:\n          - one\n          - two:\n              - sub\n        narration: |\n          Some narration for scene %d.\n          A second line.\n\n", s, l, s, s, s)
		}
	}
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	data := bigCourse(10, 50) // 500 scenes
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("course.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetNarration(b *testing.B) {
	data := bigCourse(10, 50)
	d := &Document{path: "course.yaml"}
	if err := d.set(data); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if err := d.SetNarration("l5-s25", fmt.Sprintf("Take %d.", i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkMoveScene(b *testing.B) {
	data := bigCourse(10, 50)
	d := &Document{path: "course.yaml"}
	if err := d.set(data); err != nil {
		b.Fatal(err)
	}
	delta := 1
	for b.Loop() {
		if err := d.MoveScene("l5-s25", delta); err != nil {
			b.Fatal(err)
		}
		delta = -delta
	}
}
