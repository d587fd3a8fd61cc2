// Package did makes talking-head clips with the D-ID talks API
// (docs.d-id.com/reference/talks-overview):
//
//	POST /audios     multipart upload of the scene's own narration → {url}
//	POST /images     multipart upload of a local portrait → {url}
//	POST /talks      {source_url, script: {type: audio, audio_url}} → {id}
//	GET  /talks/{id} polled through created → started → done, then the
//	                 clip is downloaded from result_url
//
// Requests carry "Authorization: Basic <DID_API_KEY>", the key exactly as
// D-ID's Studio shows it (API_USER:API_PASSWORD). They go through the
// shared cloud client: retries on 408, 409, 429 and 5xx honouring
// Retry-After, per-request timeouts, a cap on requests in flight, and
// errors and logs that never hold the key. The download from result_url
// (a signed storage URL) is sent without the key.
package did

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tecno-video/tecno/internal/avatar"
	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// Contract constants.
const (
	Name           = "d-id"
	KeyEnv         = "DID_API_KEY"
	EnvPrefix      = "TECNO_DID_"
	DefaultBaseURL = "https://api.d-id.com"
	// APIVersion names the contract in fingerprints.
	APIVersion = "talks-v1"

	DefaultPollInterval = 2 * time.Second
	DefaultPollTimeout  = 10 * time.Minute
)

// Talk statuses.
const (
	StatusCreated  = "created"
	StatusStarted  = "started"
	StatusDone     = "done"
	StatusError    = "error"
	StatusRejected = "rejected"
)

// Config configures the client. Zero fields take defaults.
type Config struct {
	APIKey  string
	BaseURL string // default DefaultBaseURL
	// PollInterval is the wait between GET /talks/{id}; PollTimeout bounds
	// the whole wait for one talk.
	PollInterval, PollTimeout time.Duration
	Options                   cloud.Options
}

// Client talks to D-ID. It implements avatar.Presenter.
type Client struct {
	cfg  Config
	api  *cloud.Client // D-ID's own endpoints, with the key
	dl   *cloud.Client // result downloads, without it
	opts cloud.Options // effective options (sleep, clock)

	mu     sync.Mutex
	images map[string]string // portrait file digest → uploaded URL
	imgMu  sync.Mutex        // held while a portrait uploads
}

var _ avatar.Presenter = (*Client)(nil)

// New returns a client for cfg. A missing key is reported when a clip is
// asked for, so that --dry-run and doctor work without one.
func New(cfg Config) (*Client, error) {
	base, err := baseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = DefaultPollTimeout
	}
	spec := cloud.Spec{Name: Name, KeyEnv: []string{KeyEnv}, DecodeError: DecodeError, Explain: explain, Prefix: EnvPrefix}
	api := cloud.NewClient(spec, cfg.Options, cfg.APIKey)
	dlSpec := cloud.Spec{Name: Name, Explain: explainDownload, Prefix: EnvPrefix}
	return &Client{
		cfg:    cfg,
		api:    api,
		dl:     cloud.NewClient(dlSpec, cfg.Options, cfg.APIKey),
		opts:   api.Options(),
		images: map[string]string{},
	}, nil
}

func baseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fault.New(fault.Input, "%sBASE_URL %q is not an http(s) URL", EnvPrefix, cloud.NewRedactor().RedactURL(raw)).
			WithHint("for example export %sBASE_URL=%s", EnvPrefix, DefaultBaseURL)
	}
	return strings.TrimRight(raw, "/"), nil
}

// FromEnv reads DID_API_KEY, TECNO_DID_BASE_URL, TECNO_DID_POLL_INTERVAL,
// TECNO_DID_POLL_TIMEOUT and the tuning variables of cloud.OptionsFromEnv
// (TECNO_DID_TIMEOUT, TECNO_DID_MAX_INFLIGHT, TECNO_DID_MAX_ATTEMPTS).
func FromEnv(lookup cloud.LookupFunc, opts cloud.Options) (*Client, error) {
	opts, err := cloud.OptionsFromEnv("did", lookup, opts)
	if err != nil {
		return nil, err
	}
	cfg := Config{APIKey: lookup.Getenv(KeyEnv), BaseURL: lookup.Getenv(EnvPrefix + "BASE_URL"), Options: opts}
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{{"POLL_INTERVAL", &cfg.PollInterval}, {"POLL_TIMEOUT", &cfg.PollTimeout}} {
		raw := lookup.Getenv(EnvPrefix + v.name)
		if raw == "" {
			continue
		}
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			return nil, fault.New(fault.Input, "%s%s=%q is not a duration such as 2s or 10m", EnvPrefix, v.name, raw)
		}
		*v.dst = d
	}
	return New(cfg)
}

