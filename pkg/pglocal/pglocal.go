// Package pglocal finds or starts a PostgreSQL server for development and
// tests, so that `make run` and `make test` work on a fresh machine with no
// database set up:
//
//  1. DATABASE_URL, when set, is used as it is;
//  2. otherwise a server already answering on 127.0.0.1:5432 (as user
//     postgres, or PGUSER/PGPASSWORD) is used, unless it is an orphaned
//     private cluster of a deleted checkout (see Orphaned);
//  3. otherwise a private cluster is created under a data directory with the
//     installed initdb and started with pg_ctl, as the postgres user when the
//     process runs as root (initdb refuses root). PostgreSQL is installed with
//     apt-get first when no initdb exists and installing is allowed.
//
// A private cluster listens on 127.0.0.1 only, with trust authentication for
// local connections: it is a developer's throwaway database, never production.
package pglocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options say where a private cluster lives and what may be done to get one.
type Options struct {
	// DataDir is where a private cluster is kept, e.g. ".data/pg".
	DataDir string
	// Install allows `apt-get install postgresql` when no initdb is found.
	Install bool
	// Log receives progress messages; nil discards them.
	Log *slog.Logger
	// Env is consulted for DATABASE_URL, PGUSER and PGPASSWORD; nil means
	// the process environment.
	Env func(string) string
	// Private skips DATABASE_URL and 127.0.0.1:5432 and always uses a
	// private cluster (tests of this package use it).
	Private bool
}

// Server is a PostgreSQL server to use.
type Server struct {
	// URL is an admin connection URL (database "postgres").
	URL string
	// Source says where the server came from: "env", "localhost" or "private".
	Source string
	// DataDir is the private cluster's directory, when Source is "private".
	DataDir string
	started bool
	runAs   *user.User
}

// StartedHere reports whether Ensure started the server (and Stop stops it).
func (s *Server) StartedHere() bool { return s.started }

// Stop shuts down a private cluster Ensure started; otherwise it does nothing.
func (s *Server) Stop(ctx context.Context) error {
	if !s.started {
		return nil
	}
	pgCtl, err := findBinary("pg_ctl")
	if err != nil {
		return err
	}
	return run(ctx, s.runAs, pgCtl, "-D", s.DataDir, "-m", "fast", "-w", "stop")
}

// Ensure returns a server following the order in the package comment.
func Ensure(ctx context.Context, opts Options) (*Server, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Env == nil {
		opts.Env = os.Getenv
	}
	if opts.Private {
		return startPrivate(ctx, opts)
	}
	if u := opts.Env("DATABASE_URL"); u != "" {
		return &Server{URL: u, Source: "env"}, nil
	}
	if u, ok := probeLocalhost(ctx, opts.Env); ok {
		if dir, gone := Orphaned(ctx, u); gone {
			opts.Log.Warn("the PostgreSQL server on 127.0.0.1:5432 is a private cluster whose data directory was deleted; not using it (stop it with: pkill -f 'postgres -D "+dir+"')", "data_directory", dir)
		} else {
			opts.Log.Info("using the PostgreSQL server on 127.0.0.1:5432")
			return &Server{URL: u, Source: "localhost"}, nil
		}
	}
	return startPrivate(ctx, opts)
}

// Orphaned reports whether the server at url is a private cluster of this
// package (its data directory ends in .data/pg, as make run and make test
// create it) whose data directory no longer holds it: a checkout deleted,
// or deleted and made again, while its cluster ran. Such a server still answers from memory, but it
// is nobody's, and its next checkpoint may fail. Other servers, including
// ones whose directory is not on this machine (a container), are never
// called orphaned.
func Orphaned(ctx context.Context, url string) (dir string, orphaned bool) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "", false
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SHOW data_directory").Scan(&dir); err != nil {
		return "", false // not allowed to see it: not a cluster of ours
	}
	if filepath.Base(dir) != "pg" || filepath.Base(filepath.Dir(dir)) != ".data" {
		return dir, false
	}
	// The postmaster.pid a running server keeps in its data directory
	// names its start time: if the directory has none, or another one (a
	// checkout deleted and made again at the same path), the server is
	// not that directory's.
	pidFile, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if errors.Is(err, os.ErrNotExist) {
		return dir, true
	}
	lines := strings.Split(string(pidFile), "\n")
	var started time.Time
	if err != nil || len(lines) < 3 || conn.QueryRow(ctx, "SELECT pg_postmaster_start_time()").Scan(&started) != nil {
		return dir, false // cannot tell: trust it
	}
	return dir, strings.TrimSpace(lines[2]) != strconv.FormatInt(started.Unix(), 10)
}

func probeLocalhost(ctx context.Context, env func(string) string) (string, bool) {
	c, err := net.DialTimeout("tcp", "127.0.0.1:5432", 500*time.Millisecond)
	if err != nil {
		return "", false
	}
	c.Close()
	usr := env("PGUSER")
	if usr == "" {
		usr = "postgres"
	}
	u := "postgres://" + usr
	if pw := env("PGPASSWORD"); pw != "" {
		u += ":" + pw
	}
	u += "@127.0.0.1:5432/postgres?sslmode=disable"
	if ping(ctx, u) != nil {
		return "", false
	}
	return u, true
}

