package bus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/logging"
)

// spanContext returns ctx carrying a sampled span, as an instrumented
// request handler would have.
func spanContext(t *testing.T) (context.Context, trace.SpanContext) {
	t.Helper()
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	return trace.ContextWithSpanContext(context.Background(), sc), sc
}

func TestNewEventFillsTheEnvelope(t *testing.T) {
	ctx, sc := spanContext(t)
	before := time.Now()
	e, err := bus.NewEvent(ctx, "moksho.accounts.user.registered", "user-1", wrapperspb.String("hello"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := uuid.Parse(e.ID)
	if err != nil || id.Version() != 7 {
		t.Errorf("ID %q is not a UUIDv7 (err %v)", e.ID, err)
	}
	if e.Type != "google.protobuf.StringValue" {
		t.Errorf("Type = %q", e.Type)
	}
	if e.OccurredAt.Location() != time.UTC || e.OccurredAt.Before(before.Add(-time.Millisecond)) || e.OccurredAt.After(time.Now()) {
		t.Errorf("OccurredAt = %v", e.OccurredAt)
	}
	want := fmt.Sprintf("00-%s-%s-01", sc.TraceID(), sc.SpanID())
	if e.TraceParent != want {
		t.Errorf("TraceParent = %q, want %q", e.TraceParent, want)
	}
	var got wrapperspb.StringValue
	if err := e.Decode(&got); err != nil || got.GetValue() != "hello" {
		t.Errorf("Decode = %v, %q", err, got.GetValue())
	}

	noSpan, err := bus.NewEvent(context.Background(), "moksho.accounts.user.registered", "", wrapperspb.String(""))
	if err != nil {
		t.Fatal(err)
	}
	if noSpan.TraceParent != "" || noSpan.UserID != "" || noSpan.Payload == nil {
		t.Errorf("event without span or user: %+v", noSpan)
	}
	if noSpan.ID == e.ID {
		t.Error("two events share an ID")
	}
}

func TestNewEventRejectsBadSubjects(t *testing.T) {
	for _, s := range []string{
		"", "moksho", "moksho.accounts.user", "accounts.user.registered.now",
		"moksho.accounts.*.registered", "moksho.accounts.user.>", "moksho..user.registered",
		"moksho.accounts.user registered.x",
	} {
		if _, err := bus.NewEvent(context.Background(), s, "", wrapperspb.String("x")); err == nil {
			t.Errorf("subject %q accepted", s)
		}
	}
	if _, err := bus.NewEvent(context.Background(), "moksho.a.b.c", "bad\r\nid", wrapperspb.String("x")); err == nil {
		t.Error("user id with a line break accepted")
	}
}

func TestDecodeRefusesAnotherTypeAsPermanent(t *testing.T) {
	e, err := bus.NewEvent(context.Background(), "moksho.a.b.c", "", wrapperspb.String("x"))
	if err != nil {
		t.Fatal(err)
	}
	var s structpb.Struct
	err = e.Decode(&s)
	if err == nil || !bus.IsPermanent(err) || !strings.Contains(err.Error(), "google.protobuf.StringValue") {
		t.Errorf("Decode into another type: %v (permanent %v)", err, bus.IsPermanent(err))
	}
	e.Payload = []byte{0xff, 0xff, 0xff}
	var v wrapperspb.StringValue
	if err := e.Decode(&v); err == nil || !bus.IsPermanent(err) {
		t.Errorf("Decode of garbage: %v", err)
	}
}

func TestHeadersRoundTripInMemory(t *testing.T) {
	ctx, _ := spanContext(t)
	e, err := bus.NewEvent(ctx, "moksho.a.b.c", "user-9", wrapperspb.String("x"))
	if err != nil {
		t.Fatal(err)
	}
	m := e.Msg()
	for k, want := range map[string]string{
		"Nats-Msg-Id":        e.ID,
		"Moksho-Event-Type":  e.Type,
		"Moksho-Occurred-At": e.OccurredAt.Format(time.RFC3339Nano),
		"Moksho-User-Id":     "user-9",
		"traceparent":        e.TraceParent,
	} {
		if got := m.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	back, err := bus.ParseEvent(m.Subject, m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !equalEvents(back, e) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, e)
	}

	hctx := back.Context(context.Background())
	sc := trace.SpanContextFromContext(hctx)
	if !sc.IsValid() || !sc.IsRemote() || sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("Context span = %+v", sc)
	}
	if logging.UserID(hctx) != "user-9" {
		t.Errorf("Context user id = %q", logging.UserID(hctx))
	}
}

func TestParseEventRejectsMessagesThatAreNotEvents(t *testing.T) {
	good, _ := bus.NewEvent(context.Background(), "moksho.a.b.c", "", wrapperspb.String("x"))
	for name, mutate := range map[string]func(nats.Header){
		"no id":       func(h nats.Header) { h.Del("Nats-Msg-Id") },
		"id not uuid": func(h nats.Header) { h.Set("Nats-Msg-Id", "42") },
		"no type":     func(h nats.Header) { h.Del("Moksho-Event-Type") },
		"no time":     func(h nats.Header) { h.Del("Moksho-Occurred-At") },
		"bad time":    func(h nats.Header) { h.Set("Moksho-Occurred-At", "yesterday") },
	} {
		h := good.Header()
		mutate(h)
		if _, err := bus.ParseEvent(good.Subject, h, good.Payload); err == nil || !bus.IsPermanent(err) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("boom")
	p := bus.Permanent(fmt.Errorf("wrap: %w", base))
	if !bus.IsPermanent(p) || !errors.Is(p, base) || p.Error() != "wrap: boom" {
		t.Errorf("Permanent = %v", p)
	}
	if !bus.IsPermanent(fmt.Errorf("handler: %w", p)) {
		t.Error("a wrapped permanent error is not permanent")
	}
	if bus.IsPermanent(base) || bus.Permanent(nil) != nil {
		t.Error("plain error or nil taken for permanent")
	}
	if bus.DLQSubject("evaluation") != "moksho.dlq.evaluation" {
		t.Error(bus.DLQSubject("evaluation"))
	}
}

func equalEvents(a, b bus.Event) bool {
	return a.ID == b.ID && a.Subject == b.Subject && a.Type == b.Type && a.OccurredAt.Equal(b.OccurredAt) &&
		a.OccurredAt.Location() == b.OccurredAt.Location() && a.UserID == b.UserID &&
		a.TraceParent == b.TraceParent && bytes.Equal(a.Payload, b.Payload)
}
