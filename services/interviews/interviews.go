// Package interviews is the interviews service: the role catalog now;
// interviews, questions and their generation as the next issues land.
package interviews

import (
	"context"
	"log/slog"
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/moksho/platform/pkg/admin"
	"github.com/moksho/platform/pkg/rpc"
	"github.com/moksho/platform/pkg/service"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	"github.com/moksho/platform/services/interviews/internal/catalog"
	interviewsrpc "github.com/moksho/platform/services/interviews/internal/rpc"
)

// Name is the service name (env prefix MOKSHO_INTERVIEWS_).
const Name = "interviews"

// Config is the service configuration, read from MOKSHO_INTERVIEWS_*.
type Config struct {
	GRPCAddr  string `env:"GRPC_ADDR" envDefault:"127.0.0.1:9103"`
	AdminAddr string `env:"ADMIN_ADDR" envDefault:"127.0.0.1:9203"`

	GRPCListener  net.Listener `env:"-"`
	AdminListener net.Listener `env:"-"`
}

// Run serves until ctx is cancelled.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	cat := catalog.Default()

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
	interviewsv1.RegisterInterviewsServiceServer(srv.GRPC(), interviewsrpc.NewServer(cat))
	srv.SetServing(true)
	adm := admin.New(admin.Options{Logger: log, Gatherer: reg})

	log.Info("interviews serving", "grpc", grpcLis.Addr().String(), "admin", adminLis.Addr().String(), "roles", len(cat.All()))
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Serve(ctx, grpcLis) })
	g.Go(func() error { return adm.Serve(ctx, adminLis) })
	return g.Wait()
}
