package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/espeak"
	"github.com/tecno-video/tecno/internal/subtitle"
	"github.com/tecno-video/tecno/internal/testtool"
)

const frame = 1.0 / 30

type fixture struct {
	t     *testing.T
	dir   string
	cache string
}

func newFixture(t *testing.T, courseYAML string) *fixture {
	t.Helper()
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "ffprobe")
	testtool.Require(t, "espeak-ng")
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, cache: filepath.Join(dir, ".tecno", "cache")}
	f.write("course.yaml", courseYAML)
	return f
}

func (f *fixture) write(name, content string) {
	f.t.Helper()
	p := filepath.Join(f.dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) edit(old, new string) {
	f.t.Helper()
	p := filepath.Join(f.dir, "course.yaml")
	data, _ := os.ReadFile(p)
	if !bytes.Contains(data, []byte(old)) {
		f.t.Fatalf("course.yaml lacks %q", old)
	}
	os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644)
}

func (f *fixture) build(cacheDir, out string) *Report {
	f.t.Helper()
	rep, err := f.tryBuild(context.Background(), cacheDir, out)
	if err != nil {
		f.t.Fatalf("build: %v", err)
	}
	return rep
}

func (f *fixture) tryBuild(ctx context.Context, cacheDir, out string) (*Report, error) {
	c, err := course.Load(filepath.Join(f.dir, "course.yaml"))
	if err != nil {
		return nil, err
	}
	if errs, _ := course.Validate(c, course.Env{}); len(errs) > 0 {
		return nil, errs
	}
	if cacheDir == "" {
		cacheDir = f.cache
	}
	if out == "" {
		out = filepath.Join(f.dir, "out")
	}
	store, err := cache.Open(cacheDir)
	if err != nil {
		return nil, err
	}
	return Run(ctx, Options{Course: c, Cache: store, OutDir: out, FFmpeg: ffmpeg.New(),
		Providers: narrate.NewRegistry(espeak.New()), Jobs: 2})
}

const threeScenes = `course:
  title: Test Course
  language: en-US
lessons:
  - id: l1
    title: Lesson one
    scenes:
      - id: opening
        layout: title
        title: Hello there
        narration: Hello there. This is the first scene.
      - id: points
        layout: bullets
        title: Points
        bullets: [One, Two, Three]
        narration: Here are three points. One, two and three.
      - id: snippet
        layout: code
        title: Code
        code: |
          fmt.Println("hi")
        narration: And a line of code.
        pause_after: 1s
`

// threeScenesSmall is threeScenes at 640×360, for tests about the pipeline
// rather than the picture (rendering is the slow part under -race).
var threeScenesSmall = strings.Replace(threeScenes, "  language: en-US\n", "  language: en-US\n  output: {width: 640, height: 360}\n", 1)

