package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/protobuf/proto"

	"github.com/moksho/platform/pkg/logging"
)

// Header names of an event on the wire (DESIGN.md section 4). They are
// case-sensitive: NATS headers are not canonicalised.
const (
	// HeaderMsgID carries the event ID; JetStream drops a second message
	// with the same ID within the stream's duplicate window.
	HeaderMsgID = jetstream.MsgIDHeader
	// HeaderEventType names the protobuf message in the payload.
	HeaderEventType = "Moksho-Event-Type"
	// HeaderOccurredAt is when the change happened, RFC 3339 with
	// nanoseconds, UTC.
	HeaderOccurredAt = "Moksho-Occurred-At"
	// HeaderUserID is the user whose data the event concerns, for erasure
	// and per-user ordering; absent when the event concerns nobody.
	HeaderUserID = "Moksho-User-Id"
	// HeaderTraceParent is the W3C trace context of the producing span.
	HeaderTraceParent = "traceparent"
)

// Headers a dead-lettered message carries on top of the original ones.
const (
	// HeaderDLQReason is the error that sent the message to the DLQ,
	// truncated to a few hundred bytes.
	HeaderDLQReason = "Moksho-Dlq-Reason"
	// HeaderDLQConsumer is the durable consumer that gave up.
	HeaderDLQConsumer = "Moksho-Dlq-Consumer"
	// HeaderDLQDeliveries is how many times the message was delivered.
	HeaderDLQDeliveries = "Moksho-Dlq-Deliveries"
	// HeaderDLQStream and HeaderDLQStreamSeq locate the original message.
	HeaderDLQStream    = "Moksho-Dlq-Stream"
	HeaderDLQStreamSeq = "Moksho-Dlq-Stream-Seq"
	// HeaderDLQSubject is the subject the original message was published
	// on (the DLQ message itself is on moksho.dlq.<service>).
	HeaderDLQSubject = "Moksho-Dlq-Subject"
	// HeaderDLQEventID is the original event ID. The DLQ message gets a
	// Nats-Msg-Id of its own, so that two consumers dead-lettering the same
	// event are not taken for duplicates of each other.
	HeaderDLQEventID = "Moksho-Dlq-Event-Id"
)

// Event is one domain event as it travels: headers + protobuf payload.
// It is a plain value; a test may set OccurredAt (or any field) after
// NewEvent to make it deterministic.
type Event struct {
	ID          string    // UUIDv7; sent as Nats-Msg-Id (broker-side dedupe)
	Subject     string    // moksho.<service>.<entity>.<verb>
	Type        string    // Moksho-Event-Type: the proto message full name, e.g. "moksho.accounts.v1.UserRegistered"
	OccurredAt  time.Time // Moksho-Occurred-At, RFC3339Nano UTC
	UserID      string    // Moksho-User-Id: whose data it concerns ("" if nobody's)
	TraceParent string    // traceparent (W3C), from the span in ctx when created
	Payload     []byte    // protobuf-encoded message
}

// NewEvent builds the event announcing msg on subject: a fresh UUIDv7 ID
// (time-ordered, so IDs sort roughly by creation), the message's full proto
// name as type, the current time (to the microsecond, the precision the
// outbox stores) and the trace context of the span in ctx, if any.
// userID is whose data the event concerns, "" for nobody's; it is an ID,
// never an e-mail or a name.
func NewEvent(ctx context.Context, subject, userID string, msg proto.Message) (Event, error) {
	if msg == nil {
		return Event{}, errors.New("new event: nil message")
	}
	if err := validSubject(subject); err != nil {
		return Event{}, fmt.Errorf("new event: %w", err)
	}
	if !validHeaderValue(userID) {
		return Event{}, fmt.Errorf("new event on %s: user id %q is not a valid header value", subject, userID)
	}
	payload, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		return Event{}, fmt.Errorf("new event on %s: encode %s: %w", subject, typeName(msg), err)
	}
	if payload == nil {
		payload = []byte{}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Event{}, fmt.Errorf("new event on %s: id: %w", subject, err)
	}
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	return Event{
		ID:          id.String(),
		Subject:     subject,
		Type:        typeName(msg),
		OccurredAt:  time.Now().UTC().Truncate(time.Microsecond),
		UserID:      userID,
		TraceParent: carrier.Get(HeaderTraceParent),
		Payload:     payload,
	}, nil
}

// Decode unmarshals the payload into msg. It fails when the event's type is
// not msg's full name: a handler never reads one message as another. Its
// errors are Permanent, since retrying cannot fix a payload, so a handler
// may return them as they are and the message goes to the DLQ at once.
func (e Event) Decode(msg proto.Message) error {
	want := typeName(msg)
	if e.Type != want {
		return Permanent(fmt.Errorf("decode event %s: type is %q, not %q", e.ID, e.Type, want))
	}
	if err := proto.Unmarshal(e.Payload, msg); err != nil {
		return Permanent(fmt.Errorf("decode event %s (%s): %w", e.ID, e.Type, err))
	}
	return nil
}

