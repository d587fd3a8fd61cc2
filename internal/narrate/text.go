package narrate

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/fault"
)

// MaxCueChars is the longest chunk Synthesize speaks in one cue: two
// subtitle lines of 42 characters.
const MaxCueChars = 84

// MaxPause is the longest pause a [pause …] marker may ask for.
const MaxPause = 60.0

// Segment is one piece of narration: either text to speak or a pause, in
// seconds, from a [pause 1.5s] / [pause 500ms] marker.
type Segment struct {
	Text  string
	Pause float64
}

var (
	pauseRe      = regexp.MustCompile(`(?i)\[\s*pause\b([^\]\[]*)\]`)
	pauseArgRe   = regexp.MustCompile(`(?i)^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$`)
	pauseStartRe = regexp.MustCompile(`(?i)\[\s*pause\b`)
)

// ParseNarration splits narration text at its pause markers. Text segments
// keep their text as written; whitespace-only text between markers is
// dropped. A malformed marker ("[pause 2]", "[pause soon]", an unclosed
// "[pause 1s") is an input error, so that it is never spoken aloud.
func ParseNarration(text string) ([]Segment, error) {
	var segs []Segment
	addText := func(s string) error {
		if loc := pauseStartRe.FindStringIndex(s); loc != nil {
			end := min(len(s), loc[0]+20)
			return fault.New(fault.Input, "unclosed pause marker %q", s[loc[0]:end]+"…").
				WithHint("write pauses as [pause 1.5s] or [pause 500ms]")
		}
		if strings.TrimSpace(s) != "" {
			segs = append(segs, Segment{Text: s})
		}
		return nil
	}
	last := 0
	for _, m := range pauseRe.FindAllStringSubmatchIndex(text, -1) {
		if err := addText(text[last:m[0]]); err != nil {
			return nil, err
		}
		last = m[1]
		marker := text[m[0]:m[1]]
		arg := pauseArgRe.FindStringSubmatch(text[m[2]:m[3]])
		if arg == nil {
			return nil, fault.New(fault.Input, "bad pause marker %q", marker).
				WithHint("write pauses as [pause 1.5s] or [pause 500ms]")
		}
		v, err := strconv.ParseFloat(arg[1], 64)
		if err != nil {
			return nil, fault.New(fault.Input, "bad pause marker %q", marker).Wrap(err)
		}
		if strings.EqualFold(arg[2], "ms") {
			v /= 1000
		}
		if v > MaxPause {
			return nil, fault.New(fault.Input, "pause marker %q is longer than %gs", marker, MaxPause).
				WithHint("use scene pause_before / pause_after or split the scene")
		}
		if v > 0 {
			segs = append(segs, Segment{Pause: v})
		}
	}
	if err := addText(text[last:]); err != nil {
		return nil, err
	}
	return segs, nil
}

// abbreviations never end a sentence, whatever follows them. Entries are
// lower case, without the final period.
var abbreviations = map[string]bool{
	// English
	"e.g": true, "i.e": true, "dr": true, "mr": true, "mrs": true, "ms": true,
	"prof": true, "st": true, "vs": true, "cf": true, "approx": true, "fig": true,
	"vol": true, "jr": true, "mt": true, "dept": true, "al": true, "eq": true,
	"ch": true, "pp": true,
	// Portuguese, Spanish, French, German, Italian
	"sr": true, "sra": true, "srta": true, "dra": true, "profa": true, "ex": true,
	"pág": true, "av": true, "sres": true, "mme": true, "mlle": true, "z.b": true,
	"bzw": true, "usw": true, "ggf": true, "sig": true, "dott": true, "ecc": true,
}

// numberAbbreviations do not end a sentence before a number ("No. 5").
var numberAbbreviations = map[string]bool{"no": true, "nr": true, "núm": true, "num": true, "nº": true, "n.º": true}

var closers = "\"'”’»)]}"

