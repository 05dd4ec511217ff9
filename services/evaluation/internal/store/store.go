// Package store keeps answers, scores and interview results in
// PostgreSQL, with their events written to the outbox in the same
// transaction.
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
	"github.com/moksho/platform/services/evaluation/internal/app"
	"github.com/moksho/platform/services/evaluation/internal/score"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the evaluation schema plus the bus tables.
func Migrations() []pg.Migrations {
	return []pg.Migrations{bus.Migrations, pg.MigrationsIn(migrationFiles, "migrations", "goose_evaluation")}
}

// Store implements app.Store.
type Store struct{ pool *pgxpool.Pool }

var _ app.Store = (*Store)(nil)

// New returns a store on a migrated pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Submit implements app.Store.
func (s *Store) Submit(ctx context.Context, iv app.Interview, a app.Answer, events []bus.Event) error {
	q, err := json.Marshal(question{Text: a.Question.Text, Kind: a.Question.Kind, Competency: a.Question.Competency,
		Skill: a.Question.Skill, TalkingPoints: a.Question.TalkingPoints})
	if err != nil {
		return fmt.Errorf("encode question: %w", err)
	}
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO interviews (id, user_id, role_id, invitation_id, question_count, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			iv.ID, iv.UserID, iv.RoleID, iv.InvitationID, iv.QuestionCount, iv.CreatedAt, iv.ExpiresAt); err != nil {
			return fmt.Errorf("insert interview: %w", err)
		}
		var owner string
		var completed bool
		if err := tx.QueryRow(ctx, `SELECT user_id, completed FROM interviews WHERE id = $1 FOR UPDATE`, iv.ID).Scan(&owner, &completed); err != nil {
			return fmt.Errorf("lock interview: %w", err)
		}
		if owner != iv.UserID {
			return app.ErrNotFound
		}
		if completed {
			return app.ErrFinished
		}
		if _, err := tx.Exec(ctx, `UPDATE answers SET superseded = true WHERE interview_id = $1 AND question_id = $2 AND NOT superseded`,
			a.InterviewID, a.QuestionID); err != nil {
			return fmt.Errorf("supersede answer: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO answers (id, interview_id, question_id, user_id, question, status, transcript, created_at, expires_at,
			                     recorded, content_type, media_key, media_bytes, invitation_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			a.ID, a.InterviewID, a.QuestionID, a.UserID, q, string(a.Status), a.Transcript, a.CreatedAt, a.ExpiresAt,
			a.Recorded, a.ContentType, a.MediaKey, a.MediaBytes, iv.InvitationID); err != nil {
			return fmt.Errorf("insert answer: %w", err)
		}
		return bus.Enqueue(ctx, tx, events...)
	})
}

const answerColumns = `id, user_id, interview_id, question_id, question, status, transcript, score::float8, dimensions,
	feedback, rubric_version, failure_reason, created_at, scored_at, expires_at,
	recorded, content_type, media_key, media_bytes, machine_transcript, transcript_corrected, delivery, invitation_id`

func scanAnswer(row pgx.Row, extra ...any) (app.Answer, error) {
	var a app.Answer
	var q, dims, deliv []byte
	var status string
	dest := append([]any{&a.ID, &a.UserID, &a.InterviewID, &a.QuestionID, &q, &status, &a.Transcript, &a.Score, &dims,
		&a.Feedback, &a.RubricVersion, &a.FailureReason, &a.CreatedAt, &a.ScoredAt, &a.ExpiresAt,
		&a.Recorded, &a.ContentType, &a.MediaKey, &a.MediaBytes, &a.MachineTranscript, &a.TranscriptCorrected, &deliv, &a.InvitationID}, extra...)
	if err := row.Scan(dest...); err != nil {
		return app.Answer{}, err
	}
	if len(deliv) > 0 {
		var d deliveryJSON
		if err := json.Unmarshal(deliv, &d); err != nil {
			return app.Answer{}, fmt.Errorf("decode delivery of %s: %w", a.ID, err)
		}
		a.Delivery = &score.Delivery{WordsPerMinute: d.WordsPerMinute, FillerRate: d.FillerRate, LongPauses: d.LongPauses, TalkSeconds: d.TalkSeconds}
	}
	a.Status = app.Status(status)
	var sq question
	if err := json.Unmarshal(q, &sq); err != nil {
		return app.Answer{}, fmt.Errorf("decode question of %s: %w", a.ID, err)
	}
	a.Question = score.Question{Text: sq.Text, Kind: sq.Kind, Competency: sq.Competency, Skill: sq.Skill, TalkingPoints: sq.TalkingPoints}
	var stored []dimension
	if err := json.Unmarshal(dims, &stored); err != nil {
		return app.Answer{}, fmt.Errorf("decode dimensions of %s: %w", a.ID, err)
	}
	for _, d := range stored {
		a.Dimensions = append(a.Dimensions, score.Dimension{Name: d.Name, Score: d.Score, Feedback: d.Feedback})
	}
	return a, nil
}

