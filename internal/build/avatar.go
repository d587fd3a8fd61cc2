package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/avatar"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/h264"
	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/render"
	"github.com/tecno-video/tecno/internal/vp9"
)

// Avatar stages (per scene): the talking-head clip made from the scene's own
// narration, then, per size and codec, the scene encoded with the presenter
// picture-in-picture over its pictures. The composite replaces the scene's
// stills in the lesson video; it is encoded with the stills' settings, so
// it joins by stream copy like a transition.
const (
	StageAvatar    = "avatar"     // the talking-head clip (D-ID or local)
	StageAvatarPIP = "avatar-pip" // the scene with the presenter, encoded
)

const (
	talkVersion = "1"
	pipVersion  = "1"
)

// avatarState holds the avatar entries of a build's scenes.
type avatarState struct {
	mu    sync.Mutex
	talks map[*sceneJob]*cache.Entry
	pips  map[pipRef]*cache.Entry
}

type pipRef struct {
	j         *sceneJob
	vi, codec int
}

// talkMeta is stored with a talking-head clip.
type talkMeta struct {
	Provider string `json:"provider"`
}

// avatarOf returns the avatar of a scene, or nil: slides with narration
// only (not the intro and outro cards).
func (b *builder) avatarOf(j *sceneJob) *course.Avatar {
	if j.card != "" || j.clip != "" {
		return nil
	}
	s := j.scene
	if s.Narration == "" && s.NarrationAudio == "" {
		return nil
	}
	return s.AvatarFor(b.c)
}

func (b *builder) hasAvatar(j *sceneJob) bool { return b.avatarOf(j) != nil }

// presenters returns the avatar registry: the build's, else the local
// presenter alone.
func (b *builder) presenters() *avatar.Registry {
	if b.opts.Avatars != nil {
		return b.opts.Avatars
	}
	return avatar.NewRegistry(avatar.Local{FFmpeg: b.opts.FFmpeg})
}

