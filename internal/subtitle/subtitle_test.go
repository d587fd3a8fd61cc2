package subtitle

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"fits one line", "A short line.", []string{"A short line."}},
		{"exactly 42", strings.Repeat("a", 42), []string{strings.Repeat("a", 42)}},
		{
			"balanced two lines",
			"When the build finishes, tecno writes the video and the subtitles.",
			[]string{"When the build finishes,", "tecno writes the video and the subtitles."},
		},
		{
			"balanced without punctuation",
			"This sentence has no clause punctuation at all and it goes on",
			[]string{"This sentence has no clause", "punctuation at all and it goes on"},
		},
		{
			"no article at a line end",
			"the subtitles and a report next to the course file so you can review it",
			[]string{"the subtitles and a report next", "to the course file so you can review it"},
		},
		{
			"84 characters that need three lines",
			"the subtitles and a report next to the course file, so you can review it at once ok",
			[]string{"the subtitles and a report next to the", "course file, so you can review it at once", "ok"},
		},
		{
			"accents count as one character",
			"Hoje vamos falar sobre a história do Brasil, desde a chegada dos portugueses.",
			[]string{"Hoje vamos falar sobre a história do", "Brasil, desde a chegada dos portugueses."},
		},
		{
			"too long for two lines",
			strings.Repeat("word ", 30),
			[]string{
				"word word word word word word word word", "word word word word word word word word",
				"word word word word word word word word", "word word word word word word",
			},
		},
		{"long word is cut evenly", strings.Repeat("x", 50), []string{strings.Repeat("x", 25), strings.Repeat("x", 25)}},
		{"cjk", strings.Repeat("中", 60), []string{strings.Repeat("中", 30), strings.Repeat("中", 30)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(tt.in, 42)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Wrap(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			for _, l := range got {
				if utf8.RuneCountInString(l) > 42 {
					t.Errorf("line %q has %d runes", l, utf8.RuneCountInString(l))
				}
			}
		})
	}
}

// words times each word of text: dur seconds per word, no gaps.
func words(text string, start, dur float64) []Word {
	var ws []Word
	for i, w := range strings.Fields(text) {
		ws = append(ws, Word{Start: start + float64(i)*dur, End: start + float64(i+1)*dur, Text: w})
	}
	return ws
}

func TestLayout(t *testing.T) {
	long := "Slow narration needs shorter cues, because nobody reads one this long at all."
	t.Run("wraps and keeps short cues", func(t *testing.T) {
		got, notes := Layout([]Cue{
			{Start: 1, End: 3, Text: "When the build finishes, tecno writes the video and the subtitles."},
			{Start: 3.5, End: 4, Text: "  Done.  "},
			{Start: 5, End: 6, Text: "   "},
		}, Options{})
		want := []Cue{
			{Start: 1, End: 3, Text: "When the build finishes,\ntecno writes the video and the subtitles."},
			{Start: 3.5, End: 4, Text: "Done."},
		}
		if !slices.EqualFunc(got, want, cueEqual) || len(notes) != 0 {
			t.Errorf("got %+v, notes %v", got, notes)
		}
	})
	t.Run("splits a long cue at word timings", func(t *testing.T) {
		c := Cue{Start: 10, End: 10 + 13*0.8, Text: long, Words: words(long, 10, 0.8)}
		got, notes := Layout([]Cue{c}, Options{})
		if len(notes) != 0 {
			t.Errorf("notes: %v", notes)
		}
		if len(got) != 2 {
			t.Fatalf("cues = %+v", got)
		}
		if got[0].Text != "Slow narration needs shorter cues," || got[1].Text != "because nobody reads one this long at all." {
			t.Errorf("texts %q, %q", got[0].Text, got[1].Text)
		}
		if got[0].Start != 10 || got[0].End != got[0].Words[4].End || got[1].Start != got[1].Words[0].Start || got[1].End != c.End {
			t.Errorf("times %+v", got)
		}
		for _, p := range got {
			if p.End-p.Start > 7 {
				t.Errorf("piece lasts %.1fs", p.End-p.Start)
			}
		}
	})
	t.Run("splits too much text at word timings", func(t *testing.T) {
		text := strings.Repeat("many words here ", 8)
		got, notes := Layout([]Cue{{Start: 0, End: 6, Text: text, Words: words(text, 0, 0.25)}}, Options{})
		if len(notes) != 0 || len(got) != 2 {
			t.Fatalf("cues %+v, notes %v", got, notes)
		}
		for _, c := range got {
			if n := len(strings.Split(c.Text, "\n")); n > 2 {
				t.Errorf("%d lines: %q", n, c.Text)
			}
		}
	})
	t.Run("keeps a long cue without word timings and notes it", func(t *testing.T) {
		got, notes := Layout([]Cue{{Start: 0, End: 8.5, Text: long}}, Options{})
		if len(got) != 1 || got[0].Start != 0 || got[0].End != 8.5 {
			t.Errorf("cues = %+v", got)
		}
		if len(notes) != 1 || !strings.Contains(notes[0].Msg, "lasts 8.5s, over 7s") || !strings.Contains(notes[0].Msg, "no word timings") {
			t.Errorf("notes = %v", notes)
		}
	})
	t.Run("one slow word cannot be split", func(t *testing.T) {
		got, notes := Layout([]Cue{{Start: 0, End: 9, Text: "Hmmm.", Words: words("Hmmm.", 0, 9)}}, Options{})
		if len(got) != 1 || len(notes) != 1 {
			t.Errorf("cues %+v, notes %v", got, notes)
		}
	})
	t.Run("custom limits", func(t *testing.T) {
		text := "one two three four five six"
		got, _ := Layout([]Cue{{Start: 0, End: 6, Text: text, Words: words(text, 0, 1)}}, Options{MaxLineChars: 10, MaxLines: 1, MaxDuration: 3})
		var texts []string
		for _, c := range got {
			texts = append(texts, c.Text)
		}
		if !slices.Equal(texts, []string{"one two", "three four", "five six"}) {
			t.Errorf("texts = %q", texts)
		}
	})
}

func cueEqual(a, b Cue) bool {
	return a.Start == b.Start && a.End == b.End && a.Text == b.Text
}
