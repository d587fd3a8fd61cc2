//go:build unix

package mp4

import (
	"encoding/json"
	"net/http"
	"path/filepath"
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
  fetch("/__result", {method: "POST", body: JSON.stringify({why: why,
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
	testtool.Require(t, "chromium")
	_, aus, _ := streams(t)
	out := filepath.Join(t.TempDir(), "out.mp4")
	writeFile(t, fixtureMovie(t), out)

	mux := http.NewServeMux()
	mux.HandleFunc("/out.mp4", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, out) })
	body := testtool.Browse(t, mux, playPage, time.Minute)
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
