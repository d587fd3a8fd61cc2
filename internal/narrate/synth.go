package narrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// StageVersion identifies how Synthesize turns text into audio and cues
// (sentence splitting, chunking, silence detection, joining). Bump it when
// a change alters the output for the same input, so cached narrations are
// redone.
//
// Version 2: chunks may be spoken in batches (Batcher); for espeak-ng the
// batched audio differs from the per-chunk audio by a few samples of
// waveform and up to ~10 ms of silence per chunk.
const StageVersion = 2

// DefaultMaxCueSeconds is the longest a cue may last before Synthesize cuts
// it again at a real timing point.
const DefaultMaxCueSeconds = 7.0

// FallbackRate is the sample rate of a narration that holds no speech at
// all (empty text, or only pauses).
const FallbackRate = 22050

// NarrationRequest is the narration of one scene.
type NarrationRequest struct {
	Text     string // narration as written, with optional [pause 1.5s] markers
	Voice    course.Voice
	Language string            // BCP 47; defaults to Voice.Language
	Lexicon  map[string]string // pronunciation lexicon, applied to spoken text only
	// Concurrency is how many provider calls may run at once; < 1 means 1.
	Concurrency int
	// MaxCueSeconds bounds a cue's length; 0 means DefaultMaxCueSeconds.
	// A longer cue is cut at a real timing point: a word timing, or the
	// boundary of a new, smaller synthesis call.
	MaxCueSeconds float64
	// SilenceThreshold is passed to SpeechBounds; 0 means
	// DefaultSilenceThreshold.
	SilenceThreshold float64
}

// Narration is a scene's audio with its subtitle cues.
type Narration struct {
	// Audio is the whole narration. Its Rate is always set (FallbackRate
	// when nothing was spoken).
	Audio Audio
	// Cues are subtitle cues in order, at most MaxCueChars runes each,
	// timed from real audio: each cue hugs the speech of its chunk. Cue
	// text is the original narration text (no lexicon, no pause markers).
	Cues []Timing
	// Words holds word timings, with original text, when the provider
	// reported them; nil otherwise. Every word lies inside one cue.
	Words []Timing
}

// Synthesize speaks req.Text with p. The text is split into sentences and
// each sentence into chunks of at most MaxCueChars runes (at clause
// punctuation, else at word boundaries). Each chunk is synthesized on its
// own so that every cue's start and end come from real audio: the leading
// and trailing silence of each chunk is measured from its samples. When p
// reports word timings (it implements WordTimer), whole sentences are
// synthesized and cues are cut at word timings instead; a sentence whose
// word timings cannot be matched to its text falls back to per-chunk
// synthesis. When p implements Batcher, the chunks it accepts are spoken
// several per call (see Batcher); the rest of the pipeline is the same.
// Chunks are joined in order, with silence for pause markers. Empty text
// gives an empty narration and no error.
func Synthesize(ctx context.Context, p Provider, req NarrationRequest) (*Narration, error) {
	segs, err := ParseNarration(req.Text)
	if err != nil {
		return nil, err
	}
	if len(segs) == 0 {
		return &Narration{Audio: Audio{Rate: FallbackRate}}, nil
	}
	if p == nil {
		return nil, errors.New("narrate: no provider")
	}
	s := &synth{
		p:         p,
		req:       req,
		lex:       lexicon(req.Lexicon),
		limit:     MaxCueChars,
		maxChars:  p.MaxChars(),
		maxCue:    req.MaxCueSeconds,
		threshold: req.SilenceThreshold,
	}
	if s.req.Language == "" {
		s.req.Language = req.Voice.Language
	}
	if s.maxChars > 0 && s.maxChars < s.limit {
		s.limit = s.maxChars
	}
	if s.maxCue <= 0 {
		s.maxCue = DefaultMaxCueSeconds
	}
	if wt, ok := p.(WordTimer); ok && wt.WordTimings(req.Voice) {
		s.words = true
	}
	if b, ok := p.(Batcher); ok {
		s.batcher = b
	}
	s.plan(segs)
	if err := s.run(ctx, max(1, req.Concurrency)); err != nil {
		return nil, err
	}
	return s.assemble()
}

