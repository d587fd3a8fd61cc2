// Package flite is the CMU Flite narration provider: offline, small, and
// English only. It runs the flite program once per sentence and reports
// word timings.
//
// # Word timings
//
// flite -psdur prints every phone of the utterance with its end time, but
// not which word each phone belongs to. To group phones into words the
// provider runs flite a second time, with -ps, on the same words each
// followed by a period: flite then puts a pause ("pau") after every word,
// which splits its phone list into one group per word. The utterance's
// timed phones are aligned to those groups by edit distance (the two
// differ a little: "a" is "ax" in a sentence but "ey" on its own, "the"
// is "dh ax" or "dh iy"), and each word's start and end are those of its
// phones. A word that has no phones (a lone dash) gets no timing. When
// the groups cannot be matched to the words (a token that flite splits
// with a pause of its own, such as "a,b"), the result has no word
// timings, and tecno's narrate package falls back to one synthesis per
// cue, which times cues from the audio itself.
package flite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
)

// Name is the provider id used in course.yaml.
const Name = "flite"

// DefaultVoice is used when a course names no flite voice.
const DefaultVoice = "slt"

// Provider runs flite. Create it with New.
type Provider struct {
	bin string

	versionMu sync.Mutex
	version   string

	voicesMu sync.Mutex
	voices   []string
}

// New returns a provider that runs "flite" from PATH.
func New() *Provider { return &Provider{bin: "flite"} }

// NewWithBinary returns a provider that runs the given flite program.
func NewWithBinary(bin string) *Provider { return &Provider{bin: bin} }

// Name implements narrate.Provider.
func (p *Provider) Name() string { return Name }

// MaxChars implements narrate.Provider. The text goes on the command line.
func (p *Provider) MaxChars() int { return 1000 }

// WordTimings implements narrate.WordTimer: flite reports phone timings,
// grouped into words as the package documentation explains.
func (p *Provider) WordTimings(course.Voice) bool { return true }

// Fingerprint implements narrate.Provider: the flite version, the voice,
// and for a voice file its SHA-256.
func (p *Provider) Fingerprint(ctx context.Context, v course.Voice) (string, error) {
	version, err := p.Version(ctx)
	if err != nil {
		return "", err
	}
	name := voiceName(v)
	fp := "flite " + version + " voice=" + name
	if isVoiceFile(name) {
		sum, err := fileSum(name)
		if err != nil {
			return "", fault.New(fault.Input, "flite voice file %s: %v", name, err).Wrap(err)
		}
		fp += " sha256=" + sum
	}
	return fp, nil
}

// Version returns flite's version ("flite-2.2-current Sep 2018"), asking
// the program once per provider.
func (p *Provider) Version(ctx context.Context) (string, error) {
	p.versionMu.Lock()
	defer p.versionMu.Unlock()
	if p.version != "" {
		return p.version, nil
	}
	// flite --version prints its version and exits with status 1.
	out, err := exec.CommandContext(ctx, p.bin, "--version").Output()
	if v := parseVersion(string(out)); strings.HasPrefix(v, "flite-") {
		p.version = v
		return v, nil
	}
	if _, _, rerr := p.run(ctx, "-lv"); rerr != nil {
		return "", rerr // not installed, or cancelled
	}
	return "", fault.New(fault.Provider, "cannot read the flite version from %q: %v", strings.TrimSpace(string(out)), err)
}

