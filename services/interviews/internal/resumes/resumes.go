// Package resumes reads a candidate's assessment from the resumes service
// when the interviews service's own projection of resume.assessed events
// has not caught up (the candidate can start an interview within
// milliseconds of the assessment).
package resumes

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	resumesv1 "github.com/moksho/platform/proto/moksho/resumes/v1"
	"github.com/moksho/platform/services/interviews/internal/app"
)

// Client implements app.ResumeSource over gRPC.
type Client struct {
	api resumesv1.ResumesServiceClient
}

var _ app.ResumeSource = Client{}

// New returns a client of the resumes service.
func New(api resumesv1.ResumesServiceClient) Client { return Client{api: api} }

// Assessment implements app.ResumeSource.
func (c Client) Assessment(ctx context.Context, userID, assessmentID string) (app.ResumeSkills, error) {
	res, err := c.api.GetAssessment(ctx, &resumesv1.GetAssessmentRequest{UserId: userID, AssessmentId: assessmentID})
	if status.Code(err) == codes.NotFound {
		return app.ResumeSkills{}, app.ErrUnknownAssessment
	}
	if err != nil {
		return app.ResumeSkills{}, fmt.Errorf("get assessment: %w", err)
	}
	a := res.GetAssessment()
	return app.ResumeSkills{
		AssessmentID: a.GetId(), UserID: a.GetUserId(), RoleID: a.GetTargetRole(),
		Skills: a.GetSkills(), Missing: a.GetMissingSkills(),
	}, nil
}
