//go:build unix

package build

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/subtitle"
	"github.com/tecno-video/tecno/internal/testtool"
)

// probePage loads out/index.html in a frame, makes every video (and every
// WebM it links to) load and play, and posts what the browser reports to
// /__result: readyState, duration, text track cues.
const probePage = `<!doctype html>
<html><body>
<iframe id="page" src="index.html" width="1280" height="720"></iframe>
<script>
const page = document.getElementById("page");
function probe(v) {
  return new Promise(resolve => {
    const track = v.querySelector("track");
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const tt = v.textTracks.length ? v.textTracks[0] : null;
      resolve({src: v.getAttribute("src"), readyState: v.readyState, duration: v.duration,
        cues: tt && tt.cues ? tt.cues.length : -1, error: v.error ? v.error.code : 0});
    };
    const check = () => {
      const trackDone = !track || track.readyState >= 2;
      if (v.readyState >= 4 && trackDone) finish();
    };
    v.addEventListener("canplaythrough", check);
    v.addEventListener("error", finish);
    if (track) track.addEventListener("load", check);
    v.muted = true;
    v.preload = "auto";
    v.load();
    v.play().catch(() => {});
    setInterval(check, 50);
  });
}
page.addEventListener("load", async () => {
  const doc = page.contentDocument;
  const videos = [...doc.querySelectorAll("video")];
  for (const a of doc.querySelectorAll('a[href$=".webm"]')) {
    const v = doc.createElement("video");
    v.src = a.getAttribute("href");
    doc.body.appendChild(v);
    videos.push(v);
  }
  const results = await Promise.all(videos.map(probe));
  fetch("/__result", {method: "POST", body: JSON.stringify(results)});
});
</script>
</body></html>
`

type browserVideo struct {
	Src        string  `json:"src"`
	ReadyState int     `json:"readyState"`
	Duration   float64 `json:"duration"`
	Cues       int     `json:"cues"`
	Error      int     `json:"error"`
}

// copyDir copies a folder tree.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
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
}

// TestBrowserPlaysTheExampleCourse builds examples/intro (at 640×360, with
// a WebM beside the MP4) and has headless Chromium load out/index.html:
// every video must reach readyState 4 (HAVE_ENOUGH_DATA) with the duration
// ffprobe reads, and its subtitle track must hold the VTT's cues.
func TestBrowserPlaysTheExampleCourse(t *testing.T) {
	testtool.Require(t, "chromium")
	f := newFixture(t, "placeholder: true\n")
	copyDir(t, filepath.Join("..", "..", "examples", "intro"), f.dir)
	data, err := os.ReadFile(filepath.Join(f.dir, "course.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	small := strings.Replace(string(data), "  output:\n    dir: out\n", "  output:\n    dir: out\n    width: 640\n    height: 360\n    presets: [webm]\n", 1)
	if small == string(data) {
		t.Fatal("examples/intro/course.yaml no longer has the output block this test edits")
	}
	f.write("course.yaml", small)
	rep := f.build("", "")
	out := filepath.Join(f.dir, "out")

	body := testtool.Browse(t, http.FileServer(http.Dir(out)), probePage, 2*time.Minute)
	var videos []browserVideo
	if err := json.Unmarshal(body, &videos); err != nil {
		t.Fatalf("result %q: %v", body, err)
	}
	want := len(rep.Lessons) + 1 // each lesson's MP4 and its WebM
	if len(videos) != want {
		t.Fatalf("the page has %d videos, want %d: %+v", len(videos), want, videos)
	}
	for _, v := range videos {
		t.Run(v.Src, func(t *testing.T) {
			if v.ReadyState != 4 || v.Error != 0 {
				t.Fatalf("readyState %d, error %d", v.ReadyState, v.Error)
			}
			p := probe(t, filepath.Join(out, filepath.FromSlash(v.Src)))
			if d := ffmpeg.Seconds(p.Format.Duration); math.Abs(v.Duration-d) > 0.1 {
				t.Errorf("browser duration %.3f s, ffprobe %.3f s", v.Duration, d)
			}
			if strings.HasSuffix(v.Src, ".webm") {
				return
			}
			vtt, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(v.Src, ".mp4")+".vtt"))
			if err != nil {
				t.Fatal(err)
			}
			cues, err := subtitle.ParseVTT(bytes.NewReader(vtt))
			if err != nil {
				t.Fatal(err)
			}
			if v.Cues != len(cues) || len(cues) < 8 {
				t.Errorf("text track has %d cues, the VTT %d", v.Cues, len(cues))
			}
		})
	}
}