// Name implements avatar.Presenter.
func (c *Client) Name() string { return Name }

// Fingerprint implements avatar.Presenter: the contract and whether a
// custom endpoint is used, never the key or the URL itself.
func (c *Client) Fingerprint() string {
	return cloud.Fingerprint(Name, map[string]string{
		"api":      APIVersion,
		"format":   "mp4",
		"endpoint": cloud.Endpoint(c.cfg.BaseURL, DefaultBaseURL),
	})
}

// CheckCredentials reports a missing key.
func (c *Client) CheckCredentials() error {
	if c.cfg.APIKey == "" {
		return fault.New(fault.Provider, "d-id: %s is not set", KeyEnv).
			WithHint("export %s=... (the key from studio.d-id.com, account settings)", KeyEnv).
			WithHint("or try the layout offline with avatar provider: local")
	}
	return nil
}

func (c *Client) header() http.Header {
	h := http.Header{}
	h.Set("Authorization", "Basic "+c.cfg.APIKey)
	h.Set("Accept", "application/json")
	return h
}

// BuildUpload is the pure builder of POST /audios and POST /images: a
// multipart form with one file part named field. The boundary is derived
// from the content, so equal uploads are equal requests.
func BuildUpload(base, key, path, field, filename, contentType string, data []byte) (cloud.Request, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	sum := sha256.Sum256(data)
	if err := mw.SetBoundary("tecno-" + hex.EncodeToString(sum[:12])); err != nil {
		return cloud.Request{}, err
	}
	ph := textproto.MIMEHeader{}
	ph.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	ph.Set("Content-Type", contentType)
	part, err := mw.CreatePart(ph)
	if err != nil {
		return cloud.Request{}, err
	}
	if _, err := part.Write(data); err != nil {
		return cloud.Request{}, err
	}
	if err := mw.Close(); err != nil {
		return cloud.Request{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Basic "+key)
	h.Set("Accept", "application/json")
	h.Set("Content-Type", mw.FormDataContentType())
	return cloud.Request{Method: http.MethodPost, URL: base + path, Header: h, Body: buf.Bytes()}, nil
}

// TalkRequest is the JSON body of POST /talks.
type TalkRequest struct {
	SourceURL string     `json:"source_url"`
	Script    TalkScript `json:"script"`
	Config    TalkConfig `json:"config"`
}

// TalkScript drives the talk with an audio file.
type TalkScript struct {
	Type     string `json:"type"` // "audio"
	AudioURL string `json:"audio_url"`
}

// TalkConfig holds the talk options tecno sets.
type TalkConfig struct {
	ResultFormat string `json:"result_format"` // "mp4"
}

// BuildCreateTalk is the pure builder of POST /talks.
func BuildCreateTalk(base, key, sourceURL, audioURL string) (cloud.Request, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(TalkRequest{SourceURL: sourceURL, Script: TalkScript{Type: "audio", AudioURL: audioURL},
		Config: TalkConfig{ResultFormat: "mp4"}})
	if err != nil {
		return cloud.Request{}, err
	}
	h := http.Header{}
	h.Set("Authorization", "Basic "+key)
	h.Set("Accept", "application/json")
	h.Set("Content-Type", "application/json")
	return cloud.Request{Method: http.MethodPost, URL: base + "/talks", Header: h, Body: buf.Bytes()}, nil
}

// BuildGetTalk is the pure builder of GET /talks/{id}.
func BuildGetTalk(base, key, id string) cloud.Request {
	h := http.Header{}
	h.Set("Authorization", "Basic "+key)
	h.Set("Accept", "application/json")
	return cloud.Request{Method: http.MethodGet, URL: base + "/talks/" + url.PathEscape(id), Header: h}
}

// Talk is what GET /talks/{id} tells.
type Talk struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	ResultURL string     `json:"result_url"`
	Duration  float64    `json:"duration"`
	Error     *TalkError `json:"error"`
}

// TalkError explains a failed talk.
type TalkError struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
}

// uploaded is the answer of POST /audios and POST /images.
type uploaded struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

