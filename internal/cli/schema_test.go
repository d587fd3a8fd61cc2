package cli

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	_ "github.com/tecno-video/tecno/internal/golden" // registers -update
)

// repoRoot is the repository root, two folders up from internal/cli.
const repoRoot = "../.."

// updateFlag reports whether the tests run with -update.
func updateFlag() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestSchemaCommitted checks docs/course.schema.json is what `tecno
// schema` prints. Run go test ./internal/cli -run TestSchemaCommitted
// -update after changing the course model, templates or providers.
func TestSchemaCommitted(t *testing.T) {
	env, out, _ := testEnv(nil)
	if code := runCLI(t, env, "schema"); code != 0 {
		t.Fatalf("tecno schema exited %d", code)
	}
	path := filepath.Join(repoRoot, "docs", "course.schema.json")
	if updateFlag() {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run TestSchemaCommitted -update)", err)
	}
	if !bytes.Equal(committed, out.Bytes()) {
		t.Errorf("docs/course.schema.json differs from `tecno schema`; run go test ./internal/cli -run TestSchemaCommitted -update")
	}
	for _, want := range []string{`"$schema": "https://json-schema.org/draft/2020-12/schema"`, `"slide-image"`, `"changes-requested"`, `"modern"`, `"espeak-ng"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("schema lacks %s", want)
		}
	}
}

// courseFile is one course-like YAML document found in the repository.
type courseFile struct {
	name string // for messages
	path string // where Parse believes it lives (relative paths resolve there)
	data []byte
}

var courseLike = regexp.MustCompile(`(?m)^(lessons|course):`)

// repoCourses finds every course file in the repository: the examples,
// YAML and golden files under testdata folders, and the YAML files inside
// the CLI test scripts.
func repoCourses(t *testing.T) []courseFile {
	t.Helper()
	var out []courseFile
	examples, _ := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "course.yaml"))
	for _, p := range examples {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, courseFile{name: p, path: p, data: data})
	}
	if len(examples) < 2 {
		t.Fatalf("found %d examples, want at least 2", len(examples))
	}
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(p), "/testdata/") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			switch {
			case strings.HasSuffix(p, ".txtar"):
				ar := txtar.Parse(data)
				dir := filepath.Join(t.TempDir(), filepath.Base(p))
				for _, f := range ar.Files {
					if (strings.HasSuffix(f.Name, ".yaml") || strings.HasSuffix(f.Name, ".yml")) && courseLike.Match(f.Data) {
						out = append(out, courseFile{name: p + ":" + f.Name, path: filepath.Join(dir, f.Name), data: f.Data})
					}
				}
			case strings.HasSuffix(p, ".yaml"), strings.HasSuffix(p, ".yml"), strings.HasSuffix(p, ".golden"):
				if courseLike.Match(data) {
					out = append(out, courseFile{name: p, path: p, data: data})
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// notInSchema matches problems a JSON Schema cannot express: file checks,
// uniqueness, YAML syntax, and rules that depend on other fields.
var notInSchema = regexp.MustCompile(`not found|cannot read|is a folder|duplicate|more than one yaml document|yaml syntax error|course file is empty|merge keys|needs .*, but scene|none can be inferred|unknown [a-z0-9-]+ voice|through aliases|unknown template "[^"]*(/|\\|\.ya?ml")`)

// TestSchemaMatchesDecoder validates every course file in the repository
// against the schema and compares with tecno's own verdict: a course tecno
// accepts must pass the schema, and a course tecno rejects for a reason
// the schema can express must fail it.
func TestSchemaMatchesDecoder(t *testing.T) {
	env, _, _ := testEnv(nil)
	data, err := courseSchema(env)
	if err != nil {
		t.Fatal(err)
	}
	schema := parseJSONSchema(t, data)
	reg := newRegistry(env)
	files := repoCourses(t)
	accepted, rejected := 0, 0
	for _, f := range files {
		t.Run(strings.TrimPrefix(f.name, repoRoot+"/"), func(t *testing.T) {
			var problems fault.List
			c, err := course.Parse(f.path, f.data)
			if err != nil {
				var list fault.List
				if !errors.As(err, &list) {
					t.Fatalf("parse: %v", err)
				}
				problems = list
			} else {
				c.ApplyDefaults()
				problems, _ = course.Validate(c, validationEnv(c, reg))
			}
			expressible := 0
			for _, p := range problems {
				if !notInSchema.MatchString(p.Msg) {
					expressible++
				}
			}
			var verdict []string
			if v, err := yamlToJSONValue(f.data); err == nil {
				verdict = schema.Validate(v)
			} else if len(problems) == 0 {
				t.Fatalf("tecno accepts it but it is not a YAML document: %v", err)
			} else {
				return // not even YAML: nothing for a schema to say
			}
			switch {
			case len(problems) == 0 && len(verdict) > 0:
				t.Errorf("tecno accepts it but the schema rejects it:\n%s", strings.Join(verdict, "\n"))
			case expressible > 0 && len(verdict) == 0:
				t.Errorf("tecno rejects it (%v) but the schema accepts it", problems)
			}
			if len(problems) == 0 {
				accepted++
			} else {
				rejected++
			}
		})
	}
	t.Logf("%d course files: %d accepted, %d rejected by tecno", len(files), accepted, rejected)
	if accepted < 5 {
		t.Errorf("only %d valid course files found; the search is broken", accepted)
	}
}

// TestSchemaCatchesMistakes checks, one mistake at a time, that the schema
// rejects what tecno rejects.
func TestSchemaCatchesMistakes(t *testing.T) {
	env, _, _ := testEnv(nil)
	data, err := courseSchema(env)
	if err != nil {
		t.Fatal(err)
	}
	schema := parseJSONSchema(t, data)
	base := "course:\n  title: T\nlessons:\n  - id: one\n    scenes:\n      - id: a\n        layout: title\n        title: Hi\n"
	tests := []struct {
		name, doc string
		ok        bool
	}{
		{"valid", base, true},
		{"durations", base + "        pause_before: 1.5\n        pause_after: \"500ms\"\n        min_duration: 2s\n", true},
		{"compact bullets", base + "        bullets:\n          - One\n          - Two:\n              - a\n              - 42\n          - text: Three\n            bullets: [x]\n          - Empty:\n", true},
		{"numbers as text", base + "        narration: 42\n        notes: true\n", true},
		{"nulls", "version:\ncourse:\nlessons:\n  - id: one\n    voice:\n    scenes:\n      - id: a\n        layout:\n        title: T\n        status:\n", true},
		{"voice and output", "course:\n  voice: {provider: espeak-ng, rate: 1.2, pitch: -2, language: pt-BR}\n  output: {width: 1280, height: 720, fps: 25}\nlessons:\n  - id: one\n    scenes: [{id: a, title: T}]\n", true},
		{"template path", "course:\n  template: my/brand.yaml\nlessons:\n  - id: one\n    scenes: [{id: a, title: T}]\n", true},
		{"typo key", strings.Replace(base, "title: Hi", "titel: Hi", 1), false},
		{"layout", strings.Replace(base, "layout: title", "layout: titel", 1), false},
		{"status", base + "        status: aproved\n", false},
		{"negative pause", base + "        pause_after: -1\n", false},
		{"bad duration", base + "        pause_after: soon\n", false},
		{"bad id", strings.Replace(base, "id: a", "id: Scene A", 1), false},
		{"no scene id", strings.Replace(base, "- id: a\n", "- narration: x\n", 1), false},
		{"no lessons", "course:\n  title: T\n", false},
		{"empty lessons", "lessons: []\n", false},
		{"no scenes", "lessons:\n  - id: one\n", false},
		{"odd width", "course:\n  output: {width: 1281}\n" + base[len("course:\n  title: T\n"):], false},
		{"fps", "course:\n  output: {fps: 240}\n" + base[len("course:\n  title: T\n"):], false},
		{"language", "course:\n  language: en_US\n" + base[len("course:\n  title: T\n"):], false},
		{"rate", "course:\n  voice: {rate: -1}\n" + base[len("course:\n  title: T\n"):], false},
		{"provider", "course:\n  voice: {provider: espeak}\n" + base[len("course:\n  title: T\n"):], false},
		{"template", "course:\n  template: modren\n" + base[len("course:\n  title: T\n"):], false},
		{"version", "version: 2\n" + base, false},
		{"bullet key", base + "        bullets:\n          - Note: reads as a key\n", false},
		{"empty bullet", base + "        bullets:\n          - \"\"\n", false},
		{"two-key bullet", base + "        bullets:\n          - A: [a]\n            B: [b]\n", false},
		{"title list", strings.Replace(base, "title: Hi", "title: [a, b]", 1), false},
	}
	reg := newRegistry(env)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := yamlToJSONValue([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			errs := schema.Validate(v)
			if (len(errs) == 0) != tt.ok {
				t.Errorf("schema ok=%v, want %v: %q", len(errs) == 0, tt.ok, errs)
			}
			// And tecno agrees, leaving aside what no schema can check
			// (here: that my/brand.yaml exists).
			c, err := course.Parse("course.yaml", []byte(tt.doc))
			tecnoOK := err == nil
			if err == nil {
				c.ApplyDefaults()
				probs, _ := course.Validate(c, validationEnv(c, reg))
				for _, p := range probs {
					if !notInSchema.MatchString(p.Msg) {
						tecnoOK = false
					}
				}
			}
			if tecnoOK != tt.ok {
				t.Errorf("tecno ok=%v, want %v (err %v)", tecnoOK, tt.ok, err)
			}
		})
	}
}
