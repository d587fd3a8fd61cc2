package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/progress"
)

// reporter shows build progress: NDJSON events on stdout with --json, plain
// timestamped lines on stderr otherwise (a live line on a terminal), and
// nothing but errors with --quiet.
type reporter struct {
	mu     sync.Mutex
	env    *Env
	json   bool
	quiet  bool
	live   bool
	enc    *json.Encoder
	scenes int
	stages int
	done   int
	hits   int
	start  time.Time
	width  int
	// summary is the build's summary event, printed last by Done (--json).
	summary *progress.Event
	// sceneStages counts finished stages per scene, to log a line when a
	// scene is ready.
	sceneStages map[string]int
	sceneCached map[string]int
}

// stagesPerScene is the number of cached stages each scene goes through.
const stagesPerScene = 4

func newReporter(env *Env, jsonOut, quiet bool) *reporter {
	r := &reporter{env: env, json: jsonOut, quiet: quiet, start: time.Now()}
	if jsonOut {
		r.enc = json.NewEncoder(env.Out)
	}
	r.live = !jsonOut && !quiet && env.ErrIsTerminal
	return r
}

func (r *reporter) Report(e progress.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.json {
		if e.Type == progress.Summary {
			// Held back so that it comes last, after any error (Done).
			r.summary = &e
			return
		}
		r.enc.Encode(e)
		return
	}
	if r.quiet {
		return
	}
	switch e.Type {
	case progress.BuildStarted:
		r.scenes = e.Scenes
		r.stages = e.Scenes*stagesPerScene + e.Lessons
		r.line(fmt.Sprintf("building %d lesson(s), %d scene(s)", e.Lessons, e.Scenes))
	case progress.StageDone:
		r.done++
		cached := e.Cached != nil && *e.Cached
		if cached {
			r.hits++
		}
		if r.live {
			r.status(e)
		}
		if e.Scene != "" {
			if r.sceneStages == nil {
				r.sceneStages, r.sceneCached = map[string]int{}, map[string]int{}
			}
			k := e.Lesson + "/" + e.Scene
			r.sceneStages[k]++
			if cached {
				r.sceneCached[k]++
			}
			if r.sceneStages[k] == stagesPerScene && !r.live {
				r.line(fmt.Sprintf("scene %s ready (%d/%d stages cached)", k, r.sceneCached[k], stagesPerScene))
			}
		}
	case progress.Warning:
		r.clear()
		fmt.Fprintf(r.env.Err, "tecno: warning: %s\n", e.Message)
	case progress.LessonDone:
		r.line(fmt.Sprintf("lesson %s: %s (%.1f s of video)", e.Lesson, e.Outputs["mp4"], e.Duration))
	}
}

func (r *reporter) status(e progress.Event) {
	pct := 0
	if r.stages > 0 {
		pct = r.done * 100 / r.stages
	}
	const barW = 24
	fill := pct * barW / 100
	bar := ""
	for i := 0; i < barW; i++ {
		if i < fill {
			bar += "█"
		} else {
			bar += "░"
		}
	}
	eta := ""
	if el := time.Since(r.start); r.done > 0 && r.done < r.stages {
		left := time.Duration(float64(el) / float64(r.done) * float64(r.stages-r.done))
		eta = fmt.Sprintf(" ETA %s", left.Round(time.Second))
	}
	s := fmt.Sprintf("\r%s %3d%%  %d/%d stages  %d cached  %s %s%s", bar, pct, r.done, r.stages, r.hits, e.Scene, e.Stage, eta)
	pad := r.width - len([]rune(s))
	r.width = len([]rune(s))
	for ; pad > 0; pad-- {
		s += " "
	}
	io.WriteString(r.env.Err, s)
}

func (r *reporter) clear() {
	if r.live && r.width > 0 {
		fmt.Fprintf(r.env.Err, "\r%*s\r", r.width, "")
		r.width = 0
	}
}

// line prints a timestamped log line (a plain line on a terminal).
func (r *reporter) line(s string) {
	r.clear()
	if r.live {
		fmt.Fprintf(r.env.Err, "%s\n", s)
		return
	}
	fmt.Fprintf(r.env.Err, "%s %s\n", time.Now().Format("15:04:05"), s)
}

// Done reports the end of a build.
func (r *reporter) Done(rep *build.Report, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.json {
		var errs []progress.Event
		if err != nil {
			errs = problemEvents(progress.Error, err)
			for _, e := range errs {
				r.enc.Encode(e)
			}
		}
		// Exactly one summary, last: the build's, or one saying it
		// failed before it started.
		sum := r.summary
		if sum == nil {
			sum = &progress.Event{Schema: progress.SchemaVersion, Type: progress.Summary, Time: time.Now().UTC()}
		}
		sum.OK = progress.Bool(err == nil)
		sum.Errors = len(errs)
		r.enc.Encode(sum)
		return
	}
	r.clear()
	if r.quiet || rep == nil || err != nil {
		return
	}
	msg := fmt.Sprintf("done: %.1f s of video in %.2f s (%.0f× realtime), %d of %d stages cached",
		rep.VideoSeconds, rep.WallSeconds, rep.RealtimeFactor, rep.CacheHits, rep.CacheHits+rep.CacheMisses)
	if r.live {
		fmt.Fprintln(r.env.Err, msg)
	} else {
		fmt.Fprintf(r.env.Err, "%s %s\n", time.Now().Format("15:04:05"), msg)
	}
}
