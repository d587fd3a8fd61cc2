package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tecno-video/tecno/internal/progress"
	"github.com/tecno-video/tecno/internal/testtool"
)

// field is one row of a field table in docs/events.md.
type field struct {
	typ      string // integer, number, string, boolean, object, array of strings
	required bool
}

// commonFields are on every event.
var commonFields = map[string]field{
	"schema": {"integer", true},
	"type":   {"string", true},
	"time":   {"string", true},
}

// eventFields is the event schema, version 1, as the program means it.
// docs/events.md must say exactly the same (TestEventsDocMatches).
var eventFields = map[string]map[string]field{
	progress.BuildStarted: {"lessons": {"integer", true}, "scenes": {"integer", true}, "stages": {"integer", false}},
	progress.SceneStarted: {"lesson": {"string", true}, "scene": {"string", true}},
	progress.StageDone: {
		"lesson": {"string", true}, "scene": {"string", false}, "stage": {"string", true},
		"cached": {"boolean", true}, "seconds": {"number", false},
	},
	progress.LessonDone: {"lesson": {"string", true}, "outputs": {"object", true}, "duration": {"number", true}},
	progress.Warning: {
		"message": {"string", true}, "lesson": {"string", false}, "scene": {"string", false},
		"file": {"string", false}, "line": {"integer", false}, "col": {"integer", false}, "hints": {"array of strings", false},
	},
	progress.Error: {
		"message": {"string", true}, "code": {"integer", true}, "lesson": {"string", false}, "scene": {"string", false},
		"file": {"string", false}, "line": {"integer", false}, "col": {"integer", false}, "hints": {"array of strings", false},
	},
	progress.DoctorCheck: {"check": {"string", true}, "status": {"string", true}, "message": {"string", true}, "fix": {"string", false}},
	progress.Summary: {
		"ok": {"boolean", true}, "errors": {"integer", false}, "warnings": {"integer", false},
		"lessons": {"integer", false}, "scenes": {"integer", false}, "cache_hits": {"integer", false},
		"cache_misses": {"integer", false}, "seconds": {"number", false}, "duration": {"number", false},
		"realtime_factor": {"number", false},
	},
}

var (
	headingRe = regexp.MustCompile("^### `([a-z_]+)`$")
	rowRe     = regexp.MustCompile("^\\| `([a-z_]+)` \\| ([a-z ]+) \\| (always|optional) \\| .+\\|$")
)

// docTables parses docs/events.md: the common field table and one table
// per event type.
func docTables(t *testing.T) (map[string]field, map[string]map[string]field, [][]byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "docs", "events.md"))
	if err != nil {
		t.Fatal(err)
	}
	common := map[string]field{}
	events := map[string]map[string]field{}
	var cur map[string]field
	var examples [][]byte
	inJSON := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "```json":
			inJSON = true
			continue
		case line == "```":
			inJSON = false
			continue
		case inJSON:
			examples = append(examples, []byte(line))
			continue
		case line == "## Fields common to every event":
			cur = common
		case strings.HasPrefix(line, "## "):
			cur = nil
		}
		if m := headingRe.FindStringSubmatch(line); m != nil {
			cur = map[string]field{}
			events[m[1]] = cur
			continue
		}
		if m := rowRe.FindStringSubmatch(line); m != nil && cur != nil {
			cur[m[1]] = field{m[2], m[3] == "always"}
		}
	}
	return common, events, examples
}

func TestEventsDocMatches(t *testing.T) {
	common, events, examples := docTables(t)
	if !reflect.DeepEqual(common, commonFields) {
		t.Errorf("common fields in docs/events.md = %v, want %v", common, commonFields)
	}
	for typ, want := range eventFields {
		if got := events[typ]; !reflect.DeepEqual(got, want) {
			t.Errorf("docs/events.md, %s: %v, want %v", typ, got, want)
		}
	}
	for typ := range events {
		if _, ok := eventFields[typ]; !ok {
			t.Errorf("docs/events.md documents %s, which the program does not know", typ)
		}
	}
	// Every field of progress.Event is documented somewhere, and every
	// documented field exists.
	documented := map[string]bool{}
	for name := range common {
		documented[name] = true
	}
	for _, fs := range events {
		for name := range fs {
			documented[name] = true
		}
	}
	tags := map[string]bool{}
	rt := reflect.TypeOf(progress.Event{})
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		tags[name] = true
		if !documented[name] {
			t.Errorf("progress.Event field %s (%q) is not in docs/events.md", rt.Field(i).Name, name)
		}
	}
	for name := range documented {
		if !tags[name] {
			t.Errorf("docs/events.md documents %q, which progress.Event does not have", name)
		}
	}
	// The examples follow the schema too.
	if len(examples) < 10 {
		t.Fatalf("found %d example lines", len(examples))
	}
	checkStream(t, bytes.Join(examples, []byte("\n")), false)
}

