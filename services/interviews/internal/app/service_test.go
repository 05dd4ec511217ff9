package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/moksho/platform/pkg/clock"
	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/pg/pgtest"
	interviewsv1 "github.com/moksho/platform/proto/moksho/interviews/v1"
	"github.com/moksho/platform/services/interviews/internal/app"
	"github.com/moksho/platform/services/interviews/internal/catalog"
	"github.com/moksho/platform/services/interviews/internal/generate"
	"github.com/moksho/platform/services/interviews/internal/questions"
	"github.com/moksho/platform/services/interviews/internal/rpc"
	"github.com/moksho/platform/services/interviews/internal/store"
)

type deny struct{}

func (deny) CanStartInterview(context.Context, string) (bool, error) { return false, nil }

// resumes stands in for the resumes service's gRPC answer when the
// projection has not caught up.
type resumes map[string]app.ResumeSkills

func (r resumes) Assessment(_ context.Context, userID, id string) (app.ResumeSkills, error) {
	if rs, ok := r[id]; ok && rs.UserID == userID {
		return rs, nil
	}
	return app.ResumeSkills{}, app.ErrUnknownAssessment
}

const user = "01a21900-0000-7000-8000-000000000001"

func service(t *testing.T, ent app.Entitlements, rs app.ResumeSource) (*app.Service, *store.Store) {
	t.Helper()
	pool := pgtest.NewPool(t, store.Migrations()...)
	st := store.New(pool)
	clk := clock.NewFake(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
	return app.NewService(st, catalog.Default(), generate.Bank{Bank: questions.DefaultBank()}, rs, ent, clk), st
}

func TestNoEntitlementMeansPaymentRequiredAndNothingStored(t *testing.T) {
	svc, st := service(t, deny{}, nil)
	ctx := context.Background()
	_, err := svc.Create(ctx, app.CreateInput{UserID: user, RoleID: "backend-engineer"})
	if !errors.Is(err, app.ErrEntitlementMissing) {
		t.Fatalf("err = %v", err)
	}
	if list, _ := st.List(ctx, user, time.Now()); len(list) != 0 {
		t.Fatalf("stored %d interviews", len(list))
	}
	// Over gRPC it is FAILED_PRECONDITION with the reason the gateway turns
	// into 402.
	_, err = rpc.NewServer(catalog.Default(), svc, logging.Discard()).CreateInterview(ctx, &interviewsv1.CreateInterviewRequest{UserId: user, RoleId: "backend-engineer"})
	st2 := status.Convert(err)
	reason := ""
	for _, d := range st2.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = info.GetReason()
		}
	}
	if st2.Code() != codes.FailedPrecondition || reason != rpc.ReasonEntitlementRequired {
		t.Fatalf("status %v reason %q", st2.Code(), reason)
	}
}

func TestResumeSkillsComeFromTheServiceWhenNotProjectedYet(t *testing.T) {
	const assessment = "01a21900-0000-7000-8000-0000000000aa"
	svc, _ := service(t, app.FreeTier{}, resumes{assessment: {AssessmentID: assessment, UserID: user, RoleID: "backend-engineer", Skills: []string{"Go", "Kafka"}}})
	ctx := context.Background()
	iv, err := svc.Create(ctx, app.CreateInput{UserID: user, RoleID: "backend-engineer", AssessmentID: assessment})
	if err != nil {
		t.Fatal(err)
	}
	if iv.AssessmentID != assessment {
		t.Fatalf("assessment %q", iv.AssessmentID)
	}
	grounded := false
	for _, q := range iv.Questions {
		grounded = grounded || q.Kind == questions.KindResume
	}
	if !grounded {
		t.Fatalf("no resume question: %+v", iv.Questions)
	}
	// Someone else's assessment is unknown.
	if _, err := svc.Create(ctx, app.CreateInput{UserID: "01a21900-0000-7000-8000-000000000002", RoleID: "backend-engineer", AssessmentID: assessment}); !errors.Is(err, app.ErrUnknownAssessment) {
		t.Fatalf("err = %v", err)
	}
}

func TestCompleteIsIdempotent(t *testing.T) {
	svc, _ := service(t, app.FreeTier{}, nil)
	ctx := context.Background()
	iv, err := svc.Create(ctx, app.CreateInput{UserID: user, RoleID: "qa-engineer"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		done, err := svc.Complete(ctx, user, iv.ID)
		if err != nil || done.Status != app.StatusCompleted || done.CompletedAt == nil {
			t.Fatalf("complete: %+v %v", done, err)
		}
	}
	if _, err := svc.Complete(ctx, "01a21900-0000-7000-8000-000000000009", iv.ID); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("someone else completing: %v", err)
	}
}

func TestCustomQuestionsAreValidated(t *testing.T) {
	svc, _ := service(t, app.FreeTier{}, nil)
	ctx := context.Background()
	long := make([]byte, app.MaxQuestionChars+1)
	for i := range long {
		long[i] = 'a'
	}
	many := make([]string, app.MaxCustomQuestions+1)
	for i := range many {
		many[i] = "Why?"
	}
	for name, qs := range map[string][]string{"empty": {"ok?", " "}, "too long": {string(long)}, "too many": many} {
		var ve *app.ValidationError
		if _, err := svc.Create(ctx, app.CreateInput{UserID: user, RoleID: "qa-engineer", CustomQuestions: qs}); !errors.As(err, &ve) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
