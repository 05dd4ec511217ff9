// Package store keeps accounts in PostgreSQL. SQL lives here, in plain
// sight; driver errors become app errors; every state change writes its
// events to the outbox in the same transaction.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/moksho/platform/pkg/batch"
	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/services/accounts/internal/app"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the accounts schema plus the bus tables it needs.
func Migrations() []pg.Migrations {
	return []pg.Migrations{bus.Migrations, pg.MigrationsIn(migrationFiles, "migrations", "goose_accounts")}
}

// Store implements app.Store on a pgx pool.
type Store struct {
	pool     *pgxpool.Pool
	sessions *batch.Loader[string, sessionRow]
}

var _ app.Store = (*Store)(nil)

// New returns a store on pool (already migrated).
func New(pool *pgxpool.Pool) *Store {
	s := &Store{pool: pool}
	// One query at a time: while it runs, lookups queue and the next query
	// takes them all, so batches grow with load. Measured by make bench
	// (docs/benchmarks.md): two at a time left batches near 2 lookups and
	// gained nothing; one gives about 5 at 14,000 requests/s.
	// A stuck query holds every lookup behind it, so it is given up on
	// sooner than batch's default.
	s.sessions = batch.New(s.sessionsByTokenHashes, batch.Options{Concurrency: 1, MaxBatch: 128, Timeout: 5 * time.Second})
	return s
}

const userColumns = `u.id, u.email, u.name, u.role, coalesce(u.organization_id::text, ''), coalesce(o.name, ''), u.created_at, u.updated_at`

const userFrom = `FROM users u LEFT JOIN organizations o ON o.id = u.organization_id`

func scanUser(row pgx.Row) (app.User, error) {
	var u app.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.OrgID, &u.OrgName, &u.CreatedAt, &u.UpdatedAt)
	u.Role = app.Role(role)
	return u, err
}

// CreateUser implements app.Store.
func (s *Store) CreateUser(ctx context.Context, u app.User, hash string, p app.Privacy, consents []app.Consent, events []bus.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if u.OrgID != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)`,
				u.OrgID, u.OrgName, u.CreatedAt); err != nil {
				return fmt.Errorf("insert organization: %w", err)
			}
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO users (id, email, name, password_hash, role, organization_id,
			                   recruiter_visible, do_not_sell_or_share, accepted_policy_version, consent_withdrawn,
			                   created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, nullif($6, '')::uuid, $7, $8, $9, $10, $11, $12)`,
			u.ID, u.Email, u.Name, hash, string(u.Role), u.OrgID,
			p.RecruiterVisible, p.DoNotSellOrShare, p.AcceptedPolicyVersion, p.ConsentWithdrawn,
			u.CreatedAt, u.UpdatedAt)
		if err != nil {
			return mapUserErr("insert user", err)
		}
		if err := insertConsents(ctx, tx, consents); err != nil {
			return err
		}
		return bus.Enqueue(ctx, tx, events...)
	})
}

func mapUserErr(op string, err error) error {
	if code, constraint := pg.ErrorCode(err); code == pg.CodeUniqueViolation && constraint == "users_email_key" {
		return app.ErrEmailTaken
	}
	return fmt.Errorf("%s: %w", op, err)
}

func insertConsents(ctx context.Context, tx pgx.Tx, consents []app.Consent) error {
	for _, c := range consents {
		_, err := tx.Exec(ctx, `
			INSERT INTO consents (id, user_id, kind, granted, policy_version, policy_sha256, full_text_shown, occurred_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			c.ID, c.UserID, string(c.Kind), c.Granted, c.PolicyVersion, c.PolicySHA256, c.FullTextShown, c.OccurredAt)
		if err != nil {
			return fmt.Errorf("insert consent: %w", err)
		}
	}
	return nil
}

// UserByID implements app.Store.
func (s *Store) UserByID(ctx context.Context, id string) (app.User, error) {
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` `+userFrom+` WHERE u.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return app.User{}, app.ErrNotFound
	}
	if err != nil {
		return app.User{}, fmt.Errorf("select user: %w", err)
	}
	return u, nil
}

// UsersByIDs implements app.Store.
func (s *Store) UsersByIDs(ctx context.Context, ids []string) ([]app.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` `+userFrom+` WHERE u.id = ANY($1::uuid[]) ORDER BY u.id`, ids)
	if err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("select users: %w", err)
	}
	return users, nil
}

