// Package service is the shared main of every service binary: it loads the
// service's configuration from its environment prefix, sets up JSON
// logging and tracing, logs the configuration with secrets masked, and runs
// the service until the context ends. Keeping this in one place keeps each
// cmd/<name>/main.go a few lines long.
package service

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"

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
