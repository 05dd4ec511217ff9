// Package rpc is the gRPC plumbing every service shares, so that each one
// gets the same tracing, logging, panic recovery, metrics, health and
// shutdown behaviour without copying it: a service registers its handlers on
// Server.GRPC and calls Serve; a caller of another service uses Dial.
//
// The package carries no domain knowledge. Mapping application errors to
// gRPC codes stays in each service's own rpc adapter, because only the
// service knows which of its errors mean NotFound or FailedPrecondition.
package rpc

import (
	"context"
	"errors"
	"fmt"
	"github.com/moksho/platform/pkg/telemetry"
	"log/slog"
	"net"
	"runtime"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
)

// DefaultShutdownTimeout is how long Serve waits for in-flight RPCs after its
// context ends before it cuts them off. Ten seconds fits inside the 30 s that
// Kubernetes grants between SIGTERM and SIGKILL, with room for the other
// servers of the process to stop too.
const DefaultShutdownTimeout = 10 * time.Second

// latencyBuckets are the handling-time histogram buckets, in seconds, for
// server and client alike: from a 1 ms cache hit to a 10 s transcription
// call, so both ends of a call can be compared bucket by bucket.
var latencyBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// ServerOptions configures NewServer. The zero value is usable: it logs to
// slog.Default and keeps metrics in a private registry nobody scrapes.
type ServerOptions struct {
	// Logger receives one line per finished RPC and the shutdown notices.
	// Nil means slog.Default().
	Logger *slog.Logger

	// Registerer receives the server's RPC metrics (grpc_server_*). Pass the
	// service's own registry rather than prometheus.DefaultRegisterer: the
	// local deployment runs several services in one process, and each must
	// report under its own /metrics without colliding with the others. Nil
	// means a fresh registry, that is, metrics that are not exported.
	Registerer prometheus.Registerer

	// ShutdownTimeout bounds the graceful stop in Serve. Zero means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration

	// GRPCOptions are appended after the server's own options, so a service
	// can add, for example, credentials or a larger message size limit.
	GRPCOptions []grpc.ServerOption

	// Tracing installs OpenTelemetry server instrumentation. The zero value
	// (TracingAuto) installs it when traces are exported
	// (telemetry.Exporting), since it costs CPU on every call.
	Tracing Tracing
}

// Tracing says whether a server or client is instrumented with
// OpenTelemetry.
type Tracing int

// Tracing modes.
const (
	// TracingAuto instruments when telemetry.Exporting() says traces go
	// somewhere.
	TracingAuto Tracing = iota
	// TracingOn always instruments (tests of trace propagation).
	TracingOn
	// TracingOff never instruments.
	TracingOff
)

// enabled resolves the mode.
func (t Tracing) enabled() bool {
	switch t {
	case TracingOn:
		return true
	case TracingOff:
		return false
	}
	return telemetry.Exporting()
}

// Server is a grpc.Server with the platform's interceptors, the standard
// health service and reflection already installed.
type Server struct {
	grpc            *grpc.Server
	health          *health.Server
	metrics         *grpcprom.ServerMetrics
	log             *slog.Logger
	shutdownTimeout time.Duration
}

// NewServer builds a Server. Register the service implementations on
// GRPC() before calling Serve.
//
// Interceptor order, outermost first: the OpenTelemetry stats handler
// (extracts the caller's trace context and starts the span), metrics,
// logging, panic recovery. Recovery is innermost so that a panic is counted
// and logged as the codes.Internal the client receives.
//
// NewServer panics when the metrics cannot be registered in
// opts.Registerer for any reason other than an identical collector already
// being there (two Servers sharing a registry share their metrics). Like
// prometheus.MustRegister, that is a wiring mistake seen on first start.
func NewServer(opts ServerOptions) *Server {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	timeout := opts.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	reg := opts.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}

	metrics := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram(
		grpcprom.WithHistogramBuckets(latencyBuckets),
	))
	metrics = registerServerMetrics(reg, metrics)

	recoverOpt := recovery.WithRecoveryHandlerContext(recoverPanic)
	base := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(
			metrics.UnaryServerInterceptor(grpcprom.WithExemplarFromContext(traceExemplar)),
			unaryLogging(log),
			recovery.UnaryServerInterceptor(recoverOpt),
		),
		grpc.ChainStreamInterceptor(
			metrics.StreamServerInterceptor(grpcprom.WithExemplarFromContext(traceExemplar)),
			streamLogging(log),
			recovery.StreamServerInterceptor(recoverOpt),
		),
		// Clients from Dial ping every 30 s; without this policy the server
		// would answer their pings with GOAWAY "too_many_pings".
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             15 * time.Second,
			PermitWithoutStream: true,
		}),
		// Recycling connections lets clients spread over replicas that were
		// added after they connected (a ClusterIP Service balances
		// connections, not requests).
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionAge:      10 * time.Minute,
			MaxConnectionAgeGrace: 30 * time.Second,
			Time:                  time.Minute,
			Timeout:               20 * time.Second,
		}),
		// A pool of stream workers instead of a goroutine per RPC: their
		// stacks are already grown, which saves work on every small call.
		// Handlers mostly wait on the database, so the pool is sized for
		// calls in flight, not for CPUs: when every worker is busy gRPC
		// falls back to a fresh goroutine, whose stack grows again.
		grpc.NumStreamWorkers(uint32(streamWorkers())),
	}
	if opts.Tracing.enabled() {
		base = append(base, grpc.StatsHandler(otelgrpc.NewServerHandler(
			otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
		)))
	}

	gs := grpc.NewServer(append(base, opts.GRPCOptions...)...)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)

	return &Server{
		grpc:            gs,
		health:          hs,
		metrics:         metrics,
		log:             log,
		shutdownTimeout: timeout,
	}
}

