package testtool

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Browse serves content over HTTP on loopback, with page (an HTML
// document) at /__page.html, opens that page in headless Chromium and
// returns what the page POSTs to /__result. Chromium runs with the network
// features that reach outside turned off, in its own process group, and is
// stopped once the page has reported. A missing Chromium skips the test
// locally and fails it under CI=true (see Require).
func Browse(t testing.TB, content http.Handler, page string, timeout time.Duration) []byte {
	t.Helper()
	chromium := Require(t, "chromium")
	results := make(chan []byte, 1)
	mux := http.NewServeMux()
	if content != nil {
		mux.Handle("/", content)
	}
	mux.HandleFunc("/__page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("/__result", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case results <- body:
		default:
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// Chromium stays up (the debugging port keeps a headless browser
	// alive) until the page has posted its results; then it is stopped.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0",
		"--user-data-dir="+t.TempDir(), srv.URL+"/__page.html")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// Its own process group, so that stopping it stops its renderers too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var body []byte
	select {
	case body = <-results:
	case err := <-exited:
		t.Fatalf("chromium exited before the page reported: %v\n%s", err, tail(stderr.String(), 2000))
	case <-time.After(timeout):
		t.Fatalf("the page reported nothing in %v\n%s", timeout, tail(stderr.String(), 2000))
	}
	cancel()
	<-exited
	return body
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
