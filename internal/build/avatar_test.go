package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"image"
	"image/png"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/avatar"
	"github.com/tecno-video/tecno/internal/avatar/did"
	"github.com/tecno-video/tecno/internal/avatar/did/didtest"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
	"github.com/tecno-video/tecno/internal/narrate/espeak"
	"github.com/tecno-video/tecno/internal/testtool"
)

const didKey = "dGVzdEBleGFtcGxlLmNvbQ:build-secret"

// copyIntro copies examples/intro into a temp folder at 640×360, with edits
// (old → new) applied to its course file.
func copyIntro(t *testing.T, edits ...string) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", "intro")
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".tecno" || d.Name() == "out" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "course.yaml")
	data, _ := os.ReadFile(path)
	s := strings.Replace(string(data), "  output:\n    dir: out\n", "  output:\n    dir: out\n    width: 640\n    height: 360\n", 1)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("course.yaml lacks %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	os.WriteFile(path, []byte(s), 0o644)
	return path
}

func buildWithAvatars(t *testing.T, path string, reg *avatar.Registry) *Report {
	t.Helper()
	c, err := course.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := course.Validate(c, course.Env{}); len(errs) > 0 {
		t.Fatal(errs)
	}
	store, err := cache.Open(filepath.Join(filepath.Dir(path), ".tecno", "cache"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Course: c, Cache: store, FFmpeg: ffmpeg.New(),
		Providers: narrate.NewRegistry(espeak.New()), Avatars: reg, Jobs: 2})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return rep
}