// Context returns ctx carrying the remote span context from TraceParent, so
// a handler's spans continue the producer's trace and its logs carry the
// producer's trace_id, and carrying the event's user ID for the logger
// (logging.WithUserID). The Consumer passes handlers a context built this
// way already.
func (e Event) Context(ctx context.Context) context.Context {
	if e.TraceParent != "" {
		ctx = propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{HeaderTraceParent: e.TraceParent})
	}
	if e.UserID != "" {
		ctx = logging.WithUserID(ctx, e.UserID)
	}
	return ctx
}

// Header returns the event's NATS headers. Optional headers (user ID,
// traceparent) are left out when empty.
func (e Event) Header() nats.Header {
	h := nats.Header{}
	h.Set(HeaderMsgID, e.ID)
	h.Set(HeaderEventType, e.Type)
	h.Set(HeaderOccurredAt, e.OccurredAt.UTC().Format(time.RFC3339Nano))
	if e.UserID != "" {
		h.Set(HeaderUserID, e.UserID)
	}
	if e.TraceParent != "" {
		h.Set(HeaderTraceParent, e.TraceParent)
	}
	return h
}

// Msg returns the event as a NATS message, ready to publish.
func (e Event) Msg() *nats.Msg {
	return &nats.Msg{Subject: e.Subject, Header: e.Header(), Data: e.Payload}
}

// FromMsg reads a received JetStream message back into an Event.
func FromMsg(m jetstream.Msg) (Event, error) {
	return ParseEvent(m.Subject(), m.Headers(), m.Data())
}

// ParseEvent reads an event from a message's subject, headers and body; use
// it for core NATS messages (*nats.Msg) and raw stream messages. A message
// without the ID, type or time header, or with a malformed one, is not an
// event: the error is Permanent.
func ParseEvent(subject string, h nats.Header, data []byte) (Event, error) {
	e := Event{
		ID:          h.Get(HeaderMsgID),
		Subject:     subject,
		Type:        h.Get(HeaderEventType),
		UserID:      h.Get(HeaderUserID),
		TraceParent: h.Get(HeaderTraceParent),
		Payload:     data,
	}
	if e.Payload == nil {
		e.Payload = []byte{}
	}
	at := h.Get(HeaderOccurredAt)
	if e.ID == "" || e.Type == "" || at == "" {
		return Event{}, Permanent(fmt.Errorf("message on %s is not an event: want headers %s, %s and %s",
			subject, HeaderMsgID, HeaderEventType, HeaderOccurredAt))
	}
	if _, err := uuid.Parse(e.ID); err != nil {
		return Event{}, Permanent(fmt.Errorf("message on %s is not an event: %s %q is not a UUID", subject, HeaderMsgID, e.ID))
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return Event{}, Permanent(fmt.Errorf("message on %s is not an event: %s: %w", subject, HeaderOccurredAt, err))
	}
	e.OccurredAt = t.UTC()
	return e, nil
}

// validate checks what the outbox and the wire need before an event is
// stored: a relay must never meet a row it cannot publish.
func (e Event) validate() error {
	if _, err := uuid.Parse(e.ID); err != nil {
		return fmt.Errorf("event id %q is not a UUID", e.ID)
	}
	if err := validSubject(e.Subject); err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	if e.Type == "" || !validHeaderValue(e.Type) {
		return fmt.Errorf("event %s: invalid type %q", e.ID, e.Type)
	}
	if e.OccurredAt.IsZero() {
		return fmt.Errorf("event %s: no occurrence time", e.ID)
	}
	if !validHeaderValue(e.UserID) || !validHeaderValue(e.TraceParent) {
		return fmt.Errorf("event %s: user id or traceparent is not a valid header value", e.ID)
	}
	return nil
}

func typeName(m proto.Message) string {
	return string(m.ProtoReflect().Descriptor().FullName())
}

// validSubject accepts moksho.<service>.<entity>.<verb> and longer concrete
// subjects: no wildcards, no empty tokens, no white space.
func validSubject(s string) error {
	toks := strings.Split(s, ".")
	if len(toks) < 4 || toks[0] != "moksho" {
		return fmt.Errorf("subject %q: want moksho.<service>.<entity>.<verb>", s)
	}
	for _, t := range toks {
		if !validToken(t) {
			return fmt.Errorf("subject %q: empty token, wildcard or white space", s)
		}
	}
	return nil
}

// validToken is one subject token, or a stream or consumer name: non-empty,
// no dot, wildcard or white space.
func validToken(t string) bool {
	return t != "" && !strings.ContainsAny(t, ".*> \t\r\n")
}

func validHeaderValue(v string) bool {
	return !strings.ContainsAny(v, "\r\n")
}
