package llm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/llm"
)

// secretPrompt is put in prompts so tests can check it never reaches an
// error message.
const secretPrompt = "Jane Doe, jane@example.com, resume text"

// call is one request the fake server received.
type call struct {
	method, path string
	header       http.Header
	body         map[string]any
}

// fake is an OpenAI-compatible endpoint whose answers a test scripts; it
// records every request.
type fake struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []call
}

// newFake starts a server at <url>/v1 that passes each request, numbered
// from 0, to handle.
func newFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int, c call)) *fake {
	t.Helper()
	f := &fake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("server: read body: %v", err)
		}
		c := call{method: r.Method, path: r.URL.Path, header: r.Header.Clone()}
		if err := json.Unmarshal(raw, &c.body); err != nil {
			t.Errorf("server: request body is not JSON: %v", err)
		}
		f.mu.Lock()
		n := len(f.got)
		f.got = append(f.got, c)
		f.mu.Unlock()
		handle(w, r, n, c)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.got...)
}

func (f *fake) client(t *testing.T, mod ...func(*llm.Config)) *llm.Client {
	t.Helper()
	cfg := llm.Config{BaseURL: f.srv.URL + "/v1", Model: "test-model", Timeout: 5 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// reply writes a chat completion the way OpenAI does, extra fields included.
func reply(w http.ResponseWriter, content string) {
	replyFinish(w, content, "stop")
}

func replyFinish(w http.ResponseWriter, content, finish string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id":                 "chatcmpl-1",
		"object":             "chat.completion",
		"created":            1700000000,
		"model":              "test-model",
		"system_fingerprint": "fp_1",
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content, "refusal": nil},
			"logprobs":      nil,
			"finish_reason": finish,
		}},
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
	})
}

func replyStatus(w http.ResponseWriter, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": message, "type": "invalid_request_error", "code": nil}})
}

func userRequest() llm.Request {
	return llm.Request{Messages: []llm.Message{
		{Role: "system", Content: "Answer in JSON."},
		{Role: "user", Content: secretPrompt},
	}}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  llm.Config
		ok   bool
	}{
		{name: "openai", cfg: llm.Config{BaseURL: "https://api.openai.com/v1", Model: "gpt-4o-mini"}, ok: true},
		{name: "local with trailing slash", cfg: llm.Config{BaseURL: "http://127.0.0.1:8000/v1/", Model: "qwen"}, ok: true},
		{name: "empty base URL", cfg: llm.Config{Model: "m"}},
		{name: "empty model", cfg: llm.Config{BaseURL: "http://localhost:11434/v1"}},
		{name: "blank model", cfg: llm.Config{BaseURL: "http://localhost:11434/v1", Model: "  "}},
		{name: "ftp scheme", cfg: llm.Config{BaseURL: "ftp://example.com/v1", Model: "m"}},
		{name: "no scheme", cfg: llm.Config{BaseURL: "localhost:11434/v1", Model: "m"}},
		{name: "no host", cfg: llm.Config{BaseURL: "http:///v1", Model: "m"}},
		{name: "query", cfg: llm.Config{BaseURL: "http://localhost/v1?x=1", Model: "m"}},
		{name: "full endpoint given", cfg: llm.Config{BaseURL: "http://localhost/v1/chat/completions", Model: "m"}},
		{name: "negative timeout", cfg: llm.Config{BaseURL: "http://localhost/v1", Model: "m", Timeout: -time.Second}},
		{name: "negative max body", cfg: llm.Config{BaseURL: "http://localhost/v1", Model: "m", MaxResponseBytes: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := llm.New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("New(%+v) error = %v, want ok=%v", tt.cfg, err, tt.ok)
			}
			if tt.ok && c == nil {
				t.Fatal("New returned a nil client without error")
			}
		})
	}
}

