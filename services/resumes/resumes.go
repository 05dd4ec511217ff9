// Package resumes is the resumes service: it assesses resumes against job
// roles and keeps only the derived, non-identifying results. A resume's
// bytes and text exist only in memory during its assessment.
package resumes

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"google.golang.org/grpc"

	"github.com/moksho/platform/pkg/admin"
	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/pkg/rpc"
	"github.com/moksho/platform/pkg/service"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
	"github.com/moksho/platform/services/resumes/internal/advice"
	"github.com/moksho/platform/services/resumes/internal/app"
	"github.com/moksho/platform/services/resumes/internal/extract"
	"github.com/moksho/platform/services/resumes/internal/roles"
	resumesrpc "github.com/moksho/platform/services/resumes/internal/rpc"
	"github.com/moksho/platform/services/resumes/internal/skills"
	"github.com/moksho/platform/services/resumes/internal/store"
)

// Name is the service name (env prefix MOKSHO_RESUMES_).
const Name = "resumes"

// Stream holds moksho.resumes.> events; its MaxAge stays under the 90-day
// retention of the assessments they describe.
var Stream = bus.StreamSpec{
	Name:       "RESUMES",
	Subjects:   []string{"moksho.resumes.>"},
	MaxAge:     30 * 24 * time.Hour,
	Duplicates: 5 * time.Minute,
}

// Config is the service configuration, read from MOKSHO_RESUMES_*.
type Config struct {
	DatabaseURL    string `env:"DATABASE_URL" envDefault:"postgres://postgres@127.0.0.1:5432/moksho_resumes?sslmode=disable"`
	NATSURL        string `env:"NATS_URL" envDefault:"nats://127.0.0.1:4222"`
	GRPCAddr       string `env:"GRPC_ADDR" envDefault:"127.0.0.1:9102"`
	AdminAddr      string `env:"ADMIN_ADDR" envDefault:"127.0.0.1:9202"`
	InterviewsAddr string `env:"INTERVIEWS_ADDR" envDefault:"127.0.0.1:9103"`
	// EngineCacheDir keeps the PDF engine's compiled code between starts
	// (engine code only, never document data); empty compiles every start.
	EngineCacheDir string `env:"ENGINE_CACHE_DIR"`
	// LLM optionally adds model-written recommendations through an
	// OpenAI-compatible endpoint (MOKSHO_RESUMES_LLM_BASE_URL, _MODEL,
	// _API_KEY, _TIMEOUT); the model sees redacted text only.
	LLM llm.Config `envPrefix:"LLM_"`

	GRPCListener  net.Listener `env:"-"`
	AdminListener net.Listener `env:"-"`
	Clock         clock.Clock  `env:"-"`
}

// Run serves until ctx is cancelled.
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
	interviewsConn, err := rpc.Dial(cfg.InterviewsAddr, rpc.WithClientMetrics(reg))
	if err != nil {
		return fmt.Errorf("dial interviews: %w", err)
	}
	defer interviewsConn.Close()

	// Compile the PDF engine before serving, so the first upload does not
	// pay for it (seconds of CPU once per process).
	warmStart := time.Now()
	if err := extract.Warm(cfg.EngineCacheDir); err != nil {
		return fmt.Errorf("pdf engine: %w", err)
	}
	log.Info("pdf engine ready", "took_ms", time.Since(warmStart).Milliseconds())

	svc := app.NewService(store.New(pool), roles.New(interviewsv1.NewInterviewsServiceClient(interviewsConn)), skills.Default(), cfg.Clock, log)
	if cfg.LLM.Enabled() {
		client, err := llm.New(cfg.LLM)
		if err != nil {
			return fmt.Errorf("llm: %w", err)
		}
		svc.WithAdvisor(advice.New(client), cfg.LLM.Timeout)
		log.Info("model-written recommendations enabled", "model", cfg.LLM.Model)
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
	srv := rpc.NewServer(rpc.ServerOptions{Logger: log, Registerer: reg, GRPCOptions: []grpc.ServerOption{
		// An upload chunk is at most 64 KiB; the header carries a job
		// description of at most 20,000 characters.
		grpc.MaxRecvMsgSize(1 << 20),
	}})
	resumesv1.RegisterResumesServiceServer(srv.GRPC(), resumesrpc.NewServer(svc, log))
	srv.SetServing(true)
	adm := admin.New(admin.Options{Logger: log, Gatherer: reg})
	adm.AddCheck("postgres", pool.Ping)
	adm.AddCheck("nats", service.NATSCheck(nc))
	relay := bus.NewRelay(pool, js, bus.RelayOptions{Log: log, Registerer: reg})

	log.Info("resumes serving", "grpc", grpcLis.Addr().String(), "admin", adminLis.Addr().String(),
		"skills", skills.Default().Len(), "max_upload_bytes", extract.MaxSize)
	return service.Serve(ctx, srv, grpcLis, adm, adminLis, relay.Run)
}
