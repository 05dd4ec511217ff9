// Package gateway is the only thing a browser or a recruiter's system talks
// to: it serves the web client and the public JSON API, authenticates the
// session cookie through the accounts service, and forwards each request to
// the service that owns the data, over gRPC. It stores nothing.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	"github.com/moksho/platform/pkg/admin"
	"github.com/moksho/platform/pkg/rpc"
	"github.com/moksho/platform/pkg/telemetry"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
	"github.com/moksho/platform/services/gateway/internal/api"
	"github.com/moksho/platform/services/gateway/internal/web"
)

// Name is the service name (env prefix MOKSHO_GATEWAY_).
const Name = "gateway"

// Config is the gateway configuration, read from MOKSHO_GATEWAY_* variables.
type Config struct {
	HTTPAddr       string `env:"HTTP_ADDR" envDefault:"127.0.0.1:8080"`
	AdminAddr      string `env:"ADMIN_ADDR" envDefault:"127.0.0.1:9200"`
	AccountsAddr   string `env:"ACCOUNTS_ADDR" envDefault:"127.0.0.1:9101"`
	ResumesAddr    string `env:"RESUMES_ADDR" envDefault:"127.0.0.1:9102"`
	InterviewsAddr string `env:"INTERVIEWS_ADDR" envDefault:"127.0.0.1:9103"`
	EvaluationAddr string `env:"EVALUATION_ADDR" envDefault:"127.0.0.1:9104"`
	// CookieSecure forces Secure cookies (set it behind a TLS proxy);
	// requests arriving over TLS get them anyway.
	CookieSecure      bool     `env:"COOKIE_SECURE" envDefault:"false"`
	TrustProxyHeaders bool     `env:"TRUST_PROXY_HEADERS" envDefault:"false"`
	TrustedOrigins    []string `env:"TRUSTED_ORIGINS" envSeparator:","`
	MaxJSONBody       int64    `env:"MAX_JSON_BODY" envDefault:"65536"`
	// Failed sign-ins: a burst per client IP and per account, refilled one
	// at a time; beyond that, 429 with Retry-After.
	LoginIPBurst      int           `env:"LOGIN_IP_BURST" envDefault:"20"`
	LoginIPEvery      time.Duration `env:"LOGIN_IP_EVERY" envDefault:"3s"`
	LoginAccountBurst int           `env:"LOGIN_ACCOUNT_BURST" envDefault:"5"`
	LoginAccountEvery time.Duration `env:"LOGIN_ACCOUNT_EVERY" envDefault:"1m"`
	RequestTimeout    time.Duration `env:"REQUEST_TIMEOUT" envDefault:"15s"`
	// MaxMediaBytes bounds a recorded answer (default 200 MB); a recording
	// may take MediaTimeout to upload.
	MaxMediaBytes int64         `env:"MAX_MEDIA_BYTES" envDefault:"209715200"`
	MediaTimeout  time.Duration `env:"MEDIA_TIMEOUT" envDefault:"10m"`
	// MediaOrigins are the object store's origins that recordings are
	// played back from (presigned URLs), allowed by the pages' policy.
	MediaOrigins []string `env:"MEDIA_ORIGINS" envSeparator:","`

	// HTTPListener and AdminListener, when set, replace the addresses.
	HTTPListener  net.Listener `env:"-"`
	AdminListener net.Listener `env:"-"`
}

// Run serves HTTP until ctx is cancelled, then drains in-flight requests.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	var be api.Backends
	for _, peer := range []struct {
		name, addr string
		bind       func(*grpc.ClientConn)
	}{
		{"accounts", cfg.AccountsAddr, func(c *grpc.ClientConn) { be.Accounts = accountsv1.NewAccountsServiceClient(c) }},
		{"resumes", cfg.ResumesAddr, func(c *grpc.ClientConn) { be.Resumes = resumesv1.NewResumesServiceClient(c) }},
		{"interviews", cfg.InterviewsAddr, func(c *grpc.ClientConn) { be.Interviews = interviewsv1.NewInterviewsServiceClient(c) }},
		{"evaluation", cfg.EvaluationAddr, func(c *grpc.ClientConn) { be.Evaluation = evaluationv1.NewEvaluationServiceClient(c) }},
	} {
		conn, err := rpc.Dial(peer.addr, rpc.WithClientMetrics(reg))
		if err != nil {
			return fmt.Errorf("dial %s: %w", peer.name, err)
		}
		defer conn.Close()
		peer.bind(conn)
	}

	h, err := Handler(cfg, be, log, reg)
	if err != nil {
		return err
	}

	lis := cfg.HTTPListener
	if lis == nil {
		if lis, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
		}
	}
	adminLis := cfg.AdminListener
	if adminLis == nil {
		if adminLis, err = net.Listen("tcp", cfg.AdminAddr); err != nil {
			lis.Close()
			return fmt.Errorf("listen %s: %w", cfg.AdminAddr, err)
		}
	}
	// No readiness check on peers: a gateway replica is ready when it
	// serves, and making it unready when a backend is down would only
	// cascade one outage into another.
	adm := admin.New(admin.Options{Logger: log, Gatherer: reg})

	// Request tracing only when traces are exported: the instrumentation
	// costs CPU on every request (see telemetry.Exporting).
	if telemetry.Exporting() {
		h = otelhttp.NewHandler(h, "gateway")
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("gateway serving", "http", lis.Addr().String(), "admin", adminLis.Addr().String())
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve http: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	g.Go(func() error { return adm.Serve(gctx, adminLis) })
	return g.Wait()
}

// Handler builds the gateway's whole HTTP surface: the API, the web client
// and the operator endpoints. Tests and benchmarks mount it directly.
func Handler(cfg Config, be api.Backends, log *slog.Logger, reg *prometheus.Registry) (http.Handler, error) {
	for _, o := range cfg.TrustedOrigins {
		if err := http.NewCrossOriginProtection().AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", o, err)
		}
	}
	be.Accounts = api.BatchAuthenticate(be.Accounts)
	a := api.New(api.Config{
		CookieSecure: cfg.CookieSecure, TrustProxyHeaders: cfg.TrustProxyHeaders,
		TrustedOrigins: cfg.TrustedOrigins, MaxJSONBody: cfg.MaxJSONBody,
		LoginIPEvery: cfg.LoginIPEvery, LoginIPBurst: cfg.LoginIPBurst,
		LoginAccountEvery: cfg.LoginAccountEvery, LoginAccountBurst: cfg.LoginAccountBurst,
		RequestTimeout: cfg.RequestTimeout, MaxMediaBytes: cfg.MaxMediaBytes, MediaTimeout: cfg.MediaTimeout,
	}, be, log, reg)
	pages, err := web.New(be.Accounts, log, web.Options{MediaOrigins: cfg.MediaOrigins})
	if err != nil {
		return nil, fmt.Errorf("web client: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", a.Handler())
	mux.Handle("/", pages)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	return mux, nil
}
