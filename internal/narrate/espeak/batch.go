package espeak

// Batching: one espeak-ng process speaks all the one-clause chunks of a
// narration, and the audio is cut back into one piece per chunk that lasts
// like what Synthesize gives for that chunk alone.
//
// What was measured on espeak-ng 1.51 (Debian 12), and why the code is the
// way it is:
//
//   - In SSML mode each chunk goes in its own <s>…</s>, so that espeak-ng
//     gives it the same sentence prosody it has when spoken alone: its
//     speech (first to last non-zero sample) then matches the lone chunk
//     within a millisecond, except that now and then a sound inside comes
//     out 9–20 ms longer or shorter. Without <s>, a <break> ends the clause
//     with "no" intonation and the last syllable comes out 50–90 ms
//     shorter. A line break before </s> keeps a final "." after a quote
//     from being read as "dot".
//   - Between chunks a <break> of breakMillis writes a run of exact-zero
//     samples that no one-clause chunk produces: the audio is cut there,
//     and only when there are exactly n-1 such runs.
//   - The silence around a chunk cannot be taken from the batch. espeak-ng
//     carries state from clause to clause (the pauses of later clauses grow
//     by 12–150 ms depending on what was said before), so the zero run
//     between two chunks holds the break, a left-over pause and the next
//     chunk's leading silence in unknown parts. The silence is rebuilt
//     instead: the trailing silence of a lone one-clause chunk depends only
//     on its final punctuation (measured once per voice and ending with a
//     probe, "yes."), and its leading silence only on its first phoneme and
//     whether that syllable has the primary stress (measured once per voice
//     with a phoneme probe such as [[t'a]]). The phonemes come from the same
//     process (-x --phonout). The zero run before a chunk bounds its
//     leading silence from above, which catches a wrong guess.
//   - The carried-over state also lengthens the pauses between the clauses
//     of a chunk, and a chunk spoken alone has such lengthening of its own
//     (from its earlier clauses) that a batch cannot reproduce: a chunk of
//     several clauses batched this way came out up to 50 ms short. So only
//     one-clause chunks are batched: Batchable refuses clause punctuation
//     inside the text, and a chunk espeak-ng still reads as several clauses
//     (its phonemes span several lines) is marked not OK and spoken alone.
//
// On narrations taken from the test corpus (10–28 chunks, rates 0.7–1.4),
// the batched cues stayed within 39 ms of the per-chunk ones, the total
// length within 40 ms, with about a third of the espeak-ng processes.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/narrate"
)

// breakMillis is the pause written between the chunks of a batch. It is
// longer than any pause espeak-ng puts inside a one-clause chunk, even at
// the slowest speed, and an odd length that is easy to tell apart.
const breakMillis = 730

// Zero runs that mark a cut are at least minBreak of the break long (the
// break comes out a few ms short) and at most maxBreakExtra longer (carried
// pause plus the next chunk's leading silence).
const (
	minBreak      = 0.9
	maxBreakExtra = 0.6 // seconds
)

// leadSlack is how far (seconds) a chunk's rebuilt leading silence may
// exceed the bound given by the zero run before it.
const leadSlack = 0.002

// probeWorkers bounds the calibration processes run at once.
const probeWorkers = 4

// Batchable implements narrate.Batcher: text of one clause, that is
// without clause punctuation (, ; : ! ? … dashes) except at its end, and
// without a full stop followed by more text (an abbreviation, perhaps,
// which espeak-ng may or may not treat as a clause end).
func (p *Provider) Batchable(req narrate.Request) bool {
	return batchable(flatten(req.Text))
}

// flatten joins the words of text with single spaces, as Synthesize does.
func flatten(text string) string {
	return strings.Join(strings.Fields(text), " ")
}

// batchable reports whether text is one plain clause.
func batchable(clause string) bool {
	body, end := splitEnding(clause)
	if strings.TrimFunc(body, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) == "" ||
		utf8.RuneCountInString(end) > 4 {
		return false
	}
	for i, r := range body {
		switch {
		case isEnding(r) && r != '.', r == '—' || r == '–':
			return false
		case r == '.' && strings.HasPrefix(body[i+1:], " "):
			return false
		case unicode.IsControl(r):
			return false
		}
	}
	return true
}

// isEnding reports whether r is punctuation that ends a clause.
func isEnding(r rune) bool {
	return strings.ContainsRune(".,;:!?…。！？，、；：", r)
}

// isClosing reports whether r may follow the punctuation at the end of a
// clause.
func isClosing(r rune) bool {
	return strings.ContainsRune(`"'”’»)]}`, r)
}

