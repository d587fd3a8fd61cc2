package espeak

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/testtool"
)

func TestBatchable(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Every number is a pattern of bits.", true},
		{"let's see a well-known fact", true},
		{"São Paulo é ótimo.", true},
		{"Is this a question?", true},
		{"Wow!", true},
		{"It has 256 values…", true},
		{"  spaces   are\nflattened. ", true},
		{`Open the file called "main.py".`, true},
		{"Then type x < 10 & y > 2 and press Enter.", true},
		{"(aside) text", true},
		{"3.14 is pi", true},
		{`He said "stop."`, true},
		{"Eight bits make a byte, and more.", false}, // clause punctuation inside
		{"Text is stored: each letter.", false},
		{"Wait! Then go.", false},
		{"Dr. Smith is here.", false},
		{"one — two", false},
		{"What?!?!?", false}, // too many marks
		{"...", false},
		{"\"", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := (&Provider{}).Batchable(narrate.Request{Text: tt.text}); got != tt.want {
				t.Errorf("Batchable(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestBatchDoc(t *testing.T) {
	got := batchDoc([]string{`Tom & "Jerry" <b> it's`, "São Paulo é ótimo."}, 730)
	want := "<speak><s>Tom &amp; &quot;Jerry&quot; &lt;b&gt; it&apos;s\n</s>" +
		`<break time="730ms"/>` + "<s>São Paulo é ótimo.\n</s></speak>\n"
	if got != want {
		t.Errorf("batchDoc =\n%q\nwant\n%q", got, want)
	}
}

// synthAudio builds test audio: speech bursts (non-zero) separated by zero
// runs of the given lengths, with lead and trail zeros.
func synthAudio(lead int, speech []int, gaps []int, trail int) narrate.Audio {
	var s []int16
	s = append(s, make([]int16, lead)...)
	for i, n := range speech {
		for k := range n {
			s = append(s, int16(1000+k%7))
		}
		if i < len(gaps) {
			s = append(s, make([]int16, gaps[i])...)
		}
	}
	s = append(s, make([]int16, trail)...)
	return narrate.Audio{Rate: 1000, Samples: s}
}

func TestSplitBatch(t *testing.T) {
	// At 1000 Hz a 730 ms break cuts at runs of 657..1330 samples.
	tests := []struct {
		name   string
		audio  narrate.Audio
		n      int
		ok     bool
		speech []int
		lead   int
		before []int
	}{
		{"three chunks", synthAudio(5, []int{100, 50, 80}, []int{730, 760}, 300), 3, true, []int{100, 50, 80}, 5, []int{0, 730, 760}},
		{"short pauses stay inside", synthAudio(0, []int{100, 20, 50}, []int{40, 700}, 0), 2, true, []int{160, 50}, 0, []int{0, 700}},
		{"one chunk", synthAudio(3, []int{10}, nil, 900), 1, true, []int{10}, 3, []int{0}},
		{"a run too many", synthAudio(0, []int{10, 10, 10}, []int{730, 730}, 0), 2, false, nil, 0, nil},
		{"a run too few", synthAudio(0, []int{10, 10}, []int{730}, 0), 3, false, nil, 0, nil},
		{"a run too long", synthAudio(0, []int{10, 10}, []int{1400}, 0), 2, false, nil, 0, nil},
		{"silence", narrate.Audio{Rate: 1000, Samples: make([]int16, 500)}, 1, false, nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces, ok := splitBatch(tt.audio, tt.n, 730)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			var speech, before []int
			for _, p := range pieces {
				speech = append(speech, len(p.speech))
				before = append(before, p.before)
			}
			if !slices.Equal(speech, tt.speech) || !slices.Equal(before, tt.before) || pieces[0].lead != tt.lead {
				t.Errorf("speech %v before %v lead %d, want %v %v %d", speech, before, pieces[0].lead, tt.speech, tt.before, tt.lead)
			}
		})
	}
}

func TestPhonemeGroups(t *testing.T) {
	out := "\nw'ElkVm t@ DIs l'Es@n\n\n\n\nf'3:st\n'oUp@n D@2 f'aIl\n\n\n\nst2'0p\n\n\n"
	got := phonemeGroups(out)
	want := [][]string{{"w'ElkVm t@ DIs l'Es@n"}, {"f'3:st", "'oUp@n D@2 f'aIl"}, {"st2'0p"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("groups = %q, want %q", got, want)
	}
}

func TestLeadProbe(t *testing.T) {
	tests := []struct {
		phonemes string
		want     string
		ok       bool
	}{
		{"t'0m w'Ent", "[[t'a]]", true},                    // stressed stop: full closure
		{"t@g'ED3 wID", "[[t@b'a]]", true},                 // unstressed stop: shorter closure
		{"k,e*'idw ,&m'igU", "[[k@b'a]]", true},            // secondary stress counts as unstressed
		{"tS'i:z", "[[t'a]]", true},                        // affricate: its stop
		{"st2'0p It", "[[s'a]]", true},                     // cluster: its first phoneme
		{"'Evri n'Vmb3", "[['a]]", true},                   // vowel: no leading silence
		{"DIs Iz 'It", "[[D@b'a]]", true},                  // unstressed fricative
		{"br'aantSI#z", "[[b'a]]", true},                   // voiced stop
		{"_:_:kw'oUt#I#d_:_: t'Ekst", "[[_:_:k'a]]", true}, // opening quote: its pause too
		{"s&U~ p'aUlw E 'OtSimU", "[[s@b'a]]", true},
	}
	for _, tt := range tests {
		t.Run(tt.phonemes, func(t *testing.T) {
			got, ok := leadProbe([]string{tt.phonemes})
			if got != tt.want || ok != tt.ok {
				t.Errorf("leadProbe(%q) = %q, %v, want %q, %v", tt.phonemes, got, ok, tt.want, tt.ok)
			}
		})
	}
	if _, ok := leadProbe([]string{"a", "b"}); ok {
		t.Error("two clauses gave a probe")
	}
	if _, ok := leadProbe([]string{"ʃa"}); ok {
		t.Error("non-ASCII phonemes gave a probe")
	}
}

// perChunk hides the provider's Batcher, so Synthesize speaks every chunk
// with its own espeak-ng process, as before batching existed.
type perChunk struct{ narrate.Provider }

// counter wraps espeak-ng in a script that logs every run's arguments.
type counter struct {
	bin, log string
}

func newCounter(t *testing.T) *counter {
	t.Helper()
	real := testtool.Require(t, "espeak-ng")
	dir := t.TempDir()
	c := &counter{bin: filepath.Join(dir, "espeak-ng"), log: filepath.Join(dir, "runs.log")}
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> '%s'\nexec '%s' \"$@\"\n", c.log, real)
	if err := os.WriteFile(c.bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return c
}

// runs returns the logged runs since the last call: batch runs (they write
// phonemes) and the others.
func (c *counter) runs(t *testing.T) (batch, other int) {
	t.Helper()
	b, err := os.ReadFile(c.log)
	if os.IsNotExist(err) {
		return 0, 0
	}
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(c.log)
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, "--phonout=") {
			batch++
		} else {
			other++
		}
	}
	return batch, other
}

var batchNarrations = []struct {
	name  string
	voice string
	text  string
}{
	{"sentences commas questions exclamations", "en-us",
		"Welcome back! Today we look at loops, conditions, and functions. Why do we need them? " +
			"Because repeating yourself is slow and boring. Let us start with a simple example. " +
			"Every program begins with a single line."},
	{"pause marker and symbols", "en-us",
		`First, open the file called "main.py". [pause 1s] Then type x < 10 & y > 2 and press Enter. ` +
			"It works! Now change the value of x and run it again. Tom & Jerry say it's fine."},
	{"accents in an English voice", "en-us",
		"We flew to São Paulo last year. São Paulo é ótimo. The food was great and the people were kind."},
	{"pt-BR", "pt-br",
		"São Paulo é ótimo. Vamos começar com calma. Você está pronto? Então abra o arquivo e leia a primeira linha! " +
			"Depois disso, tudo fica mais fácil."},
}

// TestBatchMatchesPerChunk is the acceptance test of batching: for each
// narration, voice and speed, the batched narration has the same cues as
// the per-chunk one, each cue within 40 ms, and lasts within 2%.
func TestBatchMatchesPerChunk(t *testing.T) {
	c := newCounter(t)
	ctx := context.Background()
	for _, nr := range batchNarrations {
		for _, rate := range []float64{0.7, 1, 1.4} {
			t.Run(fmt.Sprintf("%s/rate %.1f", nr.name, rate), func(t *testing.T) {
				v := course.Voice{Name: nr.voice, Rate: rate}
				p := NewWithBinary(c.bin)
				req := narrate.NarrationRequest{Text: nr.text, Voice: v, Concurrency: 2}
				want, err := narrate.Synthesize(ctx, perChunk{p}, req)
				if err != nil {
					t.Fatal(err)
				}
				_, chunks := c.runs(t)
				if _, err := narrate.Synthesize(ctx, p, req); err != nil { // measures the calibrations
					t.Fatal(err)
				}
				c.runs(t)
				got, err := narrate.Synthesize(ctx, p, req)
				if err != nil {
					t.Fatal(err)
				}
				batches, singles := c.runs(t)
				if batches != 1 || singles >= chunks-1 {
					t.Errorf("batched narration ran %d batches and %d single runs for %d chunks", batches, singles, chunks)
				}
				if len(got.Cues) != len(want.Cues) {
					t.Fatalf("%d cues, want %d:\n%v\n%v", len(got.Cues), len(want.Cues), got.Cues, want.Cues)
				}
				worst := 0.0
				for i, w := range want.Cues {
					g := got.Cues[i]
					if g.Text != w.Text {
						t.Errorf("cue %d text %q, want %q", i, g.Text, w.Text)
					}
					d := math.Max(math.Abs(g.Start-w.Start), math.Abs(g.End-w.End))
					worst = math.Max(worst, d)
					if d > 0.040 {
						t.Errorf("cue %d %q: %.3f–%.3f, per-chunk %.3f–%.3f", i, w.Text, g.Start, g.End, w.Start, w.End)
					}
				}
				total := got.Audio.Duration() - want.Audio.Duration()
				if math.Abs(total) > 0.02*want.Audio.Duration() {
					t.Errorf("narration lasts %.3fs, per-chunk %.3fs", got.Audio.Duration(), want.Audio.Duration())
				}
				t.Logf("%d chunks: %d batch + %d single runs; worst cue %.1f ms; length %+.1f ms of %.2fs",
					chunks, batches, singles, worst*1000, total*1000, want.Audio.Duration())
			})
		}
	}
}

// TestBatchOneProcess: once the calibrations are known, a narration of
// one-clause sentences costs exactly one espeak-ng process.
func TestBatchOneProcess(t *testing.T) {
	c := newCounter(t)
	p := NewWithBinary(c.bin)
	ctx := context.Background()
	req := narrate.NarrationRequest{
		Text:  "Every number is a pattern of bits. Larger numbers use several bytes together. Why does this matter? It matters a lot!",
		Voice: course.Voice{Name: "en-us"},
	}
	n, err := narrate.Synthesize(ctx, p, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Cues) != 4 {
		t.Fatalf("cues = %v", n.Cues)
	}
	batches, probes := c.runs(t)
	if batches != 1 || probes == 0 {
		t.Errorf("first narration: %d batch runs, %d other runs; want 1 batch and the calibration probes", batches, probes)
	}
	if _, err := narrate.Synthesize(ctx, p, req); err != nil {
		t.Fatal(err)
	}
	if batches, other := c.runs(t); batches != 1 || other != 0 {
		t.Errorf("second narration: %d batch runs, %d other runs; want exactly one espeak-ng process", batches, other)
	}
}

// TestBatchFallback: when the batch cannot be split (here the break is made
// too short to tell apart from ordinary pauses), the narration is exactly
// the per-chunk one.
func TestBatchFallback(t *testing.T) {
	c := newCounter(t)
	ctx := context.Background()
	for _, nr := range batchNarrations {
		t.Run(nr.name, func(t *testing.T) {
			req := narrate.NarrationRequest{Text: nr.text, Voice: course.Voice{Name: nr.voice}}
			want, err := narrate.Synthesize(ctx, perChunk{New()}, req)
			if err != nil {
				t.Fatal(err)
			}
			p := NewWithBinary(c.bin)
			p.breakMs = 20
			got, err := narrate.Synthesize(ctx, p, req)
			if err != nil {
				t.Fatal(err)
			}
			if batches, _ := c.runs(t); batches != 1 {
				t.Errorf("%d batch runs, want 1", batches)
			}
			if !slices.Equal(got.Audio.Samples, want.Audio.Samples) || !slices.Equal(got.Cues, want.Cues) {
				t.Errorf("fallback narration differs from the per-chunk one: %v vs %v", got, want)
			}
		})
	}
}

func TestSynthesizeBatchDirect(t *testing.T) {
	testtool.Require(t, "espeak-ng")
	p := New()
	ctx := context.Background()
	v := course.Voice{Name: "en-us"}
	t.Run("mixed voices are not batched", func(t *testing.T) {
		res, err := p.SynthesizeBatch(ctx, []narrate.Request{{Text: "One.", Voice: v}, {Text: "Two.", Voice: course.Voice{Name: "de"}}})
		if err != nil || len(res) != 2 || res[0].OK || res[1].OK {
			t.Errorf("res = %v, err = %v", res, err)
		}
	})
	t.Run("text espeak-ng reads as two clauses is not OK, the others are", func(t *testing.T) {
		res, err := p.SynthesizeBatch(ctx, []narrate.Request{
			{Text: "Every number is a pattern of bits.", Voice: v},
			{Text: "Wow‼ ok then.", Voice: v}, // ‼ ends a clause for espeak-ng
			{Text: `Tom & "Jerry" like <cheese>.`, Voice: v},
		})
		if err != nil || len(res) != 3 {
			t.Fatalf("res = %v, err = %v", res, err)
		}
		if !(&Provider{}).Batchable(narrate.Request{Text: "Wow‼ ok then."}) {
			t.Fatal("the two-clause example is not Batchable: pick another")
		}
		if !res[0].OK || res[1].OK || !res[2].OK {
			t.Errorf("OK = %v %v %v, want true false true", res[0].OK, res[1].OK, res[2].OK)
		}
		for i, r := range res {
			if r.OK && (r.Audio.Rate != 22050 || speechSeconds(r.Audio) < 1) {
				t.Errorf("result %d: %d Hz, %.2fs of speech", i, r.Audio.Rate, speechSeconds(r.Audio))
			}
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		q := New()
		if _, err := q.SynthesizeBatch(cctx, []narrate.Request{{Text: "One.", Voice: v}, {Text: "Two.", Voice: v}}); err == nil {
			t.Error("no error")
		}
	})
	t.Run("missing engine falls back", func(t *testing.T) {
		q := NewWithBinary(filepath.Join(t.TempDir(), "no-espeak-ng"))
		res, err := q.SynthesizeBatch(ctx, []narrate.Request{{Text: "One.", Voice: v}, {Text: "Two.", Voice: v}})
		if err != nil || len(res) != 2 || res[0].OK || res[1].OK {
			t.Errorf("res = %v, err = %v", res, err)
		}
	})
}

// TestBatchCalibrationsAreRemembered: with a memo store (the build gives
// the cache's), a new provider — a later run — measures nothing again.
func TestBatchCalibrationsAreRemembered(t *testing.T) {
	c := newCounter(t)
	var mu sync.Mutex
	store := map[string]string{}
	memo := func(key string, compute func() (string, error)) (string, error) {
		mu.Lock()
		v, ok := store[key]
		mu.Unlock()
		if ok {
			return v, nil
		}
		v, err := compute()
		if err == nil {
			mu.Lock()
			store[key] = v
			mu.Unlock()
		}
		return v, err
	}
	req := narrate.NarrationRequest{
		Text:  "Every number is a pattern of bits. Larger numbers use several bytes together.",
		Voice: course.Voice{Name: "en-us"},
	}
	ctx := context.Background()
	first := NewWithBinary(c.bin)
	first.SetMemo(memo)
	a, err := narrate.Synthesize(ctx, first, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, probes := c.runs(t); probes == 0 || len(store) == 0 {
		t.Fatalf("first run: %d probe runs, %d remembered; want the probes measured and stored", probes, len(store))
	}
	later := NewWithBinary(c.bin)
	later.SetMemo(memo)
	b, err := narrate.Synthesize(ctx, later, req)
	if err != nil {
		t.Fatal(err)
	}
	if batches, other := c.runs(t); batches != 1 || other != 1 {
		t.Errorf("later run: %d batch runs, %d other runs; want one batch and only the version check", batches, other)
	}
	if !slices.Equal(a.Audio.Samples, b.Audio.Samples) {
		t.Error("remembered calibrations gave different audio")
	}
}
