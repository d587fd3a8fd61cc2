package script

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/tecno-video/tecno/internal/fault"
	"github.com/tecno-video/tecno/internal/narrate/cloud"
)

// Chat completions contract (platform.openai.com/docs/api-reference/chat),
// which Ollama and llama.cpp's server speak too.
const (
	ChatName           = "openai"
	ChatKeyEnv         = "OPENAI_API_KEY"
	ChatDefaultBaseURL = "https://api.openai.com"
	ChatAPIVersion     = "v1"
	DefaultModel       = "gpt-4o-mini"
	DefaultTemperature = 0.3
)

// ChatConfig configures a chat completions client. Zero fields take
// defaults.
type ChatConfig struct {
	// APIKey is sent as a bearer token. It may be empty for a local
	// server (a base URL override), never for OpenAI itself.
	APIKey  string
	BaseURL string // default ChatDefaultBaseURL; may end in /v1
	Model   string // default DefaultModel
	// Temperature is sent as is; nil means DefaultTemperature.
	Temperature *float64
	Options     cloud.Options
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"` // system, user or assistant
	Content string `json:"content"`
}

// ChatRequest is the JSON body of POST /v1/chat/completions.
type ChatRequest struct {
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	Temperature float64   `json:"temperature"`
}

// ChatResponse is the part of the answer tecno reads.
type ChatResponse struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Choices []struct {
		Index        int     `json:"index"`
		Message      Message `json:"message"`
		FinishReason string  `json:"finish_reason"`
	} `json:"choices"`
	Usage Usage `json:"usage"`
}

// Completion is a chat answer.
type Completion struct {
	Content      string
	Model        string // as the server names it
	FinishReason string
	Usage        Usage
	Attempts     int
}

// Chat calls a chat completions endpoint through the shared cloud client:
// retries on 408, 409, 429 and 5xx with Retry-After, timeouts, a cap on
// requests in flight, and errors that never carry the key.
type Chat struct {
	cfg    ChatConfig
	temp   float64
	client *cloud.Client
}

// NewChat returns a client for cfg. A missing key is reported by Complete,
// so that --dry-run works without one.
func NewChat(cfg ChatConfig) (*Chat, error) {
	base, err := cloud.BaseURL(ChatName, cfg.BaseURL, ChatDefaultBaseURL)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = base
	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	temp := DefaultTemperature
	if cfg.Temperature != nil {
		temp = *cfg.Temperature
	}
	if temp < 0 || temp > 2 || math.IsNaN(temp) {
		return nil, fault.New(fault.Input, "temperature %g is out of range; use a value from 0 to 2", temp)
	}
	spec := cloud.Spec{Name: ChatName, KeyEnv: []string{ChatKeyEnv}, DecodeError: decodeChatError, Explain: explainChat}
	return &Chat{cfg: cfg, temp: temp, client: cloud.NewClient(spec, cfg.Options, cfg.APIKey)}, nil
}

// ChatFromEnv reads OPENAI_API_KEY, TECNO_OPENAI_BASE_URL and the tuning
// variables of cloud.OptionsFromEnv (TECNO_OPENAI_TIMEOUT, …) through
// lookup. model and temperature come from flags ("" and nil for defaults).
func ChatFromEnv(lookup cloud.LookupFunc, opts cloud.Options, model string, temperature *float64) (*Chat, error) {
	opts, err := cloud.OptionsFromEnv(ChatName, lookup, opts)
	if err != nil {
		return nil, err
	}
	return NewChat(ChatConfig{
		APIKey:      lookup.Getenv(ChatKeyEnv),
		BaseURL:     lookup.Getenv(cloud.EnvPrefix(ChatName) + "BASE_URL"),
		Model:       model,
		Temperature: temperature,
		Options:     opts,
	})
}

// Model returns the model asked for.
func (c *Chat) Model() string { return c.cfg.Model }

// Temperature returns the sampling temperature sent.
func (c *Chat) Temperature() float64 { return c.temp }

// Custom reports whether the endpoint is not OpenAI's own (a local or
// self-hosted server).
func (c *Chat) Custom() bool { return cloud.Endpoint(c.cfg.BaseURL, ChatDefaultBaseURL) != "default" }

// Fingerprint identifies the endpoint and model for cache keys, without
// the key or the base URL itself.
func (c *Chat) Fingerprint() string {
	return cloud.Fingerprint(ChatName, map[string]string{
		"api":         ChatAPIVersion,
		"model":       c.cfg.Model,
		"temperature": fmt.Sprint(c.temp),
		"endpoint":    cloud.Endpoint(c.cfg.BaseURL, ChatDefaultBaseURL),
	})
}

// CheckCredentials reports a missing key, which only OpenAI's own endpoint
// needs.
func (c *Chat) CheckCredentials() error {
	if c.cfg.APIKey == "" && !c.Custom() {
		e := fault.New(fault.Provider, "openai: %s is not set", ChatKeyEnv).
			WithHint("export %s=...", ChatKeyEnv).
			WithHint("or point TECNO_OPENAI_BASE_URL at a local server such as Ollama (http://localhost:11434)")
		return e.WithHint("or use the offline writer: --provider offline")
	}
	return nil
}

