package bus_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/natsserver"
)

func TestRelayPublishesTheEnvelope(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, 8)
	_, js := startJetStream(t)
	reg := prometheus.NewRegistry()
	start(t, bus.NewRelay(pool, js, bus.RelayOptions{Registerer: reg}).Run)

	sctx, _ := spanContext(t)
	e := newTestEvent(t, sctx, "moksho.test.widget.created", "user-42", "payload")
	enqueue(t, pool, e)

	eventually(t, 5*time.Second, "the event in the stream", func() bool { return streamMsgs(t, js, "TEST") == 1 })
	s, _ := js.Stream(ctx, "TEST")
	raw, err := s.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"Nats-Msg-Id":        e.ID,
		"Moksho-Event-Type":  "google.protobuf.StringValue",
		"Moksho-Occurred-At": e.OccurredAt.Format(time.RFC3339Nano),
		"Moksho-User-Id":     "user-42",
		"traceparent":        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	} {
		if got := raw.Header.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	got, err := bus.ParseEvent(raw.Subject, raw.Header, raw.Data)
	if err != nil || !equalEvents(got, e) {
		t.Errorf("received %+v (err %v), want %+v", got, err, e)
	}
	eventually(t, 5*time.Second, "an empty outbox and backlog gauge", func() bool {
		return outboxLen(t, pool) == 0 && metric(t, reg, "moksho_bus_outbox_backlog", nil) == 0
	})
	if n := metric(t, reg, "moksho_bus_events_published_total", nil); n != 1 {
		t.Errorf("published metric = %v", n)
	}
}

// A row whose transaction commits after a later row was published is still
// published: the relay keeps no high-water mark.
func TestRelayPublishesRowsCommittedOutOfOrder(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, 8)
	_, js := startJetStream(t)
	start(t, bus.NewRelay(pool, js, bus.RelayOptions{PollInterval: 50 * time.Millisecond}).Run)

	early := newTestEvent(t, ctx, "moksho.test.widget.created", "", "early")
	late := newTestEvent(t, ctx, "moksho.test.widget.created", "", "late")
	slow, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback(ctx)                              //nolint:errcheck
	if err := bus.Enqueue(ctx, slow, early); err != nil { // takes the lower row id
		t.Fatal(err)
	}
	enqueue(t, pool, late) // higher id, committed first
	eventually(t, 5*time.Second, "the later row published", func() bool { return streamMsgs(t, js, "TEST") == 1 })
	if err := slow.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the earlier row published too", func() bool { return streamMsgs(t, js, "TEST") == 2 })
	s, _ := js.Stream(ctx, "TEST")
	for seq, want := range map[uint64]string{1: late.ID, 2: early.ID} {
		m, err := s.GetMsg(ctx, seq)
		if err != nil || m.Header.Get("Nats-Msg-Id") != want {
			t.Errorf("message %d: %v %v", seq, m, err)
		}
	}
	if n := outboxLen(t, pool); n != 0 {
		t.Errorf("outbox holds %d rows", n)
	}
}

// Only one relay per database publishes at a time: a relay finding the
// lock taken publishes nothing until it is released.
func TestRelayWaitsWhileAnotherHoldsTheLock(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, 8)
	_, js := startJetStream(t)

	holder, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx) //nolint:errcheck
	if _, err := holder.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, bus.RelayLockKey); err != nil {
		t.Fatal(err)
	}
	start(t, bus.NewRelay(pool, js, bus.RelayOptions{PollInterval: 50 * time.Millisecond}).Run)
	enqueue(t, pool, newTestEvent(t, ctx, "moksho.test.widget.created", "", "x"))
	time.Sleep(500 * time.Millisecond)
	if n := streamMsgs(t, js, "TEST"); n != 0 {
		t.Fatalf("published %d events while another relay held the lock", n)
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "publishing after the lock is released", func() bool { return streamMsgs(t, js, "TEST") == 1 })
}

// The relay wakes on NOTIFY (its poll is an hour here) and re-listens after
// its connection is killed.
func TestRelayWakesOnNotifyAndReconnects(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, 8)
	_, js := startJetStream(t)
	start(t, bus.NewRelay(pool, js, bus.RelayOptions{PollInterval: time.Hour}).Run)

	listener := func() int {
		var pid int
		err := pool.QueryRow(ctx, `
			SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = 'LISTEN bus_outbox'`).Scan(&pid)
		if err != nil {
			return 0
		}
		return pid
	}
	eventually(t, 5*time.Second, "the relay listening", func() bool { return listener() != 0 })
	enqueue(t, pool, newTestEvent(t, ctx, "moksho.test.widget.created", "", "one"))
	eventually(t, 5*time.Second, "the first event published", func() bool { return streamMsgs(t, js, "TEST") == 1 })

	old := listener()
	var killed bool
	if err := pool.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, old).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate listener %d: %v %v", old, killed, err)
	}
	eventually(t, 10*time.Second, "a new listener", func() bool { p := listener(); return p != 0 && p != old })
	enqueue(t, pool, newTestEvent(t, ctx, "moksho.test.widget.created", "", "two"))
	eventually(t, 5*time.Second, "the second event published", func() bool { return streamMsgs(t, js, "TEST") == 2 })
}

// With NATS down the rows stay in the outbox; when the server is back (same
// port, same store) they are published, each exactly once in the stream.
func TestRelayKeepsRowsWhileNATSIsDown(t *testing.T) {
	ctx := context.Background()
	pool := newPool(t, 8)
	store := t.TempDir()
	srv, err := natsserver.Start(natsserver.Options{StoreDir: store, Port: -1})
	if err != nil {
		t.Fatal(err)
	}
	port := srv.Addr().(*net.TCPAddr).Port
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, err := nats.Connect(srv.ClientURL(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.EnsureStreams(ctx, js, testStream); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	start(t, bus.NewRelay(pool, js, bus.RelayOptions{
		Registerer: reg, PollInterval: 100 * time.Millisecond,
		PublishTimeout: 300 * time.Millisecond, MaxRetryDelay: 500 * time.Millisecond,
	}).Run)

	first := newTestEvent(t, ctx, "moksho.test.widget.created", "", "before")
	enqueue(t, pool, first)
	eventually(t, 5*time.Second, "the first event published", func() bool { return outboxLen(t, pool) == 0 })

	srv.Shutdown()
	srv.WaitForShutdown()
	var ids = map[string]bool{first.ID: true}
	for i := range 5 {
		e := newTestEvent(t, ctx, "moksho.test.widget.created", "", fmt.Sprint("during ", i))
		ids[e.ID] = true
		enqueue(t, pool, e)
	}
	eventually(t, 10*time.Second, "publish errors counted", func() bool {
		return metric(t, reg, "moksho_bus_publish_errors_total", nil) >= 2
	})
	if n := outboxLen(t, pool); n != 5 {
		t.Fatalf("outbox holds %d rows while NATS is down, want 5", n)
	}
	if g := metric(t, reg, "moksho_bus_outbox_backlog", nil); g != 5 {
		t.Errorf("backlog gauge = %v, want 5", g)
	}

	srv, err = natsserver.Start(natsserver.Options{StoreDir: store, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the outbox drained after NATS is back", func() bool { return outboxLen(t, pool) == 0 })
	s, err := js.Stream(ctx, "TEST")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 6 {
		t.Fatalf("stream holds %d messages, want 6", info.State.Msgs)
	}
	for seq := uint64(1); seq <= 6; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		id := m.Header.Get("Nats-Msg-Id")
		if !ids[id] {
			t.Errorf("message %d: unexpected or repeated id %q", seq, id)
		}
		delete(ids, id)
	}
}
