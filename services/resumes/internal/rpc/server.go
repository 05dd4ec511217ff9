// Package rpc serves the resumes use cases over gRPC. The upload arrives
// as a stream and is gathered in memory (bounded by the size limit); it is
// never written anywhere.
package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	prpc "github.com/moksho/platform/pkg/rpc"
	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
	"github.com/moksho/platform/services/resumes/internal/app"
	"github.com/moksho/platform/services/resumes/internal/assess"
	"github.com/moksho/platform/services/resumes/internal/extract"
)

// ErrorDomain is the ErrorInfo domain of this service's errors.
const ErrorDomain = "resumes.moksho.com"

// Reasons carried in ErrorInfo, for the gateway to choose the HTTP status.
const (
	ReasonTooLarge    = "RESUME_TOO_LARGE"
	ReasonUnsupported = "RESUME_UNSUPPORTED_TYPE"
	ReasonMismatch    = "RESUME_TYPE_MISMATCH"
	ReasonEmpty       = "RESUME_EMPTY"
	ReasonNoText      = "RESUME_NO_TEXT"
	ReasonEncrypted   = "RESUME_ENCRYPTED"
	ReasonMalformed   = "RESUME_MALFORMED"
	ReasonUnknownRole = "UNKNOWN_ROLE"
)

// Server implements resumesv1.ResumesServiceServer.
type Server struct {
	resumesv1.UnimplementedResumesServiceServer
	svc *app.Service
	log *slog.Logger
}

// NewServer returns the gRPC server.
func NewServer(svc *app.Service, log *slog.Logger) *Server { return &Server{svc: svc, log: log} }

// AssessResume implements resumesv1.ResumesServiceServer.
func (s *Server) AssessResume(stream grpc.ClientStreamingServer[resumesv1.AssessResumeRequest, resumesv1.AssessResumeResponse]) error {
	ctx := stream.Context()
	var header *resumesv1.AssessResumeHeader
	data := make([]byte, 0, 64<<10)
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch p := msg.GetPart().(type) {
		case *resumesv1.AssessResumeRequest_Header:
			header = p.Header
		case *resumesv1.AssessResumeRequest_Chunk:
			if len(data)+len(p.Chunk) > extract.MaxSize {
				return prpc.ReasonError(codes.InvalidArgument, ErrorDomain, ReasonTooLarge,
					fmt.Sprintf("the file is larger than %d MB: upload a shorter resume (two pages are plenty)", extract.MaxSize>>20))
			}
			data = append(data, p.Chunk...)
		}
	}
	if header == nil || header.GetUserId() == "" {
		return status.Error(codes.InvalidArgument, "the upload stream needs a header with the user ID")
	}
	a, err := s.svc.Assess(ctx, app.Upload{
		UserID: header.GetUserId(), Filename: header.GetFilename(), ContentType: header.GetContentType(),
		RoleID: header.GetTargetRole(), JobDescription: header.GetJobDescription(), Data: data,
	})
	clear(data) // the resume leaves memory as soon as we are done with it
	if err != nil {
		return s.toStatus(ctx, err)
	}
	return stream.SendAndClose(&resumesv1.AssessResumeResponse{Assessment: ToProto(a)})
}