func (c *Client) upload(ctx context.Context, path, field, filename, contentType string, data []byte) (string, error) {
	req, err := BuildUpload(c.cfg.BaseURL, c.cfg.APIKey, path, field, filename, contentType, data)
	if err != nil {
		return "", err
	}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		return "", err
	}
	var u uploaded
	if err := json.Unmarshal(resp.Body, &u); err != nil || u.URL == "" {
		return "", c.api.BadResponse("POST %s answered no url: %s", path, cloud.Excerpt(resp.Body, 200))
	}
	return u.URL, nil
}

// UploadAudio uploads a narration file (POST /audios) and returns the URL
// D-ID stores it under.
func (c *Client) UploadAudio(ctx context.Context, file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	return c.upload(ctx, "/audios", "audio", "narration"+strings.ToLower(filepath.Ext(file)), audioType(file), data)
}

// UploadImage uploads a portrait (POST /images) once per content and
// returns its URL.
func (c *Client) UploadImage(ctx context.Context, file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fault.New(fault.Input, "avatar image %s: %v", file, err)
	}
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:])
	// One upload at a time: scenes whose talks start together share the
	// first upload instead of each sending the portrait.
	c.imgMu.Lock()
	defer c.imgMu.Unlock()
	c.mu.Lock()
	u, ok := c.images[key]
	c.mu.Unlock()
	if ok {
		return u, nil
	}
	u, err = c.upload(ctx, "/images", "image", "presenter"+strings.ToLower(filepath.Ext(file)), imageType(file), data)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.images[key] = u
	c.mu.Unlock()
	return u, nil
}

func audioType(file string) string {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".mp3":
		return "audio/mpeg"
	case ".m4a", ".aac":
		return "audio/mp4"
	}
	return "audio/wav"
}

func imageType(file string) string {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".png":
		return "image/png"
	}
	return "image/jpeg"
}

// CreateTalk starts a talk and returns its id.
func (c *Client) CreateTalk(ctx context.Context, sourceURL, audioURL string) (string, error) {
	req, err := BuildCreateTalk(c.cfg.BaseURL, c.cfg.APIKey, sourceURL, audioURL)
	if err != nil {
		return "", err
	}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		return "", err
	}
	var t Talk
	if err := json.Unmarshal(resp.Body, &t); err != nil || t.ID == "" {
		return "", c.api.BadResponse("POST /talks answered no id: %s", cloud.Excerpt(resp.Body, 200))
	}
	return t.ID, nil
}

// GetTalk reads a talk's state.
func (c *Client) GetTalk(ctx context.Context, id string) (Talk, error) {
	resp, err := c.api.Do(ctx, BuildGetTalk(c.cfg.BaseURL, c.cfg.APIKey, id))
	if err != nil {
		return Talk{}, err
	}
	var t Talk
	if err := json.Unmarshal(resp.Body, &t); err != nil {
		return Talk{}, c.api.BadResponse("GET /talks/%s: %v", id, err)
	}
	return t, nil
}

// Wait polls a talk until it is done, and returns it. An error or
// rejected talk, an unknown status, and a talk still not done after
// PollTimeout are errors that say which.
func (c *Client) Wait(ctx context.Context, id string) (Talk, error) {
	start := c.opts.Now()
	var waited time.Duration
	for {
		t, err := c.GetTalk(ctx, id)
		if err != nil {
			return Talk{}, err
		}
		switch t.Status {
		case StatusDone:
			if t.ResultURL == "" {
				return Talk{}, c.api.BadResponse("talk %s is done but has no result_url", id)
			}
			return t, nil
		case StatusError:
			return Talk{}, talkFailed(id, "failed", t.Error,
				"check that the portrait shows one face, front-on and well lit, and that the narration is speech")
		case StatusRejected:
			return Talk{}, talkFailed(id, "was rejected by D-ID's content moderation", t.Error,
				"check the portrait and the narration against D-ID's terms, or use avatar provider: local")
		case StatusCreated, StatusStarted, "":
		default:
			return Talk{}, c.api.BadResponse("talk %s has unknown status %q", id, t.Status)
		}
		if waited >= c.cfg.PollTimeout || c.opts.Now().Sub(start) >= c.cfg.PollTimeout {
			status := t.Status
			if status == "" {
				status = "unknown"
			}
			return Talk{}, fault.New(fault.Provider, "d-id: talk %s not done after %s (status %s)", id, c.cfg.PollTimeout, status).
				WithHint("D-ID may be busy: build again later (finished clips are cached), or raise %sPOLL_TIMEOUT (for example export %sPOLL_TIMEOUT=20m)", EnvPrefix, EnvPrefix)
		}
		if err := c.opts.Sleep(ctx, c.cfg.PollInterval); err != nil {
			if ctx.Err() != nil {
				return Talk{}, fmt.Errorf("d-id: %w", ctx.Err())
			}
			return Talk{}, err
		}
		waited += c.cfg.PollInterval
	}
}

