// Package app holds the resumes use cases: assess an uploaded resume
// against a role and keep only what is derived from it, then read those
// assessments back. The file and its text live in memory for the length of
// one call.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
	"github.com/moksho/platform/services/resumes/internal/assess"
	"github.com/moksho/platform/services/resumes/internal/extract"
	"github.com/moksho/platform/services/resumes/internal/redact"
	"github.com/moksho/platform/services/resumes/internal/skills"
)

// SubjectResumeAssessed is the subject of the event every assessment emits.
const SubjectResumeAssessed = "moksho.resumes.resume.assessed"

// Retention is how long an assessment is kept (the policy's 90 days for
// assessment scores).
const Retention = 90 * 24 * time.Hour

// MaxJobDescription bounds the job description text, in characters.
const MaxJobDescription = 20000

// Assessment is what is stored of one resume: derived data only.
type Assessment struct {
	ID, UserID, RoleID, RoleTitle string
	assess.Result
	CreatedAt, ExpiresAt time.Time
}

// Upload is one resume to assess.
type Upload struct {
	UserID         string
	Filename       string
	ContentType    string
	RoleID         string
	JobDescription string
	Data           []byte
}

// Errors the rpc layer maps to statuses.
var (
	ErrNotFound    = errors.New("assessment not found")
	ErrUnknownRole = errors.New("unknown role")
)

// ValidationError is input a user can fix.
type ValidationError struct{ Field, Code, Message string }

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// RoleSource resolves a role ID to the role (the interviews service owns
// the catalog). It returns ErrUnknownRole for an ID it does not know.
type RoleSource interface {
	Role(ctx context.Context, id string) (assess.Role, error)
}

// Store keeps assessments and writes their events in the same transaction.
type Store interface {
	Save(ctx context.Context, a Assessment, events []bus.Event) error
	Get(ctx context.Context, userID, id string) (Assessment, error)
	List(ctx context.Context, userID string, now time.Time) ([]Assessment, error)
}

// Advisor optionally adds recommendations from a language model. It is
// given the redacted text only.
type Advisor interface {
	Advise(ctx context.Context, redacted string, role assess.Role, existing []assess.Recommendation) ([]assess.Recommendation, error)
}

// Service implements the use cases.
type Service struct {
	store    Store
	roles    RoleSource
	taxonomy *skills.Taxonomy
	clock    clock.Clock
	log      *slog.Logger
	advisor  Advisor
	// advisorTimeout bounds the optional model call; past it the built-in
	// recommendations stand alone.
	advisorTimeout time.Duration
}

// NewService wires the use cases.
func NewService(store Store, roles RoleSource, tax *skills.Taxonomy, clk clock.Clock, log *slog.Logger) *Service {
	return &Service{store: store, roles: roles, taxonomy: tax, clock: clk, log: log}
}

// WithAdvisor enables the optional model-written recommendations.
func (s *Service) WithAdvisor(a Advisor, timeout time.Duration) *Service {
	s.advisor, s.advisorTimeout = a, timeout
	return s
}

// Taxonomy returns the skills taxonomy in use.
func (s *Service) Taxonomy() *skills.Taxonomy { return s.taxonomy }

// Assess extracts, analyses and stores one resume's assessment. Input
// errors come back as *extract.Error (what is wrong with the file),
// *ValidationError or ErrUnknownRole; nothing is stored then.
func (s *Service) Assess(ctx context.Context, up Upload) (Assessment, error) {
	roleID := strings.TrimSpace(up.RoleID)
	if roleID == "" {
		return Assessment{}, &ValidationError{Field: "target_role", Code: "required",
			Message: "choose the role to assess the resume against (GET /api/v1/roles lists them)"}
	}
	if utf8.RuneCountInString(up.JobDescription) > MaxJobDescription {
		return Assessment{}, &ValidationError{Field: "job_description", Code: "too_long",
			Message: fmt.Sprintf("the job description may be at most %d characters", MaxJobDescription)}
	}
	if !utf8.ValidString(up.JobDescription) {
		return Assessment{}, &ValidationError{Field: "job_description", Code: "invalid", Message: "the job description must be UTF-8 text"}
	}
	role, err := s.roles.Role(ctx, roleID)
	if err != nil {
		return Assessment{}, err
	}
	doc, err := extract.Extract(up.Data, up.Filename, up.ContentType)
	if err != nil {
		return Assessment{}, err
	}
	red, redacted := safeRedact(doc.Text)
	scrub := red.Scrub
	if !redacted {
		// Without a working redactor nothing quoted from the resume may be
		// kept, and no model may see it.
		scrub = func(string) string { return "" }
	}
	now := s.clock.Now()
	res := assess.Assess(s.taxonomy, assess.Input{
		Text: doc.Text, Pages: doc.Pages, Role: role, JobDescription: up.JobDescription,
		Scrub: scrub, Now: now,
	})
	if s.advisor != nil && redacted {
		actx, cancel := context.WithTimeout(ctx, s.advisorTimeout)
		extra, err := s.advisor.Advise(actx, red.Text, role, res.Recommendations)
		cancel()
		if err != nil {
			s.log.WarnContext(ctx, "model advice unavailable; built-in recommendations only", "err", err)
		}
		res.Recommendations = append(res.Recommendations, extra...)
	}
	a := Assessment{
		ID: uuid.Must(uuid.NewV7()).String(), UserID: up.UserID, RoleID: role.ID, RoleTitle: role.Title,
		Result: res, CreatedAt: now, ExpiresAt: now.Add(Retention),
	}
	evt, err := bus.NewEvent(ctx, SubjectResumeAssessed, up.UserID, &resumesv1.ResumeAssessed{
		UserId: up.UserID, AssessmentId: a.ID, RoleId: role.ID,
		Skills: res.Skills, MissingSkills: res.MissingSkills, FitScore: int32(res.FitScore),
	})
	if err != nil {
		return Assessment{}, fmt.Errorf("build event: %w", err)
	}
	evt.OccurredAt = now
	if err := s.store.Save(ctx, a, []bus.Event{evt}); err != nil {
		return Assessment{}, err
	}
	return a, nil
}

// safeRedact runs the redactor, reporting false if it could not run.
func safeRedact(text string) (res redact.Result, ok bool) {
	defer func() {
		if recover() != nil {
			res, ok = redact.Result{}, false
		}
	}()
	return redact.Redact(text), true
}

// Get returns one of the user's assessments.
func (s *Service) Get(ctx context.Context, userID, id string) (Assessment, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Assessment{}, ErrNotFound
	}
	a, err := s.store.Get(ctx, userID, id)
	if err != nil {
		return Assessment{}, err
	}
	if !a.ExpiresAt.After(s.clock.Now()) {
		return Assessment{}, ErrNotFound
	}
	return a, nil
}

// List returns the user's assessments still within retention, newest first.
func (s *Service) List(ctx context.Context, userID string) ([]Assessment, error) {
	return s.store.List(ctx, userID, s.clock.Now())
}
