// Package cloud holds what the cloud narration providers (OpenAI,
// ElevenLabs, Azure Speech, Google Cloud TTS) share: an HTTP client with
// per-request timeouts, a cap on requests in flight, retries with
// exponential backoff and full jitter that honour Retry-After, errors that
// never carry a secret, the --offline guard, audio decoding and checks,
// sentence-boundary chunking, fingerprints and cost estimates.
//
// Provider packages build requests with pure functions and hand them to
// Client.Do; they never touch net/http themselves.
package cloud

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tecno-video/tecno/internal/fault"
)

// Request is one HTTP call, fully built (URL, headers with credentials,
// body) by a provider's pure request builder.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is a successful (2xx) answer, read in full.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Attempts int // tries it took, the successful one included
}

// APIError is what a provider's error body says.
type APIError struct {
	Message string // the provider's own words, if any
	Code    string // machine-readable code, e.g. "insufficient_quota"
	// Quota marks an exhausted balance or spending limit: retrying cannot
	// help, whatever the status code (OpenAI answers 429 for it).
	Quota bool
	// Auth marks a rejected credential whatever the status code (Google
	// answers 400 to an invalid API key).
	Auth bool
}

// Spec describes a provider to the client.
type Spec struct {
	Name string // provider id: "openai"
	// KeyEnv names the credential variables, for hints on 401 and 403.
	KeyEnv []string
	// DecodeError reads a provider's error body. Nil keeps only a short
	// excerpt of the body.
	DecodeError func(status int, body []byte) APIError
	// Explain, when set, replaces the default explanation of a failed
	// status (which speaks of voices) where it returns a non-empty what or
	// non-nil hints. e is what DecodeError read. Credential failures keep
	// theirs.
	Explain func(status int, e APIError) (what string, hints []string)
	// Prefix replaces TECNO_<NAME>_ in hints, for a service whose variables
	// are spelled differently from its name (TECNO_DID_ for "d-id").
	Prefix string
}

// Client sends a provider's requests. It is safe for concurrent use; make
// one per provider so that each has its own cap on requests in flight.
type Client struct {
	spec   Spec
	opt    Options
	red    *Redactor
	http   *http.Client
	sem    chan struct{}
	prefix string // TECNO_<PROVIDER>_
}

// NewClient returns a client for spec. secrets are scrubbed from every
// error and log line (pass the API key, tokens, and anything else).
func NewClient(spec Spec, o Options, secrets ...string) *Client {
	o = o.withDefaults()
	tr := o.Transport
	if tr == nil {
		dial := o.DialContext
		if dial == nil {
			dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		}
		tr = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dial,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          4 * o.MaxInflight,
			MaxIdleConnsPerHost:   o.MaxInflight,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	return &Client{
		spec:   spec,
		opt:    o,
		red:    NewRedactor(secrets...),
		http:   &http.Client{Transport: tr},
		sem:    make(chan struct{}, o.MaxInflight),
		prefix: prefixOf(spec),
	}
}

func prefixOf(spec Spec) string {
	if spec.Prefix != "" {
		return spec.Prefix
	}
	return EnvPrefix(spec.Name)
}

// Redactor returns the client's redactor, for providers that build their
// own messages.
func (c *Client) Redactor() *Redactor { return c.red }

// Options returns the effective options (defaults filled in).
func (c *Client) Options() Options { return c.opt }

// Offline reports whether requests made under ctx must not touch the
// network.
func (c *Client) Offline(ctx context.Context) bool {
	return c.opt.Offline || IsOffline(ctx)
}

// Do sends req, retrying 408, 409, 429 and 5xx answers, timeouts and
// transport failures with backoff. It returns the first 2xx response read
// in full; anything else is a *fault.Error (kind Provider; Input under
// --offline) whose message names the provider and never holds a secret.
// Cancelling ctx returns an error wrapping context.Canceled at once.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if c.Offline(ctx) {
		return nil, OfflineError(c.spec.Name)
	}
	var (
		lastErr  *fault.Error
		attempts int
	)
	for attempt := 1; attempt <= c.opt.MaxAttempts; attempt++ {
		attempts = attempt
		resp, out := c.try(ctx, req)
		if out.cancelled != nil {
			return nil, out.cancelled
		}
		if out.err == nil {
			resp.Attempts = attempt
			return resp, nil
		}
		lastErr = out.err
		if !out.retry || attempt == c.opt.MaxAttempts {
			break
		}
		wait, fromServer := c.backoff(attempt, out.header)
		if fromServer && wait > c.opt.MaxRetryAfter {
			c.opt.Logger.Warn("narration request not retried: server asked for a long wait",
				"provider", c.spec.Name, "attempt", attempt, "retry_after", wait.String(),
				"error", lastErr.Msg)
			lastErr.Msg += fmt.Sprintf("; the server asked to retry after %s", wait.Round(time.Second))
			lastErr.WithHint("wait and run the build again; finished scenes are cached")
			return nil, lastErr
		}
		c.opt.Logger.Info("narration request failed, retrying",
			"provider", c.spec.Name, "attempt", attempt, "max_attempts", c.opt.MaxAttempts,
			"wait", wait.String(), "server_wait", fromServer, "error", lastErr.Msg)
		if err := c.opt.Sleep(ctx, wait); err != nil {
			if ctx.Err() != nil {
				return nil, c.cancelled(ctx)
			}
			return nil, lastErr
		}
	}
	if attempts > 1 {
		lastErr.Msg += fmt.Sprintf(" (gave up after %d attempts)", attempts)
	}
	c.opt.Logger.Debug("narration request failed", "provider", c.spec.Name,
		"attempts", attempts, "error", lastErr.Msg)
	return nil, lastErr
}

