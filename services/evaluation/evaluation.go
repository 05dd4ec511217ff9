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

	"github.com/moksho/platform/pkg/admin"
	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/llm"
	"github.com/moksho/platform/pkg/rpc"
	"github.com/moksho/platform/pkg/service"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	"github.com/moksho/platform/services/evaluation/internal/app"
	"github.com/moksho/platform/services/evaluation/internal/events"
	"github.com/moksho/platform/services/evaluation/internal/judge"
	"github.com/moksho/platform/services/evaluation/internal/media"
	evaluationrpc "github.com/moksho/platform/services/evaluation/internal/rpc"
	"github.com/moksho/platform/services/evaluation/internal/score"
	"github.com/moksho/platform/services/evaluation/internal/store"
	"github.com/moksho/platform/services/evaluation/internal/transcribe"
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

	// Recordings: object storage (MOKSHO_EVALUATION_S3_*), limits, and the
	// transcription engine: an OpenAI-compatible /audio/transcriptions
	// endpoint when MOKSHO_EVALUATION_WHISPER_BASE_URL is set, else the
	// offline pocketsphinx.
	S3                    blob.Config              `envPrefix:"S3_"`
	MediaMaxBytes         int64                    `env:"MEDIA_MAX_BYTES" envDefault:"209715200"`
	MediaMaxDuration      time.Duration            `env:"MEDIA_MAX_DURATION" envDefault:"10m"`
	Whisper               transcribe.WhisperConfig `envPrefix:"WHISPER_"`
	TranscribeAttempts    int                      `env:"TRANSCRIBE_ATTEMPTS" envDefault:"4"`
	TranscribeBackoff     time.Duration            `env:"TRANSCRIBE_BACKOFF" envDefault:"2s"`
	TranscribeConcurrency int                      `env:"TRANSCRIBE_CONCURRENCY" envDefault:"1"`
	MediaURLTTL           time.Duration            `env:"MEDIA_URL_TTL" envDefault:"10m"`

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

	svc := app.NewService(store.New(pool), cfg.Clock, log)
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

	rec, err := recordings(ctx, cfg, log)
	if err != nil {
		return err
	}
	svc.WithRecordings(rec)

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
	workers := []func(context.Context) error{relay.Run}
	for _, c := range events.Consumers(pool, js, svc, log, reg, events.Options{
		ScoreConcurrency: cfg.ScoreConcurrency, TranscribeConcurrency: max(1, cfg.TranscribeConcurrency),
		TranscribeAckWait: 2 * time.Minute,
	}) {
		workers = append(workers, c.Run)
	}
	return service.Serve(ctx, srv, grpcLis, adm, adminLis, workers...)
}

// recordings wires object storage, ffmpeg and the transcription engine.
func recordings(ctx context.Context, cfg Config, log *slog.Logger) (*app.Recordings, error) {
	if err := media.Available(); err != nil {
		return nil, err
	}
	if cfg.S3.Bucket == "" {
		return nil, fmt.Errorf("recordings need a bucket: set MOKSHO_EVALUATION_S3_BUCKET")
	}
	store, err := blob.New(ctx, cfg.S3)
	if err != nil {
		return nil, fmt.Errorf("recording storage: %w", err)
	}
	if err := store.EnsureBucket(ctx); err != nil {
		return nil, fmt.Errorf("recording storage: %w", err)
	}
	var engine transcribe.Engine
	if cfg.Whisper.BaseURL != "" {
		w, err := transcribe.NewWhisperAPI(cfg.Whisper)
		if err != nil {
			return nil, fmt.Errorf("whisper engine: %w", err)
		}
		engine = w
	} else {
		engine = transcribe.NewPocketsphinx(transcribe.PocketsphinxConfig{})
	}
	log.Info("recorded answers enabled", "engine", engine.Name(), "max_bytes", cfg.MediaMaxBytes, "max_duration", cfg.MediaMaxDuration.String())
	return &app.Recordings{Media: store, Engine: engine, Config: app.RecordingConfig{
		MaxBytes: cfg.MediaMaxBytes, MaxDuration: cfg.MediaMaxDuration,
		Attempts: max(1, cfg.TranscribeAttempts), Backoff: cfg.TranscribeBackoff, URLTTL: cfg.MediaURLTTL,
	}}, nil
}
