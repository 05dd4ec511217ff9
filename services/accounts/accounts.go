// Package accounts is the accounts service: users, credentials, sessions,
// consents and privacy settings, served over gRPC, with its events
// published to the ACCOUNTS stream through a transactional outbox.
//
// It is the only service that stores names and emails.
package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/moksho/platform/pkg/admin"
	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/rpc"
	"github.com/moksho/platform/pkg/service"
	accountsv1 "github.com/moksho/platform/proto/moksho/accounts/v1"
	"github.com/moksho/platform/services/accounts/internal/app"
	accountsrpc "github.com/moksho/platform/services/accounts/internal/rpc"
	"github.com/moksho/platform/services/accounts/internal/store"
)

// Name is the service name: its env prefix (MOKSHO_ACCOUNTS_), log tag,
// durable consumer name and stream owner.
const Name = "accounts"

// Stream is the JetStream stream holding moksho.accounts.> events. Its
// MaxAge stays under the shortest retention period (90 days) of any data an
// event could point at.
var Stream = bus.StreamSpec{
	Name:       "ACCOUNTS",
	Subjects:   []string{"moksho.accounts.>"},
	MaxAge:     30 * 24 * time.Hour,
	Duplicates: 5 * time.Minute,
}

// Config is the service configuration, read from MOKSHO_ACCOUNTS_* variables.
type Config struct {
	DatabaseURL            string        `env:"DATABASE_URL" envDefault:"postgres://postgres@127.0.0.1:5432/moksho_accounts?sslmode=disable"`
	NATSURL                string        `env:"NATS_URL" envDefault:"nats://127.0.0.1:4222"`
	GRPCAddr               string        `env:"GRPC_ADDR" envDefault:"127.0.0.1:9101"`
	AdminAddr              string        `env:"ADMIN_ADDR" envDefault:"127.0.0.1:9201"`
	SessionIdleTimeout     time.Duration `env:"SESSION_IDLE_TIMEOUT" envDefault:"30m"`
	SessionAbsoluteTimeout time.Duration `env:"SESSION_ABSOLUTE_TIMEOUT" envDefault:"12h"`
	// BootstrapAdminEmail, when set with a password, creates an operator
	// account at start if none has that email (the local deployment does).
	BootstrapAdminEmail    string `env:"BOOTSTRAP_ADMIN_EMAIL"`
	BootstrapAdminPassword string `env:"BOOTSTRAP_ADMIN_PASSWORD" secret:"true"`

	// GRPCListener and AdminListener, when set, are used instead of the
	// addresses (tests and the local deployment bind ports first).
	GRPCListener  net.Listener `env:"-"`
	AdminListener net.Listener `env:"-"`
	// Clock defaults to the system clock; tests move a fake one.
	Clock clock.Clock `env:"-"`
}

// Run serves the accounts service until ctx is cancelled, then shuts down
// gracefully. It migrates its database and ensures its stream first.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	reg := service.NewRegistry()

	pool, err := service.OpenDatabase(ctx, Name, cfg.DatabaseURL, store.Migrations())
	if err != nil {
		return err
	}
	defer pool.Close()

	nc, js, err := service.ConnectBus(ctx, Name, cfg.NATSURL, Stream)
	if err != nil {
		return err
	}
	defer nc.Drain() //nolint:errcheck // closing at shutdown; nothing to do on error

	svc, err := app.NewService(store.New(pool), cfg.Clock, app.SessionConfig{
		IdleTimeout: cfg.SessionIdleTimeout, AbsoluteTimeout: cfg.SessionAbsoluteTimeout,
	})
	if err != nil {
		return err
	}
	if cfg.BootstrapAdminEmail != "" && cfg.BootstrapAdminPassword != "" {
		u, err := svc.EnsureAdmin(ctx, cfg.BootstrapAdminEmail, cfg.BootstrapAdminPassword, "Operator")
		if err != nil {
			return fmt.Errorf("bootstrap admin: %w", err)
		}
		log.Info("operator account ready", "user_id", u.ID)
	}

	grpcLis, err := service.Listen(cfg.GRPCListener, cfg.GRPCAddr)
	if err != nil {
		return err
	}
	adminLis, err := service.Listen(cfg.AdminListener, cfg.AdminAddr)
	if err != nil {
		grpcLis.Close()
		return err
	}
	srv := rpc.NewServer(rpc.ServerOptions{Logger: log, Registerer: reg})
	accountsv1.RegisterAccountsServiceServer(srv.GRPC(), accountsrpc.NewServer(svc, log))
	srv.SetServing(true)

	adm := admin.New(admin.Options{Logger: log, Gatherer: reg})
	adm.AddCheck("postgres", pool.Ping)
	adm.AddCheck("nats", service.NATSCheck(nc))

	relay := bus.NewRelay(pool, js, bus.RelayOptions{Log: log, Registerer: reg})

	log.Info("accounts serving", "grpc", grpcLis.Addr().String(), "admin", adminLis.Addr().String())
	return service.Serve(ctx, srv, grpcLis, adm, adminLis, relay.Run, func(ctx context.Context) error { return cleanSessions(ctx, svc, log) })
}

// cleanSessions deletes dead sessions every few minutes; a dead session
// cannot be used anyway, this only keeps the table small.
func cleanSessions(ctx context.Context, svc *app.Service, log *slog.Logger) error {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if n, err := svc.CleanupSessions(ctx); err != nil && ctx.Err() == nil {
				log.Warn("session cleanup failed", "err", err)
			} else if n > 0 {
				log.Info("dead sessions removed", "count", n)
			}
		}
	}
}
