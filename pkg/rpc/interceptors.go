package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// panicError carries a recovered panic from the recovery interceptor to the
// logging interceptor. The client only ever sees its GRPCStatus, a bare
// codes.Internal, because a panic value can hold anything, including data
// the caller must not see; the value and stack go to the log.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// GRPCStatus is what gRPC sends to the client for this error.
func (e *panicError) GRPCStatus() *status.Status {
	return status.New(codes.Internal, "internal error")
}

// recoverPanic turns a handler's panic into an error, keeping the stack of
// the panicking goroutine (it runs inside the deferred recover).
func recoverPanic(_ context.Context, p any) error {
	return &panicError{value: p, stack: debug.Stack()}
}

func unaryLogging(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := handler(ctx, req)
		logRPC(ctx, log, info.FullMethod, start, err)
		return resp, err
	}
}

func streamLogging(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		start := time.Now()
		err := handler(srv, ss)
		logRPC(ss.Context(), log, info.FullMethod, start, err)
		return err
	}
}

// logRPC writes the single log line of an RPC. This is the edge: handlers
// return errors and do not log them themselves.
func logRPC(ctx context.Context, log *slog.Logger, method string, start time.Time, err error) {
	code := codeOf(err)
	level := levelOf(method, code)
	if !log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("method", method),
		slog.String("code", code.String()),
		slog.Duration("duration", time.Since(start)),
	)
	// The IDs are added here so that any logger gets them; the span is then
	// hidden from the handler so that a context-aware one (pkg/logging)
	// does not add the same keys a second time.
	logCtx := ctx
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		attrs = append(attrs, slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
		logCtx = trace.ContextWithSpanContext(ctx, trace.SpanContext{})
	}
	var pe *panicError
	switch {
	case err == nil:
	case errors.As(err, &pe):
		attrs = append(attrs, slog.String("panic", fmt.Sprint(pe.value)), slog.String("stack", string(pe.stack)))
	default:
		attrs = append(attrs, slog.String("err", status.Convert(err).Message()))
	}
	log.LogAttrs(logCtx, level, "grpc call", attrs...)
}

// codeOf is the code gRPC sends for err: the status it carries, or for a
// bare context error Canceled or DeadlineExceeded, or else Unknown.
func codeOf(err error) codes.Code {
	if s, ok := status.FromError(err); ok {
		return s.Code()
	}
	return status.FromContextError(err).Code()
}

// levelOf keeps successful calls out of the default log level (at a
// thousand calls a second a line each would cost more than the calls;
// metrics and traces count them), logs callers' mistakes at info, and
// raises the codes that mean the server, not the caller, is at fault.
func levelOf(_ string, code codes.Code) slog.Level {
	switch code {
	case codes.OK:
		return slog.LevelDebug
	case codes.Internal, codes.Unknown, codes.DataLoss, codes.Unimplemented:
		return slog.LevelError
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
		return slog.LevelWarn
	default:
		return slog.LevelInfo
	}
}
