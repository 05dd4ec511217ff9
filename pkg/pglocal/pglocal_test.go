package pglocal_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/moksho/platform/pkg/pglocal"
)

// TestPrivateClusterLifecycle is the fresh-machine path of make run and
// make test: create a cluster, start it, reuse it, stop it.
func TestPrivateClusterLifecycle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "pg")
	opts := pglocal.Options{DataDir: dir, Private: true, Install: true}

	first, err := pglocal.Ensure(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-in first-out: stop, then remove the cluster, which
	// may live outside the temp dir when the postgres user cannot reach it.
	t.Cleanup(func() {
		_ = os.RemoveAll(first.DataDir)
		_ = os.Remove(first.DataDir + ".lock")
	})
	t.Cleanup(func() { _ = first.Stop(context.Background()) })
	if first.Source != "private" || !first.StartedHere() {
		t.Fatalf("first = %+v", first)
	}
	query(t, ctx, first.URL)

	// A second Ensure finds the running cluster and leaves it to its owner.
	second, err := pglocal.Ensure(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if second.URL != first.URL || second.StartedHere() || second.DataDir != first.DataDir {
		t.Fatalf("second = %+v, first = %+v", second, first)
	}
	if err := second.Stop(ctx); err != nil { // not ours: a no-op
		t.Fatal(err)
	}
	query(t, ctx, first.URL)

	if err := first.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if conn, err := pgx.Connect(ctx, first.URL); err == nil {
		conn.Close(ctx)
		t.Fatal("cluster still answers after Stop")
	}

	// And it starts again from its existing data.
	third, err := pglocal.Ensure(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = third.Stop(context.Background()) })
	if !third.StartedHere() {
		t.Fatal("restart not reported as started here")
	}
	query(t, ctx, third.URL)
}

func query(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1: %d, %v", one, err)
	}
}

func TestDatabaseURLWins(t *testing.T) {
	srv, err := pglocal.Ensure(context.Background(), pglocal.Options{
		Env: func(k string) string {
			if k == "DATABASE_URL" {
				return "postgres://u@db.example:5432/postgres"
			}
			return ""
		},
	})
	if err != nil || srv.Source != "env" || srv.URL != "postgres://u@db.example:5432/postgres" || srv.StartedHere() {
		t.Fatalf("srv = %+v, err = %v", srv, err)
	}
}

// TestOrphanedCluster: a private cluster whose checkout was deleted while
// it ran is recognised, so that Ensure does not use it; a live one is not.
func TestOrphanedCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	base, err := os.MkdirTemp("", "moksho-orphan-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil { // the postgres user must reach it
		t.Fatal(err)
	}
	dir := filepath.Join(base, ".data", "pg")
	srv, err := pglocal.Ensure(ctx, pglocal.Options{DataDir: dir, Private: true, Install: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(context.Background()) })
	if srv.DataDir != dir {
		t.Fatalf("cluster at %s, want %s", srv.DataDir, dir)
	}
	if d, gone := pglocal.Orphaned(ctx, srv.URL); gone || d != dir {
		t.Fatalf("live cluster: Orphaned = %q, %v", d, gone)
	}
	moved := filepath.Join(base, "moved")
	if err := os.Rename(filepath.Join(base, ".data"), moved); err != nil {
		t.Fatal(err)
	}
	_, gone := pglocal.Orphaned(ctx, srv.URL)
	if err := os.Rename(moved, filepath.Join(base, ".data")); err != nil { // back, so Stop finds it
		t.Fatal(err)
	}
	if !gone {
		t.Fatal("a cluster whose data directory is gone was not called orphaned")
	}
	// A directory made again at the same path, holding another cluster
	// (stopped, so with no postmaster.pid).
	if err := os.Rename(filepath.Join(base, ".data"), moved); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(base, ".data", "pg", "global")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	_, gone = pglocal.Orphaned(ctx, srv.URL)
	if err := os.RemoveAll(filepath.Join(base, ".data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(moved, filepath.Join(base, ".data")); err != nil {
		t.Fatal(err)
	}
	if !gone {
		t.Fatal("a cluster whose path now holds another cluster was not called orphaned")
	}
}
