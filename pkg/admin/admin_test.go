package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/moksho/platform/pkg/admin"
)

func ok(context.Context) error { return nil }

func failing(msg string) admin.Check {
	return func(context.Context) error { return errors.New(msg) }
}

// stuck ignores its context, as a badly written check would.
func stuck(context.Context) error {
	time.Sleep(5 * time.Second)
	return nil
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name        string
		checks      map[string]admin.Check
		wantCode    int
		wantFailing map[string]string // name -> substring of its error
	}{
		{name: "no checks", wantCode: http.StatusOK},
		{name: "all pass", checks: map[string]admin.Check{"pg": ok, "nats": ok}, wantCode: http.StatusOK},
		{
			name:        "one fails",
			checks:      map[string]admin.Check{"pg": ok, "nats": failing("nats: no servers available")},
			wantCode:    http.StatusServiceUnavailable,
			wantFailing: map[string]string{"nats": "no servers available"},
		},
		{
			name:        "stuck check times out",
			checks:      map[string]admin.Check{"pg": stuck, "nats": ok},
			wantCode:    http.StatusServiceUnavailable,
			wantFailing: map[string]string{"pg": "deadline exceeded"},
		},
		{
			name:        "panicking check fails",
			checks:      map[string]admin.Check{"s3": func(context.Context) error { panic("boom") }},
			wantCode:    http.StatusServiceUnavailable,
			wantFailing: map[string]string{"s3": "panicked"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := admin.New(admin.Options{CheckTimeout: 100 * time.Millisecond})
			for name, c := range tt.checks {
				s.AddCheck(name, c)
			}
			start := time.Now()
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("/readyz took %v; checks must be bounded by the check timeout", took)
			}
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantCode, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body admin.Readiness
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
			}
			if body.Ready != (tt.wantCode == http.StatusOK) {
				t.Errorf("ready = %v with status %d", body.Ready, rec.Code)
			}
			if len(body.Checks) != len(tt.checks) {
				t.Errorf("body reports %d checks, want %d", len(body.Checks), len(tt.checks))
			}
			gotFailing := map[string]string{}
			for _, c := range body.Checks {
				if !c.OK {
					gotFailing[c.Name] = c.Error
				}
			}
			if len(gotFailing) != len(tt.wantFailing) {
				t.Errorf("failing checks = %v, want %v", gotFailing, tt.wantFailing)
			}
			for name, sub := range tt.wantFailing {
				if !strings.Contains(gotFailing[name], sub) {
					t.Errorf("check %q error = %q, want it to mention %q", name, gotFailing[name], sub)
				}
			}
		})
	}
}

func TestAddCheckReplacesByName(t *testing.T) {
	s := admin.New(admin.Options{})
	s.AddCheck("pg", failing("down"))
	s.AddCheck("pg", ok)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("status = %d after replacing the failing check, want 200: %s", rec.Code, rec.Body)
	}
}

func TestRoutes(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "moksho_test_events_total", Help: "test"})
	reg.MustRegister(c)
	c.Add(3)

	withMetrics := admin.New(admin.Options{Gatherer: reg})
	withMetrics.AddCheck("pg", failing("down"))
	withoutMetrics := admin.New(admin.Options{})

	tests := []struct {
		name     string
		srv      *admin.Server
		method   string
		path     string
		wantCode int
		wantBody string
	}{
		{"healthz is up while not ready", withMetrics, http.MethodGet, "/healthz", http.StatusOK, "ok"},
		{"healthz answers HEAD", withMetrics, http.MethodHead, "/healthz", http.StatusOK, ""},
		{"healthz refuses POST", withMetrics, http.MethodPost, "/healthz", http.StatusMethodNotAllowed, ""},
		{"metrics from the given registry", withMetrics, http.MethodGet, "/metrics", http.StatusOK, "moksho_test_events_total 3"},
		{"no gatherer, no metrics", withoutMetrics, http.MethodGet, "/metrics", http.StatusNotFound, ""},
		{"unknown path", withMetrics, http.MethodGet, "/debug", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.srv.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.wantCode {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.wantCode)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body %q does not contain %q", rec.Body, tt.wantBody)
			}
		})
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	s := admin.New(admin.Options{CheckTimeout: 2 * time.Second})
	entered := make(chan struct{})
	s.AddCheck("slow", func(ctx context.Context) error {
		close(entered)
		time.Sleep(300 * time.Millisecond)
		return nil
	})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + lis.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, lis) }()

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz = %d", resp.StatusCode)
	}

	// A request in flight when shutdown starts still gets its answer.
	type result struct {
		code int
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		inflight <- result{code: resp.StatusCode}
	}()
	<-entered
	cancel()

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if r := <-inflight; r.err != nil || r.code != http.StatusOK {
		t.Errorf("in-flight /readyz = %d, %v; want 200 despite shutdown", r.code, r.err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after Serve returned")
	}
}

func TestListenAndServeBadAddr(t *testing.T) {
	s := admin.New(admin.Options{})
	err := s.ListenAndServe(context.Background(), "127.0.0.1:notaport")
	if err == nil || !strings.Contains(err.Error(), "listen admin http") {
		t.Errorf("ListenAndServe(bad addr) = %v, want a listen error", err)
	}
}
