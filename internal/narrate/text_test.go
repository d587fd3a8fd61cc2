package narrate

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/fault"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"spaces only", "  \n\t ", nil},
		{"simple", "One. Two! Three?", []string{"One.", "Two!", "Three?"}},
		{"no final punctuation", "Hello there. And then", []string{"Hello there.", "And then"}},
		{"e.g. and i.e.", "Use a loop, e.g. For or While. Then stop, i.e. Halt.", []string{"Use a loop, e.g. For or While.", "Then stop, i.e. Halt."}},
		{"titles", "Dr. Smith met Mr. Jones and Mrs. Brown. They talked.", []string{"Dr. Smith met Mr. Jones and Mrs. Brown.", "They talked."}},
		{"decimal", "Pi is about 3.14 here. It never ends.", []string{"Pi is about 3.14 here.", "It never ends."}},
		{"price and version", "It costs $2.50 in v1.2.3 today. Yes.", []string{"It costs $2.50 in v1.2.3 today.", "Yes."}},
		{"ellipsis then lower case", "Wait... what happened? Nothing.", []string{"Wait... what happened?", "Nothing."}},
		{"ellipsis then capital", "And so on... Next topic.", []string{"And so on...", "Next topic."}},
		{"unicode ellipsis", "Well… Maybe.", []string{"Well…", "Maybe."}},
		{"interrobang run", "Really?! Yes. Wow!!! Ok.", []string{"Really?!", "Yes.", "Wow!!!", "Ok."}},
		{"quote after period", `He said "Stop." Then he left.`, []string{`He said "Stop."`, "Then he left."}},
		{"curly quote after question", "She asked “Why?” Nobody knew.", []string{"She asked “Why?”", "Nobody knew."}},
		{"question inside quote mid sentence", `"Ready?" she asked.`, []string{`"Ready?" she asked.`}},
		{"parenthesis", "Read the guide (it is short.) Then begin.", []string{"Read the guide (it is short.)", "Then begin."}},
		{"initials", "J. R. R. Tolkien wrote it. Read it.", []string{"J. R. R. Tolkien wrote it.", "Read it."}},
		{"dotted abbreviation", "The U.S. Army won. Done.", []string{"The U.S. Army won.", "Done."}},
		{"number abbreviation", "See No. 5 below. No. It is fine.", []string{"See No. 5 below.", "No.", "It is fine."}},
		{"approx lower case", "It takes approx. five minutes. Go.", []string{"It takes approx. five minutes.", "Go."}},
		{"portuguese titles", "O Sr. Silva e a Sra. Costa chegaram. Bom dia.", []string{"O Sr. Silva e a Sra. Costa chegaram.", "Bom dia."}},
		{"portuguese p. ex.", "Use frutas, p. ex. Maçã ou Banana. Depois, descanse.", []string{"Use frutas, p. ex. Maçã ou Banana.", "Depois, descanse."}},
		{"portuguese question", "Você entendeu? Ótimo! Vamos lá.", []string{"Você entendeu?", "Ótimo!", "Vamos lá."}},
		{"spanish inverted marks", "¿Listo? ¡Vamos! Bien.", []string{"¿Listo?", "¡Vamos!", "Bien."}},
		{"blank line ends a sentence", "Introduction\n\nFirst point here", []string{"Introduction", "First point here"}},
		{"single newline is a space", "This sentence is\nwrapped in YAML. Next.", []string{"This sentence is wrapped in YAML.", "Next."}},
		{"cjk", "你好。今天学习Go！好吗？", []string{"你好。", "今天学习Go！", "好吗？"}},
		{"japanese with space", "こんにちは。 元気ですか？", []string{"こんにちは。", "元気ですか？"}},
		{"url", "Visit example.com today. Thanks.", []string{"Visit example.com today.", "Thanks."}},
		{"etc before capital", "Apples, pears, etc. Then water.", []string{"Apples, pears, etc.", "Then water."}},
		{"digit after period", "Chapter 2. 3 examples follow.", []string{"Chapter 2.", "3 examples follow."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitSentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestApplyLexicon(t *testing.T) {
	lex := map[string]string{
		"SQL":        "sequel",
		"SQL Server": "sequel server",
		"e.g.":       "for example",
		"C++":        "C plus plus",
		"GUI":        "gooey",
		"ação":       "a-são",
		"Node.js":    "node J S",
		"":           "ignored",
	}
	tests := []struct{ in, want string }{
		{"I like SQL.", "I like sequel."},
		{"(sql), SQL; Sql!", "(sequel), sequel; sequel!"},
		{"SQLite is not SQL", "SQLite is not sequel"},
		{"MySQL and NoSQL", "MySQL and NoSQL"},
		{"Use SQL Server now", "Use sequel server now"},
		{"Fruits, e.g. apples", "Fruits, for example apples"},
		{"I write C++ daily, C++.", "I write C plus plus daily, C plus plus."},
		{"A GUI's menu", "A gooey's menu"},
		{"\"GUI\"", "\"gooey\""},
		{"GUIs", "GUIs"},
		{"A AÇÃO começa", "A a-são começa"},
		{"reação", "reação"},
		{"Try Node.js.", "Try node J S."},
		{"", ""},
		{"no match here", "no match here"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ApplyLexicon(tt.in, lex); got != tt.want {
				t.Errorf("ApplyLexicon(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("nil lexicon", func(t *testing.T) {
		if got := ApplyLexicon("SQL", nil); got != "SQL" {
			t.Errorf("got %q", got)
		}
	})
}

func TestLexiconOffsetMap(t *testing.T) {
	m := lexicon(map[string]string{"SQL": "structured query language"}).apply("Learn SQL today")
	if m.spoken != "Learn structured query language today" {
		t.Fatalf("spoken = %q", m.spoken)
	}
	for _, tc := range []struct {
		word string
		want string // original text at the mapped span
	}{
		{"Learn", "Learn"}, {"query", "SQL"}, {"language", "SQL"}, {"today", "today"},
	} {
		a := strings.Index(m.spoken, tc.word)
		o := span{m.origOffset(a), m.origEnd(a + len(tc.word))}
		if got := m.orig[o.a:o.b]; got != tc.want {
			t.Errorf("%q maps to %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestChunkSentence(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"short", "A short sentence.", []string{"A short sentence."}},
		{
			"clause comma near the middle",
			"When the build finishes, tecno writes the video, the subtitles and a report next to the course file.",
			[]string{"When the build finishes, tecno writes the video,", "the subtitles and a report next to the course file."},
		},
		{
			"semicolon",
			"The first half of this sentence is long enough to matter; the second half is long enough as well, truly.",
			[]string{"The first half of this sentence is long enough to matter;", "the second half is long enough as well, truly."},
		},
		{
			"spaced dash",
			"Narration comes from the speaker notes of each slide — or from the text you write yourself in the file.",
			[]string{"Narration comes from the speaker notes of each slide", "— or from the text you write yourself in the file."},
		},
		{
			"no punctuation: balanced word split",
			"This sentence has no clause punctuation at all and it keeps going well past the limit of one subtitle cue",
			[]string{"This sentence has no clause punctuation at all and", "it keeps going well past the limit of one subtitle cue"},
		},
		{
			"thousands separator is not a clause",
			"There were 1,000,000 people in the square that day and every one of them was waiting for the same news",
			[]string{"There were 1,000,000 people in the square that day", "and every one of them was waiting for the same news"},
		},
		{
			"one long word stays whole",
			"https://example.com/" + strings.Repeat("a", 100),
			[]string{"https://example.com/" + strings.Repeat("a", 100)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range chunkSentence(tt.in, MaxCueChars) {
				got = append(got, tt.in[c.a:c.b])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("chunks of %q\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestChunkSentenceLimits checks the invariants on real text: every chunk
// fits, and the chunks put back together are the sentence.
func TestChunkSentenceLimits(t *testing.T) {
	texts := []string{
		strings.Repeat("word ", 200),
		// 84 runes that need three lines of 42.
		"the subtitles and a report next to the course file, so you can review it at once ok",
		"Este é um parágrafo em português, com acentuação e vírgulas, que precisa ser dividido em vários pedaços menores para caber nas legendas; cada pedaço deve ter no máximo oitenta e quatro caracteres, sem cortar palavras ao meio.",
		strings.Repeat("这是一个很长的中文句子没有空格", 12),
		strings.Repeat("a, ", 60),
	}
	for _, s := range texts {
		s = strings.Join(strings.Fields(s), " ")
		var parts []string
		for _, c := range chunkSentence(s, MaxCueChars) {
			p := s[c.a:c.b]
			if n := utf8.RuneCountInString(p); n > MaxCueChars || !fitsTwoLines(p) {
				t.Errorf("chunk of %d runes does not fit two lines: %q", n, p)
			}
			if p != strings.TrimSpace(p) || p == "" {
				t.Errorf("chunk not trimmed: %q", p)
			}
			parts = append(parts, p)
		}
		if strings.ReplaceAll(strings.Join(parts, ""), " ", "") != strings.ReplaceAll(s, " ", "") {
			t.Errorf("chunks lose text:\n%q\n%q", parts, s)
		}
	}
}

func TestParseNarration(t *testing.T) {
	tests := []struct {
		in      string
		want    []Segment
		wantErr string
	}{
		{"Hello.", []Segment{{Text: "Hello."}}, ""},
		{"One. [pause 1.5s] Two.", []Segment{{Text: "One. "}, {Pause: 1.5}, {Text: " Two."}}, ""},
		{"[pause 500ms]Start", []Segment{{Pause: 0.5}, {Text: "Start"}}, ""},
		{"A [PAUSE 2S] B", []Segment{{Text: "A "}, {Pause: 2}, {Text: " B"}}, ""},
		{"A [ pause 0.25 s ] B", []Segment{{Text: "A "}, {Pause: 0.25}, {Text: " B"}}, ""},
		{"A [pause 0s] B", []Segment{{Text: "A "}, {Text: " B"}}, ""},
		{"[pause 1s] [pause 1s]", []Segment{{Pause: 1}, {Pause: 1}}, ""},
		{"See [1] and [note].", []Segment{{Text: "See [1] and [note]."}}, ""},
		{"A [pause 2] B", nil, `bad pause marker "[pause 2]"`},
		{"A [pause soon] B", nil, `bad pause marker "[pause soon]"`},
		{"A [pause -1s] B", nil, `bad pause marker "[pause -1s]"`},
		{"A [pause 1s B", nil, "unclosed pause marker"},
		{"A [pause 90s] B", nil, "longer than 60s"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNarration(tt.in)
			if tt.wantErr != "" {
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Kind != fault.Input || !strings.Contains(fe.Msg, tt.wantErr) {
					t.Fatalf("err = %v, want input error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// FuzzSplitSentences checks that splitting loses no text and never returns
// empty or untrimmed sentences.
func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{"One. Two.", "Dr. X... y? Z!", "3.14. 你好。", "\"Q?\" a. B", "p. ex. Sr. Sra."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		got := SplitSentences(s)
		for _, x := range got {
			if x == "" || x != strings.TrimSpace(x) {
				t.Fatalf("bad sentence %q", x)
			}
			var parts []string
			for _, c := range chunkSentence(x, MaxCueChars) {
				if c.a >= c.b || c.b > len(x) {
					t.Fatalf("bad chunk %v of %q", c, x)
				}
				p := x[c.a:c.b]
				fits := utf8.RuneCountInString(p) <= MaxCueChars && fitsTwoLines(p)
				if !fits && len(wordCuts(p, span{0, len(p)})) > 0 {
					t.Fatalf("chunk %q does not fit and could be split", p)
				}
				parts = append(parts, p)
			}
			if strings.ReplaceAll(strings.Join(parts, ""), " ", "") != strings.ReplaceAll(x, " ", "") {
				t.Fatalf("chunks %q lose text of %q", parts, x)
			}
		}
		strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if strip(strings.Join(got, " ")) != strip(s) {
			t.Fatalf("text lost: %q -> %q", s, got)
		}
	})
}

func BenchmarkChunkLongSentence(b *testing.B) {
	s := strings.TrimSpace(strings.Repeat("lorem ipsum dolor, sit amet consectetur ", 250))
	for b.Loop() {
		chunkSentence(s, MaxCueChars)
	}
}
