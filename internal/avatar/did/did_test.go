package did

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/avatar"
	"github.com/tecno-video/tecno/internal/avatar/did/didtest"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
	"github.com/tecno-video/tecno/internal/testtool"
)

// testKey looks like a D-ID key: API_USER:API_PASSWORD, the user part
// base64 of an e-mail address.
const testKey = "dGVzdEBleGFtcGxlLmNvbQ:Sup3r-S3cret_pw"

// fixture holds what a Render needs on disk.
type fixture struct {
	audio, image, out string
	clip              []byte
	wav               []byte
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	// Half a second of a 220 Hz tone stands in for the narration.
	pcm := make([]int16, 12000)
	for i := range pcm {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*220*float64(i)/24000))
	}
	var wav bytes.Buffer
	if err := narrate.EncodeWAV(&wav, narrate.Audio{Rate: 24000, Samples: pcm}); err != nil {
		t.Fatal(err)
	}
	f := fixture{audio: filepath.Join(dir, "narration.wav"), image: filepath.Join(dir, "face.png"), out: filepath.Join(dir, "clip.mp4"), wav: wav.Bytes()}
	os.WriteFile(f.audio, f.wav, 0o644)
	os.WriteFile(f.image, []byte("\x89PNG\r\n\x1a\nportrait"), 0o644)
	f.clip = append([]byte("\x00\x00\x00\x18ftypisom"), bytes.Repeat([]byte{1}, 64)...)
	return f
}

