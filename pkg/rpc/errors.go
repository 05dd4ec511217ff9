package rpc

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// FieldError is an InvalidArgument status naming the request field at
// fault with a stable code (the BadRequest detail's Reason), so the
// gateway can answer 422 with the field without parsing text.
func FieldError(field, code, msg string) error {
	st := status.New(codes.InvalidArgument, msg)
	if d, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{
		Field: field, Reason: code, Description: msg,
	}}}); err == nil {
		st = d
	}
	return st.Err()
}

// ReasonError is a status carrying an ErrorInfo with a stable reason, for
// refusals a caller maps to its own codes (413, 415, 402 ...).
func ReasonError(code codes.Code, domain, reason, msg string) error {
	st := status.New(code, msg)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: domain}); err == nil {
		st = d
	}
	return st.Err()
}

// ContextError maps a cancelled or timed-out context to its status; ok is
// false for any other error.
func ContextError(err error) (st error, ok bool) {
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "canceled"), true
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded"), true
	}
	return nil, false
}
