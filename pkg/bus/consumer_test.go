package bus_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/logging"
)

// effectsTable is the consumer side's state in these tests: one row per
// applied event, with a counter that would show a second application.
const effectsTable = `CREATE TABLE effects (event_id uuid PRIMARY KEY, applied int NOT NULL, body text NOT NULL)`

// applyEffect is a handler whose effect is an upsert counting applications.
func applyEffect(ctx context.Context, tx pgx.Tx, e bus.Event) error {
	var v wrapperspb.StringValue
	if err := e.Decode(&v); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO effects (event_id, applied, body) VALUES ($1, 1, $2)
		ON CONFLICT (event_id) DO UPDATE SET applied = effects.applied + 1`, e.ID, v.GetValue())
	return err
}

func newConsumerPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := newPool(t, 16)
	if _, err := pool.Exec(context.Background(), effectsTable); err != nil {
		t.Fatal(err)
	}
	return pool
}

func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func publish(t *testing.T, js jetstream.JetStream, e bus.Event) {
	t.Helper()
	if _, err := js.PublishMsg(context.Background(), e.Msg(), jetstream.WithMsgID(e.ID)); err != nil {
		t.Fatal(err)
	}
}

// fastSpec retries quickly so failure tests take well under a second.
func fastSpec(maxDeliver int) bus.ConsumerSpec {
	return bus.ConsumerSpec{
		Service: "svc", Stream: "TEST", MaxDeliver: maxDeliver,
		Backoff: []time.Duration{20 * time.Millisecond}, AckWait: 2 * time.Second,
	}
}

func TestConsumerAppliesEventsFromTheOutbox(t *testing.T) {
	producer := newPool(t, 8)
	consumer := newConsumerPool(t)
	_, js := startJetStream(t)
	start(t, bus.NewRelay(producer, js, bus.RelayOptions{}).Run)

	type seen struct {
		e    bus.Event
		span trace.SpanContext
		user string
	}
	got := make(chan seen, 1)
	reg := prometheus.NewRegistry()
	c := bus.NewConsumer(consumer, js, bus.ConsumerSpec{Service: "svc", Stream: "TEST", FilterSubjects: []string{"moksho.test.widget.>"}},
		func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
			got <- seen{e, trace.SpanContextFromContext(ctx), logging.UserID(ctx)}
			return applyEffect(ctx, tx, e)
		}, bus.ConsumerOptions{Registerer: reg})
	start(t, c.Run)

	sctx, sc := spanContext(t)
	e := newTestEvent(t, sctx, "moksho.test.widget.created", "user-7", "hello")
	enqueue(t, producer, e)

	var s seen
	select {
	case s = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("handler not called")
	}
	if !equalEvents(s.e, e) {
		t.Errorf("handler got %+v, want %+v", s.e, e)
	}
	if s.span.TraceID() != sc.TraceID() || !s.span.IsRemote() || s.user != "user-7" {
		t.Errorf("handler context: span %v remote %v user %q", s.span.TraceID(), s.span.IsRemote(), s.user)
	}
	eventually(t, 5*time.Second, "the ack counted", func() bool {
		return metric(t, reg, "moksho_bus_events_handled_total", map[string]string{"consumer": "svc", "result": "applied"}) == 1
	})
	if n := count(t, consumer, `SELECT count(*) FROM effects WHERE event_id = $1 AND body = 'hello' AND applied = 1`, e.ID); n != 1 {
		t.Errorf("effect rows = %d", n)
	}
	if n := count(t, consumer, `SELECT count(*) FROM bus_processed_events WHERE consumer = 'svc' AND event_id = $1`, e.ID); n != 1 {
		t.Errorf("processed rows = %d", n)
	}
}

// A handler that keeps failing is tried MaxDeliver times, none of its
// writes survive, and the message lands on moksho.dlq.<service> with the
// original payload and headers plus the reason.
func TestConsumerDeadLettersAfterMaxDeliver(t *testing.T) {
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	reg := prometheus.NewRegistry()
	var calls atomic.Int32
	c := bus.NewConsumer(pool, js, fastSpec(3), func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
		calls.Add(1)
		if err := applyEffect(ctx, tx, e); err != nil {
			return err
		}
		return errors.New("scoring engine unavailable")
	}, bus.ConsumerOptions{Registerer: reg})
	start(t, c.Run)

	e := newTestEvent(t, context.Background(), "moksho.test.answer.submitted", "user-3", "x")
	publish(t, js, e)

	var dl *jetstream.RawStreamMsg
	eventually(t, 10*time.Second, "a dead letter", func() bool { dl = lastDLQ(t, js, "moksho.dlq.svc"); return dl != nil })
	for k, want := range map[string]string{
		"Moksho-Dlq-Consumer":   "svc",
		"Moksho-Dlq-Deliveries": "3",
		"Moksho-Dlq-Stream":     "TEST",
		"Moksho-Dlq-Stream-Seq": "1",
		"Moksho-Dlq-Subject":    e.Subject,
		"Moksho-Dlq-Event-Id":   e.ID,
		"Moksho-Event-Type":     e.Type,
		"Moksho-Occurred-At":    e.OccurredAt.Format(time.RFC3339Nano),
		"Moksho-User-Id":        "user-3",
	} {
		if got := dl.Header.Get(k); got != want {
			t.Errorf("dead letter header %s = %q, want %q", k, got, want)
		}
	}
	if r := dl.Header.Get("Moksho-Dlq-Reason"); r != "scoring engine unavailable" {
		t.Errorf("reason = %q", r)
	}
	if string(dl.Data) != string(e.Payload) {
		t.Error("dead letter payload differs from the original")
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("handler called %d times, want 3", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM effects`); n != 0 {
		t.Errorf("%d effect rows survived failed attempts", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM bus_processed_events`); n != 0 {
		t.Errorf("%d processed rows for a failed event", n)
	}
	eventually(t, 5*time.Second, "the dead-letter metric", func() bool {
		return metric(t, reg, "moksho_bus_events_dead_lettered_total", map[string]string{"consumer": "svc"}) == 1
	})
	if n := metric(t, reg, "moksho_bus_events_failed_total", map[string]string{"consumer": "svc"}); n != 3 {
		t.Errorf("failed metric = %v, want 3", n)
	}
	// Terminated: never delivered again.
	cons, err := js.Consumer(context.Background(), "TEST", "svc")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "nothing pending", func() bool {
		info, err := cons.Info(context.Background())
		return err == nil && info.NumAckPending == 0 && info.NumPending == 0
	})
	time.Sleep(200 * time.Millisecond)
	if n := calls.Load(); n != 3 {
		t.Errorf("handler called %d times after dead-lettering", n)
	}
}

func TestConsumerDeadLettersPermanentErrorsAtOnce(t *testing.T) {
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	var calls atomic.Int32
	c := bus.NewConsumer(pool, js, fastSpec(8), func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
		calls.Add(1)
		var s structpb.Struct
		return e.Decode(&s) // the wrong type: permanent
	}, bus.ConsumerOptions{})
	start(t, c.Run)
	publish(t, js, newTestEvent(t, context.Background(), "moksho.test.answer.submitted", "", "x"))

	var dl *jetstream.RawStreamMsg
	eventually(t, 10*time.Second, "a dead letter", func() bool { dl = lastDLQ(t, js, "moksho.dlq.svc"); return dl != nil })
	if dl.Header.Get("Moksho-Dlq-Deliveries") != "1" || !strings.Contains(dl.Header.Get("Moksho-Dlq-Reason"), "google.protobuf.Struct") {
		t.Errorf("dead letter headers %v", dl.Header)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("handler called %d times", n)
	}
}

func TestConsumerDeadLettersMessagesThatAreNotEvents(t *testing.T) {
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	var calls atomic.Int32
	c := bus.NewConsumer(pool, js, fastSpec(8), func(context.Context, pgx.Tx, bus.Event) error {
		calls.Add(1)
		return nil
	}, bus.ConsumerOptions{})
	start(t, c.Run)
	if _, err := js.PublishMsg(context.Background(), &nats.Msg{Subject: "moksho.test.raw.thing", Data: []byte("hi")}); err != nil {
		t.Fatal(err)
	}
	var dl *jetstream.RawStreamMsg
	eventually(t, 10*time.Second, "a dead letter", func() bool { dl = lastDLQ(t, js, "moksho.dlq.svc"); return dl != nil })
	if r := dl.Header.Get("Moksho-Dlq-Reason"); !strings.Contains(r, "not an event") || dl.Header.Get("Moksho-Dlq-Deliveries") != "1" {
		t.Errorf("dead letter headers %v", dl.Header)
	}
	if string(dl.Data) != "hi" || calls.Load() != 0 {
		t.Errorf("payload %q, handler calls %d", dl.Data, calls.Load())
	}
}

// A failed commit undoes the handler's writes and the processed mark: the
// event is retried and, failing every time, dead-lettered.
func TestConsumerRollsBackWhenTheCommitFails(t *testing.T) {
	ctx := context.Background()
	pool := newConsumerPool(t)
	if _, err := pool.Exec(ctx, `CREATE TABLE deferred (k int, CONSTRAINT deferred_k UNIQUE (k) DEFERRABLE INITIALLY DEFERRED)`); err != nil {
		t.Fatal(err)
	}
	_, js := startJetStream(t)
	var calls atomic.Int32
	c := bus.NewConsumer(pool, js, fastSpec(2), func(ctx context.Context, tx pgx.Tx, e bus.Event) error {
		calls.Add(1)
		if err := applyEffect(ctx, tx, e); err != nil {
			return err
		}
		// Both inserts succeed; the deferred constraint fails the commit.
		_, err := tx.Exec(ctx, `INSERT INTO deferred VALUES (1), (1)`)
		return err
	}, bus.ConsumerOptions{})
	start(t, c.Run)
	publish(t, js, newTestEvent(t, ctx, "moksho.test.answer.submitted", "", "x"))

	var dl *jetstream.RawStreamMsg
	eventually(t, 10*time.Second, "a dead letter", func() bool { dl = lastDLQ(t, js, "moksho.dlq.svc"); return dl != nil })
	if r := dl.Header.Get("Moksho-Dlq-Reason"); !strings.Contains(r, "commit") || !strings.Contains(r, "deferred_k") {
		t.Errorf("reason = %q", r)
	}
	if calls.Load() != 2 {
		t.Errorf("handler called %d times, want 2", calls.Load())
	}
	for _, table := range []string{"effects", "deferred", "bus_processed_events"} {
		if n := count(t, pool, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s holds %d rows after failed commits", table, n)
		}
	}
}

// A message whose deliveries all went unanswered (the replica died each
// time) is dead-lettered from the server's max-deliveries advisory.
func TestConsumerDeadLettersMessagesNobodyAnswered(t *testing.T) {
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	spec := fastSpec(2)
	spec.AckWait = 300 * time.Millisecond
	var calls atomic.Int32
	c := bus.NewConsumer(pool, js, spec, func(context.Context, pgx.Tx, bus.Event) error {
		calls.Add(1)
		return errors.New("boom")
	}, bus.ConsumerOptions{Log: testLog(t)})
	bus.SetConsumerCrashHook(c, func(bus.Event, error) bool { return true })
	start(t, c.Run)
	e := newTestEvent(t, context.Background(), "moksho.test.answer.submitted", "", "x")
	publish(t, js, e)

	var dl *jetstream.RawStreamMsg
	deadline := time.Now().Add(10 * time.Second)
	for dl = lastDLQ(t, js, "moksho.dlq.svc"); dl == nil; dl = lastDLQ(t, js, "moksho.dlq.svc") {
		if time.Now().After(deadline) {
			cons, _ := js.Consumer(context.Background(), "TEST", "svc")
			info, _ := cons.Info(context.Background())
			t.Fatalf("no dead letter after 10s; handler calls %d, consumer %+v", calls.Load(), info)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := dl.Header.Get("Moksho-Dlq-Reason"); !strings.Contains(r, "no answer after 2 deliveries") {
		t.Errorf("reason = %q", r)
	}
	if dl.Header.Get("Moksho-Dlq-Event-Id") != e.ID || calls.Load() != 2 {
		t.Errorf("event id %q, calls %d", dl.Header.Get("Moksho-Dlq-Event-Id"), calls.Load())
	}
}

// Two durable consumers of one service each apply an event once.
func TestDurablesOfOneServiceAreIndependent(t *testing.T) {
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	var a, b atomic.Int32
	start(t, bus.NewConsumer(pool, js, bus.ConsumerSpec{Service: "svc", Stream: "TEST"},
		func(context.Context, pgx.Tx, bus.Event) error { a.Add(1); return nil }, bus.ConsumerOptions{}).Run)
	start(t, bus.NewConsumer(pool, js, bus.ConsumerSpec{Service: "svc", Durable: "svc-other", Stream: "TEST"},
		func(context.Context, pgx.Tx, bus.Event) error { b.Add(1); return nil }, bus.ConsumerOptions{}).Run)
	publish(t, js, newTestEvent(t, context.Background(), "moksho.test.answer.submitted", "", "x"))
	eventually(t, 10*time.Second, "both durables applying the event", func() bool {
		return count(t, pool, `SELECT count(*) FROM bus_processed_events`) == 2
	})
	if a.Load() != 1 || b.Load() != 1 {
		t.Errorf("calls: %d and %d", a.Load(), b.Load())
	}
}

// A consumer started before its stream exists waits for it.
func TestConsumerWaitsForItsStream(t *testing.T) {
	ctx := context.Background()
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	done := make(chan struct{}, 1)
	start(t, bus.NewConsumer(pool, js, bus.ConsumerSpec{Service: "svc", Stream: "LATE"},
		func(context.Context, pgx.Tx, bus.Event) error { done <- struct{}{}; return nil }, bus.ConsumerOptions{}).Run)
	time.Sleep(300 * time.Millisecond)
	if err := bus.EnsureStreams(ctx, js, bus.StreamSpec{Name: "LATE", Subjects: []string{"moksho.late.>"}, MaxAge: time.Hour}); err != nil {
		t.Fatal(err)
	}
	publish(t, js, newTestEvent(t, ctx, "moksho.late.thing.happened", "", "x"))
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("handler not called after the stream appeared")
	}
}

func TestConsumerRejectsAnInvalidSpec(t *testing.T) {
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	h := func(context.Context, pgx.Tx, bus.Event) error { return nil }
	for name, spec := range map[string]bus.ConsumerSpec{
		"no service":       {Stream: "TEST"},
		"no stream":        {Service: "svc"},
		"dotted durable":   {Service: "svc", Durable: "a.b", Stream: "TEST"},
		"negative backoff": {Service: "svc", Stream: "TEST", Backoff: []time.Duration{-time.Second}},
	} {
		if err := bus.NewConsumer(pool, js, spec, h, bus.ConsumerOptions{}).Run(context.Background()); err == nil {
			t.Errorf("%s: Run returned nil", name)
		}
	}
}

// Processed-event rows older than the retention are deleted, this
// consumer's only.
func TestConsumerPrunesOldProcessedRows(t *testing.T) {
	ctx := context.Background()
	pool := newConsumerPool(t)
	_, js := startJetStream(t)
	oldMine, newMine, oldOther := uuid.NewString(), uuid.NewString(), uuid.NewString()
	if _, err := pool.Exec(ctx, `
		INSERT INTO bus_processed_events (consumer, event_id, processed_at) VALUES
			('svc', $1, now() - interval '40 days'),
			('svc', $2, now() - interval '1 day'),
			('other', $3, now() - interval '40 days')`, oldMine, newMine, oldOther); err != nil {
		t.Fatal(err)
	}
	start(t, bus.NewConsumer(pool, js, bus.ConsumerSpec{Service: "svc", Stream: "TEST"},
		func(context.Context, pgx.Tx, bus.Event) error { return nil }, bus.ConsumerOptions{}).Run)
	eventually(t, 10*time.Second, "the old row pruned", func() bool {
		return count(t, pool, `SELECT count(*) FROM bus_processed_events WHERE event_id = $1`, oldMine) == 0
	})
	if n := count(t, pool, `SELECT count(*) FROM bus_processed_events WHERE event_id IN ($1, $2)`, newMine, oldOther); n != 2 {
		t.Errorf("%d of the rows to keep remain, want 2", n)
	}
}

func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
