// Package espeak is the espeak-ng narration provider, tecno's default
// voice: offline, fast and available for about a hundred languages. It
// runs the espeak-ng program, text on stdin and WAV on stdout.
package espeak

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
)

// Name is the provider id used in course.yaml.
const Name = "espeak-ng"

// Speed and pitch settings of espeak-ng.
const (
	baseWPM  = 175 // espeak-ng's default speed, words per minute
	minWPM   = 80
	maxWPM   = 450
	basePch  = 50 // espeak-ng's default pitch, 0..99
	maxPitch = 99
	// pitchPerSemitone converts semitones to espeak-ng pitch units. It was
	// measured on en-us: F0 is 65 Hz at -p 30, 82 Hz at 50, 105 Hz at 70
	// and 134 Hz at 90, about 4.2 semitones per 20 units.
	pitchPerSemitone = 4.8
)

// Provider runs espeak-ng. The zero value is not usable; call New. It
// implements narrate.Batcher: the one-clause chunks of a narration are
// spoken by a single espeak-ng process (see batch.go).
type Provider struct {
	bin string

	versionMu sync.Mutex
	version   string

	voicesMu sync.Mutex
	entries  []voiceEntry
	voices   []narrate.VoiceInfo
	variants map[string]bool

	// Batching (batch.go): calibrations measured once per voice, and the
	// break between chunks (0 = breakMillis; tests change it).
	calMu   sync.Mutex
	cal     map[probeKey]*probeEntry
	memo    narrate.Memo // remembers calibrations between runs; nil: this run only
	breakMs int
}

// New returns a provider that runs "espeak-ng" from PATH.
func New() *Provider { return &Provider{bin: "espeak-ng"} }

// NewWithBinary returns a provider that runs the given espeak-ng program.
func NewWithBinary(bin string) *Provider { return &Provider{bin: bin} }

// Name implements narrate.Provider.
func (p *Provider) Name() string { return Name }

// MaxChars implements narrate.Provider. espeak-ng has no real limit; this
// keeps one process's output to a few minutes of audio.
func (p *Provider) MaxChars() int { return 5000 }

// Fingerprint implements narrate.Provider: the engine version (asked once
// per process) and the voice name.
func (p *Provider) Fingerprint(ctx context.Context, v course.Voice) (string, error) {
	version, err := p.Version(ctx)
	if err != nil {
		return "", err
	}
	return "espeak-ng " + version + " voice=" + voiceName(v), nil
}

// Version returns the espeak-ng version line, asking the program once per
// provider (a failure is not remembered, so a cancelled call can be
// retried).
func (p *Provider) Version(ctx context.Context) (string, error) {
	p.versionMu.Lock()
	defer p.versionMu.Unlock()
	if p.version != "" {
		return p.version, nil
	}
	out, err := p.run(ctx, nil, "--version")
	if err != nil {
		return "", err
	}
	p.version = parseVersion(string(out))
	if p.version == "" {
		return "", fault.New(fault.Provider, "espeak-ng --version printed nothing")
	}
	return p.version, nil
}

// parseVersion keeps the version line of `espeak-ng --version` without the
// data path ("eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/…"), so
// cache keys do not depend on where the data is installed.
func parseVersion(out string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	if i := strings.Index(line, "Data at:"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}

// voiceName is the -v argument for v: its name, else the default voice for
// its language.
func voiceName(v course.Voice) string {
	if v.Name != "" {
		return v.Name
	}
	return narrate.DefaultVoice(v.Language).Name
}

// Args returns the espeak-ng arguments for a voice (text goes on stdin).
func Args(v course.Voice) []string {
	return []string{
		"--stdout",
		"-b", "1", // input is UTF-8
		"-v", voiceName(v),
		"-s", strconv.Itoa(speed(v.Rate)),
		"-p", strconv.Itoa(pitch(v.Pitch)),
	}
}

// speed converts a rate (1 = normal) to words per minute.
func speed(rate float64) int {
	if rate <= 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		rate = 1
	}
	return int(math.Round(min(max(baseWPM*rate, minWPM), maxWPM)))
}

// pitch converts semitones (0 = default) to espeak-ng's 0..99 scale.
func pitch(semitones float64) int {
	if math.IsNaN(semitones) || math.IsInf(semitones, 0) {
		semitones = 0
	}
	return int(math.Round(min(max(basePch+pitchPerSemitone*semitones, 0), maxPitch)))
}

// Synthesize implements narrate.Provider.
func (p *Provider) Synthesize(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	// espeak-ng reads a line break as a clause end; the text arrives
	// already split into sentences, so flatten it.
	text := strings.Join(strings.Fields(req.Text), " ")
	if text == "" {
		return narrate.Result{}, nil
	}
	if name := voiceName(req.Voice); strings.Contains(name, "+") {
		// espeak-ng ignores an unknown variant without a word; an unknown
		// voice it reports itself.
		if err := p.CheckVoice(ctx, name); err != nil {
			return narrate.Result{}, err
		}
	}
	out, err := p.run(ctx, strings.NewReader(text+"\n"), Args(req.Voice)...)
	if err != nil {
		return narrate.Result{}, err
	}
	a, err := narrate.DecodeWAV(bytes.NewReader(out))
	if err != nil {
		return narrate.Result{}, fault.New(fault.Provider, "espeak-ng wrote audio tecno cannot read: %v", err).Wrap(err)
	}
	return narrate.Result{Audio: a}, nil
}

// run runs espeak-ng and returns its stdout.
func (p *Provider) run(ctx context.Context, stdin *strings.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, p.bin, args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("espeak-ng: %w", ctx.Err())
	}
	if cmd.ProcessState == nil && (errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist)) {
		return nil, missing(p.bin, err)
	}
	tail := stderrTail(stderr.String())
	if strings.Contains(tail, "voice does not exist") {
		name := ""
		if i := slices.Index(args, "-v"); i >= 0 && i+1 < len(args) {
			name = args[i+1]
		}
		return nil, fault.New(fault.Input, "espeak-ng has no voice %q", name).
			WithHint("list the voices with: espeak-ng --voices").Wrap(err)
	}
	return nil, fault.New(fault.Provider, "espeak-ng %s failed: %v: %s", strings.Join(args, " "), err, tail).Wrap(err)
}

// missing is the error for an espeak-ng that is not installed.
func missing(bin string, err error) error {
	e := fault.New(fault.Dependency, "espeak-ng not found")
	if bin != "espeak-ng" {
		e.Msg = fmt.Sprintf("espeak-ng not found at %q", bin)
	}
	return e.WithHint("install it: sudo apt-get install espeak-ng").
		WithHint("on macOS: brew install espeak-ng").Wrap(err)
}

// stderrTail returns the last few lines of a program's stderr.
func stderrTail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	t := strings.Join(lines, " | ")
	if t == "" {
		return "(no output on stderr)"
	}
	return t
}
