package build

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/subtitle"
)

// Tests of the production features. Each checks the output with ffprobe or
// ffmpeg filters (decoded pixels, band-passed audio levels, ebur128), not
// the code's own account of what it did.

const grayW, grayH = 64, 36

// grayFrames decodes every frame of a video as 64×36 grey pictures.
func grayFrames(t *testing.T, path string) [][]byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0",
		"-vf", "scale=64:36:flags=area,format=gray", "-fps_mode", "passthrough", "-f", "rawvideo", "-").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	n := grayW * grayH
	var frames [][]byte
	for i := 0; i+n <= len(out); i += n {
		frames = append(frames, out[i:i+n])
	}
	return frames
}

// diff is the mean absolute difference of two grey pictures (0..255).
func diff(a, b []byte) float64 {
	s := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		s += d
	}
	return float64(s) / float64(len(a))
}

func mean(a []byte) float64 {
	s := 0
	for _, v := range a {
		s += int(v)
	}
	return float64(s) / float64(len(a))
}

// changes lists the frames (from first to last-1) that differ from the
// frame before by more than thr.
func changes(frames [][]byte, first, last int, thr float64) []int {
	var out []int
	for i := first + 1; i < last && i < len(frames); i++ {
		if diff(frames[i], frames[i-1]) > thr {
			out = append(out, i)
		}
	}
	return out
}

// sceneStarts returns the first frame of each scene, from the report.
func sceneStarts(rep *Report, lesson int) []int {
	var out []int
	n := 0
	for _, s := range rep.Lessons[lesson].Scenes {
		out = append(out, n)
		n += s.Frames
	}
	return append(out, n)
}

