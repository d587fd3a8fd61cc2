package narrate

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/fault"
)

// batchTone is a toneProvider that also batches: each batched text gets
// exactly the audio Synthesize would give it, so a correct pipeline makes
// the same narration either way.
type batchTone struct {
	*toneProvider
	plain    *toneProvider   // same settings; speaks batched texts
	refuse   string          // texts containing this are not Batchable
	notOK    map[string]bool // texts whose result is marked not OK
	short    bool            // return one result too few
	batchErr error

	bmu     sync.Mutex
	batches [][]string
}

func (b *batchTone) Batchable(req Request) bool {
	return b.refuse == "" || !strings.Contains(req.Text, b.refuse)
}

func (b *batchTone) SynthesizeBatch(ctx context.Context, reqs []Request) ([]BatchResult, error) {
	var texts []string
	for _, r := range reqs {
		texts = append(texts, r.Text)
	}
	b.bmu.Lock()
	b.batches = append(b.batches, texts)
	b.bmu.Unlock()
	if b.batchErr != nil {
		return nil, b.batchErr
	}
	var out []BatchResult
	for _, r := range reqs {
		res, err := b.tone(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, BatchResult{Result: res, OK: !b.notOK[r.Text]})
	}
	if b.short {
		out = out[:len(out)-1]
	}
	return out, nil
}

// tone makes a text's audio without recording a Synthesize call.
func (b *batchTone) tone(ctx context.Context, r Request) (Result, error) {
	return b.plain.Synthesize(ctx, r)
}

func (b *batchTone) batched() [][]string {
	b.bmu.Lock()
	defer b.bmu.Unlock()
	return slices.Clone(b.batches)
}

const batchText = "One is first. Two is second, and three comes next. [pause 0.5s] Four is fourth! Is five fifth?"

func sameNarration(t *testing.T, got, want *Narration) {
	t.Helper()
	if !slices.Equal(got.Audio.Samples, want.Audio.Samples) || got.Audio.Rate != want.Audio.Rate {
		t.Errorf("audio differs: got %v, want %v", got, want)
	}
	if !slices.Equal(got.Cues, want.Cues) {
		t.Errorf("cues differ:\ngot  %v\nwant %v", got.Cues, want.Cues)
	}
	if !slices.Equal(got.Words, want.Words) {
		t.Errorf("words differ:\ngot  %v\nwant %v", got.Words, want.Words)
	}
}

