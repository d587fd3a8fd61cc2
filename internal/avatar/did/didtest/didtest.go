// Package didtest is a local stand-in for the D-ID talks API, for tests
// only: it checks the key and the request shapes, walks each talk through
// scripted statuses and serves a real clip from result_url.
package didtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Request is one request the stand-in received.
type Request struct {
	Method, Path, Auth, ContentType string
	Field, Filename, PartType       string // multipart uploads
	Body                            []byte // JSON body, or the uploaded file
}

// TalkBody is the JSON body of POST /talks as received.
type TalkBody struct {
	SourceURL string `json:"source_url"`
	Script    struct {
		Type     string `json:"type"`
		AudioURL string `json:"audio_url"`
	} `json:"script"`
	Config map[string]any `json:"config"`
}

// Server is the stand-in. Set its fields before the first request.
type Server struct {
	*httptest.Server
	Key  string // expected after "Basic "
	Clip []byte // the MP4 every finished talk serves
	// Statuses are what GET /talks/{id} answers in turn for each talk;
	// the last one repeats. Default: created, started, done.
	Statuses []string
	// Failure is sent as "error" with an error or rejected status.
	Failure map[string]string
	// Throttle answers 429 with Retry-After to the first n requests whose
	// "METHOD /path" starts with the key.
	Throttle   map[string]int
	RetryAfter string

	mu       sync.Mutex
	requests []Request
	polls    map[string]int
	talks    int
	uploads  map[string][]byte // url → bytes
}

// New starts a stand-in that accepts key and serves clip.
func New(t testing.TB, key string, clip []byte) *Server {
	s := &Server{Key: key, Clip: clip, polls: map[string]int{}, uploads: map[string][]byte{}, RetryAfter: "1"}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Requests returns what was received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Find returns the requests whose "METHOD /path" starts with prefix.
func (s *Server) Find(prefix string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Method+" "+r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func jsonReply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type")}
	mt, params, _ := mime.ParseMediaType(rec.ContentType)
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		if p, err := mr.NextPart(); err == nil {
			rec.Field, rec.Filename, rec.PartType = p.FormName(), p.FileName(), p.Header.Get("Content-Type")
			rec.Body, _ = io.ReadAll(p)
		}
	} else {
		rec.Body, _ = io.ReadAll(r.Body)
	}
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	route := r.Method + " " + r.URL.Path
	for prefix, n := range s.Throttle {
		if n > 0 && strings.HasPrefix(route, prefix) {
			s.Throttle[prefix] = n - 1
			s.mu.Unlock()
			w.Header().Set("Retry-After", s.RetryAfter)
			jsonReply(w, http.StatusTooManyRequests, map[string]string{"kind": "TooManyRequestsError", "description": "slow down"})
			return
		}
	}
	s.mu.Unlock()

	if strings.HasPrefix(r.URL.Path, "/results/") {
		// Signed storage URL: no D-ID credentials expected or needed.
		w.Header().Set("Content-Type", "video/mp4")
		_, _ = w.Write(s.Clip)
		return
	}
	if rec.Auth != "Basic "+s.Key {
		jsonReply(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
		return
	}
	switch {
	case r.Method == http.MethodPost && (r.URL.Path == "/audios" || r.URL.Path == "/images"):
		field := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), "s")
		if rec.Field != field || len(rec.Body) == 0 {
			jsonReply(w, http.StatusBadRequest, map[string]string{"kind": "ValidationError", "description": fmt.Sprintf("expected a %q file part", field)})
			return
		}
		s.mu.Lock()
		n := len(s.uploads) + 1
		u := fmt.Sprintf("s3://d-id-%ss-prod/test/%d/%s", field, n, rec.Filename)
		s.uploads[u] = rec.Body
		s.mu.Unlock()
		jsonReply(w, http.StatusCreated, map[string]string{"id": fmt.Sprintf("%s_%d", field[:3], n), "url": u})
	case r.Method == http.MethodPost && r.URL.Path == "/talks":
		var b TalkBody
		if err := json.Unmarshal(rec.Body, &b); err != nil || b.SourceURL == "" || b.Script.Type != "audio" || b.Script.AudioURL == "" {
			jsonReply(w, http.StatusBadRequest, map[string]string{"kind": "ValidationError", "description": "source_url and an audio script are required"})
			return
		}
		s.mu.Lock()
		_, known := s.uploads[b.Script.AudioURL]
		s.talks++
		id := fmt.Sprintf("tlk_%d", s.talks)
		s.mu.Unlock()
		if !known {
			jsonReply(w, http.StatusBadRequest, map[string]string{"kind": "ValidationError", "description": "audio_url was not uploaded"})
			return
		}
		jsonReply(w, http.StatusCreated, map[string]string{"id": id, "object": "talk", "status": "created"})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/talks/"):
		id := strings.TrimPrefix(r.URL.Path, "/talks/")
		statuses := s.Statuses
		if len(statuses) == 0 {
			statuses = []string{"created", "started", "done"}
		}
		s.mu.Lock()
		i := s.polls[id]
		s.polls[id]++
		s.mu.Unlock()
		st := statuses[min(i, len(statuses)-1)]
		body := map[string]any{"id": id, "object": "talk", "status": st}
		switch st {
		case "done":
			body["result_url"] = s.URL + "/results/" + id + ".mp4?AWSAccessKeyId=AKIA&Expires=1&Signature=abc"
		case "error", "rejected":
			if s.Failure != nil {
				body["error"] = s.Failure
			}
		}
		jsonReply(w, http.StatusOK, body)
	default:
		jsonReply(w, http.StatusNotFound, map[string]string{"kind": "NotFoundError", "description": "no route " + route})
	}
}

// Clip makes a real MP4 for the stand-in to serve: 2 seconds of ffmpeg's
// testsrc at 256×256 and 25 fps with a solid square of colour (0xRRGGBB)
// filling its middle 160×160 pixels. ffmpeg is the path of the ffmpeg
// binary.
func Clip(t testing.TB, ffmpeg, colour string) []byte {
	t.Helper()
	out := t.TempDir() + "/clip.mp4"
	cmd := exec.Command(ffmpeg, "-hide_banner", "-nostdin", "-v", "error",
		"-f", "lavfi", "-i", "testsrc=size=256x256:rate=25:duration=2",
		"-vf", "drawbox=x=48:y=48:w=160:h=160:color="+colour+"@1:t=fill",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "mp4", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the test clip: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