func newClient(t *testing.T, srv *didtest.Server, o cloud.Options) *Client {
	t.Helper()
	c, err := New(Config{APIKey: testKey, BaseURL: srv.URL, PollInterval: 2 * time.Second, PollTimeout: time.Minute, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRenderFlow(t *testing.T) {
	f := newFixture(t)
	srv := didtest.New(t, testKey, f.clip)
	o, env := cloudtest.Options(t)
	c := newClient(t, srv, o)
	if err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: f.image, Size: 144, FPS: 30, Out: f.out}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.out)
	if !bytes.Equal(got, f.clip) {
		t.Error("the downloaded clip differs from the one served")
	}
	reqs := srv.Requests()
	var routes []string
	for _, r := range reqs {
		routes = append(routes, r.Method+" "+r.Path)
	}
	want := []string{"POST /images", "POST /audios", "POST /talks", "GET /talks/tlk_1", "GET /talks/tlk_1", "GET /talks/tlk_1", "GET /results/tlk_1.mp4"}
	if strings.Join(routes, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(routes, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range reqs[:6] {
		if r.Auth != "Basic "+testKey {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
	if reqs[6].Auth != "" {
		t.Errorf("the result download carried credentials: %q", reqs[6].Auth)
	}
	img, audio, talk := reqs[0], reqs[1], reqs[2]
	if img.Field != "image" || img.PartType != "image/png" || img.Filename != "presenter.png" || !strings.HasPrefix(img.ContentType, "multipart/form-data; boundary=") {
		t.Errorf("image upload: %+v", img)
	}
	if audio.Field != "audio" || audio.PartType != "audio/wav" || audio.Filename != "narration.wav" || !bytes.Equal(audio.Body, f.wav) {
		t.Errorf("audio upload: field %q type %q name %q, %d bytes", audio.Field, audio.PartType, audio.Filename, len(audio.Body))
	}
	var body didtest.TalkBody
	if err := json.Unmarshal(talk.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.SourceURL != "s3://d-id-images-prod/test/1/presenter.png" || body.Script.Type != "audio" ||
		body.Script.AudioURL != "s3://d-id-audios-prod/test/2/narration.wav" || body.Config["result_format"] != "mp4" {
		t.Errorf("talk body: %s", talk.Body)
	}
	if talk.ContentType != "application/json" {
		t.Errorf("talk Content-Type %q", talk.ContentType)
	}
	// Polled created → started → done, waiting the poll interval between.
	if w := env.Sleeper.Waits(); len(w) != 2 || w[0] != 2*time.Second || w[1] != 2*time.Second {
		t.Errorf("waits = %v, want two 2s polls", w)
	}
	cloudtest.AssertNoSecret(t, testKey, "log", env.Log.String())

	// A second clip with the same portrait does not upload it again.
	if err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: f.image, Out: f.out}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Find("POST /images")); n != 1 {
		t.Errorf("portrait uploaded %d times, want once", n)
	}
}

func TestRenderImageURL(t *testing.T) {
	f := newFixture(t)
	srv := didtest.New(t, testKey, f.clip)
	o, _ := cloudtest.Options(t)
	c := newClient(t, srv, o)
	const portrait = "https://example.com/alice.jpg"
	if err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: portrait, Out: f.out}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Find("POST /images")); n != 0 {
		t.Errorf("a portrait URL was uploaded (%d requests)", n)
	}
	var body didtest.TalkBody
	json.Unmarshal(srv.Find("POST /talks")[0].Body, &body)
	if body.SourceURL != portrait {
		t.Errorf("source_url = %q", body.SourceURL)
	}
}

func TestRenderFailures(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(s *didtest.Server)
		cfg      func(c *Config)
		want     []string
		hint     string
		requests string // a route prefix and how often it was asked
		count    int
	}{
		{
			name: "talk error",
			setup: func(s *didtest.Server) {
				s.Statuses = []string{"created", "error"}
				s.Failure = map[string]string{"kind": "FaceError", "description": "Face not detected"}
			},
			want: []string{"d-id: talk tlk_1 failed (FaceError: Face not detected)"}, hint: "one face",
			requests: "GET /talks/", count: 2,
		},
		{
			name:  "talk rejected",
			setup: func(s *didtest.Server) { s.Statuses = []string{"started", "rejected"} },
			want:  []string{"d-id: talk tlk_1 was rejected by D-ID's content moderation"}, hint: "provider: local",
			requests: "GET /talks/", count: 2,
		},
		{
			name:  "poll timeout",
			setup: func(s *didtest.Server) { s.Statuses = []string{"created", "started"} },
			cfg:   func(c *Config) { c.PollTimeout = 10 * time.Second },
			want:  []string{"d-id: talk tlk_1 not done after 10s (status started)"}, hint: "TECNO_DID_POLL_TIMEOUT",
			requests: "GET /talks/", count: 6,
		},
		{
			name:     "unknown status",
			setup:    func(s *didtest.Server) { s.Statuses = []string{"exploded"} },
			want:     []string{`unknown status "exploded"`},
			requests: "GET /talks/", count: 1,
		},
		{
			name:  "wrong key",
			setup: func(s *didtest.Server) { s.Key = "another:key" },
			want:  []string{"d-id: 401 unauthorized: check DID_API_KEY"}, hint: "export DID_API_KEY",
			requests: "POST /images", count: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			srv := didtest.New(t, testKey, f.clip)
			tt.setup(srv)
			o, env := cloudtest.Options(t)
			cfg := Config{APIKey: testKey, BaseURL: srv.URL, PollInterval: 2 * time.Second, Options: o}
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: f.image, Out: f.out})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tt.hint != "" && !strings.Contains(strings.Join(hints(err), "\n"), tt.hint) {
				t.Errorf("hints %q lack %q", hints(err), tt.hint)
			}
			if fault.KindOf(err) != fault.Provider {
				t.Errorf("kind = %v, want provider", fault.KindOf(err))
			}
			if n := len(srv.Find(tt.requests)); n != tt.count {
				t.Errorf("%d × %q, want %d", n, tt.requests, tt.count)
			}
			if _, err := os.Stat(f.out); err == nil {
				t.Error("a clip was written")
			}
			cloudtest.AssertNoSecret(t, testKey, "error", cloudtest.ErrorTexts(err)...)
			cloudtest.AssertNoSecret(t, "Sup3r-S3cret_pw", "error", cloudtest.ErrorTexts(err)...)
			cloudtest.AssertNoSecret(t, testKey, "log", env.Log.String())
		})
	}
}

