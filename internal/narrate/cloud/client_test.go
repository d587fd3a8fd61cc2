package cloud_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
)

const planted = "sk-PLANTED-KEY-123"

func testSpec() cloud.Spec {
	return cloud.Spec{Name: "acme", KeyEnv: []string{"ACME_API_KEY"}}
}

// statusServer answers the given statuses in turn (the last one repeats),
// with 200 answers carrying "ok".
func statusServer(t *testing.T, header http.Header, statuses ...int) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(statuses) {
			i = len(statuses) - 1
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(statuses[i])
		fmt.Fprintf(w, "status %d", statuses[i])
	}))
	t.Cleanup(s.Close)
	return s, &n
}

func TestDoRetries(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		header    http.Header
		wantErr   bool
		wantCalls int64
		wantWaits []time.Duration
	}{
		{"ok", []int{200}, nil, false, 1, nil},
		{"408 then ok", []int{408, 200}, nil, false, 2, []time.Duration{250 * time.Millisecond}},
		{"409 then ok", []int{409, 200}, nil, false, 2, []time.Duration{250 * time.Millisecond}},
		{"502 503 then ok", []int{502, 503, 200}, nil, false, 3, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{"429 retry-after seconds", []int{429, 200}, http.Header{"Retry-After": {"7"}}, false, 2, []time.Duration{7 * time.Second}},
		{"429 retry-after-ms wins", []int{429, 200}, http.Header{"Retry-After": {"7"}, "Retry-After-Ms": {"1500"}}, false, 2, []time.Duration{1500 * time.Millisecond}},
		{"503 retry-after date", []int{503, 200}, http.Header{"Retry-After": {"Sat, 28 Nov 2026 12:00:09 GMT"}}, false, 2, []time.Duration{9 * time.Second}},
		{"500 forever", []int{500}, nil, true, 5, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}},
		{"400 never retried", []int{400}, nil, true, 1, nil},
		{"401 never retried", []int{401}, nil, true, 1, nil},
		{"403 never retried", []int{403}, nil, true, 1, nil},
		{"404 never retried", []int{404}, nil, true, 1, nil},
		{"422 never retried", []int{422}, nil, true, 1, nil},
		{"retry-after too long", []int{429}, http.Header{"Retry-After": {"3600"}}, true, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, calls := statusServer(t, tt.header, tt.statuses...)
			opts, env := cloudtest.Options(t)
			opts.Now = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
			c := cloud.NewClient(testSpec(), opts, planted)
			resp, err := c.Do(context.Background(), cloud.Request{Method: "GET", URL: s.URL})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Do error = %v, want error %v", err, tt.wantErr)
			}
			if calls.Load() != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls.Load(), tt.wantCalls)
			}
			if got := env.Sleeper.Waits(); fmt.Sprint(got) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits %v, want %v", got, tt.wantWaits)
			}
			if err == nil {
				if resp.Attempts != int(tt.wantCalls) || string(resp.Body) != "status 200" {
					t.Errorf("response %+v", resp)
				}
				return
			}
			if fault.KindOf(err) != fault.Provider || !strings.HasPrefix(err.Error(), "acme: ") {
				t.Errorf("error %q (kind %v), want a provider error naming acme", err, fault.KindOf(err))
			}
		})
	}
}

func TestStatusMessages(t *testing.T) {
	tests := []struct {
		status int
		want   []string
		hint   string
	}{
		{401, []string{"acme: 401 unauthorized: check ACME_API_KEY", `server said: status 401`}, "export ACME_API_KEY=..."},
		{403, []string{"acme: 403 forbidden"}, "access to this voice"},
		{404, []string{"acme: 404 not found: check the voice and model names"}, "tecno voices acme"},
		{400, []string{"acme: 400 bad request: the request was rejected"}, "rate and pitch"},
		{500, []string{"acme: 500 internal server error: the service failed", "(gave up after 5 attempts)"}, "try again later"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			s, _ := statusServer(t, nil, tt.status)
			opts, _ := cloudtest.Options(t)
			_, err := cloud.NewClient(testSpec(), opts).Do(context.Background(), cloud.Request{Method: "GET", URL: s.URL})
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			var fe *fault.Error
			if !errors.As(err, &fe) || !strings.Contains(strings.Join(fe.Hints, "|"), tt.hint) {
				t.Errorf("hints %q lack %q", fe.Hints, tt.hint)
			}
		})
	}
}

