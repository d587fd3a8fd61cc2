// Package config resolves tecno's settings from their layers, in order of
// precedence: command-line flags, then the environment (TECNO_*), then the
// course file, then the user config file
// ($XDG_CONFIG_HOME/tecno/config.yaml, else ~/.config/tecno/config.yaml),
// then built-in defaults. Each effective value remembers where it came from,
// for `tecno config show`.
package config

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
)

// The keys, as written in the user config file (dotted keys are nested
// mappings there) and in `tecno config show`.
const (
	KeyTemplate      = "template"
	KeyVoiceProvider = "voice.provider"
	KeyVoiceName     = "voice.name"
	KeyOutputDir     = "output.dir"
	KeyJobs          = "jobs"
	KeyCacheDir      = "cache_dir"
)

// Keys lists every key in display order.
var Keys = []string{KeyTemplate, KeyVoiceProvider, KeyVoiceName, KeyOutputDir, KeyJobs, KeyCacheDir}

// EnvVar returns the environment variable for key: TECNO_ followed by the
// key in upper case with dots turned into underscores (TECNO_VOICE_NAME).
func EnvVar(key string) string {
	return "TECNO_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Source is the layer a value came from.
type Source string

// The layers, from the highest precedence to the lowest.
const (
	FromFlag    Source = "flag"
	FromEnv     Source = "env"
	FromCourse  Source = "course"
	FromUser    Source = "user"
	FromDefault Source = "default"
)

// Value is one effective setting.
type Value struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	// Source is the layer the value came from; Origin says exactly where:
	// "--jobs", "$TECNO_JOBS", "course.yaml:7:13",
	// "/home/ana/.config/tecno/config.yaml:2:7" or a note on the default.
	Source Source `json:"source"`
	Origin string `json:"origin"`
}

// Config holds the effective settings.
type Config struct {
	Template      string
	VoiceProvider string
	VoiceName     string
	// OutputDir and CacheDir are absolute when they came from a flag, the
	// environment or the user config file, or when a course was given.
	OutputDir string
	Jobs      int
	CacheDir  string

	// UserFile is the user config file consulted (it may not exist).
	UserFile string
	values   map[string]Value
}

// Value returns the effective value of key and where it came from.
func (c *Config) Value(key string) Value { return c.values[key] }

// Values returns every effective value in Keys order.
func (c *Config) Values() []Value {
	out := make([]Value, 0, len(Keys))
	for _, k := range Keys {
		out = append(out, c.values[k])
	}
	return out
}

// Layers are the inputs to Resolve.
type Layers struct {
	// Flags holds the keys set on the command line, by key. Path values
	// are taken as given (relative to the working folder).
	Flags map[string]string
	// FlagNames names the flag for each key in Flags ("--jobs"), for
	// Origin; the default is "--" + key.
	FlagNames map[string]string
	// Getenv reads the environment; nil means no environment.
	Getenv func(string) string
	// Course is the loaded course, or nil. Only keys written in the file
	// count (its defaults do not).
	Course *course.Course
	// UserFile overrides the user config path; "" means UserPath(Getenv).
	UserFile string
	// WorkDir is the folder relative paths from flags and the environment
	// resolve against; "" means the process working folder.
	WorkDir string
}

// UserPath returns the user config file: $XDG_CONFIG_HOME/tecno/config.yaml
// when XDG_CONFIG_HOME is an absolute path, else
// $HOME/.config/tecno/config.yaml. It returns "" when neither is known.
func UserPath(getenv func(string) string) string {
	if getenv == nil {
		return ""
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "tecno", "config.yaml")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "tecno", "config.yaml")
	}
	return ""
}