func hints(err error) []string {
	var fe *fault.Error
	for e := err; e != nil; {
		if x, ok := e.(*fault.Error); ok {
			fe = x
			break
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	if fe == nil {
		return nil
	}
	return fe.Hints
}

func TestRetryAfter(t *testing.T) {
	f := newFixture(t)
	srv := didtest.New(t, testKey, f.clip)
	srv.Throttle = map[string]int{"POST /talks": 2}
	srv.RetryAfter = "3"
	o, env := cloudtest.Options(t)
	c := newClient(t, srv, o)
	if err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: "https://example.com/a.jpg", Out: f.out}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Find("POST /talks")); n != 3 {
		t.Errorf("POST /talks sent %d times, want 3 (two 429s, then created)", n)
	}
	w := env.Sleeper.Waits()
	if len(w) != 4 || w[0] != 3*time.Second || w[1] != 3*time.Second {
		t.Errorf("waits = %v, want 3s, 3s (Retry-After) then two polls", w)
	}
	if n := len(srv.Find("POST /audios")); n != 1 {
		t.Errorf("the audio was uploaded %d times", n)
	}
}

func TestQuotaIsNotRetried(t *testing.T) {
	f := newFixture(t)
	srv := didtest.New(t, testKey, f.clip)
	o, _ := cloudtest.Options(t)
	// A D-ID that answers 402 to the talk.
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/talks" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusPaymentRequired)
			w.Write([]byte(`{"kind":"InsufficientCreditsError","description":"not enough credits"}`))
			return
		}
		inner.ServeHTTP(w, r)
	})
	c := newClient(t, srv, o)
	err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: "https://example.com/a.jpg", Out: f.out})
	if err == nil || !strings.Contains(err.Error(), "InsufficientCreditsError: not enough credits") {
		t.Fatalf("error = %v", err)
	}
	if !strings.Contains(strings.Join(hints(err), " "), "studio.d-id.com") {
		t.Errorf("hints = %q", hints(err))
	}
}

func TestRequestTimeout(t *testing.T) {
	f := newFixture(t)
	srv := didtest.New(t, testKey, f.clip)
	release := make(chan struct{})
	inner := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/talks/") {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		inner.ServeHTTP(w, r)
	})
	defer close(release)
	o, _ := cloudtest.Options(t)
	o.Timeout = 100 * time.Millisecond
	o.MaxAttempts = 2
	c := newClient(t, srv, o)
	err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: "https://example.com/a.jpg", Out: f.out})
	if err == nil || !strings.Contains(err.Error(), "d-id: no complete answer within 100ms") {
		t.Fatalf("error = %v, want a request timeout", err)
	}
	if !strings.Contains(strings.Join(hints(err), " "), "TECNO_DID_TIMEOUT") {
		t.Errorf("hints = %q", hints(err))
	}
}

func TestCancelWhilePolling(t *testing.T) {
	f := newFixture(t)
	srv := didtest.New(t, testKey, f.clip)
	srv.Statuses = []string{"started"}
	o, _ := cloudtest.Options(t)
	ctx, cancel := context.WithCancel(context.Background())
	o.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); <-ctx.Done(); return ctx.Err() }
	c := newClient(t, srv, o)
	err := c.Render(ctx, avatar.Request{Audio: f.audio, Image: "https://example.com/a.jpg", Out: f.out})
	if err == nil || fault.KindOf(err) != fault.Cancelled && !strings.Contains(err.Error(), "canceled") {
		t.Errorf("error = %v, want a cancellation", err)
	}
}

func TestMissingKeyAndOffline(t *testing.T) {
	f := newFixture(t)
	o, _ := cloudtest.Options(t)
	o.DialContext = cloudtest.NoDial(t)
	c, err := New(Config{Options: o})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: f.image, Out: f.out})
	if err == nil || !strings.Contains(err.Error(), "DID_API_KEY is not set") {
		t.Errorf("error = %v", err)
	}
	c, _ = New(Config{APIKey: testKey, Options: o})
	err = c.Render(cloud.WithOffline(context.Background()), avatar.Request{Audio: f.audio, Image: f.image, Out: f.out})
	if err == nil || fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), "--offline") {
		t.Errorf("error = %v", err)
	}
	err = c.Render(context.Background(), avatar.Request{Audio: f.audio, Out: f.out})
	if err == nil || !strings.Contains(err.Error(), "no image") {
		t.Errorf("error = %v", err)
	}
}

