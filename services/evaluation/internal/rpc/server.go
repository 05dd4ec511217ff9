// Package rpc serves the evaluation use cases over gRPC.
package rpc

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	prpc "github.com/moksho/platform/pkg/rpc"
	evaluationv1 "github.com/moksho/platform/proto/moksho/evaluation/v1"
	"github.com/moksho/platform/services/evaluation/internal/app"
	"github.com/moksho/platform/services/evaluation/internal/media"
	"github.com/moksho/platform/services/evaluation/internal/score"
)

// Server implements evaluationv1.EvaluationServiceServer.
type Server struct {
	evaluationv1.UnimplementedEvaluationServiceServer
	svc *app.Service
	log *slog.Logger
}

// NewServer returns the gRPC server.
func NewServer(svc *app.Service, log *slog.Logger) *Server { return &Server{svc: svc, log: log} }

// SubmitAnswer implements evaluationv1.EvaluationServiceServer.
func (s *Server) SubmitAnswer(ctx context.Context, req *evaluationv1.SubmitAnswerRequest) (*evaluationv1.SubmitAnswerResponse, error) {
	q := req.GetQuestion()
	a, err := s.svc.SubmitText(ctx, app.TextAnswer{
		UserID: req.GetUserId(), InterviewID: req.GetInterviewId(), QuestionID: req.GetQuestionId(),
		RoleID: req.GetRoleId(), InvitationID: req.GetInvitationId(), QuestionCount: int(req.GetQuestionCount()),
		Question: score.Question{Text: q.GetText(), Kind: q.GetKind(), Competency: q.GetCompetency(), Skill: q.GetSkill(), TalkingPoints: q.GetTalkingPoints()},
		Text:     req.GetText(),
	})
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &evaluationv1.SubmitAnswerResponse{Answer: s.answerToProto(ctx, a)}, nil
}

// SubmitRecording implements evaluationv1.EvaluationServiceServer: the
// chunks are piped into object storage as they arrive.
func (s *Server) SubmitRecording(stream grpc.ClientStreamingServer[evaluationv1.SubmitRecordingRequest, evaluationv1.SubmitRecordingResponse]) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	h := first.GetHeader()
	if h == nil || h.GetUserId() == "" {
		return status.Error(codes.InvalidArgument, "the recording stream must start with a header")
	}
	pr, pw := io.Pipe()
	go func() {
		for {
			msg, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				pw.Close()
				return
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := pw.Write(msg.GetChunk()); err != nil {
				return // the reader gave up (refused or too large)
			}
		}
	}()
	q := h.GetQuestion()
	a, err := s.svc.SubmitRecording(ctx, app.RecordingHeader{
		UserID: h.GetUserId(), InterviewID: h.GetInterviewId(), QuestionID: h.GetQuestionId(), RoleID: h.GetRoleId(),
		InvitationID: h.GetInvitationId(), QuestionCount: int(h.GetQuestionCount()), ContentType: h.GetContentType(),
		Question: score.Question{Text: q.GetText(), Kind: q.GetKind(), Competency: q.GetCompetency(), Skill: q.GetSkill(), TalkingPoints: q.GetTalkingPoints()},
	}, pr)
	pr.CloseWithError(errors.New("done")) // stop the receiving goroutine
	if err != nil {
		return s.toStatus(ctx, err)
	}
	return stream.SendAndClose(&evaluationv1.SubmitRecordingResponse{Answer: s.answerToProto(ctx, a)})
}

// CorrectTranscript implements evaluationv1.EvaluationServiceServer.
func (s *Server) CorrectTranscript(ctx context.Context, req *evaluationv1.CorrectTranscriptRequest) (*evaluationv1.CorrectTranscriptResponse, error) {
	a, err := s.svc.CorrectTranscript(ctx, req.GetUserId(), req.GetAnswerId(), req.GetText())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &evaluationv1.CorrectTranscriptResponse{Answer: s.answerToProto(ctx, a)}, nil
}