// parseVersion picks "flite-2.2-current Sep 2018" out of `flite --version`.
func parseVersion(out string) string {
	for line := range strings.Lines(out) {
		if _, v, ok := strings.Cut(line, "version:"); ok {
			v, _, _ = strings.Cut(v, "(")
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func voiceName(v course.Voice) string {
	if v.Name != "" {
		return v.Name
	}
	return DefaultVoice
}

// isVoiceFile reports whether a voice name is a path to a .flitevox file
// rather than a built-in voice.
func isVoiceFile(name string) bool {
	return strings.ContainsRune(name, os.PathSeparator) || strings.HasSuffix(name, ".flitevox")
}

func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Voices lists flite's built-in voices (`flite -lv`).
func (p *Provider) Voices(ctx context.Context) ([]narrate.VoiceInfo, error) {
	names, err := p.voiceNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]narrate.VoiceInfo, 0, len(names))
	for _, n := range names {
		out = append(out, narrate.VoiceInfo{Provider: Name, Name: n, Language: "en-US", Gender: voiceGender[n], Description: voiceDescription[n]})
	}
	return out, nil
}

var voiceGender = map[string]string{"kal": "male", "kal16": "male", "awb": "male", "rms": "male", "slt": "female", "awb_time": "male"}

var voiceDescription = map[string]string{
	"kal":      "diphone, 8 kHz",
	"kal16":    "diphone, 16 kHz",
	"awb":      "Scottish English, 16 kHz",
	"rms":      "US English, 16 kHz",
	"slt":      "US English, 16 kHz",
	"awb_time": "limited domain: speaks the time only",
}

func (p *Provider) voiceNames(ctx context.Context) ([]string, error) {
	p.voicesMu.Lock()
	defer p.voicesMu.Unlock()
	if p.voices != nil {
		return p.voices, nil
	}
	out, _, err := p.run(ctx, "-lv")
	if err != nil {
		return nil, err
	}
	vs := parseVoiceList(string(out))
	if len(vs) == 0 {
		return nil, fault.New(fault.Provider, "flite -lv listed no voices: %q", strings.TrimSpace(string(out)))
	}
	p.voices = vs
	return vs, nil
}

// parseVoiceList parses "Voices available: kal awb_time kal16 awb rms slt".
func parseVoiceList(out string) []string {
	_, list, ok := strings.Cut(out, ":")
	if !ok {
		return nil
	}
	return strings.Fields(list)
}

// CheckVoice returns an input error when flite would not use the voice as
// named: flite silently falls back to its default voice for an unknown
// name, so this check is the only way to catch a typo.
func (p *Provider) CheckVoice(ctx context.Context, name string) error {
	if name == "" {
		name = DefaultVoice
	}
	if isVoiceFile(name) {
		if _, err := os.Stat(name); err != nil {
			return fault.New(fault.Input, "flite voice file %s not found", name).Wrap(err)
		}
		return nil
	}
	names, err := p.voiceNames(ctx)
	if err != nil {
		return err
	}
	if name == "awb_time" {
		return fault.New(fault.Input, "flite voice %q only speaks the time of day", name).
			WithHint("use one of: %s", strings.Join(slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == "awb_time" }), ", "))
	}
	if slices.Contains(names, name) {
		return nil
	}
	e := fault.New(fault.Input, "flite has no voice %q", name)
	if s := narrate.DidYouMean(name, names); s != "" {
		e.Msg += " (did you mean \"" + s + "\"?)"
	}
	return e.WithHint("flite voices: %s", strings.Join(names, ", "))
}

// Args returns the flite arguments that speak text with v into out.
func Args(v course.Voice, text, out string) []string {
	name := voiceName(v)
	args := []string{"-voice", name}
	if v.Rate > 0 && v.Rate != 1 && !math.IsInf(v.Rate, 0) {
		// The kal diphone voices default to a stretch of 1.1, the
		// others to 1.
		base := 1.0
		if name == "kal" || name == "kal16" {
			base = 1.1
		}
		args = append(args, "--setf", "duration_stretch="+strconv.FormatFloat(base/v.Rate, 'f', 4, 64))
	}
	if v.Pitch != 0 && !math.IsNaN(v.Pitch) && !math.IsInf(v.Pitch, 0) {
		shift := math.Pow(2, v.Pitch/12)
		args = append(args, "--setf", "f0_shift="+strconv.FormatFloat(shift, 'f', 4, 64))
	}
	return append(args, "-psdur", "-t", text, "-o", out)
}

