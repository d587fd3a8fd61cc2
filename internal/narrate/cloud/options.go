package cloud

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tecno-video/tecno/internal/fault"
)

// Defaults for Options.
const (
	DefaultTimeout       = 60 * time.Second
	DefaultMaxInflight   = 4
	DefaultMaxAttempts   = 5
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 30 * time.Second
	DefaultMaxRetryAfter = 2 * time.Minute
	// DefaultMaxBody caps a response body. Ten minutes of 44.1 kHz 16-bit
	// mono audio, base64 encoded in JSON, is about 71 MB.
	DefaultMaxBody = 128 << 20
)

// Options tunes the HTTP client shared by the cloud providers. The zero
// value is ready to use: every zero field takes its default.
type Options struct {
	// Timeout bounds one attempt, from dialling to the last body byte.
	Timeout time.Duration
	// MaxInflight caps the requests to this provider in flight at once.
	MaxInflight int
	// MaxAttempts is the number of tries, the first one included.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the exponential backoff between tries
	// (full jitter: a random wait in [0, min(MaxDelay, BaseDelay·2ⁿ)]).
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter is the longest server-requested wait (Retry-After,
	// retry-after-ms) that is honoured; a longer one ends the retries.
	MaxRetryAfter time.Duration
	// MaxBody caps a response body, in bytes.
	MaxBody int64

	// Offline forbids any network use: every request fails with an input
	// error before dialling. See also WithOffline.
	Offline bool

	// Logger receives one line per retry and per failure, with secrets
	// scrubbed. Nil discards.
	Logger *slog.Logger

	// DialContext replaces the dialer of the default transport (tests use
	// it to prove that no connection is opened).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Transport replaces the whole transport; DialContext is then unused.
	Transport http.RoundTripper

	// Sleep waits d or until ctx ends. Tests inject a recorder.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the backoff jitter.
	Rand func() float64
	// Now is the clock used to read HTTP-date Retry-After values.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxInflight <= 0 {
		o.MaxInflight = DefaultMaxInflight
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = DefaultBaseDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// LookupFunc reads one environment variable, like os.LookupEnv. Tests pass
// a map so that they never touch the process environment.
type LookupFunc func(key string) (string, bool)

// MapLookup returns a LookupFunc over m.
func MapLookup(m map[string]string) LookupFunc {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// Getenv returns the trimmed value of key, or "".
func (l LookupFunc) Getenv(key string) string {
	if l == nil {
		return ""
	}
	v, _ := l(key)
	return strings.TrimSpace(v)
}

// EnvPrefix returns the prefix of a provider's tuning variables:
// "TECNO_OPENAI_" for "openai".
func EnvPrefix(provider string) string {
	return "TECNO_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(provider)) + "_"
}

// OptionsFromEnv reads the provider's tuning variables into o, keeping o's
// values where a variable is unset:
//
//	TECNO_<PROVIDER>_MAX_INFLIGHT  requests in flight at once (integer ≥ 1)
//	TECNO_<PROVIDER>_TIMEOUT       per-request timeout ("90s", "2m" or seconds)
//	TECNO_<PROVIDER>_MAX_ATTEMPTS  tries per request, first one included
//
// A malformed value is an input error naming the variable.
func OptionsFromEnv(provider string, lookup LookupFunc, o Options) (Options, error) {
	p := EnvPrefix(provider)
	if v := lookup.Getenv(p + "MAX_INFLIGHT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return o, fault.New(fault.Input, "%sMAX_INFLIGHT=%q is not a whole number of at least 1", p, v).
				WithHint("export %sMAX_INFLIGHT=%d", p, DefaultMaxInflight)
		}
		o.MaxInflight = n
	}
	if v := lookup.Getenv(p + "MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return o, fault.New(fault.Input, "%sMAX_ATTEMPTS=%q is not a whole number of at least 1", p, v).
				WithHint("export %sMAX_ATTEMPTS=%d", p, DefaultMaxAttempts)
		}
		o.MaxAttempts = n
	}
	if v := lookup.Getenv(p + "TIMEOUT"); v != "" {
		d, err := parseDuration(v)
		if err != nil || d <= 0 {
			return o, fault.New(fault.Input, "%sTIMEOUT=%q is not a duration such as 90s or 2m", p, v).
				WithHint("export %sTIMEOUT=60s", p)
		}
		o.Timeout = d
	}
	return o, nil
}

func parseDuration(v string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(f * float64(time.Second)), nil
	}
	return time.ParseDuration(v)
}

type offlineKey struct{}

// WithOffline returns a context under which every cloud request fails with
// an input error before dialling (tecno build --offline).
func WithOffline(ctx context.Context) context.Context {
	return context.WithValue(ctx, offlineKey{}, true)
}

// IsOffline reports whether ctx forbids network use.
func IsOffline(ctx context.Context) bool {
	v, _ := ctx.Value(offlineKey{}).(bool)
	return v
}

// OfflineError is the error a cloud provider returns under --offline.
func OfflineError(provider string) *fault.Error {
	return fault.New(fault.Input, "scene needs cloud voice %q but --offline was given", provider).
		WithHint("drop --offline, or give the scene a local voice (provider: espeak-ng)")
}

// MissingKeyError is the error for a provider whose credentials are not set.
// vars lists the variables to set, in the order to mention them.
func MissingKeyError(provider string, vars ...string) *fault.Error {
	e := fault.New(fault.Provider, "%s: %s is not set", provider, strings.Join(vars, " and "))
	for _, v := range vars {
		e.WithHint("export %s=...", v)
	}
	e.WithHint("or choose a local voice (provider: espeak-ng)")
	return e
}

func emptyTextError(provider string) *fault.Error {
	return fault.New(fault.Input, "%s: narration text is empty", provider).
		WithHint("write the scene's narration, or remove its voice")
}

// BaseURL validates a base URL override and returns it without a trailing
// slash; "" gives def. Only http and https with a host are accepted.
func BaseURL(provider, raw, def string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return def, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		red := NewRedactor()
		return "", fault.New(fault.Input, "%sBASE_URL %q is not an http(s) URL", EnvPrefix(provider), red.RedactURL(raw)).
			WithHint("for example export %sBASE_URL=%s", EnvPrefix(provider), def)
	}
	return strings.TrimRight(raw, "/"), nil
}

// Clamp limits v to [lo, hi].
func Clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
