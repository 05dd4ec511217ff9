package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/moksho/platform/pkg/logging"
	"github.com/moksho/platform/pkg/pg"
)

// Handler applies one event. Every write it makes goes through tx, the
// transaction that also records the event as processed: if the handler
// returns an error, or the commit fails, none of it happened and the event
// is retried. ctx carries the producer's trace context and the event's user
// ID (see Event.Context).
type Handler func(ctx context.Context, tx pgx.Tx, e Event) error

// Defaults of ConsumerSpec and ConsumerOptions.
const (
	DefaultMaxDeliver         = 8
	DefaultAckWait            = 30 * time.Second
	DefaultProcessedRetention = 30 * 24 * time.Hour
)

// defaultBackoff spaces the retries of a failing event over about half an
// hour: long enough to outlast a deploy or a dependency's brief outage,
// short enough that a real defect reaches the DLQ the same day.
var defaultBackoff = []time.Duration{
	time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute,
	5 * time.Minute, 10 * time.Minute, 10 * time.Minute,
}

// housekeepingEvery is how often a consumer prunes old processed-event rows.
const housekeepingEvery = time.Hour

// ConsumerSpec describes one durable consumer.
type ConsumerSpec struct {
	// Service is the consuming service; durable name and DLQ subject
	// derive from it.
	Service string
	// Durable is the durable consumer name; defaults to Service. A service
	// may run several (e.g. "evaluation-transcribe"), each applying every
	// event it receives once, independently of the others.
	Durable string
	// Stream the consumer reads, e.g. "EVALUATION".
	Stream string
	// FilterSubjects narrows the stream; empty means all of it.
	FilterSubjects []string
	// MaxDeliver bounds the attempts at one message before it is
	// dead-lettered; default 8.
	MaxDeliver int
	// Backoff is the delay before retry n (Backoff[n-1], the last value
	// repeating); default 1s, 5s, 30s, 2m, 5m, 10m, 10m. The consumer
	// applies it with NakWithDelay after a failed attempt. It is not given
	// to the server as the consumer's BackOff, because the server would
	// then replace AckWait with Backoff[0] and redeliver a slow handler's
	// message while it still runs.
	Backoff []time.Duration
	// AckWait is how long the server waits for an answer before it
	// redelivers (a replica died mid-message); default 30s. A handler that
	// runs longer is kept alive with progress acks.
	AckWait time.Duration
	// MaxAckPending bounds unacknowledged messages across all replicas; 0
	// leaves the server's default (1000).
	MaxAckPending int
	// Concurrency is how many messages one replica handles at once;
	// default 1, which also keeps one replica's handling in stream order.
	Concurrency int
}

// ConsumerOptions are the consumer's dependencies.
type ConsumerOptions struct {
	// Log receives failures and dead letters; default discards.
	Log *slog.Logger
	// Registerer takes the consumer's metrics (labelled by durable name);
	// nil registers none.
	Registerer prometheus.Registerer
	// ProcessedRetention is how long a processed-event row is kept;
	// default 30 days. Keep it longer than the stream's MaxAge: an event
	// redelivered or replayed after its row is gone is applied again.
	ProcessedRetention time.Duration
}