func perChunkNarration(t *testing.T, text string, maxCue float64) *Narration {
	t.Helper()
	p := &toneProvider{rate: 8000, lead: 0.02, trail: 0.1, perRune: 0.005}
	n, err := Synthesize(context.Background(), p, NarrationRequest{Text: text, MaxCueSeconds: maxCue})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newBatchTone() *batchTone {
	return &batchTone{
		toneProvider: &toneProvider{rate: 8000, lead: 0.02, trail: 0.1, perRune: 0.005},
		plain:        &toneProvider{rate: 8000, lead: 0.02, trail: 0.1, perRune: 0.005},
	}
}

func TestSynthesizeBatch(t *testing.T) {
	want := perChunkNarration(t, batchText, 0)
	chunks := []string{"One is first.", "Two is second, and three comes next.", "Four is fourth!", "Is five fifth?"}
	ctx := context.Background()

	t.Run("all chunks in one call", func(t *testing.T) {
		p := newBatchTone()
		got, err := Synthesize(ctx, p, NarrationRequest{Text: batchText, Concurrency: 3})
		if err != nil {
			t.Fatal(err)
		}
		sameNarration(t, got, want)
		if b := p.batched(); len(b) != 1 || !slices.Equal(b[0], chunks) {
			t.Errorf("batches = %q", b)
		}
		if calls := p.texts(); len(calls) != 0 {
			t.Errorf("single calls = %q", calls)
		}
	})
	t.Run("batches fit MaxChars", func(t *testing.T) {
		p := newBatchTone()
		p.maxChars = 40
		got, err := Synthesize(ctx, p, NarrationRequest{Text: batchText})
		if err != nil {
			t.Fatal(err)
		}
		sameNarration(t, got, want)
		var all []string
		for _, b := range p.batched() {
			n := 0
			for _, s := range b {
				n += utf8.RuneCountInString(s)
			}
			if n > 40 {
				t.Errorf("batch %q holds %d runes", b, n)
			}
			all = append(all, b...)
		}
		all = append(all, p.texts()...) // a lone chunk is spoken with Synthesize
		slices.Sort(all)
		sorted := slices.Sorted(slices.Values(chunks))
		if !slices.Equal(all, sorted) {
			t.Errorf("spoken %q, want each of %q once", all, sorted)
		}
	})
	t.Run("not batchable", func(t *testing.T) {
		p := newBatchTone()
		p.refuse = "second"
		got, err := Synthesize(ctx, p, NarrationRequest{Text: batchText})
		if err != nil {
			t.Fatal(err)
		}
		sameNarration(t, got, want)
		if calls := p.texts(); !slices.Equal(calls, []string{"Two is second, and three comes next."}) {
			t.Errorf("single calls = %q", calls)
		}
	})
	t.Run("not OK falls back", func(t *testing.T) {
		p := newBatchTone()
		p.notOK = map[string]bool{"Four is fourth!": true, "One is first.": true}
		got, err := Synthesize(ctx, p, NarrationRequest{Text: batchText, Concurrency: 2})
		if err != nil {
			t.Fatal(err)
		}
		sameNarration(t, got, want)
		calls := p.texts()
		slices.Sort(calls)
		if !slices.Equal(calls, []string{"Four is fourth!", "One is first."}) {
			t.Errorf("single calls = %q", calls)
		}
	})
	t.Run("wrong result count falls back", func(t *testing.T) {
		p := newBatchTone()
		p.short = true
		got, err := Synthesize(ctx, p, NarrationRequest{Text: batchText})
		if err != nil {
			t.Fatal(err)
		}
		sameNarration(t, got, want)
		if calls := p.texts(); len(calls) != len(chunks) {
			t.Errorf("single calls = %q", calls)
		}
	})
	t.Run("long batched chunk is split at new calls", func(t *testing.T) {
		text := "This sentence is rather long and keeps going for a while."
		want := perChunkNarration(t, text, 0.2)
		p := newBatchTone()
		got, err := Synthesize(ctx, p, NarrationRequest{Text: text + " Short one.", MaxCueSeconds: 0.2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Cues) < len(want.Cues)+1 || !slices.Equal(got.Cues[:len(want.Cues)], want.Cues) {
			t.Errorf("cues = %v, want %v first", got.Cues, want.Cues)
		}
		if len(p.batched()) != 1 || len(p.texts()) < 2 {
			t.Errorf("batches %q, single calls %q", p.batched(), p.texts())
		}
	})
	t.Run("word-timed sentences are not batched", func(t *testing.T) {
		p := newBatchTone()
		p.words, p.plain.words = true, true
		wp := struct {
			*batchTone
			WordTimer
		}{p, wordTone{p.toneProvider}}
		if _, err := Synthesize(ctx, wp, NarrationRequest{Text: batchText}); err != nil {
			t.Fatal(err)
		}
		if b := p.batched(); len(b) != 0 {
			t.Errorf("batches = %q", b)
		}
	})
	t.Run("errors", func(t *testing.T) {
		p := newBatchTone()
		p.batchErr = errors.New("HTTP 503")
		_, err := Synthesize(ctx, p, NarrationRequest{Text: batchText})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Provider || !strings.Contains(fe.Msg, "tone: HTTP 503") {
			t.Errorf("err = %v", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		p = newBatchTone()
		p.batchErr = context.Canceled
		if _, err := Synthesize(cctx, p, NarrationRequest{Text: batchText}); fault.KindOf(err) != fault.Cancelled {
			t.Errorf("cancelled: err = %v", err)
		}
	})
}
