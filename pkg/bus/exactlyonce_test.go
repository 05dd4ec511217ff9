package bus_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/moksho/platform/pkg/bus"
	"github.com/moksho/platform/pkg/pg"
)

// TestEveryEventTakesEffectExactlyOnce is the outbox-to-effect claim under
// stress: 20 writers commit 1,000 events in transactions whose commit order
// differs from their row order; the relay dies after a PubAck without
// deleting its batch, is replaced by two replicas, one of which is stopped
// and replaced again while writers go on; two consumer replicas handle the
// events and are killed three times between committing an effect and
// acking it. At the end every event took effect exactly once and the
// outbox is empty.
func TestEveryEventTakesEffectExactlyOnce(t *testing.T) {
	const writers, perWriter = 20, 50
	const total = writers * perWriter
	ctx := context.Background()
	producer := newPool(t, 48)
	consumerDB := newConsumerPool(t)
	_, js := startJetStream(t)
	relayReg, consumerReg := prometheus.NewRegistry(), prometheus.NewRegistry()
	relay := func() *bus.Relay {
		return bus.NewRelay(producer, js, bus.RelayOptions{Registerer: relayReg, BatchSize: 50, PollInterval: 50 * time.Millisecond})
	}

	// Relay 1 dies right after its 150th PubAck, leaving that batch's rows.
	relay1 := relay()
	var relay1Acks atomic.Int32
	bus.SetRelayCrashHook(relay1, func() bool { return relay1Acks.Add(1) == 150 })
	r1 := start(t, relay1.Run)

	// Two consumer replicas; the 100th, 400th and 700th successful
	// application "kills" its replica after the commit, before the ack.
	spec := bus.ConsumerSpec{
		Service: "effects", Stream: "TEST", AckWait: time.Second,
		Backoff: []time.Duration{50 * time.Millisecond}, Concurrency: 4,
	}
	var applied atomic.Int32
	crashed := make(chan int, 8)
	newReplica := func(slot int) *runner {
		c := bus.NewConsumer(consumerDB, js, spec, applyEffect, bus.ConsumerOptions{Registerer: consumerReg})
		bus.SetConsumerCrashHook(c, func(_ bus.Event, err error) bool {
			if err != nil {
				return false
			}
			switch applied.Add(1) {
			case 100, 400, 700:
				crashed <- slot
				return true
			}
			return false
		})
		return start(t, c.Run)
	}
	replicas := []*runner{newReplica(0), newReplica(1)}
	superCtx, stopSuper := context.WithCancel(ctx)
	var restarts atomic.Int32
	var super sync.WaitGroup
	super.Go(func() {
		for {
			select {
			case <-superCtx.Done():
				return
			case slot := <-crashed:
				replicas[slot].stop(t) // the process is gone
				replicas[slot] = newReplica(slot)
				restarts.Add(1)
			}
		}
	})

	// Writers: transactions of 1-3 events that sleep before committing, so
	// commit order differs from row-id order. The second half of each
	// writer's events waits for the relay restart.
	var (
		mu       sync.Mutex
		commits  []commit
		expected = map[string]bool{}
		seq      atomic.Int64
		written  atomic.Int32
		gate     = make(chan struct{})
		wg       sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			waited := false
			for i := 0; i < perWriter; {
				if !waited && i >= perWriter/2 {
					<-gate
					waited = true
				}
				n := min(1+rng.IntN(3), perWriter-i)
				events := make([]bus.Event, n)
				ids := make([]string, n)
				for k := range events {
					e, err := bus.NewEvent(ctx, "moksho.test.widget.created", fmt.Sprint("user-", w), wrapperspb.String(fmt.Sprintf("w%d-%d", w, i+k)))
					if err != nil {
						t.Error(err)
						return
					}
					events[k], ids[k] = e, e.ID
				}
				var rowIDs []int64
				err := pg.InTx(ctx, producer, func(tx pgx.Tx) error {
					if err := bus.Enqueue(ctx, tx, events...); err != nil {
						return err
					}
					rows, err := tx.Query(ctx, `SELECT id FROM bus_outbox WHERE event_id::text = ANY($1)`, ids)
					if err != nil {
						return err
					}
					if rowIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
						return err
					}
					time.Sleep(time.Duration(rng.IntN(15)) * time.Millisecond)
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				c := commit{seq: seq.Add(1), rowIDs: rowIDs}
				mu.Lock()
				commits = append(commits, c)
				for _, id := range ids {
					expected[id] = true
				}
				mu.Unlock()
				written.Add(int32(n))
				i += n
			}
		})
	}

	// Relay 1 crashes; two replicas take over and writers go on.
	r1.exited(t, 30*time.Second)
	r2 := start(t, relay().Run)
	start(t, relay().Run)
	close(gate)
	// Later, one replica is stopped (a rolling deploy) and replaced.
	eventually(t, 30*time.Second, "three quarters written", func() bool { return written.Load() >= total*3/4 })
	r2.stop(t)
	start(t, relay().Run)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	cons, err := js.Consumer(ctx, "TEST", "effects")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 45*time.Second, "every event applied and acked", func() bool {
		if count(t, consumerDB, `SELECT count(*) FROM effects`) != total {
			return false
		}
		info, err := cons.Info(ctx)
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0 && restarts.Load() == 3
	})
	stopSuper()
	super.Wait()

	// The scenario really happened.
	if n := outOfOrderCommits(commits); n == 0 {
		t.Error("no transaction committed out of row order; the test proves nothing about skipping")
	} else {
		t.Logf("%d of %d transactions committed after a transaction with higher row ids", n, len(commits))
	}
	if n := metric(t, relayReg, "moksho_bus_events_republished_total", nil); n < 1 {
		t.Error("no event was published twice; the relay crash left nothing to dedupe")
	} else {
		t.Logf("%v events republished after the relay crash and dropped by the broker", n)
	}
	if n := metric(t, consumerReg, "moksho_bus_events_handled_total", map[string]string{"result": "duplicate"}); n < 3 {
		t.Errorf("%v redeliveries recognised as applied, want at least the 3 killed acks", n)
	}

	// Outcomes.
	if n := outboxLen(t, producer); n != 0 {
		t.Errorf("outbox holds %d rows", n)
	}
	if n := streamMsgs(t, js, "TEST"); n != total {
		t.Errorf("stream holds %d messages, want %d", n, total)
	}
	if len(expected) != total {
		t.Fatalf("writers committed %d events, want %d", len(expected), total)
	}
	rows, err := consumerDB.Query(ctx, `SELECT event_id::text, applied FROM effects`)
	if err != nil {
		t.Fatal(err)
	}
	type effect struct {
		ID      string
		Applied int
	}
	effects, err := pgx.CollectRows(rows, pgx.RowToStructByPos[effect])
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range effects {
		if !expected[e.ID] {
			t.Errorf("effect of unknown event %s", e.ID)
		}
		if e.Applied != 1 {
			t.Errorf("event %s applied %d times", e.ID, e.Applied)
		}
		delete(expected, e.ID)
	}
	if len(expected) != 0 {
		t.Errorf("%d events never took effect", len(expected))
	}
	if n := count(t, consumerDB, `SELECT count(*) FROM bus_processed_events WHERE consumer = 'effects'`); n != total {
		t.Errorf("%d processed rows, want %d", n, total)
	}
	if n := metric(t, consumerReg, "moksho_bus_events_dead_lettered_total", nil); n != 0 {
		t.Errorf("%v events dead-lettered", n)
	}
}

// commit is one writer transaction: when it committed, relative to the
// others, and the outbox row ids it got.
type commit struct {
	seq    int64
	rowIDs []int64
}

// outOfOrderCommits counts transactions that committed after one holding
// higher outbox row ids: the case a high-water-mark relay would skip.
func outOfOrderCommits(commits []commit) int {
	slices.SortFunc(commits, func(a, b commit) int { return int(a.seq - b.seq) })
	var maxSeen int64
	n := 0
	for _, c := range commits {
		lo := slices.Min(c.rowIDs)
		if lo < maxSeen {
			n++
		}
		maxSeen = max(maxSeen, slices.Max(c.rowIDs))
	}
	return n
}
