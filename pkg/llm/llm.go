// Package llm calls a chat-completions endpoint that speaks the OpenAI API
// (OpenAI itself, vLLM, Ollama, the llama.cpp server, LM Studio), so a
// service can add an optional AI step without depending on one vendor's SDK.
//
// Every caller is expected to have a fallback that works without a model, so
// the client is built to fail fast and say why: each call has one deadline
// covering connection, retries and reading the reply; it retries at most
// once, and only when the server says it is briefly overloaded; and its
// errors fall into three kinds a caller can tell apart:
//
//   - ErrUnavailable: no usable answer came back in time (timeout,
//     connection refused, 5xx, 429). Fall back, and perhaps stop asking for a
//     while.
//   - ErrInvalidOutput: the server answered, but the answer cannot be used
//     (no choices, empty content, no JSON object, a body over the size limit).
//     Fall back; the model or the prompt needs attention.
//   - anything else: the request or the configuration is wrong (401 bad key,
//     404 unknown model, a bad argument). Fall back, and log it loudly.
//
// Prompts and replies can carry user data (resume text, answers), so this
// package logs nothing and no error it returns contains a prompt or a reply.
// An error may quote the server's own error message, cut to 200 characters.
package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrUnavailable is returned, wrapped, when the endpoint gave no usable
// answer in time: a timeout, a connection error, a 5xx or a 429. Callers
// treat it as "the model is not there right now" and use their fallback.
var ErrUnavailable = errors.New("llm: unavailable")

// ErrInvalidOutput is returned, wrapped, when the endpoint answered but the
// answer cannot be used: no choices, empty content, a body that is not a chat
// completion or is over Config.MaxResponseBytes, or, from CompleteJSON, no
// JSON object of the expected shape. The wrapping error gives a short reason
// and never the content itself.
var ErrInvalidOutput = errors.New("llm: invalid output")

const (
	// DefaultTimeout bounds a whole call when Config.Timeout is zero: long
	// enough for a few hundred tokens from a modest local model, short
	// enough that a user waiting on the fallback does not give up first.
	DefaultTimeout = 20 * time.Second
	// DefaultMaxResponseBytes caps a reply body when Config.MaxResponseBytes
	// is zero; a chat completion of a few thousand tokens is far smaller.
	DefaultMaxResponseBytes int64 = 1 << 20

	// retryBackoff is the pause before the single retry when the server
	// does not send Retry-After.
	retryBackoff = 250 * time.Millisecond
	// maxRetryAfter is the longest Retry-After the client waits for; a
	// server asking for longer is treated as unavailable, since the caller
	// is better served by its fallback than by a longer wait.
	maxRetryAfter = 2 * time.Second
	// maxErrorMessage is how much of a server's error message an error
	// quotes.
	maxErrorMessage = 200
	// maxErrorBody caps how much of a non-2xx body is read to find that
	// message.
	maxErrorBody = 64 << 10

	userAgent = "moksho/1"
)

// Config says which endpoint and model to call. A service that has no model
// configured leaves BaseURL or Model empty, checks Enabled, and runs its
// fallback only.
type Config struct {
	// BaseURL is the API root, up to and including the version, such as
	// "https://api.openai.com/v1" or "http://127.0.0.1:8000/v1"; the client
	// posts to BaseURL + "/chat/completions".
	BaseURL string `env:"BASE_URL"`
	// Model is the model name the server knows, such as "gpt-4o-mini" or
	// "qwen2.5:7b-instruct".
	Model string `env:"MODEL"`
	// APIKey is sent as "Authorization: Bearer <key>" when not empty. Local
	// servers usually need none. It is masked by LogValue.
	APIKey string `env:"API_KEY" secret:"true"`
	// Timeout bounds a whole call, retries included; zero means
	// DefaultTimeout. A shorter deadline on the call's context wins.
	Timeout time.Duration `env:"TIMEOUT" envDefault:"20s"`
	// MaxResponseBytes caps the reply body; a larger body is an error
	// (ErrInvalidOutput) rather than a memory spike. Zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64 `env:"MAX_RESPONSE_BYTES"`
	// HTTPClient sends the requests; nil means a client with the default
	// transport. Its own Timeout, if any, applies as well as Timeout.
	HTTPClient *http.Client `env:"-"`
}

