package build

import (
	"context"
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
// never restarts at a scene boundary, and AAC frames never split a note),
// and the result is one AAC encode of the lesson, the same work the floor
// measures. Per-scene mixing was the alternative: it would save nothing on
// a narration edit, since every later scene's slice of the music moves, and
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
func (b *builder) lessonStage(ctx context.Context, l *course.Lesson, lr *LessonReport, name, key string, fill func(dir string) (any, error)) (*cache.Entry, error) {
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
		release, err := b.acquire(ctx)
		if err != nil {
			return nil, err
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
	analysis, err := b.lessonStage(ctx, l, lr, StageMusic, akey, func(dir string) (any, error) {
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
	parts := []string{"mix", mixVersion, akey, jsonString(ms), jsonString(b.audio), b.ffver, strconv.FormatFloat(voiceSpeechRMS, 'f', 1, 64)}
	for _, j := range jobs {
		parts = append(parts, j.audio.Key)
		samples += j.timing.Samples
	}
	m := ffmpeg.Mix{Music: path, Loop: ms.Loop, GainDB: gain, Duck: ms.Duck, Attack: ms.Attack, Release: ms.Release,
		FadeIn: ms.FadeIn, FadeOut: ms.FadeOut, Samples: samples, VoiceRMS: voiceSpeechRMS}
	return b.lessonStage(ctx, l, lr, StageMix, cache.Key(parts...), func(dir string) (any, error) {
		return nil, b.mixTo(ctx, m, jobs, filepath.Join(dir, "lesson.aac"))
	})
}

// mixTo runs the mix with the lesson's narration (the scene segments,
// concatenated) on ffmpeg's stdin.
func (b *builder) mixTo(ctx context.Context, m ffmpeg.Mix, jobs []*sceneJob, out string) error {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeAudio(pw, sceneAudioFiles(jobs)))
	}()
	err := b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: ffmpeg.MixArgs(m, b.audio, out), Stdin: pr})
	pr.CloseWithError(io.ErrClosedPipe)
	return err
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

// sceneAudioFiles lists the scenes' audio segments in order.
func sceneAudioFiles(jobs []*sceneJob) []string {
	files := make([]string, len(jobs))
	for i, j := range jobs {
		files[i] = j.audio.Path("scene.aac")
	}
	return files
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
