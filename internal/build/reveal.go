package build

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/subtitle"
)

// Bullet reveal: when does the narration reach each bullet?
//
// Timings come only from the narration: sentence cues (every provider gives
// them) and word timings (where the provider gives them). Each top-level
// bullet (with its sub-bullets) is matched, in order, to the first cue at or
// after the previous bullet's cue that shares enough significant words with
// it; within that cue, the first matching word's start is used when word
// timings exist, else the cue's start. Bullets that match no cue are spread
// evenly between their matched neighbours (or the start and end of the
// speech), snapped to the nearest cue start. Nothing is estimated from the
// length of the text.

// revealTimes returns, for each top-level bullet, when it appears, in
// seconds from the scene start. speechStart and speechEnd bound the
// narration.
func revealTimes(bullets []course.Bullet, cues, words []narrate.Timing, speechStart, speechEnd float64) []float64 {
	n := len(bullets)
	times := make([]float64, n)
	known := make([]bool, n)
	cueToks := make([][]string, len(cues))
	for i, c := range cues {
		cueToks[i] = tokens(c.Text)
	}
	from, after := 0, speechStart
	for i, b := range bullets {
		bt := tokens(bulletText(b))
		if len(bt) == 0 {
			continue
		}
		need := max(1, int(math.Ceil(float64(len(bt))*0.34)))
		for ci := from; ci < len(cues); ci++ {
			if overlap(bt, cueToks[ci]) < need {
				continue
			}
			t := math.Max(cues[ci].Start, after)
			for _, w := range words {
				if w.Start < cues[ci].Start-1e-6 || w.Start < after-1e-6 || w.End > cues[ci].End+1e-6 {
					continue
				}
				if overlap(bt, tokens(w.Text)) > 0 {
					t = w.Start
					break
				}
			}
			times[i], known[i] = t, true
			from, after = ci, t
			break
		}
	}
	// Spread the unmatched ones.
	for i := 0; i < n; {
		if known[i] {
			i++
			continue
		}
		j := i
		for j < n && !known[j] {
			j++
		}
		lo, hi := speechStart, speechEnd
		if i > 0 {
			lo = times[i-1]
		}
		if j < n {
			hi = times[j]
		}
		if hi < lo {
			hi = lo
		}
		for k := i; k < j; k++ {
			// After a matched bullet, spread strictly between it and the
			// next; at the start, the first one appears with the speech.
			t := lo + (hi-lo)*float64(k-i+1)/float64(j-i+1)
			if i == 0 {
				t = lo + (hi-lo)*float64(k)/float64(j)
			}
			times[k] = snapToCue(t, cues, lo, hi)
		}
		i = j
	}
	for i := 1; i < n; i++ {
		times[i] = math.Max(times[i], times[i-1])
	}
	return times
}

// snapToCue moves t to the nearest cue start within [lo, hi], if any.
func snapToCue(t float64, cues []narrate.Timing, lo, hi float64) float64 {
	best, bestD := t, math.Inf(1)
	for _, c := range cues {
		if c.Start < lo-1e-6 || c.Start > hi+1e-6 {
			continue
		}
		if d := math.Abs(c.Start - t); d < bestD {
			best, bestD = c.Start, d
		}
	}
	return best
}

func bulletText(b course.Bullet) string {
	parts := []string{b.Text}
	for _, c := range b.Children {
		parts = append(parts, bulletText(c))
	}
	return strings.Join(parts, " ")
}