// Resolve computes the effective settings. Bad values (a jobs count that is
// not a positive number, an unknown key in the user config file) are input
// errors naming where the value came from.
func Resolve(l Layers) (*Config, error) {
	getenv := l.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := &Config{UserFile: l.UserFile, values: map[string]Value{}}
	if cfg.UserFile == "" {
		cfg.UserFile = UserPath(getenv)
	}
	user, err := loadUser(cfg.UserFile)
	if err != nil {
		return nil, err
	}
	workDir := l.WorkDir
	if workDir == "" {
		workDir = "."
	}

	// candidates for key, highest precedence first.
	candidates := func(key string) []Value {
		var vs []Value
		if v, ok := l.Flags[key]; ok {
			name := l.FlagNames[key]
			if name == "" {
				name = "--" + key
			}
			vs = append(vs, Value{key, v, FromFlag, name})
		}
		if v := strings.TrimSpace(getenv(EnvVar(key))); v != "" {
			vs = append(vs, Value{key, v, FromEnv, "$" + EnvVar(key)})
		}
		if v, ok := courseValue(l.Course, key); ok {
			vs = append(vs, v)
		}
		if e, ok := user.values[key]; ok {
			vs = append(vs, Value{key, e.value, FromUser, fmt.Sprintf("%s:%d:%d", cfg.UserFile, e.line, e.col)})
		}
		return vs
	}
	pick := func(key string, def Value) Value {
		if vs := candidates(key); len(vs) > 0 {
			return vs[0]
		}
		return def
	}

	cfg.values[KeyTemplate] = pick(KeyTemplate, Value{KeyTemplate, course.DefaultTemplate, FromDefault, "built-in default"})
	prov := pick(KeyVoiceProvider, Value{KeyVoiceProvider, course.DefaultProvider, FromDefault, "built-in default"})
	cfg.values[KeyVoiceProvider] = prov
	cfg.values[KeyVoiceName] = voiceName(candidates(KeyVoiceName), prov)
	cfg.values[KeyJobs] = pick(KeyJobs, Value{KeyJobs, strconv.Itoa(runtime.NumCPU()), FromDefault, "number of CPUs"})

	courseDir := ""
	if l.Course != nil {
		courseDir = l.Course.Dir
	}
	out := pick(KeyOutputDir, Value{KeyOutputDir, course.DefaultOutDir, FromDefault, "built-in default, beside the course"})
	home := getenv("HOME")
	out.Value = resolveDir(out, workDir, courseDir, filepath.Dir(cfg.UserFile), home)
	cfg.values[KeyOutputDir] = out
	cache := pick(KeyCacheDir, Value{KeyCacheDir, filepath.Join(".tecno", "cache"), FromDefault, "built-in default, beside the course"})
	cache.Value = resolveDir(cache, workDir, courseDir, filepath.Dir(cfg.UserFile), home)
	cfg.values[KeyCacheDir] = cache

	cfg.Template = cfg.values[KeyTemplate].Value
	cfg.VoiceProvider = cfg.values[KeyVoiceProvider].Value
	cfg.VoiceName = cfg.values[KeyVoiceName].Value
	cfg.OutputDir = out.Value
	cfg.CacheDir = cache.Value
	jobs := cfg.values[KeyJobs]
	n, err := strconv.Atoi(jobs.Value)
	if err != nil || n < 1 {
		return nil, badJobs(jobs)
	}
	cfg.Jobs = n
	return cfg, nil
}

// voiceName picks the voice name. A name belongs to its provider, so a
// name is only taken from the layer that chose the provider or from a
// layer above it; a name further down was meant for another provider.
func voiceName(cands []Value, prov Value) Value {
	rank := map[Source]int{FromFlag: 0, FromEnv: 1, FromCourse: 2, FromUser: 3, FromDefault: 4}
	for _, v := range cands {
		if rank[v.Source] <= rank[prov.Source] {
			return v
		}
	}
	return Value{KeyVoiceName, "", FromDefault, "the provider's voice for the course language"}
}

