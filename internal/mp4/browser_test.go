//go:build unix

package mp4

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/testtool"
)

// playPage plays /out.mp4 muted and fast to its end and posts what the
// browser saw to /result.
const playPage = `<!doctype html>
<html><body>
<video id="v" src="out.mp4" muted preload="auto"></video>
<script>
const v = document.getElementById("v");
let sent = false;
function report(why) {
  if (sent) return;
  sent = true;
  const q = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : {};
  fetch("/result", {method: "POST", body: JSON.stringify({why: why,
    duration: v.duration, currentTime: v.currentTime, ended: v.ended,
    width: v.videoWidth, height: v.videoHeight, error: v.error ? v.error.code : 0,
    frames: v.webkitDecodedFrameCount || q.totalVideoFrames || 0,
    audioBytes: v.webkitAudioDecodedByteCount || 0})});
}
v.addEventListener("ended", () => report("ended"));
v.addEventListener("error", () => report("error"));
v.addEventListener("loadedmetadata", () => { v.playbackRate = 4; v.play().catch(e => report("play: " + e)); });
setTimeout(() => report("timeout"), 20000);
</script>
</body></html>
`

type playResult struct {
	Why         string  `json:"why"`
	Duration    float64 `json:"duration"`
	CurrentTime float64 `json:"currentTime"`
	Ended       bool    `json:"ended"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	Error       int     `json:"error"`
	Frames      int     `json:"frames"`
	AudioBytes  int     `json:"audioBytes"`
}

// TestChromiumPlays has headless Chromium play a file from Write over HTTP
// (range requests, as a page would) to its end.
func TestChromiumPlays(t *testing.T) {
	chromium := testtool.Require(t, "chromium")
	_, aus, _ := streams(t)
	out := filepath.Join(t.TempDir(), "out.mp4")
	writeFile(t, fixtureMovie(t), out)

	results := make(chan []byte, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/out.mp4", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, out) })
	mux.HandleFunc("/play.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(playPage))
	})
	mux.HandleFunc("/result", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case results <- body:
		default:
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0",
		"--user-data-dir="+t.TempDir(), srv.URL+"/play.html")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
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
		t.Fatalf("chromium exited before the page reported: %v\n%s", err, stderr.String())
	case <-time.After(time.Minute):
		t.Fatalf("the page reported nothing in a minute\n%s", stderr.String())
	}
	cancel()
	<-exited
	var r playResult
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("result %q: %v", body, err)
	}
	t.Logf("chromium: %+v", r)
	if r.Why != "ended" || r.Error != 0 || !r.Ended {
		t.Fatalf("playback did not end cleanly: %+v", r)
	}
	if r.Width != fixWidth || r.Height != fixHeight {
		t.Errorf("video %dx%d, want %dx%d", r.Width, r.Height, fixWidth, fixHeight)
	}
	if r.Duration < 3.99 || r.Duration > 4.1 {
		t.Errorf("duration %.3f s, want about 4", r.Duration)
	}
	if r.Frames < len(aus)*9/10 {
		t.Errorf("decoded %d video frames, want about %d", r.Frames, len(aus))
	}
	if r.AudioBytes == 0 {
		t.Error("no audio decoded")
	}
}
