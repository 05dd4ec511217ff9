// Package logging builds the JSON slog loggers every service uses, with the
// fields operators search by (service, trace_id, user_id) and a last line of
// defence against personal data: attributes whose key names a personal or
// secret field, and any value that looks like an email address, are masked
// before they are written.
package logging

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// Redacted replaces a masked value in the output.
const Redacted = "[redacted]"

// sensitiveKeys are attribute keys whose values are never logged, whatever
// their content: personal data and credentials.
var sensitiveKeys = map[string]bool{
	"email": true, "name": true, "full_name": true, "password": true,
	"token": true, "session_token": true, "cookie": true, "authorization": true,
	"secret": true, "phone": true, "address": true, "resume_text": true,
	"text": true, "transcript": true,
}

var emailLike = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// New returns a JSON logger writing to w at level, tagged with service.
func New(w io.Writer, service string, level slog.Leveler) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level:       level,
		ReplaceAttr: replace,
	})
	return slog.New(&contextHandler{Handler: h}).With("service", service)
}

// ParseLevel turns "debug", "info", "warn" or "error" into a level, defaulting
// to info for anything else.
func ParseLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

func replace(_ []string, a slog.Attr) slog.Attr {
	if sensitiveKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, Redacted)
	}
	if a.Value.Kind() == slog.KindString {
		if s := a.Value.String(); strings.Contains(s, "@") {
			return slog.String(a.Key, emailLike.ReplaceAllString(s, Redacted))
		}
	}
	if a.Value.Kind() == slog.KindAny {
		if err, ok := a.Value.Any().(error); ok {
			if s := err.Error(); strings.Contains(s, "@") {
				return slog.String(a.Key, emailLike.ReplaceAllString(s, Redacted))
			}
		}
	}
	return a
}

type userIDKey struct{}

// WithUserID returns a context whose log records carry user_id. Only the ID:
// a user's name or email never goes into a log.
func WithUserID(ctx context.Context, userID string) context.Context {
	return context.WithValue(ctx, userIDKey{}, userID)
}

// UserID returns the user ID stored by WithUserID, or "".
func UserID(ctx context.Context) string {
	id, _ := ctx.Value(userIDKey{}).(string)
	return id
}

// contextHandler adds trace and user IDs found in the record's context.
type contextHandler struct {
	slog.Handler
}

func (h *contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	if id := UserID(ctx); id != "" {
		r.AddAttrs(slog.String("user_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &contextHandler{Handler: h.Handler.WithAttrs(attrs)}
}

func (h *contextHandler) WithGroup(name string) slog.Handler {
	return &contextHandler{Handler: h.Handler.WithGroup(name)}
}

// Discard is a logger that writes nothing, for tests that do not read logs.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