// RetryAnswer implements evaluationv1.EvaluationServiceServer.
func (s *Server) RetryAnswer(ctx context.Context, req *evaluationv1.RetryAnswerRequest) (*evaluationv1.RetryAnswerResponse, error) {
	a, err := s.svc.Retry(ctx, req.GetUserId(), req.GetAnswerId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &evaluationv1.RetryAnswerResponse{Answer: s.answerToProto(ctx, a)}, nil
}

// GetAnswer implements evaluationv1.EvaluationServiceServer.
func (s *Server) GetAnswer(ctx context.Context, req *evaluationv1.GetAnswerRequest) (*evaluationv1.GetAnswerResponse, error) {
	a, err := s.svc.GetAnswer(ctx, req.GetUserId(), req.GetAnswerId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &evaluationv1.GetAnswerResponse{Answer: s.answerToProto(ctx, a)}, nil
}

// ErrorDomain is the ErrorInfo domain of this service's errors.
const ErrorDomain = "evaluation.moksho.com"

// Reasons carried in ErrorInfo, for the gateway's HTTP statuses.
const (
	ReasonMediaEmpty         = "MEDIA_EMPTY"
	ReasonMediaUnsupported   = "MEDIA_UNSUPPORTED_TYPE"
	ReasonMediaMismatch      = "MEDIA_TYPE_MISMATCH"
	ReasonMediaTooLarge      = "MEDIA_TOO_LARGE"
	ReasonStorageUnavailable = "STORAGE_UNAVAILABLE"
	ReasonTranscriptLocked   = "TRANSCRIPT_LOCKED"
)

func (s *Server) answerToProto(ctx context.Context, a app.Answer) *evaluationv1.Answer {
	out := AnswerToProto(a)
	out.MediaUrl = s.svc.MediaURL(ctx, a)
	return out
}

// ListResults implements evaluationv1.EvaluationServiceServer.
func (s *Server) ListResults(ctx context.Context, req *evaluationv1.ListResultsRequest) (*evaluationv1.ListResultsResponse, error) {
	list, err := s.svc.Results(ctx, req.GetUserId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	out := &evaluationv1.ListResultsResponse{Results: make([]*evaluationv1.Result, 0, len(list))}
	for _, r := range list {
		pr := &evaluationv1.Result{
			InterviewId: r.ID, RoleId: r.RoleID, BestAnswerId: r.BestAnswerID,
			Answered: int32(r.Answered), QuestionCount: int32(r.QuestionCount), ExpiresAt: timestamppb.New(r.ExpiresAt),
			Dimensions: dimensions(r.Dimensions),
		}
		if r.OverallScore != nil {
			pr.OverallScore = *r.OverallScore
		}
		if r.ScoredAt != nil {
			pr.ScoredAt = timestamppb.New(*r.ScoredAt)
		}
		out.Results = append(out.Results, pr)
	}
	return out, nil
}

func (s *Server) toStatus(ctx context.Context, err error) error {
	var ve *app.ValidationError
	var me *media.Error
	switch {
	case errors.As(err, &me):
		switch me.Kind {
		case media.KindEmpty:
			return prpc.ReasonError(codes.InvalidArgument, ErrorDomain, ReasonMediaEmpty, me.Reason)
		case media.KindMismatch:
			return prpc.ReasonError(codes.InvalidArgument, ErrorDomain, ReasonMediaMismatch, me.Reason)
		default:
			return prpc.ReasonError(codes.InvalidArgument, ErrorDomain, ReasonMediaUnsupported, me.Reason)
		}
	case errors.Is(err, app.ErrTooLarge):
		return prpc.ReasonError(codes.InvalidArgument, ErrorDomain, ReasonMediaTooLarge, "the recording is larger than the limit: keep answers to a few minutes")
	case errors.Is(err, app.ErrStorageUnavailable):
		s.log.WarnContext(ctx, "recording storage unavailable", "err", err)
		return prpc.ReasonError(codes.Unavailable, ErrorDomain, ReasonStorageUnavailable, "recordings cannot be stored right now: nothing was kept; try again shortly")
	case errors.Is(err, app.ErrLocked):
		return prpc.ReasonError(codes.FailedPrecondition, ErrorDomain, ReasonTranscriptLocked, "this transcript cannot be corrected: only a transcribed recording of a practice interview still in progress can")
	case errors.Is(err, app.ErrNotRetryable):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.As(err, &ve):
		return prpc.FieldError(ve.Field, ve.Code, ve.Message)
	case errors.Is(err, app.ErrFinished):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.Is(err, app.ErrNotFound):
		return status.Error(codes.NotFound, "not found")
	}
	if st, ok := prpc.ContextError(err); ok {
		return st
	}
	s.log.ErrorContext(ctx, "evaluation request failed", "err", err)
	return status.Error(codes.Internal, "internal error")
}

// AnswerToProto converts an answer for the wire.
func AnswerToProto(a app.Answer) *evaluationv1.Answer {
	out := &evaluationv1.Answer{
		Id: a.ID, UserId: a.UserID, InterviewId: a.InterviewID, QuestionId: a.QuestionID,
		Status: statusToProto(a.Status), Transcript: a.Transcript, Score: a.Score, Dimensions: dimensions(a.Dimensions),
		Feedback: a.Feedback, RubricVersion: a.RubricVersion, FailureReason: a.FailureReason, QuestionText: a.Question.Text,
		CreatedAt: timestamppb.New(a.CreatedAt), ExpiresAt: timestamppb.New(a.ExpiresAt),
	}
	if a.ScoredAt != nil {
		out.ScoredAt = timestamppb.New(*a.ScoredAt)
	}
	if a.Recorded {
		out.Recorded, out.ContentType, out.MediaBytes = true, a.ContentType, a.MediaBytes
		out.MachineTranscript, out.TranscriptCorrected = a.MachineTranscript, a.TranscriptCorrected
		out.TranscriptCorrectable = a.InvitationID == "" && (a.Status == app.StatusScored || a.Status == app.StatusScoring)
		if d := a.Delivery; d != nil {
			out.Delivery = &evaluationv1.Delivery{WordsPerMinute: d.WordsPerMinute, FillerRate: d.FillerRate,
				LongPauses: int32(d.LongPauses), TalkSeconds: d.TalkSeconds}
		}
	}
	return out
}

func dimensions(ds []score.Dimension) []*evaluationv1.Dimension {
	out := make([]*evaluationv1.Dimension, 0, len(ds))
	for _, d := range ds {
		out = append(out, &evaluationv1.Dimension{Name: d.Name, Score: d.Score, Feedback: d.Feedback})
	}
	return out
}

func statusToProto(s app.Status) evaluationv1.AnswerStatus {
	switch s {
	case app.StatusReceived:
		return evaluationv1.AnswerStatus_ANSWER_STATUS_RECEIVED
	case app.StatusTranscribing:
		return evaluationv1.AnswerStatus_ANSWER_STATUS_TRANSCRIBING
	case app.StatusScoring:
		return evaluationv1.AnswerStatus_ANSWER_STATUS_SCORING
	case app.StatusScored:
		return evaluationv1.AnswerStatus_ANSWER_STATUS_SCORED
	case app.StatusFailed:
		return evaluationv1.AnswerStatus_ANSWER_STATUS_FAILED
	}
	return evaluationv1.AnswerStatus_ANSWER_STATUS_UNSPECIFIED
}
