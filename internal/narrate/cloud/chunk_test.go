package cloud_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		size  func(string) int
		want  []string
	}{
		{"fits", "One. Two.", 100, cloud.Runes, []string{"One. Two."}},
		{"empty", " \n\t", 10, cloud.Runes, nil},
		{"sentences", "First one. Second one! Third one?", 12, cloud.Runes,
			[]string{"First one.", "Second one!", "Third one?"}},
		{"packs sentences", "Aa. Bb. Cc. Dd.", 8, cloud.Runes, []string{"Aa. Bb.", "Cc. Dd."}},
		{"abbreviation does not end a sentence", "See e.g. this case here. Next.", 26, cloud.Runes,
			[]string{"See e.g. this case here.", "Next."}},
		{"closing quote stays", `He said "stop." Then left.`, 16, cloud.Runes, []string{`He said "stop."`, "Then left."}},
		{"decimal point", "Pi is 3.14 exactly. Yes.", 20, cloud.Runes, []string{"Pi is 3.14 exactly.", "Yes."}},
		{"cjk full stops", "今日は晴れ。明日は雨。", 6, cloud.Runes, []string{"今日は晴れ。", "明日は雨。"}},
		{"long sentence at spaces", "one two three four five six", 10, cloud.Runes, []string{"one two", "three four", "five six"}},
		{"long word cut", "abcdefghij", 4, cloud.Runes, []string{"abcd", "efgh", "ij"}},
		{"bytes count", "ação ação ação", 13, cloud.Bytes, []string{"ação ação", "ação"}},
		{"newlines", "Line one.\nLine two.", 10, cloud.Runes, []string{"Line one.", "Line two."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cloud.Split(tt.text, tt.limit, tt.size)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("Split = %q, want %q", got, tt.want)
			}
			for _, c := range got {
				if tt.size(c) > tt.limit {
					t.Errorf("chunk %q measures %d > %d", c, tt.size(c), tt.limit)
				}
			}
		})
	}
}

// TestSplitRealNotes splits real multi-byte narration under a byte limit
// and checks nothing is lost, no chunk overflows, and cuts fall on
// sentence ends.
func TestSplitRealNotes(t *testing.T) {
	sentence := "A revisão de código é útil: ela evita regressões, melhora a legibilidade e espalha o conhecimento pela equipe. "
	text := strings.Repeat(sentence, 120) // about 14 KB
	for _, limit := range []int{5000, 999, 300} {
		chunks := cloud.Split(text, limit, cloud.Bytes)
		if len(chunks) < len(text)/limit {
			t.Errorf("limit %d: only %d chunks", limit, len(chunks))
		}
		for i, c := range chunks {
			if len(c) > limit {
				t.Errorf("limit %d: chunk %d has %d bytes", limit, i, len(c))
			}
			if !utf8.ValidString(c) {
				t.Errorf("limit %d: chunk %d is not valid UTF-8", limit, i)
			}
			if !strings.HasSuffix(c, ".") {
				t.Errorf("limit %d: chunk %d does not end a sentence", limit, i)
			}
		}
		if strings.Join(chunks, " ") != strings.TrimSpace(text) {
			t.Errorf("limit %d: chunks do not add up to the text", limit)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("Hello world. How are you? Fine!", 10)
	f.Add("今日は晴れ。明日は雨。", 5)
	f.Add("e.g. x... y?! \"z.\" w", 3)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 4 || limit > 1000 || !utf8.ValidString(text) {
			return
		}
		chunks := cloud.Split(text, limit, cloud.Bytes)
		for _, c := range chunks {
			if len(c) > limit {
				t.Fatalf("chunk of %d bytes over %d", len(c), limit)
			}
			if c == "" {
				t.Fatal("empty chunk")
			}
		}
		if strings.Join(strings.Fields(strings.Join(chunks, "")), "") != strings.Join(strings.Fields(text), "") {
			t.Fatalf("chunks %q lose text of %q", chunks, text)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	text := strings.Repeat("A revisão de código é útil: ela evita regressões e espalha o conhecimento. ", 1000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		cloud.Split(text, 5000, cloud.Bytes)
	}
}
