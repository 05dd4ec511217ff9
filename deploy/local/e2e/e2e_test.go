//go:build e2e

// Package e2e starts the real `make run` binary as a user would, drives it
// over HTTP, stops it with Ctrl-C (SIGINT) and starts it again on the same
// data. Run with `make e2e`.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/pg/pgtest"
)

type platform struct {
	cmd    *exec.Cmd
	url    string
	output *syncBuffer
	exited chan error
}

// syncBuffer collects stdout and stderr, written from two goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the binary and waits for the URL it prints.
func start(t *testing.T, bin string, env []string) *platform {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), env...)
	out := &syncBuffer{}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &platform{cmd: cmd, output: out, exited: make(chan error, 1)}
	urlLine := regexp.MustCompile(`Web client and API\s+(http://\S+)`)
	found := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			_, _ = out.Write([]byte(line + "\n"))
			if m := urlLine.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
	}()
	// Wait only after stdout is drained, as os/exec requires.
	go func() {
		<-scanned
		p.exited <- cmd.Wait()
	}()
	select {
	case p.url = <-found:
	case err := <-p.exited:
		t.Fatalf("moksho exited before serving: %v\n%s", err, out)
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("moksho did not print its URL within 2 minutes:\n%s", out)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	return p
}

// interrupt sends Ctrl-C and expects a clean exit.
func (p *platform) interrupt(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Fatalf("moksho exited with %v after Ctrl-C:\n%s", err, p.output)
		}
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Fatalf("moksho did not stop within 30 s of Ctrl-C:\n%s", p.output)
	}
	if !strings.Contains(p.output.String(), "Moksho stopped.") {
		t.Fatalf("no clean stop message:\n%s", p.output)
	}
}

// prepare builds the `make run` binary and returns it with the
// environment of a fresh platform: its own data directory, address and
// databases (dropped after the test).
func prepare(t *testing.T) (bin string, env []string) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "moksho")
	build := exec.Command("go", "build", "-o", bin, "github.com/moksho/platform/deploy/local/cmd/moksho")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	admin := pgtest.AdminURL(t)
	prefix := "e2e_" + randHex(4) + "_"
	t.Cleanup(func() { _ = pgtest.DropDatabases(context.Background(), admin, prefix) })
	return bin, []string{
		"MOKSHO_DATA_DIR=" + filepath.Join(dir, "data"),
		"MOKSHO_HTTP_ADDR=" + freeAddr(t),
		"DATABASE_URL=" + admin,
		"MOKSHO_DB_PREFIX=" + prefix,
		"MOKSHO_ADMIN_PASSWORD=e2e-operator-secret-77",
	}
}

func TestRunJourneyStopAndRestart(t *testing.T) {
	bin, env := prepare(t)
	p := start(t, bin, env)
	c := newClient(t, p.url)

	// The web client's pages.
	res := c.get("/")
	if res.status != 200 || !strings.Contains(res.body, "Moksho") || !strings.Contains(res.header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("landing: %d %q", res.status, res.header)
	}
	var policy struct{ Version, Text string }
	c.getJSON("/api/v1/policy", &policy)
	res = c.get("/privacy")
	if res.status != 200 || !strings.Contains(res.body, policy.Version) || !strings.Contains(res.body, "90 days") {
		t.Fatalf("privacy page: %d", res.status)
	}

	// A candidate's account journey.
	email := "e2e." + randHex(4) + "@example.org"
	pw := "quartz-meadow-lantern-19"
	expect(t, c.post("/api/v1/accounts", map[string]any{
		"email": email, "password": pw, "name": "Eve Example", "role": "candidate",
		"acceptPolicyVersion": policy.Version, "policyTextShown": true,
	}), 201)
	expect(t, c.post("/api/v1/sessions", map[string]any{"email": email, "password": pw}), 200)
	var me struct{ Email, Name string }
	c.getJSON("/api/v1/me", &me)
	if me.Email != email || me.Name != "Eve Example" {
		t.Fatalf("me = %+v", me)
	}
	expect(t, c.send("PUT", "/api/v1/me/privacy", map[string]any{"recruiterVisible": true}), 200)

	// The operator account the local deployment creates.
	op := newClient(t, p.url)
	expect(t, op.post("/api/v1/sessions", map[string]any{"email": "admin@moksho.local", "password": "e2e-operator-secret-77"}), 200)
	var opMe struct{ Role string }
	op.getJSON("/api/v1/me", &opMe)
	if opMe.Role != "admin" {
		t.Fatalf("operator role %q", opMe.Role)
	}

	// Operators' endpoints.
	if res := c.get("/healthz"); res.status != 200 {
		t.Fatalf("healthz %d", res.status)
	}
	if res := c.get("/metrics"); res.status != 200 || !strings.Contains(res.body, "gateway_http_requests_total") {
		t.Fatalf("metrics %d", res.status)
	}

	p.interrupt(t)

	// Started again on the same data, the account and its settings remain;
	// the session outlived the restart (it is server-side, in PostgreSQL).
	p = start(t, bin, env)
	c.base = p.url
	var priv struct{ RecruiterVisible bool }
	c.getJSON("/api/v1/me/privacy", &priv)
	if !priv.RecruiterVisible {
		t.Fatal("privacy setting lost across a restart")
	}
	expect(t, c.send("DELETE", "/api/v1/sessions/current", nil), 204)
	if res := c.get("/api/v1/me"); res.status != 401 {
		t.Fatalf("after logout: %d", res.status)
	}
	p.interrupt(t)
}

type client struct {
	t    *testing.T
	base string
	http *http.Client
}

type result struct {
	status int
	body   string
	header http.Header
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (c *client) do(method, path string, body any) result {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(context.Background(), method, c.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return result{status: res.StatusCode, body: string(b), header: res.Header}
}

func (c *client) get(path string) result            { return c.do("GET", path, nil) }
func (c *client) post(path string, body any) result { return c.do("POST", path, body) }
func (c *client) send(method, path string, body any) result {
	return c.do(method, path, body)
}

func (c *client) getJSON(path string, v any) {
	c.t.Helper()
	res := c.get(path)
	if res.status != 200 {
		c.t.Fatalf("GET %s: %d %s", path, res.status, res.body)
	}
	if err := json.Unmarshal([]byte(res.body), v); err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
}

func expect(t *testing.T, r result, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