// checkStream checks each line against the schema. With oneStream, the
// lines are a single command's output: exactly one summary, last.
func checkStream(t *testing.T, data []byte, oneStream bool) []map[string]any {
	t.Helper()
	var events []map[string]any
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	for i, line := range lines {
		var e map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		if err := dec.Decode(&e); err != nil || dec.More() {
			t.Fatalf("line %d is not one JSON object: %v: %s", i+1, err, line)
		}
		if err := checkEvent(e); err != nil {
			t.Errorf("line %d: %v: %s", i+1, err, line)
		}
		events = append(events, e)
	}
	if oneStream {
		summaries := 0
		for _, e := range events {
			if e["type"] == progress.Summary {
				summaries++
			}
		}
		if summaries != 1 || events[len(events)-1]["type"] != progress.Summary {
			t.Errorf("%d summary events, last is %v; want exactly one, last", summaries, events[len(events)-1]["type"])
		}
	}
	return events
}

func checkEvent(e map[string]any) error {
	typ, _ := e["type"].(string)
	fields, ok := eventFields[typ]
	if !ok {
		return fmt.Errorf("unknown event type %q", typ)
	}
	if e["schema"] != float64(progress.SchemaVersion) {
		return fmt.Errorf("schema %v", e["schema"])
	}
	if s, _ := e["time"].(string); s == "" {
		return fmt.Errorf("no time")
	} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("time: %v", err)
	}
	all := map[string]field{}
	for k, v := range commonFields {
		all[k] = v
	}
	for k, v := range fields {
		all[k] = v
	}
	var names []string
	for k := range e {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		f, ok := all[k]
		if !ok {
			return fmt.Errorf("%s event has undocumented field %q", typ, k)
		}
		if !hasType(e[k], f.typ) {
			return fmt.Errorf("%s.%s = %v, want %s", typ, k, e[k], f.typ)
		}
	}
	for k, f := range all {
		if _, ok := e[k]; f.required && !ok {
			return fmt.Errorf("%s event lacks %q", typ, k)
		}
	}
	return nil
}

func hasType(v any, typ string) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "object":
		m, ok := v.(map[string]any)
		for _, x := range m {
			if _, s := x.(string); !s {
				return false
			}
		}
		return ok
	case "array of strings":
		a, ok := v.([]any)
		for _, x := range a {
			if _, s := x.(string); !s {
				return false
			}
		}
		return ok && len(a) > 0
	}
	return false
}

