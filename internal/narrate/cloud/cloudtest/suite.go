package cloudtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// Canned is a fixed HTTP answer.
type Canned struct {
	Status      int
	ContentType string
	Body        []byte
	Header      http.Header
}

func (c Canned) write(w http.ResponseWriter) {
	for k, vs := range c.Header {
		w.Header()[k] = vs
	}
	if c.ContentType != "" {
		w.Header().Set("Content-Type", c.ContentType)
	}
	w.WriteHeader(c.Status)
	_, _ = w.Write(c.Body)
}

// Harness describes a provider to the conformance suite.
type Harness struct {
	Name string
	// Secrets are the planted credentials New uses; none may ever appear
	// in an error, a log line or a fingerprint.
	Secrets []string
	// New builds the provider against base with opts and the planted
	// credentials; NewWithoutKey builds it with no credentials.
	New           func(t testing.TB, base string, opts cloud.Options) narrate.Provider
	NewWithoutKey func(t testing.TB, base string, opts cloud.Options) narrate.Provider
	// Voice is the voice the suite asks for.
	Voice course.Voice
	// Method and Path of the synthesis request (Path without the query).
	Method, Path string
	// Check validates one synthesis request (method, headers, body
	// fields, limits) with t.Errorf and returns the text it asks for.
	Check func(t testing.TB, r *http.Request, body []byte) string
	// Success writes a real-shaped successful answer carrying audio.
	Success func(t testing.TB, w http.ResponseWriter, r *http.Request, text string, audio narrate.Audio)
	// Error returns the provider's documented error answer for status.
	Error func(status int) Canned
	// Quota is an out-of-credit answer, which must never be retried.
	Quota *Canned
	// Limit and Measure are the provider's request limit; Sentence is
	// repeated to build text over it (multi-byte for byte limits).
	Limit    int
	Measure  func(string) int
	Sentence string
	// Words tells whether the provider reports word timings.
	Words bool
	// KeyVar must appear in the 401 error (e.g. "OPENAI_API_KEY").
	KeyVar string
}

// server is a scripted loopback server: step n answers the n-th synthesis
// request (the last step repeats).
type server struct {
	*httptest.Server
	t        testing.TB
	h        *Harness
	steps    []step
	requests atomic.Int64
	mu       sync.Mutex
	texts    []string
}

type step func(w http.ResponseWriter, r *http.Request, text string)