// GetAssessment implements resumesv1.ResumesServiceServer.
func (s *Server) GetAssessment(ctx context.Context, req *resumesv1.GetAssessmentRequest) (*resumesv1.GetAssessmentResponse, error) {
	a, err := s.svc.Get(ctx, req.GetUserId(), req.GetAssessmentId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	return &resumesv1.GetAssessmentResponse{Assessment: ToProto(a)}, nil
}

// ListAssessments implements resumesv1.ResumesServiceServer.
func (s *Server) ListAssessments(ctx context.Context, req *resumesv1.ListAssessmentsRequest) (*resumesv1.ListAssessmentsResponse, error) {
	list, err := s.svc.List(ctx, req.GetUserId())
	if err != nil {
		return nil, s.toStatus(ctx, err)
	}
	out := &resumesv1.ListAssessmentsResponse{Assessments: make([]*resumesv1.Assessment, 0, len(list))}
	for _, a := range list {
		out.Assessments = append(out.Assessments, ToProto(a))
	}
	return out, nil
}

// ListSkills implements resumesv1.ResumesServiceServer.
func (s *Server) ListSkills(context.Context, *resumesv1.ListSkillsRequest) (*resumesv1.ListSkillsResponse, error) {
	all := s.svc.Taxonomy().All()
	out := &resumesv1.ListSkillsResponse{Skills: make([]*resumesv1.Skill, 0, len(all))}
	for _, sk := range all {
		out.Skills = append(out.Skills, &resumesv1.Skill{Name: sk.Name, Category: sk.Category})
	}
	return out, nil
}

var kindReasons = map[extract.Kind]string{
	extract.KindTooLarge: ReasonTooLarge, extract.KindUnsupported: ReasonUnsupported,
	extract.KindMismatch: ReasonMismatch, extract.KindEmpty: ReasonEmpty, extract.KindNoText: ReasonNoText,
	extract.KindEncrypted: ReasonEncrypted, extract.KindMalformed: ReasonMalformed,
}

func (s *Server) toStatus(ctx context.Context, err error) error {
	var xe *extract.Error
	var ve *app.ValidationError
	switch {
	case errors.As(err, &xe):
		r, ok := kindReasons[xe.Kind]
		if !ok {
			r = ReasonMalformed
		}
		return prpc.ReasonError(codes.InvalidArgument, ErrorDomain, r, xe.Reason)
	case errors.As(err, &ve):
		return prpc.FieldError(ve.Field, ve.Code, ve.Message)
	case errors.Is(err, app.ErrUnknownRole):
		st := status.New(codes.InvalidArgument, "unknown role: choose one of GET /api/v1/roles")
		if d, derr := st.WithDetails(
			&errdetails.ErrorInfo{Reason: ReasonUnknownRole, Domain: ErrorDomain},
			&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{
				Field: "target_role", Reason: "unknown_role", Description: "unknown role: choose one of GET /api/v1/roles",
			}}},
		); derr == nil {
			st = d
		}
		return st.Err()
	case errors.Is(err, app.ErrNotFound):
		return status.Error(codes.NotFound, "assessment not found")
	}
	if st, ok := prpc.ContextError(err); ok {
		return st
	}
	s.log.ErrorContext(ctx, "resumes request failed", "err", err)
	return status.Error(codes.Internal, "internal error")
}

// ToProto converts an assessment for the wire.
func ToProto(a app.Assessment) *resumesv1.Assessment {
	ex := a.Explanation
	out := &resumesv1.Assessment{
		Id: a.ID, UserId: a.UserID, TargetRole: a.RoleID, TargetRoleTitle: a.RoleTitle,
		FitScore: int32(a.FitScore), Skills: a.Skills, MissingSkills: a.MissingSkills,
		CreatedAt: timestamppb.New(a.CreatedAt), ExpiresAt: timestamppb.New(a.ExpiresAt),
		Explanation: &resumesv1.FitExplanation{
			RequiredFound: ex.RequiredFound, RequiredMissing: ex.RequiredMissing,
			NiceFound: ex.NiceFound, NiceMissing: ex.NiceMissing,
			YearsExperience: ex.YearsExperience, SenioritySignals: ex.SenioritySignals, TitleMatch: ex.TitleMatch,
		},
	}
	for _, c := range ex.Components {
		out.Explanation.Components = append(out.Explanation.Components, &resumesv1.ScoreComponent{
			Name: c.Name, Points: c.Points, MaxPoints: c.MaxPoints, Detail: c.Detail,
		})
	}
	if a.Coverage != nil {
		out.KeywordCoverage = &resumesv1.KeywordCoverage{
			Score: int32(a.Coverage.Score), Found: keywords(a.Coverage.Found), Missing: keywords(a.Coverage.Missing),
		}
	}
	for _, r := range a.Recommendations {
		out.Recommendations = append(out.Recommendations, &resumesv1.Recommendation{Kind: r.Kind, Message: r.Message, Quote: r.Quote})
	}
	return out
}

func keywords(ks []assess.Keyword) []*resumesv1.Keyword {
	out := make([]*resumesv1.Keyword, 0, len(ks))
	for _, k := range ks {
		out = append(out, &resumesv1.Keyword{Term: k.Term, Weight: k.Weight, Skill: k.Skill})
	}
	return out
}
