package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/moksho/platform/pkg/bus"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	"github.com/moksho/platform/services/evaluation/internal/delivery"
	"github.com/moksho/platform/services/evaluation/internal/media"
	"github.com/moksho/platform/services/evaluation/internal/score"
	"github.com/moksho/platform/services/evaluation/internal/transcribe"
)

// SubjectAnswerTranscribed is published when a transcript is ready.
const SubjectAnswerTranscribed = "moksho.evaluation.answer.transcribed"

// RecordingConfig bounds recordings and their transcription.
type RecordingConfig struct {
	MaxBytes    int64
	MaxDuration time.Duration
	// Attempts and Backoff bound how often an unavailable transcription
	// engine is tried before the answer fails (it can be queued again).
	Attempts int
	Backoff  time.Duration
	// URLTTL is how long a playback link works.
	URLTTL time.Duration
}

// Recordings holds what recorded answers need; nil disables them.
type Recordings struct {
	Media  MediaStore
	Engine transcribe.Engine
	Config RecordingConfig
}

// WithRecordings enables recorded answers.
func (s *Service) WithRecordings(r *Recordings) *Service {
	s.rec = r
	return s
}

// RecordingHeader says which question a recording answers.
type RecordingHeader struct {
	UserID, InterviewID, QuestionID, RoleID, InvitationID string
	Question                                              score.Question
	QuestionCount                                         int
	ContentType                                           string
}

// MediaKey is where a recording is kept: IDs only, the user's first so
// that erasure can remove a user's recordings by prefix.
func MediaKey(userID, answerID string) string { return "answers/" + userID + "/" + answerID }

// sniffBytes is how much of a recording is read to check what it is.
const sniffBytes = 4096

// SubmitRecording streams a recording into object storage and records the
// answer. Nothing is kept when the recording is refused, cut off, too large,
// or storage fails.
func (s *Service) SubmitRecording(ctx context.Context, h RecordingHeader, body io.Reader) (Answer, error) {
	if s.rec == nil {
		return Answer{}, &ValidationError{Field: "content_type", Code: "unsupported", Message: "recorded answers are not enabled here: type the answer instead"}
	}
	if err := s.store.CheckOpen(ctx, h.UserID, h.InterviewID); err != nil {
		return Answer{}, err
	}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Answer{}, fmt.Errorf("read recording: %w", err)
	}
	head = head[:n]
	if _, err := media.Sniff(head, h.ContentType); err != nil {
		return Answer{}, err
	}
	ct := baseType(h.ContentType)
	now := s.clock.Now()
	a := Answer{
		ID: uuid.Must(uuid.NewV7()).String(), UserID: h.UserID, InterviewID: h.InterviewID, QuestionID: h.QuestionID,
		Question: h.Question, Status: StatusReceived, CreatedAt: now, ExpiresAt: now.Add(Retention),
		Recorded: true, ContentType: ct, InvitationID: h.InvitationID,
	}
	a.MediaKey = MediaKey(h.UserID, a.ID)
	counted := &limitCounter{r: io.MultiReader(bytes.NewReader(head), body), limit: s.rec.Config.MaxBytes}
	if err := s.rec.Media.Put(ctx, a.MediaKey, counted, -1, ct); err != nil {
		switch {
		case counted.over:
			return Answer{}, ErrTooLarge
		case counted.readErr != nil:
			// The upload was cut off: nothing was stored.
			return Answer{}, fmt.Errorf("recording cut off: %w", counted.readErr)
		}
		return Answer{}, fmt.Errorf("%w: %v", ErrStorageUnavailable, err)
	}
	a.MediaBytes = counted.n
	iv := Interview{
		ID: h.InterviewID, UserID: h.UserID, RoleID: h.RoleID, InvitationID: h.InvitationID,
		QuestionCount: h.QuestionCount, CreatedAt: now, ExpiresAt: now.Add(Retention),
	}
	evt, err := s.event(ctx, SubjectAnswerSubmitted, h.UserID, &evaluationv1.AnswerSubmitted{
		AnswerId: a.ID, UserId: a.UserID, InterviewId: a.InterviewID, QuestionId: a.QuestionID, Recorded: true,
	})
	if err == nil {
		err = s.store.Submit(ctx, iv, a, []bus.Event{evt})
	}
	if err != nil {
		// The answer was not recorded: do not keep its recording either.
		_ = s.rec.Media.Delete(context.WithoutCancel(ctx), a.MediaKey)
		return Answer{}, err
	}
	return a, nil
}

