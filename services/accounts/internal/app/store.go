package app

import (
	"context"
	"time"

	"github.com/moksho/platform/pkg/bus"
)

// Store is the persistence the accounts use cases need. Every method that
// changes state takes the events describing the change and writes them to
// the outbox in the same transaction, so state and events never disagree.
type Store interface {
	// CreateUser inserts a user with their organisation (when OrgName is set),
	// password hash, privacy state and first consents. ErrEmailTaken when the
	// email (case-insensitively) belongs to someone else.
	CreateUser(ctx context.Context, u User, passwordHash string, p Privacy, consents []Consent, events []bus.Event) error
	// UserByID returns a user or ErrNotFound.
	UserByID(ctx context.Context, id string) (User, error)
	// UsersByIDs returns the users that exist among ids.
	UsersByIDs(ctx context.Context, ids []string) ([]User, error)
	// Credentials returns the user with this email (case-insensitive) and
	// their password hash, or ErrNotFound.
	Credentials(ctx context.Context, email string) (User, string, error)
	// PasswordHash returns a user's password hash, or ErrNotFound.
	PasswordHash(ctx context.Context, userID string) (string, error)
	// UpdatePasswordHash stores a re-hashed password (stronger parameters).
	UpdatePasswordHash(ctx context.Context, userID, hash string) error
	// UpdateProfile stores a corrected name and email. ErrEmailTaken as above.
	UpdateProfile(ctx context.Context, u User, events []bus.Event) error
	// ReplacePassword stores a new hash, deletes every session of the user
	// and creates next in their place.
	ReplacePassword(ctx context.Context, userID, hash string, next Session, events []bus.Event) error
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// SessionByTokenHash returns the session with this token hash, alive
	// or not, with its user's principal data and privacy state, or
	// ErrNoSession.
	SessionByTokenHash(ctx context.Context, hash []byte) (Session, Principal, Privacy, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// DeleteSession ends the session with this token hash, if any.
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteDeadSessions removes sessions expired or idle at now.
	DeleteDeadSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error)
	// Privacy returns a user's privacy state and consent history, oldest
	// first, or ErrNotFound.
	Privacy(ctx context.Context, userID string) (Privacy, []Consent, error)
	// RecordConsents appends consents and stores the resulting state.
	RecordConsents(ctx context.Context, userID string, p Privacy, consents []Consent, events []bus.Event) error
}
