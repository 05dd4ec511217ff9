package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/moksho/platform/pkg/rpc"
)

func TestFieldError(t *testing.T) {
	st := status.Convert(rpc.FieldError("email", "invalid_email", "enter an email"))
	if st.Code() != codes.InvalidArgument || st.Message() != "enter an email" {
		t.Fatalf("status %v", st)
	}
	br, ok := st.Details()[0].(*errdetails.BadRequest)
	if !ok || br.GetFieldViolations()[0].GetField() != "email" || br.GetFieldViolations()[0].GetReason() != "invalid_email" {
		t.Fatalf("details %v", st.Details())
	}
}

func TestReasonError(t *testing.T) {
	st := status.Convert(rpc.ReasonError(codes.FailedPrecondition, "x.moksho.com", "NOPE", "no"))
	info, ok := st.Details()[0].(*errdetails.ErrorInfo)
	if st.Code() != codes.FailedPrecondition || !ok || info.GetReason() != "NOPE" || info.GetDomain() != "x.moksho.com" {
		t.Fatalf("status %v", st)
	}
}

func TestContextError(t *testing.T) {
	for err, want := range map[error]codes.Code{
		context.Canceled: codes.Canceled,
		fmt.Errorf("query: %w", context.DeadlineExceeded): codes.DeadlineExceeded,
	} {
		st, ok := rpc.ContextError(err)
		if !ok || status.Code(st) != want {
			t.Errorf("%v: %v %v", err, st, ok)
		}
	}
	if _, ok := rpc.ContextError(errors.New("boom")); ok {
		t.Error("an ordinary error mapped as a context error")
	}
}