func (h *Harness) serve(t testing.TB, steps ...step) *server {
	t.Helper()
	s := &server{t: t, h: h, steps: steps}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != h.Method || r.URL.Path != h.Path {
			t.Errorf("unexpected request %s %s, want %s %s", r.Method, r.URL.Path, h.Method, h.Path)
			http.NotFound(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read request body: %v", err)
			return
		}
		text := h.Check(t, r, body)
		n := int(s.requests.Add(1))
		s.mu.Lock()
		s.texts = append(s.texts, text)
		s.mu.Unlock()
		i := n - 1
		if i >= len(s.steps) {
			i = len(s.steps) - 1
		}
		s.steps[i](w, r, text)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count() int { return int(s.requests.Load()) }

func (h *Harness) speak(t testing.TB) step {
	return func(w http.ResponseWriter, r *http.Request, text string) {
		h.Success(t, w, r, text, Speech(t, text))
	}
}

func canned(c Canned) step {
	return func(w http.ResponseWriter, _ *http.Request, _ string) { c.write(w) }
}

// Run runs the conformance suite: success, every documented failure,
// retries and their waits, timeouts, truncation, validation of the audio,
// chunking, --offline and secret hygiene.
func Run(t *testing.T, h *Harness) {
	ctx := context.Background()
	req := func(text string) narrate.Request {
		return narrate.Request{Text: text, Voice: h.Voice, Language: "en-US"}
	}
	const text = "Welcome to the course. Today we learn about caching."

	// leakCheck asserts that no secret reached the error, the log or the
	// fingerprint of p.
	leakCheck := func(t *testing.T, p narrate.Provider, err error, env Env) {
		t.Helper()
		fp, ferr := p.Fingerprint(ctx, h.Voice)
		if ferr != nil {
			t.Errorf("Fingerprint: %v", ferr)
		}
		for _, sec := range h.Secrets {
			AssertNoSecret(t, sec, "the error", ErrorTexts(err)...)
			AssertNoSecret(t, sec, "the log", env.Log.String())
			AssertNoSecret(t, sec, "the fingerprint", fp)
		}
	}
	wantProviderError := func(t *testing.T, err error, contains ...string) {
		t.Helper()
		if err == nil {
			t.Fatal("Synthesize succeeded, want an error")
		}
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Provider {
			t.Fatalf("error %v (%T) is not a provider *fault.Error", err, err)
		}
		if !strings.HasPrefix(err.Error(), h.Name+": ") {
			t.Errorf("error %q does not start with the provider name", err)
		}
		for _, c := range contains {
			if !strings.Contains(err.Error(), c) {
				t.Errorf("error %q does not mention %q", err, c)
			}
		}
	}

	t.Run("success", func(t *testing.T) {
		opts, env := Options(t)
		s := h.serve(t, h.speak(t))
		p := h.New(t, s.URL, opts)
		res, err := p.Synthesize(ctx, req(text))
		if err != nil {
			t.Fatalf("Synthesize: %v", err)
		}
		want := Speech(t, text)
		if len(res.Audio.Samples) != len(want.Samples) {
			t.Errorf("got %d samples, want %d", len(res.Audio.Samples), len(want.Samples))
		}
		if res.Audio.Rate <= 0 || cloud.Silent(res.Audio.Samples) {
			t.Errorf("audio rate %d, silent %v", res.Audio.Rate, cloud.Silent(res.Audio.Samples))
		}
		checkWords(t, h, res, text)
		if s.count() != 1 {
			t.Errorf("%d requests, want 1", s.count())
		}
		if env.Dials.Load() == 0 {
			t.Errorf("the injected DialContext was not used")
		}
		if w := env.Sleeper.Waits(); len(w) != 0 {
			t.Errorf("waited %v on success", w)
		}
		leakCheck(t, p, err, env)
	})

	for _, status := range []int{400, 401, 403, 404, 422} {
		t.Run(fmt.Sprintf("status-%d-not-retried", status), func(t *testing.T) {
			opts, env := Options(t)
			s := h.serve(t, canned(h.Error(status)))
			p := h.New(t, s.URL, opts)
			_, err := p.Synthesize(ctx, req(text))
			want := []string{fmt.Sprint(status)}
			if status == 401 {
				want = append(want, "unauthorized", "check "+h.KeyVar)
			}
			wantProviderError(t, err, want...)
			if s.count() != 1 {
				t.Errorf("%d requests, want 1 (never retry %d)", s.count(), status)
			}
			if status == 401 {
				var fe *fault.Error
				errors.As(err, &fe)
				if !strings.Contains(strings.Join(fe.Hints, "\n"), "export "+h.KeyVar+"=") {
					t.Errorf("hints %q do not say how to set %s", fe.Hints, h.KeyVar)
				}
			}
			leakCheck(t, p, err, env)
		})
	}

	if h.Quota != nil {
		t.Run("quota-not-retried", func(t *testing.T) {
			opts, env := Options(t)
			s := h.serve(t, canned(*h.Quota))
			p := h.New(t, s.URL, opts)
			_, err := p.Synthesize(ctx, req(text))
			wantProviderError(t, err, "quota exceeded")
			if s.count() != 1 {
				t.Errorf("%d requests, want 1", s.count())
			}
			leakCheck(t, p, err, env)
		})
	}

	t.Run("429-retry-after-then-success", func(t *testing.T) {
		opts, env := Options(t)
		limited := h.Error(429)
		limited.Header = http.Header{"Retry-After": {"3"}}
		s := h.serve(t, canned(limited), h.speak(t))
		p := h.New(t, s.URL, opts)
		res, err := p.Synthesize(ctx, req(text))
		if err != nil {
			t.Fatalf("Synthesize: %v", err)
		}
		if len(res.Audio.Samples) == 0 {
			t.Error("no audio")
		}
		if s.count() != 2 {
			t.Errorf("%d requests, want 2", s.count())
		}
		if w := env.Sleeper.Waits(); len(w) != 1 || w[0] != 3*time.Second {
			t.Errorf("waits %v, want [3s] from Retry-After", w)
		}
		if !strings.Contains(env.Log.String(), "retrying") {
			t.Errorf("no retry in the log:\n%s", env.Log.String())
		}
		leakCheck(t, p, err, env)
	})

	t.Run("500-every-attempt", func(t *testing.T) {
		opts, env := Options(t)
		s := h.serve(t, canned(h.Error(500)))
		p := h.New(t, s.URL, opts)
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, "500", "5 attempts")
		if s.count() != cloud.DefaultMaxAttempts {
			t.Errorf("%d requests, want %d", s.count(), cloud.DefaultMaxAttempts)
		}
		// Full jitter with Rand fixed at 0.5: half of 0.5 s, 1 s, 2 s, 4 s.
		want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
		if got := env.Sleeper.Waits(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("waits %v, want %v", got, want)
		}
		leakCheck(t, p, err, env)
	})

	t.Run("truncated-body", func(t *testing.T) {
		opts, env := Options(t)
		opts.MaxAttempts = 2
		s := h.serve(t, func(w http.ResponseWriter, r *http.Request, text string) {
			rec := httptest.NewRecorder()
			h.Success(t, rec, r, text, Speech(t, text))
			full := rec.Body.Bytes()
			Truncate(w, rec.Header().Get("Content-Type"), full[:len(full)/2], len(full)-len(full)/2)
		})
		p := h.New(t, s.URL, opts)
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, "truncated")
		if s.count() != 2 {
			t.Errorf("%d requests, want 2 (a cut connection is retried)", s.count())
		}
		leakCheck(t, p, err, env)
	})

	t.Run("cut-content-not-retried", func(t *testing.T) {
		// A complete HTTP answer whose content is cut short (declared
		// length matches): the audio or JSON fails to decode.
		opts, env := Options(t)
		s := h.serve(t, func(w http.ResponseWriter, r *http.Request, text string) {
			rec := httptest.NewRecorder()
			h.Success(t, rec, r, text, Speech(t, text))
			full := rec.Body.Bytes()
			w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
			_, _ = w.Write(full[:len(full)/2+1])
		})
		p := h.New(t, s.URL, opts)
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, "unusable response")
		if s.count() != 1 {
			t.Errorf("%d requests, want 1", s.count())
		}
		leakCheck(t, p, err, env)
	})

	t.Run("wrong-content-type", func(t *testing.T) {
		opts, env := Options(t)
		s := h.serve(t, canned(Canned{Status: 200, ContentType: "text/html; charset=utf-8",
			Body: []byte("<html><body>proxy login</body></html>")}))
		p := h.New(t, s.URL, opts)
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, "content type")
		leakCheck(t, p, err, env)
	})

	t.Run("silent-audio", func(t *testing.T) {
		opts, env := Options(t)
		silence := narrate.Audio{Rate: 24000, Samples: make([]int16, 24000)}
		s := h.serve(t, func(w http.ResponseWriter, r *http.Request, text string) {
			h.Success(t, w, r, text, silence)
		})
		p := h.New(t, s.URL, opts)
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, "silent")
		leakCheck(t, p, err, env)
	})

	t.Run("empty-audio", func(t *testing.T) {
		opts, env := Options(t)
		s := h.serve(t, func(w http.ResponseWriter, r *http.Request, text string) {
			h.Success(t, w, r, text, narrate.Audio{Rate: 24000})
		})
		p := h.New(t, s.URL, opts)
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, "unusable response")
		leakCheck(t, p, err, env)
	})

	t.Run("slow-response-times-out", func(t *testing.T) {
		opts, env := Options(t)
		opts.Timeout = 50 * time.Millisecond
		opts.MaxAttempts = 2
		s := h.serve(t, func(w http.ResponseWriter, r *http.Request, _ string) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		})
		p := h.New(t, s.URL, opts)
		start := time.Now()
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, "within 50ms", "2 attempts")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
		}
		if s.count() != 2 {
			t.Errorf("%d requests, want 2", s.count())
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("took %v; the timeout did not fire", el)
		}
		leakCheck(t, p, err, env)
	})

	t.Run("cancel", func(t *testing.T) {
		opts, _ := Options(t)
		cctx, cancel := context.WithCancel(ctx)
		s := h.serve(t, func(w http.ResponseWriter, r *http.Request, _ string) {
			cancel()
			<-r.Context().Done()
		})
		p := h.New(t, s.URL, opts)
		_, err := p.Synthesize(cctx, req(text))
		if fault.KindOf(err) != fault.Cancelled {
			t.Errorf("error %v has kind %v, want cancelled", err, fault.KindOf(err))
		}
	})

	t.Run("offline-never-dials", func(t *testing.T) {
		for _, how := range []string{"option", "context"} {
			opts, env := Options(t)
			opts.DialContext = NoDial(t)
			c := ctx
			if how == "option" {
				opts.Offline = true
			} else {
				c = cloud.WithOffline(ctx)
			}
			p := h.New(t, "http://127.0.0.1:9", opts)
			_, err := p.Synthesize(c, req(text))
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Input {
				t.Fatalf("%s: error %v, want an input *fault.Error", how, err)
			}
			want := fmt.Sprintf("scene needs cloud voice %q but --offline was given", h.Name)
			if err.Error() != want {
				t.Errorf("%s: error %q, want %q", how, err, want)
			}
			leakCheck(t, p, err, env)
		}
	})

	t.Run("missing-key", func(t *testing.T) {
		opts, env := Options(t)
		opts.DialContext = NoDial(t)
		p := h.NewWithoutKey(t, "http://127.0.0.1:9", opts)
		_, err := p.Synthesize(ctx, req(text))
		wantProviderError(t, err, h.KeyVar)
		var fe *fault.Error
		errors.As(err, &fe)
		if !strings.Contains(strings.Join(fe.Hints, "\n"), "export ") {
			t.Errorf("hints %q do not say what to export", fe.Hints)
		}
		leakCheck(t, p, err, env)
	})

	t.Run("empty-text", func(t *testing.T) {
		opts, _ := Options(t)
		opts.DialContext = NoDial(t)
		p := h.New(t, "http://127.0.0.1:9", opts)
		_, err := p.Synthesize(ctx, req("  \n "))
		if fault.KindOf(err) != fault.Input {
			t.Errorf("error %v, want an input error", err)
		}
	})

	t.Run("chunking", func(t *testing.T) {
		opts, env := Options(t)
		s := h.serve(t, func(w http.ResponseWriter, r *http.Request, text string) {
			if h.Measure(text) > h.Limit {
				t.Errorf("request text measures %d, over the limit %d", h.Measure(text), h.Limit)
			}
			// Real speech for a long text would be slow: speak a
			// stand-in sentence, sized by the chunk.
			h.Success(t, w, r, text, Speech(t, "Chunk."))
		})
		p := h.New(t, s.URL, opts)
		var long strings.Builder
		for h.Measure(long.String()) <= h.Limit*2 {
			long.WriteString(h.Sentence)
			long.WriteString(" ")
		}
		res, err := p.Synthesize(ctx, req(long.String()))
		if err != nil {
			t.Fatalf("Synthesize: %v", err)
		}
		n := s.count()
		if n < 3 {
			t.Fatalf("%d requests for text of %d units (limit %d), want at least 3", n, h.Measure(long.String()), h.Limit)
		}
		s.mu.Lock()
		texts := append([]string(nil), s.texts...)
		s.mu.Unlock()
		joined := strings.Join(texts, " ")
		if strings.Join(strings.Fields(joined), " ") != strings.Join(strings.Fields(long.String()), " ") {
			t.Errorf("the chunks do not add up to the text")
		}
		last := strings.TrimSpace(h.Sentence)
		lastRune := last[len(last)-1:]
		for i, c := range texts {
			if !strings.HasSuffix(strings.TrimSpace(c), lastRune) {
				t.Errorf("chunk %d does not end at a sentence boundary: …%q", i, tail(c))
			}
		}
		one := len(Speech(t, "Chunk.").Samples)
		if got := len(res.Audio.Samples); got != n*one {
			t.Errorf("joined audio has %d samples, want %d×%d", got, n, one)
		}
		if h.Words {
			for i := 1; i < len(res.Words); i++ {
				if res.Words[i].Start < res.Words[i-1].Start {
					t.Fatalf("word %d starts at %.3f, before word %d at %.3f", i, res.Words[i].Start, i-1, res.Words[i-1].Start)
				}
			}
			if lw := res.Words[len(res.Words)-1]; lw.End > res.Audio.Duration()+1e-6 || lw.End < res.Audio.Duration()*(float64(n-1)/float64(n)) {
				t.Errorf("last word ends at %.3f, audio is %.3f s", lw.End, res.Audio.Duration())
			}
		}
		leakCheck(t, p, err, env)
	})
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 30 {
		return s[len(s)-30:]
	}
	return s
}

// checkWords verifies word timings for providers that report them.
func checkWords(t *testing.T, h *Harness, res narrate.Result, text string) {
	t.Helper()
	if !h.Words {
		if res.Words != nil {
			t.Errorf("provider reports no timings but returned %d words", len(res.Words))
		}
		return
	}
	fields := strings.Fields(text)
	if len(res.Words) != len(fields) {
		t.Fatalf("%d words, want %d (%q)", len(res.Words), len(fields), fields)
	}
	dur := res.Audio.Duration()
	for i, w := range res.Words {
		if w.Text != fields[i] {
			t.Errorf("word %d is %q, want %q", i, w.Text, fields[i])
		}
		if w.Start < 0 || w.End < w.Start || w.End > dur+1e-6 || math.IsNaN(w.Start) {
			t.Errorf("word %d %q has timing %.3f–%.3f in %.3f s of audio", i, w.Text, w.Start, w.End, dur)
		}
		if i > 0 && w.Start < res.Words[i-1].End-1e-6 {
			t.Errorf("word %d starts before word %d ends", i, i-1)
		}
	}
}
