// Package app holds the evaluation use cases: record an answer, score it
// (asynchronously, from the answer.submitted event), and once every answer
// of a finished or fully answered interview is scored, compute the
// interview's overall score and best answer.
package app

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/moksho/platform/pkg/blob"
	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/services/evaluation/internal/score"
)

// Status is where an answer stands.
type Status string

// Statuses, in the order an answer goes through them.
const (
	StatusReceived     Status = "received"
	StatusTranscribing Status = "transcribing"
	StatusScoring      Status = "scoring"
	StatusScored       Status = "scored"
	StatusFailed       Status = "failed"
)

// Retention is how long answers and results are kept.
const Retention = 90 * 24 * time.Hour

// MaxAnswerChars bounds a typed answer (about 20 minutes of speech).
const MaxAnswerChars = 20000

// Answer is one answer to one question.
type Answer struct {
	ID, UserID, InterviewID, QuestionID string
	Question                            score.Question
	Status                              Status
	Transcript                          string
	Score                               *float64
	Dimensions                          []score.Dimension
	Feedback                            string
	RubricVersion                       string
	FailureReason                       string
	CreatedAt                           time.Time
	ScoredAt                            *time.Time
	ExpiresAt                           time.Time

	// Recorded answers only: where the recording is, what it is, what the
	// engine heard (kept when the candidate corrects it) and how it was
	// spoken.
	Recorded            bool
	ContentType         string
	MediaKey            string
	MediaBytes          int64
	MachineTranscript   string
	TranscriptCorrected bool
	Delivery            *score.Delivery
	// InvitationID is set when the interview was a recruiter's: its
	// transcripts are locked.
	InvitationID string
}

// Interview is what evaluation knows of an interview: enough to tell when
// it is fully scored.
type Interview struct {
	ID, UserID, RoleID, InvitationID string
	QuestionCount                    int
	Completed                        bool
	OverallScore                     *float64
	BestAnswerID                     string
	Answered                         int
	ScoredAt                         *time.Time
	CreatedAt, ExpiresAt             time.Time
}

// Result is a scored interview as the candidate's results page shows it.
type Result struct {
	Interview
	Dimensions []score.Dimension // averages over the interview's answers
}

// Errors mapped to statuses by the rpc layer.
var (
	ErrNotFound = errors.New("not found")
	ErrFinished = errors.New("the interview is finished: its answers can no longer change")
	// ErrTooLarge: the recording is over the size limit; nothing was kept.
	ErrTooLarge = errors.New("recording too large")
	// ErrStorageUnavailable: object storage failed; nothing was recorded.
	ErrStorageUnavailable = errors.New("recording storage unavailable")
	// ErrLocked: the transcript cannot be corrected (an invited interview,
	// or the answer is not a transcribed recording).
	ErrLocked = errors.New("transcript locked")
	// ErrNotRetryable: only failed recordings can be queued again.
	ErrNotRetryable = errors.New("only a failed recording can be queued again")
)

// ValidationError is input a user can fix.
type ValidationError struct{ Field, Code, Message string }

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// MediaStore keeps recordings (object storage). Keys carry IDs only.
type MediaStore interface {
	Put(ctx context.Context, key string, body io.Reader, size int64, contentType string) error
	Get(ctx context.Context, key string) (io.ReadCloser, blob.ObjectInfo, error)
	Delete(ctx context.Context, key string) error
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
}

// Store keeps answers and interviews.
type Store interface {
	// CheckOpen returns ErrNotFound when the interview is someone else's
	// and ErrFinished when it is finished; an interview evaluation has not
	// seen yet is open.
	CheckOpen(ctx context.Context, userID, interviewID string) error
	// SetStatus moves an answer from one status to another, committed at
	// once (so clients see "transcribing"); false when it was not in from.
	SetStatus(ctx context.Context, id string, from, to Status) (bool, error)
	// Correct stores a corrected transcript (and the machine one beside
	// it) with its event.
	Correct(ctx context.Context, a Answer, evt bus.Event) error
	// Requeue puts a failed answer back to received with its event.
	Requeue(ctx context.Context, id string, evt bus.Event) error
	// Submit records a new answer, superseding an earlier one to the same
	// question, with its events. ErrFinished when the interview is.
	Submit(ctx context.Context, iv Interview, a Answer, events []bus.Event) error
	GetAnswer(ctx context.Context, userID, id string) (Answer, error)
	Results(ctx context.Context, userID string, now time.Time) ([]Result, error)
}

// Tx is what event handlers do inside the consumer's transaction.
type Tx interface {
	// LockAnswer returns the answer, locked, and whether it is still the
	// current one for its question.
	LockAnswer(ctx context.Context, id string) (Answer, bool, error)
	SaveScore(ctx context.Context, a Answer) error
	// SaveTranscript stores a transcript (machine or corrected), the
	// delivery signals and the new status.
	SaveTranscript(ctx context.Context, a Answer) error
	// MarkCompleted records that the interview is finished, creating the
	// row when no answer was ever submitted.
	MarkCompleted(ctx context.Context, iv Interview) error
	// LockInterview returns the interview, locked, with its current
	// answers.
	LockInterview(ctx context.Context, id string) (Interview, []Answer, error)
	SaveInterviewScore(ctx context.Context, iv Interview) error
	Publish(ctx context.Context, events ...bus.Event) error
}