// Enabled reports whether an endpoint and a model are configured, which is
// how a service decides to construct a Client at all.
func (c Config) Enabled() bool {
	return strings.TrimSpace(c.BaseURL) != "" && strings.TrimSpace(c.Model) != ""
}

// LogValue lets a service log its configuration at start without leaking
// the API key or a password embedded in BaseURL.
func (c Config) LogValue() slog.Value {
	key := ""
	if c.APIKey != "" {
		key = "********"
	}
	return slog.GroupValue(
		slog.String("base_url", redactURL(c.BaseURL)),
		slog.String("model", c.Model),
		slog.String("api_key", key),
		slog.Duration("timeout", c.Timeout),
		slog.Int64("max_response_bytes", c.MaxResponseBytes),
	)
}

// redactURL masks the password of a URL with user info; a URL that does not
// parse is not shown at all, since it might hold a secret in any position.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

// Message is one turn of a conversation.
type Message struct {
	// Role is "system", "user" or "assistant".
	Role string `json:"role"`
	// Content is the text of the turn.
	Content string `json:"content"`
}

// Request is one chat completion to ask for.
type Request struct {
	// Messages is the conversation so far; at least one is required.
	Messages []Message
	// Temperature is sent when not nil, so that 0 (deterministic) can be
	// asked for explicitly; nil leaves the server's default. With Go 1.26,
	// write Temperature: new(0.2).
	Temperature *float64
	// MaxTokens caps the reply length when positive; zero leaves the
	// server's default.
	MaxTokens int
	// JSON asks for a JSON object (response_format {"type":"json_object"}).
	// The messages must still ask for JSON in words: OpenAI rejects JSON mode
	// otherwise, and servers without JSON mode rely on the prompt alone.
	// A server that rejects response_format with 400 or 422 is asked again
	// once without it, and the client stops sending it to that server once
	// the plain request has worked.
	JSON bool
}

// StatusError is a non-2xx answer from the endpoint. It is wrapped in
// ErrUnavailable for 5xx and 429, and returned on its own otherwise; use
// errors.As to read the status.
type StatusError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Message is the server's error message, if it sent one, cut to 200
	// characters with control characters removed.
	Message string

	retryAfter    time.Duration // from Retry-After, when hasRetryAfter
	hasRetryAfter bool
}

// Error gives the status and the server's message.
func (e *StatusError) Error() string {
	s := "status " + strconv.Itoa(e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		s += " " + t
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Client calls one model on one endpoint. It is safe for concurrent use. A
// nil *Client is usable too: every call returns ErrUnavailable, so a service
// with no model configured keeps a single code path.
type Client struct {
	endpoint string
	model    string
	apiKey   string
	timeout  time.Duration
	maxBody  int64
	http     *http.Client

	// noResponseFormat is set once the server has rejected response_format
	// and accepted the same request without it, to save the wasted round
	// trip on later calls.
	noResponseFormat atomic.Bool
}

// New checks cfg and returns a Client. It fails on a BaseURL that is not an
// absolute http or https URL and on an empty Model, so that a
// misconfiguration shows at start rather than on the first user request.
func New(cfg Config) (*Client, error) {
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		return nil, errors.New("llm: base URL is empty")
	}
	u, err := url.Parse(base)
	if err != nil {
		// url.Error repeats the input, which may hold a password.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("llm: parse base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("llm: base URL scheme %q: want http or https", u.Scheme)
	case u.Host == "":
		return nil, errors.New("llm: base URL has no host")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New("llm: base URL must not have a query or fragment")
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/chat/completions"):
		return nil, errors.New(`llm: base URL must stop before "/chat/completions" (e.g. ".../v1")`)
	}
	model := strings.TrimSpace(cfg.Model)
	if model == "" {
		return nil, errors.New("llm: model is empty")
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("llm: negative timeout %s", cfg.Timeout)
	}
	if cfg.MaxResponseBytes < 0 {
		return nil, fmt.Errorf("llm: negative max response bytes %d", cfg.MaxResponseBytes)
	}
	c := &Client{
		endpoint: strings.TrimRight(base, "/") + "/chat/completions",
		model:    model,
		apiKey:   cfg.APIKey,
		timeout:  cfg.Timeout,
		maxBody:  cfg.MaxResponseBytes,
		http:     cfg.HTTPClient,
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	return c, nil
}

// Complete asks for one chat completion and returns the first choice's
// message content with surrounding white space trimmed. With req.JSON the
// content is returned as the model wrote it; use CompleteJSON to get it
// decoded.
func (c *Client) Complete(ctx context.Context, req Request) (string, error) {
	res, err := c.complete(ctx, req)
	if err != nil {
		return "", err
	}
	return res.content, nil
}

// CompleteJSON asks for a JSON object and decodes it into out, which must be
// a non-nil pointer. Models often wrap the object in ``` fences, add prose
// around it or think aloud first, so the outermost {...} that is valid JSON
// is taken; a reply cut off mid-object, or one with no object, gives
// ErrInvalidOutput. Unknown fields are ignored, since models add them; the
// caller checks that the fields it needs are set. On error out may have been
// partly written.
func (c *Client) CompleteJSON(ctx context.Context, req Request, out any) error {
	if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("llm: CompleteJSON needs a non-nil pointer, got %T", out)
	}
	req.JSON = true
	res, err := c.complete(ctx, req)
	if err != nil {
		return err
	}
	obj, err := extractJSONObject(res.content)
	if err != nil {
		if res.finishReason == "length" {
			return fmt.Errorf("%w: %v (reply cut off at the token limit)", ErrInvalidOutput, err)
		}
		return fmt.Errorf("%w: %v", ErrInvalidOutput, err)
	}
	if err := json.Unmarshal([]byte(obj), out); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidOutput, decodeReason(err, out))
	}
	return nil
}

