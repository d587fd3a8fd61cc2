package espeak

import (
	"context"
	"errors"
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
		{"defaults", course.Voice{Name: "en-us"}, []string{"--stdout", "-b", "1", "-v", "en-us", "-s", "175", "-p", "50"}},
		{"no name uses the language", course.Voice{Language: "pt-BR"}, []string{"--stdout", "-b", "1", "-v", "pt-br", "-s", "175", "-p", "50"}},
		{"faster", course.Voice{Name: "de", Rate: 1.2}, []string{"--stdout", "-b", "1", "-v", "de", "-s", "210", "-p", "50"}},
		{"rate clamps low", course.Voice{Name: "de", Rate: 0.1}, []string{"--stdout", "-b", "1", "-v", "de", "-s", "80", "-p", "50"}},
		{"rate clamps high", course.Voice{Name: "de", Rate: 5}, []string{"--stdout", "-b", "1", "-v", "de", "-s", "450", "-p", "50"}},
		{"pitch up two semitones", course.Voice{Name: "fr-fr", Pitch: 2}, []string{"--stdout", "-b", "1", "-v", "fr-fr", "-s", "175", "-p", "60"}},
		{"pitch down", course.Voice{Name: "fr-fr", Pitch: -5}, []string{"--stdout", "-b", "1", "-v", "fr-fr", "-s", "175", "-p", "26"}},
		{"pitch clamps", course.Voice{Name: "fr-fr", Pitch: 24}, []string{"--stdout", "-b", "1", "-v", "fr-fr", "-s", "175", "-p", "99"}},
		{"variant", course.Voice{Name: "en-us+f3"}, []string{"--stdout", "-b", "1", "-v", "en-us+f3", "-s", "175", "-p", "50"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Args(tt.v); !slices.Equal(got, tt.want) {
				t.Errorf("Args(%+v) = %q, want %q", tt.v, got, tt.want)
			}
		})
	}
}