// baseType is a content type without its parameters. Browsers send
// "video/webm;codecs=vp8,opus", whose unquoted comma mime.ParseMediaType
// refuses, so the parameters are cut off by hand.
func baseType(ct string) string {
	base, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

// limitCounter counts bytes read and stops past a limit, remembering why.
type limitCounter struct {
	r       io.Reader
	limit   int64
	n       int64
	over    bool
	readErr error
}

func (l *limitCounter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.limit > 0 && l.n > l.limit {
		l.over = true
		return n, errors.New("recording over the size limit")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		l.readErr = err
	}
	return n, err
}

// TranscribeAnswer turns a submitted recording into a transcript with its
// delivery signals (the answer.submitted handler for recordings). An
// unavailable engine is retried with backoff; past the attempts, or for a
// recording without speech or that cannot be read, the answer fails with a
// reason the candidate can act on (and a failed recording can be queued
// again). A recording replaced meanwhile is left alone.
func (s *Service) TranscribeAnswer(ctx context.Context, tx Tx, answerID string) error {
	if s.rec == nil {
		return errors.New("recorded answers are not enabled")
	}
	// Shown to the candidate at once, before the long work.
	if _, err := s.store.SetStatus(ctx, answerID, StatusReceived, StatusTranscribing); err != nil {
		return err
	}
	a, current, err := tx.LockAnswer(ctx, answerID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !current || a.Status != StatusTranscribing || !a.Recorded {
		return nil
	}
	tr, reason, err := s.transcribe(ctx, a)
	if err != nil {
		return err // storage trouble: let the consumer retry the whole job
	}
	if reason != "" {
		a.Status, a.FailureReason = StatusFailed, reason
		if err := tx.SaveTranscript(ctx, a); err != nil {
			return err
		}
		return s.finish(ctx, tx, a.InterviewID)
	}
	sig := delivery.Analyze(tr.Words, tr.Text)
	a.Transcript, a.MachineTranscript = strings.TrimSpace(tr.Text), ""
	a.Delivery = &score.Delivery{WordsPerMinute: sig.WordsPerMinute, FillerRate: sig.FillerRate, LongPauses: sig.LongPauses, TalkSeconds: sig.TalkSeconds}
	a.Status, a.FailureReason = StatusScoring, ""
	if err := tx.SaveTranscript(ctx, a); err != nil {
		return err
	}
	evt, err := s.event(ctx, SubjectAnswerTranscribed, a.UserID, &evaluationv1.AnswerTranscribed{
		AnswerId: a.ID, UserId: a.UserID, InterviewId: a.InterviewID, QuestionId: a.QuestionID,
		Engine: tr.Engine, Words: int32(len(tr.Words)),
	})
	if err != nil {
		return err
	}
	return tx.Publish(ctx, evt)
}

// transcribe returns a transcript, or a reason to fail the answer with, or
// an error worth retrying the job for.
func (s *Service) transcribe(ctx context.Context, a Answer) (transcribe.Transcript, string, error) {
	obj, _, err := s.rec.Media.Get(ctx, a.MediaKey)
	if err != nil {
		return transcribe.Transcript{}, "", fmt.Errorf("read recording: %w", err)
	}
	defer obj.Close()
	audio, err := media.Decode(ctx, obj, media.ContentTypes[a.ContentType], s.rec.Config.MaxDuration)
	var me *media.Error
	if errors.As(err, &me) {
		return transcribe.Transcript{}, me.Reason, nil
	}
	if err != nil {
		return transcribe.Transcript{}, "", fmt.Errorf("decode recording: %w", err)
	}
	if audio.Activity(time.Second).Silent {
		return transcribe.Transcript{}, "no speech was detected in the recording: check that the right microphone is selected and not muted, then record again", nil
	}
	wav := audio.WAV()
	wait := s.rec.Config.Backoff
	for attempt := 1; ; attempt++ {
		tr, err := s.rec.Engine.Transcribe(ctx, wav)
		switch {
		case err == nil && strings.TrimSpace(tr.Text) != "":
			return tr, "", nil
		case err == nil || errors.Is(err, transcribe.ErrNoSpeech):
			return transcribe.Transcript{}, "no words could be made out in the recording: speak closer to the microphone in a quiet place, then record again", nil
		case !errors.Is(err, transcribe.ErrUnavailable):
			return transcribe.Transcript{}, "", fmt.Errorf("transcribe: %w", err)
		case attempt >= s.rec.Config.Attempts:
			s.logWarn(ctx, "transcription engine unavailable; answer failed", err)
			return transcribe.Transcript{}, "transcription is unavailable right now; your recording is kept: try again in a few minutes (POST /api/v1/answers/{id}/retry)", nil
		}
		select {
		case <-ctx.Done():
			return transcribe.Transcript{}, "", ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// CorrectTranscript stores the candidate's correction beside the machine
// transcript and has the answer scored again. Practice interviews only,
// while the interview is in progress.
func (s *Service) CorrectTranscript(ctx context.Context, userID, answerID, text string) (Answer, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	switch {
	case text == "":
		return Answer{}, &ValidationError{Field: "text", Code: "empty", Message: "the corrected transcript is empty"}
	case !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxAnswerChars:
		return Answer{}, &ValidationError{Field: "text", Code: "invalid", Message: fmt.Sprintf("send UTF-8 text of at most %d characters", MaxAnswerChars)}
	}
	a, err := s.GetAnswer(ctx, userID, answerID)
	if err != nil {
		return Answer{}, err
	}
	if !a.Recorded || a.InvitationID != "" || (a.Status != StatusScored && a.Status != StatusScoring) {
		return Answer{}, ErrLocked
	}
	if err := s.store.CheckOpen(ctx, userID, a.InterviewID); err != nil {
		return Answer{}, err
	}
	if !a.TranscriptCorrected {
		a.MachineTranscript = a.Transcript
	}
	a.Transcript, a.TranscriptCorrected, a.Status = text, true, StatusScoring
	evt, err := s.event(ctx, SubjectAnswerTranscribed, a.UserID, &evaluationv1.AnswerTranscribed{
		AnswerId: a.ID, UserId: a.UserID, InterviewId: a.InterviewID, QuestionId: a.QuestionID, Corrected: true,
	})
	if err != nil {
		return Answer{}, err
	}
	if err := s.store.Correct(ctx, a, evt); err != nil {
		return Answer{}, err
	}
	return a, nil
}

// Retry queues a failed recording for transcription again.
func (s *Service) Retry(ctx context.Context, userID, answerID string) (Answer, error) {
	a, err := s.GetAnswer(ctx, userID, answerID)
	if err != nil {
		return Answer{}, err
	}
	if !a.Recorded || a.Status != StatusFailed {
		return Answer{}, ErrNotRetryable
	}
	if err := s.store.CheckOpen(ctx, userID, a.InterviewID); err != nil {
		return Answer{}, err
	}
	evt, err := s.event(ctx, SubjectAnswerSubmitted, a.UserID, &evaluationv1.AnswerSubmitted{
		AnswerId: a.ID, UserId: a.UserID, InterviewId: a.InterviewID, QuestionId: a.QuestionID, Recorded: true,
	})
	if err != nil {
		return Answer{}, err
	}
	if err := s.store.Requeue(ctx, a.ID, evt); err != nil {
		return Answer{}, err
	}
	a.Status, a.FailureReason = StatusReceived, ""
	return a, nil
}

// MediaURL returns a short-lived link to a recorded answer's recording.
func (s *Service) MediaURL(ctx context.Context, a Answer) string {
	if s.rec == nil || !a.Recorded || a.MediaKey == "" {
		return ""
	}
	u, err := s.rec.Media.PresignGet(ctx, a.MediaKey, s.rec.Config.URLTTL)
	if err != nil {
		s.logWarn(ctx, "presign recording", err)
		return ""
	}
	return u
}