// outcome is the result of one try.
type outcome struct {
	err       *fault.Error // nil on success
	retry     bool         // whether another try may help
	header    http.Header  // response headers, for Retry-After
	cancelled error        // set when the caller's ctx ended
}

func (c *Client) try(ctx context.Context, req Request) (*Response, outcome) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, outcome{cancelled: c.cancelled(ctx)}
	}
	defer func() { <-c.sem }()

	actx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(actx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		// A malformed URL comes from configuration (a base URL override).
		return nil, outcome{err: fault.New(fault.Input, "%s: cannot build request for %s: %s",
			c.spec.Name, c.red.RedactURL(req.URL), c.red.String(errorText(err))).
			WithHint("check %sBASE_URL", c.prefix)}
	}
	for k, vs := range req.Header {
		hr.Header[k] = append([]string(nil), vs...)
	}
	if hr.Header.Get("User-Agent") == "" {
		hr.Header.Set("User-Agent", "tecno")
	}
	start := time.Now()
	c.opt.Logger.Debug("narration request", "provider", c.spec.Name, "method", req.Method,
		"url", c.red.RedactURL(req.URL), "bytes", len(req.Body))

	res, err := c.http.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, outcome{cancelled: c.cancelled(ctx)}
		}
		return nil, c.transportOutcome(err, actx)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, c.opt.MaxBody+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, outcome{cancelled: c.cancelled(ctx)}
		}
		if actx.Err() != nil {
			return nil, c.timeoutOutcome(res.Header)
		}
		return nil, outcome{
			err: c.wrap(fault.New(fault.Provider, "%s: response body truncated after %d bytes: %s",
				c.spec.Name, len(body), c.red.String(errorText(err))), err),
			retry:  true,
			header: res.Header,
		}
	}
	if int64(len(body)) > c.opt.MaxBody {
		return nil, outcome{err: fault.New(fault.Provider, "%s: response larger than %d MB",
			c.spec.Name, c.opt.MaxBody>>20).WithHint("split the narration into shorter scenes")}
	}
	c.opt.Logger.Debug("narration response", "provider", c.spec.Name, "status", res.StatusCode,
		"bytes", len(body), "elapsed", time.Since(start).Round(time.Millisecond).String())
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return &Response{Status: res.StatusCode, Header: res.Header, Body: body}, outcome{}
	}
	return nil, c.statusOutcome(res.StatusCode, res.Header, body)
}

func (c *Client) cancelled(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("%s: %w", c.spec.Name, context.Canceled)
	}
	return fault.New(fault.Provider, "%s: %s", c.spec.Name, ctx.Err()).Wrap(ctx.Err())
}

func (c *Client) timeoutOutcome(h http.Header) outcome {
	return outcome{
		err: fault.New(fault.Provider, "%s: no complete answer within %s", c.spec.Name, c.opt.Timeout).
			WithHint("raise %sTIMEOUT (for example export %sTIMEOUT=2m) or split the narration",
				c.prefix, c.prefix).
			Wrap(context.DeadlineExceeded),
		retry:  true,
		header: h,
	}
}

func (c *Client) transportOutcome(err error, actx context.Context) outcome {
	if actx.Err() != nil || isTimeout(err) {
		return c.timeoutOutcome(nil)
	}
	fe := fault.New(fault.Provider, "%s: request failed: %s", c.spec.Name, c.red.String(errorText(err))).
		WithHint("check the network connection and %sBASE_URL if you set it", c.prefix)
	return outcome{err: c.wrap(fe, err), retry: true}
}