func readCues(t *testing.T, path string) []subtitle.Cue {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cues, err := subtitle.ParseSRT(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return cues
}

func checkAligned(t *testing.T, path string) *ffmpeg.ProbeResult {
	t.Helper()
	p := probe(t, path)
	v, a := p.Stream("video"), p.Stream("audio")
	if v == nil || a == nil {
		t.Fatalf("%s: streams %+v", path, p.Streams)
	}
	if d := math.Abs(ffmpeg.Seconds(v.Duration) - ffmpeg.Seconds(a.Duration)); d > frame {
		t.Errorf("%s: video %s s, audio %s s", filepath.Base(path), v.Duration, a.Duration)
	}
	return p
}

const transitionsCourse = `course:
  title: Transitions
  output: {width: 640, height: 360}
  transition: {type: crossfade, duration: 0.5}
lessons:
  - id: l1
    title: Five ways in
    scenes:
      - id: s1
        layout: title
        title: Start here
        narration: One.
      - id: s2
        layout: quote
        quote: A crossfade blends.
        narration: Two.
      - id: s3
        layout: title
        title: Through black
        narration: Three.
        transition: fade
      - id: s4
        layout: bullets
        title: Sliding
        bullets: [in from the right]
        narration: Four.
        transition: slide-left
      - id: s5
        layout: section
        title: Wiped
        narration: Five.
        transition: {type: wipe, duration: 0.3}
`

func TestTransitions(t *testing.T) {
	f := newFixture(t, transitionsCourse)
	rep := f.build("", "")
	mp4 := filepath.Join(f.dir, "out", "l1.mp4")
	checkAligned(t, mp4)
	frames := grayFrames(t, mp4)
	starts := sceneStarts(rep, 0)
	if len(frames) != starts[len(starts)-1] {
		t.Fatalf("%d frames decoded, scenes add up to %d", len(frames), starts[len(starts)-1])
	}
	for i, tc := range []struct {
		kind string
		n    int
	}{{"crossfade", 15}, {"fade", 15}, {"slide-left", 15}, {"wipe", 9}} {
		t.Run(tc.kind, func(t *testing.T) {
			at := starts[i+1]
			a, b := frames[at-1], frames[at+tc.n] // the stills either side
			first, mid, last := frames[at], frames[at+tc.n/2], frames[at+tc.n-1]
			ab := diff(a, b)
			if ab < 5 {
				t.Fatalf("the scenes' stills barely differ (%.1f)", ab)
			}
			// The outgoing still holds until the transition, the incoming
			// one from its end on.
			if d := diff(frames[at-2], a); d > 0.5 {
				t.Errorf("outgoing still changes before the transition (%.1f)", d)
			}
			if d := diff(frames[at+tc.n+1], b); d > 0.5 {
				t.Errorf("incoming still changes after the transition (%.1f)", d)
			}
			// A transition frame differs from both stills, and the
			// transition runs from the one to the other.
			if diff(mid, a) < 0.15*ab || diff(mid, b) < 0.15*ab {
				t.Errorf("middle frame too close to a still: %.1f from the outgoing, %.1f from the incoming (stills %.1f apart)", diff(mid, a), diff(mid, b), ab)
			}
			if diff(first, a) >= diff(first, b) {
				t.Errorf("first transition frame is nearer the incoming still")
			}
			if diff(last, b) >= diff(last, a) {
				t.Errorf("last transition frame is nearer the outgoing still")
			}
			if tc.kind == "fade" && mean(mid) >= math.Min(mean(a), mean(b)) {
				t.Errorf("a fade goes through black: middle frame %.1f, stills %.1f and %.1f", mean(mid), mean(a), mean(b))
			}
			if diff(frames[at+tc.n], frames[at+tc.n-1]) < 0.05 {
				t.Errorf("the transition ends early: its last frame is already the incoming still")
			}
		})
	}
	// The first scene has no entry transition: a cut.
	if d := diff(frames[starts[1]-1], frames[starts[1]]); d < 5 {
		t.Errorf("s1→s2 should be a crossfade that starts moving at once")
	}
	// Only the transition's frames are encoded: changing one transition
	// redoes that transition and the join, nothing else.
	f.edit("transition: slide-left", "transition: wipe")
	if got, want := f.build("", "").Executed(), []string{"l1/s4/transition", "l1/join"}; !slices.Equal(got, want) {
		t.Errorf("changing a transition ran %v, want %v", got, want)
	}
}

const revealCourse = `course:
  title: Reveal
  author: Ana Souza
  output: {width: 640, height: 360}
lessons:
  - id: l1
    title: Soft
    scenes:
      - id: points
        layout: bullets
        title: Three points
        reveal: bullets
        bullets: [The cache is first, Transitions come second, Music comes last]
        narration: Here is the plan. First, the cache. Second, the transitions. Last of all, the music.
  - id: l2
    title: Burned
    subtitles: burn
    scenes:
      - id: burned
        layout: title
        title: Burned in
        narration: These words are part of the picture. So are these ones.
`

func TestRevealBurnCourseVideoAndIndex(t *testing.T) {
	f := newFixture(t, revealCourse)
	rep := f.build("", "")
	out := filepath.Join(f.dir, "out")

	t.Run("reveal", func(t *testing.T) {
		mp4 := filepath.Join(out, "l1.mp4")
		checkAligned(t, mp4)
		frames := grayFrames(t, mp4)
		ch := changes(frames, 0, len(frames), 0.3)
		cues := readCues(t, filepath.Join(out, "l1.srt"))
		// Cue 0 is "Here is the plan."; bullets appear with cues 1, 2, 3.
		if len(ch) != 3 || len(cues) != 4 {
			t.Fatalf("picture changes at frames %v, cues %+v: want 3 changes, 4 cues", ch, cues)
		}
		for i, at := range ch {
			want := cues[i+1].Start * 30
			if math.Abs(float64(at)-want) > 1.5 {
				t.Errorf("bullet %d appears at frame %d, its cue starts at frame %.1f", i+1, at, want)
			}
		}
		// Each new bullet adds ink below the ones before: the picture
		// gets brighter (light text on a dark template).
		for i := 1; i < len(ch); i++ {
			if mean(frames[ch[i]]) <= mean(frames[ch[i-1]]) {
				t.Errorf("bullet %d does not add to the picture", i+1)
			}
		}
	})
	t.Run("burn", func(t *testing.T) {
		mp4 := filepath.Join(out, "l2.mp4")
		p := checkAligned(t, mp4)
		if s := p.Stream("subtitle"); s != nil {
			t.Errorf("burned subtitles must not also be a track: %+v", s)
		}
		cues := readCues(t, filepath.Join(out, "l2.srt"))
		if len(cues) != 2 {
			t.Fatalf("cues %+v", cues)
		}
		frames := grayFrames(t, mp4)
		ch := changes(frames, 0, len(frames), 0.3)
		var want []float64
		for _, c := range cues {
			want = append(want, c.Start*30, c.End*30)
		}
		if len(ch) != len(want) {
			t.Fatalf("picture changes at %v, cue boundaries at frames %v", ch, want)
		}
		for i := range ch {
			if math.Abs(float64(ch[i])-want[i]) > 1.5 {
				t.Errorf("change %d at frame %d, cue boundary at %.1f", i, ch[i], want[i])
			}
		}
		// The caption area (bottom middle) gets a dark box with white
		// text: its contrast jumps while a cue shows.
		band := func(fr []byte) (lo, hi byte) {
			lo, hi = 255, 0
			for y := grayH * 80 / 100; y < grayH*94/100; y++ {
				for x := grayW / 4; x < grayW*3/4; x++ {
					v := fr[y*grayW+x]
					lo, hi = min(lo, v), max(hi, v)
				}
			}
			return lo, hi
		}
		onLo, onHi := band(frames[int(cues[0].Start*30)+2])
		offLo, offHi := band(frames[1])
		if int(onHi)-int(onLo) < int(offHi)-int(offLo)+60 {
			t.Errorf("no readable caption: contrast %d-%d with a cue, %d-%d without", onLo, onHi, offLo, offHi)
		}
	})
	t.Run("course video", func(t *testing.T) {
		p := checkAligned(t, filepath.Join(out, "course.mp4"))
		if len(p.Chapters) != 2 || p.Chapters[0].Tags["title"] != "Soft" || p.Chapters[1].Tags["title"] != "Burned" {
			t.Errorf("chapters %+v, want one per lesson", p.Chapters)
		}
		total := rep.Lessons[0].Duration + rep.Lessons[1].Duration
		if d := ffmpeg.Seconds(p.Format.Duration); math.Abs(d-total) > frame {
			t.Errorf("course video lasts %.3f s, lessons %.3f s", d, total)
		}
		if got := ffmpeg.Seconds(p.Chapters[1].StartTime); math.Abs(got-rep.Lessons[0].Duration) > 0.002 {
			t.Errorf("second chapter starts at %.3f, first lesson lasts %.3f", got, rep.Lessons[0].Duration)
		}
		// Same pictures: the course video's frames are the lessons'.
		c, l1 := grayFrames(t, filepath.Join(out, "course.mp4")), grayFrames(t, filepath.Join(out, "l1.mp4"))
		for _, i := range []int{0, len(l1) / 2, len(l1) - 1} {
			if diff(c[i], l1[i]) > 0.01 {
				t.Errorf("course frame %d differs from the lesson's", i)
			}
		}
		if s := p.Stream("subtitle"); s == nil {
			t.Error("course video has no subtitle track for its soft lesson")
		}
	})
	t.Run("index", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		html := string(data)
		for _, want := range []string{`src="course.mp4"`, `src="l1.mp4"`, `src="l2.mp4"`, `<track kind="subtitles" src="l1.vtt"`, `data-start="0.000"`, `>Three points</button>`} {
			if !strings.Contains(html, want) {
				t.Errorf("index.html lacks %s", want)
			}
		}
		if strings.Contains(html, `src="l2.vtt"`) {
			t.Error("index.html adds a track to a lesson whose subtitles are burned in")
		}
		if regexp.MustCompile(`(?i)https?://`).MatchString(html) {
			t.Error("index.html loads something from the network")
		}
		if strings.Count(html, "<video") != 3 {
			t.Errorf("%d videos, want 3 (course and two lessons)", strings.Count(html, "<video"))
		}
	})
}

