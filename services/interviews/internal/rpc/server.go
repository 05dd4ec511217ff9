// Package rpc serves the interviews service over gRPC.
package rpc

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	prpc "github.com/moksho/platform/pkg/rpc"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	"github.com/moksho/platform/services/interviews/internal/app"
	"github.com/moksho/platform/services/interviews/internal/catalog"
)

// Server implements interviewsv1.InterviewsServiceServer.
type Server struct {
	interviewsv1.UnimplementedInterviewsServiceServer
	catalog *catalog.Catalog
	svc     *app.Service
	log     *slog.Logger
}

// NewServer serves the catalog and the interview use cases.
func NewServer(c *catalog.Catalog, svc *app.Service, log *slog.Logger) *Server {
	return &Server{catalog: c, svc: svc, log: log}
}

// ErrorDomain is the ErrorInfo domain of this service's errors.
const ErrorDomain = "interviews.moksho.com"

// Reasons carried in ErrorInfo.
const (
	ReasonEntitlementRequired = "ENTITLEMENT_REQUIRED"
	ReasonInterviewFinished   = "INTERVIEW_FINISHED"
)

// CreateInterview implements interviewsv1.InterviewsServiceServer.
func (s *Server) CreateInterview(ctx context.Context, req *interviewsv1.CreateInterviewRequest) (*interviewsv1.CreateInterviewResponse, error) {
	iv, err := s.svc.Create(ctx, app.CreateInput{
		UserID: req.GetUserId(), RoleID: req.GetRoleId(), AssessmentID: req.GetAssessmentId(),
		InvitationID: req.GetInvitationId(), CustomQuestions: req.GetCustomQuestions(),
	})
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &interviewsv1.CreateInterviewResponse{Interview: InterviewToProto(iv)}, nil
}

// GetInterview implements interviewsv1.InterviewsServiceServer.
func (s *Server) GetInterview(ctx context.Context, req *interviewsv1.GetInterviewRequest) (*interviewsv1.GetInterviewResponse, error) {
	iv, err := s.svc.Get(ctx, req.GetUserId(), req.GetInterviewId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &interviewsv1.GetInterviewResponse{Interview: InterviewToProto(iv)}, nil
}

// ListInterviews implements interviewsv1.InterviewsServiceServer.
func (s *Server) ListInterviews(ctx context.Context, req *interviewsv1.ListInterviewsRequest) (*interviewsv1.ListInterviewsResponse, error) {
	list, err := s.svc.List(ctx, req.GetUserId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	out := &interviewsv1.ListInterviewsResponse{Interviews: make([]*interviewsv1.Interview, 0, len(list))}
	for _, iv := range list {
		out.Interviews = append(out.Interviews, InterviewToProto(iv))
	}
	return out, nil
}

// CompleteInterview implements interviewsv1.InterviewsServiceServer.
func (s *Server) CompleteInterview(ctx context.Context, req *interviewsv1.CompleteInterviewRequest) (*interviewsv1.CompleteInterviewResponse, error) {
	iv, err := s.svc.Complete(ctx, req.GetUserId(), req.GetInterviewId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &interviewsv1.CompleteInterviewResponse{Interview: InterviewToProto(iv)}, nil
}

func (s *Server) toStatus(ctx context.Context, err error) error {
	var ve *app.ValidationError
	switch {
	case errors.As(err, &ve):
		return prpc.FieldError(ve.Field, ve.Code, ve.Message)
	case errors.Is(err, app.ErrUnknownRole):
		return prpc.FieldError("role_id", "unknown_role", "unknown role: choose one of GET /api/v1/roles")
	case errors.Is(err, app.ErrUnknownAssessment):
		return prpc.FieldError("assessment_id", "unknown_assessment", "no resume assessment of yours has this ID")
	case errors.Is(err, app.ErrEntitlementMissing):
		return prpc.ReasonError(codes.FailedPrecondition, ErrorDomain, ReasonEntitlementRequired, "your plan does not include another interview now: see GET /api/v1/plans")
	case errors.Is(err, app.ErrNotFound):
		return status.Error(codes.NotFound, "interview not found")
	}
	if st, ok := prpc.ContextError(err); ok {
		return st
	}
	s.log.ErrorContext(ctx, "interviews request failed", "err", err)
	return status.Error(codes.Internal, "internal error")
}

// InterviewToProto converts an interview for the wire.
func InterviewToProto(iv app.Interview) *interviewsv1.Interview {
	out := &interviewsv1.Interview{
		Id: iv.ID, UserId: iv.UserID, RoleId: iv.RoleID, AssessmentId: iv.AssessmentID, InvitationId: iv.InvitationID,
		Status: statusToProto(iv.Status), OverallScore: iv.OverallScore, BestAnswerId: iv.BestAnswerID,
		CreatedAt: timestamppb.New(iv.CreatedAt), ExpiresAt: timestamppb.New(iv.ExpiresAt),
	}
	if iv.CompletedAt != nil {
		out.CompletedAt = timestamppb.New(*iv.CompletedAt)
	}
	if iv.ScoredAt != nil {
		out.ScoredAt = timestamppb.New(*iv.ScoredAt)
	}
	for _, q := range iv.Questions {
		out.Questions = append(out.Questions, &interviewsv1.Question{
			Id: q.ID, Position: int32(q.Position), Text: q.Text, Kind: q.Kind, Competency: q.Competency,
			Skill: q.Skill, Difficulty: int32(q.Difficulty), TalkingPoints: q.TalkingPoints,
			AnswerId: q.AnswerID, AnswerScore: q.AnswerScore,
		})
	}
	return out
}

func statusToProto(s app.Status) interviewsv1.InterviewStatus {
	switch s {
	case app.StatusInProgress:
		return interviewsv1.InterviewStatus_INTERVIEW_STATUS_IN_PROGRESS
	case app.StatusCompleted:
		return interviewsv1.InterviewStatus_INTERVIEW_STATUS_COMPLETED
	case app.StatusScored:
		return interviewsv1.InterviewStatus_INTERVIEW_STATUS_SCORED
	}
	return interviewsv1.InterviewStatus_INTERVIEW_STATUS_UNSPECIFIED
}

// ListRoles implements interviewsv1.InterviewsServiceServer.
func (s *Server) ListRoles(context.Context, *interviewsv1.ListRolesRequest) (*interviewsv1.ListRolesResponse, error) {
	roles := s.catalog.All()
	out := &interviewsv1.ListRolesResponse{Roles: make([]*interviewsv1.Role, 0, len(roles))}
	for _, r := range roles {
		out.Roles = append(out.Roles, roleToProto(r))
	}
	return out, nil
}

// GetRole implements interviewsv1.InterviewsServiceServer.
func (s *Server) GetRole(_ context.Context, req *interviewsv1.GetRoleRequest) (*interviewsv1.GetRoleResponse, error) {
	r, ok := s.catalog.Get(req.GetRoleId())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no role %q in the catalog", req.GetRoleId())
	}
	return &interviewsv1.GetRoleResponse{Role: roleToProto(r)}, nil
}

func roleToProto(r catalog.Role) *interviewsv1.Role {
	return &interviewsv1.Role{
		Id: r.ID, Title: r.Title, Summary: r.Summary, Family: r.Family,
		RequiredSkills: r.Required, NiceToHaveSkills: r.NiceToHave,
		Competencies: r.Competencies, TitleAliases: r.TitleAliases,
	}
}