func TestNotAnMP4(t *testing.T) {
	f := newFixture(t)
	srv := didtest.New(t, testKey, []byte("<html>AccessDenied</html>"))
	o, _ := cloudtest.Options(t)
	c := newClient(t, srv, o)
	err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: "https://example.com/a.jpg", Out: f.out})
	if err == nil || !strings.Contains(err.Error(), "not an MP4") {
		t.Errorf("error = %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	o, _ := cloudtest.Options(t)
	c, err := FromEnv(cloud.MapLookup(map[string]string{
		KeyEnv: testKey, "TECNO_DID_BASE_URL": "http://127.0.0.1:9/", "TECNO_DID_POLL_TIMEOUT": "20m",
		"TECNO_DID_POLL_INTERVAL": "500ms", "TECNO_DID_TIMEOUT": "45s",
	}), o)
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.BaseURL != "http://127.0.0.1:9" || c.cfg.PollTimeout != 20*time.Minute || c.cfg.PollInterval != 500*time.Millisecond ||
		c.opts.Timeout != 45*time.Second {
		t.Errorf("config = %+v timeout %v", c.cfg, c.opts.Timeout)
	}
	if fp := c.Fingerprint(); strings.Contains(fp, "127.0.0.1") || strings.Contains(fp, testKey) || !strings.Contains(fp, "endpoint=custom-") {
		t.Errorf("fingerprint = %q", fp)
	}
	for _, bad := range []map[string]string{
		{"TECNO_DID_BASE_URL": "api.d-id.com"},
		{"TECNO_DID_POLL_TIMEOUT": "soon"},
		{"TECNO_DID_MAX_INFLIGHT": "0"},
	} {
		if _, err := FromEnv(cloud.MapLookup(bad), o); err == nil || fault.KindOf(err) != fault.Input {
			t.Errorf("%v: error = %v, want an input error", bad, err)
		}
	}
}

func TestRequestGolden(t *testing.T) {
	talk, err := BuildCreateTalk(DefaultBaseURL, testKey, "s3://d-id-images-prod/u/presenter.png", "s3://d-id-audios-prod/u/narration.wav")
	if err != nil {
		t.Fatal(err)
	}
	up, err := BuildUpload(DefaultBaseURL, testKey, "/audios", "audio", "narration.wav", "audio/wav", []byte("RIFF....WAVE"))
	if err != nil {
		t.Fatal(err)
	}
	get := BuildGetTalk(DefaultBaseURL, testKey, "tlk_AbC")
	var b bytes.Buffer
	for _, r := range [][]byte{cloudtest.Describe(talk, testKey), cloudtest.Describe(up, testKey), cloudtest.Describe(get, testKey)} {
		b.Write(r)
		b.WriteString("----\n")
	}
	cloudtest.Golden(t, "requests", b.Bytes())
	if strings.Contains(b.String(), "Sup3r") {
		t.Error("the key reached the golden file")
	}
}

// TestRealClip runs the whole flow against the stand-in serving a real
// MP4 made by ffmpeg, and checks the download decodes.
func TestRealClip(t *testing.T) {
	ff := testtool.Require(t, "ffmpeg")
	f := newFixture(t)
	srv := didtest.New(t, testKey, didtest.Clip(t, ff, "0xff00ff"))
	o, _ := cloudtest.Options(t)
	c := newClient(t, srv, o)
	if err := c.Render(context.Background(), avatar.Request{Audio: f.audio, Image: f.image, Out: f.out}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.out)
	if !bytes.Equal(got, srv.Clip) || len(got) < 1000 {
		t.Errorf("downloaded %d bytes, served %d", len(got), len(srv.Clip))
	}
}
