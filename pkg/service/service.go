// Package service holds what every service does the same way: the binary's
// main (configuration from its environment prefix, JSON logging, tracing,
// the configuration logged with secrets masked, graceful stop on SIGTERM),
// and the start-up steps of Run (database with migrations, NATS with the
// service's streams, listeners). Keeping them here keeps each
// cmd/<name>/main.go one line and each Run about what is particular to it.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/moksho/platform/pkg/admin"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/pkg/rpc"

	"github.com/moksho/platform/pkg/config"
	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/telemetry"
)

// RunFunc is a service's entry point.
type RunFunc[C any] func(ctx context.Context, cfg C, log *slog.Logger) error

// Main runs a service: config from MOKSHO_<NAME>_*, log level from
// MOKSHO_LOG_LEVEL (default info), traces exported when OTEL_* says where.
func Main[C any](ctx context.Context, name string, run RunFunc[C]) error {
	log := logging.New(os.Stderr, name, logging.ParseLevel(os.Getenv("MOKSHO_LOG_LEVEL")))
	cfg, err := config.Load[C](name)
	if err != nil {
		return err
	}
	shutdown, err := telemetry.Setup(ctx, name)
	if err != nil {
		return err
	}
	defer func() {
		if err := shutdown(context.WithoutCancel(ctx)); err != nil {
			log.Warn("telemetry shutdown", "err", err)
		}
	}()
	log.Info("starting", "config", config.Redacted(&cfg))
	if err := run(ctx, cfg, log); err != nil {
		log.Error("stopped with error", "err", err)
		return err
	}
	log.Info("stopped")
	return nil
}

// Listen returns l when the caller bound a listener already (tests and the
// local deployment do, to know the port before start), else listens on addr.
func Listen(l net.Listener, addr string) (net.Listener, error) {
	if l != nil {
		return l, nil
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return lis, nil
}

// Exec is a service binary's whole main: it runs the service until SIGINT
// or SIGTERM and exits non-zero when the service fails.
func Exec[C any](name string, run RunFunc[C]) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Main(ctx, name, run)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// OpenDatabase opens the service's database and applies its migrations.
func OpenDatabase(ctx context.Context, name, url string, migrations []pg.Migrations) (*pgxpool.Pool, error) {
	pool, err := pg.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("%s database: %w", name, err)
	}
	if err := pg.Migrate(ctx, pool, migrations...); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// ConnectBus connects to NATS (reconnecting forever), and ensures the
// streams the service publishes to, plus the dead-letter stream.
func ConnectBus(ctx context.Context, name, url string, streams ...bus.StreamSpec) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1))
	if err != nil {
		return nil, nil, fmt.Errorf("connect nats: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	if err := bus.EnsureStreams(ctx, js, append(streams, bus.DLQStream)...); err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, js, nil
}

// NATSCheck is a readiness check that fails while the connection is down.
func NATSCheck(nc *nats.Conn) func(context.Context) error {
	return func(context.Context) error {
		if !nc.IsConnected() {
			return errors.New("not connected to nats")
		}
		return nil
	}
}

// NewRegistry is a service's own Prometheus registry (several services share
// one process in the local deployment) with the Go and process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Serve runs a service's gRPC server, its admin port and its background
// workers (outbox relay, consumers) until ctx ends or one of them fails,
// then stops them all.
func Serve(ctx context.Context, grpcSrv *rpc.Server, grpcLis net.Listener, adm *admin.Server, adminLis net.Listener, workers ...func(context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return grpcSrv.Serve(ctx, grpcLis) })
	g.Go(func() error { return adm.Serve(ctx, adminLis) })
	for _, w := range workers {
		g.Go(func() error { return w(ctx) })
	}
	return g.Wait()
}
