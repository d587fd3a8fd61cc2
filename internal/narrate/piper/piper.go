// Package piper is the Piper narration provider: offline neural voices
// from ONNX models (https://github.com/rhasspy/piper). It runs the piper
// program as its command-line interface documents, text on stdin:
//
//	piper --model en_US-lessac-medium.onnx --output_file out.wav
//
// The voice's model field is the .onnx file; piper reads its settings from
// the .onnx.json file next to it. A numeric voice name selects a speaker
// of a multi-speaker model (--speaker). The rate maps to --length_scale.
// Piper cannot change pitch, so a pitch is an error rather than ignored.
//
// The program is "piper" on PATH, or TECNO_PIPER_BIN.
//
// Testing: piper and its models are not installed where tecno's tests run,
// so the tests run testdata/fake-piper, a shell script that accepts the
// same arguments, checks them as piper does (model and config must exist),
// reads the text from stdin and writes a real WAV file (a fixture made
// with espeak-ng). What is tested is this package's side of the contract:
// arguments, stdin, the output file, error mapping.
package piper

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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/course"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate"
)

// Name is the provider id used in course.yaml.
const Name = "piper"

// BinEnv names the environment variable that overrides the piper program.
const BinEnv = "TECNO_PIPER_BIN"

// Provider runs piper. Create it with New.
type Provider struct {
	bin string

	versionOnce sync.Once
	version     string

	sums sync.Map // fileKey → sha256 hex
}

// New returns a provider that runs $TECNO_PIPER_BIN, or "piper" from PATH.
func New() *Provider {
	bin := os.Getenv(BinEnv)
	if bin == "" {
		bin = "piper"
	}
	return &Provider{bin: bin}
}

// NewWithBinary returns a provider that runs the given piper program.
func NewWithBinary(bin string) *Provider { return &Provider{bin: bin} }

// Name implements narrate.Provider.
func (p *Provider) Name() string { return Name }

// MaxChars implements narrate.Provider.
func (p *Provider) MaxChars() int { return 2000 }

// Fingerprint implements narrate.Provider: piper's version (when it
// reports one), the SHA-256 of the model and of its config, and the
// speaker.
func (p *Provider) Fingerprint(ctx context.Context, v course.Voice) (string, error) {
	model, config, err := modelFiles(v)
	if err != nil {
		return "", err
	}
	p.versionOnce.Do(func() {
		// Older piper builds have no --version; the model hashes below
		// are what matter most, so an unknown version is not an error.
		out, err := p.command(ctx, nil, "--version").Output()
		if err == nil {
			p.version = strings.TrimSpace(string(out))
		}
		if p.version == "" {
			p.version = "unknown"
		}
	})
	ms, err := p.sum(model)
	if err != nil {
		return "", err
	}
	cs, err := p.sum(config)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("piper %s model-sha256=%s config-sha256=%s speaker=%s", p.version, ms, cs, v.Name), nil
}

// sum hashes a file, remembering the result by path, size and time.
func (p *Provider) sum(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fault.New(fault.Input, "piper file %s: %v", path, err).Wrap(err)
	}
	key := fmt.Sprintf("%s\x00%d\x00%d", path, st.Size(), st.ModTime().UnixNano())
	if s, ok := p.sums.Load(key); ok {
		return s.(string), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fault.New(fault.Input, "piper file %s: %v", path, err).Wrap(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	s := hex.EncodeToString(h.Sum(nil))
	p.sums.Store(key, s)
	return s, nil
}

// modelFiles returns the model and config paths of v, checking they exist.
func modelFiles(v course.Voice) (model, config string, err error) {
	if v.Model == "" {
		return "", "", fault.New(fault.Input, "piper voice has no model").
			WithHint("set voice.model to a piper .onnx file, e.g. model: voices/en_US-lessac-medium.onnx").
			WithHint("download voices from https://huggingface.co/rhasspy/piper-voices")
	}
	if _, err := os.Stat(v.Model); err != nil {
		return "", "", fault.New(fault.Input, "piper model %s not found", v.Model).
			WithHint("download voices from https://huggingface.co/rhasspy/piper-voices").Wrap(err)
	}
	config = v.Model + ".json"
	if _, err := os.Stat(config); err != nil {
		return "", "", fault.New(fault.Input, "piper model config %s not found", config).
			WithHint("piper needs the .onnx.json file that comes with each model, next to the .onnx file").Wrap(err)
	}
	return v.Model, config, nil
}

// Args returns the piper arguments for a voice writing to out.
func Args(v course.Voice, out string) ([]string, error) {
	args := []string{"--model", v.Model, "--output_file", out}
	if v.Name != "" {
		id, err := strconv.Atoi(v.Name)
		if err != nil || id < 0 {
			return nil, fault.New(fault.Input, "piper voice name %q is not a speaker number", v.Name).
				WithHint("the piper voice is its model file (voice.model); voice.name selects a speaker of a multi-speaker model, e.g. name: \"3\"")
		}
		args = append(args, "--speaker", strconv.Itoa(id))
	}
	if v.Rate > 0 && v.Rate != 1 && !math.IsInf(v.Rate, 0) {
		args = append(args, "--length_scale", strconv.FormatFloat(1/v.Rate, 'f', 4, 64))
	}
	if v.Pitch != 0 {
		return nil, fault.New(fault.Input, "piper cannot change voice pitch").
			WithHint("remove voice.pitch, or choose a model with the pitch you want")
	}
	return args, nil
}

// Synthesize implements narrate.Provider.
func (p *Provider) Synthesize(ctx context.Context, req narrate.Request) (narrate.Result, error) {
	if _, _, err := modelFiles(req.Voice); err != nil {
		return narrate.Result{}, err
	}
	// piper speaks each input line separately; one chunk is one line.
	text := strings.Join(strings.Fields(req.Text), " ")
	if text == "" {
		return narrate.Result{}, nil
	}
	dir, err := os.MkdirTemp("", "tecno-piper-")
	if err != nil {
		return narrate.Result{}, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.wav")
	args, err := Args(req.Voice, out)
	if err != nil {
		return narrate.Result{}, err
	}
	cmd := p.command(ctx, strings.NewReader(text+"\n"), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return narrate.Result{}, p.failure(ctx, cmd, err, stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		return narrate.Result{}, fault.New(fault.Provider, "piper wrote no audio file: %s", tail(stderr.String())).Wrap(err)
	}
	defer f.Close()
	a, err := narrate.DecodeWAV(f)
	if err != nil {
		return narrate.Result{}, fault.New(fault.Provider, "piper wrote audio tecno cannot read: %v", err).Wrap(err)
	}
	return narrate.Result{Audio: a}, nil
}

func (p *Provider) command(ctx context.Context, stdin io.Reader, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, p.bin, args...)
	cmd.Stdin = stdin
	cmd.WaitDelay = time.Second
	return cmd
}

func (p *Provider) failure(ctx context.Context, cmd *exec.Cmd, err error, stderr string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("piper: %w", ctx.Err())
	}
	if cmd.ProcessState == nil && (errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist)) {
		return fault.New(fault.Dependency, "piper not found (looked for %q)", p.bin).
			WithHint("install piper from https://github.com/rhasspy/piper/releases, or pip install piper-tts").
			WithHint("or set %s to the piper program", BinEnv).Wrap(err)
	}
	return fault.New(fault.Provider, "piper failed: %v: %s", err, tail(stderr)).Wrap(err)
}

func tail(s string) string {
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
