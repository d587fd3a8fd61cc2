package build

import (
	"math"
	"time"
)

// ReportSchema versions out/build-report.json.
const ReportSchema = 1

// Report is the machine-readable account of a build (out/build-report.json).
type Report struct {
	Schema         int       `json:"schema"`
	Course         string    `json:"course"`
	Started        time.Time `json:"started"`
	WallSeconds    float64   `json:"wall_seconds"`
	VideoSeconds   float64   `json:"video_seconds"`
	RealtimeFactor float64   `json:"realtime_factor"`
	CacheHits      int       `json:"cache_hits"`
	CacheMisses    int       `json:"cache_misses"`
	// Peak resident memory of tecno itself, in KiB (Unix).
	PeakRSSKiB int64          `json:"peak_rss_kib,omitempty"`
	Lessons    []LessonReport `json:"lessons"`
	// Stages and Outputs of the whole course: its video and index.html.
	Stages   []StageReport     `json:"stages,omitempty"`
	Outputs  map[string]string `json:"outputs,omitempty"`
	Warnings []string          `json:"warnings,omitempty"`
}

// LessonReport covers one lesson.
type LessonReport struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Duration    float64           `json:"duration"`
	Chapters    int               `json:"chapters"`
	Cues        int               `json:"cues"`
	Outputs     map[string]string `json:"outputs,omitempty"`
	WallSeconds float64           `json:"wall_seconds"`
	Join        StageReport       `json:"join"`
	// Stages are the lesson's other stages: music analysis and mix, and
	// the joins of other sizes and formats.
	Stages []StageReport `json:"stages,omitempty"`
	Scenes []SceneReport `json:"scenes"`
}

// SceneReport covers one scene's stages.
type SceneReport struct {
	ID      string        `json:"id"`
	Frames  int           `json:"frames"`
	Seconds float64       `json:"seconds"`
	Stages  []StageReport `json:"stages"`
}

// StageReport is one stage's outcome.
type StageReport struct {
	Stage   string  `json:"stage"`
	Key     string  `json:"key"`
	Cached  bool    `json:"cached"`
	Seconds float64 `json:"seconds"`
}

// Ran reports whether the stage did work (was not a cache hit).
func (s StageReport) Ran() bool { return s.Stage != "" && !s.Cached }

func (r *Report) finish(wall time.Duration) {
	r.WallSeconds = round3(wall.Seconds())
	r.CacheHits, r.CacheMisses, r.VideoSeconds = 0, 0, 0
	count := func(s StageReport) {
		if s.Stage == "" {
			return
		}
		if s.Cached {
			r.CacheHits++
		} else {
			r.CacheMisses++
		}
	}
	for _, l := range r.Lessons {
		r.VideoSeconds += l.Duration
		count(l.Join)
		for _, st := range l.Stages {
			count(st)
		}
		for _, s := range l.Scenes {
			for _, st := range s.Stages {
				count(st)
			}
		}
	}
	for _, st := range r.Stages {
		count(st)
	}
	r.VideoSeconds = round3(r.VideoSeconds)
	r.PeakRSSKiB = peakRSS()
	if r.WallSeconds > 0 {
		r.RealtimeFactor = math.Round(r.VideoSeconds/r.WallSeconds*10) / 10
	}
}

// Executed lists "lesson/scene/stage" for every stage that did work, in
// report order; tests use it to prove what a rebuild redid.
func (r *Report) Executed() []string {
	var out []string
	for _, l := range r.Lessons {
		for _, s := range l.Scenes {
			for _, st := range s.Stages {
				if st.Ran() {
					out = append(out, l.ID+"/"+s.ID+"/"+st.Stage)
				}
			}
		}
		for _, st := range l.Stages {
			if st.Ran() {
				out = append(out, l.ID+"/"+st.Stage)
			}
		}
		if l.Join.Ran() {
			out = append(out, l.ID+"/join")
		}
	}
	for _, st := range r.Stages {
		if st.Ran() {
			out = append(out, st.Stage)
		}
	}
	return out
}
