package narrate

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// toneProvider is a fake engine with exactly known timing: lead seconds of
// silence, then a square wave of perRune seconds per rune of text (with
// words: one burst per word and a perRune silent gap between words), then
// trail seconds of silence.
type toneProvider struct {
	rate        int
	lead, trail float64
	perRune     float64
	words       bool // implement WordTimer and report word timings
	badWords    bool // report words that are not in the text
	delay       time.Duration
	err         error
	rateFor     func(text string) int
	maxChars    int // 0 means 500

	mu          sync.Mutex
	calls       []Request
	inflight    int
	maxInflight int
}

func (p *toneProvider) Name() string { return "tone" }
func (p *toneProvider) Fingerprint(context.Context, course.Voice) (string, error) {
	return "tone", nil
}
func (p *toneProvider) MaxChars() int {
	if p.maxChars > 0 {
		return p.maxChars
	}
	return 500
}

type wordTone struct{ *toneProvider }

func (w wordTone) WordTimings(course.Voice) bool { return true }

func (p *toneProvider) Synthesize(ctx context.Context, req Request) (Result, error) {
	p.mu.Lock()
	p.calls = append(p.calls, req)
	p.inflight++
	p.maxInflight = max(p.maxInflight, p.inflight)
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inflight--
		p.mu.Unlock()
	}()
	if p.delay > 0 {
		select {
		case <-time.After(p.delay):
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}
	if p.err != nil {
		return Result{}, p.err
	}
	rate := p.rate
	if p.rateFor != nil {
		rate = p.rateFor(req.Text)
	}
	n := func(sec float64) int { return int(math.Round(sec * float64(rate))) }
	a := Audio{Rate: rate}
	silence := func(sec float64) { a.Samples = append(a.Samples, make([]int16, n(sec))...) }
	tone := func(sec float64) {
		for i := range n(sec) {
			v := int16(16000)
			if i%2 == 1 {
				v = -16000
			}
			a.Samples = append(a.Samples, v)
		}
	}
	var res Result
	silence(p.lead)
	if p.words {
		for i, w := range strings.Fields(req.Text) {
			if i > 0 {
				silence(p.perRune)
			}
			start := a.Duration()
			tone(p.perRune * float64(utf8.RuneCountInString(w)))
			text := w
			if p.badWords {
				text = "zzz"
			}
			res.Words = append(res.Words, Timing{Text: text, Start: start, End: a.Duration()})
		}
	} else {
		tone(p.perRune * float64(utf8.RuneCountInString(req.Text)))
	}
	silence(p.trail)
	res.Audio = a
	return res, nil
}

func (p *toneProvider) texts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, c := range p.calls {
		out = append(out, c.Text)
	}
	return out
}

// near fails the test unless got is within one sample of want.
func near(t *testing.T, what string, got, want float64, rate int) {
	t.Helper()
	if math.Abs(got-want) > 1.01/float64(rate) {
		t.Errorf("%s = %.5f, want %.5f", what, got, want)
	}
}

func TestSynthesizeCuesHugSpeech(t *testing.T) {
	p := &toneProvider{rate: 8000, lead: 0.1, trail: 0.2, perRune: 0.01}
	n, err := Synthesize(context.Background(), p, NarrationRequest{Text: "Hello world. This is tecno."})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.texts(), []string{"Hello world.", "This is tecno."}; !slices.Equal(got, want) {
		t.Fatalf("calls = %q, want %q", got, want)
	}
	if len(n.Cues) != 2 {
		t.Fatalf("cues = %+v", n.Cues)
	}
	// Chunk 1: 0.1 silence, 0.12 speech, 0.2 silence = 0.42 s.
	near(t, "cue 1 start", n.Cues[0].Start, 0.1, 8000)
	near(t, "cue 1 end", n.Cues[0].End, 0.22, 8000)
	near(t, "cue 2 start", n.Cues[1].Start, 0.42+0.1, 8000)
	near(t, "cue 2 end", n.Cues[1].End, 0.52+0.14, 8000)
	near(t, "duration", n.Audio.Duration(), 0.42+0.44, 8000)
	if n.Cues[0].Text != "Hello world." || n.Cues[1].Text != "This is tecno." {
		t.Errorf("cue texts = %q, %q", n.Cues[0].Text, n.Cues[1].Text)
	}
	if n.Words != nil {
		t.Errorf("words = %v, want nil from a provider without word timings", n.Words)
	}
	if p.calls[0].NextText != "This is tecno." || p.calls[1].PreviousText != "Hello world." {
		t.Errorf("context not passed: %+v", p.calls)
	}
}