// splitEnding cuts text into its body and its final punctuation, closing
// quotes and brackets included: the trailing silence of a chunk spoken
// alone depends only on that.
func splitEnding(text string) (body, end string) {
	body = strings.TrimRightFunc(text, func(r rune) bool { return isEnding(r) || isClosing(r) })
	if !strings.ContainsFunc(text[len(body):], isEnding) {
		return text, "" // a closing quote alone is part of the text
	}
	return body, text[len(body):]
}

// SynthesizeBatch implements narrate.Batcher. It runs espeak-ng once for
// all requests (which must share a voice), each in its own sentence, plus,
// the first time a voice, speed, ending or first phoneme is met, a few short
// calibration runs that the provider remembers. A request espeak-ng reads
// as several clauses is not OK: the pauses between clauses come out longer
// in a batch than alone, by an amount that depends on what came before.
func (p *Provider) SynthesizeBatch(ctx context.Context, reqs []narrate.Request) ([]narrate.BatchResult, error) {
	out := make([]narrate.BatchResult, len(reqs))
	if len(reqs) == 0 {
		return out, nil
	}
	args := Args(reqs[0].Voice)
	key := strings.Join(args, " ")
	items := make([]string, len(reqs))
	for i, r := range reqs {
		items[i] = flatten(r.Text)
		if items[i] == "" || !slices.Equal(Args(r.Voice), args) {
			return out, nil // not ours to batch: the caller speaks them one by one
		}
	}
	if name := voiceName(reqs[0].Voice); strings.Contains(name, "+") {
		if err := p.CheckVoice(ctx, name); err != nil {
			return nil, err
		}
	}
	brk := p.breakMs
	if brk <= 0 {
		brk = breakMillis
	}

	// The batch itself, the gap calibration and the trailing silences do
	// not depend on each other.
	var (
		audio narrate.Audio
		phon  string
		gap   int
		wg    sync.WaitGroup
		errs  = make([]error, 2)
	)
	trails := make([]probeKey, len(items))
	for i, c := range items {
		_, end := splitEnding(c)
		trails[i] = probeKey{args: key, kind: probeTrail, text: "yes" + end}
	}
	wg.Go(func() { audio, phon, errs[0] = p.runBatch(ctx, args, items, brk) })
	wg.Go(func() {
		gk := probeKey{args: key, kind: probeGap, text: gapDoc(brk), brk: brk}
		var vals map[probeKey]int
		vals, errs[1] = p.probes(ctx, args, append([]probeKey{gk}, trails...))
		gap = vals[gk]
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return batchFailed(ctx, out, err)
		}
	}
	if gap <= 0 || audio.Rate <= 0 {
		return out, nil
	}
	pieces, ok := splitBatch(audio, len(items), brk)
	groups := phonemeGroups(phon)
	if !ok || len(groups) != len(items) {
		return out, nil
	}

	leads := make([]probeKey, len(items))
	need := slices.Clone(trails)
	for i := 1; i < len(items); i++ {
		if probe, ok := leadProbe(groups[i]); ok {
			leads[i] = probeKey{args: key, kind: probeLead, text: probe}
			need = append(need, leads[i])
		}
	}
	vals, err := p.probes(ctx, args, need)
	if err != nil {
		return batchFailed(ctx, out, err)
	}

	// Each chunk's leading and trailing silence as if spoken alone, or -1
	// when it cannot be trusted.
	slack := int(leadSlack * float64(audio.Rate))
	lead := make([]int, len(items))
	trail := make([]int, len(items))
	for i, pc := range pieces {
		lead[i], trail[i] = pc.lead, vals[trails[i]]
		if i > 0 {
			lead[i] = -1
			if leads[i] != (probeKey{}) {
				l, bound := vals[leads[i]], pc.before-gap
				if l >= 0 && bound >= -slack && l <= bound+slack {
					lead[i] = l
				}
			}
		}
		if len(groups[i]) != 1 {
			lead[i] = -1 // espeak-ng read several clauses
		}
	}
	for i, pc := range pieces {
		if lead[i] < 0 || trail[i] < 0 {
			continue
		}
		s := make([]int16, lead[i]+len(pc.speech)+trail[i])
		copy(s[lead[i]:], pc.speech)
		out[i] = narrate.BatchResult{Result: narrate.Result{Audio: narrate.Audio{Rate: audio.Rate, Samples: s}}, OK: true}
	}
	return out, nil
}

// batchFailed handles a failed espeak-ng run: cancellation is returned, any
// other failure leaves every result not OK, so that the caller speaks the
// chunks one by one and reports the engine's error, if it persists, the
// usual way.
func batchFailed(ctx context.Context, out []narrate.BatchResult, err error) ([]narrate.BatchResult, error) {
	if ctx.Err() != nil {
		return nil, err
	}
	return out, nil
}