// synth is one Synthesize call.
type synth struct {
	p         Provider
	req       NarrationRequest
	lex       lexiconList
	limit     int     // chunk size in runes
	maxChars  int     // provider limit, <= 0 for none
	maxCue    float64 // seconds
	threshold float64
	words     bool    // provider reports word timings
	batcher   Batcher // nil when the provider cannot batch

	jobs    []job
	results [][]piece
}

// job is one unit of work: a pause, a sentence spoken whole (word-timed
// providers) or a chunk.
type job struct {
	pause      float64
	text       string // original text of the sentence or chunk
	chunks     []span // sentence jobs: the chunks of text
	sentence   bool
	prev, next string // original text around the job, for prosody context
}

// piece is one provider call's audio with cues and words relative to it,
// or a pause.
type piece struct {
	audio Audio
	pause float64
	cues  []Timing
	words []Timing
}

// plan turns segments into jobs.
func (s *synth) plan(segs []Segment) {
	for _, seg := range segs {
		if seg.Pause > 0 {
			s.jobs = append(s.jobs, job{pause: seg.Pause})
			continue
		}
		for _, sent := range SplitSentences(seg.Text) {
			chunks := chunkSentence(sent, s.limit)
			if len(chunks) == 0 {
				continue
			}
			if s.words && (s.maxChars <= 0 || utf8.RuneCountInString(s.lex.apply(sent).spoken) <= s.maxChars) {
				s.jobs = append(s.jobs, job{text: sent, chunks: chunks, sentence: true})
				continue
			}
			for _, c := range chunks {
				s.jobs = append(s.jobs, job{text: sent[c.a:c.b]})
			}
		}
	}
	// Context for prosody: the neighbouring spoken text, across pauses.
	var text []int
	for i, j := range s.jobs {
		if j.pause == 0 {
			text = append(text, i)
		}
	}
	for k, i := range text {
		if k > 0 {
			s.jobs[i].prev = s.jobs[text[k-1]].text
		}
		if k+1 < len(text) {
			s.jobs[i].next = s.jobs[text[k+1]].text
		}
	}
}

