package build

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/ffmpeg"
	"github.com/tecno-video/tecno/internal/narrate"
	"github.com/tecno-video/tecno/internal/narrate/espeak"
)

func (f *fixture) statusOptions() Options {
	f.t.Helper()
	c, err := course.Load(filepath.Join(f.dir, "course.yaml"))
	if err != nil {
		f.t.Fatal(err)
	}
	store, err := cache.Open(f.cache)
	if err != nil {
		f.t.Fatal(err)
	}
	return Options{Course: c, Cache: store, FFmpeg: ffmpeg.New(), Providers: narrate.NewRegistry(espeak.New())}
}

func (f *fixture) status() map[string]SceneState {
	f.t.Helper()
	st, err := SceneStatus(context.Background(), f.statusOptions())
	if err != nil {
		f.t.Fatalf("SceneStatus: %v", err)
	}
	return st
}

// TestSceneStatus checks that the status agrees with what a build would
// redo: nothing cached at first, everything after a build, and after a
// narration edit only that scene's narration and audio are stale.
func TestSceneStatus(t *testing.T) {
	f := newFixture(t, threeScenes)
	ids := []string{"opening", "points", "snippet"}

	st := f.status()
	for _, id := range ids {
		s := st[id]
		if s.Scene != id || s.Lesson != "l1" {
			t.Errorf("%s: got scene %q lesson %q", id, s.Scene, s.Lesson)
		}
		if s.Narrate || s.Audio || s.Frame || s.Still || s.Cached() || s.Seconds != 0 || s.NarrationWAV != "" {
			t.Errorf("%s: before any build: %+v, want nothing cached", id, s)
		}
	}

	rep := f.build("", "")
	st = f.status()
	for _, id := range ids {
		s := st[id]
		if !s.Cached() {
			t.Errorf("%s: after build: %+v, want all cached", id, s)
		}
		var want float64
		for _, sr := range rep.Lessons[0].Scenes {
			if sr.ID == id {
				want = sr.Seconds
			}
		}
		if math.Abs(s.Seconds-want) > 0.001 {
			t.Errorf("%s: seconds %.3f, build report says %.3f", id, s.Seconds, want)
		}
		if s.Speech <= 0 || s.Speech >= s.Seconds {
			t.Errorf("%s: speech %.3f not within scene length %.3f", id, s.Speech, s.Seconds)
		}
		if _, err := os.Stat(s.NarrationWAV); err != nil {
			t.Errorf("%s: narration wav: %v", id, err)
		}
	}

	f.edit("And a line of code.", "And one line of code.")
	st = f.status()
	if s := st["snippet"]; s.Narrate || s.Audio || !s.Frame || !s.Still {
		t.Errorf("snippet after narration edit: %+v, want narrate and audio stale, frame and still cached", s)
	}
	for _, id := range ids[:2] {
		if !st[id].Cached() {
			t.Errorf("%s: untouched scene became stale: %+v", id, st[id])
		}
	}

	// The status agrees with the build: exactly the two stale stages rerun.
	rep = f.build("", "")
	misses := 0
	for _, sc := range rep.Lessons[0].Scenes {
		for _, stg := range sc.Stages {
			if !stg.Cached {
				misses++
				if sc.ID != "snippet" || (stg.Stage != StageNarrate && stg.Stage != StageAudio) {
					t.Errorf("build redid %s/%s, status said cached", sc.ID, stg.Stage)
				}
			}
		}
	}
	if misses != 2 {
		t.Errorf("build redid %d stages, want 2", misses)
	}
}

func TestSynthesizeScene(t *testing.T) {
	f := newFixture(t, threeScenes)
	opts := f.statusOptions()
	s, err := SynthesizeScene(context.Background(), opts, "points")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Narrate || !s.Audio || s.Frame || s.Still || s.Seconds <= 0 {
		t.Errorf("after SynthesizeScene: %+v, want narrate and audio only", s)
	}
	st := f.status()
	if !st["points"].Audio || st["opening"].Narrate || st["snippet"].Narrate {
		t.Errorf("other scenes touched or points missing: %+v", st)
	}
	if _, err := SynthesizeScene(context.Background(), opts, "nope"); err == nil {
		t.Error("unknown scene: no error")
	}
}

func TestSceneStatusProblem(t *testing.T) {
	f := newFixture(t, `course:
  title: T
lessons:
  - id: l1
    title: L
    scenes:
      - id: pic
        layout: image
        image: missing.png
        narration: A picture.
`)
	s := f.status()["pic"]
	if s.Problem == "" || s.Frame {
		t.Errorf("missing image: %+v, want a problem and no frame", s)
	}
}

func TestEstimateSeconds(t *testing.T) {
	tests := []struct {
		name  string
		scene course.Scene
		rate  float64
		want  float64
	}{
		{"150 words at rate 1", course.Scene{Narration: words(150)}, 1, defaultPauseBefore + 60 + defaultPauseAfter},
		{"rate 2 halves speech", course.Scene{Narration: words(150)}, 2, defaultPauseBefore + 30 + defaultPauseAfter},
		{"rate 0 means 1", course.Scene{Narration: words(75)}, 0, defaultPauseBefore + 30 + defaultPauseAfter},
		{"own pauses", course.Scene{Narration: words(15), PauseBefore: 1, PauseAfter: 2}, 1, 1 + 6 + 2},
		{"min duration wins", course.Scene{Narration: "Hi.", MinDuration: 10}, 1, 10},
		{"silent scene", course.Scene{}, 1, silentSceneLength},
		{"audio file unknown", course.Scene{NarrationAudio: "a.wav"}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EstimateSeconds(&tt.scene, tt.rate); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("got %.3f, want %.3f", got, tt.want)
			}
		})
	}
}

func words(n int) string {
	b := make([]byte, 0, n*5)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, "word"...)
	}
	return string(b)
}
