package script

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/cloud/cloudtest"
)

const testKey = "sk-test-SECRET-1234567890"

// chatServer is a stand-in for a chat completions endpoint. It records
// every request and answers with the next scripted reply (the last one
// repeats).
type chatServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	replies  []func(w http.ResponseWriter, r *http.Request)
	n        atomic.Int64
}

type recorded struct {
	method, path, auth, contentType string
	body                            ChatRequest
}

func newChatServer(t *testing.T, replies ...func(w http.ResponseWriter, r *http.Request)) *chatServer {
	t.Helper()
	s := &chatServer{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		var body ChatRequest
		_ = json.Unmarshal(data, &body)
		s.mu.Lock()
		s.requests = append(s.requests, recorded{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
		s.mu.Unlock()
		i := int(s.n.Add(1)) - 1
		if i >= len(s.replies) {
			i = len(s.replies) - 1
		}
		s.replies[i](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *chatServer) recorded() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.requests...)
}

// answer replies like OpenAI: a completion with content and usage.
func answer(content string, prompt, completion int) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		var req ChatRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
"choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],
"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`, content, prompt, completion, prompt+completion)
	}
}

func status(code int, header map[string]string, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func newTestChat(t *testing.T, base, key string, o cloud.Options) *Chat {
	t.Helper()
	c, err := NewChat(ChatConfig{APIKey: key, BaseURL: base, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var testMsgs = []Message{{Role: "system", Content: "You write narration."}, {Role: "user", Content: "Title: Caches → speed"}}

func TestChatRequestShape(t *testing.T) {
	srv := newChatServer(t, answer("Caches make builds fast.", 120, 30))
	o, _ := cloudtest.Options(t)
	c := newTestChat(t, srv.URL, testKey, o)
	comp, err := c.Complete(context.Background(), testMsgs)
	if err != nil {
		t.Fatal(err)
	}
	if comp.Content != "Caches make builds fast." || comp.Usage != (Usage{120, 30, 150}) || comp.Model != "gpt-4o-mini-2024-07-18" {
		t.Errorf("completion = %+v", comp)
	}
	reqs := srv.recorded()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.path != "/v1/chat/completions" {
		t.Errorf("request %s %s, want POST /v1/chat/completions", r.method, r.path)
	}
	if r.auth != "Bearer "+testKey {
		t.Errorf("Authorization = %q", r.auth)
	}
	if r.contentType != "application/json" {
		t.Errorf("Content-Type = %q", r.contentType)
	}
	if r.body.Model != DefaultModel || r.body.Temperature != DefaultTemperature || len(r.body.Messages) != 2 ||
		r.body.Messages[0] != testMsgs[0] || r.body.Messages[1] != testMsgs[1] {
		t.Errorf("body = %+v", r.body)
	}
}

func TestChatRequestGolden(t *testing.T) {
	req, err := BuildChatRequest("https://api.openai.com", testKey, "gpt-4o-mini", 0.3, testMsgs)
	if err != nil {
		t.Fatal(err)
	}
	cloudtest.Golden(t, "chat_request", cloudtest.Describe(req, testKey))
}

func TestChatLocalServerWithoutKey(t *testing.T) {
	// Ollama and llama.cpp: base URL ending in /v1, no key.
	srv := newChatServer(t, answer("Hello.", 10, 2))
	o, _ := cloudtest.Options(t)
	c := newTestChat(t, srv.URL+"/v1/", "", o)
	if !c.Custom() {
		t.Error("a local base URL is not reported as custom")
	}
	if _, err := c.Complete(context.Background(), testMsgs); err != nil {
		t.Fatal(err)
	}
	r := srv.recorded()[0]
	if r.path != "/v1/chat/completions" {
		t.Errorf("path = %q", r.path)
	}
	if r.auth != "" {
		t.Errorf("Authorization sent without a key: %q", r.auth)
	}
	if usd, note := ChatCost("llama3", Usage{PromptTokens: 1000, CompletionTokens: 1000}, true); usd != 0 || !strings.Contains(note, "custom endpoint") {
		t.Errorf("custom endpoint cost = %v %q", usd, note)
	}
}

func TestChatMissingKey(t *testing.T) {
	o, _ := cloudtest.Options(t)
	o.DialContext = cloudtest.NoDial(t)
	c := newTestChat(t, "", "", o)
	_, err := c.Complete(context.Background(), testMsgs)
	if err == nil || !strings.Contains(err.Error(), "OPENAI_API_KEY is not set") || fault.KindOf(err) != fault.Provider {
		t.Errorf("error = %v, want a provider error naming OPENAI_API_KEY", err)
	}
}

func TestChatOffline(t *testing.T) {
	o, _ := cloudtest.Options(t)
	o.DialContext = cloudtest.NoDial(t)
	c := newTestChat(t, "", testKey, o)
	_, err := c.Complete(cloud.WithOffline(context.Background()), testMsgs)
	if err == nil || fault.KindOf(err) != fault.Input || !strings.Contains(err.Error(), "--offline") {
		t.Errorf("error = %v, want an input error about --offline", err)
	}
}

func TestChatRetryAfter(t *testing.T) {
	srv := newChatServer(t,
		status(http.StatusTooManyRequests, map[string]string{"Retry-After": "2"}, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`),
		answer("Done.", 5, 1))
	o, env := cloudtest.Options(t)
	c := newTestChat(t, srv.URL, testKey, o)
	comp, err := c.Complete(context.Background(), testMsgs)
	if err != nil {
		t.Fatal(err)
	}
	if comp.Attempts != 2 || len(srv.recorded()) != 2 {
		t.Errorf("attempts = %d, requests = %d, want 2 and 2", comp.Attempts, len(srv.recorded()))
	}
	if w := env.Sleeper.Waits(); len(w) != 1 || w[0] != 2*time.Second {
		t.Errorf("waits = %v, want the server's 2s", w)
	}
}

func TestChatErrors(t *testing.T) {
	tests := []struct {
		name     string
		reply    func(http.ResponseWriter, *http.Request)
		want     string
		hint     string
		requests int
	}{
		{"unauthorized", status(401, nil, `{"error":{"message":"Incorrect API key provided: sk-test-SECRET-1234567890","code":"invalid_api_key"}}`),
			"401 unauthorized", "export OPENAI_API_KEY", 1},
		{"quota is not retried", status(429, nil, `{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}`),
			"quota exceeded", "add credits", 1},
		{"unknown model", status(404, nil, `{"error":{"message":"The model gpt-9 does not exist","code":"model_not_found"}}`),
			"check the model name", "--model", 1},
		{"llama.cpp error text", status(400, nil, `{"error":"context length exceeded"}`), "context length exceeded", "--prompt", 1},
		{"server failure is retried", status(503, nil, `{"error":{"message":"overloaded"}}`), "gave up after 3 attempts", "try again later", 3},
		{"no choices", status(200, nil, `{"choices":[]}`), "no choices", "", 1},
		{"not json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>proxy</html>")
		}, "text/html", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newChatServer(t, tt.reply)
			o, env := cloudtest.Options(t)
			o.MaxAttempts = 3
			c := newTestChat(t, srv.URL, testKey, o)
			_, err := c.Complete(context.Background(), testMsgs)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if tt.hint != "" {
				var fe *fault.Error
				if !errorsAs(err, &fe) || !strings.Contains(strings.Join(fe.Hints, "\n"), tt.hint) {
					t.Errorf("hints of %v lack %q", err, tt.hint)
				}
			}
			if n := len(srv.recorded()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			cloudtest.AssertNoSecret(t, testKey, "error", cloudtest.ErrorTexts(err)...)
			cloudtest.AssertNoSecret(t, testKey, "log", env.Log.String())
		})
	}
}

func TestChatTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := newChatServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	o, env := cloudtest.Options(t)
	o.Timeout = 150 * time.Millisecond
	o.MaxAttempts = 2
	c := newTestChat(t, srv.URL, testKey, o)
	start := time.Now()
	_, err := c.Complete(context.Background(), testMsgs)
	if err == nil || !strings.Contains(err.Error(), "no complete answer within 150ms") {
		t.Fatalf("error = %v, want a timeout", err)
	}
	var fe *fault.Error
	if !errorsAs(err, &fe) || !strings.Contains(strings.Join(fe.Hints, " "), "TECNO_OPENAI_TIMEOUT") {
		t.Errorf("hints of %v do not name TECNO_OPENAI_TIMEOUT", err)
	}
	if n := len(srv.recorded()); n != 2 {
		t.Errorf("%d requests, want 2 (a timeout is retried)", n)
	}
	if len(env.Sleeper.Waits()) != 1 {
		t.Errorf("waits = %v", env.Sleeper.Waits())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %s", time.Since(start))
	}
}

func TestChatFromEnv(t *testing.T) {
	o, _ := cloudtest.Options(t)
	temp := 0.7
	c, err := ChatFromEnv(cloud.MapLookup(map[string]string{
		"OPENAI_API_KEY": testKey, "TECNO_OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "TECNO_OPENAI_TIMEOUT": "90s",
	}), o, "llama3.2", &temp)
	if err != nil {
		t.Fatal(err)
	}
	if c.Model() != "llama3.2" || c.Temperature() != 0.7 || !c.Custom() {
		t.Errorf("chat = model %q temp %v custom %v", c.Model(), c.Temperature(), c.Custom())
	}
	if strings.Contains(c.Fingerprint(), "11434") || strings.Contains(c.Fingerprint(), testKey) {
		t.Errorf("fingerprint leaks the endpoint or key: %s", c.Fingerprint())
	}
	if _, err := ChatFromEnv(cloud.MapLookup(map[string]string{"TECNO_OPENAI_BASE_URL": "ftp://x"}), o, "", nil); err == nil {
		t.Error("a bad base URL was accepted")
	}
	bad := 3.0
	if _, err := ChatFromEnv(cloud.MapLookup(nil), o, "", &bad); err == nil {
		t.Error("temperature 3 was accepted")
	}
}

func TestCleanAnswer(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"en-US", `"Caches make builds fast, e.g. rebuilds take 2.5 s."`, "Caches make builds fast, for example rebuilds take 2 point 5 s."},
		{"en-US", "Narration: **Welcome** to the course!", "Welcome to the course!"},
		{"pt-BR", "Narração: “O cache acelera 50% dos builds.”", "O cache acelera 50 por cento dos builds."},
		{"fr-FR", "**Bonjour** → tout le monde", "Bonjour tout le monde"},
	}
	for _, tt := range tests {
		if got := CleanAnswer(tt.lang, tt.in); got != tt.want {
			t.Errorf("CleanAnswer(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestChatWriterCache(t *testing.T) {
	srv := newChatServer(t, answer("Caches make rebuilds take seconds.", 200, 12))
	o, _ := cloudtest.Options(t)
	store, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prompt, err := LoadPrompt("")
	if err != nil {
		t.Fatal(err)
	}
	w := &ChatWriter{Chat: newTestChat(t, srv.URL, testKey, o), Prompt: prompt, Cache: store}
	scene := &course.Scene{ID: "s1", Layout: "bullets", Title: "Caches", Bullets: []course.Bullet{{Text: "Hash every input"}}}
	in := Input{Language: "en-US", Course: "C", Lesson: "L", Scene: scene, Count: 1}
	first, err := w.Write(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || first.Usage.TotalTokens != 212 {
		t.Errorf("first write = %+v", first)
	}
	second, err := w.Write(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Cached || second.Text != first.Text || second.Usage != (Usage{}) {
		t.Errorf("second write = %+v, want a free cache hit", second)
	}
	if n := len(srv.recorded()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	// Each part of the key matters: language, scene content, model, prompt.
	changed := []Input{
		{Language: "pt-BR", Course: "C", Lesson: "L", Scene: scene, Count: 1},
		{Language: "en-US", Course: "C", Lesson: "L", Scene: &course.Scene{ID: "s1", Layout: "bullets", Title: "Caches!"}, Count: 1},
	}
	for _, c := range changed {
		if w.Key(c) == w.Key(in) {
			t.Errorf("key unchanged for %+v", c)
		}
	}
	other := *w
	other.Chat = newTestChat(t, srv.URL, testKey, o)
	other.Chat.cfg.Model = "gpt-4o"
	if other.Key(in) == w.Key(in) {
		t.Error("key unchanged for another model")
	}
	path := filepath.Join(t.TempDir(), "p.tmpl")
	os.WriteFile(path, append(append([]byte{}, prompt.Bytes...), '\n'), 0o644)
	p2, err := LoadPrompt(path)
	if err != nil {
		t.Fatal(err)
	}
	other = *w
	other.Prompt = p2
	if other.Key(in) == w.Key(in) {
		t.Error("key unchanged for another prompt template")
	}
}

func errorsAs(err error, fe **fault.Error) bool {
	for err != nil {
		if e, ok := err.(*fault.Error); ok {
			*fe = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}
