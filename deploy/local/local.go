// Package local runs the whole platform in one process for development,
// end-to-end tests and benchmarks: an embedded NATS server with JetStream
// on disk, an in-process S3 persisted on disk, PostgreSQL (DATABASE_URL, a
// server on 127.0.0.1:5432, or a private cluster it starts), and every
// service's Run, wired by real gRPC on loopback exactly as in production,
// where each service is its own Deployment.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/blob/fakes3"
	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/natsserver"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/pkg/pglocal"
	"github.com/moksho/platform/services/accounts"
	"github.com/moksho/platform/services/evaluation"
	"github.com/moksho/platform/services/gateway"
	"github.com/moksho/platform/services/interviews"
	"github.com/moksho/platform/services/resumes"
)

// Options configure a local platform. Zero values give `make run`'s
// defaults.
type Options struct {
	// DataDir holds NATS streams, S3 objects and a private PostgreSQL
	// cluster; default ".data".
	DataDir string
	// HTTPAddr is the web client and API address; default 127.0.0.1:8080.
	HTTPAddr string
	// DatabaseURL is an admin URL of a PostgreSQL server; when empty,
	// pglocal finds or starts one.
	DatabaseURL string
	// DBPrefix prefixes every service database name (default "moksho_"),
	// so several platforms can share one server.
	DBPrefix string
	// AdminEmail/AdminPassword create the operator account.
	AdminEmail    string
	AdminPassword string
	// LogLevel for every service; default info.
	LogLevel slog.Level
	// Log receives service logs; default os.Stderr.
	LogOutput *os.File
	// Tune lets tests and benchmarks adjust service configs before start.
	TuneAccounts   func(*accounts.Config)
	TuneResumes    func(*resumes.Config)
	TuneInterviews func(*interviews.Config)
	TuneEvaluation func(*evaluation.Config)
	TuneGateway    func(*gateway.Config)
}

// Platform is a running local deployment.
type Platform struct {
	// URL is the gateway's base URL, e.g. http://127.0.0.1:8080.
	URL string
	// NATSURL and S3URL are the embedded infrastructure's addresses.
	NATSURL string
	S3URL   string
	// DatabaseURL is the admin URL of the PostgreSQL server in use.
	DatabaseURL string
	// AccountsAddr is the accounts gRPC address.
	AccountsAddr string

	done chan struct{}
	err  error
}

// Wait blocks until the platform has stopped and returns why.
func (p *Platform) Wait() error {
	<-p.done
	return p.err
}