// writeTone writes a mono 48 kHz WAV of a sine tone.
func writeTone(t *testing.T, path string, freq, secs, amp float64) {
	t.Helper()
	n := int(secs * 48000)
	pcm := make([]int16, n)
	for i := range pcm {
		pcm[i] = int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(i)/48000))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := narrate.EncodeWAV(f, narrate.Audio{Rate: 48000, Samples: pcm}); err != nil {
		t.Fatal(err)
	}
}

// bandRMS measures the RMS level (dBFS) of the audio of path between start
// and end seconds, band-passed around freq, with ffmpeg's astats.
func bandRMS(t *testing.T, path string, start, end, freq float64) float64 {
	t.Helper()
	af := "atrim=start=" + strconv.FormatFloat(start, 'f', 3, 64) + ":end=" + strconv.FormatFloat(end, 'f', 3, 64)
	if freq > 0 {
		af += ",bandpass=f=" + strconv.FormatFloat(freq, 'f', 0, 64) + ":width_type=q:w=8,bandpass=f=" + strconv.FormatFloat(freq, 'f', 0, 64) + ":width_type=q:w=8"
	}
	af += ",astats=metadata=1:reset=0,ametadata=mode=print:key=lavfi.astats.Overall.RMS_level:file=-"
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:a", "-af", af, "-f", "null", "-").Output()
	if err != nil {
		t.Fatalf("astats: %v", err)
	}
	m := regexp.MustCompile(`RMS_level=(-?[0-9.]+|-inf)`).FindAllStringSubmatch(string(out), -1)
	if len(m) == 0 {
		t.Fatalf("no astats output")
	}
	if m[len(m)-1][1] == "-inf" {
		return -200
	}
	v, _ := strconv.ParseFloat(m[len(m)-1][1], 64)
	return v
}