// SplitSentences splits text into sentences. Whitespace runs collapse to one
// space and a blank line always ends a sentence. A sentence ends at ".",
// "!", "?", "…" (and runs such as "?!" or "..."), plus any closing quotes or
// brackets, when followed by space and a word that does not start with a
// lower-case letter. A period after a known abbreviation ("e.g.", "Dr.",
// "Sr.", "p. ex.") or a single letter (an initial) does not end a sentence,
// and neither does one inside a number ("3.14"). CJK full stops ("。！？")
// end a sentence with no space after them.
func SplitSentences(text string) []string {
	var out []string
	for _, para := range paragraphs(text) {
		out = append(out, splitParagraph(para)...)
	}
	return out
}

// paragraphs splits text at blank lines and collapses whitespace.
func paragraphs(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) == 0 {
			flush()
			continue
		}
		cur = append(cur, f...)
	}
	flush()
	return out
}

func isTerminator(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…' || r == '‽'
}

func isCJKTerminator(r rune) bool {
	return r == '。' || r == '！' || r == '？' || r == '｡'
}

// splitParagraph splits one whitespace-normalized paragraph.
func splitParagraph(p string) []string {
	var out []string
	start := 0
	i := 0
	for i < len(p) {
		r, size := utf8.DecodeRuneInString(p[i:])
		if isCJKTerminator(r) {
			j := i + size
			j = skipWhile(p, j, func(r rune) bool {
				return isCJKTerminator(r) || isTerminator(r) || strings.ContainsRune(closers, r) || r == '」' || r == '』'
			})
			out = appendTrimmed(out, p[start:j])
			start = skipWhile(p, j, unicode.IsSpace)
			i = start
			continue
		}
		if !isTerminator(r) {
			i += size
			continue
		}
		// A run of terminators and closing quotes.
		j := skipWhile(p, i, isTerminator)
		j = skipWhile(p, j, func(r rune) bool { return strings.ContainsRune(closers, r) })
		if j < len(p) && p[j] != ' ' {
			// "3.14", "example.com", "a.m." in the middle of a token.
			i = j
			continue
		}
		if j < len(p) && !endsSentence(p, start, i, j) {
			i = j
			continue
		}
		out = appendTrimmed(out, p[start:j])
		start = skipWhile(p, j, unicode.IsSpace)
		i = start
	}
	return appendTrimmed(out, p[start:])
}

// endsSentence decides whether the terminator run p[i:j], followed by a
// space, ends the sentence that began at start.
func endsSentence(p string, start, i, j int) bool {
	next, _ := utf8.DecodeRuneInString(p[j+1:])
	if unicode.IsLower(next) {
		return false // "approx. five", "Wait... what?", "(really?) yes"
	}
	if strings.TrimRight(p[i:j], closers) != "." {
		return true // "?", "!", "?!", "...", "…"
	}
	// A single period: look at the word before it.
	w := lastWord(p[start:i])
	lw := strings.ToLower(w)
	if abbreviations[lw] || numberAbbreviations[lw] && unicode.IsDigit(next) {
		return false
	}
	if utf8.RuneCountInString(w) == 1 {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLetter(r) {
			return false // an initial: "J. R. R. Tolkien", or "p. ex."
		}
	}
	if strings.Contains(w, ".") && isDotted(w) {
		return false // "U.S. Army", "a.m. Monday"
	}
	return true
}

// isDotted reports whether w is letters separated by periods ("U.S", "a.m").
func isDotted(w string) bool {
	for part := range strings.SplitSeq(w, ".") {
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
	}
	return true
}

// lastWord returns the last space-separated word of s, without leading
// opening quotes or brackets.
func lastWord(s string) string {
	s = strings.TrimRight(s, " ")
	if k := strings.LastIndexByte(s, ' '); k >= 0 {
		s = s[k+1:]
	}
	return strings.TrimLeft(s, "\"'“‘«([{")
}

func skipWhile(s string, i int, f func(rune) bool) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !f(r) {
			break
		}
		i += size
	}
	return i
}

func appendTrimmed(out []string, s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return out
	}
	return append(out, s)
}

// span is a half-open byte range [a, b).
type span struct{ a, b int }

