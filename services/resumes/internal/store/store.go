// Package store keeps assessments in PostgreSQL, with their events written
// to the outbox in the same transaction.
package store

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/services/resumes/internal/app"
	"github.com/moksho/platform/services/resumes/internal/assess"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the resumes schema plus the bus tables.
func Migrations() []pg.Migrations {
	return []pg.Migrations{bus.Migrations, pg.MigrationsIn(migrationFiles, "migrations", "goose_resumes")}
}

// Store implements app.Store.
type Store struct{ pool *pgxpool.Pool }

var _ app.Store = (*Store)(nil)

// New returns a store on a migrated pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// detail is the JSON column: the parts of an assessment that are read
// whole and never queried into.
type detail struct {
	Explanation     assess.Explanation      `json:"explanation"`
	Coverage        *assess.Coverage        `json:"coverage,omitempty"`
	Recommendations []assess.Recommendation `json:"recommendations"`
}

// Save implements app.Store.
func (s *Store) Save(ctx context.Context, a app.Assessment, events []bus.Event) error {
	d, err := json.Marshal(detail{Explanation: a.Explanation, Coverage: a.Coverage, Recommendations: a.Recommendations})
	if err != nil {
		return fmt.Errorf("encode assessment: %w", err)
	}
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO assessments (id, user_id, role_id, role_title, fit_score, skills, missing_skills, detail, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			a.ID, a.UserID, a.RoleID, a.RoleTitle, a.FitScore, nonNil(a.Skills), nonNil(a.MissingSkills), d, a.CreatedAt, a.ExpiresAt)
		if err != nil {
			return fmt.Errorf("insert assessment: %w", err)
		}
		return bus.Enqueue(ctx, tx, events...)
	})
}

const columns = `id, user_id, role_id, role_title, fit_score, skills, missing_skills, detail, created_at, expires_at`

func scan(row pgx.Row) (app.Assessment, error) {
	var a app.Assessment
	var raw []byte
	var score int16
	err := row.Scan(&a.ID, &a.UserID, &a.RoleID, &a.RoleTitle, &score, &a.Skills, &a.MissingSkills, &raw, &a.CreatedAt, &a.ExpiresAt)
	if err != nil {
		return app.Assessment{}, err
	}
	a.FitScore = int(score)
	var d detail
	if err := json.Unmarshal(raw, &d); err != nil {
		return app.Assessment{}, fmt.Errorf("decode assessment %s: %w", a.ID, err)
	}
	a.Explanation, a.Coverage, a.Recommendations = d.Explanation, d.Coverage, d.Recommendations
	return a, nil
}

// Get implements app.Store.
func (s *Store) Get(ctx context.Context, userID, id string) (app.Assessment, error) {
	a, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM assessments WHERE id = $1 AND user_id = $2`, id, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.Assessment{}, app.ErrNotFound
	}
	if err != nil {
		return app.Assessment{}, fmt.Errorf("select assessment: %w", err)
	}
	return a, nil
}

// List implements app.Store.
func (s *Store) List(ctx context.Context, userID string, now time.Time) ([]app.Assessment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM assessments WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC LIMIT 500`, userID, now)
	if err != nil {
		return nil, fmt.Errorf("select assessments: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Assessment, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("select assessments: %w", err)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