func TestNewErrorHidesURLPassword(t *testing.T) {
	_, err := llm.New(llm.Config{BaseURL: "http://user:hunter2@exa mple.com/v1", Model: "m"})
	if err == nil {
		t.Fatal("New accepted a malformed URL")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestConfigEnabled(t *testing.T) {
	tests := []struct {
		cfg  llm.Config
		want bool
	}{
		{cfg: llm.Config{}, want: false},
		{cfg: llm.Config{BaseURL: "http://localhost/v1"}, want: false},
		{cfg: llm.Config{Model: "m"}, want: false},
		{cfg: llm.Config{BaseURL: " ", Model: "m"}, want: false},
		{cfg: llm.Config{BaseURL: "http://localhost/v1", Model: "m"}, want: true},
	}
	for _, tt := range tests {
		if got := tt.cfg.Enabled(); got != tt.want {
			t.Errorf("%+v.Enabled() = %v, want %v", tt.cfg, got, tt.want)
		}
	}
}

func TestConfigLogValueMasksSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("start", "llm", llm.Config{BaseURL: "https://proxy:pa55word@llm.internal/v1", Model: "gpt-4o-mini", APIKey: "sk-live-abc123"})
	out := buf.String()
	for _, secret := range []string{"sk-live-abc123", "pa55word"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q: %s", secret, out)
		}
	}
	for _, want := range []string{`"model":"gpt-4o-mini"`, `"api_key":"********"`, "llm.internal/v1"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s: %s", want, out)
		}
	}
}

func TestCompleteText(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) {
		reply(w, "\n  Lead with the outcome: cut p95 latency by 40%.  \n")
	})
	got, err := f.client(t).Complete(testContext(t), userRequest())
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if want := "Lead with the outcome: cut p95 latency by 40%."; got != want {
		t.Errorf("Complete = %q, want %q", got, want)
	}
	calls := f.calls()
	if len(calls) != 1 {
		t.Fatalf("server got %d requests, want 1", len(calls))
	}
	c := calls[0]
	if c.method != http.MethodPost || c.path != "/v1/chat/completions" {
		t.Errorf("request = %s %s, want POST /v1/chat/completions", c.method, c.path)
	}
	for h, want := range map[string]string{"Content-Type": "application/json", "User-Agent": "moksho/1"} {
		if got := c.header.Get(h); got != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
}

func TestRequestBody(t *testing.T) {
	wantMessages := []any{
		map[string]any{"role": "system", "content": "Answer in JSON."},
		map[string]any{"role": "user", "content": secretPrompt},
	}
	tests := []struct {
		name    string
		mod     func(*llm.Request)
		present map[string]any // field -> expected value
		absent  []string
	}{
		{
			name:    "defaults left to the server",
			mod:     func(*llm.Request) {},
			present: map[string]any{"model": "test-model", "messages": wantMessages},
			absent:  []string{"temperature", "max_tokens", "response_format"},
		},
		{
			name:    "zero temperature is sent",
			mod:     func(r *llm.Request) { r.Temperature = new(0.0) },
			present: map[string]any{"temperature": 0.0},
			absent:  []string{"max_tokens", "response_format"},
		},
		{
			name:    "temperature and max tokens",
			mod:     func(r *llm.Request) { r.Temperature, r.MaxTokens = new(0.7), 256 },
			present: map[string]any{"temperature": 0.7, "max_tokens": 256.0},
			absent:  []string{"response_format"},
		},
		{
			name:    "json mode",
			mod:     func(r *llm.Request) { r.JSON = true },
			present: map[string]any{"model": "test-model", "response_format": map[string]any{"type": "json_object"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { reply(w, `{"ok":true}`) })
			req := userRequest()
			tt.mod(&req)
			if _, err := f.client(t).Complete(testContext(t), req); err != nil {
				t.Fatalf("Complete: %v", err)
			}
			body := f.calls()[0].body
			for k, want := range tt.present {
				if got, ok := body[k]; !ok || !reflect.DeepEqual(got, want) {
					t.Errorf("body[%q] = %#v (present %v), want %#v", k, got, ok, want)
				}
			}
			for _, k := range tt.absent {
				if v, ok := body[k]; ok {
					t.Errorf("body has %q = %#v, want it absent", k, v)
				}
			}
		})
	}
}

func TestAuthorizationHeader(t *testing.T) {
	tests := []struct {
		name, key, want string
	}{
		{name: "with key", key: "sk-test-1", want: "Bearer sk-test-1"},
		{name: "without key", key: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { reply(w, "ok") })
			c := f.client(t, func(cfg *llm.Config) { cfg.APIKey = tt.key })
			if _, err := c.Complete(testContext(t), userRequest()); err != nil {
				t.Fatalf("Complete: %v", err)
			}
			h := f.calls()[0].header
			if _, present := h["Authorization"]; present != (tt.want != "") {
				t.Errorf("Authorization present = %v, want %v", present, tt.want != "")
			}
			if got := h.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization = %q, want %q", got, tt.want)
			}
		})
	}
}

// questions is the shape an interview-question step might ask for.
type questions struct {
	Questions []struct {
		Text  string `json:"text"`
		Skill string `json:"skill"`
	} `json:"questions"`
}

func TestCompleteJSON(t *testing.T) {
	const obj = `{"questions":[{"text":"How do you size a connection pool?","skill":"postgres","difficulty":3}],"note":"extra fields are fine"}`
	tests := []struct {
		name    string
		content string
		finish  string
		wantErr error
	}{
		{name: "bare", content: obj},
		{name: "json fence", content: "```json\n" + obj + "\n```"},
		{name: "prose and fence", content: "Here are your questions:\n\n```json\n" + obj + "\n```\n\nLet me know if you want more."},
		{name: "think first", content: "<think>The user wants {one} question.</think>\n" + obj},
		{name: "garbage", content: "I'm sorry, I can't do that. " + secretPrompt, wantErr: llm.ErrInvalidOutput},
		{name: "broken json", content: `{"questions": [{"text": "` + secretPrompt + `",}]}`, wantErr: llm.ErrInvalidOutput},
		{name: "cut off", content: `{"questions":[{"text":"` + secretPrompt, finish: "length", wantErr: llm.ErrInvalidOutput},
		{name: "wrong shape", content: `{"questions":"` + secretPrompt + `"}`, wantErr: llm.ErrInvalidOutput},
		{name: "wrong number type", content: `{"questions":[{"text":12345678901234567890}]}`, wantErr: llm.ErrInvalidOutput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			finish := tt.finish
			if finish == "" {
				finish = "stop"
			}
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { replyFinish(w, tt.content, finish) })
			var got questions
			err := f.client(t).CompleteJSON(testContext(t), userRequest(), &got)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CompleteJSON error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				for _, leak := range []string{secretPrompt, "12345678901234567890"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("error quotes the reply: %v", err)
					}
				}
				if tt.finish == "length" && !strings.Contains(err.Error(), "cut off") {
					t.Errorf("error %q does not say the reply was cut off", err)
				}
				return
			}
			if len(got.Questions) != 1 || got.Questions[0].Text != "How do you size a connection pool?" || got.Questions[0].Skill != "postgres" {
				t.Errorf("decoded %+v", got)
			}
			if rf := f.calls()[0].body["response_format"]; rf == nil {
				t.Error("CompleteJSON did not ask for response_format")
			}
		})
	}
}

func TestCompleteJSONNeedsPointer(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { reply(w, `{}`) })
	var nilPtr *questions
	for _, out := range []any{nil, questions{}, nilPtr} {
		if err := f.client(t).CompleteJSON(testContext(t), userRequest(), out); err == nil {
			t.Errorf("CompleteJSON(%T) succeeded", out)
		}
	}
	if n := len(f.calls()); n != 0 {
		t.Errorf("server got %d requests for unusable targets, want 0", n)
	}
}

func TestInvalidRequestNotSent(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { reply(w, "ok") })
	tests := []struct {
		name string
		req  llm.Request
	}{
		{name: "no messages", req: llm.Request{}},
		{name: "no role", req: llm.Request{Messages: []llm.Message{{Content: "hi"}}}},
		{name: "negative max tokens", req: llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}, MaxTokens: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.client(t).Complete(testContext(t), tt.req)
			if err == nil || errors.Is(err, llm.ErrUnavailable) || errors.Is(err, llm.ErrInvalidOutput) {
				t.Errorf("Complete error = %v, want a plain error", err)
			}
		})
	}
	if n := len(f.calls()); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestStatusErrors(t *testing.T) {
	long := strings.Repeat("x", 500)
	tests := []struct {
		name      string
		handle    func(w http.ResponseWriter, n int)
		wantIs    error // nil: a plain error, neither sentinel
		wantCode  int
		wantCalls int
		wantText  string
	}{
		{
			name:     "500 unavailable, no retry",
			handle:   func(w http.ResponseWriter, n int) { replyStatus(w, 500, "boom") },
			wantIs:   llm.ErrUnavailable,
			wantCode: 500, wantCalls: 1, wantText: "boom",
		},
		{
			name:     "503 twice, one retry",
			handle:   func(w http.ResponseWriter, n int) { replyStatus(w, 503, "loading model") },
			wantIs:   llm.ErrUnavailable,
			wantCode: 503, wantCalls: 2, wantText: "loading model",
		},
		{
			name:     "401 plain, no retry",
			handle:   func(w http.ResponseWriter, n int) { replyStatus(w, 401, "Incorrect API key provided") },
			wantCode: 401, wantCalls: 1, wantText: "Incorrect API key provided",
		},
		{
			name:     "404 unknown model",
			handle:   func(w http.ResponseWriter, n int) { replyStatus(w, 404, "model 'nope' not found") },
			wantCode: 404, wantCalls: 1, wantText: "404",
		},
		{
			name:     "400 without json mode is not retried",
			handle:   func(w http.ResponseWriter, n int) { replyStatus(w, 400, "context length exceeded") },
			wantCode: 400, wantCalls: 1, wantText: "context length exceeded",
		},
		{
			name: "error as a string",
			handle: func(w http.ResponseWriter, n int) {
				w.WriteHeader(403)
				io.WriteString(w, `{"error":"forbidden here"}`)
			},
			wantCode: 403, wantCalls: 1, wantText: "forbidden here",
		},
		{
			name: "vllm top-level message",
			handle: func(w http.ResponseWriter, n int) {
				w.WriteHeader(400)
				io.WriteString(w, `{"object":"error","message":"max_tokens too large","type":"BadRequestError","code":400}`)
			},
			wantCode: 400, wantCalls: 1, wantText: "max_tokens too large",
		},
		{
			name:     "long message truncated",
			handle:   func(w http.ResponseWriter, n int) { replyStatus(w, 422, long) },
			wantCode: 422, wantCalls: 1, wantText: strings.Repeat("x", 199) + "…",
		},
		{
			name: "html error page",
			handle: func(w http.ResponseWriter, n int) {
				w.WriteHeader(502)
				io.WriteString(w, "<html>bad gateway</html>")
			},
			wantIs:   llm.ErrUnavailable,
			wantCode: 502, wantCalls: 2, wantText: "502 Bad Gateway",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { tt.handle(w, n) })
			_, err := f.client(t).Complete(testContext(t), userRequest())
			if err == nil {
				t.Fatal("Complete succeeded")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if tt.wantIs == nil && (errors.Is(err, llm.ErrUnavailable) || errors.Is(err, llm.ErrInvalidOutput)) {
				t.Errorf("error %v wraps a sentinel, want a plain error", err)
			}
			var se *llm.StatusError
			if !errors.As(err, &se) || se.StatusCode != tt.wantCode {
				t.Errorf("error %v: StatusError = %+v, want code %d", err, se, tt.wantCode)
			}
			if se != nil && len([]rune(se.Message)) > 200 {
				t.Errorf("message is %d characters, want at most 200", len([]rune(se.Message)))
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q lacks %q", err, tt.wantText)
			}
			if strings.Contains(err.Error(), long) {
				t.Errorf("error holds the whole 500-character message")
			}
			if n := len(f.calls()); n != tt.wantCalls {
				t.Errorf("server got %d requests, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestBadSuccessBodies(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{name: "no choices", body: `{"id":"x","choices":[]}`},
		{name: "choices missing", body: `{"id":"x"}`},
		{name: "error in a 200", body: `{"error":{"message":"upstream failed"}}`},
		{name: "empty content", body: `{"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}`},
		{name: "blank content", body: `{"choices":[{"message":{"role":"assistant","content":" \n "}}]}`},
		{name: "null content", body: `{"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"tool_calls"}]}`},
		{name: "not json", body: `<html>hello</html>`},
		{name: "event stream", body: "data: {\"choices\":[]}\n\ndata: [DONE]\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { io.WriteString(w, tt.body) })
			_, err := f.client(t).Complete(testContext(t), userRequest())
			if !errors.Is(err, llm.ErrInvalidOutput) {
				t.Errorf("Complete error = %v, want ErrInvalidOutput", err)
			}
			if n := len(f.calls()); n != 1 {
				t.Errorf("server got %d requests, want 1", n)
			}
		})
	}
}

func TestOversizeBody(t *testing.T) {
	tests := []struct {
		name    string
		limit   int64
		size    int
		wantErr bool
	}{
		{name: "under limit", limit: 4096, size: 1000},
		{name: "over limit", limit: 4096, size: 5000, wantErr: true},
		{name: "over default limit", limit: 0, size: 2 << 20, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) {
				reply(w, strings.Repeat("a", tt.size))
			})
			c := f.client(t, func(cfg *llm.Config) { cfg.MaxResponseBytes = tt.limit })
			got, err := c.Complete(testContext(t), userRequest())
			if tt.wantErr {
				limit := tt.limit
				if limit == 0 {
					limit = llm.DefaultMaxResponseBytes
				}
				if !errors.Is(err, llm.ErrInvalidOutput) || !strings.Contains(err.Error(), fmt.Sprintf("over %d bytes", limit)) {
					t.Errorf("Complete error = %v, want ErrInvalidOutput about the size", err)
				}
				return
			}
			if err != nil || len(got) != tt.size {
				t.Errorf("Complete = %d bytes, %v; want %d bytes", len(got), err, tt.size)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name       string
		handle     func(w http.ResponseWriter, r *http.Request)
		ctxTimeout time.Duration // 0: no caller deadline
		want       time.Duration // how long the call should take
	}{
		{
			name: "no headers",
			handle: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
				reply(w, "too late")
			},
			want: timeout,
		},
		{
			name: "body stalls",
			handle: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"choices":[{"message":{"content":"par`)
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			want: timeout,
		},
		{
			name: "caller deadline shorter",
			handle: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
			ctxTimeout: 100 * time.Millisecond,
			want:       100 * time.Millisecond,
		},
		{
			name: "503 with retry-after past the deadline is not waited for",
			handle: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "1")
				replyStatus(w, 503, "busy")
			},
			want: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { tt.handle(w, r) })
			c := f.client(t, func(cfg *llm.Config) { cfg.Timeout = timeout })
			ctx := testContext(t)
			if tt.ctxTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
				defer cancel()
			}
			start := time.Now()
			_, err := c.Complete(ctx, userRequest())
			elapsed := time.Since(start)
			if !errors.Is(err, llm.ErrUnavailable) {
				t.Fatalf("Complete error = %v, want ErrUnavailable", err)
			}
			if elapsed < tt.want || elapsed > tt.want+500*time.Millisecond {
				t.Errorf("Complete took %v, want %v (+500ms)", elapsed, tt.want)
			}
			if tt.want > 0 && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
			}
		})
	}
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string // "date" sends an HTTP date 2s ahead
		wantOK     bool
		wantCalls  int
		minElapsed time.Duration
		maxElapsed time.Duration
	}{
		{name: "429 honours retry-after seconds", status: 429, retryAfter: "1", wantOK: true, wantCalls: 2, minElapsed: time.Second, maxElapsed: 1500 * time.Millisecond},
		{name: "429 honours retry-after date", status: 429, retryAfter: "date", wantOK: true, wantCalls: 2, minElapsed: 900 * time.Millisecond, maxElapsed: 2500 * time.Millisecond},
		{name: "429 without retry-after backs off briefly", status: 429, wantOK: true, wantCalls: 2, minElapsed: 200 * time.Millisecond, maxElapsed: 700 * time.Millisecond},
		{name: "504 retried", status: 504, retryAfter: "0", wantOK: true, wantCalls: 2, maxElapsed: 500 * time.Millisecond},
		{name: "429 asking for too long is not retried", status: 429, retryAfter: "30", wantCalls: 1, maxElapsed: 500 * time.Millisecond},
		{name: "500 not retried", status: 500, wantCalls: 1, maxElapsed: 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) {
				if n == 0 {
					switch tt.retryAfter {
					case "":
					case "date":
						// HTTP dates have whole seconds, so the wait is 1-2s.
						w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
					default:
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					replyStatus(w, tt.status, "slow down")
					return
				}
				reply(w, "second time lucky")
			})
			start := time.Now()
			got, err := f.client(t).Complete(testContext(t), userRequest())
			elapsed := time.Since(start)
			if tt.wantOK {
				if err != nil || got != "second time lucky" {
					t.Errorf("Complete = %q, %v; want success after retry", got, err)
				}
			} else if !errors.Is(err, llm.ErrUnavailable) {
				t.Errorf("Complete error = %v, want ErrUnavailable", err)
			}
			if n := len(f.calls()); n != tt.wantCalls {
				t.Errorf("server got %d requests, want %d", n, tt.wantCalls)
			}
			if elapsed < tt.minElapsed || elapsed > tt.maxElapsed {
				t.Errorf("Complete took %v, want between %v and %v", elapsed, tt.minElapsed, tt.maxElapsed)
			}
		})
	}
}

// rejectsResponseFormat answers 400 to any request with response_format, as
// some local servers do, and otherwise replies with an object.
func rejectsResponseFormat(w http.ResponseWriter, r *http.Request, n int, c call) {
	if _, ok := c.body["response_format"]; ok {
		replyStatus(w, 400, "unknown field: response_format")
		return
	}
	reply(w, `Sure: {"questions":[{"text":"Why?","skill":"go"}]}`)
}

func TestResponseFormatFallback(t *testing.T) {
	f := newFake(t, rejectsResponseFormat)
	c := f.client(t)
	for i := range 2 {
		var got questions
		if err := c.CompleteJSON(testContext(t), userRequest(), &got); err != nil {
			t.Fatalf("call %d: CompleteJSON: %v", i, err)
		}
		if len(got.Questions) != 1 || got.Questions[0].Text != "Why?" {
			t.Fatalf("call %d: decoded %+v", i, got)
		}
	}
	var withFormat []bool
	for _, c := range f.calls() {
		_, ok := c.body["response_format"]
		withFormat = append(withFormat, ok)
	}
	// First call: rejected, then retried without; second call: remembered.
	if want := []bool{true, false, false}; !reflect.DeepEqual(withFormat, want) {
		t.Errorf("requests carried response_format %v, want %v", withFormat, want)
	}
}

func TestResponseFormatFallbackNotRememberedOnFailure(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) {
		replyStatus(w, 400, "prompt too long")
	})
	c := f.client(t)
	for range 2 {
		var got questions
		err := c.CompleteJSON(testContext(t), userRequest(), &got)
		var se *llm.StatusError
		if !errors.As(err, &se) || se.StatusCode != 400 || errors.Is(err, llm.ErrUnavailable) {
			t.Fatalf("CompleteJSON error = %v, want plain status 400", err)
		}
	}
	var withFormat []bool
	for _, c := range f.calls() {
		_, ok := c.body["response_format"]
		withFormat = append(withFormat, ok)
	}
	if want := []bool{true, false, true, false}; !reflect.DeepEqual(withFormat, want) {
		t.Errorf("requests carried response_format %v, want %v", withFormat, want)
	}
}

func TestConnectionRefused(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) { reply(w, "ok") })
	c := f.client(t)
	f.srv.Close()
	start := time.Now()
	_, err := c.Complete(testContext(t), userRequest())
	if !errors.Is(err, llm.ErrUnavailable) {
		t.Fatalf("Complete error = %v, want ErrUnavailable", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Complete took %v against a closed port", elapsed)
	}
	if strings.Contains(err.Error(), secretPrompt) {
		t.Errorf("error quotes the prompt: %v", err)
	}
}

func TestNilClientIsUnavailable(t *testing.T) {
	var c *llm.Client
	if _, err := c.Complete(context.Background(), userRequest()); !errors.Is(err, llm.ErrUnavailable) {
		t.Errorf("Complete on nil client: %v, want ErrUnavailable", err)
	}
	var out questions
	if err := c.CompleteJSON(context.Background(), userRequest(), &out); !errors.Is(err, llm.ErrUnavailable) {
		t.Errorf("CompleteJSON on nil client: %v, want ErrUnavailable", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int, c call) {
		reply(w, fmt.Sprintf(`{"n":%d}`, n))
	})
	c := f.client(t)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			var out struct{ N *int }
			if err := c.CompleteJSON(testContext(t), userRequest(), &out); err != nil || out.N == nil {
				t.Errorf("CompleteJSON = %+v, %v", out, err)
			}
		})
	}
	wg.Wait()
	if n := len(f.calls()); n != 16 {
		t.Errorf("server got %d requests, want 16", n)
	}
}
