package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/testtool"
)

const plantedKey = "sk-PLANTED-KEY-9f31c7"

// copyExample copies examples/intro into a temporary folder and switches its
// voice to OpenAI.
func copyExample(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("..", "..", "examples", "intro")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".tecno" || d.Name() == "out" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dst, "course.yaml")
	data, _ := os.ReadFile(p)
	data = bytes.Replace(data, []byte("  template: modern\n"), []byte("  template: modern\n  voice:\n    provider: openai\n    name: alloy\n"), 1)
	os.WriteFile(p, data, 0o644)
	return p
}

// fakeOpenAI answers POST /v1/audio/speech like OpenAI does, with real speech
// (espeak-ng reading the input) as WAV.
func fakeOpenAI(t *testing.T, requests *atomic.Int64) *httptest.Server {
	espeak := testtool.Require(t, "espeak-ng")
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/speech" {
			http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+plantedKey {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		var body struct {
			Model, Input, Voice, ResponseFormat string
		}
		var raw map[string]any
		data, _ := io.ReadAll(r.Body)
		json.Unmarshal(data, &raw)
		json.Unmarshal(data, &body)
		if body.Input == "" || len([]rune(body.Input)) > 4096 || raw["voice"] != "alloy" || raw["response_format"] == nil || raw["model"] == nil {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"bad request","type":"invalid_request_error"}}`)
			return
		}
		cmd := exec.Command(espeak, "-v", "en-us", "--stdout")
		cmd.Stdin = strings.NewReader(body.Input)
		wav, err := cmd.Output()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "audio/wav")
		w.Write(wav)
	}))
}

// TestBuildWithOpenAIAndPlantedKey builds examples/intro through a local
// server posing as OpenAI, checks the lesson, then searches every output,
// cache file, log line and event for the API key.
func TestBuildWithOpenAIAndPlantedKey(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	var n atomic.Int64
	srv := fakeOpenAI(t, &n)
	defer srv.Close()
	course := copyExample(t)
	dir := filepath.Dir(course)
	vars := map[string]string{"OPENAI_API_KEY": plantedKey, "TECNO_OPENAI_BASE_URL": srv.URL}
	env, out, errb := testEnv(vars)
	if code := Run(context.Background(), []string{"build", course, "--json"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if n.Load() == 0 {
		t.Fatal("the fake OpenAI server received no request")
	}
	p, err := ffmpeg.New().ProbeFile(context.Background(), filepath.Join(dir, "out", "intro.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Stream("audio") == nil || len(p.Chapters) != 8 {
		t.Fatalf("lesson: %+v chapters %d", p.Streams, len(p.Chapters))
	}
	// The key appears nowhere we wrote.
	haystacks := map[string][]byte{"stdout": out.Bytes(), "stderr": errb.Bytes()}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			haystacks[p] = data
		}
		return nil
	})
	for name, data := range haystacks {
		if bytes.Contains(data, []byte(plantedKey)) || bytes.Contains(data, []byte("PLANTED")) {
			t.Errorf("the API key leaked into %s", name)
		}
	}
	// A rebuild is all cache hits: no request at all.
	before := n.Load()
	env2, _, errb2 := testEnv(vars)
	if code := Run(context.Background(), []string{"build", course, "-q"}, env2); code != 0 {
		t.Fatalf("rebuild exit %d: %s", code, errb2.String())
	}
	if n.Load() != before {
		t.Fatalf("cached rebuild sent %d requests", n.Load()-before)
	}
}

// TestOfflineMakesNoConnection: with --offline and nothing cached, a cloud
// voice is an input error, and nothing dials the network.
func TestOfflineMakesNoConnection(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "espeak-ng")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var dials atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			dials.Add(1)
			c.Close()
		}
	}()
	defer ln.Close()
	course := copyExample(t)
	env, _, errb := testEnv(map[string]string{"OPENAI_API_KEY": plantedKey, "TECNO_OPENAI_BASE_URL": "http://" + ln.Addr().String()})
	code := Run(context.Background(), []string{"build", course, "--offline"}, env)
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "offline") {
		t.Errorf("error does not mention --offline: %s", errb.String())
	}
	if dials.Load() != 0 {
		t.Fatalf("--offline build connected %d times", dials.Load())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(course), "out", "intro.mp4")); err == nil {
		t.Fatal("an output was written")
	}
}

func TestProviderFailureIsExitCode4(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
	}))
	defer srv.Close()
	course := copyExample(t)
	env, _, errb := testEnv(map[string]string{"OPENAI_API_KEY": "sk-wrong", "TECNO_OPENAI_BASE_URL": srv.URL})
	if code := Run(context.Background(), []string{"build", course}, env); code != 4 {
		t.Fatalf("exit %d, want 4: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "OPENAI_API_KEY") {
		t.Errorf("error should say which key to check: %s", errb.String())
	}
}

func TestDryRunCountsCharacters(t *testing.T) {
	course := copyExample(t)
	env, out, errb := testEnv(nil)
	if code := Run(context.Background(), []string{"build", course, "--dry-run"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "openai") || !strings.Contains(out.String(), "$") {
		t.Fatalf("dry run output: %s", out.String())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(course), "out")); err == nil {
		t.Fatal("--dry-run wrote outputs")
	}
}