func talkFailed(id, what string, te *TalkError, hint string) *fault.Error {
	msg := fmt.Sprintf("d-id: talk %s %s", id, what)
	if te != nil && (te.Kind != "" || te.Description != "") {
		detail := strings.TrimSpace(strings.Trim(te.Kind+": "+te.Description, ": "))
		msg += " (" + detail + ")"
	}
	return fault.New(fault.Provider, "%s", msg).WithHint("%s", hint)
}

// Download fetches a finished clip from its result URL into file. The
// request carries no D-ID credentials: the URL is signed.
func (c *Client) Download(ctx context.Context, resultURL, file string) error {
	resp, err := c.dl.Do(ctx, cloud.Request{Method: http.MethodGet, URL: resultURL, Header: http.Header{"Accept": {"video/mp4, */*"}}})
	if err != nil {
		return err
	}
	if len(resp.Body) < 12 || string(resp.Body[4:8]) != "ftyp" {
		return c.dl.BadResponse("the clip at the talk's result_url is not an MP4 (%d bytes)", len(resp.Body))
	}
	return os.WriteFile(file, resp.Body, 0o644)
}

// Render implements avatar.Presenter: upload the narration (and a local
// portrait), create the talk, wait for it and download the clip.
func (c *Client) Render(ctx context.Context, req avatar.Request) error {
	if c.api.Offline(ctx) {
		return fault.New(fault.Input, "d-id: the avatar needs the network but --offline was given").
			WithHint("drop --offline, or use avatar provider: local")
	}
	if err := c.CheckCredentials(); err != nil {
		return err
	}
	if req.Image == "" {
		return fault.New(fault.Input, "d-id: the avatar has no image").
			WithHint("set avatar.image to a portrait file or an https URL")
	}
	source := req.Image
	if !avatar.IsURL(source) {
		u, err := c.UploadImage(ctx, source)
		if err != nil {
			return err
		}
		source = u
	}
	audioURL, err := c.UploadAudio(ctx, req.Audio)
	if err != nil {
		return err
	}
	id, err := c.CreateTalk(ctx, source, audioURL)
	if err != nil {
		return err
	}
	t, err := c.Wait(ctx, id)
	if err != nil {
		return err
	}
	return c.Download(ctx, t.ResultURL, req.Out)
}

// DecodeError reads D-ID's error bodies: {"kind", "description"} from the
// API, {"message"} from its gateway.
func DecodeError(status int, body []byte) cloud.APIError {
	var e struct {
		Kind        string `json:"kind"`
		Description string `json:"description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return cloud.APIError{}
	}
	msg := e.Description
	if msg == "" {
		msg = e.Message
	}
	if e.Kind != "" && msg != "" {
		msg = e.Kind + ": " + msg
	} else if msg == "" {
		msg = e.Kind
	}
	return cloud.APIError{
		Message: msg,
		Code:    e.Kind,
		Quota:   status == http.StatusPaymentRequired || e.Kind == "InsufficientCreditsError",
		Auth:    e.Kind == "AuthorizationError",
	}
}

// explain replaces the shared client's narration wording where it would
// mislead.
func explain(status int, e cloud.APIError) (string, []string) {
	switch {
	case e.Quota:
		return "not enough D-ID credits", []string{"add credits or upgrade the plan at studio.d-id.com, then build again (finished clips are cached)",
			"or use avatar provider: local"}
	case status == http.StatusNotFound:
		return "not found", []string{"check " + EnvPrefix + "BASE_URL if you set it"}
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return "the request was rejected", []string{"check the avatar image (one clear face; JPEG or PNG under 10 MB) and the narration audio"}
	case status == http.StatusForbidden:
		return "the key in " + KeyEnv + " may not use the talks API", []string{"check your D-ID plan includes API access"}
	case status == http.StatusTooManyRequests:
		return "", []string{"lower " + EnvPrefix + "MAX_INFLIGHT or wait and build again; finished clips are cached"}
	case status >= 500:
		return "", []string{"try again later; finished clips are cached"}
	}
	return "", nil
}

func explainDownload(status int, e cloud.APIError) (string, []string) {
	if status == http.StatusForbidden || status == http.StatusNotFound {
		return "the clip's download link has expired or is invalid", []string{"build again to make a new clip"}
	}
	return explain(status, cloud.APIError{})
}
