// Package admin is the operator HTTP port every service exposes beside its
// gRPC port: liveness (/healthz), readiness (/readyz) and Prometheus metrics
// (/metrics). It is separate from the public API so that probes and scrapes
// never pass through the gateway, its authentication or its rate limits, and
// so that the port can stay unexposed outside the cluster.
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// DefaultCheckTimeout bounds each readiness check. It is short because a
// Kubernetes readiness probe gives up after its own timeoutSeconds (1 s by
// default); set the probe's timeout above this value.
const DefaultCheckTimeout = time.Second

// DefaultShutdownTimeout is how long Serve lets in-flight requests finish
// once its context ends.
const DefaultShutdownTimeout = 10 * time.Second

// Check reports whether one dependency the service needs to do useful work
// (its database, the message broker) is usable now. It must honour ctx,
// which carries the check timeout; a non-nil error makes the service not
// ready, so keep it for dependencies whose absence means requests would
// fail, not for optional ones.
type Check func(ctx context.Context) error

// Options configures New. The zero value serves /healthz and /readyz only.
type Options struct {
	// Logger receives serving and shutdown notices. Nil means slog.Default().
	Logger *slog.Logger

	// Gatherer is what /metrics exposes, normally the service's own
	// prometheus.Registry. Nil means /metrics is not served.
	Gatherer prometheus.Gatherer

	// CheckTimeout bounds each readiness check; zero means
	// DefaultCheckTimeout.
	CheckTimeout time.Duration

	// ShutdownTimeout bounds the graceful stop in Serve; zero means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
}

// Server is the admin HTTP handler and its server loop.
type Server struct {
	log             *slog.Logger
	checkTimeout    time.Duration
	shutdownTimeout time.Duration
	mux             *http.ServeMux

	mu     sync.RWMutex
	checks []namedCheck
}

type namedCheck struct {
	name  string
	check Check
}

// New returns a Server with no readiness checks: it is ready until checks
// are added.
func New(opts Options) *Server {
	s := &Server{
		log:             opts.Logger,
		checkTimeout:    opts.CheckTimeout,
		shutdownTimeout: opts.ShutdownTimeout,
		mux:             http.NewServeMux(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.checkTimeout <= 0 {
		s.checkTimeout = DefaultCheckTimeout
	}
	if s.shutdownTimeout <= 0 {
		s.shutdownTimeout = DefaultShutdownTimeout
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Gatherer != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
			EnableOpenMetrics: true, // carries the trace exemplars of pkg/rpc
		}))
	}
	return s
}

// AddCheck adds a readiness check under name, which is how /readyz reports
// it. Adding a name twice replaces the earlier check. Safe to call while
// serving.
func (s *Server) AddCheck(name string, check Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.checks {
		if s.checks[i].name == name {
			s.checks[i].check = check
			return
		}
	}
	s.checks = append(s.checks, namedCheck{name: name, check: check})
}

// Handler returns the admin routes, for tests and for callers that run
// their own http.Server.
func (s *Server) Handler() http.Handler { return s.mux }

// healthz answers liveness: reaching this handler proves the process can
// still serve. It deliberately checks no dependency, so that an outage of
// the database makes pods unready, not restarted in a loop.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// Readiness is the JSON body of /readyz.
type Readiness struct {
	Ready  bool          `json:"ready"`
	Checks []CheckResult `json:"checks"`
}

// CheckResult is one check's outcome in a Readiness body. Error is the
// check's error text; checks must not put personal data in their errors.
type CheckResult struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	checks := append([]namedCheck(nil), s.checks...)
	s.mu.RUnlock()

	body := Readiness{Ready: true, Checks: make([]CheckResult, len(checks))}
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() {
			err := s.runCheck(r.Context(), c.check)
			body.Checks[i] = CheckResult{Name: c.name, OK: err == nil}
			if err != nil {
				body.Checks[i].Error = err.Error()
			}
		})
	}
	wg.Wait()

	code := http.StatusOK
	for _, c := range body.Checks {
		if !c.OK {
			body.Ready = false
			code = http.StatusServiceUnavailable
			s.log.WarnContext(r.Context(), "readiness check failed", "check", c.Name, "err", c.Error)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// runCheck runs check with the check timeout and returns by the deadline
// even if the check ignores its context; such a check's goroutine finishes
// in the background.
func (s *Server) runCheck(ctx context.Context, check Check) (err error) {
	ctx, cancel := context.WithTimeout(ctx, s.checkTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("check panicked: %v", p)
			}
		}()
		done <- check(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("check did not finish within %v: %w", s.checkTimeout, ctx.Err())
	}
}

// ListenAndServe listens on addr (for example ":9090") and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen admin http on %s: %w", addr, err)
	}
	return s.Serve(ctx, lis)
}

// Serve serves the admin routes on lis until ctx is done, then lets
// in-flight requests finish for at most the shutdown timeout before closing
// the remaining connections. It returns nil after a shutdown caused by ctx
// and an error when serving itself fails.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	addr := lis.Addr().String()
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lis) }()
	s.log.InfoContext(ctx, "admin http server started", "addr", addr)

	select {
	case err := <-errc:
		return fmt.Errorf("serve admin http on %s: %w", addr, err)
	case <-ctx.Done():
	}

	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		s.log.Warn("admin http server stopped after cutting off requests still running at the shutdown timeout",
			"addr", addr, "timeout", s.shutdownTimeout, "err", err)
	} else {
		s.log.Info("admin http server stopped", "addr", addr)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve admin http on %s: %w", addr, err)
	}
	return nil
}
