package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/moksho/platform/pkg/logging"
)

// relayLockKey is the advisory lock a relay holds for the length of one
// batch transaction, so one relay per database publishes at a time.
// ("mkshbus1" in ASCII; advisory locks are per database.)
const relayLockKey int64 = 0x6d6b7368_62757331

// Defaults of RelayOptions.
const (
	DefaultBatchSize      = 100
	DefaultPollInterval   = time.Second
	DefaultPublishTimeout = 5 * time.Second
	DefaultMaxRetryDelay  = 10 * time.Second
)

// RelayOptions tune a Relay; the zero value is usable.
type RelayOptions struct {
	// Log receives publish failures and reconnects; default discards.
	Log *slog.Logger
	// Registerer takes the relay's metrics; nil registers none. Give each
	// service its own (or one wrapped with a service label): relays
	// sharing a Registerer share their metrics.
	Registerer prometheus.Registerer
	// BatchSize is how many rows one transaction publishes; default 100.
	BatchSize int
	// PollInterval is the fallback poll when no notification arrives
	// (missed while reconnecting, or held by another relay); default 1s.
	PollInterval time.Duration
	// PublishTimeout bounds the wait for one PubAck; default 5s.
	PublishTimeout time.Duration
	// MaxRetryDelay caps the backoff between attempts while publishing
	// fails (NATS down, stream missing); default 10s.
	MaxRetryDelay time.Duration
}

// Relay publishes committed outbox rows to JetStream and deletes each once
// the broker has acknowledged it. Run one per service replica: an advisory
// lock lets one of them publish at a time.
type Relay struct {
	pool *pgxpool.Pool
	js   jetstream.JetStream
	opts RelayOptions
	log  *slog.Logger
	m    *relayMetrics
	wake chan struct{}

	// crashAfterPublish is a test hook, called after each PubAck: true
	// makes the relay stop as if its process died there, leaving the
	// batch's rows in the outbox.
	crashAfterPublish func() bool
}

// errLocked means another relay holds the outbox lock.
var errLocked = errors.New("another relay is publishing")

// errCrashed is what the test hook turns into.
var errCrashed = errors.New("relay crashed (test hook)")