// errorText returns err's message without the URL that net/http puts in
// front of transport errors (the URL may carry a key; it is reported
// separately, redacted, when useful).
func errorText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// wrap attaches cause to fe as a sanitized error: its text is redacted
// and the URL-bearing *url.Error layer is dropped, so that neither
// fe.Error() nor any error in its chain can print a secret.
func (c *Client) wrap(fe *fault.Error, cause error) *fault.Error {
	inner := cause
	var ue *url.Error
	if errors.As(cause, &ue) {
		inner = ue.Err
	}
	return fe.Wrap(&redactedError{msg: c.red.String(inner.Error()), kind: kindOf(inner)})
}

// redactedError keeps the class of a transport failure (timeout,
// unexpected EOF) for errors.Is without keeping its text.
type redactedError struct {
	msg  string
	kind error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.kind }

func kindOf(err error) error {
	for _, k := range []error{context.DeadlineExceeded, context.Canceled, io.ErrUnexpectedEOF, io.EOF} {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// retryableStatus lists the answers worth another try.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

func (c *Client) statusOutcome(code int, h http.Header, body []byte) outcome {
	var ae APIError
	if c.spec.DecodeError != nil {
		ae = c.spec.DecodeError(code, body)
	}
	detail := strings.TrimSpace(ae.Message)
	if detail == "" {
		detail = Excerpt(body, 200)
	}
	detail = c.red.String(detail)

	status := fmt.Sprintf("%d %s", code, strings.ToLower(http.StatusText(code)))
	if http.StatusText(code) == "" {
		status = strconv.Itoa(code)
	}
	var (
		what  string
		hints []string
	)
	keys := strings.Join(c.spec.KeyEnv, " and ")
	retry := retryableStatus(code) && !ae.Quota
	switch {
	case ae.Quota:
		what = "quota exceeded"
		hints = []string{"add credits or raise the spending limit in your " + c.spec.Name + " account, then build again",
			"or choose a local voice (provider: espeak-ng)"}
	case code == http.StatusUnauthorized || ae.Auth:
		what = "check " + keys
		retry = false
		for _, k := range c.spec.KeyEnv {
			hints = append(hints, "export "+k+"=...")
		}
	case code == http.StatusForbidden:
		what = "the credentials in " + keys + " are not allowed to do this"
		hints = []string{"check that the key has access to this voice, model and region"}
	case code == http.StatusNotFound:
		what = "check the voice and model names"
		hints = []string{"run tecno voices " + c.spec.Name + " to list voices",
			"check " + c.prefix + "BASE_URL if you set it"}
	case code == http.StatusBadRequest || code == http.StatusUnprocessableEntity:
		what = "the request was rejected"
		hints = []string{"check the voice, model, rate and pitch of the scene"}
	case code == http.StatusTooManyRequests:
		what = "rate limited"
		hints = []string{"lower " + c.prefix + "MAX_INFLIGHT or wait and build again"}
	case code >= 500:
		what = "the service failed"
		hints = []string{"try again later; finished scenes are cached"}
	default:
		what = "unexpected answer"
	}
	if c.spec.Explain != nil && code != http.StatusUnauthorized && !ae.Auth {
		w, h := c.spec.Explain(code, ae)
		if w != "" {
			what = w
		}
		if h != nil {
			hints = h
		}
	}
	msg := fmt.Sprintf("%s: %s: %s", c.spec.Name, status, what)
	if detail != "" {
		msg += fmt.Sprintf(" (server said: %s)", detail)
	}
	fe := fault.New(fault.Provider, "%s", msg)
	fe.Hints = hints
	return outcome{err: fe, retry: retry, header: h}
}

// backoff returns how long to wait after a failed attempt (1-based), and
// whether the wait came from the server.
func (c *Client) backoff(attempt int, h http.Header) (time.Duration, bool) {
	if d, ok := RetryAfter(h, c.opt.Now()); ok {
		return d, true
	}
	ceil := c.opt.BaseDelay << (attempt - 1)
	if ceil > c.opt.MaxDelay || ceil <= 0 {
		ceil = c.opt.MaxDelay
	}
	return time.Duration(c.opt.Rand() * float64(ceil)), false
}

// RetryAfter reads a server-requested wait: retry-after-ms (milliseconds,
// sent by OpenAI) first, then Retry-After in seconds or as an HTTP date
// (RFC 9110 §10.2.3). A date in the past means no wait.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// Excerpt returns at most n bytes of body as one line of text, cut at a
// rune boundary, with "…" when cut.
func Excerpt(body []byte, n int) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "?")), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