// chunkSentence splits a sentence (whitespace-normalized) into pieces of at
// most limit runes that wrap into two subtitle lines of LineChars: first at clause punctuation (, ; : — –), choosing the
// point nearest the middle that leaves both sides a useful length, then at
// word boundaries (or between CJK characters) into balanced pieces. A single
// word longer than limit stays whole. Pieces are returned as byte spans of s,
// trimmed of spaces.
func chunkSentence(s string, limit int) []span {
	return chunkSpan(s, span{0, len(s)}, limit)
}

func chunkSpan(s string, sp span, limit int) []span {
	sp = trimSpan(s, sp)
	if sp.a >= sp.b {
		return nil
	}
	n := utf8.RuneCountInString(s[sp.a:sp.b])
	if n <= limit && fitsTwoLines(s[sp.a:sp.b]) {
		return []span{sp}
	}
	if cut, ok := clauseCut(s, sp, min(15, limit/4)); ok {
		return append(chunkSpan(s, span{sp.a, cut}, limit), chunkSpan(s, span{cut, sp.b}, limit)...)
	}
	cuts := wordCuts(s, sp)
	if len(cuts) == 0 {
		return []span{sp} // one long word: keep it whole
	}
	// Aim for the fewest pieces, cut near equal lengths.
	pieces := max(2, (n+limit-1)/limit)
	var out []span
	from := sp.a
	for k := 1; k < pieces; k++ {
		target := sp.a + (sp.b-sp.a)*k/pieces
		best := -1
		for _, c := range cuts {
			if c <= from {
				continue
			}
			if best < 0 || abs(c-target) < abs(best-target) {
				best = c
			}
		}
		if best < 0 || best >= sp.b {
			break
		}
		out = append(out, chunkSpan(s, span{from, best}, limit)...)
		from = best
	}
	return append(out, chunkSpan(s, span{from, sp.b}, limit)...)
}

// LineChars is the subtitle line length chunks are made to fit: a chunk
// must wrap into two lines of at most LineChars runes.
const LineChars = MaxCueChars / 2

// fitsTwoLines reports whether s wraps into at most two lines of LineChars
// runes, breaking at a space or between CJK characters.
func fitsTwoLines(s string) bool {
	if utf8.RuneCountInString(s) <= LineChars {
		return true
	}
	for _, c := range wordCuts(s, span{0, len(s)}) {
		left := utf8.RuneCountInString(strings.TrimRight(s[:c], " "))
		right := utf8.RuneCountInString(s[c:])
		if left <= LineChars && right <= LineChars {
			return true
		}
	}
	return false
}

// clauseCut finds the clause boundary (just after , ; : or a spaced dash)
// nearest the middle of sp that leaves at least minLen runes on each side.
func clauseCut(s string, sp span, minLen int) (int, bool) {
	mid := (sp.a + sp.b) / 2
	best := -1
	total := utf8.RuneCountInString(s[sp.a:sp.b])
	before := 0 // runes in s[sp.a:i]
	for i := sp.a; i < sp.b; before++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		cut, left := -1, 0
		switch r {
		case ',', ';', ':', '，', '、', '；', '：':
			end := i + size
			if r < 0x80 && (end >= sp.b || s[end] != ' ') {
				break // "1,000", "10:30", "a:b"
			}
			cut, left = end, before+1
		case '—', '–':
			// A spaced dash ("word — word") or a closed em dash: cut before it.
			if r == '–' && (i == sp.a || s[i-1] != ' ') {
				break // "1990–1995"
			}
			cut, left = i, before
		}
		if cut > sp.a && cut < sp.b {
			// Rune counts on each side, give or take the space at the cut.
			right := total - left
			if left >= minLen && right >= minLen && (best < 0 || abs(cut-mid) < abs(best-mid)) {
				best = cut
			}
		}
		i += size
	}
	return best, best >= 0
}

// wordCuts lists the positions inside sp where a word boundary allows a cut:
// just after each space, and between two CJK characters.
func wordCuts(s string, sp span) []int {
	var cuts []int
	prev := rune(-1)
	for i := sp.a; i < sp.b; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if i > sp.a && prev == ' ' && r != ' ' {
			cuts = append(cuts, i)
		} else if i > sp.a && isCJK(prev) && isCJK(r) {
			cuts = append(cuts, i)
		}
		prev = r
		i += size
	}
	return cuts
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

