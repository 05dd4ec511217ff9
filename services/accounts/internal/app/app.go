// Package app holds the accounts domain: users, sessions, consents and the
// rules around them (who may register, how sessions expire, what a consent
// change means). It knows nothing of SQL, NATS or gRPC: it talks to its
// storage through the Store port and receives time through a clock.
package app

import (
	"errors"
	"fmt"
	"time"
)

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleCandidate Role = "candidate"
	RoleRecruiter Role = "recruiter"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleCandidate || r == RoleRecruiter || r == RoleAdmin
}

// User is an account holder. Only this service stores Email and Name.
type User struct {
	ID        string
	Email     string
	Name      string
	Role      Role
	OrgID     string
	OrgName   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ConsentKind names one consent.
type ConsentKind string

// Consent kinds.
const (
	// ConsentPrivacyPolicy is acceptance (granted) or withdrawal of the
	// policy: consent to process the user's data at all.
	ConsentPrivacyPolicy ConsentKind = "privacy_policy"
	// ConsentRecruiterVisibility is the opt-in to recruiter search.
	ConsentRecruiterVisibility ConsentKind = "recruiter_visibility"
	// ConsentDoNotSellOrShare is the CCPA opt-out (granted = opted out).
	ConsentDoNotSellOrShare ConsentKind = "do_not_sell_or_share"
)

// Consent is one entry of a user's append-only consent history.
type Consent struct {
	ID            string
	UserID        string
	Kind          ConsentKind
	Granted       bool
	PolicyVersion string
	PolicySHA256  string
	FullTextShown bool
	OccurredAt    time.Time
}

// Privacy is a user's current consent state, kept beside the user so that
// authenticating a request needs no history scan.
type Privacy struct {
	RecruiterVisible      bool
	DoNotSellOrShare      bool
	AcceptedPolicyVersion string
	ConsentWithdrawn      bool
}

// PolicyCurrent reports whether the user may be processed under the policy
// whose version is current: accepted and not withdrawn since.
func (p Privacy) PolicyCurrent(current string) bool {
	return !p.ConsentWithdrawn && p.AcceptedPolicyVersion == current
}

// SharedWithRecruiters reports whether recruiters may find the user: only
// with the opt-in, without the do-not-sell-or-share opt-out, and while
// consent to processing stands. (UpdatePrivacy keeps the opt-in off under
// the opt-out; the check here holds even for older rows.)
func (p Privacy) SharedWithRecruiters() bool {
	return p.RecruiterVisible && !p.DoNotSellOrShare && !p.ConsentWithdrawn
}

// Session is a signed-in browser. Only the SHA-256 of its token is stored.
type Session struct {
	ID         string
	UserID     string
	TokenHash  []byte
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// Principal is who a live session belongs to.
type Principal struct {
	UserID        string
	Role          Role
	OrgID         string
	SessionID     string
	PolicyCurrent bool
	// User is the full profile, read with the session.
	User User
}

// Sentinel errors; the rpc layer maps them to status codes.
var (
	ErrNotFound = errors.New("not found")
	// ErrEmailTaken is returned when another account has the email.
	ErrEmailTaken = errors.New("email already registered")
	// ErrBadCredentials is the one answer for unknown email or wrong
	// password, so neither can be told apart.
	ErrBadCredentials = errors.New("invalid email or password")
	// ErrNoSession is returned for unknown, expired or ended sessions.
	ErrNoSession = errors.New("no valid session")
)

// ValidationError is bad input a user can fix; Field names the request
// field (as in the gRPC request) and Code is stable for clients.
type ValidationError struct {
	Field   string
	Code    string
	Message string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

func invalid(field, code, msg string) error {
	return &ValidationError{Field: field, Code: code, Message: msg}
}
