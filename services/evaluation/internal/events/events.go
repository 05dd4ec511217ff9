// Package events runs the evaluation service's consumers: scoring each
// submitted answer, and finishing interviews the candidate completed. Each
// handler writes in the consumer's transaction, so each event takes effect
// exactly once, and scoring work is shared by every replica.
package events

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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
	SubjectAnswerTranscribed  = "moksho.evaluation.answer.transcribed"
	SubjectInterviewCompleted = "moksho.interviews.interview.completed"
)

// Options tune the consumers.
type Options struct {
	// ScoreConcurrency is how many answers one replica scores at once.
	ScoreConcurrency int
	// TranscribeConcurrency is how many recordings one replica
	// transcribes at once (each runs an engine process).
	TranscribeConcurrency int
	// TranscribeAckWait is how long a transcription may run before the
	// job is considered lost (progress is reported meanwhile).
	TranscribeAckWait time.Duration
}

// Consumers returns the service's durable consumers, ready to Run.
// concurrency is how many answers one replica scores at once.
func Consumers(pool *pgxpool.Pool, js jetstream.JetStream, svc *app.Service, log *slog.Logger, reg prometheus.Registerer, o Options) []*bus.Consumer {
	opts := bus.ConsumerOptions{Log: log, Registerer: reg}
	return []*bus.Consumer{
		// Typed answers are scored when submitted, recordings when their
		// transcript is ready.
		bus.NewConsumer(pool, js, bus.ConsumerSpec{
			Service: "evaluation", Durable: "evaluation-score", Stream: "EVALUATION",
			FilterSubjects: []string{SubjectAnswerSubmitted, SubjectAnswerTranscribed}, Concurrency: o.ScoreConcurrency,
		}, func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
			switch e.Subject {
			case SubjectAnswerSubmitted:
				var m evaluationv1.AnswerSubmitted
				if err := e.Decode(&m); err != nil {
					return bus.Permanent(err)
				}
				if m.GetRecorded() {
					return nil
				}
				return svc.ScoreAnswer(ctx, store.InTx(tx), m.GetAnswerId())
			default:
				var m evaluationv1.AnswerTranscribed
				if err := e.Decode(&m); err != nil {
					return bus.Permanent(err)
				}
				return svc.ScoreAnswer(ctx, store.InTx(tx), m.GetAnswerId())
			}
		}, opts),
		// Transcription is JetStream work: any replica takes a recording;
		// a replica that dies mid-job leaves it to be redelivered.
		bus.NewConsumer(pool, js, bus.ConsumerSpec{
			Service: "evaluation", Durable: "evaluation-transcribe", Stream: "EVALUATION",
			FilterSubjects: []string{SubjectAnswerSubmitted}, Concurrency: o.TranscribeConcurrency,
			AckWait: o.TranscribeAckWait,
		}, func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
			var m evaluationv1.AnswerSubmitted
			if err := e.Decode(&m); err != nil {
				return bus.Permanent(err)
			}
			if !m.GetRecorded() {
				return nil
			}
			return svc.TranscribeAnswer(ctx, store.InTx(tx), m.GetAnswerId())
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
