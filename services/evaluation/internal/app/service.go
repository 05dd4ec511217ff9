package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/clock"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	"github.com/moksho/platform/services/evaluation/internal/score"
)

// Event subjects this service publishes.
const (
	SubjectAnswerSubmitted = "moksho.evaluation.answer.submitted"
	SubjectAnswerScored    = "moksho.evaluation.answer.scored"
	SubjectInterviewScored = "moksho.evaluation.interview.scored"
)

// Service implements the use cases.
type Service struct {
	store Store
	clock clock.Clock
	log   *slog.Logger
	rec   *Recordings
	// Scorer scores one answer; the rubric by default, or the rubric
	// blended with a language-model judge.
	scorer func(ctx context.Context, q score.Question, a score.Answer) score.Result
}

// NewService wires the use cases with the rubric as the scorer.
func NewService(store Store, clk clock.Clock, log *slog.Logger) *Service {
	return &Service{store: store, clock: clk, log: log, scorer: func(_ context.Context, q score.Question, a score.Answer) score.Result {
		return score.Score(q, a)
	}}
}

func (s *Service) logWarn(ctx context.Context, msg string, err error) {
	if s.log != nil {
		s.log.WarnContext(ctx, msg, "err", err)
	}
}

// WithScorer replaces the scorer (the optional model judge uses it).
func (s *Service) WithScorer(f func(ctx context.Context, q score.Question, a score.Answer) score.Result) *Service {
	s.scorer = f
	return s
}

// TextAnswer is a typed answer to one question.
type TextAnswer struct {
	UserID, InterviewID, QuestionID, RoleID, InvitationID string
	Question                                              score.Question
	QuestionCount                                         int
	Text                                                  string
}

// SubmitText records a typed answer; it is scored asynchronously.
func (s *Service) SubmitText(ctx context.Context, in TextAnswer) (Answer, error) {
	text := strings.TrimSpace(strings.ReplaceAll(in.Text, "\r\n", "\n"))
	switch {
	case text == "":
		return Answer{}, &ValidationError{Field: "text", Code: "empty", Message: "the answer is empty: type your answer, or record it"}
	case !utf8.ValidString(text):
		return Answer{}, &ValidationError{Field: "text", Code: "invalid", Message: "the answer must be UTF-8 text"}
	case utf8.RuneCountInString(text) > MaxAnswerChars:
		return Answer{}, &ValidationError{Field: "text", Code: "too_long",
			Message: fmt.Sprintf("the answer is longer than %d characters: keep it to what you would say in a few minutes", MaxAnswerChars)}
	}
	now := s.clock.Now()
	iv := Interview{
		ID: in.InterviewID, UserID: in.UserID, RoleID: in.RoleID, InvitationID: in.InvitationID,
		QuestionCount: in.QuestionCount, CreatedAt: now, ExpiresAt: now.Add(Retention),
	}
	a := Answer{
		ID: uuid.Must(uuid.NewV7()).String(), UserID: in.UserID, InterviewID: in.InterviewID, QuestionID: in.QuestionID,
		Question: in.Question, Status: StatusReceived, Transcript: text, CreatedAt: now, ExpiresAt: now.Add(Retention),
	}
	evt, err := s.event(ctx, SubjectAnswerSubmitted, in.UserID, &evaluationv1.AnswerSubmitted{
		AnswerId: a.ID, UserId: a.UserID, InterviewId: a.InterviewID, QuestionId: a.QuestionID,
	})
	if err != nil {
		return Answer{}, err
	}
	if err := s.store.Submit(ctx, iv, a, []bus.Event{evt}); err != nil {
		return Answer{}, err
	}
	return a, nil
}

// GetAnswer returns one of the user's answers.
func (s *Service) GetAnswer(ctx context.Context, userID, id string) (Answer, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Answer{}, ErrNotFound
	}
	a, err := s.store.GetAnswer(ctx, userID, id)
	if err != nil {
		return Answer{}, err
	}
	if !a.ExpiresAt.After(s.clock.Now()) {
		return Answer{}, ErrNotFound
	}
	return a, nil
}

// Results returns the user's scored interviews within retention.
func (s *Service) Results(ctx context.Context, userID string) ([]Result, error) {
	return s.store.Results(ctx, userID, s.clock.Now())
}

