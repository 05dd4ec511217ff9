// Package pgtest gives every test its own PostgreSQL database, cloned from a
// template migrated once per set of migrations, so tests are isolated, run
// in parallel and start in milliseconds.
//
// The server comes from MOKSHO_TEST_DATABASE_URL, then DATABASE_URL, then
// pglocal (127.0.0.1:5432 or a private cluster under the repository's
// .data/pg). A test that cannot get a database fails; it never skips.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/pkg/pglocal"
)

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

// AdminURL returns the URL of the test server's postgres database.
func AdminURL(t testing.TB) string {
	t.Helper()
	u, err := ServerURL()
	if err != nil {
		t.Fatalf("pgtest: no PostgreSQL server for tests: %v", err)
	}
	return u
}

// ServerURL is AdminURL for TestMain, where there is no testing.TB yet.
func ServerURL() (string, error) {
	serverOnce.Do(func() {
		for _, k := range []string{"MOKSHO_TEST_DATABASE_URL", "DATABASE_URL"} {
			if u := os.Getenv(k); u != "" {
				serverURL = u
				return
			}
		}
		root, err := repoRoot()
		if err != nil {
			serverErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		srv, err := pglocal.Ensure(ctx, pglocal.Options{DataDir: filepath.Join(root, ".data", "pg"), Install: true})
		if err != nil {
			serverErr = err
			return
		}
		serverURL = srv.URL
	})
	return serverURL, serverErr
}

// NewPool returns a pool on a fresh database with the migrations applied.
// The database is dropped when the test ends.
func NewPool(t testing.TB, sets ...pg.Migrations) *pgxpool.Pool {
	t.Helper()
	url := NewDatabase(t, sets...)
	ctx := context.Background()
	pool, err := pg.Open(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewDatabase creates a fresh migrated database and returns its URL; use it
// when the code under test opens its own pool.
func NewDatabase(t testing.TB, sets ...pg.Migrations) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := AdminURL(t)
	tmpl, err := template(ctx, admin, sets)
	if err != nil {
		t.Fatalf("pgtest: template: %v", err)
	}
	name := "test_" + randomHex(8)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	u, err := pg.WithDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

var templates sync.Map // hash -> name

// template returns the name of a template database holding the migrations,
// creating it under an advisory lock when no process has yet.
func template(ctx context.Context, admin string, sets []pg.Migrations) (string, error) {
	hash, err := digest(sets)
	if err != nil {
		return "", err
	}
	if name, ok := templates.Load(hash); ok {
		return name.(string), nil
	}
	name := "tmpl_" + hash
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", name); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtext($1))", name) //nolint:errcheck // best effort: the lock dies with the connection anyway
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		// Build under a temporary name and rename when complete, so a crash
		// mid-migration never leaves a half-migrated template behind.
		building := "build_" + randomHex(6)
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+building); err != nil {
			return "", err
		}
		u, err := pg.WithDatabase(admin, building)
		if err != nil {
			return "", err
		}
		pool, err := pg.Open(ctx, u)
		if err != nil {
			return "", err
		}
		err = pg.Migrate(ctx, pool, sets...)
		pool.Close()
		if err != nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
			return "", err
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
			return "", err
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH IS_TEMPLATE true", name)); err != nil {
			return "", err
		}
	}
	templates.Store(hash, name)
	return name, nil
}

// digest fingerprints the migration sets: table names and file contents.
func digest(sets []pg.Migrations) (string, error) {
	h := sha256.New()
	for _, m := range sets {
		fmt.Fprintf(h, "table:%s\n", m.Table)
		var files []string
		err := fs.WalkDir(m.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("read migrations %s: %w", m.Table, err)
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := fs.ReadFile(m.FS, f)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "file:%s:%d\n", f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:20], nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// repoRoot walks up from the working directory to the folder with go.work.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.work above the working directory; set MOKSHO_TEST_DATABASE_URL")
		}
		dir = parent
	}
}

// DropDatabases drops every database whose name starts with prefix, for
// suites that start a whole platform with its own databases (API tests,
// end-to-end tests, benchmarks) and clean up after themselves.
func DropDatabases(ctx context.Context, adminURL, prefix string) error {
	if !strings.HasSuffix(prefix, "_") || len(prefix) < 4 {
		return fmt.Errorf("pgtest: refusing to drop databases by the loose prefix %q", prefix)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, prefix)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop %s: %w", n, err)
		}
	}
	return nil
}