// checkAvatars fails before any work when a scene asks for a presenter
// that does not exist or is not configured (a missing DID_API_KEY).
func (b *builder) checkAvatars(lessons []*course.Lesson) error {
	seen := map[string]bool{}
	for _, l := range lessons {
		for i, s := range l.Scenes {
			a := b.avatarOf(&sceneJob{lesson: l, scene: s, index: i})
			if a == nil || seen[a.Provider] {
				continue
			}
			seen[a.Provider] = true
			p, err := b.presenters().Get(a.Provider)
			if err != nil {
				return err
			}
			if cc, ok := p.(interface{ CheckCredentials() error }); ok {
				if err := cc.CheckCredentials(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// avatarImage returns a scene avatar's portrait (an absolute path or a
// URL) and what identifies its content for cache keys.
func (b *builder) avatarImage(j *sceneJob, a *course.Avatar) (string, string, error) {
	if a.Image == "" {
		return "", "", nil
	}
	if avatar.IsURL(a.Image) {
		return a.Image, "url:" + a.Image, nil
	}
	p := b.c.Resolve(a.Image)
	f, err := cache.HashFile(p)
	if err != nil {
		return "", "", b.sceneError(j, "avatar", "cannot read avatar image %s: %v", a.Image, unwrapPath(err))
	}
	return p, f.SHA256, nil
}

// placement returns where the presenter goes in size variant vi.
func (b *builder) placement(j *sceneJob, a *course.Avatar, vi int) (avatar.Placement, error) {
	v := b.sizes[vi].video
	p, err := avatar.Place(v.Width, v.Height, *a)
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) {
			e := b.sceneError(j, "avatar", "%s", fe.Msg)
			e.Hints = fe.Hints
			return p, e
		}
		return p, err
	}
	return p, nil
}

// runTalk makes the scene's talking-head clip once its narration exists:
// the presenter speaks the very audio the voice produced.
func (b *builder) runTalk(ctx context.Context, j *sceneJob) error {
	a := b.avatarOf(j)
	if a == nil {
		return nil
	}
	select {
	case <-j.narrDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	if j.narr == nil || j.audio == nil {
		return nil // the narration failed; that error is the one reported
	}
	var nm narrationMeta
	if err := j.narr.DecodeMeta(&nm); err != nil {
		return err
	}
	if nm.Samples == 0 {
		return nil // nothing is said: the scene keeps its stills
	}
	p, err := b.presenters().Get(a.Provider)
	if err != nil {
		return err
	}
	img, imgID, err := b.avatarImage(j, a)
	if err != nil {
		return err
	}
	parts := []string{"talk", talkVersion, p.Name(), p.Fingerprint(), j.narr.Files["narration.wav"].SHA256, imgID}
	req := avatar.Request{Audio: j.narr.Path("narration.wav"), Image: img, FPS: b.video.FPS}
	local := a.Provider == avatar.LocalName
	if local {
		// The local presenter draws at the main size; a service's clip
		// does not depend on it, so changing the size costs nothing there.
		pl, err := b.placement(j, a, 0)
		if err != nil {
			return err
		}
		req.Size = pl.Size
		parts = append(parts, strconv.Itoa(req.Size), strconv.Itoa(req.FPS), b.ffver)
	}
	e, err := b.avatarStage(ctx, j, StageAvatar, cache.Key(parts...), local, func(dir string) (any, error) {
		if err := j.narr.Verify(); err != nil {
			return nil, err
		}
		r := req
		r.Out = filepath.Join(dir, "talk.mp4")
		if err := p.Render(ctx, r); err != nil {
			return nil, withScene(err, j)
		}
		return talkMeta{Provider: p.Name()}, nil
	})
	if err != nil {
		return err
	}
	b.av.mu.Lock()
	if b.av.talks == nil {
		b.av.talks = map[*sceneJob]*cache.Entry{}
	}
	b.av.talks[j] = e
	b.av.mu.Unlock()
	return nil
}

// avatarStage is stage for the avatar: a service's clip waits on the
// network for minutes, so it does not hold a worker slot (the service
// client caps its own requests in flight); local work does.
func (b *builder) avatarStage(ctx context.Context, j *sceneJob, name, key string, slot bool, fill func(dir string) (any, error)) (*cache.Entry, error) {
	if slot {
		e, _, err := b.stage(ctx, j, name, key, fill)
		return e, err
	}
	t0 := time.Now()
	e, err := b.opts.Cache.Get(key)
	if errors.Is(err, cache.ErrCorrupt) {
		b.warn(j.lesson.ID, j.scene.ID, fmt.Sprintf("%s: %v; rebuilding", name, err))
		e, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	cached := e != nil
	if !cached {
		if e, err = b.opts.Cache.Put(key, fill); err != nil {
			return nil, err
		}
	}
	secs := round3(time.Since(t0).Seconds())
	b.reportMu.Lock()
	j.stages = append(j.stages, StageReport{Stage: name, Key: key[:16], Cached: cached, Seconds: secs})
	b.reportMu.Unlock()
	b.emit(progress.Event{Type: progress.StageDone, Lesson: j.lesson.ID, Scene: j.scene.ID,
		Stage: name, Cached: progress.Bool(cached), Seconds: secs})
	return e, nil
}

func (b *builder) talkOf(j *sceneJob) *cache.Entry {
	b.av.mu.Lock()
	defer b.av.mu.Unlock()
	return b.av.talks[j]
}

// runAvatars starts, through run, the composites of every scene with a
// presenter, per size variant and codec. It runs once every scene's
// pictures and timing are known.
func (b *builder) runAvatars(ctx context.Context, jobs []*sceneJob, run func(func() error)) {
	for _, j := range jobs {
		if b.talkOf(j) == nil {
			continue
		}
		for vi := range b.sizes {
			for _, c := range b.codecsFor(vi) {
				run(func() error { return b.runPIP(ctx, j, vi, c) })
			}
		}
	}
}

// runPIP encodes scene j at size variant vi with codec c, its presenter
// over its pictures.
func (b *builder) runPIP(ctx context.Context, j *sceneJob, vi, c int) error {
	talk := b.talkOf(j)
	a := b.avatarOf(j)
	if talk == nil || a == nil {
		return nil
	}
	v := b.sizes[vi].video
	vis := j.vis[vi]
	pl, err := b.placement(j, a, vi)
	if err != nil {
		return err
	}
	j.planStates(b)
	var pics []avatar.Picture
	parts := []string{"pip", pipVersion, talk.Key, jsonString(pl), a.Shape, strconv.FormatFloat(j.timing.Offset, 'f', 4, 64),
		strconv.Itoa(j.timing.Frames), jsonString(v), codecs[c], b.ffver}
	for k, r := range j.plan.runs {
		png, hash := vis.picturePNG(r.Pic)
		n := 0
		if k+1 < len(j.plan.runs) {
			n = j.plan.runs[k+1].Start - r.Start
		}
		pics = append(pics, avatar.Picture{PNG: png, Frames: n})
		parts = append(parts, hash, strconv.Itoa(n))
	}
	name := "clip" + encExt[c]
	ref, _ := vis.pictureFile(j.plan.runs[0].Pic, c)
	e, _, err := b.stage(ctx, j, b.stageName(StageAvatarPIP, vi, c), cache.Key(parts...), func(dir string) (any, error) {
		if err := talk.Verify(); err != nil {
			return nil, err
		}
		for _, p := range pics {
			if err := b.verify(p.PNG); err != nil {
				return nil, err
			}
		}
		comp := avatar.Composite{Background: pics, Clip: talk.Path("talk.mp4"), Place: pl, Offset: j.timing.Offset,
			Frames: j.timing.Frames, Video: v, Codec: codecs[c], Out: filepath.Join(dir, name)}
		if a.Shape != "rect" {
			comp.Mask = filepath.Join(b.opts.Cache.Dir(), "tmp", fmt.Sprintf("mask-%s-%d.png", filepath.Base(dir), pl.Size))
			if err := writeWith(comp.Mask, func(w io.Writer) error { return render.EncodePNG(w, avatar.Mask(pl.Size, a.Shape)) }); err != nil {
				return nil, err
			}
			defer os.Remove(comp.Mask)
		}
		return nil, b.encodePIP(ctx, comp, c, ref)
	})
	if err != nil {
		return withScene(err, j)
	}
	b.av.mu.Lock()
	if b.av.pips == nil {
		b.av.pips = map[pipRef]*cache.Entry{}
	}
	b.av.pips[pipRef{j, vi, c}] = e
	b.av.mu.Unlock()
	return nil
}

// encodePIP runs a composite and checks it splices into the lesson: the
// frame count, and for H.264 the parameter sets of the scene's own still
// (ref). x264's fast preset is tried first, then the stills' own, as for
// transitions.
func (b *builder) encodePIP(ctx context.Context, comp avatar.Composite, c int, ref string) error {
	if c == vp9Codec {
		if err := b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: avatar.CompositeArgs(comp)}); err != nil {
			return err
		}
		data, err := os.ReadFile(comp.Out)
		if err != nil {
			return err
		}
		clip, err := vp9.ParseClip(data)
		if err != nil {
			return err
		}
		if clip.Frames() != comp.Frames {
			return fmt.Errorf("avatar: %d frames encoded, %d wanted", clip.Frames(), comp.Frames)
		}
		return nil
	}
	refData, err := os.ReadFile(ref)
	if err != nil {
		return err
	}
	refStill, err := h264.ParseStill(refData)
	if err != nil {
		return err
	}
	for _, try := range []struct{ preset, params string }{{ffmpeg.FastClipPreset, ffmpeg.FastClipParams}, {"", ""}} {
		comp.Preset, comp.ExtraParams = try.preset, try.params
		if err := b.opts.FFmpeg.Run(ctx, ffmpeg.Cmd{Args: avatar.CompositeArgs(comp)}); err != nil {
			return err
		}
		data, err := os.ReadFile(comp.Out)
		if err != nil {
			return err
		}
		clip, err := h264.ParseClip(data)
		if err != nil {
			return err
		}
		if clip.Frames() != comp.Frames {
			return fmt.Errorf("avatar: %d frames encoded, %d wanted", clip.Frames(), comp.Frames)
		}
		if clip.Compatible(refStill) {
			return nil
		}
	}
	return fmt.Errorf("avatar: x264 gives the presenter's frames other parameter sets than the stills")
}

// pipPiece returns scene j's video at size vi and codec c when it has a
// presenter: one clip for the whole scene.
func (b *builder) pipPiece(j *sceneJob, vi, c int) (videoPiece, bool) {
	b.av.mu.Lock()
	e := b.av.pips[pipRef{j, vi, c}]
	b.av.mu.Unlock()
	if e == nil {
		return videoPiece{}, false
	}
	name := "clip" + encExt[c]
	return videoPiece{file: e.Path(name), ID: e.Key + "/" + name, Frames: j.timing.Frames, Clip: true}, true
}

// SpeechSeconds returns how long each scene's narration lasts, for
// estimates (tecno script --dry-run): measured from the narration already
// in the cache when there is one, otherwise estimated from the words at
// the voice's rate (see avatar.SpeechSeconds). Nothing is synthesized.
func SpeechSeconds(ctx context.Context, opts Options) (avatar.SpeechFunc, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
	}
	return func(l *course.Lesson, s *course.Scene) (float64, bool) {
		j := &sceneJob{lesson: l, scene: s}
		if key, _, _, err := b.narrateKey(ctx, j); err == nil {
			if e, err := b.opts.Cache.Get(key); err == nil && e != nil {
				var nm narrationMeta
				if e.DecodeMeta(&nm) == nil && nm.Rate > 0 {
					return float64(nm.Samples) / float64(nm.Rate), true
				}
			}
		}
		return avatar.SpeechSeconds(s.Words(), b.voiceFor(j).Rate), false
	}, nil
}