// stopwords are left out of matching in the languages most courses use.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and for with that this from are was were will you your our their its not but
		can has have had all any into onto than then them they there these those what when where which who why how
		also just more most some such very over only each other about
		que para com uma por como mais dos das nos nas pelo pela sua seu são não ele ela isso este esta
		los las del una por con para como más sus que este esta son
		les des une pour avec dans sur est sont pas qui que`) {
		stopwords[w] = true
	}
}

// tokens returns the significant words of s: lower-case runs of letters and
// digits, three letters or longer (or any number), stopwords left out.
func tokens(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r, _ := utf8.DecodeRuneInString(f)
		if (utf8.RuneCountInString(f) >= 3 || unicode.IsDigit(r)) && !stopwords[f] {
			out = append(out, f)
		}
	}
	return out
}

// overlap counts the words of a that match a word of b: equal, or sharing a
// prefix of at least 4 letters that covers three quarters of the shorter
// word ("cache" and "cached", "render" and "rendering").
func overlap(a, b []string) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if sameWord(x, y) {
				n++
				break
			}
		}
	}
	return n
}

func sameWord(x, y string) bool {
	if x == y {
		return true
	}
	rx, ry := []rune(x), []rune(y)
	short := min(len(rx), len(ry))
	p := 0
	for p < short && rx[p] == ry[p] {
		p++
	}
	return p >= 4 && float64(p) >= 0.75*float64(short)
}

// renderState is one picture of a scene with several: how many top-level
// bullets it shows (-1: all) and the burned-in caption.
type renderState struct {
	Shown   int    `json:"shown"`
	Caption string `json:"caption,omitempty"`
}

// run is a stretch of a scene showing one picture: pic -1 is the full
// frame (frame.png), else a state. Start is in frames from the scene start.
type run struct {
	Pic   int `json:"pic"`
	Start int `json:"start"`
}

// scenePlan is a scene's pictures over time and its entry transition.
type scenePlan struct {
	states      []renderState
	runs        []run
	trans       course.Transition
	transFrames int // frames of the entry transition; 0 for a cut
}

// pictureStates computes a scene's reveal and burned-caption states and
// when each shows, from its timing. One picture (no reveal, no burned
// subtitles) gives a single run of the full frame and no states.
func pictureStates(s *course.Scene, burn bool, t sceneAudioMeta, fps int) ([]renderState, []run) {
	reveal := s.Reveal == course.RevealBullets && len(s.Bullets) > 0
	if !reveal && !burn {
		return nil, []run{{Pic: -1}}
	}
	end := float64(t.Frames) / float64(fps)
	type event struct {
		at   float64
		kind int // 0 bullet, 1 caption on, 2 caption off
		cap  string
	}
	var events []event
	if reveal {
		for _, at := range revealTimes(s.Bullets, t.Cues, t.Words, t.Offset, t.Offset+t.Speech) {
			events = append(events, event{at: at})
		}
	}
	if burn {
		var cues []subtitle.Cue
		for _, c := range t.Cues {
			cue := subtitle.Cue{Start: c.Start, End: c.End, Text: c.Text}
			for _, w := range t.Words {
				if w.Start >= c.Start-1e-6 && w.End <= c.End+1e-6 {
					cue.Words = append(cue.Words, subtitle.Word{Start: w.Start, End: w.End, Text: w.Text})
				}
			}
			cues = append(cues, cue)
		}
		laid, _ := subtitle.Layout(cues, subtitle.DefaultOptions())
		for _, c := range laid {
			events = append(events, event{at: c.Start, kind: 1, cap: c.Text}, event{at: c.End, kind: 2, cap: c.Text})
		}
	}
	sort.SliceStable(events, func(i, j int) bool {
		if events[i].at != events[j].at {
			return events[i].at < events[j].at
		}
		return events[i].kind > events[j].kind // a caption ends before the next starts
	})
	shown, caption := 0, ""
	if !reveal {
		shown = -1
	}
	index := map[renderState]int{}
	var states []renderState
	var runs []run
	add := func(frame int) {
		st := renderState{Shown: shown, Caption: caption}
		if reveal && shown >= len(s.Bullets) {
			st.Shown = -1
		}
		pic := -1
		if st != (renderState{Shown: -1}) {
			i, ok := index[st]
			if !ok {
				i = len(states)
				index[st] = i
				states = append(states, st)
			}
			pic = i
		}
		frame = min(max(frame, 0), t.Frames)
		if n := len(runs); n > 0 && runs[n-1].Start == frame {
			runs[n-1].Pic = pic
		} else {
			runs = append(runs, run{Pic: pic, Start: frame})
		}
		if n := len(runs); n > 1 && runs[n-1].Pic == runs[n-2].Pic {
			runs = runs[:n-1]
		}
	}
	add(0)
	for _, e := range events {
		switch e.kind {
		case 0:
			shown++
		case 1:
			caption = e.cap
		case 2:
			if caption == e.cap {
				caption = ""
			}
		}
		if e.at >= end {
			continue
		}
		add(int(math.Round(e.at * float64(fps))))
	}
	// States no run uses (replaced at the same frame) are dropped and the
	// rest renumbered, so the picture set depends only on what shows.
	used := map[int]int{}
	var kept []renderState
	for i := range runs {
		if p := runs[i].Pic; p >= 0 {
			if _, ok := used[p]; !ok {
				used[p] = len(kept)
				kept = append(kept, states[p])
			}
			runs[i].Pic = used[p]
		}
	}
	return kept, runs
}
