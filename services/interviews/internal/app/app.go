// Package app holds the interviews use cases: create an interview from a
// role (and optionally a resume assessment or the candidate's own
// questions), read it, finish it, and keep it in step with the answers and
// scores the evaluation service reports.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/services/interviews/internal/catalog"
	"github.com/moksho/platform/services/interviews/internal/questions"
)

// Status is where an interview stands.
type Status string

// Statuses.
const (
	StatusInProgress Status = "in_progress"
	StatusCompleted  Status = "completed"
	StatusScored     Status = "scored"
)

// Retention is how long an interview and its results are kept.
const Retention = 90 * 24 * time.Hour

// Limits on candidate-supplied questions.
const (
	MaxCustomQuestions = 20
	MaxQuestionChars   = 1000
)

// Question is one question of an interview, with its latest answer.
type Question struct {
	ID       string
	Position int
	questions.Question
	AnswerID    string
	AnswerScore *float64
}

// Interview is a practice or invited interview.
type Interview struct {
	ID, UserID, RoleID         string
	AssessmentID, InvitationID string
	Status                     Status
	Questions                  []Question
	OverallScore               *float64
	BestAnswerID               string
	CreatedAt                  time.Time
	CompletedAt, ScoredAt      *time.Time
	ExpiresAt                  time.Time
}

// ResumeSkills is what an assessment says about a resume.
type ResumeSkills struct {
	AssessmentID, UserID, RoleID string
	Skills, Missing              []string
}

// Errors mapped to statuses by the rpc layer.
var (
	ErrNotFound           = errors.New("interview not found")
	ErrUnknownRole        = errors.New("unknown role")
	ErrUnknownAssessment  = errors.New("unknown assessment")
	ErrEntitlementMissing = errors.New("no entitlement to start an interview")
	ErrFinished           = errors.New("the interview is finished")
)

// ValidationError is input a user can fix.
type ValidationError struct{ Field, Code, Message string }

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// Store keeps interviews; every change writes its events in the same
// transaction.
type Store interface {
	Create(ctx context.Context, iv Interview, events []bus.Event) error
	Get(ctx context.Context, userID, id string) (Interview, error)
	List(ctx context.Context, userID string, now time.Time) ([]Interview, error)
	// AskedBankIDs returns the bank questions the user was already asked.
	AskedBankIDs(ctx context.Context, userID string) (map[string]bool, error)
	// Complete marks an in-progress interview completed (no-op otherwise)
	// and reports whether it changed.
	Complete(ctx context.Context, userID, id string, at time.Time, events func(Interview) ([]bus.Event, error)) (Interview, bool, error)
	// Resume projection, from resume.assessed events.
	ResumeSkills(ctx context.Context, userID, assessmentID string) (ResumeSkills, error)
}

// Tx is what event handlers do inside the consumer's transaction.
type Tx interface {
	SaveResumeSkills(ctx context.Context, r ResumeSkills, at time.Time) error
	RecordAnswer(ctx context.Context, interviewID, questionID, answerID string, score float64) error
	RecordScore(ctx context.Context, interviewID string, overall float64, bestAnswerID string, at time.Time) error
}

// ResumeSource reads an assessment from the resumes service when the
// projection has not caught up yet (the event may still be on its way).
type ResumeSource interface {
	Assessment(ctx context.Context, userID, assessmentID string) (ResumeSkills, error)
}

// Entitlements says whether a user may start an interview now. Until the
// payments service exists, FreeTier allows every practice interview.
type Entitlements interface {
	CanStartInterview(ctx context.Context, userID string) (bool, error)
}

// FreeTier is the entitlement policy without payments: practice is free.
type FreeTier struct{}

// CanStartInterview implements Entitlements.
func (FreeTier) CanStartInterview(context.Context, string) (bool, error) { return true, nil }

// Generator makes an interview's questions; an optional model-backed one
// falls back to the bank on any failure.
type Generator interface {
	Generate(ctx context.Context, req questions.Request) []questions.Question
}

// Catalog is the role catalog.
type Catalog interface {
	Get(id string) (catalog.Role, bool)
}
