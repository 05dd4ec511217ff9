package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	"github.com/moksho/platform/services/interviews/internal/questions"
)

// Event subjects this service publishes.
const (
	SubjectInterviewCreated   = "moksho.interviews.interview.created"
	SubjectInterviewCompleted = "moksho.interviews.interview.completed"
)

// DefaultQuestions is an interview's length unless the candidate brings
// their own questions.
const DefaultQuestions = 5

// Service implements the use cases.
type Service struct {
	store        Store
	catalog      Catalog
	generator    Generator
	resumes      ResumeSource
	entitlements Entitlements
	clock        clock.Clock
}

// NewService wires the use cases.
func NewService(store Store, cat Catalog, gen Generator, resumes ResumeSource, ent Entitlements, clk clock.Clock) *Service {
	return &Service{store: store, catalog: cat, generator: gen, resumes: resumes, entitlements: ent, clock: clk}
}

// CreateInput is what a candidate asks for.
type CreateInput struct {
	UserID, RoleID, AssessmentID, InvitationID string
	CustomQuestions                            []string
}

// Create starts an interview.
func (s *Service) Create(ctx context.Context, in CreateInput) (Interview, error) {
	role, ok := s.catalog.Get(strings.TrimSpace(in.RoleID))
	if !ok {
		if strings.TrimSpace(in.RoleID) == "" {
			return Interview{}, &ValidationError{Field: "role_id", Code: "required", Message: "choose a role (GET /api/v1/roles lists them)"}
		}
		return Interview{}, ErrUnknownRole
	}
	custom, err := cleanCustom(in.CustomQuestions)
	if err != nil {
		return Interview{}, err
	}
	allowed, err := s.entitlements.CanStartInterview(ctx, in.UserID)
	if err != nil {
		return Interview{}, fmt.Errorf("check entitlement: %w", err)
	}
	if !allowed {
		return Interview{}, ErrEntitlementMissing
	}

	var qs []questions.Question
	var assessmentID string
	if len(custom) > 0 {
		qs = questions.Custom(custom)
	} else {
		req := questions.Request{Role: role, Count: DefaultQuestions}
		if id := strings.TrimSpace(in.AssessmentID); id != "" {
			rs, err := s.resumeSkills(ctx, in.UserID, id)
			if err != nil {
				return Interview{}, err
			}
			assessmentID = rs.AssessmentID
			req.ResumeSkills = rs.Skills
			have := map[string]bool{}
			for _, sk := range rs.Skills {
				have[sk] = true
			}
			for _, sk := range role.Required {
				if !have[sk] {
					req.MissingSkills = append(req.MissingSkills, sk)
				}
			}
		}
		if req.Asked, err = s.store.AskedBankIDs(ctx, in.UserID); err != nil {
			return Interview{}, err
		}
		qs = s.generator.Generate(ctx, req)
	}

	now := s.clock.Now()
	iv := Interview{
		ID: newID(), UserID: in.UserID, RoleID: role.ID, AssessmentID: assessmentID,
		InvitationID: strings.TrimSpace(in.InvitationID), Status: StatusInProgress,
		CreatedAt: now, ExpiresAt: now.Add(Retention),
	}
	ids := make([]string, 0, len(qs))
	for i, q := range qs {
		iv.Questions = append(iv.Questions, Question{ID: newID(), Position: i + 1, Question: q})
		ids = append(ids, iv.Questions[i].ID)
	}
	evt, err := s.event(ctx, SubjectInterviewCreated, iv.UserID, &interviewsv1.InterviewCreated{
		InterviewId: iv.ID, UserId: iv.UserID, RoleId: iv.RoleID, InvitationId: iv.InvitationID, QuestionIds: ids,
	})
	if err != nil {
		return Interview{}, err
	}
	if err := s.store.Create(ctx, iv, []bus.Event{evt}); err != nil {
		return Interview{}, err
	}
	return iv, nil
}

func cleanCustom(in []string) ([]string, error) {
	if len(in) > MaxCustomQuestions {
		return nil, &ValidationError{Field: "custom_questions", Code: "too_many",
			Message: fmt.Sprintf("bring at most %d questions", MaxCustomQuestions)}
	}
	out := make([]string, 0, len(in))
	for i, q := range in {
		switch { // kept verbatim: only checked, never rewritten
		case strings.TrimSpace(q) == "":
			return nil, &ValidationError{Field: "custom_questions", Code: "empty", Message: fmt.Sprintf("question %d is empty", i+1)}
		case utf8.RuneCountInString(q) > MaxQuestionChars:
			return nil, &ValidationError{Field: "custom_questions", Code: "too_long",
				Message: fmt.Sprintf("question %d is longer than %d characters", i+1, MaxQuestionChars)}
		case !utf8.ValidString(q):
			return nil, &ValidationError{Field: "custom_questions", Code: "invalid", Message: fmt.Sprintf("question %d is not UTF-8 text", i+1)}
		}
		out = append(out, q)
	}
	return out, nil
}

// resumeSkills reads the user's assessment from the projection, or from
// the resumes service when its event has not arrived yet.
func (s *Service) resumeSkills(ctx context.Context, userID, id string) (ResumeSkills, error) {
	if _, err := uuid.Parse(id); err != nil {
		return ResumeSkills{}, ErrUnknownAssessment
	}
	rs, err := s.store.ResumeSkills(ctx, userID, id)
	if err == nil {
		return rs, nil
	}
	if !errors.Is(err, ErrUnknownAssessment) {
		return ResumeSkills{}, err
	}
	if s.resumes == nil {
		return ResumeSkills{}, ErrUnknownAssessment
	}
	return s.resumes.Assessment(ctx, userID, id)
}

// Get returns one of the user's interviews.
func (s *Service) Get(ctx context.Context, userID, id string) (Interview, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Interview{}, ErrNotFound
	}
	iv, err := s.store.Get(ctx, userID, id)
	if err != nil {
		return Interview{}, err
	}
	if !iv.ExpiresAt.After(s.clock.Now()) {
		return Interview{}, ErrNotFound
	}
	return iv, nil
}

// List returns the user's interviews within retention, newest first.
func (s *Service) List(ctx context.Context, userID string) ([]Interview, error) {
	return s.store.List(ctx, userID, s.clock.Now())
}

// Complete finishes an interview now. Completing a finished interview
// changes nothing and is not an error.
func (s *Service) Complete(ctx context.Context, userID, id string) (Interview, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Interview{}, ErrNotFound
	}
	iv, _, err := s.store.Complete(ctx, userID, id, s.clock.Now(), func(iv Interview) ([]bus.Event, error) {
		evt, err := s.event(ctx, SubjectInterviewCompleted, iv.UserID, &interviewsv1.InterviewCompleted{
			InterviewId: iv.ID, UserId: iv.UserID, RoleId: iv.RoleID, InvitationId: iv.InvitationID,
			QuestionCount: int32(len(iv.Questions)),
		})
		return []bus.Event{evt}, err
	})
	return iv, err
}

func (s *Service) event(ctx context.Context, subject, userID string, msg proto.Message) (bus.Event, error) {
	e, err := bus.NewEvent(ctx, subject, userID, msg)
	if err != nil {
		return bus.Event{}, fmt.Errorf("build %s event: %w", subject, err)
	}
	e.OccurredAt = s.clock.Now()
	return e, nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }
