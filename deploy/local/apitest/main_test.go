// Package apitest drives the whole platform, started in-process by
// deploy/local on real PostgreSQL, JetStream and S3, through the public
// HTTP API as a client would.
package apitest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	local "github.com/moksho/platform/deploy/local"
	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/pkg/pg/pgtest"
	"github.com/moksho/platform/services/gateway"
	"github.com/moksho/platform/services/resumes"
)

var (
	platform *local.Platform
	// dbPrefix prefixes this run's databases; logPath captures every
	// service's log lines.
	dbPrefix string
	logPath  string
	// model is the stand-in language model; it keeps every prompt.
	model *fakeModel
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	model = startModel()
	defer model.Close()
	admin, err := pgtest.ServerURL()
	if err != nil {
		fmt.Fprintln(os.Stderr, "no PostgreSQL for tests:", err)
		return 1
	}
	prefix := "api_" + randHex(4) + "_"
	dbPrefix = prefix
	ctx, cancel := context.WithCancel(context.Background())
	p, err := local.Start(ctx, local.Options{
		DataDir:       mustTemp(),
		HTTPAddr:      "127.0.0.1:0",
		DatabaseURL:   admin,
		DBPrefix:      prefix,
		AdminEmail:    "admin@moksho.local",
		AdminPassword: "moksho-admin-local",
		LogOutput:     logFile(),
		// Debug level: the privacy tests check that even the most verbose
		// logs hold no personal data from resumes.
		LogLevel: slog.LevelDebug,
		// Each test speaks from its own client IP (X-Forwarded-For), so
		// per-IP login throttling in one test cannot spill into another.
		TuneGateway: func(c *gateway.Config) { c.TrustProxyHeaders = true },
		// A local server speaking the chat-completions API stands in for a
		// language model, so tests see exactly what a model would be sent.
		TuneResumes: func(c *resumes.Config) {
			c.LLM = llm.Config{BaseURL: model.URL + "/v1", Model: "test-model", Timeout: 5 * time.Second}
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start platform:", err)
		cancel()
		return 1
	}
	platform = p
	code := m.Run()
	cancel()
	if err := p.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, "platform stopped with:", err)
		code = 1
	}
	_ = pgtest.DropDatabases(context.Background(), admin, prefix)
	return code
}

func logFile() *os.File {
	f, err := os.CreateTemp("", "moksho-apitest-*.log")
	if err != nil {
		panic(err) // the privacy tests read the logs: no file, no tests
	}
	logPath = f.Name()
	return f
}

func mustTemp() string {
	d, err := os.MkdirTemp("", "moksho-apitest-")
	if err != nil {
		panic(err)
	}
	return d
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// client is a browser-like API client: a cookie jar and its own client IP.
type client struct {
	t    *testing.T
	http *http.Client
	ip   string
	hdr  http.Header
}

func newClient(t *testing.T) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return &client{
		t:    t,
		http: &http.Client{Jar: jar, Timeout: 30 * time.Second},
		ip:   fmt.Sprintf("10.%d.%d.%d", b[0], b[1], b[2]),
		hdr:  http.Header{},
	}
}

type response struct {
	*http.Response
	body []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v: %s", r.Request.URL.Path, err, r.body)
	}
}

// problem decodes a problem document and checks its content type.
func (r response) problem(t *testing.T) problemDoc {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s %s: content type %q, want application/problem+json: %s", r.Request.Method, r.Request.URL.Path, ct, r.body)
	}
	var p problemDoc
	r.json(t, &p)
	if p.Status != r.StatusCode || !strings.HasPrefix(p.Type, "https://moksho.com/problems/") || p.Title == "" {
		t.Fatalf("bad problem document for %d: %+v", r.StatusCode, p)
	}
	return p
}

type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (p problemDoc) hasError(field, codePrefix string) bool {
	for _, e := range p.Errors {
		if e.Field == field && strings.HasPrefix(e.Code, codePrefix) {
			return true
		}
	}
	return false
}

func (c *client) do(method, path, contentType string, body []byte) response {
	c.t.Helper()
	req, err := http.NewRequest(method, platform.URL+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	for k, v := range c.hdr {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Response: res, body: b}
}

func (c *client) call(method, path string, body any) response {
	c.t.Helper()
	if body == nil {
		return c.do(method, path, "", nil)
	}
	b, err := json.Marshal(body)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(method, path, "application/json", b)
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
}

func currentPolicy(t *testing.T) string {
	t.Helper()
	r := newClient(t).call("GET", "/api/v1/policy", nil)
	expectStatus(t, r, 200)
	var p struct{ Version string }
	r.json(t, &p)
	return p.Version
}

const goodPassword = "violet-harbour-lantern-42"

func uniqueEmail(prefix string) string {
	return fmt.Sprintf("%s.%s@example.org", prefix, randHex(4))
}

type account struct {
	ID, Email, Name, Role string
}

// register creates a candidate and returns it.
func register(t *testing.T, c *client, email string) account {
	t.Helper()
	r := c.call("POST", "/api/v1/accounts", map[string]any{
		"email": email, "password": goodPassword, "name": "Test Candidate",
		"role": "candidate", "acceptPolicyVersion": currentPolicy(t), "policyTextShown": true,
	})
	expectStatus(t, r, 201)
	var a account
	r.json(t, &a)
	return a
}

func login(t *testing.T, c *client, email, password string) response {
	t.Helper()
	return c.call("POST", "/api/v1/sessions", map[string]any{"email": email, "password": password})
}

// signedIn returns a client with a live session of a new candidate.
func signedIn(t *testing.T) (*client, account) {
	t.Helper()
	c := newClient(t)
	a := register(t, c, uniqueEmail("cand"))
	expectStatus(t, login(t, c, a.Email, goodPassword), 200)
	return c, a
}