// question is the stored form of the question an answer answers.
type question struct {
	Text          string   `json:"text"`
	Kind          string   `json:"kind"`
	Competency    string   `json:"competency,omitempty"`
	Skill         string   `json:"skill,omitempty"`
	TalkingPoints []string `json:"talkingPoints,omitempty"`
}

// deliveryJSON is the stored form of delivery signals.
type deliveryJSON struct {
	WordsPerMinute float64 `json:"wordsPerMinute"`
	FillerRate     float64 `json:"fillerRate"`
	LongPauses     int     `json:"longPauses"`
	TalkSeconds    float64 `json:"talkSeconds"`
}

// CheckOpen implements app.Store.
func (s *Store) CheckOpen(ctx context.Context, userID, interviewID string) error {
	var owner string
	var completed bool
	err := s.pool.QueryRow(ctx, `SELECT user_id, completed FROM interviews WHERE id = $1`, interviewID).Scan(&owner, &completed)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("select interview: %w", err)
	case owner != userID:
		return app.ErrNotFound
	case completed:
		return app.ErrFinished
	}
	return nil
}

// SetStatus implements app.Store.
func (s *Store) SetStatus(ctx context.Context, id string, from, to app.Status) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE answers SET status = $3 WHERE id = $1 AND status = $2`, id, string(from), string(to))
	if err != nil {
		return false, fmt.Errorf("set status: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Correct implements app.Store.
func (s *Store) Correct(ctx context.Context, a app.Answer, evt bus.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE answers SET transcript = $2, machine_transcript = $3, transcript_corrected = true,
			status = 'scoring' WHERE id = $1 AND NOT superseded AND status IN ('scored', 'scoring')`,
			a.ID, a.Transcript, a.MachineTranscript)
		if err != nil {
			return fmt.Errorf("correct transcript: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return app.ErrLocked
		}
		return bus.Enqueue(ctx, tx, evt)
	})
}