func TestQuotaNeverRetried(t *testing.T) {
	s, calls := statusServer(t, http.Header{"Retry-After": {"1"}}, 429)
	opts, env := cloudtest.Options(t)
	spec := testSpec()
	spec.DecodeError = func(int, []byte) cloud.APIError {
		return cloud.APIError{Message: "out of credits", Code: "insufficient_quota", Quota: true}
	}
	_, err := cloud.NewClient(spec, opts).Do(context.Background(), cloud.Request{Method: "GET", URL: s.URL})
	if err == nil || !strings.Contains(err.Error(), "acme: 429 too many requests: quota exceeded (server said: out of credits)") {
		t.Errorf("error %v", err)
	}
	if calls.Load() != 1 || len(env.Sleeper.Waits()) != 0 {
		t.Errorf("%d calls, waits %v; a quota error must not be retried", calls.Load(), env.Sleeper.Waits())
	}
}

func TestTransportErrorsRedactURLKeys(t *testing.T) {
	// A closed port: every attempt fails to connect. The URL carries the
	// key as Google's ?key= would; it must not reach the error or log.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	opts, env := cloudtest.Options(t)
	opts.MaxAttempts = 3
	c := cloud.NewClient(testSpec(), opts, planted)
	_, err = c.Do(context.Background(), cloud.Request{Method: "POST", URL: "http://" + addr + "/v1/x?key=" + planted})
	if err == nil || !strings.Contains(err.Error(), "acme: request failed") || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("error %v", err)
	}
	cloudtest.AssertNoSecret(t, planted, "the error", cloudtest.ErrorTexts(err)...)
	cloudtest.AssertNoSecret(t, planted, "the log", env.Log.String())
	if !strings.Contains(env.Log.String(), "key=xxxxx") {
		t.Errorf("the debug log should show the URL with the key masked:\n%s", env.Log.String())
	}
	if len(env.Sleeper.Waits()) != 2 {
		t.Errorf("waits %v, want 2", env.Sleeper.Waits())
	}
}

func TestServerEchoedKeyIsRedacted(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error":"bad key %s"}`, r.Header.Get("Authorization"))
	}))
	defer s.Close()
	opts, env := cloudtest.Options(t)
	c := cloud.NewClient(testSpec(), opts, planted)
	_, err := c.Do(context.Background(), cloud.Request{Method: "GET", URL: s.URL,
		Header: http.Header{"Authorization": {"Bearer " + planted}}})
	if err == nil || !strings.Contains(err.Error(), cloud.Redacted) {
		t.Fatalf("error %v should show the echoed key redacted", err)
	}
	cloudtest.AssertNoSecret(t, planted, "the error", cloudtest.ErrorTexts(err)...)
	cloudtest.AssertNoSecret(t, planted, "the log", env.Log.String())
}