// BuildChatRequest is the pure request builder for one completion.
func BuildChatRequest(base, key, model string, temperature float64, msgs []Message) (cloud.Request, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ChatRequest{Model: model, Messages: msgs, Temperature: temperature}); err != nil {
		return cloud.Request{}, err
	}
	h := http.Header{}
	if key != "" {
		h.Set("Authorization", "Bearer "+key)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	return cloud.Request{Method: http.MethodPost, URL: chatEndpoint(base), Header: h, Body: buf.Bytes()}, nil
}

// chatEndpoint appends /v1/chat/completions, or only /chat/completions to
// a base URL that already ends in /v1 (as local servers are often given).
func chatEndpoint(base string) string {
	if strings.HasSuffix(base, "/"+ChatAPIVersion) {
		return base + "/chat/completions"
	}
	return base + "/" + ChatAPIVersion + "/chat/completions"
}

// ParseChatResponse reads a successful answer: choices[0].message.content
// and the token usage.
func ParseChatResponse(body []byte) (Completion, error) {
	var r ChatResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return Completion{}, fmt.Errorf("not a chat completion: %v", err)
	}
	if len(r.Choices) == 0 {
		return Completion{}, fmt.Errorf("the answer has no choices")
	}
	c := r.Choices[0]
	if strings.TrimSpace(c.Message.Content) == "" {
		return Completion{}, fmt.Errorf("the answer is empty (finish_reason %q)", c.FinishReason)
	}
	u := r.Usage
	if u.TotalTokens == 0 {
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
	}
	return Completion{Content: c.Message.Content, Model: r.Model, FinishReason: c.FinishReason, Usage: u}, nil
}

// Complete sends one chat completion.
func (c *Chat) Complete(ctx context.Context, msgs []Message) (Completion, error) {
	if c.client.Offline(ctx) {
		return Completion{}, fault.New(fault.Input, "openai: the script writer needs the network but --offline was given").
			WithHint("drop --offline, or use --provider offline")
	}
	if err := c.CheckCredentials(); err != nil {
		return Completion{}, err
	}
	req, err := BuildChatRequest(c.cfg.BaseURL, c.cfg.APIKey, c.cfg.Model, c.temp, msgs)
	if err != nil {
		return Completion{}, err
	}
	resp, err := c.client.Do(ctx, req)
	if err != nil {
		return Completion{}, err
	}
	if err := c.client.CheckContentType(resp, "application/json"); err != nil {
		return Completion{}, err
	}
	comp, err := ParseChatResponse(resp.Body)
	if err != nil {
		return Completion{}, c.client.BadResponse("%s", err)
	}
	comp.Attempts = resp.Attempts
	return comp, nil
}

// chatError is OpenAI's error envelope; llama.cpp and Ollama send the
// same shape or a plain {"error": "text"}.
type chatError struct {
	Error json.RawMessage `json:"error"`
}

var quotaCodes = map[string]bool{
	"insufficient_quota": true, "billing_hard_limit_reached": true,
	"organization_spend_limit_exceeded": true, "project_spend_limit_exceeded": true,
}

func decodeChatError(_ int, body []byte) cloud.APIError {
	var e chatError
	if json.Unmarshal(body, &e) != nil || len(e.Error) == 0 {
		return cloud.APIError{}
	}
	var s string
	if json.Unmarshal(e.Error, &s) == nil {
		return cloud.APIError{Message: s}
	}
	var o struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    any    `json:"code"`
	}
	if json.Unmarshal(e.Error, &o) != nil {
		return cloud.APIError{}
	}
	code, _ := o.Code.(string)
	return cloud.APIError{Message: o.Message, Code: code, Quota: quotaCodes[code] || quotaCodes[o.Type],
		Auth: code == "invalid_api_key"}
}

// explainChat replaces the narration wording of the shared client where
// it would mislead.
func explainChat(status int, e cloud.APIError) (string, []string) {
	switch {
	case e.Quota:
		return "", []string{"add credits or raise the spending limit in your OpenAI account, then run tecno script again",
			"or use the offline writer: --provider offline"}
	case status == http.StatusNotFound:
		return "check the model name and the endpoint", []string{
			"check --model and that the server has it (for Ollama: ollama pull MODEL)",
			"check TECNO_OPENAI_BASE_URL if you set it"}
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return "", []string{"check the model name (--model) and the prompt template (--prompt)"}
	case status == http.StatusTooManyRequests:
		return "", []string{"lower TECNO_OPENAI_MAX_INFLIGHT or wait and run tecno script again; written scenes are cached"}
	case status >= 500:
		return "", []string{"try again later; scenes already written are cached"}
	}
	return "", nil
}