// batchDoc is the SSML document of a batch.
func batchDoc(texts []string, brk int) string {
	var b strings.Builder
	b.WriteString("<speak>")
	for i, t := range texts {
		if i > 0 {
			fmt.Fprintf(&b, `<break time="%dms"/>`, brk)
		}
		b.WriteString("<s>")
		xmlEscape(&b, t)
		b.WriteString("\n</s>")
	}
	b.WriteString("</speak>\n")
	return b.String()
}

// gapDoc is the calibration document for the zero run between two chunks:
// two vowels, which have no leading silence of their own.
func gapDoc(brk int) string {
	return batchDoc([]string{"a", "a"}, brk)
}

func xmlEscape(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteRune(r)
		}
	}
}

// runBatch speaks texts in one espeak-ng process and returns the audio and
// the phonemes espeak-ng wrote (one line per clause).
func (p *Provider) runBatch(ctx context.Context, args, texts []string, brk int) (narrate.Audio, string, error) {
	f, err := os.CreateTemp("", "tecno-espeak-*.pho")
	if err != nil {
		return narrate.Audio{}, "", err
	}
	name := f.Name()
	f.Close()
	defer os.Remove(name)
	full := append([]string{"-m", "--stdin", "-x", "--phonout=" + name}, args...)
	out, err := p.run(ctx, strings.NewReader(batchDoc(texts, brk)), full...)
	if err != nil {
		return narrate.Audio{}, "", err
	}
	a, err := narrate.DecodeWAV(bytes.NewReader(out))
	if err != nil {
		return narrate.Audio{}, "", nil // unreadable: the caller falls back
	}
	phon, err := os.ReadFile(name)
	if err != nil {
		return narrate.Audio{}, "", err
	}
	return a, string(phon), nil
}

// batchPiece is one chunk's share of a batch.
type batchPiece struct {
	speech []int16 // from the first to the last non-zero sample
	lead   int     // zero samples before the speech (first chunk only)
	before int     // length of the zero run before the speech (others)
}

// splitBatch cuts the audio of n chunks at the n-1 long zero runs the
// breaks leave. It fails unless there are exactly n-1 runs of at least
// minBreak of the break, none much longer than the break, and every chunk
// has speech.
func splitBatch(a narrate.Audio, n, brk int) ([]batchPiece, bool) {
	s := a.Samples
	first := slices.IndexFunc(s, func(v int16) bool { return v != 0 })
	if first < 0 || n < 1 {
		return nil, false
	}
	last := len(s)
	for last > first && s[last-1] == 0 {
		last--
	}
	rate := float64(a.Rate)
	minRun := int(minBreak * float64(brk) / 1000 * rate)
	maxRun := int((float64(brk)/1000 + maxBreakExtra) * rate)
	pieces := make([]batchPiece, 0, n)
	start, before := first, first
	for i := first; i < last; {
		if s[i] != 0 {
			i++
			continue
		}
		j := i
		for j < last && s[j] == 0 {
			j++
		}
		if j-i >= minRun {
			if j-i > maxRun || len(pieces) == n-1 {
				return nil, false
			}
			pieces = append(pieces, batchPiece{speech: s[start:i], before: before})
			start, before = j, j-i
		}
		i = j
	}
	pieces = append(pieces, batchPiece{speech: s[start:last], before: before})
	if len(pieces) != n {
		return nil, false
	}
	pieces[0].lead, pieces[0].before = first, 0
	return pieces, true
}