func TestTimeoutRetriedThenFails(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer s.Close()
	opts, _ := cloudtest.Options(t)
	opts.Timeout = 50 * time.Millisecond
	opts.MaxAttempts = 3
	_, err := cloud.NewClient(testSpec(), opts).Do(context.Background(), cloud.Request{Method: "GET", URL: s.URL})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no complete answer within 50ms") {
		t.Errorf("error %v", err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 3", calls.Load())
	}
	var fe *fault.Error
	if errors.As(err, &fe); !strings.Contains(strings.Join(fe.Hints, "|"), "TECNO_ACME_TIMEOUT") {
		t.Errorf("hints %q", fe.Hints)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	s, calls := statusServer(t, nil, 503)
	opts, _ := cloudtest.Options(t)
	ctx, cancel := context.WithCancel(context.Background())
	opts.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	_, err := cloud.NewClient(testSpec(), opts).Do(ctx, cloud.Request{Method: "GET", URL: s.URL})
	if !errors.Is(err, context.Canceled) || fault.KindOf(err) != fault.Cancelled {
		t.Errorf("error %v (kind %v), want cancelled", err, fault.KindOf(err))
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls after cancel, want 1", calls.Load())
	}
}

func TestMaxInflight(t *testing.T) {
	var cur, peak atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(15 * time.Millisecond)
		cur.Add(-1)
		w.WriteHeader(200)
	}))
	defer s.Close()
	opts, _ := cloudtest.Options(t)
	opts.MaxInflight = 2
	c := cloud.NewClient(testSpec(), opts)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Do(context.Background(), cloud.Request{Method: "GET", URL: s.URL}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if peak.Load() != 2 {
		t.Errorf("peak of %d requests in flight, want 2", peak.Load())
	}
}

func TestOfflineNeverDials(t *testing.T) {
	opts, _ := cloudtest.Options(t)
	opts.DialContext = cloudtest.NoDial(t)
	c := cloud.NewClient(testSpec(), opts)
	_, err := c.Do(cloud.WithOffline(context.Background()), cloud.Request{Method: "GET", URL: "http://127.0.0.1:9"})
	if fault.KindOf(err) != fault.Input || err.Error() != `scene needs cloud voice "acme" but --offline was given` {
		t.Errorf("error %v", err)
	}
}

func TestOptionsFromEnv(t *testing.T) {
	got, err := cloud.OptionsFromEnv("openai", cloud.MapLookup(map[string]string{
		"TECNO_OPENAI_MAX_INFLIGHT": "7", "TECNO_OPENAI_TIMEOUT": "90s", "TECNO_OPENAI_MAX_ATTEMPTS": "2",
	}), cloud.Options{})
	if err != nil || got.MaxInflight != 7 || got.Timeout != 90*time.Second || got.MaxAttempts != 2 {
		t.Errorf("got %+v, %v", got, err)
	}
	got, err = cloud.OptionsFromEnv("openai", cloud.MapLookup(map[string]string{"TECNO_OPENAI_TIMEOUT": "45"}), cloud.Options{})
	if err != nil || got.Timeout != 45*time.Second {
		t.Errorf("seconds: got %v, %v", got.Timeout, err)
	}
	for _, bad := range []map[string]string{
		{"TECNO_OPENAI_MAX_INFLIGHT": "0"},
		{"TECNO_OPENAI_MAX_INFLIGHT": "many"},
		{"TECNO_OPENAI_TIMEOUT": "soon"},
	} {
		if _, err := cloud.OptionsFromEnv("openai", cloud.MapLookup(bad), cloud.Options{}); fault.KindOf(err) != fault.Input {
			t.Errorf("%v: error %v, want input error", bad, err)
		}
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "https://def.example"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
		{"https://proxy.example/openai/v1", "https://proxy.example/openai/v1"},
	}
	for _, tt := range tests {
		got, err := cloud.BaseURL("x", tt.in, "https://def.example")
		if err != nil || got != tt.want {
			t.Errorf("BaseURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"ftp://x", "localhost:8080", "http://"} {
		if _, err := cloud.BaseURL("x", bad, ""); fault.KindOf(err) != fault.Input {
			t.Errorf("BaseURL(%q) error %v, want input error", bad, err)
		}
	}
	_, err := cloud.BaseURL("x", "ftp://u:"+planted+"@h/?token="+planted, "")
	cloudtest.AssertNoSecret(t, planted, "the base URL error", err.Error())
}