func TestSynthesizeLexiconOnlySpoken(t *testing.T) {
	p := &toneProvider{rate: 8000, perRune: 0.01}
	n, err := Synthesize(context.Background(), p, NarrationRequest{
		Text:    "We use SQL daily.",
		Lexicon: map[string]string{"sql": "sequel"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.texts(); !slices.Equal(got, []string{"We use sequel daily."}) {
		t.Errorf("spoken = %q", got)
	}
	if len(n.Cues) != 1 || n.Cues[0].Text != "We use SQL daily." {
		t.Errorf("cues = %+v", n.Cues)
	}
	// The timing is that of the spoken text (20 runes), not the written.
	near(t, "cue end", n.Cues[0].End, 0.20, 8000)
}

func TestSynthesizePauses(t *testing.T) {
	p := &toneProvider{rate: 8000, lead: 0.05, trail: 0.05, perRune: 0.01}
	n, err := Synthesize(context.Background(), p, NarrationRequest{Text: "Hi. [pause 1.5s] Bye. [pause 250ms]"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.texts(); !slices.Equal(got, []string{"Hi.", "Bye."}) {
		t.Errorf("spoken = %q", got)
	}
	chunk1 := 0.05 + 0.03 + 0.05
	near(t, "cue 2 start", n.Cues[1].Start, chunk1+1.5+0.05, 8000)
	near(t, "duration", n.Audio.Duration(), chunk1+1.5+(0.05+0.04+0.05)+0.25, 8000)
	for _, c := range n.Cues {
		if strings.Contains(c.Text, "pause") || strings.Contains(c.Text, "[") {
			t.Errorf("pause marker in cue %q", c.Text)
		}
	}
	// The pause is digital silence.
	from := int(chunk1 * 8000)
	for i, s := range n.Audio.Samples[from : from+12000] {
		if s != 0 {
			t.Fatalf("sample %d in the pause is %d", from+i, s)
		}
	}
}

func TestSynthesizeLongSentenceChunks(t *testing.T) {
	sentence := "When the build finishes, tecno writes the video, the subtitles and a report next to the course file, so you can review everything at once."
	p := &toneProvider{rate: 8000, lead: 0.01, trail: 0.1, perRune: 0.01}
	n, err := Synthesize(context.Background(), p, NarrationRequest{Text: sentence})
	if err != nil {
		t.Fatal(err)
	}
	calls := p.texts()
	if len(calls) < 2 {
		t.Fatalf("calls = %q, want the sentence split", calls)
	}
	if len(n.Cues) != len(calls) {
		t.Fatalf("%d cues for %d calls", len(n.Cues), len(calls))
	}
	var texts []string
	for i, c := range n.Cues {
		if utf8.RuneCountInString(c.Text) > MaxCueChars {
			t.Errorf("cue %d has %d runes", i, utf8.RuneCountInString(c.Text))
		}
		if c.Text != calls[i] {
			t.Errorf("cue %d = %q, call = %q", i, c.Text, calls[i])
		}
		if i > 0 && c.Start < n.Cues[i-1].End {
			t.Errorf("cue %d overlaps the one before", i)
		}
		texts = append(texts, c.Text)
	}
	if strings.Join(texts, " ") != sentence {
		t.Errorf("cues do not rebuild the sentence: %q", texts)
	}
}

func TestSynthesizeSplitsLongCueAtNewCalls(t *testing.T) {
	// 0.1 s per rune: a 70-rune chunk speaks for 7.6 s, over the 7 s limit.
	text := "Slow narration needs shorter cues because nobody reads one this long."
	p := &toneProvider{rate: 8000, lead: 0.05, trail: 0.1, perRune: 0.11}
	n, err := Synthesize(context.Background(), p, NarrationRequest{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	calls := p.texts()
	if len(calls) != 3 || calls[0] != text {
		t.Fatalf("calls = %q, want the whole chunk then its two halves", calls)
	}
	if len(n.Cues) != 2 {
		t.Fatalf("cues = %+v", n.Cues)
	}
	for _, c := range n.Cues {
		if c.End-c.Start > DefaultMaxCueSeconds {
			t.Errorf("cue %q lasts %.2fs", c.Text, c.End-c.Start)
		}
	}
	if n.Cues[0].Text+" "+n.Cues[1].Text != text {
		t.Errorf("cue texts %q + %q", n.Cues[0].Text, n.Cues[1].Text)
	}
	// The audio holds only the two halves, not the first attempt.
	want := 2*(0.05+0.1) + 0.11*float64(utf8.RuneCountInString(text)-1)
	near(t, "duration", n.Audio.Duration(), want, 8000)

	t.Run("one long word is kept", func(t *testing.T) {
		p := &toneProvider{rate: 8000, perRune: 0.5}
		n, err := Synthesize(context.Background(), p, NarrationRequest{Text: "Pneumonoultramicroscopic"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.texts()) != 1 || len(n.Cues) != 1 {
			t.Errorf("calls %q, cues %+v", p.texts(), n.Cues)
		}
	})
}

func TestSynthesizeWordTimings(t *testing.T) {
	sentence := "When the build finishes, tecno writes the video, the subtitles and a report next to the course file."
	tp := &toneProvider{rate: 8000, lead: 0.05, trail: 0.2, perRune: 0.01, words: true}
	n, err := Synthesize(context.Background(), wordTone{tp}, NarrationRequest{Text: sentence + " Done."})
	if err != nil {
		t.Fatal(err)
	}
	if got := tp.texts(); !slices.Equal(got, []string{sentence, "Done."}) {
		t.Fatalf("calls = %q, want whole sentences", got)
	}
	chunks := chunkSentence(sentence, MaxCueChars)
	if len(n.Cues) != len(chunks)+1 {
		t.Fatalf("cues = %+v", n.Cues)
	}
	if len(n.Words) != len(strings.Fields(sentence))+1 {
		t.Fatalf("words = %+v", n.Words)
	}
	// Each cue runs from its first word's start to its last word's end.
	wi := 0
	for i, c := range n.Cues {
		nw := len(strings.Fields(c.Text))
		first, last := n.Words[wi], n.Words[wi+nw-1]
		if c.Start != first.Start || c.End != last.End {
			t.Errorf("cue %d %q: %.3f-%.3f, words %.3f-%.3f", i, c.Text, c.Start, c.End, first.Start, last.End)
		}
		if got := strings.Join(wordTexts(n.Words[wi:wi+nw]), " "); got != c.Text {
			t.Errorf("cue %d words %q, text %q", i, got, c.Text)
		}
		wi += nw
	}
	for i, c := range n.Cues {
		if got := strings.Join(wordTexts(n.CueWords(i)), " "); got != c.Text {
			t.Errorf("CueWords(%d) = %q, cue %q", i, got, c.Text)
		}
	}
	near(t, "first word start", n.Words[0].Start, 0.05, 8000)
	near(t, "first word end", n.Words[0].End, 0.05+0.04, 8000)
}

func wordTexts(ws []Timing) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Text)
	}
	return out
}

func TestSynthesizeWordTimingsLexicon(t *testing.T) {
	tp := &toneProvider{rate: 8000, perRune: 0.01, words: true}
	n, err := Synthesize(context.Background(), wordTone{tp}, NarrationRequest{
		Text:    "Learn (SQL), today.",
		Lexicon: map[string]string{"SQL": "structured query language"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := wordTexts(n.Words); !slices.Equal(got, []string{"Learn", "(SQL),", "today."}) {
		t.Fatalf("words = %q", got)
	}
	// "(SQL)," spans the three spoken words: from "(structured" to "language),".
	near(t, "SQL start", n.Words[1].Start, 0.06, 8000)
	near(t, "SQL end", n.Words[1].End, 0.06+0.11+0.01+0.05+0.01+0.10, 8000)
	if n.Cues[0].Text != "Learn (SQL), today." {
		t.Errorf("cue = %q", n.Cues[0].Text)
	}
}

func TestSynthesizeWordTimingsFallback(t *testing.T) {
	sentence := "When the build finishes, tecno writes the video, the subtitles and a report next to the course file."
	tp := &toneProvider{rate: 8000, lead: 0.05, trail: 0.1, perRune: 0.01, words: true, badWords: true}
	n, err := Synthesize(context.Background(), wordTone{tp}, NarrationRequest{Text: sentence})
	if err != nil {
		t.Fatal(err)
	}
	chunks := chunkSentence(sentence, MaxCueChars)
	if got := len(tp.texts()); got != 1+len(chunks) {
		t.Fatalf("calls = %q, want the sentence then one per chunk", tp.texts())
	}
	if len(n.Cues) != len(chunks) || n.Words != nil {
		t.Errorf("cues %+v, words %+v", n.Cues, n.Words)
	}
	near(t, "cue 1 start", n.Cues[0].Start, 0.05, 8000)
}

func TestSynthesizeWordTimingsLongCue(t *testing.T) {
	text := "Slow narration needs shorter cues because nobody reads one this long."
	tp := &toneProvider{rate: 8000, perRune: 0.12, words: true}
	n, err := Synthesize(context.Background(), wordTone{tp}, NarrationRequest{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if len(tp.texts()) != 1 {
		t.Errorf("calls = %q; word timings need no new call", tp.texts())
	}
	if len(n.Cues) < 2 {
		t.Fatalf("cues = %+v", n.Cues)
	}
	var texts []string
	for _, c := range n.Cues {
		if c.End-c.Start > DefaultMaxCueSeconds {
			t.Errorf("cue %q lasts %.2fs", c.Text, c.End-c.Start)
		}
		texts = append(texts, c.Text)
	}
	if strings.Join(texts, " ") != text {
		t.Errorf("cues %q", texts)
	}
}

func TestSynthesizeEmpty(t *testing.T) {
	for _, text := range []string{"", "  \n "} {
		n, err := Synthesize(context.Background(), nil, NarrationRequest{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Audio.Samples) != 0 || len(n.Cues) != 0 || n.Audio.Rate != FallbackRate {
			t.Errorf("Synthesize(%q) = %v", text, n)
		}
	}
	p := &toneProvider{rate: 8000}
	n, err := Synthesize(context.Background(), p, NarrationRequest{Text: "[pause 1s]"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.texts()) != 0 || len(n.Audio.Samples) != FallbackRate || len(n.Cues) != 0 {
		t.Errorf("pause only: %v, calls %q", n, p.texts())
	}
}

func TestSynthesizeErrors(t *testing.T) {
	t.Run("plain error becomes a provider error", func(t *testing.T) {
		p := &toneProvider{rate: 8000, err: errors.New("HTTP 500")}
		_, err := Synthesize(context.Background(), p, NarrationRequest{Text: "Hi."})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Provider || !strings.Contains(fe.Msg, "tone: HTTP 500") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("fault error passes through", func(t *testing.T) {
		want := fault.New(fault.Dependency, "engine not found")
		p := &toneProvider{rate: 8000, err: want}
		_, err := Synthesize(context.Background(), p, NarrationRequest{Text: "Hi."})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe != want {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		p := &toneProvider{rate: 8000, delay: 10 * time.Second}
		time.AfterFunc(20*time.Millisecond, cancel)
		start := time.Now()
		_, err := Synthesize(ctx, p, NarrationRequest{Text: "One. Two. Three.", Concurrency: 2})
		if fault.KindOf(err) != fault.Cancelled {
			t.Errorf("err = %v, kind %v", err, fault.KindOf(err))
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("cancellation took %v", time.Since(start))
		}
	})
	t.Run("rates differ", func(t *testing.T) {
		p := &toneProvider{perRune: 0.01, rateFor: func(s string) int {
			if strings.HasPrefix(s, "One") {
				return 8000
			}
			return 16000
		}}
		_, err := Synthesize(context.Background(), p, NarrationRequest{Text: "One. Two."})
		if err == nil || !strings.Contains(err.Error(), "8000 Hz and at 16000 Hz") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad pause marker", func(t *testing.T) {
		_, err := Synthesize(context.Background(), &toneProvider{rate: 8000}, NarrationRequest{Text: "A [pause x] B"})
		if fault.KindOf(err) != fault.Input {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSynthesizeConcurrency(t *testing.T) {
	text := "One is first. Two is second. Three is third. Four is fourth. Five is fifth. Six is sixth. Seven is seventh. Eight is eighth."
	serial := &toneProvider{rate: 8000, lead: 0.02, trail: 0.1, perRune: 0.005}
	want, err := Synthesize(context.Background(), serial, NarrationRequest{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	p := &toneProvider{rate: 8000, lead: 0.02, trail: 0.1, perRune: 0.005, delay: 30 * time.Millisecond}
	got, err := Synthesize(context.Background(), p, NarrationRequest{Text: text, Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if p.maxInflight > 3 || p.maxInflight < 2 {
		t.Errorf("max calls in flight = %d, want 2..3", p.maxInflight)
	}
	if !slices.Equal(got.Audio.Samples, want.Audio.Samples) || !slices.Equal(got.Cues, want.Cues) {
		t.Error("concurrent synthesis differs from serial synthesis")
	}
}