// Requeue implements app.Store.
func (s *Store) Requeue(ctx context.Context, id string, evt bus.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE answers SET status = 'received', failure_reason = '' WHERE id = $1 AND status = 'failed' AND NOT superseded`, id)
		if err != nil {
			return fmt.Errorf("requeue answer: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return app.ErrNotRetryable
		}
		return bus.Enqueue(ctx, tx, evt)
	})
}

// SaveTranscript implements app.Tx.
func (t Tx) SaveTranscript(ctx context.Context, a app.Answer) error {
	var deliv []byte
	if a.Delivery != nil {
		var err error
		deliv, err = json.Marshal(deliveryJSON{WordsPerMinute: a.Delivery.WordsPerMinute, FillerRate: a.Delivery.FillerRate,
			LongPauses: a.Delivery.LongPauses, TalkSeconds: a.Delivery.TalkSeconds})
		if err != nil {
			return fmt.Errorf("encode delivery: %w", err)
		}
	}
	_, err := t.tx.Exec(ctx, `UPDATE answers SET transcript = $2, machine_transcript = $3, delivery = $4, status = $5,
		failure_reason = $6 WHERE id = $1`,
		a.ID, a.Transcript, a.MachineTranscript, deliv, string(a.Status), a.FailureReason)
	if err != nil {
		return fmt.Errorf("save transcript: %w", err)
	}
	return nil
}

// dimension is the stored form of a score dimension, with stable JSON keys
// that queries read.
type dimension struct {
	Name     string  `json:"name"`
	Score    float64 `json:"score"`
	Feedback string  `json:"feedback"`
}

// GetAnswer implements app.Store.
func (s *Store) GetAnswer(ctx context.Context, userID, id string) (app.Answer, error) {
	a, err := scanAnswer(s.pool.QueryRow(ctx, `SELECT `+answerColumns+` FROM answers WHERE id = $1 AND user_id = $2`, id, userID))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.Answer{}, app.ErrNotFound
	}
	if err != nil {
		return app.Answer{}, fmt.Errorf("select answer: %w", err)
	}
	return a, nil
}

const interviewColumns = `id, user_id, role_id, invitation_id, question_count, completed, overall_score::float8,
	coalesce(best_answer_id::text, ''), answered, scored_at, created_at, expires_at`

func scanInterview(row pgx.Row) (app.Interview, error) {
	var iv app.Interview
	err := row.Scan(&iv.ID, &iv.UserID, &iv.RoleID, &iv.InvitationID, &iv.QuestionCount, &iv.Completed, &iv.OverallScore,
		&iv.BestAnswerID, &iv.Answered, &iv.ScoredAt, &iv.CreatedAt, &iv.ExpiresAt)
	return iv, err
}

// Results implements app.Store.
func (s *Store) Results(ctx context.Context, userID string, now time.Time) ([]app.Result, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+interviewColumns+` FROM interviews
		WHERE user_id = $1 AND scored_at IS NOT NULL AND expires_at > $2 ORDER BY scored_at DESC LIMIT 500`, userID, now)
	if err != nil {
		return nil, fmt.Errorf("select results: %w", err)
	}
	ivs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Interview, error) { return scanInterview(r) })
	if err != nil {
		return nil, fmt.Errorf("select results: %w", err)
	}
	out := make([]app.Result, 0, len(ivs))
	for _, iv := range ivs {
		res := app.Result{Interview: iv}
		drows, err := s.pool.Query(ctx, `
			SELECT d.val->>'name', round(avg((d.val->>'score')::float8)::numeric, 1)::float8
			FROM answers, jsonb_array_elements(dimensions) WITH ORDINALITY AS d(val, pos)
			WHERE interview_id = $1 AND NOT superseded AND status = 'scored'
			GROUP BY d.val->>'name' ORDER BY min(d.pos)`, iv.ID)
		if err != nil {
			return nil, fmt.Errorf("select dimensions: %w", err)
		}
		for drows.Next() {
			var d score.Dimension
			if err := drows.Scan(&d.Name, &d.Score); err != nil {
				drows.Close()
				return nil, err
			}
			res.Dimensions = append(res.Dimensions, d)
		}
		drows.Close()
		out = append(out, res)
	}
	return out, nil
}

// Tx implements app.Tx on the consumer's transaction.
type Tx struct{ tx pgx.Tx }

var _ app.Tx = Tx{}

// InTx wraps the consumer's transaction.
func InTx(tx pgx.Tx) Tx { return Tx{tx: tx} }

// LockAnswer implements app.Tx.
func (t Tx) LockAnswer(ctx context.Context, id string) (app.Answer, bool, error) {
	var superseded bool
	a, err := scanAnswer(t.tx.QueryRow(ctx, `SELECT `+answerColumns+`, superseded FROM answers WHERE id = $1 FOR UPDATE`, id), &superseded)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.Answer{}, false, app.ErrNotFound
	}
	if err != nil {
		return app.Answer{}, false, fmt.Errorf("lock answer: %w", err)
	}
	return a, !superseded, nil
}

// SaveScore implements app.Tx.
func (t Tx) SaveScore(ctx context.Context, a app.Answer) error {
	stored := make([]dimension, 0, len(a.Dimensions))
	for _, d := range a.Dimensions {
		stored = append(stored, dimension{Name: d.Name, Score: d.Score, Feedback: d.Feedback})
	}
	dims, err := json.Marshal(stored)
	if err != nil {
		return fmt.Errorf("encode dimensions: %w", err)
	}
	_, err = t.tx.Exec(ctx, `UPDATE answers SET status = $2, score = $3, dimensions = $4, feedback = $5, rubric_version = $6,
		failure_reason = $7, scored_at = $8 WHERE id = $1`,
		a.ID, string(a.Status), a.Score, dims, a.Feedback, a.RubricVersion, a.FailureReason, a.ScoredAt)
	if err != nil {
		return fmt.Errorf("save score: %w", err)
	}
	return nil
}

// MarkCompleted implements app.Tx.
func (t Tx) MarkCompleted(ctx context.Context, iv app.Interview) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO interviews (id, user_id, role_id, invitation_id, question_count, completed, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, true, $6, $7)
		ON CONFLICT (id) DO UPDATE SET completed = true, question_count = excluded.question_count`,
		iv.ID, iv.UserID, iv.RoleID, iv.InvitationID, iv.QuestionCount, iv.CreatedAt, iv.ExpiresAt)
	if err != nil {
		return fmt.Errorf("mark completed: %w", err)
	}
	return nil
}

// LockInterview implements app.Tx.
func (t Tx) LockInterview(ctx context.Context, id string) (app.Interview, []app.Answer, error) {
	iv, err := scanInterview(t.tx.QueryRow(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.Interview{}, nil, app.ErrNotFound
	}
	if err != nil {
		return app.Interview{}, nil, fmt.Errorf("lock interview: %w", err)
	}
	rows, err := t.tx.Query(ctx, `SELECT `+answerColumns+` FROM answers WHERE interview_id = $1 AND NOT superseded ORDER BY created_at`, id)
	if err != nil {
		return app.Interview{}, nil, fmt.Errorf("select answers: %w", err)
	}
	answers, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Answer, error) { return scanAnswer(r) })
	if err != nil {
		return app.Interview{}, nil, fmt.Errorf("select answers: %w", err)
	}
	return iv, answers, nil
}

// SaveInterviewScore implements app.Tx.
func (t Tx) SaveInterviewScore(ctx context.Context, iv app.Interview) error {
	_, err := t.tx.Exec(ctx, `UPDATE interviews SET completed = $2, overall_score = $3, best_answer_id = nullif($4, '')::uuid,
		answered = $5, scored_at = $6 WHERE id = $1`,
		iv.ID, iv.Completed, iv.OverallScore, iv.BestAnswerID, iv.Answered, iv.ScoredAt)
	if err != nil {
		return fmt.Errorf("save interview score: %w", err)
	}
	return nil
}

// Publish implements app.Tx.
func (t Tx) Publish(ctx context.Context, events ...bus.Event) error {
	return bus.Enqueue(ctx, t.tx, events...)
}