// frameAt decodes the lesson's picture at time sec.
func frameAt(t *testing.T, mp4 string, sec float64) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "f.png")
	cmd := exec.Command("ffmpeg", "-v", "error", "-ss", strconv.FormatFloat(sec, 'f', 3, 64), "-i", mp4, "-frames:v", "1", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	f, _ := os.Open(out)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// meanRGB is the mean colour of the 9×9 block around (x, y).
func meanRGB(img image.Image, x, y int) [3]float64 {
	var c [3]float64
	for yy := y - 4; yy <= y+4; yy++ {
		for xx := x - 4; xx <= x+4; xx++ {
			r, g, b, _ := img.At(xx, yy).RGBA()
			c[0], c[1], c[2] = c[0]+float64(r>>8)/81, c[1]+float64(g>>8)/81, c[2]+float64(b>>8)/81
		}
	}
	return c
}

func near(c [3]float64, r, g, b float64) bool {
	return math.Abs(c[0]-r) < 28 && math.Abs(c[1]-g) < 28 && math.Abs(c[2]-b) < 28
}

func sceneStart(rep *Report, id string) float64 {
	t := 0.0
	for _, s := range rep.Lessons[0].Scenes {
		if s.ID == id {
			return t
		}
		t += s.Seconds
	}
	return -1
}

// TestAvatarEndToEnd builds the example course with a D-ID presenter on the
// opening scenes, against a local stand-in of the talks API that serves a
// real MP4 (testsrc with a magenta square), and a local presenter on the
// closing one. The presenter shows where configured, the rest of the frame
// is the slide, the video joins by stream copy into a standard lesson, the
// uploaded audio is each scene's own narration, and a rebuild calls the
// service no more.
func TestAvatarEndToEnd(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "ffprobe")
	testtool.Require(t, "espeak-ng")
	srv := didtest.New(t, didKey, didtest.Clip(t, "ffmpeg", "0xff00ff"))
	client, err := did.New(did.Config{APIKey: didKey, BaseURL: srv.URL, PollInterval: 10 * time.Millisecond,
		Options: cloud.Options{Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	// The presenter on the course; turned off on the middle scenes to
	// keep the test short; a local one, top-left and square, on the last.
	path := copyIntro(t,
		"  template: modern\n", "  template: modern\n  avatar:\n    provider: d-id\n    image: assets/slide.jpg\n    position: bottom-right\n    size: 0.4\n",
		"      - id: pipeline\n", "      - id: pipeline\n        avatar: {provider: none}\n",
		"      - id: backdrop\n", "      - id: backdrop\n        avatar: {provider: none}\n",
		"      - id: section-build\n", "      - id: section-build\n        avatar: {provider: none}\n",
		"      - id: command\n", "      - id: command\n        avatar: {provider: none}\n",
		"      - id: original-look\n", "      - id: original-look\n        avatar: {provider: none}\n",
		"      - id: closing\n", "      - id: closing\n        avatar: {provider: local, image: assets/face.png, position: top-left, shape: rect, size: 0.3}\n",
	)
	// An orange portrait for the local presenter.
	face := image.NewRGBA(image.Rect(0, 0, 64, 80))
	for i := 0; i < len(face.Pix); i += 4 {
		face.Pix[i], face.Pix[i+1], face.Pix[i+2], face.Pix[i+3] = 0xff, 0x80, 0x00, 0xff
	}
	ff, _ := os.Create(filepath.Join(filepath.Dir(path), "assets", "face.png"))
	png.Encode(ff, face)
	ff.Close()
	reg := avatar.NewRegistry(client, avatar.Local{FFmpeg: ffmpeg.New()})
	rep := buildWithAvatars(t, path, reg)
	mp4 := rep.Lessons[0].Outputs["mp4"]

	// Two talks (welcome, why): image uploaded once, audio per scene.
	if n := len(srv.Find("POST /talks")); n != 2 {
		t.Errorf("%d talks, want 2", n)
	}
	if n := len(srv.Find("POST /images")); n != 1 {
		t.Errorf("portrait uploaded %d times", n)
	}
	// The audio uploaded is the narration the voice produced, byte for byte.
	wavs := map[[32]byte]bool{}
	filepath.WalkDir(filepath.Join(filepath.Dir(path), ".tecno", "cache"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "narration.wav" {
			data, _ := os.ReadFile(p)
			wavs[sha256.Sum256(data)] = true
		}
		return nil
	})
	for _, r := range srv.Find("POST /audios") {
		if !wavs[sha256.Sum256(r.Body)] {
			t.Error("an uploaded audio is not a scene's narration")
		}
	}
	for _, r := range srv.Find("GET /results/") {
		if r.Auth != "" {
			t.Error("the clip download carried the D-ID key")
		}
	}

	// A standard lesson: H.264 + AAC, durations agree.
	p, err := ffmpeg.New().ProbeFile(context.Background(), mp4)
	if err != nil {
		t.Fatal(err)
	}
	v, a := p.Stream("video"), p.Stream("audio")
	if v == nil || a == nil || v.CodecName != "h264" || v.Width != 640 || v.Height != 360 || v.PixFmt != "yuv420p" {
		t.Fatalf("streams: %+v %+v", v, a)
	}
	total := 0
	for _, s := range rep.Lessons[0].Scenes {
		total += s.Frames
	}
	if v.NbFrames != strconv.Itoa(total) {
		t.Errorf("%s frames, want %d", v.NbFrames, total)
	}
	if d := math.Abs(ffmpeg.Seconds(a.Duration) - ffmpeg.Seconds(v.Duration)); d > 0.05 {
		t.Errorf("audio and video durations differ by %.3f s", d)
	}

	// D-ID presenter: bottom-right, 0.4 × 360 = 144 px, 14 px from the
	// edges: its centre is (640-14-72, 360-14-72). The clip's magenta
	// square is there while the welcome scene plays.
	cx, cy := 640-14-72, 360-14-72
	img := frameAt(t, mp4, 1.0)
	if c := meanRGB(img, cx, cy); !near(c, 255, 0, 255) {
		t.Errorf("welcome: presenter centre is %v, want magenta", c)
	}
	// Just inside the square's corner, outside the circle: the slide.
	if c := meanRGB(img, 640-14-144+4, 360-14-144+4); near(c, 255, 0, 255) {
		t.Errorf("welcome: the circle mask leaks at the corner: %v", c)
	}
	if c := meanRGB(img, 60, 40); near(c, 255, 0, 255) {
		t.Errorf("welcome: magenta outside the presenter: %v", c)
	}
	// The second scene has it too; the third has none.
	if c := meanRGB(frameAt(t, mp4, sceneStart(rep, "why")+1.0), cx, cy); !near(c, 255, 0, 255) {
		t.Errorf("why: presenter centre is %v, want magenta", c)
	}
	if c := meanRGB(frameAt(t, mp4, sceneStart(rep, "pipeline")+1.0), cx, cy); near(c, 255, 0, 255) {
		t.Errorf("pipeline has no presenter, but shows magenta: %v", c)
	}
	// Local presenter: top-left, 0.3 × 360 = 108 px, a rect: its corner
	// shows the orange portrait (up to 6% brighter while speaking).
	last := frameAt(t, mp4, sceneStart(rep, "closing")+1.5)
	if c := meanRGB(last, 14+6, 14+6); !near(c, 0xff, 0x80, 0x00) && !near(c, 0xff, 0x88, 0x00) {
		t.Errorf("closing: local presenter corner is %v, want the orange portrait", c)
	}
	if c := meanRGB(last, 14+108+10, 14+6); near(c, 0xff, 0x80, 0x00) {
		t.Errorf("closing: orange beyond the presenter's square: %v", c)
	}

	stages := map[string]int{}
	for _, s := range rep.Lessons[0].Scenes {
		for _, st := range s.Stages {
			if st.Ran() {
				stages[st.Stage]++
			}
		}
	}
	if stages[StageAvatar] != 3 || stages[StageAvatarPIP] != 3 {
		t.Errorf("avatar stages ran %v", stages)
	}

	// Rebuild: everything cached, D-ID is not called again.
	before := len(srv.Requests())
	rep2 := buildWithAvatars(t, path, reg)
	if n := len(srv.Requests()); n != before {
		t.Errorf("rebuild sent %d more requests to D-ID", n-before)
	}
	for _, s := range rep2.Lessons[0].Scenes {
		for _, st := range s.Stages {
			if st.Ran() {
				t.Errorf("rebuild ran %s of %s", st.Stage, s.ID)
			}
		}
	}
	data1, _ := os.ReadFile(mp4)
	data2, _ := os.ReadFile(rep2.Lessons[0].Outputs["mp4"])
	if !bytes.Equal(data1, data2) {
		t.Error("rebuild changed the lesson")
	}
}

// TestAvatarFailsEarly checks that a missing key stops the build before any
// work, and that a talk D-ID rejects names the scene.
func TestAvatarFailsEarly(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "espeak-ng")
	path := copyIntro(t, "  template: modern\n", "  template: modern\n  avatar: {provider: d-id, image: assets/slide.jpg}\n")
	c, _ := course.Load(path)
	store, _ := cache.Open(t.TempDir())
	noKey, _ := did.New(did.Config{})
	_, err := Run(context.Background(), Options{Course: c, Cache: store, FFmpeg: ffmpeg.New(),
		Providers: narrate.NewRegistry(espeak.New()), Avatars: avatar.NewRegistry(noKey)})
	if err == nil || !strings.Contains(err.Error(), "DID_API_KEY is not set") {
		t.Fatalf("error = %v", err)
	}
	if st, _ := store.Stats(); st.Entries != 0 {
		t.Errorf("%d cache entries made before failing", st.Entries)
	}
	_, err = Run(context.Background(), Options{Course: c, Cache: store, FFmpeg: ffmpeg.New(),
		Providers: narrate.NewRegistry(espeak.New()), Avatars: avatar.NewRegistry()})
	if err == nil || !strings.Contains(err.Error(), `unknown avatar provider "d-id"`) {
		t.Fatalf("error = %v", err)
	}

	srv := didtest.New(t, didKey, nil)
	srv.Statuses = []string{"rejected"}
	client, _ := did.New(did.Config{APIKey: didKey, BaseURL: srv.URL, PollInterval: time.Millisecond})
	_, err = Run(context.Background(), Options{Course: c, Cache: store, FFmpeg: ffmpeg.New(), Lessons: []string{"intro"},
		Providers: narrate.NewRegistry(espeak.New()), Avatars: avatar.NewRegistry(client), Jobs: 2})
	if err == nil || !strings.Contains(err.Error(), "was rejected by D-ID") || !strings.Contains(err.Error(), `scene "`) {
		t.Fatalf("error = %v", err)
	}
}

// TestSpeechSeconds measures narration already in the cache and estimates
// the rest from the words, for tecno script --dry-run.
func TestSpeechSeconds(t *testing.T) {
	f := newFixture(t, threeScenes)
	f.build("", "")
	f.edit("narration: And a line of code.", "narration: "+strings.Repeat("word ", 25))
	c, err := course.Load(filepath.Join(f.dir, "course.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	store, _ := cache.Open(f.cache)
	speech, err := SpeechSeconds(context.Background(), Options{Course: c, Cache: store, FFmpeg: ffmpeg.New(),
		Providers: narrate.NewRegistry(espeak.New())})
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lessons[0]
	secs, measured := speech(l, l.Scenes[0])
	if !measured || secs < 1 || secs > 6 {
		t.Errorf("built scene: %.2f s measured %v", secs, measured)
	}
	secs, measured = speech(l, l.Scenes[2])
	if measured || secs != 10 {
		t.Errorf("edited scene: %.2f s measured %v, want a 10 s estimate", secs, measured)
	}
}
