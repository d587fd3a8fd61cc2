package build

import (
	"math"
	"reflect"
	"testing"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/narrate"
)

func bullets(texts ...string) []course.Bullet {
	out := make([]course.Bullet, len(texts))
	for i, t := range texts {
		out[i] = course.Bullet{Text: t}
	}
	return out
}

func TestRevealTimes(t *testing.T) {
	cues := []narrate.Timing{
		{Text: "Why build lessons this way?", Start: 0.5, End: 2},
		{Text: "You write the course once, in plain text.", Start: 2, End: 4},
		{Text: "After every edit, a rebuild takes seconds, because only changed scenes are redone.", Start: 4, End: 8},
		{Text: "And the default voice runs offline.", Start: 8, End: 10},
	}
	words := []narrate.Timing{
		{Text: "After", Start: 4, End: 4.3}, {Text: "every", Start: 4.3, End: 4.6}, {Text: "edit,", Start: 4.6, End: 5},
		{Text: "a", Start: 5, End: 5.1}, {Text: "rebuild", Start: 5.1, End: 5.6}, {Text: "takes", Start: 5.6, End: 6},
	}
	tests := []struct {
		name    string
		bullets []course.Bullet
		words   []narrate.Timing
		want    []float64
	}{
		{"matched by cue", bullets("Write once, in plain text", "Rebuild in seconds after every edit", "Offline voices by default"), nil, []float64{2, 4, 8}},
		// With word timings a bullet appears on its first matching word.
		{"refined by words", bullets("Write once, in plain text", "Rebuild in seconds", "Offline voices by default"), words, []float64{2, 5.1, 8}},
		// An unmatched bullet sits between its neighbours, on a cue start.
		{"unmatched spread", bullets("Write once, in plain text", "Something never said", "Offline voices by default"), nil, []float64{2, 4, 8}},
		// Nothing matches: spread over the speech, snapped to cue starts.
		{"none matched", bullets("alpha", "beta", "gamma"), nil, []float64{0.5, 4, 8}},
		// Order is kept: a bullet never appears before the one above it.
		{"monotone", bullets("Offline voices by default", "Write once, in plain text"), nil, []float64{8, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := revealTimes(tt.bullets, cues, tt.words, 0.5, 10)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > 1e-9 {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestTokensAndSameWord(t *testing.T) {
	if got := tokens("The cache, and 3 rebuilds!"); !reflect.DeepEqual(got, []string{"cache", "3", "rebuilds"}) {
		t.Errorf("tokens = %q", got)
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{{"cache", "cached", true}, {"render", "rendering", true}, {"rebuild", "rebuilds", true}, {"cat", "car", false}, {"transition", "transport", false}} {
		if got := sameWord(c.a, c.b); got != c.want {
			t.Errorf("sameWord(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestPictureStates(t *testing.T) {
	timing := sceneAudioMeta{Frames: 300, Offset: 0.5, Speech: 9, Cues: []narrate.Timing{
		{Text: "First the cache.", Start: 0.5, End: 3},
		{Text: "Then the transitions.", Start: 3.5, End: 6},
		{Text: "Finally the music.", Start: 6.5, End: 9.5},
	}}
	s := &course.Scene{Layout: "bullets", Bullets: bullets("The cache", "Transitions", "Music"), Reveal: course.RevealBullets}
	t.Run("reveal", func(t *testing.T) {
		states, runs := pictureStates(s, false, timing, 30)
		wantStates := []renderState{{Shown: 0}, {Shown: 1}, {Shown: 2}}
		wantRuns := []run{{0, 0}, {1, 15}, {2, 105}, {-1, 195}}
		if !reflect.DeepEqual(states, wantStates) || !reflect.DeepEqual(runs, wantRuns) {
			t.Errorf("states %+v runs %+v; want %+v %+v", states, runs, wantStates, wantRuns)
		}
	})
	t.Run("burn", func(t *testing.T) {
		plain := &course.Scene{Layout: "title"}
		states, runs := pictureStates(plain, true, timing, 30)
		if len(states) != 3 || states[0].Caption != "First the cache." || states[0].Shown != -1 {
			t.Fatalf("states %+v", states)
		}
		want := []run{{-1, 0}, {0, 15}, {-1, 90}, {1, 105}, {-1, 180}, {2, 195}, {-1, 285}}
		if !reflect.DeepEqual(runs, want) {
			t.Errorf("runs %+v, want %+v", runs, want)
		}
	})
	t.Run("both", func(t *testing.T) {
		states, runs := pictureStates(s, true, timing, 30)
		// Each caption with the bullets shown by then; the last caption
		// goes with every bullet.
		if len(states) != 6 {
			t.Errorf("%d states: %+v", len(states), states)
		}
		if runs[0].Start != 0 || runs[len(runs)-1].Pic != -1 {
			t.Errorf("runs %+v", runs)
		}
	})
	t.Run("plain", func(t *testing.T) {
		states, runs := pictureStates(&course.Scene{Layout: "title"}, false, timing, 30)
		if states != nil || !reflect.DeepEqual(runs, []run{{-1, 0}}) {
			t.Errorf("states %+v runs %+v", states, runs)
		}
	})
}
