package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/build"
	"github.com/tecno-video/tecno/internal/fault"
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
}

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
		r.enc.Encode(e)
		return
	}
	if r.quiet {
		return
	}
	switch e.Type {
	case progress.BuildStarted:
		r.scenes = e.Scenes
		r.stages = e.Scenes*4 + e.Lessons
		r.line(fmt.Sprintf("building %d lesson(s), %d scene(s)", e.Lessons, e.Scenes))
	case progress.StageDone:
		r.done++
		if e.Cached != nil && *e.Cached {
			r.hits++
		}
		if r.live {
			r.status(e)
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
		if err != nil {
			r.enc.Encode(errorEvent(err))
		}
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

// errorEvent describes err as an NDJSON error event.
func errorEvent(err error) progress.Event {
	e := progress.Event{Schema: progress.SchemaVersion, Type: progress.Error, Time: time.Now().UTC(),
		Message: err.Error(), Code: fault.KindOf(err).ExitCode()}
	var fe *fault.Error
	if errors.As(err, &fe) {
		e.File, e.Line, e.Col, e.Message = fe.File, fe.Line, fe.Col, fe.Msg
	}
	return e
}
