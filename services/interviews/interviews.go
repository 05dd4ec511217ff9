// Package interviews is the interviews service: the role catalog,
// interviews and their questions (from a bank, optionally from a language
// model, or the candidate's own), kept in step with answers and scores
// from the evaluation service through events.
package interviews

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/moksho/platform/pkg/admin"
	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/pkg/rpc"
	"github.com/moksho/platform/pkg/service"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
	"github.com/moksho/platform/services/interviews/internal/app"
	"github.com/moksho/platform/services/interviews/internal/catalog"
	"github.com/moksho/platform/services/interviews/internal/events"
	"github.com/moksho/platform/services/interviews/internal/generate"
	"github.com/moksho/platform/services/interviews/internal/questions"
	"github.com/moksho/platform/services/interviews/internal/resumes"
	interviewsrpc "github.com/moksho/platform/services/interviews/internal/rpc"
	"github.com/moksho/platform/services/interviews/internal/store"
)

// Name is the service name (env prefix MOKSHO_INTERVIEWS_).
const Name = "interviews"

// Stream holds moksho.interviews.> events.
var Stream = bus.StreamSpec{
	Name:       "INTERVIEWS",
	Subjects:   []string{"moksho.interviews.>"},
	MaxAge:     30 * 24 * time.Hour,
	Duplicates: 5 * time.Minute,
}

// Config is the service configuration, read from MOKSHO_INTERVIEWS_*.
type Config struct {
	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://postgres@127.0.0.1:5432/moksho_interviews?sslmode=disable"`
	NATSURL     string `env:"NATS_URL" envDefault:"nats://127.0.0.1:4222"`
	GRPCAddr    string `env:"GRPC_ADDR" envDefault:"127.0.0.1:9103"`
	AdminAddr   string `env:"ADMIN_ADDR" envDefault:"127.0.0.1:9203"`
	ResumesAddr string `env:"RESUMES_ADDR" envDefault:"127.0.0.1:9102"`
	// LLM optionally generates questions through an OpenAI-compatible
	// endpoint (MOKSHO_INTERVIEWS_LLM_BASE_URL, _MODEL, _API_KEY,
	// _TIMEOUT); it is given the role and canonical skills only, and the
	// question bank answers whenever it fails.
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
	cat := catalog.Default()

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
	resumesConn, err := rpc.Dial(cfg.ResumesAddr, rpc.WithClientMetrics(reg))
	if err != nil {
		return fmt.Errorf("dial resumes: %w", err)
	}
	defer resumesConn.Close()

	var gen app.Generator = generate.Bank{Bank: questions.DefaultBank()}
	if cfg.LLM.Enabled() {
		client, err := llm.New(cfg.LLM)
		if err != nil {
			return fmt.Errorf("llm: %w", err)
		}
		gen = generate.Model{LLM: client, Fallback: gen, Log: log}
		log.Info("model-generated questions enabled", "model", cfg.LLM.Model)
	}
	svc := app.NewService(store.New(pool), cat, gen, resumes.New(resumesv1.NewResumesServiceClient(resumesConn)), app.FreeTier{}, cfg.Clock)

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
	interviewsv1.RegisterInterviewsServiceServer(srv.GRPC(), interviewsrpc.NewServer(cat, svc, log))
	srv.SetServing(true)
	adm := admin.New(admin.Options{Logger: log, Gatherer: reg})
	adm.AddCheck("postgres", pool.Ping)
	adm.AddCheck("nats", service.NATSCheck(nc))
	relay := bus.NewRelay(pool, js, bus.RelayOptions{Log: log, Registerer: reg})

	log.Info("interviews serving", "grpc", grpcLis.Addr().String(), "admin", adminLis.Addr().String(),
		"roles", len(cat.All()), "bank_questions", questions.DefaultBank().Len())
	workers := []func(context.Context) error{relay.Run}
	for _, c := range events.Consumers(pool, js, log, reg) {
		workers = append(workers, c.Run)
	}
	return service.Serve(ctx, srv, grpcLis, adm, adminLis, workers...)
}