func fixtureEntries(t *testing.T) ([]voiceEntry, map[string]bool) {
	t.Helper()
	vb, err := os.ReadFile(filepath.Join("testdata", "voices.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ab, err := os.ReadFile(filepath.Join("testdata", "variants.txt"))
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string]bool{}
	for _, v := range parseVoices(string(ab)) {
		if n, ok := strings.CutPrefix(v.file, "!v/"); ok {
			variants[n] = true
		}
	}
	return parseVoices(string(vb)), variants
}

func TestParseVoices(t *testing.T) {
	entries, variants := fixtureEntries(t)
	if len(entries) != 131 {
		t.Errorf("parsed %d voices, want the 131 lines of espeak-ng 1.51", len(entries))
	}
	byName := map[string]voiceEntry{}
	for _, e := range entries {
		byName[e.info.Name] = e
	}
	ptbr := byName["pt-br"]
	if ptbr.info.Description != "Portuguese (Brazil)" || ptbr.file != "roa/pt-BR" || ptbr.info.Gender != "male" || !slices.Equal(ptbr.others, []string{"pt"}) {
		t.Errorf("pt-br = %+v", ptbr)
	}
	if nb := byName["nb"]; nb.info.Description != "Norwegian Bokmål" || !slices.Equal(nb.others, []string{"no"}) {
		t.Errorf("nb = %+v (multi-byte names must not shift columns)", nb)
	}
	if gb := byName["en-gb-x-gbclan"]; !slices.Equal(gb.others, []string{"en-gb", "en"}) {
		t.Errorf("en-gb-x-gbclan others = %q", gb.others)
	}
	if !variants["f3"] || !variants["Andy"] || variants["andy"] {
		t.Errorf("variants: f3 %v Andy %v andy %v", variants["f3"], variants["Andy"], variants["andy"])
	}
}

func TestKnown(t *testing.T) {
	entries, variants := fixtureEntries(t)
	tests := []struct {
		name string
		want bool
	}{
		{"en-us", true},
		{"EN-US", true},
		{"pt-br", true},
		{"pt", true},
		{"pt-pt", true}, // listed as another language of "pt"
		{"en", true},
		{"zh", true},
		{"roa/pt-BR", true},
		{"Portuguese (Brazil)", true},
		{"Portuguese_(Brazil)", true},
		{"en-us+f3", true},
		{"en-us+Andy", true},
		{"en-us+andy", false}, // espeak-ng would silently ignore it
		{"en-us+", false},
		{"+f3", false},
		{"pt-bz", false},
		{"elvish", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := known(entries, variants, tt.name); got != tt.want {
				t.Errorf("known(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

// speechSeconds returns how long the audio holds sound.
func speechSeconds(a narrate.Audio) float64 {
	s, e := narrate.SpeechBounds(a, 0)
	return e - s
}

func TestSynthesize(t *testing.T) {
	testtool.Require(t, "espeak-ng")
	p := New()
	ctx := context.Background()
	tests := []struct {
		name     string
		voice    course.Voice
		text     string
		min, max float64 // plausible speech seconds
	}{
		{"en-us", course.Voice{Name: "en-us"}, "Hello world, this is a test of the narration engine.", 2, 5},
		{"pt-br with accents", course.Voice{Name: "pt-br"}, "Olá! A ação começa às três horas, não é? Você já está aqui.", 2.5, 7},
		{"language only", course.Voice{Language: "de-DE"}, "Guten Tag, willkommen zum Kurs.", 1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Synthesize(ctx, narrate.Request{Text: tt.text, Voice: tt.voice})
			if err != nil {
				t.Fatal(err)
			}
			if res.Audio.Rate != 22050 {
				t.Errorf("rate = %d", res.Audio.Rate)
			}
			if d := speechSeconds(res.Audio); d < tt.min || d > tt.max {
				t.Errorf("speech lasts %.2fs, want %g..%g", d, tt.min, tt.max)
			}
		})
	}
	t.Run("accents are read as UTF-8", func(t *testing.T) {
		with, err := p.Synthesize(ctx, narrate.Request{Text: "A ação é célebre.", Voice: course.Voice{Name: "pt-br"}})
		if err != nil {
			t.Fatal(err)
		}
		without, err := p.Synthesize(ctx, narrate.Request{Text: "A acao e celebre.", Voice: course.Voice{Name: "pt-br"}})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(with.Audio.Samples, without.Audio.Samples) {
			t.Error("accented and unaccented text sound the same")
		}
	})
	t.Run("rate", func(t *testing.T) {
		text := "The quick brown fox jumps over the lazy dog, again and again."
		normal, err := p.Synthesize(ctx, narrate.Request{Text: text, Voice: course.Voice{Name: "en-us"}})
		if err != nil {
			t.Fatal(err)
		}
		fast, err := p.Synthesize(ctx, narrate.Request{Text: text, Voice: course.Voice{Name: "en-us", Rate: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if r := speechSeconds(fast.Audio) / speechSeconds(normal.Audio); r < 0.35 || r > 0.7 {
			t.Errorf("rate 2 speech is %.2f of rate 1", r)
		}
	})
	t.Run("text that looks like flags or SSML is spoken", func(t *testing.T) {
		res, err := p.Synthesize(ctx, narrate.Request{Text: "-v xx <speak>--stdout</speak>", Voice: course.Voice{Name: "en-us"}})
		if err != nil {
			t.Fatal(err)
		}
		if speechSeconds(res.Audio) < 1 {
			t.Errorf("speech lasts %.2fs", speechSeconds(res.Audio))
		}
	})
	t.Run("empty text", func(t *testing.T) {
		res, err := p.Synthesize(ctx, narrate.Request{Text: " \n", Voice: course.Voice{Name: "en-us"}})
		if err != nil || len(res.Audio.Samples) != 0 {
			t.Errorf("got %d samples, %v", len(res.Audio.Samples), err)
		}
	})
}

func TestSynthesizeErrors(t *testing.T) {
	t.Run("bad voice", func(t *testing.T) {
		testtool.Require(t, "espeak-ng")
		_, err := New().Synthesize(context.Background(), narrate.Request{Text: "Hi.", Voice: course.Voice{Name: "xx-nope"}})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Input || fe.Msg != `espeak-ng has no voice "xx-nope"` {
			t.Fatalf("err = %#v", err)
		}
		if len(fe.Hints) == 0 || !strings.Contains(fe.Hints[0], "espeak-ng --voices") {
			t.Errorf("hints = %q", fe.Hints)
		}
	})
	t.Run("bad variant", func(t *testing.T) {
		testtool.Require(t, "espeak-ng")
		_, err := New().Synthesize(context.Background(), narrate.Request{Text: "Hi.", Voice: course.Voice{Name: "en-us+f33"}})
		if fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), `no voice variant "f33"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing binary", func(t *testing.T) {
		for _, bin := range []string{"espeak-ng-not-installed", filepath.Join(t.TempDir(), "espeak-ng")} {
			_, err := NewWithBinary(bin).Synthesize(context.Background(), narrate.Request{Text: "Hi."})
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Dependency || !strings.HasPrefix(fe.Msg, "espeak-ng not found") {
				t.Fatalf("%s: err = %v", bin, err)
			}
			if !slices.ContainsFunc(fe.Hints, func(h string) bool { return strings.Contains(h, "sudo apt-get install espeak-ng") }) ||
				!slices.ContainsFunc(fe.Hints, func(h string) bool { return strings.Contains(h, "brew install espeak-ng") }) {
				t.Errorf("hints = %q", fe.Hints)
			}
		}
	})
	t.Run("failure carries stderr", func(t *testing.T) {
		bin := writeScript(t, "echo 'something broke in the engine' >&2; exit 7")
		_, err := NewWithBinary(bin).Synthesize(context.Background(), narrate.Request{Text: "Hi."})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Provider || !strings.Contains(fe.Msg, "something broke in the engine") || !strings.Contains(fe.Msg, "exit status 7") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("garbage output", func(t *testing.T) {
		bin := writeScript(t, "cat >/dev/null; echo not a wav file")
		_, err := NewWithBinary(bin).Synthesize(context.Background(), narrate.Request{Text: "Hi."})
		if fault.KindOf(err) != fault.Provider || !strings.Contains(err.Error(), "not a RIFF/WAVE file") {
			t.Fatalf("err = %v", err)
		}
	})
}

// writeScript writes an executable shell script standing in for espeak-ng.
func writeScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "espeak-ng")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCancel(t *testing.T) {
	t.Run("kills the process", func(t *testing.T) {
		// A stand-in that would run for a minute: only killing it returns early.
		bin := writeScript(t, "exec sleep 60")
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := NewWithBinary(bin).Synthesize(ctx, narrate.Request{Text: "Hi."})
		if !errors.Is(err, context.Canceled) || fault.KindOf(err) != fault.Cancelled {
			t.Errorf("err = %v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("returned after %v", d)
		}
	})
	t.Run("real espeak-ng", func(t *testing.T) {
		testtool.Require(t, "espeak-ng")
		text := strings.Repeat("This long narration keeps the engine busy for a good while. ", 400)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := New().Synthesize(ctx, narrate.Request{Text: text, Voice: course.Voice{Name: "en-us"}})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want deadline exceeded", err)
		}
	})
}

func TestFingerprint(t *testing.T) {
	testtool.Require(t, "espeak-ng")
	p := New()
	fp, err := p.Fingerprint(context.Background(), course.Voice{Name: "pt-br"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fp, "espeak-ng eSpeak NG text-to-speech: ") || !strings.HasSuffix(fp, " voice=pt-br") || strings.Contains(fp, "Data at") {
		t.Errorf("fingerprint = %q", fp)
	}
	fp2, err := p.Fingerprint(context.Background(), course.Voice{Name: "en-us"})
	if err != nil || fp2 == fp {
		t.Errorf("fingerprints for two voices: %q, %q, %v", fp, fp2, err)
	}
	if got := parseVersion("eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data\n"); got != "eSpeak NG text-to-speech: 1.51" {
		t.Errorf("parseVersion = %q", got)
	}
}

func TestVoices(t *testing.T) {
	testtool.Require(t, "espeak-ng")
	p := New()
	ctx := context.Background()
	vs, err := p.Voices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(vs, func(v narrate.VoiceInfo) bool { return v.Name == "pt-br" })
	if i < 0 || vs[i].Description != "Portuguese (Brazil)" || vs[i].Provider != Name {
		t.Fatalf("pt-br not listed properly: %+v", vs)
	}
	for _, tc := range []struct {
		name    string
		wantErr string
	}{
		{"en-us", ""},
		{"en-us+f3", ""},
		{"en-us+F3", `espeak-ng has no voice variant "F3" (did you mean "f3"?)`},
		{"pt-bz", `espeak-ng has no voice "pt-bz" (did you mean "pt-br"?)`},
	} {
		err := p.CheckVoice(ctx, tc.name)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("CheckVoice(%q) = %v", tc.name, err)
			}
			continue
		}
		if fault.KindOf(err) != fault.Input || err.Error() != tc.wantErr {
			t.Errorf("CheckVoice(%q) = %v, want %q", tc.name, err, tc.wantErr)
		}
	}
	ok, err := p.KnownVoice(ctx, "EN-us")
	if err != nil || !ok {
		t.Errorf("KnownVoice(EN-us) = %v, %v", ok, err)
	}
}

// TestNarration runs the whole chunked pipeline on the real engine.
func TestNarration(t *testing.T) {
	testtool.Require(t, "espeak-ng")
	text := "Bem-vindo ao curso! Hoje vamos falar sobre a história do Brasil, desde a chegada dos portugueses em 1500 até a independência, em 1822. [pause 1s] Vamos começar?"
	n, err := narrate.Synthesize(context.Background(), New(), narrate.NarrationRequest{
		Text:        text,
		Voice:       course.Voice{Name: "pt-br"},
		Concurrency: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Cues) != 4 {
		t.Fatalf("cues = %+v", n.Cues)
	}
	if n.Cues[1].Text != "Hoje vamos falar sobre a história do Brasil," || n.Cues[3].Text != "Vamos começar?" {
		t.Errorf("cue texts: %+v", n.Cues)
	}
	prevEnd := 0.0
	for i, c := range n.Cues {
		if c.Start < prevEnd || c.End <= c.Start || c.End > n.Audio.Duration() {
			t.Errorf("cue %d %.3f-%.3f out of order or outside %.3fs", i, c.Start, c.End, n.Audio.Duration())
		}
		// Cues hug speech: the audio just inside each edge is sound, the
		// audio around the gap before it is silence.
		from, to := int(c.Start*float64(n.Audio.Rate)), int(c.End*float64(n.Audio.Rate))
		s, e := narrate.SpeechBounds(narrate.Audio{Rate: n.Audio.Rate, Samples: n.Audio.Samples[from:to]}, 0)
		if s > 0.001 || (c.End-c.Start)-e > 0.001 {
			t.Errorf("cue %d does not start and end on sound: %.4f, %.4f", i, s, e)
		}
		prevEnd = c.End
	}
	if gap := n.Cues[3].Start - n.Cues[2].End; gap < 1 {
		t.Errorf("gap around the 1 s pause is %.2fs", gap)
	}
}
