// Package pg opens PostgreSQL pools, applies embedded goose migrations and
// runs work in transactions. Each service owns one database; nothing here
// knows what a service stores.
package pg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Open connects a pool to url and checks the connection.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

// Migrations is one set of goose SQL migrations and the version table that
// tracks it. A service applies its own set plus the sets of the platform
// libraries it uses (the bus outbox, say), each with its own table, so their
// version numbers never collide.
type Migrations struct {
	// FS holds the *.sql files at its root (use fs.Sub for a subfolder).
	FS fs.FS
	// Table is the goose version table, e.g. "goose_accounts".
	Table string
}

// Migrate applies every set in order, each up to its latest version.
func Migrate(ctx context.Context, pool *pgxpool.Pool, sets ...Migrations) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	for _, m := range sets {
		p, err := goose.NewProvider(goose.DialectPostgres, db, m.FS,
			goose.WithTableName(m.Table),
			goose.WithDisableGlobalRegistry(true),
		)
		if err != nil {
			return fmt.Errorf("migrations %s: %w", m.Table, err)
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Table, err)
		}
	}
	return nil
}

// Querier is what both a pool and a transaction offer; store code written
// against it runs inside or outside a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// TxBeginner starts transactions: a pool, a connection or a transaction.
type TxBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// InTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise (or on panic).
func InTx(ctx context.Context, db TxBeginner, fn func(tx pgx.Tx) error) (err error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(ctx)
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// SQLSTATE codes the stores map to domain errors.
const (
	CodeUniqueViolation     = "23505"
	CodeForeignKeyViolation = "23503"
	CodeCheckViolation      = "23514"
	CodeSerialization       = "40001"
)

// ErrorCode returns the SQLSTATE of a PostgreSQL error and the constraint it
// names, or "" when err is not one.
func ErrorCode(err error) (code, constraint string) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code, pgErr.ConstraintName
	}
	return "", ""
}

// EnsureDatabase creates database name on the server behind adminURL when it
// does not exist, and returns a URL for it (adminURL with the path replaced).
func EnsureDatabase(ctx context.Context, adminURL, name string) (string, error) {
	if !validIdent(name) {
		return "", fmt.Errorf("invalid database name %q", name)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("connect admin database: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look up database %s: %w", name, err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			if code, _ := ErrorCode(err); code != "42P04" { // created concurrently
				return "", fmt.Errorf("create database %s: %w", name, err)
			}
		}
	}
	return WithDatabase(adminURL, name)
}

// WithDatabase returns url pointing at database name instead.
func WithDatabase(rawURL, name string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("database url must be postgres://...: %q", redactURL(rawURL))
	}
	u.Path = "/" + name
	return u.String(), nil
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return "(unparsable)"
}

func validIdent(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) < 0
}

// MigrationsIn is the migration set in folder dir of fsys (an embed.FS
// holding "migrations/*.sql", say) tracked in table.
func MigrationsIn(fsys fs.FS, dir, table string) Migrations {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("pg: migrations folder %q: %v", dir, err)) // a build-time layout error
	}
	return Migrations{FS: sub, Table: table}
}
