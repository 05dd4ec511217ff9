package bus_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/pg"
	"github.com/moksho/platform/pkg/pg/pgtest"
	"github.com/moksho/platform/pkg/testenv"
)

// testStream holds the events the tests publish.
var testStream = bus.StreamSpec{Name: "TEST", Subjects: []string{"moksho.test.>"}, MaxAge: time.Hour}

// newPool returns a pool on a fresh database with the bus tables, sized for
// tests that hold many connections at once.
func newPool(t *testing.T, maxConns int32, sets ...pg.Migrations) *pgxpool.Pool {
	t.Helper()
	url := pgtest.NewDatabase(t, append([]pg.Migrations{bus.Migrations}, sets...)...)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// startJetStream starts an embedded server with the test and DLQ streams.
func startJetStream(t *testing.T) (*testenv.NATS, jetstream.JetStream) {
	t.Helper()
	n := testenv.StartNATS(t)
	_, js := n.JetStream(t)
	if err := bus.EnsureStreams(context.Background(), js, testStream, bus.DLQStream); err != nil {
		t.Fatal(err)
	}
	return n, js
}

// runner runs one Run method in the background.
type runner struct {
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// start runs run until stop (or the end of the test), and fails the test
// when Run returns an error.
func start(t *testing.T, run func(context.Context) error) *runner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels Run and waits for it to return nil.
func (r *runner) stop(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("Run did not return within 20s of cancel")
		}
	})
}

// exited waits for Run to return on its own (a simulated crash).
func (r *runner) exited(t *testing.T, within time.Duration) {
	t.Helper()
	r.once.Do(func() {
		defer r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(within):
			t.Errorf("Run did not return within %s", within)
		}
	})
}

// eventually polls cond every 20ms until it holds, failing after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newTestEvent(t *testing.T, ctx context.Context, subject, userID, text string) bus.Event {
	t.Helper()
	e, err := bus.NewEvent(ctx, subject, userID, wrapperspb.String(text))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// enqueue commits events in one transaction.
func enqueue(t *testing.T, pool *pgxpool.Pool, events ...bus.Event) {
	t.Helper()
	if err := pg.InTx(context.Background(), pool, func(tx pgx.Tx) error {
		return bus.Enqueue(context.Background(), tx, events...)
	}); err != nil {
		t.Fatal(err)
	}
}

func outboxLen(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM bus_outbox`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func streamMsgs(t *testing.T, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// metric sums the samples of the named metric whose labels include want.
func metric(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	samples:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue samples
				}
			}
			sum += value(m)
		}
	}
	return sum
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

// lastDLQ returns the last dead letter on subject.
func lastDLQ(t *testing.T, js jetstream.JetStream, subject string) *jetstream.RawStreamMsg {
	t.Helper()
	s, err := js.Stream(context.Background(), bus.DLQStream.Name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.GetLastMsgForSubject(context.Background(), subject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}
