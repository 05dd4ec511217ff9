// Package events runs the evaluation service's consumers: scoring each
// submitted answer, and finishing interviews the candidate completed. Each
// handler writes in the consumer's transaction, so each event takes effect
// exactly once, and scoring work is shared by every replica.
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
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	"github.com/moksho/platform/services/evaluation/internal/app"
	"github.com/moksho/platform/services/evaluation/internal/store"
)

// Subjects consumed.
const (
	SubjectAnswerSubmitted    = "moksho.evaluation.answer.submitted"
	SubjectInterviewCompleted = "moksho.interviews.interview.completed"
)

// Consumers returns the service's durable consumers, ready to Run.
// concurrency is how many answers one replica scores at once.
func Consumers(pool *pgxpool.Pool, js jetstream.JetStream, svc *app.Service, log *slog.Logger, reg prometheus.Registerer, concurrency int) []*bus.Consumer {
	opts := bus.ConsumerOptions{Log: log, Registerer: reg}
	return []*bus.Consumer{
		bus.NewConsumer(pool, js, bus.ConsumerSpec{
			Service: "evaluation", Durable: "evaluation-score", Stream: "EVALUATION",
			FilterSubjects: []string{SubjectAnswerSubmitted}, Concurrency: concurrency,
		}, func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
			var m evaluationv1.AnswerSubmitted
			if err := e.Decode(&m); err != nil {
				return bus.Permanent(err)
			}
			return svc.ScoreAnswer(ctx, store.InTx(tx), m.GetAnswerId())
		}, opts),
		bus.NewConsumer(pool, js, bus.ConsumerSpec{
			Service: "evaluation", Durable: "evaluation-interviews", Stream: "INTERVIEWS",
			FilterSubjects: []string{SubjectInterviewCompleted},
		}, func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
			var m interviewsv1.InterviewCompleted
			if err := e.Decode(&m); err != nil {
				return bus.Permanent(err)
			}
			if m.GetQuestionCount() <= 0 {
				return bus.Permanent(fmt.Errorf("interview %s completed with %d questions", m.GetInterviewId(), m.GetQuestionCount()))
			}
			return svc.CompleteInterview(ctx, store.InTx(tx), app.Interview{
				ID: m.GetInterviewId(), UserID: m.GetUserId(), RoleID: m.GetRoleId(), InvitationID: m.GetInvitationId(),
				QuestionCount: int(m.GetQuestionCount()),
			})
		}, opts),
	}
}
