// Package api is the gateway's public HTTP API under /api/v1: JSON in and
// out, RFC 9457 problem documents for every error, the session cookie, and
// protection against cross-site requests. Handlers translate HTTP to gRPC
// calls on the owning services; the gateway stores nothing itself.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
)

// Config is what the API needs from the gateway's configuration.
type Config struct {
	// CookieSecure forces the Secure attribute on the session cookie even
	// when the request did not arrive over TLS (behind a TLS proxy).
	CookieSecure bool
	// TrustProxyHeaders lets X-Forwarded-For and X-Forwarded-Proto decide
	// the client IP and scheme; only behind a proxy that sets them.
	TrustProxyHeaders bool
	// TrustedOrigins may send state-changing cross-origin requests.
	TrustedOrigins []string
	// MaxJSONBody bounds JSON request bodies, in bytes.
	MaxJSONBody int64
	// LoginIPEvery/LoginIPBurst: failed logins allowed per client IP.
	LoginIPEvery time.Duration
	LoginIPBurst int
	// LoginAccountEvery/LoginAccountBurst: failed logins allowed per account.
	LoginAccountEvery time.Duration
	LoginAccountBurst int
	// RequestTimeout bounds each backend call made for a request.
	RequestTimeout time.Duration
	// MaxMediaBytes bounds a recorded answer; MediaTimeout bounds its
	// upload.
	MaxMediaBytes int64
	MediaTimeout  time.Duration
}

// Backends are the service clients the API calls.
type Backends struct {
	Accounts   accountsv1.AccountsServiceClient
	Resumes    resumesv1.ResumesServiceClient
	Interviews interviewsv1.InterviewsServiceClient
	Evaluation evaluationv1.EvaluationServiceClient
}

// Server is the API handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	be       Backends
	mux      *http.ServeMux
	ipLimit  *limiter
	accLimit *limiter
	now      func() time.Time
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// route is one API endpoint; the table drives registration and the test
// that keeps the OpenAPI document complete.
type route struct {
	method, pattern string
	auth            bool
	handler         http.HandlerFunc
}

// New builds the API. reg receives the HTTP metrics.
func New(cfg Config, be Backends, log *slog.Logger, reg prometheus.Registerer) *Server {
	s := &Server{
		cfg:      cfg,
		log:      log,
		be:       be,
		mux:      http.NewServeMux(),
		ipLimit:  newLimiter(cfg.LoginIPEvery, cfg.LoginIPBurst),
		accLimit: newLimiter(cfg.LoginAccountEvery, cfg.LoginAccountBurst),
		now:      time.Now,
	}
	f := promauto.With(reg)
	s.requests = f.NewCounterVec(prometheus.CounterOpts{
		Name: "gateway_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	s.latency = f.NewHistogramVec(prometheus.HistogramOpts{
		Name: "gateway_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"route"})
	for _, rt := range s.routes() {
		h := rt.handler
		if rt.auth {
			h = s.authenticated(h)
		}
		s.mux.Handle(rt.method+" "+rt.pattern, s.instrument(rt.method+" "+rt.pattern, h))
	}
	s.mux.HandleFunc("/api/", s.noRoute)
	return s
}

// noRoute answers requests no endpoint takes: 405 with Allow when the path
// exists under another method, else 404, both as problem documents.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/api/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeProblem(w, r, probNoMethod.with(r.Method+" is not supported here; use "+strings.Join(allowed, " or ")))
		return
	}
	writeProblem(w, r, probNotFound.with("no such API endpoint: see /api/v1/openapi.json"))
}

func (s *Server) routes() []route {
	return []route{
		{"GET", "/api/v1/openapi.json", false, s.openAPI},
		{"GET", "/api/v1/policy", false, s.getPolicy},
		{"POST", "/api/v1/accounts", false, s.register},
		{"POST", "/api/v1/sessions", false, s.login},
		{"DELETE", "/api/v1/sessions/current", true, s.logout},
		{"GET", "/api/v1/me", true, s.getMe},
		{"PATCH", "/api/v1/me", true, s.patchMe},
		{"PUT", "/api/v1/me/password", true, s.changePassword},
		{"GET", "/api/v1/me/privacy", true, s.getPrivacy},
		{"PUT", "/api/v1/me/privacy", true, s.putPrivacy},
		{"POST", "/api/v1/me/privacy/policy-acceptance", true, s.acceptPolicy},
		{"POST", "/api/v1/me/privacy/consent-withdrawal", true, s.withdrawConsent},
		{"GET", "/api/v1/roles", false, s.listRoles},
		{"GET", "/api/v1/skills", false, s.listSkills},
		{"POST", "/api/v1/resumes", true, s.uploadResume},
		{"GET", "/api/v1/resumes", true, s.listResumes},
		{"GET", "/api/v1/resumes/{id}", true, s.getResume},
		{"POST", "/api/v1/interviews", true, s.createInterview},
		{"GET", "/api/v1/interviews", true, s.listInterviews},
		{"GET", "/api/v1/interviews/{id}", true, s.getInterview},
		{"POST", "/api/v1/interviews/{id}/complete", true, s.completeInterview},
		{"PUT", "/api/v1/interviews/{id}/questions/{qid}/answer", true, s.putAnswer},
		{"GET", "/api/v1/answers/{id}", true, s.getAnswer},
		{"PUT", "/api/v1/answers/{id}/transcript", true, s.putTranscript},
		{"POST", "/api/v1/answers/{id}/retry", true, s.retryAnswer},
		{"GET", "/api/v1/results", true, s.listResults},
	}
}

// Handler returns the API with its protections: panic recovery, security
// headers, and refusal of cross-site state-changing requests.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range s.cfg.TrustedOrigins {
		_ = cop.AddTrustedOrigin(o) // validated when the config is loaded
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, probCrossSite.with("state-changing requests must come from this site"))
	}))
	return s.recoverPanics(securityHeaders(cop.Handler(s.mux)))
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic serving request", "panic", p, "path", r.URL.Path, "stack", string(debug.Stack()))
				writeProblem(w, r, probInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument records metrics and one log line per request.
func (s *Server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		d := time.Since(start)
		s.requests.WithLabelValues(route, itoa(rec.status)).Inc()
		s.latency.WithLabelValues(route).Observe(d.Seconds())
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelWarn
		}
		if s.log.Enabled(r.Context(), level) {
			s.log.LogAttrs(r.Context(), level, "http request", slog.String("route", route),
				slog.Int("status", rec.status), slog.Float64("duration_ms", float64(d.Microseconds())/1000))
		}
	})
}

// backendCtx bounds one backend call made for a request.
func (s *Server) backendCtx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
}
