package build

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/progress"
)

// Background music is mixed once per lesson, over the whole lesson's audio:
// the music bed is one continuous stream (a loop seam or a ducking release
// never restarts at a scene boundary), and the result is one AAC encode of
// the lesson. The scenes of a lesson with music are not encoded one by
// one: their audio stage keeps only the layout, and the mix reads the
// narration itself (normalized and padded exactly as the audio stage
// would), so the lesson's sound is encoded once, as in a lesson without
// music, and never twice. The mix starts as soon as every scene's length
// is known and runs while the pictures are rendered and encoded.
//
// Per-scene mixing was the alternative: it would save nothing on a
// narration edit, since every later scene's slice of the music moves, and
// each scene's AAC priming frame would punch a 21 ms hole in the music at
// every scene boundary.

// voiceSpeechRMS is the RMS level (dBFS) of narration normalized to
// targetLUFS while a voice speaks, measured over espeak-ng and flite
// voices; the ducking threshold is set from it.
const voiceSpeechRMS = -21.0

// musicMeta is stored with a music analysis entry.
type musicMeta struct {
	LUFS float64 `json:"lufs"`
}

// lessonStage runs one cached lesson-level stage (music analysis, mix,
// extra joins) and records it in lr.Stages.
//
// The mix passes slot false: one long single-threaded ffmpeg per lesson,
// it runs beside the worker pool instead of holding one of its slots for
// most of the build.
func (b *builder) lessonStage(ctx context.Context, l *course.Lesson, lr *LessonReport, name, key string, slot bool, fill func(dir string) (any, error)) (*cache.Entry, error) {
	t0 := time.Now()
	e, err := b.opts.Cache.Get(key)
	if errors.Is(err, cache.ErrCorrupt) {
		b.warn(l.ID, "", fmt.Sprintf("%s: %v; rebuilding", name, err))
		e, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	cached := e != nil
	if !cached {
		release := func() {}
		if slot {
			if release, err = b.acquire(ctx); err != nil {
				return nil, err
			}
		}
		e, err = b.opts.Cache.Put(key, fill)
		release()
		if err != nil {
			return nil, err
		}
	}
	secs := round3(time.Since(t0).Seconds())
	b.reportMu.Lock()
	lr.Stages = append(lr.Stages, StageReport{Stage: name, Key: key[:16], Cached: cached, Seconds: secs})
	b.reportMu.Unlock()
	b.emit(progress.Event{Type: progress.StageDone, Lesson: l.ID, Stage: name, Cached: progress.Bool(cached), Seconds: secs})
	return e, nil
}

func (b *builder) musicError(l *course.Lesson, format string, args ...any) *fault.Error {
	e := fault.New(fault.Input, format, args...)
	e.File = b.c.Path
	for _, key := range []string{fmt.Sprintf("lessons.%d.music", b.lessonIndex(l)), "course.music"} {
		if p, ok := b.c.Positions[key]; ok {
			e.Line, e.Col = p.Line, p.Col
			break
		}
	}
	return e
}

// runMusic mixes the lesson's music under its narration. It returns the
// mix entry (lesson.aac), or nil when the lesson has no music.
func (b *builder) runMusic(ctx context.Context, l *course.Lesson, jobs []*sceneJob, lr *LessonReport) (*cache.Entry, error) {
	ms := l.MusicFor(b.c)
	if ms == nil {
		return nil, nil
	}
	path := b.c.Resolve(ms.File)
	f, err := cache.HashFile(path)
	if err != nil {
		return nil, b.musicError(l, "cannot read music %s: %v", ms.File, unwrapPath(err)).WithHint("music files are relative to the course file's folder")
	}
	akey := cache.Key("music", musicVersion, f.SHA256, b.ffver)
	analysis, err := b.lessonStage(ctx, l, lr, StageMusic, akey, true, func(dir string) (any, error) {
		out, err := b.opts.FFmpeg.Output(ctx, ffmpeg.LoudnessArgs(path), nil)
		if err != nil {
			return nil, b.musicError(l, "cannot read music %s: %v", ms.File, err)
		}
		lufs, ok := lastLoudness(string(out))
		if !ok {
			return nil, b.musicError(l, "music %s has no audio ffmpeg can measure", ms.File)
		}
		return musicMeta{LUFS: lufs}, nil
	})
	if err != nil {
		return nil, err
	}
	var mm musicMeta
	if err := analysis.DecodeMeta(&mm); err != nil {
		return nil, err
	}
	gain := 0.0
	if mm.LUFS > -70 {
		gain = targetLUFS + ms.Volume - mm.LUFS
	}
	samples := 0
	parts := []string{"mix", mixVersion, akey, jsonString(ms), jsonString(b.audio), b.ffver, strconv.FormatFloat(voiceSpeechRMS, 'f', 1, 64),
		strconv.FormatFloat(targetLUFS, 'f', 1, 64), strconv.FormatFloat(peakCeiling, 'f', 1, 64)}
	for _, j := range jobs {
		parts = append(parts, j.audio.Key)
		samples += j.timing.Samples
	}
	m := ffmpeg.Mix{Music: path, Loop: ms.Loop, GainDB: gain, Duck: ms.Duck, Attack: ms.Attack, Release: ms.Release,
		FadeIn: ms.FadeIn, FadeOut: ms.FadeOut, Samples: samples, VoiceRMS: voiceSpeechRMS}
	return b.lessonStage(ctx, l, lr, StageMix, cache.Key(parts...), false, func(dir string) (any, error) {
		return nil, b.mixTo(ctx, m, jobs, filepath.Join(dir, "lesson.aac"))
	})
}

// mixTo runs the mix with the lesson's voice on ffmpeg's stdin as 16-bit
// PCM. When every scene's narration has one sample rate (the usual case:
// one voice engine), the voice goes at that rate and the mix resamples it
// once; otherwise each scene is resampled to the output rate on its own.
// Scenes are prepared (decoded, normalized) two at a time, ahead of the
// mix, in order.
func (b *builder) mixTo(ctx context.Context, m ffmpeg.Mix, jobs []*sceneJob, out string) error {
	rate := 0
	for _, j := range jobs {
		r := b.audio.SampleRate
		if j.clip == "" {
			var nm narrationMeta
			if err := j.narr.DecodeMeta(&nm); err != nil {
				return err
			}
			if nm.Samples == 0 {
				continue // silence is silence at any rate
			}
			r = nm.Rate
		}
		if rate == 0 {
			rate = r
		} else if rate != r {
			rate = -1
		}
	}
	if rate <= 0 || rate == b.audio.SampleRate {
		rate = -1 // per scene, at the output rate
	}
	m.InputRate = b.audio.SampleRate
	if rate > 0 {
		m.InputRate = rate
	}
	// Scene i covers samples [start_i, start_i+n_i) of the input; at the
	// narration's own rate the boundaries are rounded from the exact
	// frame times, so no error builds up from scene to scene.
	fps := b.video.FPS
	counts := make([]int, len(jobs))
	frames := 0
	for i, j := range jobs {
		if rate > 0 {
			counts[i] = (frames+j.timing.Frames)*rate/fps - frames*rate/fps
		} else {
			counts[i] = j.timing.Samples
		}
		frames += j.timing.Frames
	}
	type prepared struct {
		pcm []byte
		err error
	}
	ready := make([]chan prepared, len(jobs))
	for i := range ready {
		ready[i] = make(chan prepared, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ahead := make(chan struct{}, 2)
	go func() {
		for i, j := range jobs {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				pcm, err := b.sceneVoice(ctx, j, rate)
				if err == nil {
					if want := 2 * counts[i]; len(pcm) >= want {
						pcm = pcm[:want]
					} else {
						pcm = append(pcm, make([]byte, want-len(pcm))...)
					}
				}
				ready[i] <- prepared{pcm, err}
			}()
		}
	}()
	pr, pw := io.Pipe()
	go func() {
		err := func() error {
			for i := range jobs {
				var p prepared
				select {
				case p = <-ready[i]:
				case <-ctx.Done():
					return ctx.Err()
				}
				<-ahead
				if p.err != nil {
					return p.err
				}
				if _, err := pw.Write(p.pcm); err != nil {
					return err
				}
			}
			return nil
		}()
		pw.CloseWithError(err)
	}()
	err := b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: ffmpeg.MixArgs(m, b.audio, out), Stdin: pr})
	pr.CloseWithError(io.ErrClosedPipe)
	return err
}

