package narrate

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Batcher is implemented by providers that can speak several chunks in one
// call (one engine process, one HTTP request) and still return each chunk's
// audio separately, as close as they can make it to what Synthesize would
// have returned for that chunk alone. Synthesize uses it for per-chunk
// synthesis only: sentences spoken whole for word timings are never batched.
//
// A batched chunk is treated exactly like one from Synthesize: its cue is
// measured on its audio with SpeechBounds, a chunk whose speech is longer
// than the cue limit is split and the halves synthesized one by one, and
// word timings, when present, are used. Chunks the provider does not take
// (Batchable false) or cannot separate reliably (BatchResult.OK false) are
// synthesized each on its own with Synthesize, exactly as without a
// Batcher: a batch that cannot be split costs time, not correctness.
type Batcher interface {
	// Batchable reports whether req may go in a batch. It must be cheap and
	// must not run the engine.
	Batchable(req Request) bool
	// SynthesizeBatch speaks every request and returns one BatchResult per
	// request, in order. A result whose OK is false, or an answer whose
	// length differs from len(reqs), makes the caller synthesize those
	// requests one by one instead. An error is a real failure (engine
	// missing, cancelled, bad voice) and fails the narration like an error
	// from Synthesize.
	SynthesizeBatch(ctx context.Context, reqs []Request) ([]BatchResult, error)
}

// Memo remembers a small value under key, computing it on first use (see
// cache.Cache.Memo).
type Memo func(key string, compute func() (string, error)) (string, error)

// Memoizer is implemented by providers that measure slow facts about
// their engine (espeak-ng's calibrations) and can keep them between runs.
type Memoizer interface {
	SetMemo(Memo)
}

// BatchResult is one request's share of a batch.
type BatchResult struct {
	Result
	// OK is false when the provider could not separate this request's
	// audio reliably; Result is then ignored.
	OK bool
}

// unit is one piece of work for the worker pool: a single job, or several
// chunk jobs spoken in one batch call.
type unit struct {
	jobs  []int
	batch bool
}

// units groups the jobs into work units. Without a Batcher every job is its
// own unit. With one, the chunk jobs the provider accepts are gathered, in
// order, into batches whose spoken text fits the provider's MaxChars; batch
// units come first so that the big calls start early.
func (s *synth) units() []unit {
	var batches, singles []unit
	var group []int
	runes := 0
	flush := func() {
		switch len(group) {
		case 0:
		case 1:
			singles = append(singles, unit{jobs: group})
		default:
			batches = append(batches, unit{jobs: group, batch: true})
		}
		group, runes = nil, 0
	}
	for i, j := range s.jobs {
		if s.batcher == nil || j.pause > 0 || j.sentence {
			singles = append(singles, unit{jobs: []int{i}})
			continue
		}
		spoken := s.lex.apply(j.text).spoken
		if strings.TrimSpace(spoken) == "" || !s.batcher.Batchable(s.request(spoken, j.prev, j.next)) {
			singles = append(singles, unit{jobs: []int{i}})
			continue
		}
		n := utf8.RuneCountInString(spoken)
		if s.maxChars > 0 && len(group) > 0 && runes+n > s.maxChars {
			flush()
		}
		group = append(group, i)
		runes += n
	}
	flush()
	return append(batches, singles...)
}

// batch speaks the chunk jobs of u in one provider call. It returns the jobs
// the provider could not separate; the caller synthesizes them one by one.
func (s *synth) batch(ctx context.Context, u unit) (fallback []int, err error) {
	reqs := make([]Request, len(u.jobs))
	mapped := make([]lexMapped, len(u.jobs))
	for k, i := range u.jobs {
		j := s.jobs[i]
		mapped[k] = s.lex.apply(j.text)
		reqs[k] = s.request(mapped[k].spoken, j.prev, j.next)
	}
	res, err := s.batcher.SynthesizeBatch(ctx, reqs)
	if err != nil {
		return nil, s.providerError(ctx, err)
	}
	if len(res) != len(reqs) {
		return u.jobs, nil
	}
	for k, i := range u.jobs {
		if !res[k].OK {
			fallback = append(fallback, i)
			continue
		}
		if err := s.checkResult(res[k].Result); err != nil {
			return nil, err
		}
		j := s.jobs[i]
		ps, err := s.finish(ctx, j.text, j.prev, j.next, mapped[k], res[k].Result)
		if err != nil {
			return nil, err
		}
		s.results[i] = ps
	}
	return fallback, nil
}