// Synthesize implements narrate.Provider.
func (p *Provider) Synthesize(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	lang := req.Language
	if lang == "" {
		lang = req.Voice.Language
	}
	if primary, _, _ := strings.Cut(strings.ToLower(lang), "-"); primary != "" && primary != "en" {
		return narrate.Result{}, fault.New(fault.Input, "flite speaks English only, not %q", lang).
			WithHint("use espeak-ng for this language: voice: {provider: espeak-ng, name: %s}", narrate.DefaultVoice(lang).Name)
	}
	name := voiceName(req.Voice)
	if err := p.CheckVoice(ctx, name); err != nil {
		return narrate.Result{}, err
	}
	if req.Voice.Pitch != 0 && name == "rms" {
		return narrate.Result{}, fault.New(fault.Input, "flite voice rms cannot change pitch").
			WithHint("remove the voice pitch, or use flite voice slt, awb, kal or kal16")
	}
	text := strings.Join(strings.Fields(req.Text), " ")
	if text == "" {
		return narrate.Result{}, nil
	}
	dir, err := os.MkdirTemp("", "tecno-flite-")
	if err != nil {
		return narrate.Result{}, err
	}
	defer os.RemoveAll(dir)
	wav := filepath.Join(dir, "out.wav")
	out, _, err := p.run(ctx, Args(req.Voice, text, wav)...)
	if err != nil {
		return narrate.Result{}, err
	}
	f, err := os.Open(wav)
	if err != nil {
		return narrate.Result{}, fault.New(fault.Provider, "flite wrote no audio: %v", err).Wrap(err)
	}
	a, err := narrate.DecodeWAV(f)
	f.Close()
	if err != nil {
		return narrate.Result{}, fault.New(fault.Provider, "flite wrote audio tecno cannot read: %v", err).Wrap(err)
	}
	res := narrate.Result{Audio: a}
	phones := parsePhones(string(out))
	if len(phones) == 0 {
		return res, nil
	}
	tokens := strings.Fields(text)
	groups, err := p.wordPhones(ctx, name, tokens)
	if err != nil {
		return narrate.Result{}, err
	}
	if groups != nil {
		res.Words = alignPhones(phones, tokens, groups)
	}
	return res, nil
}

// phone is one timed phone of an utterance.
type phone struct {
	name       string
	start, end float64
}

// parsePhones parses -psdur output, "pau:0.220 hh:0.295 …", where each
// number is the phone's end time in seconds.
func parsePhones(out string) []phone {
	var ps []phone
	prev := 0.0
	for _, f := range strings.Fields(out) {
		name, t, ok := strings.Cut(f, ":")
		if !ok || name == "" {
			continue
		}
		end, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(end) || end < prev {
			continue
		}
		ps = append(ps, phone{name: name, start: prev, end: end})
		prev = end
	}
	return ps
}

// wordPhones returns, for each token, its phones as flite says it alone
// (nil for a token with no phones), or nil when flite's word groups cannot
// be matched to the tokens.
func (p *Provider) wordPhones(ctx context.Context, voice string, tokens []string) ([][]string, error) {
	// Tokens with no letter or digit ("—", "&") may or may not be spoken;
	// ask flite about each of them alone.
	silent := make([]bool, len(tokens))
	asked := map[string]bool{}
	for i, t := range tokens {
		if strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			continue
		}
		s, ok := asked[t]
		if !ok {
			out, _, err := p.run(ctx, "-voice", voice, "-ps", "-t", t+".", "-o", "none")
			if err != nil {
				return nil, err
			}
			s = len(phoneGroups(string(out))) == 0
			asked[t] = s
		}
		silent[i] = s
	}
	var b strings.Builder
	for i, t := range tokens {
		if silent[i] {
			continue
		}
		b.WriteString(t)
		b.WriteString(". ")
	}
	if b.Len() == 0 {
		return make([][]string, len(tokens)), nil
	}
	out, _, err := p.run(ctx, "-voice", voice, "-ps", "-t", b.String(), "-o", "none")
	if err != nil {
		return nil, err
	}
	gs := phoneGroups(string(out))
	spoken := 0
	for _, s := range silent {
		if !s {
			spoken++
		}
	}
	if len(gs) != spoken {
		return nil, nil
	}
	groups := make([][]string, len(tokens))
	k := 0
	for i := range tokens {
		if !silent[i] {
			groups[i] = gs[k]
			k++
		}
	}
	return groups, nil
}