func ping(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
}

// portFile records the port of a private cluster beside its data.
const portFile = "moksho.port"

func startPrivate(ctx context.Context, opts Options) (*Server, error) {
	initdb, err := findBinary("initdb")
	if err != nil && opts.Install {
		opts.Log.Info("PostgreSQL is not installed; installing it with apt-get")
		if err = aptInstall(ctx); err == nil {
			initdb, err = findBinary("initdb")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("no PostgreSQL server: set DATABASE_URL, start one on 127.0.0.1:5432, or install PostgreSQL (apt-get install postgresql): %w", err)
	}
	pgCtl, err := findBinary("pg_ctl")
	if err != nil {
		return nil, err
	}
	runAs, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	dir, err = usableDir(ctx, dir, runAs, opts.Log)
	if err != nil {
		return nil, err
	}
	srv := &Server{Source: "private", DataDir: dir, runAs: runAs}

	unlock, err := lockDir(dir + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()

	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		opts.Log.Info("creating a private PostgreSQL cluster", "dir", dir)
		if err := run(ctx, runAs, initdb, "-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
			return nil, fmt.Errorf("initdb: %w", err)
		}
	}
	if port, ok := readPort(dir); ok && run(ctx, runAs, pgCtl, "-D", dir, "status") == nil {
		srv.URL = adminURL(port)
		if err := ping(ctx, srv.URL); err == nil {
			opts.Log.Info("using the private PostgreSQL cluster", "dir", dir, "port", port)
			return srv, nil
		}
	}
	port := freePort(5432)
	if err := os.WriteFile(filepath.Join(dir, portFile), []byte(strconv.Itoa(port)), 0o644); err != nil {
		return nil, fmt.Errorf("record port: %w", err)
	}
	chown(filepath.Join(dir, portFile), runAs)
	serverOpts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='%s' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", port, dir)
	opts.Log.Info("starting the private PostgreSQL cluster", "dir", dir, "port", port)
	if err := run(ctx, runAs, pgCtl, "-D", dir, "-l", filepath.Join(dir, "server.log"), "-o", serverOpts, "-w", "-t", "60", "start"); err != nil {
		return nil, fmt.Errorf("pg_ctl start (see %s): %w", filepath.Join(dir, "server.log"), err)
	}
	srv.URL = adminURL(port)
	srv.started = true
	if err := ping(ctx, srv.URL); err != nil {
		return nil, fmt.Errorf("private cluster started but does not answer: %w", err)
	}
	return srv, nil
}

func adminURL(port int) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

func readPort(dir string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(dir, portFile))
	if err != nil {
		return 0, false
	}
	p, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return p, err == nil
}

// freePort returns preferred when nothing listens there, else any free port.
func freePort(preferred int) int {
	if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(preferred)); err == nil {
		l.Close()
		return preferred
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return preferred
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// findBinary looks in PATH, then in Debian's versioned PostgreSQL folders,
// newest version first.
func findBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
	if len(matches) > 0 {
		return matches[0], nil
	}
	return "", fmt.Errorf("%s not found in PATH or /usr/lib/postgresql/*/bin", name)
}

func versionOf(path string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return v
}

func aptInstall(ctx context.Context) error {
	if os.Geteuid() != 0 {
		return errors.New("installing PostgreSQL needs root: run `sudo apt-get install -y postgresql`")
	}
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %w: %s", args[0], err, tail(out))
		}
	}
	return nil
}

// serverUser is the account the cluster runs as: postgres when we are root,
// otherwise ourselves (nil).
func serverUser() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres system user (created by the postgresql package): %w", err)
	}
	return u, nil
}

// usableDir creates dir for the server user, or, when that user cannot reach
// it (a checkout under /root, say), a stable directory under /var/tmp.
func usableDir(ctx context.Context, dir string, runAs *user.User, log *slog.Logger) (string, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(dir), err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	if runAs == nil {
		return dir, nil
	}
	chown(dir, runAs)
	if run(ctx, runAs, "/usr/bin/test", "-w", dir) == nil {
		return dir, nil
	}
	sum := sha256.Sum256([]byte(dir))
	alt := filepath.Join("/var/tmp", "moksho-pg-"+hex.EncodeToString(sum[:6]))
	log.Info("the postgres user cannot reach the data dir; using another", "wanted", dir, "using", alt)
	if err := os.MkdirAll(alt, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", alt, err)
	}
	chown(alt, runAs)
	return alt, nil
}

func chown(path string, u *user.User) {
	if u == nil {
		return
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	_ = os.Chown(path, uid, gid)
}

// run executes a command, as runAs when given, returning its output on error.
func run(ctx context.Context, runAs *user.User, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	if runAs != nil {
		uid, _ := strconv.Atoi(runAs.Uid)
		gid, _ := strconv.Atoi(runAs.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + runAs.HomeDir, "LC_ALL=C.UTF-8"}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// pg_ctl start leaves the server running with our pipes open unless its
	// output goes to the log file; -l does that, so Wait returns.
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, tail(out.Bytes()))
	}
	return nil
}

func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 600 {
		s = "..." + s[len(s)-600:]
	}
	return s
}

// lockDir takes an exclusive lock on path, so concurrent test processes do
// not initialise or start the same cluster twice.
func lockDir(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
