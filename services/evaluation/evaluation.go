// Package evaluation is the evaluation service: answers (typed now,
// recorded later), their scores with per-dimension feedback, and interview
// results. Scoring is JetStream work shared by every replica.
package evaluation

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/moksho/platform/pkg/admin"
	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/pkg/rpc"
	"github.com/moksho/platform/pkg/service"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	"github.com/moksho/platform/services/evaluation/internal/app"
	"github.com/moksho/platform/services/evaluation/internal/events"
	"github.com/moksho/platform/services/evaluation/internal/judge"
	evaluationrpc "github.com/moksho/platform/services/evaluation/internal/rpc"
	"github.com/moksho/platform/services/evaluation/internal/score"
	"github.com/moksho/platform/services/evaluation/internal/store"
)

// Name is the service name (env prefix MOKSHO_EVALUATION_).
const Name = "evaluation"

// Stream holds moksho.evaluation.> events.
var Stream = bus.StreamSpec{
	Name:       "EVALUATION",
	Subjects:   []string{"moksho.evaluation.>"},
	MaxAge:     30 * 24 * time.Hour,
	Duplicates: 5 * time.Minute,
}

// Config is the service configuration, read from MOKSHO_EVALUATION_*.
type Config struct {
	DatabaseURL string `env:"DATABASE_URL" envDefault:"postgres://postgres@127.0.0.1:5432/moksho_evaluation?sslmode=disable"`
	NATSURL     string `env:"NATS_URL" envDefault:"nats://127.0.0.1:4222"`
	GRPCAddr    string `env:"GRPC_ADDR" envDefault:"127.0.0.1:9104"`
	AdminAddr   string `env:"ADMIN_ADDR" envDefault:"127.0.0.1:9204"`
	// ScoreConcurrency is how many answers one replica scores at once;
	// 0 means the number of CPUs.
	ScoreConcurrency int `env:"SCORE_CONCURRENCY" envDefault:"0"`
	// LLM optionally adds a model's judgement to the rubric
	// (MOKSHO_EVALUATION_LLM_BASE_URL, _MODEL, _API_KEY, _TIMEOUT);
	// JudgeWeight is its share of the score, at most 0.5.
	LLM         llm.Config `envPrefix:"LLM_"`
	JudgeWeight float64    `env:"JUDGE_WEIGHT" envDefault:"0.3"`

	GRPCListener  net.Listener `env:"-"`
	AdminListener net.Listener `env:"-"`
	Clock         clock.Clock  `env:"-"`
}

// Run serves until ctx is cancelled.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.ScoreConcurrency <= 0 {
		cfg.ScoreConcurrency = runtime.GOMAXPROCS(0)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

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

	svc := app.NewService(store.New(pool), cfg.Clock)
	if cfg.LLM.Enabled() {
		client, err := llm.New(cfg.LLM)
		if err != nil {
			return fmt.Errorf("llm: %w", err)
		}
		j := judge.New(client, cfg.JudgeWeight, log)
		svc.WithScorer(func(ctx context.Context, q score.Question, a score.Answer) score.Result {
			return j.Score(ctx, q, a)
		})
		log.Info("model judge enabled", "model", cfg.LLM.Model, "weight", j.Weight())
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
	evaluationv1.RegisterEvaluationServiceServer(srv.GRPC(), evaluationrpc.NewServer(svc, log))
	srv.SetServing(true)
	adm := admin.New(admin.Options{Logger: log, Gatherer: reg})
	adm.AddCheck("postgres", pool.Ping)
	adm.AddCheck("nats", service.NATSCheck(nc))
	relay := bus.NewRelay(pool, js, bus.RelayOptions{Log: log, Registerer: reg})

	log.Info("evaluation serving", "grpc", grpcLis.Addr().String(), "admin", adminLis.Addr().String(), "rubric", score.RubricVersion)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Serve(ctx, grpcLis) })
	g.Go(func() error { return adm.Serve(ctx, adminLis) })
	g.Go(func() error { return relay.Run(ctx) })
	for _, c := range events.Consumers(pool, js, svc, log, reg, cfg.ScoreConcurrency) {
		g.Go(func() error { return c.Run(ctx) })
	}
	return g.Wait()
}