// momentary returns ebur128's momentary loudness (LUFS, 400 ms) at time
// sec of path's audio.
func momentary(t *testing.T, path string, sec float64) float64 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:a",
		"-af", "ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.M:file=-", "-f", "null", "-").Output()
	if err != nil {
		t.Fatalf("ebur128: %v", err)
	}
	re := regexp.MustCompile(`pts_time:([0-9.]+)[\s\S]*?lavfi\.r128\.M=(-?[0-9.]+|-inf)`)
	best := math.Inf(-1)
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		at, _ := strconv.ParseFloat(m[1], 64)
		if at <= sec {
			best, _ = strconv.ParseFloat(m[2], 64)
		}
	}
	return best
}

const musicCourse = `course:
  title: Music
  output: {width: 640, height: 360}
  music: {file: bed.wav, fade_in: 0.5, fade_out: 0.5}
lessons:
  - id: defaults
    title: Default levels
    scenes:
      - id: a
        layout: title
        title: Tone
        narration_audio: voice.wav
        pause_before: 2.5
        pause_after: 2.5
  - id: loud
    title: Loud bed, deep ducking
    music: {volume: -6, duck: 14}
    scenes:
      - id: b
        layout: title
        title: Tone
        narration_audio: voice.wav
        pause_before: 2.5
        pause_after: 2.5
  - id: speech
    title: A real voice
    scenes:
      - id: c
        layout: title
        title: Speech
        narration: The music dips while the voice speaks, and comes back when it stops.
        pause_after: 3
  - id: quiet
    title: No music here
    music: none
    scenes:
      - id: d
        layout: title
        title: Quiet
        narration_audio: voice.wav
`