func probe(t *testing.T, path string) *ffmpeg.ProbeResult {
	t.Helper()
	p, err := ffmpeg.New().ProbeFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuildProducesAStandardLesson(t *testing.T) {
	f := newFixture(t, threeScenes)
	rep := f.build("", "")
	mp4 := filepath.Join(f.dir, "out", "l1.mp4")
	p := probe(t, mp4)
	v, a, s := p.Stream("video"), p.Stream("audio"), p.Stream("subtitle")
	if v == nil || a == nil || s == nil {
		t.Fatalf("streams: %+v", p.Streams)
	}
	if v.CodecName != "h264" || v.Width != 1920 || v.Height != 1080 || v.PixFmt != "yuv420p" ||
		v.RFrameRate != "30/1" || v.AvgFrameRate != "30/1" {
		t.Errorf("video stream %+v", v)
	}
	if a.CodecName != "aac" || a.SampleRate != "48000" {
		t.Errorf("audio stream %+v", a)
	}
	if s.CodecName != "mov_text" {
		t.Errorf("subtitle stream %+v", s)
	}
	vd, ad := ffmpeg.Seconds(v.Duration), ffmpeg.Seconds(a.Duration)
	if math.Abs(vd-ad) > frame {
		t.Errorf("video %.3fs vs audio %.3fs: more than one frame apart", vd, ad)
	}
	if len(p.Chapters) != 3 || p.Chapters[0].Tags["title"] != "Hello there" {
		t.Errorf("chapters: %+v", p.Chapters)
	}
	// Subtitles parse and fall within the audio.
	for _, ext := range []string{".srt", ".vtt"} {
		data, err := os.ReadFile(filepath.Join(f.dir, "out", "l1"+ext))
		if err != nil {
			t.Fatal(err)
		}
		var cues []subtitle.Cue
		if ext == ".srt" {
			cues, err = subtitle.ParseSRT(bytes.NewReader(data))
		} else {
			cues, err = subtitle.ParseVTT(bytes.NewReader(data))
		}
		if err != nil || len(cues) < 3 {
			t.Fatalf("%s: %d cues, %v", ext, len(cues), err)
		}
		for _, c := range cues {
			if c.Start < 0 || c.End > ad || c.End <= c.Start {
				t.Errorf("%s cue %+v outside the audio (%.3fs)", ext, c, ad)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(f.dir, "out", "l1.png")); err != nil {
		t.Error(err)
	}
	// The whole file decodes without errors.
	if out, err := exec.Command("ffmpeg", "-v", "error", "-xerror", "-i", mp4, "-f", "null", "-").CombinedOutput(); err != nil {
		t.Fatalf("decode: %v %s", err, out)
	}
	if lufs, tp := measureLoudness(t, mp4); math.Abs(lufs-(-16)) > 1 || tp > -1.5 {
		t.Errorf("loudness %.1f LUFS, true peak %.1f dBTP; want -16 ± 1 LUFS and ≤ -1.5 dBTP", lufs, tp)
	}
	if !moovBeforeMdat(t, mp4) {
		t.Error("moov atom is not before mdat: not fast-start")
	}
	var fromDisk Report
	data, _ := os.ReadFile(filepath.Join(f.dir, "out", "build-report.json"))
	if err := json.Unmarshal(data, &fromDisk); err != nil || len(fromDisk.Lessons) != 1 {
		t.Fatalf("build report: %v", err)
	}
	if rep.CacheMisses != 13 || rep.CacheHits != 0 {
		t.Errorf("cold build: %d misses, %d hits; want 13 and 0", rep.CacheMisses, rep.CacheHits)
	}
	// No temporary files left beside the outputs.
	ents, _ := os.ReadDir(filepath.Join(f.dir, "out"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

// moovBeforeMdat walks the top-level MP4 boxes.
func moovBeforeMdat(t *testing.T, path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; off+8 <= len(data); {
		size := int(binary.BigEndian.Uint32(data[off:]))
		typ := string(data[off+4 : off+8])
		if typ == "moov" {
			return true
		}
		if typ == "mdat" {
			return false
		}
		if size < 8 {
			return false
		}
		off += size
	}
	return false
}

func TestRebuildAfterEditRedoesOnlyThatScene(t *testing.T) {
	f := newFixture(t, threeScenesSmall)
	f.build("", "")
	noop := f.build("", "")
	if got := noop.Executed(); len(got) != 0 {
		t.Fatalf("no-op rebuild ran %v", got)
	}
	f.edit("Here are three points.", "Here are the three points.")
	rep := f.build("", "")
	want := []string{"l1/points/narrate", "l1/points/audio", "l1/join"}
	if got := rep.Executed(); !slices.Equal(got, want) {
		t.Fatalf("rebuild ran %v, want %v", got, want)
	}
}

func TestReorderReencodesNothing(t *testing.T) {
	f := newFixture(t, threeScenesSmall)
	f.build("", "")
	data, _ := os.ReadFile(filepath.Join(f.dir, "course.yaml"))
	s := string(data)
	i, j := strings.Index(s, "      - id: points"), strings.Index(s, "      - id: snippet")
	s = s[:i] + s[j:] + s[i:j]
	f.write("course.yaml", s)
	rep := f.build("", "")
	if got := rep.Executed(); !slices.Equal(got, []string{"l1/join"}) {
		t.Fatalf("reorder ran %v, want only the join", got)
	}
	p := probe(t, filepath.Join(f.dir, "out", "l1.mp4"))
	if p.Chapters[1].Tags["title"] != "Code" {
		t.Fatalf("chapters not reordered: %+v", p.Chapters)
	}
}

func fileHash(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(data))
}

func TestCorruptCacheEntryIsRebuilt(t *testing.T) {
	f := newFixture(t, threeScenesSmall)
	f.build("", "")
	want := fileHash(t, filepath.Join(f.dir, "out", "l1.mp4"))
	stills, _ := filepath.Glob(filepath.Join(f.cache, "objects", "*", "*", "still.h264"))
	if len(stills) != 3 {
		t.Fatalf("found %d stills", len(stills))
	}
	data, _ := os.ReadFile(stills[0])
	data[len(data)/2] ^= 0xff
	os.WriteFile(stills[0], data, 0o644)
	// And remove the joined lesson so the stills are needed again.
	joined, _ := filepath.Glob(filepath.Join(f.cache, "objects", "*", "*", "lesson.mp4"))
	os.RemoveAll(filepath.Dir(joined[0]))
	rep := f.build("", "")
	ran := rep.Executed()
	stillRuns := 0
	for _, r := range ran {
		if strings.HasSuffix(r, "/still") {
			stillRuns++
		}
	}
	if stillRuns != 1 || len(rep.Warnings) == 0 {
		t.Fatalf("ran %v, warnings %v: want exactly one still rebuilt with a warning", ran, rep.Warnings)
	}
	if got := fileHash(t, filepath.Join(f.dir, "out", "l1.mp4")); got != want {
		t.Fatal("output after repairing the cache differs from the original")
	}
}

// Cache hits are hashed when their files are used, not when they are
// found: an up-to-date build reads no stage's files, and a damaged file it
// does not need does no harm. Outputs changed by hand are restored, and a
// damaged joined lesson is detected before it is copied out, then rebuilt.
func TestVerificationIsLazyAndOutputsAreRestored(t *testing.T) {
	f := newFixture(t, threeScenesSmall)
	f.build("", "")
	out := filepath.Join(f.dir, "out", "l1.mp4")
	want := fileHash(t, out)
	flip := func(p string) {
		t.Helper()
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0xff
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A damaged still is not needed while the joined lesson is intact.
	stills, _ := filepath.Glob(filepath.Join(f.cache, "objects", "*", "*", "still.h264"))
	flip(stills[0])
	rep := f.build("", "")
	if ran := rep.Executed(); len(ran) != 0 || len(rep.Warnings) != 0 {
		t.Fatalf("up-to-date build ran %v, warned %v", ran, rep.Warnings)
	}
	// An output changed by hand is copied out again.
	flip(out)
	f.build("", "")
	if fileHash(t, out) != want {
		t.Fatal("changed output was not restored")
	}
	// A damaged joined lesson is caught before it is copied out: the
	// lesson is joined again, which needs the stills, so the damaged still
	// is caught and remade too.
	joined, _ := filepath.Glob(filepath.Join(f.cache, "objects", "*", "*", "lesson.mp4"))
	flip(joined[0])
	flip(out)
	// (Both changed within one tick of the file system's clock would look
	// alike; a person's edit comes later.)
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(out, later, later); err != nil {
		t.Fatal(err)
	}
	rep = f.build("", "")
	if len(rep.Warnings) == 0 {
		t.Fatalf("no warning about the damaged cache entries; ran %v", rep.Executed())
	}
	if got := fileHash(t, out); got != want {
		t.Fatal("output after repairing the cache differs from the original")
	}
	// The damaged still was remade: joining again needs no repair.
	joined, _ = filepath.Glob(filepath.Join(f.cache, "objects", "*", "*", "lesson.mp4"))
	os.RemoveAll(filepath.Dir(joined[0]))
	rep = f.build("", "")
	if ran := rep.Executed(); len(rep.Warnings) != 0 || len(ran) != 1 {
		t.Fatalf("rejoin ran %v, warned %v; want only the join", ran, rep.Warnings)
	}
}

func TestColdBuildsAreByteIdentical(t *testing.T) {
	f := newFixture(t, threeScenesSmall)
	f.build(filepath.Join(f.dir, "c1"), filepath.Join(f.dir, "o1"))
	f.build(filepath.Join(f.dir, "c2"), filepath.Join(f.dir, "o2"))
	for _, ext := range []string{".mp4", ".srt", ".vtt", ".png"} {
		if fileHash(t, filepath.Join(f.dir, "o1", "l1"+ext)) != fileHash(t, filepath.Join(f.dir, "o2", "l1"+ext)) {
			t.Errorf("l1%s differs between two cold builds", ext)
		}
	}
}

func TestConcurrentBuildsOfOneCourse(t *testing.T) {
	f := newFixture(t, threeScenesSmall)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = f.tryBuild(context.Background(), "", filepath.Join(f.dir, "o"+strconv.Itoa(i)))
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if fileHash(t, filepath.Join(f.dir, "o0", "l1.mp4")) != fileHash(t, filepath.Join(f.dir, "o1", "l1.mp4")) {
		t.Fatal("concurrent builds produced different outputs")
	}
}

// TestSyncAcrossFiftyScenes checks, on the decoded output, that every
// scene's sound starts where its chapter says, within one frame, and that
// audio and video end together.
func TestSyncAcrossFiftyScenes(t *testing.T) {
	var b strings.Builder
	b.WriteString("course:\n  title: Sync\n  output: {width: 320, height: 180}\nlessons:\n  - id: sync\n    title: Sync\n    scenes:\n")
	for i := 0; i < 50; i++ {
		// Tones of varying length so scene lengths vary.
		fmt.Fprintf(&b, "      - id: s%02d\n        layout: title\n        title: Scene %d\n        narration_audio: tone%d.wav\n        pause_before: 0.5\n        pause_after: 0.4\n", i, i, i%5)
	}
	f := newFixture(t, b.String())
	for k := 0; k < 5; k++ {
		dur := 0.7 + 0.37*float64(k)
		out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i",
			fmt.Sprintf("sine=f=440:r=22050:d=%.3f", dur), "-y", filepath.Join(f.dir, fmt.Sprintf("tone%d.wav", k))).CombinedOutput()
		if err != nil {
			t.Fatalf("%v %s", err, out)
		}
	}
	f.build("", "")
	mp4 := filepath.Join(f.dir, "out", "sync.mp4")
	p := probe(t, mp4)
	vd, ad := ffmpeg.Seconds(p.Stream("video").Duration), ffmpeg.Seconds(p.Stream("audio").Duration)
	if math.Abs(vd-ad) > frame {
		t.Fatalf("after 50 scenes video %.4fs and audio %.4fs differ by more than a frame", vd, ad)
	}
	if len(p.Chapters) != 50 {
		t.Fatalf("%d chapters", len(p.Chapters))
	}
	out, err := exec.Command("ffmpeg", "-v", "info", "-i", mp4, "-map", "0:a", "-af", "silencedetect=n=-30dB:d=0.2", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	var onsets []float64
	for _, m := range regexp.MustCompile(`silence_end: ([0-9.]+)`).FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		onsets = append(onsets, v)
	}
	if len(onsets) < 50 {
		t.Fatalf("found %d tone onsets, want 50", len(onsets))
	}
	lead := float64(ffmpeg.AACFrame)/48000 + 0.5
	for i, ch := range p.Chapters {
		want := ffmpeg.Seconds(ch.StartTime) + lead
		if d := math.Abs(onsets[i] - want); d > frame {
			t.Errorf("scene %d: sound starts at %.4fs, chapter says %.4fs (+lead): %.1f ms off", i, onsets[i], want, d*1000)
		}
	}
}

// measureLoudness runs ffmpeg's ebur128 on the audio of path.
func measureLoudness(t *testing.T, path string) (lufs, truePeak float64) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostats", "-i", path, "-map", "0:a", "-af", "ebur128=peak=true", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	s := string(out)
	s = s[strings.LastIndex(s, "Summary:"):]
	i := regexp.MustCompile(`I:\s+(-?[0-9.]+) LUFS`).FindStringSubmatch(s)
	p := regexp.MustCompile(`Peak:\s+(-?[0-9.]+) dBFS`).FindStringSubmatch(s)
	if i == nil || p == nil {
		t.Fatalf("no ebur128 summary: %s", s)
	}
	lufs, _ = strconv.ParseFloat(i[1], 64)
	truePeak, _ = strconv.ParseFloat(p[1], 64)
	return lufs, truePeak
}
