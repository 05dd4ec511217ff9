package pg_test

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/pkg/pg/pgtest"
)

//go:embed testdata/migrations/*.sql
var migrationsFS embed.FS

func migrations(t *testing.T) pg.Migrations {
	sub, err := fs.Sub(migrationsFS, "testdata/migrations")
	if err != nil {
		t.Fatal(err)
	}
	return pg.Migrations{FS: sub, Table: "goose_widgets"}
}

func TestFreshDatabasesAreMigratedAndIsolated(t *testing.T) {
	ctx := context.Background()
	a := pgtest.NewPool(t, migrations(t))
	b := pgtest.NewPool(t, migrations(t))
	if _, err := a.Exec(ctx, `INSERT INTO widgets (id, name) VALUES (1, 'one')`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, `SELECT count(*) FROM widgets`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("second database sees %d rows of the first", n)
	}
	// Migrating again is a no-op.
	if err := pg.Migrate(ctx, a, migrations(t)); err != nil {
		t.Fatal(err)
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t, migrations(t))
	boom := errors.New("boom")
	err := pg.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO widgets (id, name) VALUES (1, 'one')`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	var n int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM widgets`).Scan(&n)
	if n != 0 {
		t.Fatal("insert survived a rolled-back transaction")
	}
}

func TestErrorCodeReportsUniqueViolation(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t, migrations(t))
	_, _ = pool.Exec(ctx, `INSERT INTO widgets (id, name) VALUES (1, 'one')`)
	_, err := pool.Exec(ctx, `INSERT INTO widgets (id, name) VALUES (2, 'one')`)
	code, constraint := pg.ErrorCode(err)
	if code != pg.CodeUniqueViolation || constraint != "widgets_name_key" {
		t.Fatalf("code=%q constraint=%q err=%v", code, constraint, err)
	}
}

func TestEnsureDatabaseIsIdempotent(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.AdminURL(t)
	name := "ensure_db_test"
	for range 2 {
		u, err := pg.EnsureDatabase(ctx, admin, name)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var db string
		_ = conn.QueryRow(ctx, "SELECT current_database()").Scan(&db)
		conn.Close(ctx)
		if db != name {
			t.Fatalf("connected to %q", db)
		}
	}
	conn, _ := pgx.Connect(ctx, admin)
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
	if _, err := pg.EnsureDatabase(ctx, admin, "Bad-Name;"); err == nil {
		t.Fatal("want an error for an invalid name")
	}
}
