// Package store keeps interviews in PostgreSQL, with their events written
// to the outbox in the same transaction.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/services/interviews/internal/app"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the interviews schema plus the bus tables.
func Migrations() []pg.Migrations {
	return []pg.Migrations{bus.Migrations, pg.MigrationsIn(migrationFiles, "migrations", "goose_interviews")}
}

// Store implements app.Store.
type Store struct{ pool *pgxpool.Pool }

var _ app.Store = (*Store)(nil)

// New returns a store on a migrated pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Create implements app.Store.
func (s *Store) Create(ctx context.Context, iv app.Interview, events []bus.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO interviews (id, user_id, role_id, assessment_id, invitation_id, status, created_at, expires_at)
			VALUES ($1, $2, $3, nullif($4, '')::uuid, $5, $6, $7, $8)`,
			iv.ID, iv.UserID, iv.RoleID, iv.AssessmentID, iv.InvitationID, string(iv.Status), iv.CreatedAt, iv.ExpiresAt)
		if err != nil {
			return fmt.Errorf("insert interview: %w", err)
		}
		for _, q := range iv.Questions {
			_, err := tx.Exec(ctx, `
				INSERT INTO questions (id, interview_id, position, bank_id, text, kind, competency, skill, difficulty, talking_points)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				q.ID, iv.ID, q.Position, q.BankID, q.Text, q.Kind, q.Competency, q.Skill, q.Difficulty, nonNil(q.TalkingPoints))
			if err != nil {
				return fmt.Errorf("insert question: %w", err)
			}
			if q.BankID != "" {
				if _, err := tx.Exec(ctx, `
					INSERT INTO asked_questions (user_id, bank_id, asked_at) VALUES ($1, $2, $3)
					ON CONFLICT (user_id, bank_id) DO UPDATE SET asked_at = excluded.asked_at`,
					iv.UserID, q.BankID, iv.CreatedAt); err != nil {
					return fmt.Errorf("record asked question: %w", err)
				}
			}
		}
		return bus.Enqueue(ctx, tx, events...)
	})
}

const interviewColumns = `id, user_id, role_id, coalesce(assessment_id::text, ''), invitation_id, status,
	overall_score::float8, coalesce(best_answer_id::text, ''), created_at, completed_at, scored_at, expires_at`

func scanInterview(row pgx.Row) (app.Interview, error) {
	var iv app.Interview
	var status string
	err := row.Scan(&iv.ID, &iv.UserID, &iv.RoleID, &iv.AssessmentID, &iv.InvitationID, &status,
		&iv.OverallScore, &iv.BestAnswerID, &iv.CreatedAt, &iv.CompletedAt, &iv.ScoredAt, &iv.ExpiresAt)
	iv.Status = app.Status(status)
	return iv, err
}

func (s *Store) questions(ctx context.Context, q pg.Querier, ids []string) (map[string][]app.Question, error) {
	rows, err := q.Query(ctx, `
		SELECT interview_id, id, position, bank_id, text, kind, competency, skill, difficulty, talking_points,
		       coalesce(answer_id::text, ''), answer_score::float8
		FROM questions WHERE interview_id = ANY($1::uuid[]) ORDER BY interview_id, position`, ids)
	if err != nil {
		return nil, fmt.Errorf("select questions: %w", err)
	}
	defer rows.Close()
	out := map[string][]app.Question{}
	for rows.Next() {
		var ivID string
		var q app.Question
		if err := rows.Scan(&ivID, &q.ID, &q.Position, &q.BankID, &q.Text, &q.Kind, &q.Competency, &q.Skill,
			&q.Difficulty, &q.TalkingPoints, &q.AnswerID, &q.AnswerScore); err != nil {
			return nil, fmt.Errorf("select questions: %w", err)
		}
		out[ivID] = append(out[ivID], q)
	}
	return out, rows.Err()
}

