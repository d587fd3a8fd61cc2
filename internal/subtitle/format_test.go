package subtitle

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got with testdata/<name>.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// sampleCues covers rounding, hours, two-line text, accents, CJK and
// characters WebVTT must escape.
var sampleCues = []Cue{
	{Start: 0.0004, End: 1.2345, Text: "Welcome to the course."},
	{Start: 1.5, End: 4.0, Text: "When the build finishes,\ntecno writes the video and the subtitles."},
	{Start: 4.25, End: 6.999, Text: "Hoje vamos falar sobre a história do Brasil."},
	{Start: 61.001, End: 62.5, Text: "If a < b && b > c, then a < c."},
	{Start: 3599.9995, End: 3725.25, Text: "你好，世界。"},
	{Start: 36000, End: 36001, Text: "Ten hours in."},
}

func TestWriteSRT(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSRT(&b, sampleCues); err != nil {
		t.Fatal(err)
	}
	golden(t, "TestWriteSRT", b.Bytes())
}

func TestWriteVTT(t *testing.T) {
	var b bytes.Buffer
	if err := WriteVTT(&b, sampleCues); err != nil {
		t.Fatal(err)
	}
	golden(t, "TestWriteVTT", b.Bytes())
}

func TestRoundTrip(t *testing.T) {
	formats := []struct {
		name  string
		write func(*bytes.Buffer, []Cue) error
		parse func(*bytes.Buffer) ([]Cue, error)
	}{
		{"srt", func(b *bytes.Buffer, c []Cue) error { return WriteSRT(b, c) }, func(b *bytes.Buffer) ([]Cue, error) { return ParseSRT(b) }},
		{"vtt", func(b *bytes.Buffer, c []Cue) error { return WriteVTT(b, c) }, func(b *bytes.Buffer) ([]Cue, error) { return ParseVTT(b) }},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.write(&b, sampleCues); err != nil {
				t.Fatal(err)
			}
			got, err := f.parse(&b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(sampleCues) {
				t.Fatalf("%d cues, want %d", len(got), len(sampleCues))
			}
			for i, c := range got {
				w := sampleCues[i]
				if ms(c.Start) != ms(w.Start) || ms(c.End) != ms(w.End) || c.Text != w.Text {
					t.Errorf("cue %d = %+v, want %+v (to the millisecond)", i, c, w)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		cues    []Cue
		wantErr string
	}{
		{"ok", []Cue{{Start: 0, End: 1, Text: "a"}, {Start: 1, End: 2, Text: "b"}}, ""},
		{"empty list", nil, ""},
		{"end before start", []Cue{{Start: 2, End: 1, Text: "a"}}, "end 00:00:01.000 is not after start 00:00:02.000"},
		{"zero length after rounding", []Cue{{Start: 1, End: 1.0004, Text: "a"}}, "is not after start"},
		{"negative", []Cue{{Start: -1, End: 1, Text: "a"}}, "negative start"},
		{"NaN", []Cue{{Start: 0, End: nan(), Text: "a"}}, "not a number"},
		{"overlap", []Cue{{Start: 0, End: 2, Text: "a"}, {Start: 1.5, End: 3, Text: "b"}}, "cue 2 starts at 00:00:01.500, before cue 1 ends"},
		{"no text", []Cue{{Start: 0, End: 1, Text: " "}}, "has no text"},
		{"blank line", []Cue{{Start: 0, End: 1, Text: "a\n\nb"}}, "blank line"},
		{"arrow", []Cue{{Start: 0, End: 1, Text: "a --> b"}}, `contains "-->"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.cues)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			var b bytes.Buffer
			if WriteSRT(&b, tt.cues) == nil || WriteVTT(&b, tt.cues) == nil {
				t.Error("writers accept what Validate rejects")
			}
		})
	}
}

func nan() float64 {
	var z float64
	return z / z
}

func TestParseSRT(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     int // cues
		wantErr  string
		wantLine int
	}{
		{"ok with CRLF and BOM", "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n\r\n2\r\n00:00:02,500 --> 00:00:03,000\r\nWorld\r\n", 2, "", 0},
		{"extra blank lines", "\n\n1\n00:00:01,000 --> 00:00:02,000\nHello\n\n\n\n2\n00:00:02,500 --> 00:00:03,000\nWorld\n\n", 2, "", 0},
		{"empty file", "", 0, "", 0},
		{"missing number", "00:00:01,000 --> 00:00:02,000\nHello\n", 0, "expected cue number 1", 1},
		{"numbers out of order", "1\n00:00:01,000 --> 00:00:02,000\nA\n\n3\n00:00:03,000 --> 00:00:04,000\nB\n", 0, "cue number 3 out of sequence", 5},
		{"vtt-style timing", "1\n00:00:01.000 --> 00:00:02.000\nHello\n", 0, "bad timing line", 2},
		{"end before start", "1\n00:00:02,000 --> 00:00:01,000\nHello\n", 0, "not after its start", 2},
		{"overlap", "1\n00:00:01,000 --> 00:00:03,000\nA\n\n2\n00:00:02,000 --> 00:00:04,000\nB\n", 0, "before the previous cue ends", 6},
		{"no text", "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n", 0, "cue has no text", 2},
		{"missing blank line", "1\n00:00:01,000 --> 00:00:02,000\nA\n2\n00:00:03,000 --> 00:00:04,000\nB\n", 0, `contains "-->"`, 5},
		{"bad minutes", "1\n00:61:01,000 --> 00:62:02,000\nA\n", 0, "bad time", 2},
		{"truncated", "1\n", 0, "no timing line", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSRT(strings.NewReader(tt.in))
			checkParse(t, got, err, tt.want, tt.wantErr, tt.wantLine)
		})
	}
}

func TestParseVTT(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     int
		wantErr  string
		wantLine int
	}{
		{"minimal", "WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n", 1, "", 0},
		{"header text, notes, ids, settings", "WEBVTT - a title\nKind: captions\n\nSTYLE\n::cue { color: yellow }\n\nNOTE made by tecno\nsecond line\n\nintro\n00:00:01.000 --> 00:00:02.000 align:start line:90%\nHello &amp; welcome\n\n00:00:02.000 --> 00:00:03.500\nBye\n", 2, "", 0},
		{"no header", "00:01.000 --> 00:02.000\nHello\n", 0, "missing WEBVTT header", 1},
		{"header glued to cue", "WEBVTT\n00:01.000 --> 00:02.000\nHello\n", 0, "cue timing in the header", 2},
		{"srt-style timing", "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHello\n", 0, "bad timing line", 3},
		{"identifier without timing", "WEBVTT\n\nintro\n\n00:01.000 --> 00:02.000\nHello\n", 0, "has no cue timing", 3},
		{"no text", "WEBVTT\n\n00:01.000 --> 00:02.000\n", 0, "cue has no text", 3},
		{"missing blank line", "WEBVTT\n\n00:01.000 --> 00:02.000\nA\n00:02.000 --> 00:03.000\nB\n", 0, `contains "-->"`, 5},
		{"overlap", "WEBVTT\n\n00:01.000 --> 00:03.000\nA\n\n00:02.000 --> 00:04.000\nB\n", 0, "before the previous cue ends", 6},
		{"WEBVTTX is not a header", "WEBVTTX\n\n00:01.000 --> 00:02.000\nA\n", 0, "missing WEBVTT header", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVTT(strings.NewReader(tt.in))
			checkParse(t, got, err, tt.want, tt.wantErr, tt.wantLine)
		})
	}
	t.Run("unescapes", func(t *testing.T) {
		got, err := ParseVTT(strings.NewReader("WEBVTT\n\n00:01.000 --> 00:02.000\na &lt; b &amp;&amp; c &gt; d\n"))
		if err != nil || len(got) != 1 || got[0].Text != "a < b && c > d" {
			t.Errorf("got %+v, %v", got, err)
		}
	})
}

func checkParse(t *testing.T, got []Cue, err error, want int, wantErr string, wantLine int) {
	t.Helper()
	if wantErr != "" {
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, wantErr) || pe.Line != wantLine {
			t.Fatalf("err = %v, want line %d: %q", err, wantLine, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != want {
		t.Fatalf("%d cues, want %d: %+v", len(got), want, got)
	}
}

// fuzzRoundTrip checks that whatever a parser accepts, the writer writes
// and the parser reads back unchanged.
func fuzzRoundTrip(t *testing.T, data []byte, parse func([]byte) ([]Cue, error), write func(*bytes.Buffer, []Cue) error) {
	cues, err := parse(data)
	if err != nil {
		return
	}
	var b bytes.Buffer
	if err := write(&b, cues); err != nil {
		t.Fatalf("parsed cues do not write: %v\n%+v", err, cues)
	}
	again, err := parse(b.Bytes())
	if err != nil {
		t.Fatalf("written cues do not parse: %v\n%s", err, b.Bytes())
	}
	if len(again) != len(cues) {
		t.Fatalf("%d cues, then %d", len(cues), len(again))
	}
	for i := range cues {
		if !cueEqual(cues[i], again[i]) {
			t.Fatalf("cue %d changed: %+v -> %+v", i, cues[i], again[i])
		}
	}
}

func FuzzParseSRT(f *testing.F) {
	var b bytes.Buffer
	if err := WriteSRT(&b, sampleCues); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n"))
	f.Add([]byte("1\n00:00:01,000 --> 00:00:02,000\n<i>a</i>\n\n2\n00:00:02,000 --> 00:00:03,000\nb\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTrip(t, data,
			func(d []byte) ([]Cue, error) { return ParseSRT(bytes.NewReader(d)) },
			func(b *bytes.Buffer, c []Cue) error { return WriteSRT(b, c) })
	})
}

func FuzzParseVTT(f *testing.F) {
	var b bytes.Buffer
	if err := WriteVTT(&b, sampleCues); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("WEBVTT\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000 align:start\na &amp; b\n"))
	f.Add([]byte("WEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n&nbsp;x\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTrip(t, data,
			func(d []byte) ([]Cue, error) { return ParseVTT(bytes.NewReader(d)) },
			func(b *bytes.Buffer, c []Cue) error { return WriteVTT(b, c) })
	})
}
