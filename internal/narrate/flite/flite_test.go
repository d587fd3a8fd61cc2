package flite

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/testtool"
)

func TestArgs(t *testing.T) {
	tests := []struct {
		name string
		v    course.Voice
		want []string
	}{
		{"default voice", course.Voice{}, []string{"-voice", "slt", "-psdur", "-t", "Hi.", "-o", "o.wav"}},
		{"rate 1 keeps the voice's own stretch", course.Voice{Name: "kal", Rate: 1}, []string{"-voice", "kal", "-psdur", "-t", "Hi.", "-o", "o.wav"}},
		{"faster", course.Voice{Name: "slt", Rate: 1.25}, []string{"-voice", "slt", "--setf", "duration_stretch=0.8000", "-psdur", "-t", "Hi.", "-o", "o.wav"}},
		{"kal stretch base is 1.1", course.Voice{Name: "kal", Rate: 2}, []string{"-voice", "kal", "--setf", "duration_stretch=0.5500", "-psdur", "-t", "Hi.", "-o", "o.wav"}},
		{"pitch up an octave", course.Voice{Name: "awb", Pitch: 12}, []string{"-voice", "awb", "--setf", "f0_shift=2.0000", "-psdur", "-t", "Hi.", "-o", "o.wav"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Args(tt.v, "Hi.", "o.wav"); !slices.Equal(got, tt.want) {
				t.Errorf("Args = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParsers(t *testing.T) {
	ps := parsePhones("pau:0.220 hh:0.295 ax:0.342 junk x:abc pau:0.400 \n")
	want := []phone{{"pau", 0, 0.22}, {"hh", 0.22, 0.295}, {"ax", 0.295, 0.342}, {"pau", 0.342, 0.4}}
	if !slices.Equal(ps, want) {
		t.Errorf("parsePhones = %v, want %v", ps, want)
	}
	gs := phoneGroups("pau hh ax l ow pau w er l d pau pau dh ih s\n")
	if len(gs) != 3 || !slices.Equal(gs[1], []string{"w", "er", "l", "d"}) || !slices.Equal(gs[2], []string{"dh", "ih", "s"}) {
		t.Errorf("phoneGroups = %q", gs)
	}
	if got := parseVoiceList("Voices available: kal awb_time kal16 awb rms slt \n"); !slices.Equal(got, []string{"kal", "awb_time", "kal16", "awb", "rms", "slt"}) {
		t.Errorf("parseVoiceList = %q", got)
	}
	out := "  Carnegie Mellon University, Copyright (c) 1999-2016, all rights reserved\n  version: flite-2.2-current Sep 2018 (http://cmuflite.org)\n"
	if got := parseVersion(out); got != "flite-2.2-current Sep 2018" {
		t.Errorf("parseVersion = %q", got)
	}
}

func TestAlignPhones(t *testing.T) {
	// "the cat sat" spoken as dh ax | k ae t | s ae t, while alone "the" is
	// dh iy; an extra utterance phone (a glottal "q") joins the word before.
	phones := []phone{
		{"pau", 0, 0.2}, {"dh", 0.2, 0.25}, {"ax", 0.25, 0.3}, {"k", 0.3, 0.4}, {"ae", 0.4, 0.5},
		{"t", 0.5, 0.55}, {"q", 0.55, 0.6}, {"pau", 0.6, 0.8}, {"s", 0.8, 0.9}, {"ae", 0.9, 1.0}, {"t", 1.0, 1.1}, {"pau", 1.1, 1.3},
	}
	tokens := []string{"The", "cat,", "—", "sat."}
	groups := [][]string{{"dh", "iy"}, {"k", "ae", "t"}, nil, {"s", "ae", "t"}}
	got := alignPhones(phones, tokens, groups)
	want := []narrate.Timing{{Text: "The", Start: 0.2, End: 0.3}, {Text: "cat,", Start: 0.3, End: 0.6}, {Text: "sat.", Start: 0.8, End: 1.1}}
	if !slices.Equal(got, want) {
		t.Errorf("alignPhones =\n%v\nwant\n%v", got, want)
	}
}

func TestSynthesize(t *testing.T) {
	testtool.Require(t, "flite")
	p := New()
	ctx := context.Background()
	text := "Hello world, this is a test."
	for _, voice := range []string{"slt", "kal"} {
		t.Run(voice, func(t *testing.T) {
			res, err := p.Synthesize(ctx, narrate.Request{Text: text, Voice: course.Voice{Name: voice}, Language: "en-US"})
			if err != nil {
				t.Fatal(err)
			}
			s, e := narrate.SpeechBounds(res.Audio, 0)
			if e-s < 1 || e-s > 4 {
				t.Errorf("speech lasts %.2fs", e-s)
			}
			if got := wordTexts(res.Words); !slices.Equal(got, strings.Fields(text)) {
				t.Fatalf("words = %q", got)
			}
			prev := 0.0
			for _, w := range res.Words {
				if w.Start < prev || w.End <= w.Start {
					t.Errorf("word %q %.3f-%.3f out of order", w.Text, w.Start, w.End)
				}
				prev = w.End
			}
			// The words cover the speech, to within a phone.
			if d := math.Abs(res.Words[0].Start - s); d > 0.08 {
				t.Errorf("first word starts %.3fs, speech %.3fs", res.Words[0].Start, s)
			}
			if d := math.Abs(res.Words[len(res.Words)-1].End - e); d > 0.15 {
				t.Errorf("last word ends %.3fs, speech %.3fs", res.Words[len(res.Words)-1].End, e)
			}
			// The comma pause sits between "world," and "this": quieter
			// than the words on either side.
			gap := rms(res.Audio, res.Words[1].End, res.Words[2].Start)
			if words := rms(res.Audio, res.Words[0].Start, res.Words[1].End); gap*4 > words {
				t.Errorf("pause RMS %.0f vs speech RMS %.0f", gap, words)
			}
		})
	}
	t.Run("rate", func(t *testing.T) {
		normal, err := p.Synthesize(ctx, narrate.Request{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		fast, err := p.Synthesize(ctx, narrate.Request{Text: text, Voice: course.Voice{Rate: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if r := fast.Audio.Duration() / normal.Audio.Duration(); r < 0.4 || r > 0.65 {
			t.Errorf("rate 2 lasts %.2f of rate 1", r)
		}
	})
	t.Run("pitch", func(t *testing.T) {
		normal, err := p.Synthesize(ctx, narrate.Request{Text: "Hi."})
		if err != nil {
			t.Fatal(err)
		}
		high, err := p.Synthesize(ctx, narrate.Request{Text: "Hi.", Voice: course.Voice{Pitch: 4}})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(normal.Audio.Samples, high.Audio.Samples) {
			t.Error("pitch made no difference")
		}
	})
	t.Run("silent token", func(t *testing.T) {
		res, err := p.Synthesize(ctx, narrate.Request{Text: "Yes — of course."})
		if err != nil {
			t.Fatal(err)
		}
		if got := wordTexts(res.Words); !slices.Equal(got, []string{"Yes", "of", "course."}) {
			t.Errorf("words = %q", got)
		}
	})
}

func rms(a narrate.Audio, from, to float64) float64 {
	i, j := int(from*float64(a.Rate)), min(int(to*float64(a.Rate)), len(a.Samples))
	if j <= i {
		return 0
	}
	sum := 0.0
	for _, s := range a.Samples[i:j] {
		sum += float64(s) * float64(s)
	}
	return math.Sqrt(sum / float64(j-i))
}

func wordTexts(ws []narrate.Timing) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Text)
	}
	return out
}

func TestSynthesizeErrors(t *testing.T) {
	testtool.Require(t, "flite")
	p := New()
	ctx := context.Background()
	tests := []struct {
		name    string
		req     narrate.Request
		kind    fault.Kind
		wantMsg string
	}{
		{"portuguese", narrate.Request{Text: "Olá.", Language: "pt-BR"}, fault.Input, `flite speaks English only, not "pt-BR"`},
		{"voice language", narrate.Request{Text: "Hola.", Voice: course.Voice{Language: "es"}}, fault.Input, `flite speaks English only, not "es"`},
		{"unknown voice", narrate.Request{Text: "Hi.", Voice: course.Voice{Name: "slt2"}}, fault.Input, `flite has no voice "slt2" (did you mean "slt"?)`},
		{"time-only voice", narrate.Request{Text: "Hi.", Voice: course.Voice{Name: "awb_time"}}, fault.Input, `only speaks the time of day`},
		{"rms pitch", narrate.Request{Text: "Hi.", Voice: course.Voice{Name: "rms", Pitch: 2}}, fault.Input, "cannot change pitch"},
		{"missing voice file", narrate.Request{Text: "Hi.", Voice: course.Voice{Name: "/nonexistent/v.flitevox"}}, fault.Input, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Synthesize(ctx, tt.req)
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != tt.kind || !strings.Contains(fe.Msg, tt.wantMsg) {
				t.Fatalf("err = %v, want %v error containing %q", err, tt.kind, tt.wantMsg)
			}
		})
	}
	t.Run("espeak-ng hint", func(t *testing.T) {
		_, err := p.Synthesize(ctx, narrate.Request{Text: "Olá.", Language: "pt-BR"})
		var fe *fault.Error
		if !errors.As(err, &fe) || len(fe.Hints) == 0 || !strings.Contains(fe.Hints[0], "espeak-ng") || !strings.Contains(fe.Hints[0], "pt-br") {
			t.Errorf("hints = %v", fe)
		}
	})
}

func TestMissingAndCancel(t *testing.T) {
	_, err := NewWithBinary("flite-not-installed").Synthesize(context.Background(), narrate.Request{Text: "Hi."})
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Dependency || !strings.Contains(strings.Join(fe.Hints, "\n"), "apt-get install flite") {
		t.Fatalf("err = %v", err)
	}

	bin := filepath.Join(t.TempDir(), "flite")
	script := "#!/bin/sh\nif [ \"$1\" = -lv ]; then echo 'Voices available: slt'; exit 0; fi\nexec sleep 60\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = NewWithBinary(bin).Synthesize(ctx, narrate.Request{Text: "Hi."})
	if fault.KindOf(err) != fault.Cancelled {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("returned after %v", d)
	}
}

func TestFingerprintAndVoices(t *testing.T) {
	testtool.Require(t, "flite")
	p := New()
	fp, err := p.Fingerprint(context.Background(), course.Voice{Name: "awb"})
	if err != nil || !strings.HasPrefix(fp, "flite flite-2") || !strings.HasSuffix(fp, "voice=awb") {
		t.Errorf("fingerprint = %q, %v", fp, err)
	}
	vs, err := p.Voices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(vs, func(v narrate.VoiceInfo) bool { return v.Name == "slt" && v.Gender == "female" }) {
		t.Errorf("voices = %+v", vs)
	}
}

// TestNarration runs the word-timed path of narrate.Synthesize on flite.
func TestNarration(t *testing.T) {
	testtool.Require(t, "flite")
	text := "When the build finishes, tecno writes the video, the subtitles and a report next to the course file. Done."
	n, err := narrate.Synthesize(context.Background(), New(), narrate.NarrationRequest{Text: text, Voice: course.Voice{Name: "slt"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Words) != len(strings.Fields(text)) {
		t.Fatalf("words = %v", n.Words)
	}
	want := []string{"When the build finishes, tecno writes the video,", "the subtitles and a report next to the course file.", "Done."}
	var got []string
	for _, c := range n.Cues {
		got = append(got, c.Text)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("cues = %q", got)
	}
	// Cue edges are word edges.
	if n.Cues[0].End != n.Words[7].End || n.Cues[1].Start != n.Words[8].Start {
		t.Errorf("cue 1 ends %.3f (word %.3f), cue 2 starts %.3f (word %.3f)", n.Cues[0].End, n.Words[7].End, n.Cues[1].Start, n.Words[8].Start)
	}
}
