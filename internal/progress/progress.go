// Package progress carries build events from the core to whatever shows
// them: a live terminal display, plain log lines, or NDJSON for machines.
// The event schema is documented in docs/events.md; bump SchemaVersion on
// any incompatible change.
package progress

import (
	"sync"
	"time"
)

// SchemaVersion is the version of the event schema (docs/events.md).
const SchemaVersion = 1

// Event types.
const (
	BuildStarted = "build_started"
	SceneStarted = "scene_started"
	StageDone    = "stage_done"
	LessonDone   = "lesson_done"
	Warning      = "warning"
	Error        = "error"
	Summary      = "summary"
	// DoctorCheck is one `tecno doctor` check.
	DoctorCheck = "check"
)

// Event is one thing that happened. Fields are omitted when empty.
type Event struct {
	Schema  int       `json:"schema"`
	Type    string    `json:"type"`
	Time    time.Time `json:"time"`
	Lesson  string    `json:"lesson,omitempty"`
	Scene   string    `json:"scene,omitempty"`
	Stage   string    `json:"stage,omitempty"`
	Cached  *bool     `json:"cached,omitempty"`
	Seconds float64   `json:"seconds,omitempty"`
	Message string    `json:"message,omitempty"`
	Code    int       `json:"code,omitempty"`
	File    string    `json:"file,omitempty"`
	Line    int       `json:"line,omitempty"`
	Col     int       `json:"col,omitempty"`
	// Outputs are the files a lesson produced (lesson_done).
	Outputs  map[string]string `json:"outputs,omitempty"`
	Duration float64           `json:"duration,omitempty"` // seconds of video
	// Counts for build_started and summary.
	Lessons  int     `json:"lessons,omitempty"`
	Scenes   int     `json:"scenes,omitempty"`
	Stages   int     `json:"stages,omitempty"`
	Hits     int     `json:"cache_hits,omitempty"`
	Misses   int     `json:"cache_misses,omitempty"`
	Realtime float64 `json:"realtime_factor,omitempty"`
	OK       *bool   `json:"ok,omitempty"`
	// Hints say what to do about an error or warning.
	Hints []string `json:"hints,omitempty"`
	// Errors and Warnings count problems (summary of validate and doctor).
	Errors   int `json:"errors,omitempty"`
	Warnings int `json:"warnings,omitempty"`
	// Check, Status ("ok", "warn" or "fail") and Fix describe one
	// `tecno doctor` check (check events).
	Check  string `json:"check,omitempty"`
	Status string `json:"status,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// Reporter receives events. Implementations must be safe for concurrent
// use: the build reports from its worker goroutines.
type Reporter interface {
	Report(Event)
}

// Nop discards events.
type Nop struct{}

// Report implements Reporter.
func (Nop) Report(Event) {}

// Recorder keeps every event; used by tests and the build report.
type Recorder struct {
	mu     sync.Mutex
	Events []Event
}

// Report implements Reporter.
func (r *Recorder) Report(e Event) {
	r.mu.Lock()
	r.Events = append(r.Events, e)
	r.mu.Unlock()
}

// Bool returns a pointer to b, for the optional boolean fields.
func Bool(b bool) *bool { return &b }