// phonemeGroups splits espeak-ng's -x output into the phoneme lines of each
// chunk: the breaks between chunks leave empty lines.
func phonemeGroups(out string) [][]string {
	var groups [][]string
	var cur []string
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		if line == "" {
			if cur != nil {
				groups = append(groups, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if cur != nil {
		groups = append(groups, cur)
	}
	return groups
}

// leadProbe returns the phoneme text whose leading silence equals that of a
// chunk spoken alone: espeak-ng's leading silence is the pauses it puts
// before the first word (an opening quote or bracket) plus what the first
// phoneme brings (a stop's closure, a fricative's onset), which depends on
// whether its syllable carries the primary stress.
func leadProbe(group []string) (string, bool) {
	if len(group) != 1 {
		return "", false
	}
	word, _, _ := strings.Cut(group[0], " ")
	pauses := word[:len(word)-len(strings.TrimLeft(word, pauseChars))]
	word = word[len(pauses):]
	if word == "" {
		return "", false
	}
	first := ""
	stressed := false
	for _, c := range []byte(word) {
		if c >= utf8.RuneSelf {
			return "", false
		}
		if c == '\'' {
			stressed = true
			break
		}
		if c == ',' || strings.IndexByte(vowelStarts, c) >= 0 || strings.IndexByte(pauseChars, c) >= 0 {
			break
		}
		if first == "" {
			first = string(c)
		}
	}
	switch {
	case first == "":
		return "[[" + pauses + "'a]]", true
	case stressed:
		return "[[" + pauses + first + "'a]]", true
	default:
		return "[[" + pauses + first + "@b'a]]", true
	}
}

// pauseChars make up espeak-ng's pause mnemonics (_ _: _!  _| …).
const pauseChars = "_:!|"

// vowelStarts are the characters that begin a vowel in espeak-ng's phoneme
// mnemonics.
const vowelStarts = "aeiouyAEIOUVQY@&03"

// probeKind says what a calibration probe measures.
type probeKind byte

const (
	probeGap   probeKind = 'g' // zero run between two chunks of a batch
	probeTrail probeKind = 't' // trailing silence of a lone chunk
	probeLead  probeKind = 'l' // leading silence of a lone chunk
)

// probeKey names one calibration: espeak-ng arguments, what is measured,
// the text spoken and, for a gap, the break length.
type probeKey struct {
	args string
	kind probeKind
	text string
	brk  int
}

// probeEntry is a calibration being measured or measured (n < 0: the probe
// gave nothing usable).
type probeEntry struct {
	done chan struct{}
	n    int
	err  error
}

// probes returns the value of every key, measuring the ones not yet known
// (at most probeWorkers at once). Values are remembered for the provider's
// life; failures are not, so a cancelled probe is measured again later.
func (p *Provider) probes(ctx context.Context, args []string, keys []probeKey) (map[probeKey]int, error) {
	vals := make(map[probeKey]int, len(keys))
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, probeWorkers)
		seen     = make(map[probeKey]bool, len(keys))
	)
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			n, err := p.probe(ctx, args, k)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			vals[k] = n
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return vals, nil
}

// probe returns one calibration, measuring it once per provider even when
// several narrations ask at the same time.
func (p *Provider) probe(ctx context.Context, args []string, k probeKey) (int, error) {
	for {
		p.calMu.Lock()
		if p.cal == nil {
			p.cal = make(map[probeKey]*probeEntry)
		}
		e, ok := p.cal[k]
		if !ok {
			e = &probeEntry{done: make(chan struct{})}
			p.cal[k] = e
			p.calMu.Unlock()
			e.n, e.err = p.remembered(ctx, args, k)
			if e.err != nil {
				p.calMu.Lock()
				delete(p.cal, k)
				p.calMu.Unlock()
			}
			close(e.done)
			return e.n, e.err
		}
		p.calMu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return 0, fmt.Errorf("espeak-ng: %w", ctx.Err())
		}
		if e.err == nil {
			return e.n, nil
		}
		if ctx.Err() != nil {
			return 0, e.err
		}
		// Another caller's probe failed (perhaps it was cancelled): retry.
	}
}

// remembered is measure through the provider's memo store, when it has
// one: a calibration depends only on the engine's version, the voice
// arguments and the probe, so later runs need not measure it again.
func (p *Provider) remembered(ctx context.Context, args []string, k probeKey) (int, error) {
	p.calMu.Lock()
	memo := p.memo
	p.calMu.Unlock()
	if memo == nil {
		return p.measure(ctx, args, k)
	}
	version, err := p.Version(ctx)
	if err != nil {
		return 0, err
	}
	key := fmt.Sprintf("espeak-ng probe\x00%s\x00%s\x00%d\x00%s\x00%d", version, k.args, k.kind, k.text, k.brk)
	v, err := memo(key, func() (string, error) {
		n, err := p.measure(ctx, args, k)
		return strconv.Itoa(n), err
	})
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(v)
}

// SetMemo implements narrate.Memoizer: calibrations are remembered in
// memo between runs.
func (p *Provider) SetMemo(memo narrate.Memo) {
	p.calMu.Lock()
	p.memo = memo
	p.calMu.Unlock()
}

// measure runs one calibration probe.
func (p *Provider) measure(ctx context.Context, args []string, k probeKey) (int, error) {
	if k.kind == probeGap {
		out, err := p.run(ctx, strings.NewReader(k.text), append([]string{"-m", "--stdin"}, args...)...)
		if err != nil {
			return 0, err
		}
		a, err := narrate.DecodeWAV(bytes.NewReader(out))
		if err != nil {
			return -1, nil
		}
		pieces, ok := splitBatch(a, 2, k.brk)
		if !ok {
			return -1, nil
		}
		return pieces[1].before, nil
	}
	out, err := p.run(ctx, strings.NewReader(k.text+"\n"), args...)
	if err != nil {
		return 0, err
	}
	a, err := narrate.DecodeWAV(bytes.NewReader(out))
	if err != nil {
		return -1, nil
	}
	s := a.Samples
	first := slices.IndexFunc(s, func(v int16) bool { return v != 0 })
	if first < 0 {
		return -1, nil
	}
	if k.kind == probeLead {
		return first, nil
	}
	last := len(s)
	for s[last-1] == 0 {
		last--
	}
	return len(s) - last, nil
}