// run does the jobs with at most workers provider calls at once: first the
// work units (batches and single jobs), then, each on its own, the chunks a
// batch could not separate. The first failure cancels the rest.
func (s *synth) run(ctx context.Context, workers int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.results = make([][]piece, len(s.jobs))
	var (
		mu       sync.Mutex
		firstErr error
		fallback []int
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil || isContextErr(firstErr) && !isContextErr(err) {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	units := s.units()
	pool(ctx, workers, len(units), func(k int) {
		u := units[k]
		if u.batch {
			fb, err := s.batch(ctx, u)
			if err != nil {
				fail(err)
				return
			}
			mu.Lock()
			fallback = append(fallback, fb...)
			mu.Unlock()
			return
		}
		i := u.jobs[0]
		ps, err := s.do(ctx, s.jobs[i])
		if err != nil {
			fail(err)
			return
		}
		s.results[i] = ps
	})
	if firstErr == nil && ctx.Err() == nil {
		pool(ctx, workers, len(fallback), func(k int) {
			i := fallback[k]
			ps, err := s.do(ctx, s.jobs[i])
			if err != nil {
				fail(err)
				return
			}
			s.results[i] = ps
		})
	}
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// pool calls f(0..n-1) on at most workers goroutines, stopping the feed when
// ctx is done.
func pool(ctx context.Context, workers, n int, f func(int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for k := range work {
				f(k)
			}
		})
	}
feed:
	for k := range n {
		select {
		case work <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func (s *synth) do(ctx context.Context, j job) ([]piece, error) {
	switch {
	case j.pause > 0:
		return []piece{{pause: j.pause}}, nil
	case j.sentence:
		return s.sentence(ctx, j)
	default:
		return s.chunk(ctx, j.text, j.prev, j.next)
	}
}

// request is the provider request for spoken text.
func (s *synth) request(spoken, prev, next string) Request {
	return Request{
		Text:         spoken,
		Voice:        s.req.Voice,
		Language:     s.req.Language,
		PreviousText: s.lex.apply(prev).spoken,
		NextText:     s.lex.apply(next).spoken,
	}
}

// call asks the provider for speech and checks what comes back.
func (s *synth) call(ctx context.Context, text, prev, next string) (Result, error) {
	res, err := s.p.Synthesize(ctx, s.request(text, prev, next))
	if err != nil {
		return Result{}, s.providerError(ctx, err)
	}
	if err := s.checkResult(res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// providerError turns a provider failure into the error Synthesize returns.
func (s *synth) providerError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var fe *fault.Error
	if errors.As(err, &fe) || isContextErr(err) {
		return err
	}
	return fault.New(fault.Provider, "%s: %v", s.p.Name(), err).Wrap(err)
}

// checkResult rejects audio that cannot be joined.
func (s *synth) checkResult(res Result) error {
	if len(res.Audio.Samples) > 0 && res.Audio.Rate <= 0 {
		return fault.New(fault.Provider, "%s returned audio without a sample rate", s.p.Name())
	}
	return nil
}

// chunk synthesizes one chunk. A chunk whose speech lasts longer than
// maxCue is split in two and each half synthesized again, so that the cut
// is a real audio boundary.
func (s *synth) chunk(ctx context.Context, text, prev, next string) ([]piece, error) {
	m := s.lex.apply(text)
	if strings.TrimSpace(m.spoken) == "" {
		return nil, nil
	}
	res, err := s.call(ctx, m.spoken, prev, next)
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, text, prev, next, m, res)
}

// finish makes the piece of a chunk from its audio (m is the chunk's text
// with the lexicon applied): the cue hugs the speech, word timings are kept
// when they match, and speech longer than maxCue is split in two and each
// half synthesized again.
func (s *synth) finish(ctx context.Context, text, prev, next string, m lexMapped, res Result) ([]piece, error) {
	start, end := SpeechBounds(res.Audio, s.threshold)
	if end-start > s.maxCue {
		if a, b, ok := splitHalf(text); ok {
			pa, err := s.chunk(ctx, a, prev, b)
			if err != nil {
				return nil, err
			}
			pb, err := s.chunk(ctx, b, a, next)
			if err != nil {
				return nil, err
			}
			return append(pa, pb...), nil
		}
	}
	pc := piece{audio: res.Audio}
	if end > start {
		pc.cues = []Timing{{Text: text, Start: start, End: end}}
	}
	if ws, ok := alignWords(res.Words, m, res.Audio.Duration()); ok {
		pc.words = wordTimings(ws, text)
	}
	return []piece{pc}, nil
}

// sentence synthesizes a whole sentence and cuts its cues at the word
// timings the provider reports.
func (s *synth) sentence(ctx context.Context, j job) ([]piece, error) {
	m := s.lex.apply(j.text)
	if strings.TrimSpace(m.spoken) == "" {
		return nil, nil
	}
	res, err := s.call(ctx, m.spoken, j.prev, j.next)
	if err != nil {
		return nil, err
	}
	ws, ok := alignWords(res.Words, m, res.Audio.Duration())
	var groups [][]alignedWord
	if ok {
		groups = make([][]alignedWord, len(j.chunks))
		k := 0
		for _, w := range ws {
			for k+1 < len(j.chunks) && w.orig.a >= j.chunks[k+1].a {
				k++
			}
			groups[k] = append(groups[k], w)
		}
		for i, c := range j.chunks {
			if len(groups[i]) == 0 && hasWordRune(j.text[c.a:c.b]) {
				ok = false // spoken text with no timing: do not guess
			}
		}
	}
	if !ok {
		// No usable word timings: fall back to one call per chunk.
		var out []piece
		for i, c := range j.chunks {
			prev, next := j.prev, j.next
			if i > 0 {
				prev = j.text[j.chunks[i-1].a:j.chunks[i-1].b]
			}
			if i+1 < len(j.chunks) {
				next = j.text[j.chunks[i+1].a:j.chunks[i+1].b]
			}
			ps, err := s.chunk(ctx, j.text[c.a:c.b], prev, next)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
		return out, nil
	}
	pc := piece{audio: res.Audio, words: wordTimings(ws, j.text)}
	for i, c := range j.chunks {
		pc.cues = append(pc.cues, s.cutCue(j.text, c, groups[i])...)
	}
	return []piece{pc}, nil
}

// cutCue makes the cues of chunk c from its words, cutting at the word gap
// nearest the middle while a cue lasts longer than maxCue.
func (s *synth) cutCue(text string, c span, ws []alignedWord) []Timing {
	if len(ws) == 0 {
		return nil
	}
	start, end := ws[0].start, ws[len(ws)-1].end
	if end-start <= s.maxCue || len(ws) < 2 {
		return []Timing{{Text: text[c.a:c.b], Start: start, End: end}}
	}
	mid := (start + end) / 2
	best := 1
	for k := 2; k < len(ws); k++ {
		if math.Abs(ws[k].start-mid) < math.Abs(ws[best].start-mid) {
			best = k
		}
	}
	cut := ws[best].orig.a
	left := trimSpan(text, span{c.a, cut})
	right := trimSpan(text, span{cut, c.b})
	return append(s.cutCue(text, left, ws[:best]), s.cutCue(text, right, ws[best:])...)
}

// splitHalf cuts text in two near its middle, at clause punctuation if
// there is one that leaves a few words on each side, else at a word
// boundary.
func splitHalf(text string) (string, string, bool) {
	sp := span{0, len(text)}
	cut, ok := clauseCut(text, sp, 8)
	if !ok {
		cuts := wordCuts(text, sp)
		if len(cuts) == 0 {
			return "", "", false
		}
		mid := len(text) / 2
		cut = cuts[0]
		for _, c := range cuts {
			if abs(c-mid) < abs(cut-mid) {
				cut = c
			}
		}
	}
	a, b := strings.TrimSpace(text[:cut]), strings.TrimSpace(text[cut:])
	if a == "" || b == "" {
		return "", "", false
	}
	return a, b, true
}

// assemble joins the pieces in order, checking that they share one rate.
func (s *synth) assemble() (*Narration, error) {
	rate := 0
	total := 0
	for _, ps := range s.results {
		for _, pc := range ps {
			if len(pc.audio.Samples) == 0 {
				continue
			}
			if rate == 0 {
				rate = pc.audio.Rate
			} else if pc.audio.Rate != rate {
				return nil, fault.New(fault.Provider, "%s returned audio at %d Hz and at %d Hz; cannot join the chunks of one narration", s.p.Name(), rate, pc.audio.Rate)
			}
			total += len(pc.audio.Samples)
		}
	}
	if rate == 0 {
		rate = FallbackRate
	}
	for _, ps := range s.results {
		for _, pc := range ps {
			if pc.pause > 0 {
				total += int(math.Round(pc.pause * float64(rate)))
			}
		}
	}
	n := &Narration{Audio: Audio{Rate: rate, Samples: make([]int16, 0, total)}}
	for _, ps := range s.results {
		for _, pc := range ps {
			off := float64(len(n.Audio.Samples)) / float64(rate)
			if pc.pause > 0 {
				n.Audio.Samples = append(n.Audio.Samples, make([]int16, int(math.Round(pc.pause*float64(rate))))...)
				continue
			}
			for _, c := range pc.cues {
				n.Cues = append(n.Cues, Timing{Text: c.Text, Start: off + c.Start, End: off + c.End})
			}
			for _, w := range pc.words {
				n.Words = append(n.Words, Timing{Text: w.Text, Start: off + w.Start, End: off + w.End})
			}
			n.Audio.Samples = append(n.Audio.Samples, pc.audio.Samples...)
		}
	}
	return n, nil
}

// alignedWord is a provider word located in the original text.
type alignedWord struct {
	orig       span // in the original text, widened to the whole token
	start, end float64
}

// alignWords finds each provider word, in order, in the spoken text and
// maps it back to the original text. Words that overlap in the original
// (a lexicon entry spoken as several words) merge. It reports false when
// there are no words or one cannot be found: timings are then not used.
func alignWords(words []Timing, m lexMapped, duration float64) ([]alignedWord, bool) {
	if len(words) == 0 {
		return nil, false
	}
	var out []alignedWord
	cursor := 0
	last := 0.0
	for _, w := range words {
		core := strings.TrimFunc(w.Text, func(r rune) bool { return !isWordRune(r) })
		if core == "" {
			continue
		}
		if math.IsNaN(w.Start) || math.IsNaN(w.End) || w.Start < last-0.001 || w.End < w.Start {
			return nil, false
		}
		last = w.Start
		idx, n := indexFold(m.spoken[cursor:], core)
		if idx < 0 {
			return nil, false
		}
		a := cursor + idx
		cursor = a + n
		o := widen(m.orig, span{m.origOffset(a), m.origEnd(cursor)})
		aw := alignedWord{orig: o, start: w.Start, end: min(w.End, duration)}
		if k := len(out) - 1; k >= 0 && o.a < out[k].orig.b {
			out[k].orig.b = max(out[k].orig.b, o.b)
			out[k].end = max(out[k].end, aw.end)
			continue
		}
		out = append(out, aw)
	}
	return out, len(out) > 0
}

// wordTimings turns aligned words into Timings with original text.
func wordTimings(ws []alignedWord, text string) []Timing {
	out := make([]Timing, len(ws))
	for i, w := range ws {
		out[i] = Timing{Text: text[w.orig.a:w.orig.b], Start: w.start, End: w.end}
	}
	return out
}

// origEnd maps an exclusive end offset of the spoken text to the original.
func (m lexMapped) origEnd(off int) int {
	for _, p := range m.pieces {
		if off > p.spoken.a && off <= p.spoken.b {
			if p.replaced {
				return p.orig.b
			}
			return p.orig.a + off - p.spoken.a
		}
	}
	return len(m.orig)
}

// widen grows sp over neighbouring punctuation up to spaces, so that a
// word carries its quotes and commas: "(SQL),".
func widen(s string, sp span) span {
	for sp.a > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:sp.a])
		if unicode.IsSpace(r) || isWordRune(r) {
			break
		}
		sp.a -= size
	}
	for sp.b < len(s) {
		r, size := utf8.DecodeRuneInString(s[sp.b:])
		if unicode.IsSpace(r) || isWordRune(r) {
			break
		}
		sp.b += size
	}
	return sp
}

// indexFold finds sub in s under simple case folding, returning the byte
// offset and length of the match, or -1.
func indexFold(s, sub string) (int, int) {
	for i := 0; i < len(s); {
		if n, ok := prefixFold(s[i:], sub); ok {
			return i, n
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return -1, 0
}

func hasWordRune(s string) bool {
	return strings.IndexFunc(s, isWordRune) >= 0
}

// CueWords returns the words of cue i (nil without word timings), for
// subtitle layout, which may split a long cue only at word timings.
func (n *Narration) CueWords(i int) []Timing {
	if i < 0 || i >= len(n.Cues) {
		return nil
	}
	c := n.Cues[i]
	const eps = 1e-6
	var out []Timing
	for _, w := range n.Words {
		if w.Start >= c.Start-eps && w.End <= c.End+eps {
			out = append(out, w)
		}
	}
	return out
}

// String describes a narration briefly, for logs and test failures.
func (n *Narration) String() string {
	return fmt.Sprintf("narration: %.3fs at %d Hz, %d cues, %d words", n.Audio.Duration(), n.Audio.Rate, len(n.Cues), len(n.Words))
}