// decodeReason describes why a valid JSON object did not fit out without
// quoting it: json's own messages can contain values from the reply.
func decodeReason(err error, out any) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		kind, _, _ := strings.Cut(te.Value, " ")
		return fmt.Sprintf("JSON %s where %s expected, decoding into %T", kind, te.Type, out)
	}
	return fmt.Sprintf("JSON object does not decode into %T", out)
}

// result is what a successful call yields.
type result struct {
	content      string
	finishReason string
}

// chatRequest is the request body; fields a Request leaves unset are left
// out so each server applies its own defaults.
type chatRequest struct {
	Model          string          `json:"model"`
	Messages       []Message       `json:"messages"`
	Temperature    *float64        `json:"temperature,omitempty"`
	MaxTokens      int             `json:"max_tokens,omitempty"`
	ResponseFormat *responseFormat `json:"response_format,omitempty"`
}

type responseFormat struct {
	Type string `json:"type"`
}

// chatResponse holds the few fields read from a reply; the rest vary by
// server and are ignored.
type chatResponse struct {
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Error serverError `json:"error"`
}

func (c *Client) complete(ctx context.Context, req Request) (result, error) {
	if c == nil {
		return result{}, fmt.Errorf("%w: no model configured", ErrUnavailable)
	}
	if len(req.Messages) == 0 {
		return result{}, errors.New("llm: request has no messages")
	}
	for i, m := range req.Messages {
		if m.Role == "" {
			return result{}, fmt.Errorf("llm: message %d has no role", i)
		}
	}
	if req.MaxTokens < 0 {
		return result{}, fmt.Errorf("llm: negative max tokens %d", req.MaxTokens)
	}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	jsonMode := req.JSON && !c.noResponseFormat.Load()
	downgraded, retried := false, false
	for {
		body := chatRequest{
			Model:       c.model,
			Messages:    req.Messages,
			Temperature: req.Temperature,
			MaxTokens:   req.MaxTokens,
		}
		if jsonMode {
			body.ResponseFormat = &responseFormat{Type: "json_object"}
		}
		res, err := c.send(ctx, body)
		if err == nil {
			if downgraded {
				c.noResponseFormat.Store(true)
			}
			return res, nil
		}
		var se *StatusError
		if !errors.As(err, &se) {
			return result{}, err
		}
		switch {
		case jsonMode && (se.StatusCode == http.StatusBadRequest || se.StatusCode == http.StatusUnprocessableEntity):
			jsonMode, downgraded = false, true
		case !retried && retryable(se.StatusCode):
			delay := retryBackoff
			if se.hasRetryAfter {
				delay = se.retryAfter
			}
			if delay > maxRetryAfter || !sleep(ctx, delay) {
				return result{}, err
			}
			retried = true
		default:
			return result{}, err
		}
	}
}

