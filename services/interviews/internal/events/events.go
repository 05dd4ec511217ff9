// Package events keeps the interviews service in step with other
// services' events: resume assessments (to ground questions in a resume),
// and answers and scores from evaluation (to show them on the interview).
// Each handler writes in the consumer's transaction, so each event takes
// effect exactly once.
package events

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/moksho/platform/pkg/bus"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
	"github.com/moksho/platform/services/interviews/internal/app"
	"github.com/moksho/platform/services/interviews/internal/store"
)

// Subjects consumed.
const (
	SubjectResumeAssessed  = "moksho.resumes.resume.assessed"
	SubjectAnswerScored    = "moksho.evaluation.answer.scored"
	SubjectInterviewScored = "moksho.evaluation.interview.scored"
	service                = "interviews"
	durableResumes         = "interviews-resumes"
	durableEvaluation      = "interviews-evaluation"
	streamResumes          = "RESUMES"
	streamEvaluation       = "EVALUATION"
)

// Consumers returns the service's durable consumers, ready to Run.
func Consumers(pool *pgxpool.Pool, js jetstream.JetStream, log *slog.Logger, reg prometheus.Registerer) []*bus.Consumer {
	opts := bus.ConsumerOptions{Log: log, Registerer: reg}
	return []*bus.Consumer{
		bus.NewConsumer(pool, js, bus.ConsumerSpec{
			Service: service, Durable: durableResumes, Stream: streamResumes,
			FilterSubjects: []string{SubjectResumeAssessed},
		}, onResumeAssessed, opts),
		// One consumer for both evaluation subjects keeps an interview's
		// answers and its final score in the order they happened.
		bus.NewConsumer(pool, js, bus.ConsumerSpec{
			Service: service, Durable: durableEvaluation, Stream: streamEvaluation,
			FilterSubjects: []string{SubjectAnswerScored, SubjectInterviewScored},
		}, onEvaluation, opts),
	}
}

func onResumeAssessed(ctx context.Context, tx pgx.Tx, e bus.Event) error {
	var m resumesv1.ResumeAssessed
	if err := e.Decode(&m); err != nil {
		return bus.Permanent(err)
	}
	return store.InTx(tx).SaveResumeSkills(ctx, app.ResumeSkills{
		AssessmentID: m.GetAssessmentId(), UserID: m.GetUserId(), RoleID: m.GetRoleId(),
		Skills: m.GetSkills(), Missing: m.GetMissingSkills(),
	}, e.OccurredAt)
}

func onEvaluation(ctx context.Context, tx pgx.Tx, e bus.Event) error {
	switch e.Subject {
	case SubjectAnswerScored:
		var m evaluationv1.AnswerScored
		if err := e.Decode(&m); err != nil {
			return bus.Permanent(err)
		}
		return store.InTx(tx).RecordAnswer(ctx, m.GetInterviewId(), m.GetQuestionId(), m.GetAnswerId(), m.GetScore())
	case SubjectInterviewScored:
		var m evaluationv1.InterviewScored
		if err := e.Decode(&m); err != nil {
			return bus.Permanent(err)
		}
		return store.InTx(tx).RecordScore(ctx, m.GetInterviewId(), m.GetOverallScore(), m.GetBestAnswerId(), e.OccurredAt)
	}
	return bus.Permanent(fmt.Errorf("unexpected subject %s", e.Subject))
}
