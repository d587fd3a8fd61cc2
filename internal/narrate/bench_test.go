package narrate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/espeak"
	"github.com/tecno-video/tecno/internal/testtool"
)

// benchText is about 150 words of ordinary lesson narration.
const benchText = `Welcome to this lesson on version control. In the next few minutes, we will look at why teams use Git, how a repository stores history, and what happens when two people change the same file. A repository is a folder with a memory: every commit records a snapshot of your files, together with a message that explains the change. Branches let you try an idea without disturbing the main line of work. When the idea is ready, you merge it back, and Git combines the histories. Sometimes two branches change the same lines, and Git cannot decide which version to keep. That is a merge conflict, and it is not an error: it is a question. You answer it by editing the file, choosing the right lines, and committing the result. By the end of this lesson, you will be able to create a repository, commit changes, and resolve a simple conflict on your own.`

// BenchmarkEspeakNarration compares the chunked Synthesize (real cue
// timings: one espeak-ng process for the one-clause chunks, batched, and one
// per other chunk) with a single espeak-ng call on the whole text (no cue
// timings at all). Run with:
//
//	go test -run '^$' -bench EspeakNarration -benchtime 5x ./internal/narrate/
func BenchmarkEspeakNarration(b *testing.B) {
	testtool.Require(b, "espeak-ng")
	if n := len(strings.Fields(benchText)); n < 140 || n > 160 {
		b.Fatalf("bench text has %d words", n)
	}
	voice := course.Voice{Name: "en-us"}
	ctx := context.Background()
	b.Run("whole-text-one-call", func(b *testing.B) {
		p := espeak.New()
		var audio float64
		for b.Loop() {
			res, err := p.Synthesize(ctx, narrate.Request{Text: benchText, Voice: voice})
			if err != nil {
				b.Fatal(err)
			}
			audio = res.Audio.Duration()
		}
		b.ReportMetric(audio, "audio-s")
	})
	for _, c := range []struct {
		name        string
		concurrency int
	}{{"chunked-serial", 1}, {"chunked-2-at-once", 2}, {"chunked-4-at-once", 4}} {
		b.Run(c.name, func(b *testing.B) {
			p := espeak.New()
			var n *narrate.Narration
			for b.Loop() {
				var err error
				n, err = narrate.Synthesize(ctx, p, narrate.NarrationRequest{Text: benchText, Voice: voice, Concurrency: c.concurrency})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(n.Audio.Duration(), "audio-s")
			b.ReportMetric(float64(len(n.Cues)), "cues")
		})
	}
}

// batchBenchText is a realistic six-sentence narration of about 90 words,
// with the commas, questions and exclamations lesson text has.
const batchBenchText = `Every file on your computer is stored as a long sequence of bits. A bit can only be zero or one, so how do we store text? We group bits into bytes and give every letter a number. The letter A, for example, is sixty-five in the ASCII table. Modern systems use Unicode, which covers almost every writing system in the world! In the next lesson, we will look at how these numbers are saved to disk and read back again.`

// perChunkOnly hides a provider's Batcher, so Synthesize makes one provider
// call per chunk.
type perChunkOnly struct{ narrate.Provider }

// BenchmarkEspeakBatch compares per-chunk synthesis (one espeak-ng process
// per cue) with batched synthesis (one process for the one-clause chunks,
// one each for the others), both serial. The batched provider is warmed up
// first: its calibrations are measured once per voice and speed, as in a
// build. Run with:
//
//	go test -run '^$' -bench EspeakBatch -benchtime 20x ./internal/narrate/
func BenchmarkEspeakBatch(b *testing.B) {
	testtool.Require(b, "espeak-ng")
	if n := len(strings.Fields(batchBenchText)); n < 80 || n > 100 {
		b.Fatalf("bench text has %d words", n)
	}
	ctx := context.Background()
	req := narrate.NarrationRequest{Text: batchBenchText, Voice: course.Voice{Name: "en-us"}}
	for _, c := range []struct {
		name string
		p    narrate.Provider
	}{{"per-chunk", perChunkOnly{espeak.New()}}, {"batched", espeak.New()}} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := narrate.Synthesize(ctx, c.p, req); err != nil {
				b.Fatal(err)
			}
			var n *narrate.Narration
			for b.Loop() {
				var err error
				n, err = narrate.Synthesize(ctx, c.p, req)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(n.Audio.Duration(), "audio-s")
			b.ReportMetric(float64(len(n.Cues)), "cues")
		})
	}
}
