// Package rpc serves the interviews service over gRPC.
package rpc

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	"github.com/moksho/platform/services/interviews/internal/catalog"
)

// Server implements interviewsv1.InterviewsServiceServer.
type Server struct {
	interviewsv1.UnimplementedInterviewsServiceServer
	catalog *catalog.Catalog
}

// NewServer serves the given catalog.
func NewServer(c *catalog.Catalog) *Server { return &Server{catalog: c} }

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