// Get implements app.Store.
func (s *Store) Get(ctx context.Context, userID, id string) (app.Interview, error) {
	iv, err := scanInterview(s.pool.QueryRow(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE id = $1 AND user_id = $2`, id, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.Interview{}, app.ErrNotFound
	}
	if err != nil {
		return app.Interview{}, fmt.Errorf("select interview: %w", err)
	}
	qs, err := s.questions(ctx, s.pool, []string{iv.ID})
	if err != nil {
		return app.Interview{}, err
	}
	iv.Questions = qs[iv.ID]
	return iv, nil
}

// List implements app.Store.
func (s *Store) List(ctx context.Context, userID string, now time.Time) ([]app.Interview, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC LIMIT 200`, userID, now)
	if err != nil {
		return nil, fmt.Errorf("select interviews: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Interview, error) { return scanInterview(r) })
	if err != nil {
		return nil, fmt.Errorf("select interviews: %w", err)
	}
	ids := make([]string, len(list))
	for i, iv := range list {
		ids[i] = iv.ID
	}
	qs, err := s.questions(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Questions = qs[list[i].ID]
	}
	return list, nil
}

// AskedBankIDs implements app.Store.
func (s *Store) AskedBankIDs(ctx context.Context, userID string) (map[string]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT bank_id FROM asked_questions WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("select asked questions: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("select asked questions: %w", err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// Complete implements app.Store.
func (s *Store) Complete(ctx context.Context, userID, id string, at time.Time, events func(app.Interview) ([]bus.Event, error)) (app.Interview, bool, error) {
	var changed bool
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE interviews SET status = 'completed', completed_at = $3
			WHERE id = $1 AND user_id = $2 AND status = 'in_progress'`, id, userID, at)
		if err != nil {
			return fmt.Errorf("complete interview: %w", err)
		}
		changed = tag.RowsAffected() == 1
		if !changed {
			return nil
		}
		iv, err := scanInterview(tx.QueryRow(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE id = $1`, id))
		if err != nil {
			return fmt.Errorf("select interview: %w", err)
		}
		qs, err := s.questions(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		iv.Questions = qs[id]
		evts, err := events(iv)
		if err != nil {
			return err
		}
		return bus.Enqueue(ctx, tx, evts...)
	})
	if err != nil {
		return app.Interview{}, false, err
	}
	iv, err := s.Get(ctx, userID, id)
	return iv, changed, err
}

// ResumeSkills implements app.Store.
func (s *Store) ResumeSkills(ctx context.Context, userID, assessmentID string) (app.ResumeSkills, error) {
	r := app.ResumeSkills{AssessmentID: assessmentID, UserID: userID}
	err := s.pool.QueryRow(ctx, `SELECT role_id, skills, missing FROM resume_skills WHERE assessment_id = $1 AND user_id = $2`,
		assessmentID, userID).Scan(&r.RoleID, &r.Skills, &r.Missing)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.ResumeSkills{}, app.ErrUnknownAssessment
	}
	if err != nil {
		return app.ResumeSkills{}, fmt.Errorf("select resume skills: %w", err)
	}
	return r, nil
}

// Tx runs event handlers' writes in the consumer's transaction.
type Tx struct{ tx pgx.Tx }

var _ app.Tx = Tx{}

// InTx wraps the consumer's transaction.
func InTx(tx pgx.Tx) Tx { return Tx{tx: tx} }

// SaveResumeSkills implements app.Tx.
func (t Tx) SaveResumeSkills(ctx context.Context, r app.ResumeSkills, at time.Time) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO resume_skills (assessment_id, user_id, role_id, skills, missing, assessed_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (assessment_id) DO NOTHING`,
		r.AssessmentID, r.UserID, r.RoleID, nonNil(r.Skills), nonNil(r.Missing), at)
	if err != nil {
		return fmt.Errorf("save resume skills: %w", err)
	}
	return nil
}

// RecordAnswer implements app.Tx.
func (t Tx) RecordAnswer(ctx context.Context, interviewID, questionID, answerID string, score float64) error {
	_, err := t.tx.Exec(ctx, `UPDATE questions SET answer_id = $3, answer_score = $4 WHERE id = $2 AND interview_id = $1`,
		interviewID, questionID, answerID, score)
	if err != nil {
		return fmt.Errorf("record answer: %w", err)
	}
	return nil
}

// RecordScore implements app.Tx.
func (t Tx) RecordScore(ctx context.Context, interviewID string, overall float64, bestAnswerID string, at time.Time) error {
	_, err := t.tx.Exec(ctx, `
		UPDATE interviews SET status = 'scored', overall_score = $2, best_answer_id = nullif($3, '')::uuid,
		       scored_at = $4, completed_at = coalesce(completed_at, $4)
		WHERE id = $1`, interviewID, overall, bestAnswerID, at)
	if err != nil {
		return fmt.Errorf("record score: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