func trimSpan(s string, sp span) span {
	for sp.a < sp.b && s[sp.a] == ' ' {
		sp.a++
	}
	for sp.b > sp.a && s[sp.b-1] == ' ' {
		sp.b--
	}
	return sp
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// ApplyLexicon replaces whole-word, case-insensitive matches of lex's keys
// in text with their values, trying longer keys first. Punctuation around a
// match stays: with {"SQL": "sequel"}, "(SQL)," becomes "(sequel),". Keys
// may contain spaces or punctuation ("e.g.", "C++").
func ApplyLexicon(text string, lex map[string]string) string {
	return lexicon(lex).apply(text).spoken
}

// lexEntry is one lexicon entry.
type lexEntry struct{ from, to string }

type lexiconList []lexEntry

// lexicon orders entries longest first (ties alphabetically, for
// determinism). Empty keys are ignored.
func lexicon(lex map[string]string) lexiconList {
	l := make(lexiconList, 0, len(lex))
	for k, v := range lex {
		if strings.TrimSpace(k) == "" {
			continue
		}
		l = append(l, lexEntry{k, v})
	}
	slices.SortFunc(l, func(a, b lexEntry) int {
		if d := utf8.RuneCountInString(b.from) - utf8.RuneCountInString(a.from); d != 0 {
			return d
		}
		return strings.Compare(a.from, b.from)
	})
	return l
}

// lexMapped is text after lexicon replacement, with a map from spoken
// offsets back to original ones.
type lexMapped struct {
	spoken string
	orig   string
	// pieces cover spoken in order; each maps a spoken range to an
	// original range. Replaced pieces map as a whole.
	pieces []lexPiece
}

type lexPiece struct {
	spoken, orig span
	replaced     bool
}

// origOffset maps a byte offset of the spoken text to the original text.
func (m lexMapped) origOffset(off int) int {
	for _, p := range m.pieces {
		if off >= p.spoken.a && off < p.spoken.b {
			if p.replaced {
				return p.orig.a
			}
			return p.orig.a + off - p.spoken.a
		}
	}
	return len(m.orig)
}

func (l lexiconList) apply(text string) lexMapped {
	m := lexMapped{orig: text}
	if len(l) == 0 {
		m.spoken = text
		m.pieces = []lexPiece{{spoken: span{0, len(text)}, orig: span{0, len(text)}}}
		return m
	}
	var b strings.Builder
	plainFrom := 0
	flushPlain := func(to int) {
		if to > plainFrom {
			sa := b.Len()
			b.WriteString(text[plainFrom:to])
			m.pieces = append(m.pieces, lexPiece{spoken: span{sa, b.Len()}, orig: span{plainFrom, to}})
		}
	}
	i := 0
	for i < len(text) {
		matched := false
		if i == 0 || !isWordRune(lastRune(text[:i])) || !isWordRune(firstRune(text[i:])) {
			for _, e := range l {
				n, ok := prefixFold(text[i:], e.from)
				if !ok {
					continue
				}
				if isWordRune(firstRune(e.from)) && i > 0 && isWordRune(lastRune(text[:i])) {
					continue
				}
				if isWordRune(lastRune(e.from)) && i+n < len(text) && isWordRune(firstRune(text[i+n:])) {
					continue
				}
				flushPlain(i)
				sa := b.Len()
				b.WriteString(e.to)
				m.pieces = append(m.pieces, lexPiece{spoken: span{sa, b.Len()}, orig: span{i, i + n}, replaced: true})
				i += n
				plainFrom = i
				matched = true
				break
			}
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
	}
	flushPlain(len(text))
	m.spoken = b.String()
	return m
}

// prefixFold reports whether s starts with prefix under simple case
// folding, and how many bytes of s the match covers.
func prefixFold(s, prefix string) (int, bool) {
	i := 0
	for _, pr := range prefix {
		if i >= len(s) {
			return 0, false
		}
		sr, size := utf8.DecodeRuneInString(s[i:])
		if !equalFoldRune(sr, pr) {
			return 0, false
		}
		i += size
	}
	return i, true
}

func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
