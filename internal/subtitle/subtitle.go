// Package subtitle lays out timed cues as readable subtitles and reads and
// writes them as SubRip (.srt) and WebVTT (.vtt).
//
// Layout follows common broadcast rules: at most two lines of 42
// characters, at most 7 seconds a cue, lines balanced in length. Timing is
// never invented: a cue that is too long is split only at word timings it
// carries; without them it is kept whole and a Note says so.
package subtitle

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Cue is one subtitle: text shown from Start to End, in seconds. Text may
// hold line breaks ("\n").
type Cue struct {
	Start, End float64
	Text       string
	// Words optionally holds real word timings inside the cue, in order;
	// Layout splits a cue only at these. Writers ignore them.
	Words []Word
}

// Word is a timed word of a cue, with its text as written (punctuation
// attached), so that joining a cue's words with spaces gives its text.
type Word struct {
	Start, End float64
	Text       string
}

// Options are the layout limits.
type Options struct {
	MaxLineChars int     // characters per line (runes); default 42
	MaxLines     int     // lines per cue; default 2
	MaxDuration  float64 // seconds per cue; default 7
}

// DefaultOptions returns the usual limits: 42 characters, 2 lines, 7 s.
func DefaultOptions() Options {
	return Options{MaxLineChars: 42, MaxLines: 2, MaxDuration: 7}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MaxLineChars <= 0 {
		o.MaxLineChars = d.MaxLineChars
	}
	if o.MaxLines <= 0 {
		o.MaxLines = d.MaxLines
	}
	if o.MaxDuration <= 0 {
		o.MaxDuration = d.MaxDuration
	}
	return o
}

// Note reports a cue that breaks a layout rule and could not be fixed
// without inventing timing.
type Note struct {
	Start, End float64
	Text       string
	Msg        string
}

func (n Note) String() string {
	return fmt.Sprintf("%s %q: %s", formatTime(n.Start, '.'), n.Text, n.Msg)
}

// Layout returns cues ready to write: text wrapped into balanced lines,
// and cues that last longer than MaxDuration or hold more text than
// MaxLines lines split at their word timings. A cue that still breaks a
// rule is kept as it is, with a Note.
func Layout(cues []Cue, o Options) ([]Cue, []Note) {
	o = o.withDefaults()
	var out []Cue
	var notes []Note
	for _, c := range cues {
		text := strings.Join(strings.Fields(c.Text), " ")
		if text == "" {
			continue
		}
		parts := []Cue{{Start: c.Start, End: c.End, Text: text, Words: c.Words}}
		if !fits(text, c.End-c.Start, o) && len(c.Words) > 1 {
			parts = splitAtWords(c, o)
		}
		for _, p := range parts {
			lines := Wrap(p.Text, o.MaxLineChars)
			var problems []string
			if len(lines) > o.MaxLines {
				problems = append(problems, fmt.Sprintf("needs %d lines of %d characters", len(lines), o.MaxLineChars))
			}
			if d := p.End - p.Start; d > o.MaxDuration+1e-9 {
				problems = append(problems, fmt.Sprintf("lasts %.1fs, over %gs", d, o.MaxDuration))
			}
			if len(problems) > 0 {
				why := "it has no word timings to split at"
				if len(p.Words) > 1 {
					why = "its word timings leave no better split"
				}
				notes = append(notes, Note{Start: p.Start, End: p.End, Text: p.Text, Msg: strings.Join(problems, " and ") + "; kept whole because " + why})
			}
			out = append(out, Cue{Start: p.Start, End: p.End, Text: strings.Join(lines, "\n"), Words: p.Words})
		}
	}
	return out, notes
}

// fits reports whether text of the given duration fits one cue.
func fits(text string, d float64, o Options) bool {
	return d <= o.MaxDuration+1e-9 && len(Wrap(text, o.MaxLineChars)) <= o.MaxLines
}

