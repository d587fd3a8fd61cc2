package build

import (
	"context"
	"fmt"
	"math"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
)

// WordsPerMinute is the speaking pace assumed by EstimateSeconds at voice
// rate 1.0.
const WordsPerMinute = 150

// SceneState is what the cache holds for one scene, found by computing the
// scene's stage keys without running any stage.
type SceneState struct {
	Lesson string `json:"lesson"`
	Scene  string `json:"scene"`

	// Which stage outputs are in the cache.
	Narrate bool `json:"narrate"`
	Audio   bool `json:"audio"`
	Frame   bool `json:"frame"`
	Still   bool `json:"still"`

	// Seconds is the scene's length in the video and Speech the length of
	// its narration, both from the cached audio; 0 when it is not cached.
	Seconds float64 `json:"seconds,omitempty"`
	Speech  float64 `json:"speech,omitempty"`

	// NarrationWAV is the cached narration audio (a WAV file), "" when it
	// is not cached.
	NarrationWAV string `json:"narration_wav,omitempty"`

	// Problem says why some keys could not be computed (an unknown
	// provider, a missing image, a broken template); those stages count as
	// not cached.
	Problem string `json:"problem,omitempty"`
}

// Cached reports whether every stage of the scene is cached, so that
// building it again costs nothing.
func (s SceneState) Cached() bool { return s.Narrate && s.Audio && s.Frame && s.Still }

// SceneStatus reports, for every scene of the selected lessons (keyed by
// scene id), which stage outputs are already in the cache. It runs no
// stage: it only hashes inputs and looks keys up, asking ffmpeg and the
// voice engines for their versions as a build would. It needs
// opts.Course, opts.Cache, opts.FFmpeg and opts.Providers.
func SceneStatus(ctx context.Context, opts Options) (map[string]SceneState, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return nil, err
	}
	lessons, err := b.lessons()
	if err != nil {
		return nil, err
	}
	if b.ffver, err = b.opts.FFmpeg.Version(ctx); err != nil {
		return nil, err
	}
	out := map[string]SceneState{}
	for _, l := range lessons {
		for i, s := range l.Scenes {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out[s.ID] = b.sceneState(ctx, &sceneJob{lesson: l, scene: s, index: i})
		}
	}
	return out, nil
}

// SynthesizeScene runs the narrate and audio stages of one scene (a cache
// hit when nothing changed) and returns the scene's state afterwards. The
// frame stages are not run.
func SynthesizeScene(ctx context.Context, opts Options, sceneID string) (SceneState, error) {
	b, err := newBuilder(opts)
	if err != nil {
		return SceneState{}, err
	}
	l, s := b.c.FindScene(sceneID)
	if s == nil {
		return SceneState{}, fmt.Errorf("build: no scene %q", sceneID)
	}
	if err := b.opts.FFmpeg.LookPath(); err != nil {
		return SceneState{}, err
	}
	if b.ffver, err = b.opts.FFmpeg.Version(ctx); err != nil {
		return SceneState{}, err
	}
	b.report = &Report{Schema: ReportSchema, Course: b.c.Path}
	j := &sceneJob{lesson: l, scene: s}
	for i, sc := range l.Scenes {
		if sc == s {
			j.index = i
		}
	}
	if err := b.runNarration(ctx, j); err != nil {
		return SceneState{}, err
	}
	return b.sceneState(ctx, j), nil
}

// sceneState computes a scene's stage keys and looks them up. A stage whose
// key depends on an output that is not cached (audio on narration, still on
// frame) counts as not cached.
func (b *builder) sceneState(ctx context.Context, j *sceneJob) SceneState {
	st := SceneState{Lesson: j.lesson.ID, Scene: j.scene.ID}
	problem := func(err error) {
		if st.Problem == "" {
			st.Problem = err.Error()
		}
	}
	if nkey, _, _, err := b.narrateKey(ctx, j); err != nil {
		problem(err)
	} else if ne := b.lookup(nkey); ne != nil {
		st.Narrate, st.NarrationWAV = true, ne.Path("narration.wav")
		if ae := b.lookup(b.sceneAudioKey(j, nkey)); ae != nil {
			var m sceneAudioMeta
			if err := ae.DecodeMeta(&m); err == nil && b.video.FPS > 0 {
				st.Audio = true
				st.Seconds = round3(float64(m.Frames) / float64(b.video.FPS))
				st.Speech = round3(m.Speech)
			}
		}
	}
	tmpl, err := b.tmpls.get(j.scene.TemplateFor(j.lesson, b.c))
	if err != nil {
		problem(err)
		return st
	}
	fkey, _, err := b.frameKey(j, tmpl)
	if err != nil {
		problem(err)
		return st
	}
	if fe := b.lookup(fkey); fe != nil {
		st.Frame = true
		st.Still = b.lookup(b.stillKey(fe)) != nil
	}
	return st
}

// lookup returns the cache entry for key, or nil when it is missing or
// fails verification (a build would redo it).
func (b *builder) lookup(key string) *cache.Entry {
	e, err := b.opts.Cache.Get(key)
	if err != nil {
		return nil
	}
	return e
}

// EstimateSeconds estimates a scene's length in the video from its word
// count, at WordsPerMinute scaled by the voice rate (1.0 when rate ≤ 0),
// plus the scene's pauses and at least its min_duration. A scene without
// narration lasts as a build makes it. A scene narrated by an audio file
// cannot be estimated from words: it returns 0. Use it when no cached
// audio says better (see SceneStatus).
func EstimateSeconds(s *course.Scene, rate float64) float64 {
	if rate <= 0 {
		rate = 1
	}
	if s.NarrationAudio != "" {
		return 0
	}
	words := s.Words()
	if words == 0 {
		return math.Max(silentSceneLength, s.MinDuration)
	}
	pb, pa := scenePauses(s)
	speech := float64(words) / (WordsPerMinute * rate) * 60
	return math.Max(pb+speech+pa, s.MinDuration)
}
