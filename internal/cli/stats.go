package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/cache"
	"github.com/tecno-video/tecno/internal/course"
)

type statsOptions struct {
	env      *Env
	course   string
	cacheDir string
	noCache  bool
	json     bool
}

func (o *statsOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.cacheDir, "cache-dir", "", "cache folder (default: $TECNO_CACHE_DIR, else .tecno/cache beside the course)")
	fs.BoolVar(&o.noCache, "no-cache", false, "estimate every length from the word count; do not look in the cache")
	fs.BoolVar(&o.json, "json", false, `print JSON: {"course", "lessons": [row...], "total": row}, each row {"id", "title", "scenes", "words", "seconds", "speech_seconds", "estimated", "wpm", "approved", "changes_requested", "draft"}`)
}

func newStatsCmd(env *Env) *cobra.Command {
	o := &statsOptions{env: env}
	cmd := &cobra.Command{
		Use:   "stats COURSE.yaml",
		Short: "Print scenes, words, length, speaking pace and review progress per lesson",
		Long: `Stats prints, for each lesson and in total: the number of scenes, the words of
narration, the video length, the speaking pace in words per minute, and how
many scenes are approved.

Lengths come from the build cache where a scene's audio is there; otherwise
they are estimated from the word count at 150 words per minute (scaled by the
voice rate) plus the scene's pauses, and marked with "~".`,
		Example: `  tecno stats course.yaml
  tecno stats course.yaml --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.course = args[0]
			return runStats(cmd.Context(), o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// statsRow is one line of stats; its JSON names are stable.
type statsRow struct {
	ID               string  `json:"id,omitempty"`
	Title            string  `json:"title,omitempty"`
	Scenes           int     `json:"scenes"`
	Words            int     `json:"words"`
	Seconds          float64 `json:"seconds"`
	SpeechSeconds    float64 `json:"speech_seconds"`
	Estimated        bool    `json:"estimated"` // some lengths are estimates
	WPM              float64 `json:"wpm"`
	Approved         int     `json:"approved"`
	ChangesRequested int     `json:"changes_requested"`
	Draft            int     `json:"draft"`
}

func (r *statsRow) add(o statsRow) {
	r.Scenes += o.Scenes
	r.Words += o.Words
	r.Seconds += o.Seconds
	r.SpeechSeconds += o.SpeechSeconds
	r.Estimated = r.Estimated || o.Estimated
	r.Approved += o.Approved
	r.ChangesRequested += o.ChangesRequested
	r.Draft += o.Draft
}

func (r *statsRow) finish() {
	r.Seconds = round1(r.Seconds)
	r.SpeechSeconds = round1(r.SpeechSeconds)
	if r.SpeechSeconds > 0 {
		r.WPM = math.Round(float64(r.Words) / r.SpeechSeconds * 60)
	}
}

func runStats(ctx context.Context, o *statsOptions) error {
	c, err := course.Load(o.course)
	if err != nil {
		return err
	}
	states := map[string]build.SceneState{}
	if !o.noCache {
		states, err = cacheStates(ctx, o.env, c, o.cacheDir)
		if err != nil {
			fmt.Fprintf(o.env.Err, "tecno: warning: lengths are estimates: cannot read the cache state: %v\n", firstLineOf(err))
		}
	}
	var rows []statsRow
	var total statsRow
	for _, l := range c.Lessons {
		r := statsRow{ID: l.ID, Title: l.Title}
		for _, s := range l.Scenes {
			r.add(sceneStats(c, l, s, states[s.ID]))
		}
		r.finish()
		rows = append(rows, r)
		total.add(r)
	}
	total.finish()
	if o.json {
		if rows == nil {
			rows = []statsRow{}
		}
		return writeJSON(o.env.Out, struct {
			Course  string     `json:"course"`
			Lessons []statsRow `json:"lessons"`
			Total   statsRow   `json:"total"`
		}{o.course, rows, total})
	}
	type cells struct{ name, scenes, words, length, wpm, approved string }
	table := []cells{{"LESSON", "SCENES", "WORDS", "LENGTH", "WPM", "APPROVED"}}
	line := func(name string, r statsRow) {
		length := clock(r.Seconds)
		if r.Estimated {
			length = "~" + length
		}
		wpm := "-"
		if r.WPM > 0 {
			wpm = fmt.Sprintf("%.0f", r.WPM)
		}
		pct := 0
		if r.Scenes > 0 {
			pct = r.Approved * 100 / r.Scenes
		}
		table = append(table, cells{name, fmt.Sprint(r.Scenes), fmt.Sprint(r.Words), length, wpm,
			fmt.Sprintf("%d/%d %3d%%", r.Approved, r.Scenes, pct)})
	}
	for _, r := range rows {
		line(r.ID, r)
	}
	if len(rows) > 1 {
		line("total", total)
	}
	var w [6]int
	for _, t := range table {
		for i, v := range []string{t.name, t.scenes, t.words, t.length, t.wpm, t.approved} {
			w[i] = max(w[i], utf8.RuneCountInString(v))
		}
	}
	for _, t := range table {
		fmt.Fprintf(o.env.Out, "%-*s  %*s  %*s  %*s  %*s  %*s\n", w[0], t.name, w[1], t.scenes, w[2], t.words,
			w[3], t.length, w[4], t.wpm, w[5], t.approved)
	}
	if total.Estimated {
		fmt.Fprintf(o.env.Out, "~ estimated at %d words per minute; build to measure\n", build.WordsPerMinute)
	}
	return nil
}

// sceneStats is one scene's contribution: measured lengths when its audio
// is cached, estimates otherwise.
func sceneStats(c *course.Course, l *course.Lesson, s *course.Scene, st build.SceneState) statsRow {
	r := statsRow{Scenes: 1, Words: s.Words()}
	switch s.Status {
	case course.StatusApproved:
		r.Approved = 1
	case course.StatusChangesRequested:
		r.ChangesRequested = 1
	default:
		r.Draft = 1
	}
	if st.Audio && st.Seconds > 0 {
		r.Seconds, r.SpeechSeconds = st.Seconds, st.Speech
		return r
	}
	rate := s.VoiceFor(l, c).Rate
	if rate <= 0 {
		rate = 1
	}
	r.Seconds = build.EstimateSeconds(s, rate)
	r.SpeechSeconds = float64(r.Words) / (build.WordsPerMinute * rate) * 60
	r.Estimated = r.Words > 0 || s.NarrationAudio != ""
	return r
}

// cacheStates asks the build cache what it holds for each scene.
func cacheStates(ctx context.Context, env *Env, c *course.Course, cacheFlag string) (map[string]build.SceneState, error) {
	dir := cacheDirFor(cacheFlag, env, c.Dir)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return map[string]build.SceneState{}, nil // nothing built yet: all estimates
	}
	store, err := cache.Open(dir)
	if err != nil {
		return map[string]build.SceneState{}, err
	}
	states, err := statusFunc(env, store, newRegistry(env))(ctx, c)
	if err != nil {
		return map[string]build.SceneState{}, err
	}
	return states, nil
}

func firstLineOf(err error) string {
	return oneLine(err.Error(), 200)
}
