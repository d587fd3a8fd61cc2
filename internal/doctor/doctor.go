// Package doctor checks that this machine can build a course: the external
// programs and their versions, fonts for the course language, provider
// keys (whether set, never their values) and the cache folder. Each failed
// check carries the command that fixes it.
package doctor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tecno-video/tecno/internal/course"
)

// Status is the outcome of one check.
type Status string

// The outcomes. Fail means a build would fail; Warn means something
// optional is missing or worth a look.
const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "fail"
)

// Check is one line of the report.
type Check struct {
	Name    string // "ffmpeg", "fonts (ja-JP)", "OPENAI_API_KEY", "cache"
	Status  Status
	Message string // what was found
	Fix     string // the command or step that fixes it, when not OK
}

// Options say what to check.
type Options struct {
	// Getenv reads the environment: PATH (programs are looked up there),
	// provider keys and TECNO_PIPER_BIN. Required.
	Getenv func(string) string
	// Course is the course to check for, or nil. It decides the language
	// whose fonts are checked and which narration providers (and so which
	// programs and keys) are required.
	Course *course.Course
	// CacheDir is the cache folder to check; "" skips the check.
	CacheDir string
	// FontFor names the font that draws r in text of language lang, or
	// returns false. nil skips the font check.
	FontFor func(r rune, lang string) (string, bool)
	// Timeout bounds each program's version query (default 10 s).
	Timeout time.Duration
}

// Failed reports whether any check failed.
func Failed(checks []Check) bool {
	for _, c := range checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}

// Run performs every check, in report order: programs, fonts, provider
// keys, cache folder.
func Run(ctx context.Context, o Options) []Check {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	used := providersUsed(o.Course)
	var checks []Check
	for _, t := range tools {
		if t.only != "" && !used[t.only] {
			continue
		}
		checks = append(checks, t.check(ctx, o, used))
	}
	if o.FontFor != nil {
		checks = append(checks, fontCheck(o))
	}
	checks = append(checks, keyChecks(o.Getenv, used)...)
	if o.CacheDir != "" {
		checks = append(checks, cacheCheck(o.CacheDir))
	}
	return checks
}

// providersUsed lists the narration providers the course's scenes speak
// with; with no course, the default provider.
func providersUsed(c *course.Course) map[string]bool {
	used := map[string]bool{}
	if c == nil {
		used[course.DefaultProvider] = true
		return used
	}
	p := c.Voice.Provider
	if p == "" {
		p = course.DefaultProvider
	}
	used[p] = true
	for _, l := range c.Lessons {
		for _, s := range l.Scenes {
			if s.NarrationAudio != "" || strings.TrimSpace(s.Narration) == "" {
				continue
			}
			if v := s.VoiceFor(l, c); v.Provider != "" {
				used[v.Provider] = true
			}
		}
	}
	return used
}

// tool describes one external program.
type tool struct {
	name    string
	args    []string       // asks for the version
	version *regexp.Regexp // first group: the version
	min     []int          // oldest supported version, or nil
	// provider, when set, makes the tool required only when the course
	// uses that narration provider (and optional otherwise).
	provider string
	// only, when set, shows the tool only when the course uses that
	// provider.
	only     string
	required bool
	purpose  string // what tecno uses it for, when optional
	apt      string // Debian/Ubuntu package
	brew     string // Homebrew formula
	binEnv   string // environment variable naming the program instead
	// encoders must all be listed by `-hide_banner -encoders`.
	encoders []string
}

var tools = []tool{
	{name: "ffmpeg", args: []string{"-version"}, version: regexp.MustCompile(`ffmpeg version (\S+)`), min: []int{4, 4},
		required: true, apt: "ffmpeg", brew: "ffmpeg", encoders: []string{"libx264", "aac"}},
	{name: "ffprobe", args: []string{"-version"}, version: regexp.MustCompile(`ffprobe version (\S+)`), min: []int{4, 4},
		required: true, apt: "ffmpeg", brew: "ffmpeg"},
	{name: "espeak-ng", args: []string{"--version"}, version: regexp.MustCompile(`eSpeak NG text-to-speech: (\S+)`),
		provider: "espeak-ng", purpose: "the offline espeak-ng voice", apt: "espeak-ng", brew: "espeak-ng"},
	{name: "flite", args: []string{"--version"}, version: regexp.MustCompile(`flite-(\S+)`),
		provider: "flite", purpose: "the offline flite voice", apt: "flite", brew: "flite"},
	{name: "piper", args: []string{"--version"}, version: regexp.MustCompile(`(\d+\.\d+\S*)`),
		provider: "piper", only: "piper", apt: "", brew: "", binEnv: "TECNO_PIPER_BIN"},
	{name: "pdftoppm", args: []string{"-v"}, version: regexp.MustCompile(`pdftoppm version (\S+)`),
		purpose: "page pictures from PDFs with ingest --keep-look", apt: "poppler-utils", brew: "poppler"},
	{name: "soffice", args: []string{"--version"}, version: regexp.MustCompile(`LibreOffice (\S+)`),
		purpose: "slide pictures from PPTX and DOCX with ingest --keep-look", apt: "libreoffice-impress", brew: "--cask libreoffice"},
	{name: "ffplay", args: []string{"-version"}, version: regexp.MustCompile(`ffplay version (\S+)`),
		purpose: "audio previews in tecno review", apt: "ffmpeg", brew: "ffmpeg"},
}

