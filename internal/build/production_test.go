package build

import (
	"bytes"
	"fmt"
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
        template: minimal
        quote: A crossfade blends.
        narration: Two.
      - id: s3
        layout: title
        title: Through black
        narration: Three.
        transition: fade
      - id: s4
        layout: bullets
        template: minimal
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
			if tc.kind != "fade" && (diff(mid, a) < 0.15*ab || diff(mid, b) < 0.15*ab) {
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
    translations: {pt-BR: l1.pt-BR.srt}
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
    translations: {es: l2.es.vtt}
    scenes:
      - id: burned
        layout: title
        title: Burned in
        narration: These words are part of the picture. So are these ones.
`

func TestRevealBurnCourseVideoAndIndex(t *testing.T) {
	f := newFixture(t, revealCourse)
	f.write("l1.pt-BR.srt", "1\n00:00:00,300 --> 00:00:01,200\nEste é o plano.\n\n2\n00:00:01,600 --> 00:00:02,600\nPrimeiro, o cache.\n\n3\n00:09:00,000 --> 00:09:01,000\nDepois do fim.\n")
	f.write("l2.es.vtt", "WEBVTT\n\n00:00.300 --> 00:02.000\nEstas palabras son parte de la imagen.\n")
	rep := f.build("", "")
	out := filepath.Join(f.dir, "out")

	t.Run("reveal", func(t *testing.T) {
		mp4 := filepath.Join(out, "l1.mp4")
		checkAligned(t, mp4)
		frames := grayFrames(t, mp4)
		ch := changes(frames, 0, len(frames), 0.05)
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
		for _, s := range p.Streams {
			if s.CodecType == "subtitle" && s.Tags["language"] == "eng" {
				t.Errorf("burned subtitles must not also be a track: %+v", s)
			}
		}
		cues := readCues(t, filepath.Join(out, "l2.srt"))
		if len(cues) != 2 {
			t.Fatalf("cues %+v", cues)
		}
		frames := grayFrames(t, mp4)
		ch := changes(frames, 0, len(frames), 0.05)
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
		if int(onHi)-int(onLo) < int(offHi)-int(offLo)+25 || onLo >= offLo {
			t.Errorf("no readable caption: contrast %d-%d with a cue, %d-%d without", onLo, onHi, offLo, offHi)
		}
	})
	t.Run("translations", func(t *testing.T) {
		for _, tc := range []struct {
			lesson string
			langs  []string
			file   string
			cues   int
		}{{"l1", []string{"eng", "por"}, "l1.pt-BR.vtt", 2}, {"l2", []string{"spa"}, "l2.es.vtt", 1}} {
			p := probe(t, filepath.Join(out, tc.lesson+".mp4"))
			var langs []string
			for _, s := range p.Streams {
				if s.CodecType == "subtitle" {
					langs = append(langs, s.Tags["language"])
				}
			}
			if !slices.Equal(langs, tc.langs) {
				t.Errorf("%s: subtitle tracks %v, want %v", tc.lesson, langs, tc.langs)
			}
			data, err := os.ReadFile(filepath.Join(out, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			// The cue past the end of the lesson is dropped.
			if cues, err := subtitle.ParseVTT(bytes.NewReader(data)); err != nil || len(cues) != tc.cues {
				t.Errorf("%s: %d cues (%v), want %d", tc.file, len(cues), err, tc.cues)
			}
		}
		if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "translation pt-BR: 1 cues run past") }) {
			t.Errorf("no warning about the cue past the end: %q", rep.Warnings)
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
		for _, want := range []string{`src="course.mp4"`, `src="l1.mp4"`, `src="l2.mp4"`, `<track kind="subtitles" src="l1.vtt" srclang="en-US" label="English" default>`,
			`<track kind="subtitles" src="l1.pt-BR.vtt" srclang="pt-BR" label="Português">`, `<track kind="subtitles" src="l2.es.vtt" srclang="es" label="Español" default>`,
			`data-start="0.000"`, `>Three points</button>`} {
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

// writePNG writes a w×h PNG filled with one colour.
func writeSolidPNG(t *testing.T, path string, w, h int, c [3]uint8) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
		fmt.Sprintf("color=c=0x%02x%02x%02x:s=%dx%d", c[0], c[1], c[2], w, h),
		"-frames:v", "1", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
}

// rgbFrame decodes one frame (by index) of a video as 24-bit RGB.
func rgbFrame(t *testing.T, path string, n, w, h int) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0",
		"-vf", "select=eq(n\\,"+strconv.Itoa(n)+")", "-fps_mode", "passthrough", "-frames:v", "1",
		"-pix_fmt", "rgb24", "-f", "rawvideo", "-").Output()
	if err != nil || len(out) != w*h*3 {
		t.Fatalf("decode frame %d of %s: %v (%d bytes)", n, path, err, len(out))
	}
	return out
}

// avgRGB is the mean colour of a rectangle of an RGB frame w pixels wide.
func avgRGB(px []byte, w, x0, y0, x1, y1 int) [3]float64 {
	var s [3]float64
	n := 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			i := (y*w + x) * 3
			s[0], s[1], s[2] = s[0]+float64(px[i]), s[1]+float64(px[i+1]), s[2]+float64(px[i+2])
			n++
		}
	}
	return [3]float64{s[0] / float64(n), s[1] / float64(n), s[2] / float64(n)}
}

func close3(a [3]float64, r, g, b, tol float64) bool {
	return math.Abs(a[0]-r) <= tol && math.Abs(a[1]-g) <= tol && math.Abs(a[2]-b) <= tol
}

const brandingCourse = `course:
  title: Branded
  author: Ana Souza
  output: {width: 640, height: 360}
  intro: {text: Welcome aboard, duration: 2}
  outro: outro.mp4
  music: bed.wav
  branding:
    logo: logo.png
    logo_position: bottom-right
    logo_size: 200
    logo_margin: 30
    presenter: Ana Souza
    presenter_role: Engineer
    colors: {accent: "#ff0000"}
lessons:
  - id: l1
    title: Branding
    scenes:
      - id: hello
        layout: title
        title: Hello
        narration: Hello.
        lower_third: true
      - id: bye
        layout: bullets
        title: Points
        bullets: [One]
        narration: Bye.
`

func TestBrandingCardsAndWhiteLabel(t *testing.T) {
	f := newFixture(t, brandingCourse)
	writeSolidPNG(t, filepath.Join(f.dir, "logo.png"), 100, 50, [3]uint8{0, 255, 0})
	writeTone(t, filepath.Join(f.dir, "bed.wav"), 220, 3, 0.5)
	// A 2 s outro video: colour bars and a 880 Hz tone.
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "smptebars=s=320x240:r=25:d=2",
		"-f", "lavfi", "-i", "sine=f=880:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
		filepath.Join(f.dir, "outro.mp4")).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	rep := f.build("", "")
	mp4 := filepath.Join(f.dir, "out", "l1.mp4")
	p := checkAligned(t, mp4)
	lr := rep.Lessons[0]
	ids := []string{}
	for _, s := range lr.Scenes {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []string{"_intro", "hello", "bye", "_outro"}) {
		t.Fatalf("scenes %v", ids)
	}
	starts := sceneStarts(rep, 0)
	if got := lr.Scenes[3].Frames; got != 64 {
		t.Errorf("a 2 s outro at 30 fps, rounded up to whole 16-frame quanta, lasts 64 frames, got %d", got)
	}
	if len(p.Chapters) != 4 || p.Chapters[0].Tags["title"] != "Branding" {
		t.Errorf("chapters %+v", p.Chapters)
	}
	if d := ffmpeg.Seconds(p.Format.Duration); math.Abs(d-float64(starts[4])/30) > frame {
		t.Errorf("duration %.3f, scenes add up to %.3f", d, float64(starts[4])/30)
	}
	t.Run("intro card", func(t *testing.T) {
		if lr.Scenes[0].Frames != 64 {
			t.Errorf("a 2 s card lasts %d frames, want 64", lr.Scenes[0].Frames)
		}
		px := rgbFrame(t, mp4, 10, 640, 360)
		// The template's accent (modern: cyan) is the branding red: the
		// card's accent rule and label are drawn in it.
		red := 0
		for i := 0; i+2 < len(px); i += 3 {
			if px[i] > 180 && px[i+1] < 90 && px[i+2] < 90 {
				red++
			}
		}
		if red < 40 {
			t.Errorf("%d branding-red pixels on the intro card, want the accent in red", red)
		}
	})
	t.Run("logo", func(t *testing.T) {
		// 200 design px wide at 640×360 is 67 px (scaled by 360/1080), 30 px
		// margin is 10 px: the logo covers x 563–630, y 317–350.
		px := rgbFrame(t, mp4, starts[1]+5, 640, 360)
		if c := avgRGB(px, 640, 570, 322, 624, 344); !close3(c, 0, 255, 0, 40) {
			t.Errorf("logo area is %v, want green", c)
		}
		if c := avgRGB(px, 640, 570, 280, 624, 300); close3(c, 0, 255, 0, 80) {
			t.Errorf("green above the logo: %v", c)
		}
	})
	t.Run("lower third", func(t *testing.T) {
		with := grayFrames(t, mp4)
		// The lower third of "hello" (low on the left) is not on "bye".
		region := func(fr []byte) float64 {
			var rows []byte
			for y := grayH * 62 / 100; y < grayH*78/100; y++ {
				rows = append(rows, fr[y*grayW+grayW*6/100:y*grayW+grayW*40/100]...)
			}
			return mean(rows)
		}
		h, b := region(with[starts[1]+5]), region(with[starts[2]+5])
		if math.Abs(h-b) < 3 {
			t.Errorf("no lower third: region %.1f on the scene with it, %.1f without", h, b)
		}
	})
	t.Run("outro video", func(t *testing.T) {
		px := rgbFrame(t, mp4, starts[3]+20, 640, 360)
		// Colour bars, letterboxed from 4:3: black at the sides, the
		// first bar (grey-white) just inside.
		if c := avgRGB(px, 640, 0, 100, 60, 200); !close3(c, 0, 0, 0, 20) {
			t.Errorf("outro side bar is %v, want black letterbox", c)
		}
		if c := avgRGB(px, 640, 90, 50, 110, 150); c[0] < 150 || c[1] < 150 {
			t.Errorf("outro first colour bar is %v", c)
		}
		start := float64(starts[3]) / 30
		// Its sound, with the music bed ducked under it.
		if tone, bed := bandRMS(t, mp4, start+0.3, start+1.7, 880), bandRMS(t, mp4, start+0.3, start+1.7, 220); tone < -30 || tone-bed < 15 || bed < -60 {
			t.Errorf("outro sound: 880 Hz at %.1f dB, the 220 Hz music at %.1f dB", tone, bed)
		}
	})
	t.Run("white label", func(t *testing.T) {
		data, err := os.ReadFile(mp4)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"tecno", "x264", "lavf", "lavc", "libavformat", "videolan"} {
			if bytes.Contains(bytes.ToLower(data), []byte(s)) {
				t.Errorf("the MP4 contains %q", s)
			}
		}
		for k, v := range p.Format.Tags {
			if strings.Contains(strings.ToLower(k+v), "tecno") || k == "encoder" {
				t.Errorf("format tag %s=%s", k, v)
			}
		}
		for _, st := range p.Streams {
			for k, v := range st.Tags {
				if strings.Contains(strings.ToLower(v), "tecno") || k == "encoder" {
					t.Errorf("stream %d tag %s=%s", st.Index, k, v)
				}
			}
		}
	})
}

const presetsCourse = `course:
  title: Presets
  output:
    presets: [720p, vertical, webm, audio-only]
lessons:
  - id: l1
    title: Everywhere
    scenes:
      - id: a
        layout: title
        title: One build
        narration: One build.
      - id: b
        layout: bullets
        title: Many outputs
        bullets: [landscape, portrait, web, podcast]
        transition: crossfade
        narration: Many outputs.
`

func TestPresets(t *testing.T) {
	f := newFixture(t, presetsCourse)
	rep := f.build("", "")
	out := filepath.Join(f.dir, "out")
	main := checkAligned(t, filepath.Join(out, "l1.mp4"))
	dur := ffmpeg.Seconds(main.Format.Duration)
	if v := main.Stream("video"); v.Width != 1280 || v.Height != 720 {
		t.Errorf("main MP4 is %dx%d, want 720p", v.Width, v.Height)
	}
	// The narration is made once and shared by every output.
	var narrated []string
	for _, e := range rep.Executed() {
		if strings.HasSuffix(e, "/"+StageNarrate) || strings.HasSuffix(e, "/"+StageAudio) {
			narrated = append(narrated, e)
		}
	}
	if want := []string{"l1/a/narrate", "l1/a/audio", "l1/b/narrate", "l1/b/audio"}; !slices.Equal(narrated, want) {
		t.Errorf("narration stages %v, want each once: %v", narrated, want)
	}
	t.Run("vertical", func(t *testing.T) {
		path := filepath.Join(out, "l1-vertical.mp4")
		p := checkAligned(t, path)
		v := p.Stream("video")
		if v.Width != 1080 || v.Height != 1920 || math.Abs(ffmpeg.Seconds(p.Format.Duration)-dur) > 0.001 {
			t.Errorf("vertical: %dx%d, %s s", v.Width, v.Height, p.Format.Duration)
		}
		frames := grayFrames(t, path)
		px := rgbFrame(t, path, len(frames)-1, 1080, 1920)
		luma := func(x, y int) float64 {
			i := (y*1080 + x) * 3
			return 0.2126*float64(px[i]) + 0.7152*float64(px[i+1]) + 0.0722*float64(px[i+2])
		}
		// Laid out for portrait, not letterboxed: no black band above a
		// 16:9 picture, and the bullets run down the upper half at a
		// readable size.
		if c := avgRGB(px, 1080, 0, 0, 1080, 96); c[0]+c[1]+c[2] < 24 {
			t.Errorf("top band is black (%v): letterboxed", c)
		}
		textRows := 0
		for y := 384; y < 960; y++ {
			lo, hi := 255.0, 0.0
			for x := 54; x < 650; x++ {
				l := luma(x, y)
				lo, hi = math.Min(lo, l), math.Max(hi, l)
			}
			if hi-lo > 150 {
				textRows++
			}
		}
		if textRows < 100 {
			t.Errorf("%d rows of text in the upper half of the portrait frame, want ≥ 100", textRows)
		}
	})
	t.Run("webm", func(t *testing.T) {
		path := filepath.Join(out, "l1.webm")
		p := probe(t, path)
		v, a := p.Stream("video"), p.Stream("audio")
		if v == nil || a == nil || v.CodecName != "vp9" || a.CodecName != "opus" || v.Width != 1280 {
			t.Fatalf("webm streams %+v", p.Streams)
		}
		if d := ffmpeg.Seconds(p.Format.Duration); math.Abs(d-dur) > 0.05 {
			t.Errorf("webm lasts %.3f s, the MP4 %.3f s", d, dur)
		}
		if n, m := len(grayFrames(t, path)), len(grayFrames(t, filepath.Join(out, "l1.mp4"))); n != m {
			t.Errorf("webm has %d frames, the MP4 %d", n, m)
		}
		if out, err := exec.Command("ffmpeg", "-v", "error", "-xerror", "-i", path, "-f", "null", "-").CombinedOutput(); err != nil {
			t.Errorf("webm does not decode cleanly: %v %s", err, out)
		}
		// Repeated pictures are one-byte show_existing_frame packets: the
		// video costs about one key frame per picture.
		pk, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=size", "-of", "csv=p=0", path).Output()
		if err != nil {
			t.Fatal(err)
		}
		tiny := 0
		lines := strings.Fields(string(pk))
		for _, l := range lines {
			if l == "1" {
				tiny++
			}
		}
		if tiny < len(lines)*3/4 {
			t.Errorf("%d of %d VP9 packets are one byte; want most", tiny, len(lines))
		}
	})
	t.Run("audio only", func(t *testing.T) {
		p := probe(t, filepath.Join(out, "l1.m4a"))
		if p.Stream("video") != nil || p.Stream("audio") == nil || p.Stream("audio").CodecName != "aac" {
			t.Fatalf("m4a streams %+v", p.Streams)
		}
		if d := ffmpeg.Seconds(p.Stream("audio").Duration); math.Abs(d-dur) > 0.001 {
			t.Errorf("m4a lasts %.3f s, the MP4 %.3f s", d, dur)
		}
		if len(p.Chapters) != 2 {
			t.Errorf("m4a chapters %+v", p.Chapters)
		}
	})
	t.Run("white label", func(t *testing.T) {
		for _, name := range []string{"l1.mp4", "l1-vertical.mp4", "l1.webm", "l1.m4a"} {
			data, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"tecno", "x264", "lavf", "lavc", "libvpx", "libopus", "videolan"} {
				if bytes.Contains(bytes.ToLower(data), []byte(s)) {
					t.Errorf("%s contains %q", name, s)
				}
			}
		}
		if err := exec.Command("ffmpeg", "-v", "error", "-xerror", "-i", filepath.Join(out, "l1.webm"), "-f", "null", "-").Run(); err != nil {
			t.Errorf("the WebM no longer decodes once its muxing app is blanked: %v", err)
		}
	})
	// A second build with only the main size reuses everything.
	if ran := f.build("", "").Executed(); len(ran) != 0 {
		t.Errorf("no-op rebuild ran %v", ran)
	}
}