// phoneGroups splits -ps output ("pau hh ax l ow pau w er l d pau") into
// the phone runs between pauses.
func phoneGroups(out string) [][]string {
	var gs [][]string
	var cur []string
	for _, f := range strings.Fields(out) {
		if f == "pau" {
			if len(cur) > 0 {
				gs = append(gs, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, f)
	}
	if len(cur) > 0 {
		gs = append(gs, cur)
	}
	return gs
}

// alignPhones aligns the utterance's timed phones (pauses excluded) to the
// tokens' dictionary phones by edit distance, and times each token by the
// phones aligned to it. Tokens with no aligned phone are left out.
func alignPhones(phones []phone, tokens []string, groups [][]string) []narrate.Timing {
	var u []phone
	for _, ph := range phones {
		if ph.name != "pau" {
			u = append(u, ph)
		}
	}
	var d []string
	var owner []int
	for i, g := range groups {
		for _, ph := range g {
			d = append(d, ph)
			owner = append(owner, i)
		}
	}
	n, m := len(u), len(d)
	if n == 0 || m == 0 {
		return nil
	}
	// cost[i][j]: edit distance between u[:i] and d[:j].
	cost := make([][]int, n+1)
	for i := range cost {
		cost[i] = make([]int, m+1)
		cost[i][0] = i
	}
	for j := 0; j <= m; j++ {
		cost[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			sub := 1
			if u[i-1].name == d[j-1] {
				sub = 0
			}
			cost[i][j] = min(cost[i-1][j-1]+sub, cost[i-1][j]+1, cost[i][j-1]+1)
		}
	}
	// Walk back, giving each utterance phone the owner of its partner.
	tok := make([]int, n)
	for i := range tok {
		tok[i] = -1
	}
	for i, j := n, m; i > 0; {
		switch {
		case j > 0 && cost[i][j] == cost[i-1][j-1]+boolInt(u[i-1].name != d[j-1]):
			tok[i-1] = owner[j-1]
			i--
			j--
		case cost[i][j] == cost[i-1][j]+1:
			i-- // a phone only the utterance has; filled in below
		default:
			j--
		}
	}
	// Unmatched phones join the token before them (or after, at the start).
	for i := range tok {
		if tok[i] < 0 && i > 0 {
			tok[i] = tok[i-1]
		}
	}
	for i := n - 1; i >= 0; i-- {
		if tok[i] < 0 && i+1 < n {
			tok[i] = tok[i+1]
		}
	}
	start := make([]float64, len(tokens))
	end := make([]float64, len(tokens))
	seen := make([]bool, len(tokens))
	for i, t := range tok {
		if t < 0 {
			continue
		}
		if !seen[t] {
			start[t], end[t], seen[t] = u[i].start, u[i].end, true
			continue
		}
		start[t] = min(start[t], u[i].start)
		end[t] = max(end[t], u[i].end)
	}
	var out []narrate.Timing
	for i, t := range tokens {
		if seen[i] {
			out = append(out, narrate.Timing{Text: t, Start: start[i], End: end[i]})
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// run runs flite and returns its stdout and stderr.
func (p *Provider) run(ctx context.Context, args ...string) ([]byte, []byte, error) {
	cmd := exec.CommandContext(ctx, p.bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), stderr.Bytes(), nil
	}
	if ctx.Err() != nil {
		return nil, nil, fmt.Errorf("flite: %w", ctx.Err())
	}
	if cmd.ProcessState == nil && (errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist)) {
		e := fault.New(fault.Dependency, "flite not found")
		if p.bin != "flite" {
			e.Msg = fmt.Sprintf("flite not found at %q", p.bin)
		}
		return nil, nil, e.WithHint("install it: sudo apt-get install flite").
			WithHint("on macOS: brew install flite").Wrap(err)
	}
	tail := strings.TrimSpace(stderr.String())
	if lines := strings.Split(tail, "\n"); len(lines) > 5 {
		tail = strings.Join(lines[len(lines)-5:], "\n")
	}
	if tail == "" {
		tail = "(no output on stderr)"
	}
	return nil, nil, fault.New(fault.Provider, "flite failed: %v: %s", err, strings.ReplaceAll(tail, "\n", " | ")).Wrap(err)
}
