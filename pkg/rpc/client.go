package rpc

import (
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// DialOption customises Dial.
type DialOption func(*dialConfig)

type dialConfig struct {
	tls      *tls.Config
	registry prometheus.Registerer
	extra    []grpc.DialOption
	tracing  Tracing
}

// WithTracing overrides whether the client is instrumented with
// OpenTelemetry (by default, when traces are exported).
func WithTracing(t Tracing) DialOption {
	return func(c *dialConfig) { c.tracing = t }
}

// WithTLS makes Dial use TLS with cfg instead of plaintext, for targets
// reached over a network that is not trusted (outside the cluster or a
// mesh that encrypts for us).
func WithTLS(cfg *tls.Config) DialOption {
	return func(c *dialConfig) { c.tls = cfg }
}

// WithClientMetrics records grpc_client_* metrics, including a handling
// time histogram, in reg. Every connection dialled with the same registry
// shares one set of metrics, labelled by method.
func WithClientMetrics(reg prometheus.Registerer) DialOption {
	return func(c *dialConfig) { c.registry = reg }
}

// WithGRPCDialOptions appends raw grpc.DialOptions after Dial's own, for the
// rare caller that needs, for example, a per-call interceptor.
func WithGRPCDialOptions(opts ...grpc.DialOption) DialOption {
	return func(c *dialConfig) { c.extra = append(c.extra, opts...) }
}

// Dial returns a client connection to target ("host:port", or any gRPC
// target such as "dns:///accounts:9090"). Like grpc.NewClient it does not
// connect until the first RPC, so a peer that starts later is not an error.
//
// Defaults, each chosen for service-to-service calls inside a cluster or on
// loopback: plaintext (see WithTLS), OpenTelemetry client tracing that
// propagates the caller's trace context when traces are exported (see
// WithTracing), round-robin over every address the
// target resolves to (a headless Service spreads calls over replicas), and
// keepalive pings every 30 s so a dead peer is noticed before a call hangs
// on it.
func Dial(target string, opts ...DialOption) (*grpc.ClientConn, error) {
	var cfg dialConfig
	for _, o := range opts {
		o(&cfg)
	}

	creds := insecure.NewCredentials()
	if cfg.tls != nil {
		creds = credentials.NewTLS(cfg.tls)
	}
	var dopts []grpc.DialOption
	if cfg.tracing.enabled() {
		dopts = append(dopts, grpc.WithStatsHandler(otelgrpc.NewClientHandler()))
	}
	dopts = append(dopts, []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultServiceConfig(`{"loadBalancingConfig":[{"round_robin":{}}]}`),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time:                30 * time.Second,
			Timeout:             10 * time.Second,
			PermitWithoutStream: true,
		}),
	}...)
	if cfg.registry != nil {
		m, err := registerClientMetrics(cfg.registry)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", target, err)
		}
		dopts = append(dopts,
			grpc.WithChainUnaryInterceptor(m.UnaryClientInterceptor(grpcprom.WithExemplarFromContext(traceExemplar))),
			grpc.WithChainStreamInterceptor(m.StreamClientInterceptor(grpcprom.WithExemplarFromContext(traceExemplar))),
		)
	}
	dopts = append(dopts, cfg.extra...)

	conn, err := grpc.NewClient(target, dopts...)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", target, err)
	}
	return conn, nil
}

// registerClientMetrics returns the client metrics registered in reg,
// registering them on first use, so that a service dialling several peers
// with one registry does not fail on the second Dial.
func registerClientMetrics(reg prometheus.Registerer) (*grpcprom.ClientMetrics, error) {
	m := grpcprom.NewClientMetrics(grpcprom.WithClientHandlingTimeHistogram(
		grpcprom.WithHistogramBuckets(latencyBuckets),
	))
	err := reg.Register(m)
	if err == nil {
		return m, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(*grpcprom.ClientMetrics); ok {
			return existing, nil
		}
	}
	return nil, fmt.Errorf("register grpc client metrics: %w", err)
}
