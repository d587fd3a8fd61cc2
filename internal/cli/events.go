package cli

import (
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/progress"
)

// eventWriter prints NDJSON events (docs/events.md), one per line. Safe
// for concurrent use.
type eventWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func newEventWriter(w io.Writer) *eventWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &eventWriter{enc: enc}
}

// emit stamps e with the schema version and the time, and prints it.
func (w *eventWriter) emit(e progress.Event) {
	e.Schema = progress.SchemaVersion
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.enc.Encode(e)
}

// problemEvents describes err as events of type typ (progress.Error or
// progress.Warning): one per problem of a fault.List, each with its file,
// line, column, message and hints, and code, the exit code its kind maps
// to (errors only).
func problemEvents(typ string, err error) []progress.Event {
	var list fault.List
	if errors.As(err, &list) {
		out := make([]progress.Event, 0, len(list))
		for _, fe := range list {
			out = append(out, problemEvent(typ, fe))
		}
		return out
	}
	return []progress.Event{problemEvent(typ, err)}
}

func problemEvent(typ string, err error) progress.Event {
	e := progress.Event{Schema: progress.SchemaVersion, Type: typ, Time: time.Now().UTC(), Message: err.Error()}
	if fault.KindOf(err) == fault.Cancelled {
		e.Message = "interrupted"
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		e.File, e.Line, e.Col, e.Message, e.Hints = fe.File, fe.Line, fe.Col, fe.Msg, fe.Hints
	}
	if typ == progress.Error {
		e.Code = fault.KindOf(err).ExitCode()
	}
	return e
}

// warnings reports validation warnings as NDJSON warning events with
// --json; otherwise they were printed while loading.
func (r *reporter) warnings(warns fault.List) {
	if !r.json || len(warns) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range problemEvents(progress.Warning, warns) {
		r.enc.Encode(e)
	}
}