// courseValue returns key's value when the course file writes it.
func courseValue(c *course.Course, key string) (Value, bool) {
	if c == nil {
		return Value{}, false
	}
	var path, val string
	switch key {
	case KeyTemplate:
		path, val = "course.template", c.Template
	case KeyVoiceProvider:
		path, val = "course.voice.provider", c.Voice.Provider
	case KeyVoiceName:
		path, val = "course.voice.name", c.Voice.Name
	case KeyOutputDir:
		path, val = "course.output.dir", c.Output.Dir
	default:
		return Value{}, false // jobs and cache_dir are not course settings
	}
	p, ok := c.Positions[path]
	if !ok || val == "" {
		return Value{}, false
	}
	name := c.Path
	if name == "" {
		name = "course.yaml"
	}
	return Value{key, val, FromCourse, fmt.Sprintf("%s:%d:%d", name, p.Line, p.Col)}, true
}

// resolveDir makes a folder setting absolute: flags and the environment
// resolve against the working folder, the user config file against its
// own folder (with a leading ~ turned into home), the course and the
// defaults against the course folder (left relative when there is no
// course).
func resolveDir(v Value, workDir, courseDir, userDir, home string) string {
	p := v.Value
	switch v.Source {
	case FromFlag, FromEnv:
		return abs(filepath.Join(workDirOr(p, workDir), p))
	case FromUser:
		if rest, ok := strings.CutPrefix(p, "~/"); (ok || p == "~") && home != "" {
			return filepath.Join(home, rest)
		}
		return abs(filepath.Join(workDirOr(p, userDir), p))
	default:
		if courseDir == "" {
			return p
		}
		return abs(filepath.Join(workDirOr(p, courseDir), p))
	}
}

// workDirOr returns "" for an absolute p (so Join keeps it) and dir
// otherwise.
func workDirOr(p, dir string) string {
	if filepath.IsAbs(p) {
		return ""
	}
	return dir
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func badJobs(v Value) error {
	e := fault.New(fault.Input, "jobs must be a whole number of at least 1, got %q", v.Value)
	switch v.Source {
	case FromEnv:
		e.Msg = fmt.Sprintf("%s must be a whole number of at least 1, got %q", v.Origin, v.Value)
		e.WithHint("unset it or set it to a number such as %d", runtime.NumCPU())
	case FromUser:
		file, line, col := splitOrigin(v.Origin)
		e.File, e.Line, e.Col = file, line, col
		e.WithHint("write jobs: %d, or remove the line", runtime.NumCPU())
	case FromFlag:
		e.Msg = fmt.Sprintf("%s must be at least 1, got %s", v.Origin, v.Value)
	}
	return e
}

// splitOrigin splits "file:line:col".
func splitOrigin(o string) (string, int, int) {
	i := strings.LastIndexByte(o, ':')
	if i < 0 {
		return o, 0, 0
	}
	j := strings.LastIndexByte(o[:i], ':')
	if j < 0 {
		return o, 0, 0
	}
	line, _ := strconv.Atoi(o[j+1 : i])
	col, _ := strconv.Atoi(o[i+1:])
	return o[:j], line, col
}

// Apply sets the course-level settings on c where a layer above the
// course file (a flag or the environment) overrides it, or where the
// course leaves a setting to the user config file. Scene and lesson
// overrides are untouched. Call it after course.Load and before
// course.Validate.
func (c *Config) Apply(co *course.Course) {
	if v := c.values[KeyTemplate]; v.Source != FromDefault && v.Source != FromCourse {
		co.Template = v.Value
	}
	if v := c.values[KeyVoiceProvider]; v.Source != FromDefault && v.Source != FromCourse {
		if co.Voice.Provider != v.Value {
			// The course's voice name and model belong to its provider.
			co.Voice.Name, co.Voice.Model = "", ""
		}
		co.Voice.Provider = v.Value
	}
	if v := c.values[KeyVoiceName]; v.Source != FromDefault && v.Source != FromCourse {
		co.Voice.Name = v.Value
	}
	if v := c.values[KeyOutputDir]; v.Source != FromDefault && v.Source != FromCourse {
		co.Output.Dir = v.Value
	}
}
