package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/testtool"
)

// TestIngestValidateBuild runs the whole path on real documents written by
// other people: a PPTX with speaker notes, a DOCX and a PDF become one course
// that validates and builds into playable lessons.
func TestIngestValidateBuild(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "espeak-ng")
	dir := t.TempDir()
	coursePath := filepath.Join(dir, "course.yaml")
	docs := []string{"powerpoint_sample.pptx", "category-level.docx", "google-doc-document.pdf"}
	args := []string{"ingest"}
	for _, d := range docs {
		args = append(args, filepath.Join("..", "ingest", "testdata", d))
	}
	args = append(args, "-o", coursePath)
	env, _, errb := testEnv(nil)
	if code := Run(context.Background(), args, env); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errb.String())
	}
	env, _, errb = testEnv(nil)
	if code := Run(context.Background(), []string{"validate", coursePath}, env); code != 0 {
		t.Fatalf("validate: exit %d: %s", code, errb.String())
	}
	env, _, errb = testEnv(nil)
	if code := Run(context.Background(), []string{"build", coursePath, "-q"}, env); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errb.String())
	}
	c, err := course.Load(coursePath)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Lessons) < len(docs) {
		t.Fatalf("%d lessons from %d documents", len(c.Lessons), len(docs))
	}
	var outs []string
	for _, l := range c.Lessons {
		outs = append(outs, filepath.Join(dir, "out", l.ID+".mp4"))
	}
	for _, mp4 := range outs {
		p, err := ffmpeg.New().ProbeFile(context.Background(), mp4)
		if err != nil {
			t.Fatal(err)
		}
		v, a := p.Stream("video"), p.Stream("audio")
		if v == nil || a == nil || v.CodecName != "h264" || a.CodecName != "aac" || len(p.Chapters) == 0 {
			t.Errorf("%s: streams %+v chapters %d", mp4, p.Streams, len(p.Chapters))
		}
	}
	// Ingesting again without --force refuses to overwrite.
	env, _, errb = testEnv(nil)
	if code := Run(context.Background(), args, env); code != 2 {
		t.Fatalf("second ingest without --force: exit %d, want 2: %s", code, errb.String())
	}
}