func TestMusicDucksUnderTheVoice(t *testing.T) {
	f := newFixture(t, musicCourse)
	// The voice is a 1 kHz tone and the music a 220 Hz tone shorter than
	// the lesson (it loops): band-pass filters then measure each apart in
	// the mixed output.
	writeTone(t, filepath.Join(f.dir, "voice.wav"), 1000, 3, 0.3)
	writeTone(t, filepath.Join(f.dir, "bed.wav"), 220, 1.7, 0.5)
	rep := f.build("", "")
	out := filepath.Join(f.dir, "out")
	for i, lr := range rep.Lessons {
		if i == 3 {
			break
		}
		var mixed bool
		for _, st := range lr.Stages {
			mixed = mixed || st.Stage == StageMix
		}
		if !mixed {
			t.Errorf("%s: no mix stage", lr.ID)
		}
	}
	// Speech runs from about 2.52 s to 5.52 s.
	speech, before, after := [2]float64{3, 5}, [2]float64{1, 2.3}, [2]float64{6.8, 7.5}
	for _, tc := range []struct {
		lesson       string
		under        float64 // music at least this far below the voice while it speaks
		bedUnderVoic float64 // music alone, relative to the voice level, ± 3 dB
		minDuck      float64 // music dips at least this much while the voice speaks
	}{
		{"defaults", 15, -18, 6},
		{"loud", 15, -6, 9},
	} {
		t.Run(tc.lesson, func(t *testing.T) {
			mp4 := filepath.Join(out, tc.lesson+".mp4")
			checkAligned(t, mp4)
			voice := bandRMS(t, mp4, speech[0], speech[1], 1000)
			musicSpeech := bandRMS(t, mp4, speech[0], speech[1], 220)
			musicBefore := bandRMS(t, mp4, before[0], before[1], 220)
			musicAfter := bandRMS(t, mp4, after[0], after[1], 220)
			t.Logf("voice %.1f dB; music %.1f before, %.1f under the voice, %.1f after", voice, musicBefore, musicSpeech, musicAfter)
			if voice-musicSpeech < tc.under {
				t.Errorf("music only %.1f dB below the voice while it speaks, want ≥ %g", voice-musicSpeech, tc.under)
			}
			if d := musicBefore - musicSpeech; d < tc.minDuck {
				t.Errorf("music dips %.1f dB under the voice, want ≥ %g", d, tc.minDuck)
			}
			if d := math.Abs(musicAfter - musicBefore); d > 2 {
				t.Errorf("music comes back to %.1f dB after the voice, %.1f before", musicAfter, musicBefore)
			}
			// The bed's level follows volume (tones have no loudness
			// weighting surprises at these frequencies beyond ±3 dB).
			if d := musicBefore - voice; math.Abs(d-tc.bedUnderVoic) > 3 {
				t.Errorf("music bed %.1f dB relative to the voice, want %g ± 3", d, tc.bedUnderVoic)
			}
			// Faded in: the first 100 ms are far quieter than the bed.
			if first := bandRMS(t, mp4, 0.03, 0.13, 220); musicBefore-first < 10 {
				t.Errorf("no fade-in: %.1f dB at the start, %.1f later", first, musicBefore)
			}
		})
	}
	t.Run("ebur128", func(t *testing.T) {
		mp4 := filepath.Join(out, "speech.mp4")
		p := checkAligned(t, mp4)
		lufs, tp := measureLoudness(t, mp4)
		if math.Abs(lufs-(-16)) > 1.5 || tp > -1 {
			t.Errorf("lesson loudness %.1f LUFS, true peak %.1f; want -16 ± 1.5 LUFS, ≤ -1 dBTP", lufs, tp)
		}
		end := ffmpeg.Seconds(p.Format.Duration)
		// The last 3 s are the pause after the narration: music alone, at
		// the bed level (-16 - 18 LUFS), before the 0.5 s fade-out.
		bed := momentary(t, mp4, end-0.8)
		if math.Abs(bed-(-34)) > 3 {
			t.Errorf("music alone at %.1f LUFS (momentary), want -34 ± 3", bed)
		}
		if lufs-bed < 15 {
			t.Errorf("music alone only %.1f LU under the lesson", lufs-bed)
		}
	})
	t.Run("music none", func(t *testing.T) {
		mp4 := filepath.Join(out, "quiet.mp4")
		if lvl := bandRMS(t, mp4, 0, 0.3, 0); lvl > -80 {
			t.Errorf("a lesson with music: none is not silent before its narration: %.1f dB", lvl)
		}
	})
	// Editing one lesson's music settings redoes that lesson's mix and
	// join, nothing else.
	f.edit("music: {volume: -6, duck: 14}", "music: {volume: -8, duck: 14}")
	if got, want := f.build("", "").Executed(), []string{"loud/mix", "loud/join", "join-course"}; !slices.Equal(got, want) {
		t.Errorf("changing the music volume ran %v, want %v", got, want)
	}
}