// sceneVoice returns a scene's sound as 16-bit PCM: at the narration's own
// rate when rate > 0, else resampled to the output rate. It is what the
// scene's audio segment would decode to (the first AACFrame samples,
// silence by construction, included); the caller trims or pads it to the
// scene's length.
func (b *builder) sceneVoice(ctx context.Context, j *sceneJob, rate int) ([]byte, error) {
	out := b.audio.SampleRate
	if j.clip != "" {
		if err := j.audio.Verify(); err != nil {
			return nil, err
		}
		return b.opts.FFmpeg.Output(ctx, ffmpeg.DecodeAudioArgs(j.audio.Path("scene.aac"), out), nil)
	}
	narr, err := readNarration(j)
	if err != nil {
		return nil, err
	}
	al := b.layoutAudio(j.scene, len(narr.Samples), narr.Rate)
	pcm, _ := scenePCM(narr, al.lead)
	raw := make([]byte, 2*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(v))
	}
	if rate > 0 || narr.Rate == out || len(pcm) == 0 {
		return raw, nil
	}
	return b.opts.FFmpeg.Output(ctx, ffmpeg.ResampleArgs(narr.Rate, out), bytes.NewReader(raw))
}

// lastLoudness finds the last integrated loudness ffmpeg's ebur128 filter
// printed.
func lastLoudness(out string) (float64, bool) {
	i := strings.LastIndex(out, "lavfi.r128.I=")
	if i < 0 {
		return 0, false
	}
	rest := out[i+len("lavfi.r128.I="):]
	if j := strings.IndexAny(rest, "\r\n"); j >= 0 {
		rest = rest[:j]
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	if math.IsInf(f, -1) {
		return -120, true
	}
	return f, true
}

// writeAudio copies files to w, in order.
func writeAudio(w io.Writer, files []string) error {
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		_, err = io.Copy(w, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