// retryable reports whether a status means "busy, try again shortly".
func retryable(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// sleep waits d unless ctx would expire first, reporting whether the wait
// completed with time left for another attempt.
func sleep(ctx context.Context, d time.Duration) bool {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// send makes one HTTP round trip and interprets the reply.
func (c *Client) send(ctx context.Context, body chatRequest) (result, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return result{}, fmt.Errorf("llm: encode request: %w", err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(payload))
	if err != nil {
		return result{}, fmt.Errorf("llm: build request: %w", err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	httpReq.Header.Set("Accept", "application/json")
	httpReq.Header.Set("User-Agent", userAgent)
	if c.apiKey != "" {
		httpReq.Header.Set("Authorization", "Bearer "+c.apiKey)
	}

	resp, err := c.http.Do(httpReq)
	if err != nil {
		// The *url.Error names the endpoint (password stripped by
		// net/http) and the cause, such as a deadline or a refused
		// connection; it never holds the request body.
		return result{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return result{}, statusError(resp)
	}

	raw, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return result{}, fmt.Errorf("%w: read response: %w", ErrUnavailable, err)
	}
	if int64(len(raw)) > c.maxBody {
		return result{}, fmt.Errorf("%w: response body over %d bytes", ErrInvalidOutput, c.maxBody)
	}
	var cr chatResponse
	if err := json.Unmarshal(raw, &cr); err != nil {
		return result{}, fmt.Errorf("%w: response is not a chat completion (status %d, %d bytes)", ErrInvalidOutput, resp.StatusCode, len(raw))
	}
	if len(cr.Choices) == 0 {
		if msg := CleanMessage(cr.Error.Message); msg != "" {
			return result{}, fmt.Errorf("%w: no choices, server error: %s", ErrInvalidOutput, msg)
		}
		return result{}, fmt.Errorf("%w: no choices in response", ErrInvalidOutput)
	}
	choice := cr.Choices[0]
	content := ""
	if choice.Message.Content != nil {
		content = strings.TrimSpace(*choice.Message.Content)
	}
	if content == "" {
		if choice.FinishReason != "" {
			return result{}, fmt.Errorf("%w: empty content (finish_reason %q)", ErrInvalidOutput, CleanMessage(choice.FinishReason))
		}
		return result{}, fmt.Errorf("%w: empty content", ErrInvalidOutput)
	}
	return result{content: content, finishReason: choice.FinishReason}, nil
}

// statusError turns a non-2xx reply into a *StatusError, wrapped in
// ErrUnavailable for the statuses that mean the server cannot serve now.
func statusError(resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	se := &StatusError{StatusCode: resp.StatusCode, Message: ErrorMessage(raw)}
	se.retryAfter, se.hasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return fmt.Errorf("%w: %w", ErrUnavailable, se)
	}
	return fmt.Errorf("llm: chat completion: %w", se)
}

// parseRetryAfter reads a Retry-After header in either of its forms, delay
// seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(time.Hour/time.Second) {
			return time.Hour, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// serverError is the "error" member of a reply, which servers send either
// as an object with a message (OpenAI, llama.cpp, Ollama) or as a string.
type serverError struct {
	Message string
}

// UnmarshalJSON accepts both shapes and ignores any other, since an odd
// error member must not hide the status that came with it.
func (e *serverError) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		e.Message = s
		return nil
	}
	var obj struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &obj) == nil {
		e.Message = obj.Message
	}
	return nil
}

// ErrorMessage finds the human-readable message in an error body of an
// OpenAI-compatible server (chat completions, audio transcriptions):
// OpenAI style {"error":{"message":...}}, {"error":"..."}, vLLM's
// top-level "message", or FastAPI's "detail". The result is cleaned as
// CleanMessage does.
func ErrorMessage(body []byte) string {
	var v struct {
		Error   serverError `json:"error"`
		Message string      `json:"message"`
		Detail  any         `json:"detail"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	msg := v.Error.Message
	if msg == "" {
		msg = v.Message
	}
	if msg == "" {
		if d, ok := v.Detail.(string); ok {
			msg = d
		}
	}
	return CleanMessage(msg)
}

// CleanMessage makes a server-supplied string safe to put in an error or
// a log: valid UTF-8, one line, at most 200 characters.
func CleanMessage(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxErrorMessage {
		return s
	}
	r := []rune(s)
	return string(r[:maxErrorMessage-1]) + "…"
}
