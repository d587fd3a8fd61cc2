package piper

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
)

// fakePiper copies testdata/fake-piper and its fixture into a temporary
// folder (so the executable bit does not depend on the checkout) and
// returns the script's path.
func fakePiper(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"fake-piper", "fixture.wav"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "fake-piper")
}

// model writes a stand-in model and config and returns the model path.
func model(t *testing.T, withConfig bool) string {
	t.Helper()
	dir := t.TempDir()
	m := filepath.Join(dir, "en_US-test-medium.onnx")
	if err := os.WriteFile(m, []byte("not really onnx"), 0o644); err != nil {
		t.Fatal(err)
	}
	if withConfig {
		if err := os.WriteFile(m+".json", []byte(`{"audio":{"sample_rate":22050}}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestArgs(t *testing.T) {
	tests := []struct {
		name    string
		v       course.Voice
		want    []string
		wantErr string
	}{
		{"model only", course.Voice{Model: "m.onnx"}, []string{"--model", "m.onnx", "--output_file", "o.wav"}, ""},
		{"speaker", course.Voice{Model: "m.onnx", Name: "3"}, []string{"--model", "m.onnx", "--output_file", "o.wav", "--speaker", "3"}, ""},
		{"rate", course.Voice{Model: "m.onnx", Rate: 1.25}, []string{"--model", "m.onnx", "--output_file", "o.wav", "--length_scale", "0.8000"}, ""},
		{"rate 1", course.Voice{Model: "m.onnx", Rate: 1}, []string{"--model", "m.onnx", "--output_file", "o.wav"}, ""},
		{"named voice", course.Voice{Model: "m.onnx", Name: "lessac"}, nil, `piper voice name "lessac" is not a speaker number`},
		{"pitch", course.Voice{Model: "m.onnx", Pitch: 2}, nil, "piper cannot change voice pitch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Args(tt.v, "o.wav")
			if tt.wantErr != "" {
				if fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("Args = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSynthesize(t *testing.T) {
	bin := fakePiper(t)
	log := filepath.Join(t.TempDir(), "log")
	t.Setenv("FAKE_PIPER_LOG", log)
	t.Setenv(BinEnv, bin)
	p := New() // picks up TECNO_PIPER_BIN
	m := model(t, true)
	res, err := p.Synthesize(context.Background(), narrate.Request{
		Text:  "Olá,\nmundo! Ação.",
		Voice: course.Voice{Model: m, Name: "2", Rate: 0.8},
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.Open(filepath.Join("testdata", "fixture.wav"))
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	wa, err := narrate.DecodeWAV(want)
	if err != nil {
		t.Fatal(err)
	}
	if res.Audio.Rate != wa.Rate || !slices.Equal(res.Audio.Samples, wa.Samples) {
		t.Errorf("audio is not the file piper wrote")
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "model="+m+" speaker=2 length_scale=1.2500 text=Olá, mundo! Ação.\n"; got != want {
		t.Errorf("piper saw %q, want %q", got, want)
	}
}

func TestSynthesizeErrors(t *testing.T) {
	bin := fakePiper(t)
	m := model(t, true)
	tests := []struct {
		name    string
		p       *Provider
		req     narrate.Request
		kind    fault.Kind
		wantMsg string
	}{
		{"no model", NewWithBinary(bin), narrate.Request{Text: "Hi."}, fault.Input, "piper voice has no model"},
		{"missing model", NewWithBinary(bin), narrate.Request{Text: "Hi.", Voice: course.Voice{Model: "/nonexistent/x.onnx"}}, fault.Input, "piper model /nonexistent/x.onnx not found"},
		{"missing config", NewWithBinary(bin), narrate.Request{Text: "Hi.", Voice: course.Voice{Model: model(t, false)}}, fault.Input, ".onnx.json not found"},
		{"missing binary", NewWithBinary("piper-not-installed"), narrate.Request{Text: "Hi.", Voice: course.Voice{Model: m}}, fault.Dependency, `piper not found (looked for "piper-not-installed")`},
		{"engine failure carries stderr", NewWithBinary(bin), narrate.Request{Text: "please __fail__ now", Voice: course.Voice{Model: m}}, fault.Provider, "onnxruntime: simulated failure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Synthesize(context.Background(), tt.req)
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != tt.kind || !strings.Contains(fe.Msg, tt.wantMsg) {
				t.Fatalf("err = %v, want %v error containing %q", err, tt.kind, tt.wantMsg)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "piper")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := NewWithBinary(bin).Synthesize(ctx, narrate.Request{Text: "Hi.", Voice: course.Voice{Model: model(t, true)}})
	if fault.KindOf(err) != fault.Cancelled {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("returned after %v", d)
	}
}

func TestFingerprint(t *testing.T) {
	p := NewWithBinary(fakePiper(t))
	m := model(t, true)
	fp, err := p.Fingerprint(context.Background(), course.Voice{Model: m, Name: "1"})
	if err != nil {
		t.Fatal(err)
	}
	ms, cs := sha256.Sum256([]byte("not really onnx")), sha256.Sum256([]byte(`{"audio":{"sample_rate":22050}}`))
	if want := "piper 1.2.0-fake model-sha256=" + hex.EncodeToString(ms[:]) + " config-sha256=" + hex.EncodeToString(cs[:]) + " speaker=1"; fp != want {
		t.Errorf("fingerprint = %q, want %q", fp, want)
	}
	// Changing the model changes the fingerprint.
	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(m, []byte("another model, longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	fp2, err := p.Fingerprint(context.Background(), course.Voice{Model: m, Name: "1"})
	if err != nil || fp2 == fp {
		t.Errorf("fingerprint after the model changed: %q, %v", fp2, err)
	}
	if _, err := p.Fingerprint(context.Background(), course.Voice{}); fault.KindOf(err) != fault.Input {
		t.Errorf("no model: %v", err)
	}
}

// TestNarration runs the chunked narrate path over the piper contract.
func TestNarration(t *testing.T) {
	n, err := narrate.Synthesize(context.Background(), NewWithBinary(fakePiper(t)), narrate.NarrationRequest{
		Text:  "First sentence. Second sentence.",
		Voice: course.Voice{Model: model(t, true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Cues) != 2 || n.Cues[1].Start <= n.Cues[0].End {
		t.Errorf("cues = %+v", n.Cues)
	}
}