// registerServerMetrics registers m in reg, or returns the identical
// collector that is already registered there.
func registerServerMetrics(reg prometheus.Registerer, m *grpcprom.ServerMetrics) *grpcprom.ServerMetrics {
	err := reg.Register(m)
	if err == nil {
		return m
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(*grpcprom.ServerMetrics); ok {
			return existing
		}
	}
	panic(fmt.Sprintf("rpc: register grpc server metrics: %v", err))
}

// GRPC returns the underlying server, on which services register their
// implementations (pb.RegisterXServer(s.GRPC(), impl)).
func (s *Server) GRPC() *grpc.Server { return s.grpc }

// SetServing sets the overall health status, the one a Kubernetes gRPC
// probe without a service name checks. A Server starts SERVING; a service
// that must warm up first can set false until it is ready.
func (s *Server) SetServing(serving bool) { s.SetServiceServing("", serving) }

// SetServiceServing sets the health status reported for one fully
// qualified service name (for example "moksho.accounts.v1.AccountsService").
// Every service registered before Serve starts out SERVING. Changes after
// shutdown has begun are ignored, so a late SetServing(true) cannot
// advertise a server that is going away.
func (s *Server) SetServiceServing(service string, serving bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if serving {
		st = healthpb.HealthCheckResponse_SERVING
	}
	s.health.SetServingStatus(service, st)
}

// Serve accepts connections on lis until ctx is done, then shuts down: it
// first reports NOT_SERVING on the health service, then waits for in-flight
// RPCs to finish for at most the shutdown timeout, after which it closes the
// remaining connections. It returns nil after a shutdown caused by ctx, and
// an error when serving itself fails. A Server serves once.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	addr := lis.Addr().String()
	s.metrics.InitializeMetrics(s.grpc)
	for name := range s.grpc.GetServiceInfo() {
		_, err := s.health.Check(ctx, &healthpb.HealthCheckRequest{Service: name})
		if status.Code(err) == codes.NotFound {
			s.SetServiceServing(name, true)
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- s.grpc.Serve(lis) }()
	s.log.InfoContext(ctx, "grpc server started", "addr", addr)

	select {
	case err := <-errc:
		s.grpc.Stop()
		return fmt.Errorf("serve grpc on %s: %w", addr, err)
	case <-ctx.Done():
	}

	s.health.Shutdown()
	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(s.shutdownTimeout)
	defer timer.Stop()
	select {
	case <-stopped:
		s.log.Info("grpc server stopped", "addr", addr)
	case <-timer.C:
		s.grpc.Stop()
		<-stopped
		s.log.Warn("grpc server stopped after cutting off RPCs still running at the shutdown timeout",
			"addr", addr, "timeout", s.shutdownTimeout)
	}
	if err := <-errc; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("serve grpc on %s: %w", addr, err)
	}
	return nil
}

// traceExemplar links a metric sample to the trace of the RPC that produced
// it, so a slow bucket in a dashboard leads to an example trace.
func traceExemplar(ctx context.Context) prometheus.Labels {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || !sc.IsSampled() {
		return nil
	}
	return prometheus.Labels{"trace_id": sc.TraceID().String()}
}

// streamWorkers is the size of the stream worker pool: enough for the
// calls a replica has in flight at once (each waits on I/O most of its
// time), never fewer than 16 per CPU.
func streamWorkers() int {
	return max(128, 16*runtime.GOMAXPROCS(0))
}