// splitAtWords splits c at word boundaries into the fewest cues that fit,
// preferring equal durations and cuts after punctuation. Each piece runs
// from its first word's start to its last word's end; the first and last
// keep the cue's own start and end.
func splitAtWords(c Cue, o Options) []Cue {
	ws := c.Words
	n := len(ws)
	piece := func(i, j int) Cue { // words i..j-1
		texts := make([]string, 0, j-i)
		for _, w := range ws[i:j] {
			texts = append(texts, w.Text)
		}
		p := Cue{Start: ws[i].Start, End: ws[j-1].End, Text: strings.Join(strings.Fields(strings.Join(texts, " ")), " "), Words: ws[i:j]}
		if i == 0 {
			p.Start = min(c.Start, p.Start)
		}
		if j == n {
			p.End = max(c.End, p.End)
		}
		return p
	}
	// best[j] is the cheapest split of words[:j]; a piece that does not
	// fit costs a lot but is allowed, so a single overlong word still
	// yields an answer.
	const misfit = 1e6
	best := make([]float64, n+1)
	from := make([]int, n+1)
	for j := 1; j <= n; j++ {
		best[j] = math.Inf(1)
		for i := j - 1; i >= 0; i-- {
			p := piece(i, j)
			ok := fits(p.Text, p.End-p.Start, o)
			cost := best[i] + 1000 // fewer pieces first
			if !ok {
				cost += misfit
			}
			d := p.End - p.Start
			cost += d * d
			if j < n && !endsClause(ws[j-1].Text) {
				cost += 5
			}
			if cost < best[j] {
				best[j], from[j] = cost, i
			}
		}
	}
	var parts []Cue
	for j := n; j > 0; j = from[j] {
		parts = append([]Cue{piece(from[j], j)}, parts...)
	}
	return parts
}

func endsClause(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(w, "\"'”’»)"))
	return strings.ContainsRune(".,;:!?…—–，。、；：！？", r)
}

// functionWords should not end a line: articles, prepositions and
// conjunctions in English, Portuguese, Spanish and French.
var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the a an of to in on at for and or but with by from as
		o os as um uma uns umas de do da dos das em no na nos nas e ou com para por pelo pela
		el la los las un una del en y con le les des du et au aux`) {
		functionWords[w] = true
	}
}

// Wrap breaks text into lines of at most width runes. Text that fits two
// lines is split where the two lines are most nearly equal (ties go to a
// shorter top line); longer text is
// filled greedily. A word longer than width is broken inside. Breaks after
// punctuation are preferred, and a line never ends on an article or
// preposition when another break fits.
func Wrap(text string, width int) []string {
	if width <= 0 {
		width = DefaultOptions().MaxLineChars
	}
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil
	}
	var tokens []string
	for _, w := range words {
		tokens = append(tokens, hardBreak(w, width)...)
	}
	total := runes(strings.Join(tokens, " "))
	if total <= width {
		return []string{strings.Join(tokens, " ")}
	}
	// Two balanced lines, if any break makes both fit.
	bestK, bestScore := -1, math.MaxInt
	for k := 1; k < len(tokens); k++ {
		a := runes(strings.Join(tokens[:k], " "))
		b := runes(strings.Join(tokens[k:], " "))
		if a > width || b > width {
			continue
		}
		score := abs(a - b)
		if a > b {
			score++ // prefer the bottom line longer
		}
		if !endsClause(tokens[k-1]) {
			score += 15 // prefer breaking after punctuation
		}
		if functionWords[strings.ToLower(tokens[k-1])] {
			score += 10 // never leave "the" or "de" hanging at a line end
		}
		if score < bestScore {
			bestK, bestScore = k, score
		}
	}
	if bestK > 0 {
		return []string{strings.Join(tokens[:bestK], " "), strings.Join(tokens[bestK:], " ")}
	}
	var lines []string
	cur := ""
	for _, t := range tokens {
		switch {
		case cur == "":
			cur = t
		case runes(cur)+1+runes(t) <= width:
			cur += " " + t
		default:
			lines = append(lines, cur)
			cur = t
		}
	}
	return append(lines, cur)
}

// hardBreak cuts a word longer than width into the fewest pieces of
// nearly equal length (CJK text, which has no spaces, and long URLs).
func hardBreak(w string, width int) []string {
	r := []rune(w)
	if len(r) <= width {
		return []string{w}
	}
	n := (len(r) + width - 1) / width
	size := (len(r) + n - 1) / n
	var out []string
	for len(r) > size {
		out = append(out, string(r[:size]))
		r = r[size:]
	}
	return append(out, string(r))
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
