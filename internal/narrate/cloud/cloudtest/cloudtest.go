// Package cloudtest holds test helpers for the cloud narration providers:
// real speech from espeak-ng, a recording sleeper, fast client options, a
// scripted loopback server and a conformance suite every provider runs.
// Only tests import it.
package cloudtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/testtool"
)

var speechCache sync.Map // text → narrate.Audio

// Speech returns real speech for text, synthesized by espeak-ng (22050 Hz
// mono 16-bit). Results are cached for the test binary.
func Speech(t testing.TB, text string) narrate.Audio {
	t.Helper()
	if a, ok := speechCache.Load(text); ok {
		return a.(narrate.Audio)
	}
	bin := testtool.Require(t, "espeak-ng")
	out := filepath.Join(t.TempDir(), "speech.wav")
	cmd := exec.Command(bin, "-v", "en", "-w", out, text)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	a, err := cloud.DecodeWAV(data)
	if err != nil {
		t.Fatalf("decode espeak-ng output: %v", err)
	}
	if cloud.Silent(a.Samples) || a.Duration() < 0.2 {
		t.Fatalf("espeak-ng produced no speech for %q", text)
	}
	speechCache.Store(text, a)
	return a
}

// Sleeper records the waits the client asks for and returns at once.
type Sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep implements cloud.Options.Sleep.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// Waits returns the recorded waits.
func (s *Sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers (log output).
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Env is what a test gets from Options: the sleeper, the log buffer and
// the dial counter behind the options.
type Env struct {
	Sleeper *Sleeper
	Log     *SyncBuffer
	Dials   *atomic.Int64
}

// Options returns client options for tests: a 2 s timeout, the recording
// sleeper, jitter fixed at one half, debug logging into a buffer, and a
// dialer that counts connections. Change fields as needed.
func Options(t testing.TB) (cloud.Options, Env) {
	t.Helper()
	env := Env{Sleeper: &Sleeper{}, Log: &SyncBuffer{}, Dials: &atomic.Int64{}}
	var d net.Dialer
	return cloud.Options{
		Timeout: 2 * time.Second,
		Sleep:   env.Sleeper.Sleep,
		Rand:    func() float64 { return 0.5 },
		Logger:  slog.New(slog.NewTextHandler(env.Log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			env.Dials.Add(1)
			return d.DialContext(ctx, network, addr)
		},
	}, env
}

// NoDial is a DialContext that fails the test if it is ever called.
func NoDial(t testing.TB) func(context.Context, string, string) (net.Conn, error) {
	return func(context.Context, string, string) (net.Conn, error) {
		t.Errorf("a connection was dialled")
		return nil, errors.New("dialling is forbidden in this test")
	}
}

// ErrorTexts returns the text of err, of every error in its chain, and its
// %v, %+v and %#v renderings: everything a caller could print.
func ErrorTexts(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

// AssertNoSecret fails if secret appears in any of texts.
func AssertNoSecret(t testing.TB, secret, where string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("secret %q leaked into %s: %s", secret, where, s)
		}
	}
}

// Truncate answers status 200 with contentType, announcing len(body)+extra
// bytes, sending body and then closing the connection: a truncated body.
func Truncate(w http.ResponseWriter, contentType string, body []byte, extra int) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)+extra))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
		}
	}
}