// Permanent marks a handler error that no retry can fix (an undecodable
// payload, an event that contradicts the state for good): the message goes
// to the dead-letter subject at once instead of being retried.
func Permanent(err error) error {
	if err == nil || IsPermanent(err) {
		return err
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// Consumer applies the events of one durable pull consumer exactly once to
// a service's database. Run it in every replica: the replicas share the
// durable consumer, and JetStream hands each message to one of them.
type Consumer struct {
	pool *pgxpool.Pool
	js   jetstream.JetStream
	spec ConsumerSpec
	h    Handler
	opts ConsumerOptions
	log  *slog.Logger
	m    *consumerMetrics
	err  error // an invalid spec, reported by Run

	// crashBeforeSettle is a test hook called before the consumer acks,
	// naks or dead-letters a message (err is the outcome): true makes it
	// walk away as if its process died there.
	crashBeforeSettle func(e Event, err error) bool
}

// NewConsumer returns a consumer applying spec's events with h in pool's
// database. An invalid spec is reported by Run.
func NewConsumer(pool *pgxpool.Pool, js jetstream.JetStream, spec ConsumerSpec, h Handler, opts ConsumerOptions) *Consumer {
	if opts.Log == nil {
		opts.Log = logging.Discard()
	}
	if opts.ProcessedRetention <= 0 {
		opts.ProcessedRetention = DefaultProcessedRetention
	}
	spec, err := spec.withDefaults()
	if err == nil && h == nil {
		err = errors.New("consumer: nil handler")
	}
	return &Consumer{
		pool: pool,
		js:   js,
		spec: spec,
		h:    h,
		opts: opts,
		log:  opts.Log.With("component", "consumer", "consumer", spec.Durable, "stream", spec.Stream),
		m:    newConsumerMetrics(opts.Registerer),
		err:  err,
	}
}

func (s ConsumerSpec) withDefaults() (ConsumerSpec, error) {
	if s.Durable == "" {
		s.Durable = s.Service
	}
	if !validToken(s.Service) {
		return s, fmt.Errorf("consumer: invalid service name %q", s.Service)
	}
	if !validToken(s.Durable) {
		return s, fmt.Errorf("consumer: invalid durable name %q", s.Durable)
	}
	if !validToken(s.Stream) {
		return s, fmt.Errorf("consumer %s: invalid stream name %q", s.Durable, s.Stream)
	}
	for _, f := range s.FilterSubjects {
		if f == "" || strings.ContainsAny(f, " \t\r\n") {
			return s, fmt.Errorf("consumer %s: invalid filter subject %q", s.Durable, f)
		}
	}
	if s.MaxDeliver <= 0 {
		s.MaxDeliver = DefaultMaxDeliver
	}
	if len(s.Backoff) == 0 {
		s.Backoff = slices.Clone(defaultBackoff)
	}
	for _, d := range s.Backoff {
		if d <= 0 {
			return s, fmt.Errorf("consumer %s: backoff delays must be positive", s.Durable)
		}
	}
	if s.AckWait <= 0 {
		s.AckWait = DefaultAckWait
	}
	if s.Concurrency <= 0 {
		s.Concurrency = 1
	}
	return s, nil
}

// Run creates or updates the durable pull consumer (explicit ack) and
// handles messages until ctx is done, then drains: it stops pulling, hands
// prefetched messages back at once, lets handlers in flight finish (for up
// to AckWait), and returns nil. It retries while the stream does not exist
// yet or NATS is unreachable, and fails only for a spec the server rejects.
// It also makes sure the DLQ stream exists (creating it with DLQStream's
// settings if missing), and prunes this consumer's processed-event rows
// older than ProcessedRetention every hour.
func (c *Consumer) Run(ctx context.Context) error {
	if c.err != nil {
		return c.err
	}
	// Handlers in flight when ctx ends get AckWait more to finish, so a
	// shutdown does not turn into failed attempts.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	stopGrace := context.AfterFunc(ctx, func() { time.AfterFunc(c.spec.AckWait, hcancel) })
	defer stopGrace()

	cons, err := c.setup(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}

	var wg sync.WaitGroup
	defer wg.Wait()
	if sub, err := c.watchMaxDeliveries(ctx, hctx, &wg); err != nil {
		c.log.WarnContext(ctx, "cannot watch for max-delivery advisories", "err", err)
	} else {
		defer sub.Unsubscribe() //nolint:errcheck // the connection may be gone
	}
	wg.Go(func() { c.housekeep(ctx) })

	var delay time.Duration
	for {
		err := c.consume(ctx, hctx, cons)
		if ctx.Err() != nil {
			return nil
		}
		delay = backoff(delay, 100*time.Millisecond, 10*time.Second)
		c.log.WarnContext(ctx, "consuming stopped; restarting", "err", err, "retry_in", delay)
		if !sleep(ctx, delay) {
			return nil
		}
		if cons, err = c.setup(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// setup creates the consumer, retrying what time can fix.
func (c *Consumer) setup(ctx context.Context) (jetstream.Consumer, error) {
	var delay time.Duration
	for {
		cons, err := c.createConsumer(ctx)
		if err == nil {
			return cons, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode != jetstream.JSErrCodeStreamNotFound {
			return nil, err
		}
		delay = backoff(delay, 100*time.Millisecond, 10*time.Second)
		c.log.WarnContext(ctx, "consumer not ready; retrying", "err", err, "retry_in", delay)
		if !sleep(ctx, delay) {
			return nil, ctx.Err()
		}
	}
}

func (c *Consumer) createConsumer(ctx context.Context) (jetstream.Consumer, error) {
	if err := ensureStreamExists(ctx, c.js, DLQStream); err != nil {
		return nil, fmt.Errorf("consumer %s: dead-letter stream: %w", c.spec.Durable, err)
	}
	stream, err := c.js.Stream(ctx, c.spec.Stream)
	if err != nil {
		return nil, fmt.Errorf("consumer %s: stream %s: %w", c.spec.Durable, c.spec.Stream, err)
	}
	if age := stream.CachedInfo().Config.MaxAge; age == 0 || age > c.opts.ProcessedRetention {
		c.log.WarnContext(ctx, "stream keeps events longer than processed-event rows; a replay of older events would apply them again",
			"stream_max_age", age, "processed_retention", c.opts.ProcessedRetention)
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:        c.spec.Durable,
		Description:    "moksho bus consumer of service " + c.spec.Service,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.spec.AckWait,
		MaxDeliver:     c.spec.MaxDeliver,
		FilterSubjects: c.spec.FilterSubjects,
		MaxAckPending:  c.spec.MaxAckPending,
		ReplayPolicy:   jetstream.ReplayInstantPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("consumer %s on stream %s: %w", c.spec.Durable, c.spec.Stream, err)
	}
	return cons, nil
}

// fetchWait bounds one pull request; a fetch that gets fewer messages ends
// then and the next one starts.
const fetchWait = 10 * time.Second

// consume pulls and dispatches messages until ctx ends (nil) or pulling
// fails (the error). Each pull asks for as many messages as there are free
// handler slots, so nothing waits in a client buffer while its AckWait
// runs. (It uses Fetch rather than Consumer.Messages: the iterator of
// nats.go v1.55 can miss re-pulling when a reply beats its own bookkeeping,
// and then stalls until its heartbeat check half a minute later.)
func (c *Consumer) consume(ctx, hctx context.Context, cons jetstream.Consumer) error {
	sem := make(chan struct{}, c.spec.Concurrency)
	release := func(n int) {
		for range n {
			<-sem
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		if !acquire(ctx, sem) {
			return nil
		}
		free := 1 + acquireMore(sem)
		fctx, cancel := context.WithTimeout(ctx, fetchWait)
		batch, err := cons.Fetch(free, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			release(free)
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("fetch: %w", err)
		}
		used := 0
		for msg := range batch.Messages() {
			used++
			if ctx.Err() != nil {
				// Fetched but not started: hand it to another replica now
				// rather than after AckWait.
				_ = msg.Nak()
				release(1)
				continue
			}
			wg.Go(func() {
				defer release(1)
				c.handle(ctx, hctx, msg)
			})
		}
		cancel()
		release(free - used)
		if ctx.Err() != nil {
			return nil
		}
		if err := batch.Error(); err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
			return fmt.Errorf("fetch: %w", err)
		}
	}
}

// acquireMore takes the handler slots that are free right now, without
// waiting, and reports how many.
func acquireMore(sem chan struct{}) int {
	n := 0
	for {
		select {
		case sem <- struct{}{}:
			n++
		default:
			return n
		}
	}
}

// acquire takes a handler slot, or reports false once ctx has ended.
func acquire(ctx context.Context, sem chan struct{}) bool {
	if ctx.Err() != nil {
		return false
	}
	select {
	case sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// handle applies one message and settles it: ack, nak with backoff, or
// dead letter.
func (c *Consumer) handle(ctx, hctx context.Context, msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		c.log.ErrorContext(ctx, "message without JetStream metadata; terminating it", "err", err, "subject", msg.Subject())
		_ = msg.Term()
		return
	}
	e, err := FromMsg(msg)
	if err != nil {
		c.m.failed.WithLabelValues(c.spec.Durable).Inc()
		if c.crashBeforeSettle != nil && c.crashBeforeSettle(Event{}, err) {
			return
		}
		c.deadLetter(hctx, msg, md, err)
		return
	}

	start := time.Now()
	duplicate, err := c.apply(hctx, msg, e)
	c.m.duration.WithLabelValues(c.spec.Durable).Observe(time.Since(start).Seconds())
	if c.crashBeforeSettle != nil && c.crashBeforeSettle(e, err) {
		return
	}
	lctx := e.Context(ctx)
	if err == nil {
		if err := msg.Ack(); err != nil {
			// Redelivered later and recognised as applied.
			c.log.WarnContext(lctx, "ack failed", "err", err, "event_id", e.ID)
		}
		result := "applied"
		if duplicate {
			result = "duplicate"
		}
		c.m.handled.WithLabelValues(c.spec.Durable, result).Inc()
		return
	}

	c.m.failed.WithLabelValues(c.spec.Durable).Inc()
	if IsPermanent(err) || md.NumDelivered >= uint64(c.spec.MaxDeliver) {
		c.deadLetter(hctx, msg, md, err)
		return
	}
	if ctx.Err() != nil {
		// Shutting down (the failure may be the cancellation itself): let
		// another replica try at once.
		_ = msg.Nak()
		return
	}
	delay := c.retryDelay(md.NumDelivered)
	c.log.WarnContext(lctx, "handle event failed; will retry", "err", err,
		"event_id", e.ID, "event_type", e.Type, "delivery", md.NumDelivered, "retry_in", delay)
	if err := msg.NakWithDelay(delay); err != nil {
		c.log.WarnContext(lctx, "nak failed; redelivery after AckWait", "err", err, "event_id", e.ID)
	}
}

// apply runs the handler and records the event as processed in one
// transaction; duplicate reports that the event had been applied before.
func (c *Consumer) apply(ctx context.Context, msg jetstream.Msg, e Event) (duplicate bool, err error) {
	stop := c.keepAlive(msg)
	defer stop()
	ctx = e.Context(ctx)
	err = pg.InTx(ctx, c.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO bus_processed_events (consumer, event_id, processed_at)
			VALUES ($1, $2, now())
			ON CONFLICT DO NOTHING`, c.spec.Durable, e.ID)
		if err != nil {
			return fmt.Errorf("record event %s as processed: %w", e.ID, err)
		}
		if tag.RowsAffected() == 0 {
			duplicate = true
			return nil
		}
		return c.callHandler(ctx, tx, e)
	})
	return duplicate, err
}

// callHandler turns a handler panic into an error, so one bad event is
// retried and dead-lettered instead of taking the service down.
func (c *Consumer) callHandler(ctx context.Context, tx pgx.Tx, e Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			c.log.ErrorContext(ctx, "event handler panicked", "panic", p, "event_id", e.ID, "stack", string(debug.Stack()))
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return c.h(ctx, tx, e)
}

// keepAlive tells the server, every third of AckWait, that the message is
// still being worked on, until stop is called.
func (c *Consumer) keepAlive(msg jetstream.Msg) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(c.spec.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// retryDelay is the backoff before delivery n+1.
func (c *Consumer) retryDelay(delivered uint64) time.Duration {
	i := int(min(delivered, uint64(len(c.spec.Backoff)))) - 1
	return c.spec.Backoff[max(i, 0)]
}

// deadLetter publishes msg to the service's dead-letter subject and
// terminates it. While the DLQ cannot be reached it keeps the message
// alive and retries; if it has to give up (shutdown), it naks, so the
// message is redelivered or, after its last delivery, caught by the
// max-deliveries advisory.
func (c *Consumer) deadLetter(ctx context.Context, msg jetstream.Msg, md *jetstream.MsgMetadata, cause error) {
	dl, id := c.deadLetterMsg(msg.Subject(), msg.Headers(), msg.Data(), md.Stream, md.Sequence.Stream, md.NumDelivered, cause.Error())
	dup, err := c.publishDeadLetter(ctx, dl, id, func() { _ = msg.InProgress() })
	if err != nil {
		c.log.ErrorContext(ctx, "cannot dead-letter message; leaving it for redelivery", "err", err, "stream_seq", md.Sequence.Stream)
		_ = msg.Nak()
		return
	}
	if err := msg.TermWithReason(truncate("dead-lettered: "+oneLine(cause.Error()), 200)); err != nil {
		c.log.WarnContext(ctx, "terminate dead-lettered message", "err", err, "stream_seq", md.Sequence.Stream)
	}
	if !dup {
		c.m.deadLettered.WithLabelValues(c.spec.Durable).Inc()
	}
	c.log.WarnContext(ctx, "message dead-lettered", "reason", cause.Error(), "subject", msg.Subject(),
		"event_id", msg.Headers().Get(HeaderMsgID), "stream_seq", md.Sequence.Stream, "deliveries", md.NumDelivered,
		"dlq_subject", dl.Subject)
}

// maxReasonLen bounds the reason header.
const maxReasonLen = 1024

// deadLetterMsg builds the DLQ copy of a message: the original payload and
// headers plus the Moksho-Dlq-* ones. Its Nats-Msg-Id is derived from the
// consumer and the stream position, so a repeat of the same dead letter is
// deduplicated but two consumers' dead letters of one event are not.
func (c *Consumer) deadLetterMsg(subject string, h nats.Header, data []byte, stream string, seq, deliveries uint64, reason string) (*nats.Msg, string) {
	hdr := nats.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "Nats-") {
			continue // broker directives of the original publish
		}
		hdr[k] = slices.Clone(v)
	}
	if id := h.Get(HeaderMsgID); id != "" {
		hdr.Set(HeaderDLQEventID, id)
	}
	id := fmt.Sprintf("dlq.%s.%s.%d", c.spec.Durable, stream, seq)
	hdr.Set(HeaderMsgID, id)
	hdr.Set(HeaderDLQReason, truncate(oneLine(reason), maxReasonLen))
	hdr.Set(HeaderDLQConsumer, c.spec.Durable)
	hdr.Set(HeaderDLQDeliveries, strconv.FormatUint(deliveries, 10))
	hdr.Set(HeaderDLQStream, stream)
	hdr.Set(HeaderDLQStreamSeq, strconv.FormatUint(seq, 10))
	hdr.Set(HeaderDLQSubject, subject)
	return &nats.Msg{Subject: DLQSubject(c.spec.Service), Header: hdr, Data: data}, id
}

// publishDeadLetter publishes until the DLQ stream acknowledges or ctx
// ends, calling keepAlive between attempts.
func (c *Consumer) publishDeadLetter(ctx context.Context, m *nats.Msg, id string, keepAlive func()) (duplicate bool, err error) {
	var delay time.Duration
	for {
		pctx, cancel := context.WithTimeout(ctx, DefaultPublishTimeout)
		ack, err := c.js.PublishMsg(pctx, m, jetstream.WithMsgID(id))
		cancel()
		if err == nil {
			return ack.Duplicate, nil
		}
		delay = backoff(delay, 100*time.Millisecond, 5*time.Second)
		c.log.WarnContext(ctx, "publish dead letter failed; retrying", "err", err, "subject", m.Subject, "retry_in", delay)
		if keepAlive != nil {
			keepAlive()
		}
		if !sleep(ctx, delay) {
			return false, fmt.Errorf("publish dead letter to %s: %w", m.Subject, err)
		}
	}
}

// maxDeliveriesAdvisory is the server's notice that a message reached
// MaxDeliver without being acked or terminated.
type maxDeliveriesAdvisory struct {
	Stream     string `json:"stream"`
	Consumer   string `json:"consumer"`
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
}

// watchMaxDeliveries catches messages whose last delivery was never
// answered (the replica handling it died, or a handler outlived AckWait
// without progress): the server stops delivering them and says so in an
// advisory; the consumer dead-letters them unless their effect was in fact
// committed. Every replica listens; the DLQ's dedupe keeps one copy.
func (c *Consumer) watchMaxDeliveries(ctx, hctx context.Context, wg *sync.WaitGroup) (*nats.Subscription, error) {
	ch := make(chan *nats.Msg, 64)
	subject := fmt.Sprintf("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.%s.%s", c.spec.Stream, c.spec.Durable)
	sub, err := c.js.Conn().ChanSubscribe(subject, ch)
	if err != nil {
		return nil, fmt.Errorf("subscribe %s: %w", subject, err)
	}
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-ch:
				c.deadLetterUnanswered(hctx, m.Data)
			}
		}
	})
	return sub, nil
}

func (c *Consumer) deadLetterUnanswered(ctx context.Context, advisory []byte) {
	var adv maxDeliveriesAdvisory
	if err := json.Unmarshal(advisory, &adv); err != nil || adv.StreamSeq == 0 || adv.Stream == "" {
		c.log.WarnContext(ctx, "unreadable max-deliveries advisory", "err", err)
		return
	}
	log := c.log.With("stream_seq", adv.StreamSeq, "deliveries", adv.Deliveries)
	stream, err := c.js.Stream(ctx, adv.Stream)
	if err != nil {
		log.ErrorContext(ctx, "max deliveries reached; cannot read the stream to dead-letter the message", "err", err)
		return
	}
	raw, err := stream.GetMsg(ctx, adv.StreamSeq)
	if err != nil {
		log.ErrorContext(ctx, "max deliveries reached; cannot read the message to dead-letter it", "err", err)
		return
	}
	if e, err := ParseEvent(raw.Subject, raw.Header, raw.Data); err == nil {
		var applied bool
		err := c.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM bus_processed_events WHERE consumer = $1 AND event_id = $2)`,
			c.spec.Durable, e.ID).Scan(&applied)
		if err != nil {
			log.ErrorContext(ctx, "max deliveries reached; cannot tell whether the event was applied", "err", err, "event_id", e.ID)
			return
		}
		if applied {
			return // only the ack was lost
		}
	}
	reason := fmt.Sprintf("no answer after %d deliveries: the handling replica died or the handler outlived AckWait", adv.Deliveries)
	dl, id := c.deadLetterMsg(raw.Subject, raw.Header, raw.Data, adv.Stream, adv.StreamSeq, adv.Deliveries, reason)
	dup, err := c.publishDeadLetter(ctx, dl, id, nil)
	if err != nil {
		log.ErrorContext(ctx, "max deliveries reached; cannot dead-letter the message", "err", err)
		return
	}
	if !dup {
		c.m.deadLettered.WithLabelValues(c.spec.Durable).Inc()
		log.WarnContext(ctx, "message dead-lettered", "reason", reason, "subject", raw.Subject, "dlq_subject", dl.Subject)
	}
}

// housekeep deletes this consumer's processed-event rows older than the
// retention, now and every hour, so the table does not grow forever.
func (c *Consumer) housekeep(ctx context.Context) {
	for {
		n, err := pruneProcessed(ctx, c.pool, c.spec.Durable, time.Now().Add(-c.opts.ProcessedRetention))
		if err != nil && ctx.Err() == nil {
			c.log.WarnContext(ctx, "prune processed events", "err", err)
		} else if n > 0 {
			c.log.InfoContext(ctx, "pruned processed events", "rows", n)
		}
		if !sleep(ctx, housekeepingEvery) {
			return
		}
	}
}

// pruneProcessed deletes consumer's rows processed before cutoff, in
// chunks so no statement holds locks for long.
func pruneProcessed(ctx context.Context, db pg.Querier, consumer string, cutoff time.Time) (int64, error) {
	const chunk = 5000
	var total int64
	for {
		tag, err := db.Exec(ctx, `
			DELETE FROM bus_processed_events
			WHERE ctid IN (
				SELECT ctid FROM bus_processed_events
				WHERE consumer = $1 AND processed_at < $2
				LIMIT $3)`, consumer, cutoff, chunk)
		if err != nil {
			return total, fmt.Errorf("delete processed events of %s: %w", consumer, err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < chunk {
			return total, nil
		}
	}
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