// NewRelay returns a relay publishing the outbox in pool's database to js.
// The relay uses one pool connection for LISTEN all the time it runs and
// one more while a batch is publishing.
func NewRelay(pool *pgxpool.Pool, js jetstream.JetStream, opts RelayOptions) *Relay {
	if opts.Log == nil {
		opts.Log = logging.Discard()
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.PublishTimeout <= 0 {
		opts.PublishTimeout = DefaultPublishTimeout
	}
	if opts.MaxRetryDelay <= 0 {
		opts.MaxRetryDelay = DefaultMaxRetryDelay
	}
	return &Relay{
		pool: pool,
		js:   js,
		opts: opts,
		log:  opts.Log.With("component", "outbox-relay"),
		m:    newRelayMetrics(opts.Registerer),
		wake: make(chan struct{}, 1),
	}
}

// Run publishes until ctx is done, then returns nil. It wakes on the
// NOTIFY that Enqueue sends at commit, and polls every PollInterval in case
// a notification was missed. While publishing fails it keeps the rows and
// retries with backoff; it never drops one.
func (r *Relay) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	listenDone := make(chan struct{})
	go func() {
		defer close(listenDone)
		r.listen(ctx)
	}()
	defer func() {
		cancel()
		<-listenDone
	}()

	var delay time.Duration
	for {
		n, err := r.publishBatch(ctx)
		if errors.Is(err, errCrashed) {
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case errors.Is(err, errLocked):
			// Another replica publishes; wait for our turn.
		case err != nil:
			r.m.errors.Inc()
			delay = backoff(delay, 100*time.Millisecond, r.opts.MaxRetryDelay)
			r.log.WarnContext(ctx, "publish outbox", "err", err, "published", n, "retry_in", delay)
			r.observeBacklog(ctx)
			if !sleep(ctx, delay) {
				return nil
			}
			continue
		default:
			delay = 0
			if n == r.opts.BatchSize {
				continue // more waiting
			}
		}
		r.observeBacklog(ctx)
		t := time.NewTimer(r.opts.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-r.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

type outboxRow struct {
	id    int64
	event Event
}

// publishBatch publishes up to BatchSize unpublished rows, lowest ID first,
// in one transaction holding the outbox lock, and deletes the rows the
// broker acknowledged. It stops at the first failure so that a later row
// never overtakes an earlier one.
func (r *Relay) publishBatch(ctx context.Context) (int, error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // no-op after commit

	var locked bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, relayLockKey).Scan(&locked); err != nil {
		return 0, fmt.Errorf("take outbox lock: %w", err)
	}
	if !locked {
		return 0, errLocked
	}
	rows, err := tx.Query(ctx, `
		SELECT id, event_id::text, subject, event_type, occurred_at, user_id, traceparent, payload
		FROM bus_outbox ORDER BY id LIMIT $1`, r.opts.BatchSize)
	if err != nil {
		return 0, fmt.Errorf("select outbox: %w", err)
	}
	batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (outboxRow, error) {
		var o outboxRow
		err := row.Scan(&o.id, &o.event.ID, &o.event.Subject, &o.event.Type, &o.event.OccurredAt,
			&o.event.UserID, &o.event.TraceParent, &o.event.Payload)
		o.event.OccurredAt = o.event.OccurredAt.UTC()
		return o, err
	})
	if err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}

	var done []int64
	var pubErr error
	for _, o := range batch {
		pctx, cancelPub := context.WithTimeout(ctx, r.opts.PublishTimeout)
		ack, err := r.js.PublishMsg(pctx, o.event.Msg(), jetstream.WithMsgID(o.event.ID))
		cancelPub()
		if err != nil {
			pubErr = fmt.Errorf("publish event %s on %s: %w", o.event.ID, o.event.Subject, err)
			break
		}
		if ack.Duplicate {
			r.m.duplicates.Inc()
		} else {
			r.m.published.Inc()
		}
		done = append(done, o.id)
		if r.crashAfterPublish != nil && r.crashAfterPublish() {
			return len(done), errCrashed
		}
	}
	if len(done) == 0 {
		return 0, pubErr
	}
	// The broker has these events: record that even when ctx was cancelled
	// meanwhile, so a stopping relay leaves no repeat for the next one.
	dctx, cancelDel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelDel()
	if _, err := tx.Exec(dctx, `DELETE FROM bus_outbox WHERE id = ANY($1)`, done); err != nil {
		return 0, fmt.Errorf("delete published rows: %w", err)
	}
	if err := tx.Commit(dctx); err != nil {
		return 0, fmt.Errorf("commit published rows: %w", err)
	}
	return len(done), pubErr
}

// observeBacklog updates the backlog gauges.
func (r *Relay) observeBacklog(ctx context.Context) {
	var n int64
	var age float64
	err := r.pool.QueryRow(ctx, `
		SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
		FROM bus_outbox`).Scan(&n, &age)
	if err != nil {
		return // the next publish attempt reports database trouble
	}
	r.m.backlog.Set(float64(n))
	r.m.oldestAge.Set(age)
}

// listen holds a dedicated connection on LISTEN bus_outbox and pokes the
// publish loop on every notification, reconnecting with backoff when the
// connection is lost.
func (r *Relay) listen(ctx context.Context) {
	var delay time.Duration
	for {
		listening, err := r.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if listening {
			delay = 0
		}
		delay = backoff(delay, 100*time.Millisecond, r.opts.MaxRetryDelay)
		r.log.WarnContext(ctx, "outbox notifications lost; reconnecting", "err", err, "retry_in", delay)
		if !sleep(ctx, delay) {
			return
		}
	}
}

// listenOnce listens until the connection fails; listening reports whether
// LISTEN had succeeded.
func (r *Relay) listenOnce(ctx context.Context) (listening bool, err error) {
	pc, err := r.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("acquire connection: %w", err)
	}
	// The connection never goes back to the pool: it is subscribed to the
	// channel, and a cancelled wait leaves it closed.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck // closing a dead connection
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	// Rows may have been committed while nobody listened.
	r.poke()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true, fmt.Errorf("wait for notification: %w", err)
		}
		r.poke()
	}
}

func (r *Relay) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// backoff doubles d within [lo, hi].
func backoff(d, lo, hi time.Duration) time.Duration {
	d *= 2
	if d < lo {
		d = lo
	}
	if d > hi {
		d = hi
	}
	return d
}

// sleep waits d, reporting false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