// fix is the install command for t.
func (t tool) fix() string {
	switch {
	case t.name == "piper":
		return "install piper from https://github.com/rhasspy/piper/releases and put it on PATH, or set TECNO_PIPER_BIN"
	case t.apt != "" && t.brew != "":
		return fmt.Sprintf("sudo apt-get install -y %s   (macOS: brew install %s)", t.apt, t.brew)
	}
	return ""
}

func (t tool) check(ctx context.Context, o Options, used map[string]bool) Check {
	required := t.required || (t.provider != "" && used[t.provider])
	c := Check{Name: t.name}
	bin := ""
	if t.binEnv != "" {
		bin = o.Getenv(t.binEnv)
	}
	path, err := LookPath(orDefault(bin, t.name), o.Getenv("PATH"))
	if err != nil {
		c.Fix = t.fix()
		if required {
			c.Status = Fail
			c.Message = "not found on PATH"
			if t.provider != "" {
				c.Message += fmt.Sprintf("; the course narrates with %s", t.provider)
			}
		} else {
			c.Status = Warn
			c.Message = "not found (optional: " + orDefault(t.purpose, "not used by this course") + ")"
		}
		return c
	}
	out, err := runTool(ctx, o.Timeout, path, t.args...)
	m := t.version.FindSubmatch(out)
	if m == nil {
		c.Status = Warn
		if required {
			c.Status = Fail
		}
		c.Message = fmt.Sprintf("%s does not run: %s", path, firstLine(out, err))
		c.Fix = t.fix()
		return c
	}
	ver := string(m[1])
	c.Status, c.Message = OK, ver
	if t.min != nil {
		switch v, ok := parseVersion(ver); {
		case !ok:
			c.Message = ver + " (a development build; cannot check it is " + joinVersion(t.min) + " or newer)"
			c.Status = Warn
		case less(v, t.min):
			c.Status = Fail
			c.Message = fmt.Sprintf("%s is too old: tecno needs %s or newer", ver, joinVersion(t.min))
			c.Fix = t.fix()
			return c
		}
	}
	if len(t.encoders) > 0 {
		list, err := runTool(ctx, o.Timeout, path, "-hide_banner", "-encoders")
		var missing []string
		for _, e := range t.encoders {
			if !hasEncoder(list, e) {
				missing = append(missing, e)
			}
		}
		if len(missing) > 0 {
			c.Status = Fail
			c.Message = fmt.Sprintf("%s lacks the %s encoder(s)", ver, strings.Join(missing, " and "))
			if err != nil {
				c.Message = fmt.Sprintf("%s: cannot list encoders: %s", ver, firstLine(list, err))
			}
			c.Fix = "install an ffmpeg built with libx264 and aac: sudo apt-get install -y ffmpeg   (macOS: brew install ffmpeg)"
			return c
		}
		c.Message += " with " + strings.Join(t.encoders, " and ")
	}
	if !required && t.purpose != "" {
		c.Message += " (optional: " + t.purpose + ")"
	}
	return c
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// runTool runs a program and returns its combined output. Version
// banners go to stdout or stderr depending on the program.
func runTool(ctx context.Context, timeout time.Duration, path string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

func firstLine(out []byte, err error) string {
	s := strings.TrimSpace(string(out))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" && err != nil {
		return err.Error()
	}
	if s == "" {
		return "no version in its output"
	}
	return s
}

// encoderRe matches one line of `ffmpeg -encoders`: " V....D libx264  ...".
var encoderRe = regexp.MustCompile(`(?m)^\s*[VAS][A-Z.]{5}\s+(\S+)`)

func hasEncoder(list []byte, name string) bool {
	for _, m := range encoderRe.FindAllSubmatch(list, -1) {
		if string(m[1]) == name {
			return true
		}
	}
	return false
}

var versionNumRe = regexp.MustCompile(`^[nv]?(\d+)(?:\.(\d+))?(?:\.(\d+))?`)

// parseVersion reads "5.1.6-0+deb12u1", "n6.1" or "4.4": ok is false for
// development snapshots such as "N-113348-g0a5f0ac1e2" or "git-2023-...".
func parseVersion(s string) ([]int, bool) {
	m := versionNumRe.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	var v []int
	for _, p := range m[1:] {
		if p == "" {
			p = "0"
		}
		n, _ := strconv.Atoi(p)
		v = append(v, n)
	}
	return v, true
}

func less(v, min []int) bool {
	for i := range min {
		x := 0
		if i < len(v) {
			x = v[i]
		}
		if x != min[i] {
			return x < min[i]
		}
	}
	return false
}

func joinVersion(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

// LookPath finds an executable like exec.LookPath, but in the given PATH
// value rather than the process's, so a caller can check another
// environment. A name with a path separator is checked as it is.
func LookPath(name, pathList string) (string, error) {
	if strings.ContainsRune(name, filepath.Separator) || strings.ContainsRune(name, '/') {
		if isExecutable(name) {
			return name, nil
		}
		return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			if a, err := filepath.Abs(p); err == nil {
				return a, nil
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// keySpec is a cloud provider's credentials: any one of the sets, each
// needing all of its variables.
type keySpec struct {
	provider string
	sets     [][]string
	where    string // where to get one
	use      string // what it is for
}

var keySpecs = []keySpec{
	{"openai", [][]string{{"OPENAI_API_KEY"}}, "https://platform.openai.com/api-keys", "openai voices"},
	{"elevenlabs", [][]string{{"ELEVENLABS_API_KEY"}}, "https://elevenlabs.io/app/settings/api-keys", "elevenlabs voices"},
	{"azure", [][]string{{"AZURE_SPEECH_KEY", "AZURE_SPEECH_REGION"}}, "the Azure portal: Speech resource, Keys and Endpoint", "azure voices"},
	{"google", [][]string{{"GOOGLE_API_KEY"}, {"GOOGLE_ACCESS_TOKEN"}}, "https://console.cloud.google.com/apis/credentials", "google voices"},
	{"d-id", [][]string{{"DID_API_KEY"}}, "https://studio.d-id.com/account-settings", "d-id presenter videos"},
}

// keyChecks reports which provider keys are set. Values are never read
// beyond checking they are not empty.
func keyChecks(getenv func(string) string, used map[string]bool) []Check {
	var out []Check
	for _, k := range keySpecs {
		c := Check{Name: k.provider + " key"}
		set := func(v string) bool { return strings.TrimSpace(getenv(v)) != "" }
		var have, partial []string
		for _, s := range k.sets {
			n := 0
			for _, v := range s {
				if set(v) {
					n++
				}
			}
			switch {
			case n == len(s):
				have = s
			case n > 0 && partial == nil:
				partial = s
			}
			if have != nil {
				break
			}
		}
		all := make([]string, len(k.sets))
		for i, s := range k.sets {
			all[i] = strings.Join(s, " and ")
		}
		names := strings.Join(all, " or ")
		switch {
		case have != nil:
			c.Status = OK
			c.Message = strings.Join(have, " and ") + " set"
		case partial != nil:
			var missing []string
			for _, v := range partial {
				if !set(v) {
					missing = append(missing, v)
				}
			}
			c.Status = Warn
			c.Message = fmt.Sprintf("%s set, but %s not", strings.Join(setOf(partial, set), " and "), strings.Join(missing, " and "))
			c.Fix = "export " + strings.Join(missing, "=… ") + "=…"
		default:
			c.Status = Warn
			c.Message = names + " not set (only needed for " + k.use + ")"
			c.Fix = "export " + strings.ReplaceAll(strings.Join(k.sets[0], "=… "), " and ", "") + "=…   (get one at " + k.where + ")"
		}
		if c.Status != OK && used[k.provider] {
			c.Status = Fail
			c.Message = strings.Replace(c.Message, " (only needed for "+k.use+")", "", 1) + "; the course narrates with " + k.provider
		}
		out = append(out, c)
	}
	return out
}

func setOf(vars []string, set func(string) bool) []string {
	var out []string
	for _, v := range vars {
		if set(v) {
			out = append(out, v)
		}
	}
	return out
}
