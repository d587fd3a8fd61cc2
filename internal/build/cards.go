package build

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/h264"
	"github.com/tecno-video/tecno/internal/vp9"
)

// Intro and outro. A generated card is a synthetic title scene (the lesson
// title under the course title, the author or a call to action below),
// rendered, narrated and cached like any scene. A video file is transcoded
// once per size to the lesson's frame rate and x264 settings, so that it
// splices in by stream copy, and its sound becomes an audio segment
// aligned exactly like a scene's.

// Synthetic scene ids (a course's own ids cannot start with "_").
const (
	introID = "_intro"
	outroID = "_outro"
)

// cardJobs returns the lesson's intro and outro jobs, or nil.
func (b *builder) cardJobs(l *course.Lesson) (intro, outro *sceneJob) {
	if c := l.IntroFor(b.c); c != nil {
		intro = b.cardJob(l, c, introID)
	}
	if c := l.OutroFor(b.c); c != nil {
		outro = b.cardJob(l, c, outroID)
	}
	return intro, outro
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func (b *builder) cardJob(l *course.Lesson, card *course.Card, id string) *sceneJob {
	s := &course.Scene{ID: id, Layout: "title", Status: course.StatusApproved}
	if id == introID {
		s.Title = firstOf(card.Title, l.Title, b.c.Title)
	} else {
		s.Title = firstOf(card.Title, b.c.Title, l.Title)
	}
	s.Subtitle = firstOf(card.Text, b.c.Author)
	j := &sceneJob{lesson: l, scene: s, index: -1, card: id}
	if card.File != "" {
		j.clip = b.c.Resolve(card.File)
		return j
	}
	s.Narration = card.Narration
	s.MinDuration = card.Duration
	if s.MinDuration == 0 {
		s.MinDuration = course.DefaultCardDuration
	}
	return j
}

func (b *builder) clipError(j *sceneJob, format string, args ...any) *fault.Error {
	which := "intro"
	if j.card == outroID {
		which = "outro"
	}
	e := fault.New(fault.Input, which+": "+format, args...)
	e.File = b.c.Path
	for _, key := range []string{fmt.Sprintf("lessons.%d.%s", b.lessonIndex(j.lesson), which), "course." + which} {
		if p, ok := b.c.Positions[key]; ok {
			e.Line, e.Col = p.Line, p.Col
			break
		}
	}
	return e
}

func (b *builder) lessonIndex(l *course.Lesson) int {
	for i, x := range b.c.Lessons {
		if x == l {
			return i
		}
	}
	return -1
}

func (b *builder) clipHash(j *sceneJob) (string, error) {
	f, err := cache.HashFile(j.clip)
	if err != nil {
		return "", b.clipError(j, "cannot read video %s: %v", j.clip, unwrapPath(err))
	}
	return f.SHA256, nil
}

// runClipAudio makes a video card's audio segment, and with it the card's
// length: the video's, rounded up to whole quanta.
func (b *builder) runClipAudio(ctx context.Context, j *sceneJob) error {
	hash, err := b.clipHash(j)
	if err != nil {
		return err
	}
	fps, rate := b.video.FPS, b.audio.SampleRate
	q := quantum(fps, rate)
	if q == 0 {
		return fault.New(fault.Input, "output.fps %d cannot be aligned with %d Hz audio", fps, rate).WithHint("use 24, 25, 30, 50 or 60 fps")
	}
	key := cache.Key("clip-audio", clipVersion, hash, strconv.Itoa(fps), jsonString(b.audio), b.ffver)
	j.audio, _, err = b.stage(ctx, j, StageAudio, key, func(dir string) (any, error) {
		p, err := b.opts.FFmpeg.ProbeFile(ctx, j.clip)
		if err != nil {
			return nil, b.clipError(j, "%s is not a video ffmpeg can read", j.clip)
		}
		vs := p.Stream("video")
		if vs == nil {
			return nil, b.clipError(j, "%s has no video stream", j.clip)
		}
		secs := ffmpeg.Seconds(vs.Duration)
		if secs <= 0 {
			secs = ffmpeg.Seconds(p.Format.Duration)
		}
		if secs <= 0 || secs > 600 {
			return nil, b.clipError(j, "%s lasts %.1f s; an intro or outro video must last between 0 and 10 minutes", j.clip, secs)
		}
		frames := int(math.Ceil(secs*float64(fps) - 1e-6))
		frames = (frames + q - 1) / q * q
		samples := frames * rate / fps
		out := filepath.Join(dir, "scene.aac")
		if err := b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: ffmpeg.ClipAudioArgs(j.clip, p.Stream("audio") != nil, samples, b.audio, out)}); err != nil {
			return nil, err
		}
		return sceneAudioMeta{Frames: frames, Samples: samples}, nil
	})
	if err != nil {
		return err
	}
	return j.audio.DecodeMeta(&j.timing)
}

// runClipVideo transcodes a video card for size variant vi.
func (b *builder) runClipVideo(ctx context.Context, j *sceneJob, vi int) error {
	select {
	case <-j.narrDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	if j.audio == nil {
		return nil // its error is reported by the audio stage
	}
	hash, err := b.clipHash(j)
	if err != nil {
		return err
	}
	v := b.sizes[vi].video
	frames := j.timing.Frames
	vis := j.vis[vi]
	for _, c := range b.codecsFor(vi) {
		c := c
		key := cache.Key("clip", clipVersion, hash, strconv.Itoa(frames), jsonString(v), codecs[c], b.ffver)
		vis.enc[c].still, _, err = b.stage(ctx, j, b.stageName(StageClip, vi, c), key, func(dir string) (any, error) {
			out, err := b.opts.FFmpeg.Output(ctx, ffmpeg.ClipVideoArgs(j.clip, frames, codecs[c], v), nil)
			if err != nil {
				return nil, err
			}
			n := 0
			if c == vp9Codec {
				clip, err := vp9.ParseClip(out)
				if err != nil {
					return nil, err
				}
				n = clip.Frames()
			} else {
				clip, err := h264.ParseClip(out)
				if err != nil {
					return nil, err
				}
				n = clip.Frames()
			}
			if n != frames {
				return nil, fmt.Errorf("%s: %d frames transcoded, %d wanted", j.clip, n, frames)
			}
			return nil, os.WriteFile(filepath.Join(dir, "clip"+encExt[c]), out, 0o644)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
