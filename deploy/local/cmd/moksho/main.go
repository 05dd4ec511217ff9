// Command moksho runs the whole platform on this machine (`make run`):
// web client and API at http://127.0.0.1:8080, data under .data/.
//
// Environment: MOKSHO_DATA_DIR (.data), MOKSHO_HTTP_ADDR (127.0.0.1:8080),
// DATABASE_URL (an admin URL; otherwise a local server is found or
// started), MOKSHO_DB_PREFIX (moksho_, prefix of every service database),
// MOKSHO_ADMIN_PASSWORD (moksho-admin-local), MOKSHO_LOG_LEVEL.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	local "github.com/moksho/platform/deploy/local"
	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/telemetry"
)

const adminEmail = "admin@moksho.local"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// One tracer provider for the whole process: every service in it shares
	// it (traces are exported when OTEL_EXPORTER_OTLP_ENDPOINT is set).
	shutdownTracing, err := telemetry.Setup(ctx, "moksho")
	if err != nil {
		fmt.Fprintln(os.Stderr, "moksho:", err)
		os.Exit(1)
	}
	defer func() { _ = shutdownTracing(context.Background()) }()
	password := envOr("MOKSHO_ADMIN_PASSWORD", "moksho-admin-local")
	p, err := local.Start(ctx, local.Options{
		DataDir:       envOr("MOKSHO_DATA_DIR", ".data"),
		HTTPAddr:      envOr("MOKSHO_HTTP_ADDR", "127.0.0.1:8080"),
		DatabaseURL:   os.Getenv("DATABASE_URL"),
		DBPrefix:      os.Getenv("MOKSHO_DB_PREFIX"),
		AdminEmail:    adminEmail,
		AdminPassword: password,
		LogLevel:      logging.ParseLevel(os.Getenv("MOKSHO_LOG_LEVEL")),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "moksho:", err)
		os.Exit(1)
	}
	fmt.Printf(`
Moksho is running.

  Web client and API  %s
  API reference       %s/api/v1/openapi.json
  Operator account    %s  (password: %s, from MOKSHO_ADMIN_PASSWORD)
  NATS (JetStream)    %s
  S3 (in-process)     %s

Press Ctrl-C to stop.
`, p.URL, p.URL, adminEmail, password, p.NATSURL, p.S3URL)
	if err := p.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, "moksho:", err)
		_ = shutdownTracing(context.Background())
		os.Exit(1)
	}
	fmt.Println("Moksho stopped.")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