// Start brings the platform up and returns once every service listens.
// Cancelling ctx shuts everything down; Wait reports the outcome.
func Start(ctx context.Context, o Options) (*Platform, error) {
	o = withDefaults(o)
	boot := logging.New(logOut(o), "local", o.LogLevel)
	dataDir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}

	// PostgreSQL.
	var pgServer *pglocal.Server
	adminURL := o.DatabaseURL
	if adminURL == "" {
		pgServer, err = pglocal.Ensure(ctx, pglocal.Options{DataDir: filepath.Join(dataDir, "pg"), Install: true, Log: boot})
		if err != nil {
			return nil, err
		}
		adminURL = pgServer.URL
	}
	// One database per service that keeps state.
	dbs := map[string]string{}
	for _, svc := range []string{"accounts", "resumes", "interviews", "evaluation"} {
		if dbs[svc], err = pg.EnsureDatabase(ctx, adminURL, o.DBPrefix+svc); err != nil {
			return nil, err
		}
	}

	// NATS with JetStream on disk.
	natsPort := preferPort(4222)
	if natsPort == 0 {
		natsPort = -1 // NATS reads 0 as its default port, 4222: ask for any free one
	}
	natsSrv, err := natsserver.Start(natsserver.Options{StoreDir: filepath.Join(dataDir, "nats"), Port: natsPort})
	if err != nil {
		return nil, err
	}

	// In-process S3 persisted on disk.
	s3Handler, err := fakes3.NewHandler(filepath.Join(dataDir, "s3"))
	if err != nil {
		natsSrv.Shutdown()
		return nil, err
	}
	s3Lis, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", preferPort(9000)))
	if err != nil {
		natsSrv.Shutdown()
		return nil, err
	}
	// The in-process S3 writes error responses after their headers, which
	// net/http reports on every miss; that is noise, not a fault.
	s3Srv := &http.Server{Handler: s3Handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}

	// Loopback listeners for every service, bound before start so that
	// each knows where the others are.
	var lis listeners
	accountsGRPC := lis.bind("127.0.0.1:0")
	accountsAdmin := lis.bind("127.0.0.1:0")
	resumesGRPC := lis.bind("127.0.0.1:0")
	resumesAdmin := lis.bind("127.0.0.1:0")
	interviewsGRPC := lis.bind("127.0.0.1:0")
	interviewsAdmin := lis.bind("127.0.0.1:0")
	evaluationGRPC := lis.bind("127.0.0.1:0")
	evaluationAdmin := lis.bind("127.0.0.1:0")
	gatewayHTTP := lis.bind(o.HTTPAddr)
	gatewayAdmin := lis.bind("127.0.0.1:0")
	if lis.err != nil {
		lis.closeAll()
		s3Lis.Close()
		natsSrv.Shutdown()
		return nil, lis.err
	}

	acfg := accounts.Config{
		DatabaseURL:            dbs["accounts"],
		NATSURL:                natsSrv.ClientURL(),
		SessionIdleTimeout:     30 * time.Minute,
		SessionAbsoluteTimeout: 12 * time.Hour,
		BootstrapAdminEmail:    o.AdminEmail,
		BootstrapAdminPassword: o.AdminPassword,
		GRPCListener:           accountsGRPC,
		AdminListener:          accountsAdmin,
	}
	if o.TuneAccounts != nil {
		o.TuneAccounts(&acfg)
	}
	rcfg := resumes.Config{
		EngineCacheDir: engineCacheDir(),
		DatabaseURL:    dbs["resumes"],
		NATSURL:        natsSrv.ClientURL(),
		InterviewsAddr: interviewsGRPC.Addr().String(),
		GRPCListener:   resumesGRPC,
		AdminListener:  resumesAdmin,
	}
	if o.TuneResumes != nil {
		o.TuneResumes(&rcfg)
	}
	icfg := interviews.Config{
		DatabaseURL:   dbs["interviews"],
		NATSURL:       natsSrv.ClientURL(),
		ResumesAddr:   resumesGRPC.Addr().String(),
		GRPCListener:  interviewsGRPC,
		AdminListener: interviewsAdmin,
	}
	if o.TuneInterviews != nil {
		o.TuneInterviews(&icfg)
	}
	ecfg := evaluation.Config{
		// Transcription holds a connection while it runs: a larger pool.
		DatabaseURL:      dbs["evaluation"] + poolParam(dbs["evaluation"], 16),
		NATSURL:          natsSrv.ClientURL(),
		GRPCListener:     evaluationGRPC,
		AdminListener:    evaluationAdmin,
		MediaMaxBytes:    200 << 20,
		MediaMaxDuration: 10 * time.Minute,
		MediaURLTTL:      10 * time.Minute,
		// The in-process S3, reachable by the browser on loopback for
		// playback links.
		S3: blob.Config{
			Endpoint: "http://" + s3Lis.Addr().String(), Region: "us-east-1", Bucket: "recordings",
			AccessKeyID: "local", SecretAccessKey: "local-secret", UsePathStyle: true,
		},
		TranscribeAttempts:    4,
		TranscribeBackoff:     2 * time.Second,
		TranscribeConcurrency: 1,
	}
	if o.TuneEvaluation != nil {
		o.TuneEvaluation(&ecfg)
	}
	gcfg := gateway.Config{
		AccountsAddr:      accountsGRPC.Addr().String(),
		ResumesAddr:       resumesGRPC.Addr().String(),
		InterviewsAddr:    interviewsGRPC.Addr().String(),
		EvaluationAddr:    evaluationGRPC.Addr().String(),
		MaxMediaBytes:     200 << 20,
		MediaTimeout:      10 * time.Minute,
		MaxJSONBody:       64 << 10,
		LoginIPBurst:      20,
		LoginIPEvery:      3 * time.Second,
		LoginAccountBurst: 5,
		LoginAccountEvery: time.Minute,
		RequestTimeout:    15 * time.Second,
		MediaOrigins:      []string{"http://" + s3Lis.Addr().String()},
		HTTPListener:      gatewayHTTP,
		AdminListener:     gatewayAdmin,
	}
	if o.TuneGateway != nil {
		o.TuneGateway(&gcfg)
	}

	p := &Platform{
		URL:          "http://" + gatewayHTTP.Addr().String(),
		NATSURL:      natsSrv.ClientURL(),
		S3URL:        "http://" + s3Lis.Addr().String(),
		DatabaseURL:  adminURL,
		AccountsAddr: accountsGRPC.Addr().String(),
		done:         make(chan struct{}),
	}

	svcCtx, stopServices := context.WithCancel(ctx)
	g, gctx := errgroup.WithContext(svcCtx)
	g.Go(func() error {
		if err := s3Srv.Serve(s3Lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("s3: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return s3Srv.Shutdown(sctx)
	})
	g.Go(func() error {
		return service(gctx, "accounts", accounts.Run, acfg, logging.New(logOut(o), accounts.Name, o.LogLevel))
	})
	g.Go(func() error {
		return service(gctx, "interviews", interviews.Run, icfg, logging.New(logOut(o), interviews.Name, o.LogLevel))
	})
	g.Go(func() error {
		return service(gctx, "resumes", resumes.Run, rcfg, logging.New(logOut(o), resumes.Name, o.LogLevel))
	})
	g.Go(func() error {
		return service(gctx, "evaluation", evaluation.Run, ecfg, logging.New(logOut(o), evaluation.Name, o.LogLevel))
	})
	g.Go(func() error {
		return service(gctx, "gateway", gateway.Run, gcfg, logging.New(logOut(o), gateway.Name, o.LogLevel))
	})

	go func() {
		err := g.Wait()
		stopServices()
		natsSrv.Shutdown()
		natsSrv.WaitForShutdown()
		if pgServer != nil && pgServer.StartedHere() {
			if perr := pgServer.Stop(context.Background()); perr != nil {
				boot.Warn("stopping PostgreSQL", "err", perr)
			}
		}
		p.err = err
		close(p.done)
	}()

	// Ready when the gateway answers and every service reports ready on its
	// admin port (the resumes service, say, compiles its PDF engine first).
	readiness := []string{p.URL + "/api/v1/policy"}
	for _, l := range []net.Listener{accountsAdmin, resumesAdmin, interviewsAdmin, evaluationAdmin} {
		readiness = append(readiness, "http://"+l.Addr().String()+"/readyz")
	}
	if err := waitReady(ctx, readiness, 3*time.Minute); err != nil {
		stopServices()
		<-p.done
		if p.err != nil {
			return nil, p.err
		}
		return nil, err
	}
	return p, nil
}

// service runs one service and names it in its error.
func service[C any](ctx context.Context, name string, run func(context.Context, C, *slog.Logger) error, cfg C, log *slog.Logger) error {
	if err := run(ctx, cfg, log); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func withDefaults(o Options) Options {
	if o.DataDir == "" {
		o.DataDir = ".data"
	}
	if o.HTTPAddr == "" {
		o.HTTPAddr = "127.0.0.1:8080"
	}
	if o.DBPrefix == "" {
		o.DBPrefix = "moksho_"
	}
	return o
}

// poolParam appends a pgxpool size to a database URL.
func poolParam(url string, n int) string {
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%spool_max_conns=%d", sep, n)
}

// engineCacheDir is where the resumes service keeps its PDF engine's
// compiled code between starts: the user's cache directory, shared by every
// local run and test.
func engineCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "moksho", "pdfium")
}

func logOut(o Options) *os.File {
	if o.LogOutput != nil {
		return o.LogOutput
	}
	return os.Stderr
}

// preferPort returns port when it is free on loopback, else -1 / 0 (any).
func preferPort(port int) int {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return 0
	}
	l.Close()
	return port
}

type listeners struct {
	mu  sync.Mutex
	all []net.Listener
	err error
}

func (l *listeners) bind(addr string) net.Listener {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return nil
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		l.err = fmt.Errorf("listen %s: %w", addr, err)
		return nil
	}
	l.all = append(l.all, lis)
	return lis
}

func (l *listeners) closeAll() {
	for _, lis := range l.all {
		lis.Close()
	}
}

func waitReady(ctx context.Context, urls []string, within time.Duration) error {
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: 2 * time.Second}
	for len(urls) > 0 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, urls[0], nil)
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				urls = urls[1:]
				continue
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("platform not ready at %s within %s", urls[0], within)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}