// TestBuildJSON runs a real build (ffmpeg, espeak-ng) of a two-scene
// course with --json, twice, and checks both streams against the schema.
func TestBuildJSON(t *testing.T) {
	testtool.Require(t, "ffmpeg")
	testtool.Require(t, "espeak-ng")
	dir := t.TempDir()
	path := filepath.Join(dir, "course.yaml")
	writeFile(t, path, `course:
  title: Events
  output: {width: 320, height: 180}
lessons:
  - id: one
    title: One
    scenes:
      - id: hello
        layout: title
        title: Hello
        narration: Hello there.
      - id: points
        layout: bullets
        title: Points
        bullets: [One, Two]
`)
	cacheDir := filepath.Join(dir, "cache")
	run := func() []map[string]any {
		env, out, errb := testEnv(nil)
		if code := runCLI(t, env, "build", path, "--json", "--cache-dir", cacheDir); code != 0 {
			t.Fatalf("build exited %d: %s", code, errb)
		}
		if errb.Len() != 0 {
			t.Errorf("stderr is not empty with --json: %s", errb)
		}
		return checkStream(t, out.Bytes(), true)
	}
	first := run()
	count := map[string]int{}
	stages := map[string]bool{}
	for _, e := range first {
		count[e["type"].(string)]++
		if e["type"] == progress.StageDone {
			stages[fmt.Sprint(e["scene"], "/", e["stage"])] = true
		}
	}
	if count[progress.BuildStarted] != 1 || count[progress.SceneStarted] != 2 || count[progress.LessonDone] != 1 {
		t.Errorf("event counts %v", count)
	}
	for _, s := range []string{"hello/narrate", "hello/audio", "hello/frame", "hello/still", "points/still", "<nil>/join"} {
		if !stages[s] {
			t.Errorf("no stage_done for %s in %v", s, stages)
		}
	}
	// The silent scene is a validation warning, located in the file.
	warned := false
	for _, e := range first {
		if e["type"] == progress.Warning && e["file"] == path && e["line"] == 12.0 {
			warned = true
		}
	}
	if !warned {
		t.Error("no warning event for the scene without narration")
	}
	var done map[string]any
	for _, e := range first {
		if e["type"] == progress.LessonDone {
			done = e
		}
	}
	if mp4, _ := done["outputs"].(map[string]any)["mp4"].(string); mp4 == "" {
		t.Error("lesson_done without an mp4")
	} else if _, err := os.Stat(mp4); err != nil {
		t.Error(err)
	}
	sum := first[len(first)-1]
	if sum["ok"] != true || sum["lessons"] != 1.0 || sum["scenes"] != 2.0 {
		t.Errorf("summary %v", sum)
	}

	// A rebuild comes from the cache, and says so.
	second := run()
	for _, e := range second {
		if e["type"] == progress.StageDone && e["cached"] != true {
			t.Errorf("rebuild ran a stage: %v", e)
		}
	}
	if s := second[len(second)-1]; s["cache_misses"] != nil || s["cache_hits"] == nil {
		t.Errorf("rebuild summary %v", s)
	}
}

// TestBuildJSONError: a course with an unknown key gives error events with
// file and line, then the summary, and exit code 2.
func TestBuildJSONError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "course.yaml")
	writeFile(t, path, "course:\n  title: Typo\nlessons:\n  - id: one\n    scenes:\n      - id: a\n        layout: title\n        naration: Hello.\n        titel: Hello\n")
	env, out, errb := testEnv(nil)
	if code := runCLI(t, env, "build", path, "--json"); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	events := checkStream(t, out.Bytes(), true)
	if len(events) != 3 {
		t.Fatalf("%d events, want 2 errors and a summary: %s", len(events), out)
	}
	for i, want := range []struct {
		line float64
		msg  string
	}{{8, `unknown key "naration" (did you mean "narration"?)`}, {9, `unknown key "titel" (did you mean "title"?)`}} {
		e := events[i]
		if e["type"] != progress.Error || e["file"] != path || e["line"] != want.line || e["col"] != 9.0 || e["message"] != want.msg || e["code"] != 2.0 {
			t.Errorf("event %d = %v", i, e)
		}
	}
	if s := events[2]; s["ok"] != false || s["errors"] != 2.0 {
		t.Errorf("summary %v", s)
	}
	if !strings.Contains(errb.String(), "course.yaml:8:9: unknown key") {
		t.Errorf("stderr lacks the error for people: %s", errb)
	}
}

func TestValidateJSON(t *testing.T) {
	path := filepath.Join(repoRoot, "internal", "course", "testdata", "validate", "problems.yaml")
	env, out, _ := testEnv(nil)
	if code := runCLI(t, env, "validate", path, "--json"); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	events := checkStream(t, out.Bytes(), true)
	errs, warns := 0, 0
	for _, e := range events {
		switch e["type"] {
		case progress.Error:
			errs++
			if e["file"] != path || e["line"] == nil || e["col"] == nil {
				t.Errorf("error without a location: %v", e)
			}
		case progress.Warning:
			warns++
		}
	}
	if errs < 10 || warns < 1 {
		t.Errorf("%d errors, %d warnings; want every problem of problems.yaml", errs, warns)
	}
	if s := events[len(events)-1]; s["errors"] != float64(errs) || s["warnings"] != float64(warns) || s["ok"] != false {
		t.Errorf("summary %v", s)
	}

	env, out, _ = testEnv(nil)
	if code := runCLI(t, env, "validate", filepath.Join(repoRoot, "examples", "intro", "course.yaml"), "--json"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	events = checkStream(t, out.Bytes(), true)
	if s := events[len(events)-1]; s["ok"] != true || s["scenes"] == nil {
		t.Errorf("summary %v", s)
	}
}