// ScoreAnswer scores a submitted answer (the answer.submitted handler). An
// answer replaced meanwhile, or already scored, is left alone.
func (s *Service) ScoreAnswer(ctx context.Context, tx Tx, answerID string) error {
	a, current, err := tx.LockAnswer(ctx, answerID)
	if errors.Is(err, ErrNotFound) {
		return nil // erased or expired since it was submitted: nothing to score
	}
	if err != nil {
		return err
	}
	if !current || a.Status == StatusScored || a.Status == StatusFailed {
		return nil
	}
	if a.Recorded && a.Status != StatusScoring {
		return nil // a recording is scored once its transcript is ready
	}
	res := s.scorer(ctx, a.Question, score.Answer{Text: a.Transcript, Spoken: a.Recorded, Delivery: a.Delivery})
	now := s.clock.Now()
	a.Status, a.Score, a.Dimensions, a.Feedback, a.RubricVersion, a.ScoredAt = StatusScored, &res.Score, res.Dimensions, res.Feedback, res.RubricVersion, &now
	if err := tx.SaveScore(ctx, a); err != nil {
		return err
	}
	evt, err := s.event(ctx, SubjectAnswerScored, a.UserID, &evaluationv1.AnswerScored{
		AnswerId: a.ID, UserId: a.UserID, InterviewId: a.InterviewID, QuestionId: a.QuestionID,
		Score: res.Score, RubricVersion: res.RubricVersion,
	})
	if err != nil {
		return err
	}
	if err := tx.Publish(ctx, evt); err != nil {
		return err
	}
	return s.finish(ctx, tx, a.InterviewID)
}

// CompleteInterview records that the candidate finished (the
// interview.completed handler) and scores the interview if it can.
func (s *Service) CompleteInterview(ctx context.Context, tx Tx, iv Interview) error {
	now := s.clock.Now()
	iv.Completed, iv.CreatedAt, iv.ExpiresAt = true, now, now.Add(Retention)
	if err := tx.MarkCompleted(ctx, iv); err != nil {
		return err
	}
	return s.finish(ctx, tx, iv.ID)
}

// finish computes the overall score once nothing is pending and the
// interview is either finished or has a scored answer to every question.
// The overall score is the mean over the interview's questions, an
// unanswered question counting 0; the best answer is the highest scored
// (the earliest on ties).
func (s *Service) finish(ctx context.Context, tx Tx, interviewID string) error {
	iv, answers, err := tx.LockInterview(ctx, interviewID)
	if err != nil {
		return err
	}
	if iv.ScoredAt != nil {
		return nil
	}
	scored, sum, best := 0, 0.0, -1.0
	for _, a := range answers {
		if a.Status != StatusScored && a.Status != StatusFailed {
			return nil // an answer is still on its way
		}
		if a.Score != nil {
			scored++
			sum += *a.Score
			if *a.Score > best {
				best, iv.BestAnswerID = *a.Score, a.ID
			}
		}
	}
	if !iv.Completed && scored < iv.QuestionCount {
		return nil
	}
	overall := 0.0
	if iv.QuestionCount > 0 {
		overall = math.Round(sum/float64(iv.QuestionCount)*10) / 10
	}
	now := s.clock.Now()
	iv.OverallScore, iv.Answered, iv.ScoredAt, iv.Completed = &overall, scored, &now, true
	if err := tx.SaveInterviewScore(ctx, iv); err != nil {
		return err
	}
	evt, err := s.event(ctx, SubjectInterviewScored, iv.UserID, &evaluationv1.InterviewScored{
		InterviewId: iv.ID, UserId: iv.UserID, RoleId: iv.RoleID, InvitationId: iv.InvitationID,
		OverallScore: overall, BestAnswerId: iv.BestAnswerID, Answered: int32(scored), QuestionCount: int32(iv.QuestionCount),
	})
	if err != nil {
		return err
	}
	return tx.Publish(ctx, evt)
}

func (s *Service) event(ctx context.Context, subject, userID string, msg proto.Message) (bus.Event, error) {
	e, err := bus.NewEvent(ctx, subject, userID, msg)
	if err != nil {
		return bus.Event{}, fmt.Errorf("build %s event: %w", subject, err)
	}
	e.OccurredAt = s.clock.Now()
	return e, nil
}