// Credentials implements app.Store.
func (s *Store) Credentials(ctx context.Context, email string) (app.User, string, error) {
	var hash string
	row := s.pool.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash `+userFrom+` WHERE lower(u.email) = lower($1)`, email)
	var u app.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.OrgID, &u.OrgName, &u.CreatedAt, &u.UpdatedAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.User{}, "", app.ErrNotFound
	}
	if err != nil {
		return app.User{}, "", fmt.Errorf("select credentials: %w", err)
	}
	u.Role = app.Role(role)
	return u, hash, nil
}

// PasswordHash implements app.Store.
func (s *Store) PasswordHash(ctx context.Context, userID string) (string, error) {
	var hash string
	err := s.pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", app.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("select password hash: %w", err)
	}
	return hash, nil
}

// UpdatePasswordHash implements app.Store.
func (s *Store) UpdatePasswordHash(ctx context.Context, userID, hash string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash); err != nil {
		return fmt.Errorf("update password hash: %w", err)
	}
	return nil
}

// UpdateProfile implements app.Store.
func (s *Store) UpdateProfile(ctx context.Context, u app.User, events []bus.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET name = $2, email = $3, updated_at = $4 WHERE id = $1`,
			u.ID, u.Name, u.Email, u.UpdatedAt)
		if err != nil {
			return mapUserErr("update profile", err)
		}
		if tag.RowsAffected() == 0 {
			return app.ErrNotFound
		}
		return bus.Enqueue(ctx, tx, events...)
	})
}

// ReplacePassword implements app.Store.
func (s *Store) ReplacePassword(ctx context.Context, userID, hash string, next app.Session, events []bus.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, hash, next.CreatedAt)
		if err != nil {
			return fmt.Errorf("update password: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return app.ErrNotFound
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if err := insertSession(ctx, tx, next); err != nil {
			return err
		}
		return bus.Enqueue(ctx, tx, events...)
	})
}

func insertSession(ctx context.Context, q pg.Querier, sess app.Session) error {
	_, err := q.Exec(ctx, `
		INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		sess.ID, sess.TokenHash, sess.UserID, sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// CreateSession implements app.Store.
func (s *Store) CreateSession(ctx context.Context, sess app.Session) error {
	return insertSession(ctx, s.pool, sess)
}

// SessionByTokenHash implements app.Store. Every authenticated request
// asks this, so concurrent lookups share queries (see package batch): one
// round trip to PostgreSQL serves many requests under load, and each is
// still answered from a read made after it arrived.
func (s *Store) SessionByTokenHash(ctx context.Context, hash []byte) (app.Session, app.Principal, app.Privacy, error) {
	r, ok, err := s.sessions.Load(ctx, string(hash))
	if err != nil {
		return app.Session{}, app.Principal{}, app.Privacy{}, err
	}
	if !ok {
		return app.Session{}, app.Principal{}, app.Privacy{}, app.ErrNoSession
	}
	return r.sess, r.p, r.priv, nil
}

type sessionRow struct {
	sess app.Session
	p    app.Principal
	priv app.Privacy
}

func (s *Store) sessionsByTokenHashes(ctx context.Context, hashes []string) (map[string]sessionRow, error) {
	arg := make([][]byte, len(hashes))
	for i, h := range hashes {
		arg[i] = []byte(h)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT s.token_hash, s.id, s.created_at, s.last_seen_at, s.expires_at,
		       `+userColumns+`,
		       u.recruiter_visible, u.do_not_sell_or_share, u.accepted_policy_version, u.consent_withdrawn
		FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN organizations o ON o.id = u.organization_id
		WHERE s.token_hash = ANY($1)`, arg)
	if err != nil {
		return nil, fmt.Errorf("select sessions: %w", err)
	}
	found := make(map[string]sessionRow, len(hashes))
	var r sessionRow
	var role string
	u := &r.p.User
	_, err = pgx.ForEachRow(rows, []any{
		&r.sess.TokenHash, &r.sess.ID, &r.sess.CreatedAt, &r.sess.LastSeenAt, &r.sess.ExpiresAt,
		&u.ID, &u.Email, &u.Name, &role, &u.OrgID, &u.OrgName, &u.CreatedAt, &u.UpdatedAt,
		&r.priv.RecruiterVisible, &r.priv.DoNotSellOrShare, &r.priv.AcceptedPolicyVersion, &r.priv.ConsentWithdrawn,
	}, func() error {
		u.Role = app.Role(role)
		r.sess.UserID = u.ID
		r.p.UserID, r.p.Role, r.p.OrgID, r.p.SessionID = u.ID, u.Role, u.OrgID, r.sess.ID
		found[string(r.sess.TokenHash)] = r
		r.sess.TokenHash = nil // scanned into afresh for the next row
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("select sessions: %w", err)
	}
	return found, nil
}

// TouchSession implements app.Store.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2`, id, at); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteSession implements app.Store.
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteDeadSessions implements app.Store.
func (s *Store) DeleteDeadSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-idle))
	if err != nil {
		return 0, fmt.Errorf("delete dead sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Privacy implements app.Store.
func (s *Store) Privacy(ctx context.Context, userID string) (app.Privacy, []app.Consent, error) {
	var p app.Privacy
	err := s.pool.QueryRow(ctx, `
		SELECT recruiter_visible, do_not_sell_or_share, accepted_policy_version, consent_withdrawn
		FROM users WHERE id = $1`, userID).Scan(&p.RecruiterVisible, &p.DoNotSellOrShare, &p.AcceptedPolicyVersion, &p.ConsentWithdrawn)
	if errors.Is(err, pgx.ErrNoRows) {
		return app.Privacy{}, nil, app.ErrNotFound
	}
	if err != nil {
		return app.Privacy{}, nil, fmt.Errorf("select privacy: %w", err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, user_id, kind, granted, policy_version, policy_sha256, full_text_shown, occurred_at
		FROM consents WHERE user_id = $1 ORDER BY occurred_at, id`, userID)
	if err != nil {
		return app.Privacy{}, nil, fmt.Errorf("select consents: %w", err)
	}
	history, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (app.Consent, error) {
		var c app.Consent
		var kind string
		err := r.Scan(&c.ID, &c.UserID, &kind, &c.Granted, &c.PolicyVersion, &c.PolicySHA256, &c.FullTextShown, &c.OccurredAt)
		c.Kind = app.ConsentKind(kind)
		return c, err
	})
	if err != nil {
		return app.Privacy{}, nil, fmt.Errorf("select consents: %w", err)
	}
	return p, history, nil
}

// RecordConsents implements app.Store.
func (s *Store) RecordConsents(ctx context.Context, userID string, p app.Privacy, consents []app.Consent, events []bus.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE users SET recruiter_visible = $2, do_not_sell_or_share = $3,
			                 accepted_policy_version = $4, consent_withdrawn = $5
			WHERE id = $1`,
			userID, p.RecruiterVisible, p.DoNotSellOrShare, p.AcceptedPolicyVersion, p.ConsentWithdrawn)
		if err != nil {
			return fmt.Errorf("update privacy: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return app.ErrNotFound
		}
		if err := insertConsents(ctx, tx, consents); err != nil {
			return err
		}
		return bus.Enqueue(ctx, tx, events...)
	})
}
