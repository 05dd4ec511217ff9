// Package batch turns many concurrent single-key lookups into fewer
// many-key ones, without waiting to fill a batch.
//
// A Loader runs at most a fixed number of fetches at a time, each on a
// goroutine of its own. A lookup that finds a free slot is fetched at once,
// alone: an idle system adds no waiting.
// Lookups that arrive while every slot is busy queue, and the next fetch
// takes all of them (up to a maximum) in one round trip. Under load the
// number of round trips per lookup falls; nothing is ever served from an
// earlier fetch, so every answer is read after its lookup began.
package batch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Fetch returns the values found for keys (distinct, at least one). Keys
// with no value are simply absent from the map.
type Fetch[K comparable, V any] func(ctx context.Context, keys []K) (map[K]V, error)

// Loader batches lookups for one Fetch. Create it with New.
type Loader[K comparable, V any] struct {
	fetch   Fetch[K, V]
	max     int
	slots   int
	timeout time.Duration

	mu      sync.Mutex
	pending []*call[K, V]
	running int
}

type call[K comparable, V any] struct {
	ctx   context.Context // the caller's, for the values a fetch carries
	key   K
	value V
	found bool
	err   error
	done  chan struct{}
}

// Options bound a Loader.
type Options struct {
	// Concurrency is the number of fetches that may run at once (default 2).
	Concurrency int
	// MaxBatch is the most keys one fetch is given (default 64).
	MaxBatch int
	// Timeout bounds each fetch (default 10 s). A fetch serves several
	// callers, so it does not end when one of them gives up; it ends when
	// it completes or this timeout passes.
	Timeout time.Duration
}

// New returns a loader over fetch.
func New[K comparable, V any](fetch Fetch[K, V], o Options) *Loader[K, V] {
	l := &Loader[K, V]{fetch: fetch, max: o.MaxBatch, slots: o.Concurrency, timeout: o.Timeout}
	if l.max <= 0 {
		l.max = 64
	}
	if l.slots <= 0 {
		l.slots = 2
	}
	if l.timeout <= 0 {
		l.timeout = 10 * time.Second
	}
	return l
}

// ErrTimeout is returned when a fetch outlives Options.Timeout.
var ErrTimeout = errors.New("batch: fetch timed out")

// Load looks key up, alone or with others queued at the same time. It
// reports whether a value was found. It returns early with ctx's error when
// ctx ends first; the fetch itself goes on for the other callers.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, bool, error) {
	c := &call[K, V]{ctx: ctx, key: key, done: make(chan struct{})}
	l.mu.Lock()
	l.pending = append(l.pending, c)
	start := l.running < l.slots
	if start {
		l.running++
	}
	l.mu.Unlock()
	if start {
		go l.drain()
	}
	select {
	case <-c.done:
		return c.value, c.found, c.err
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
}

// drain holds a slot: it runs batches until the queue is empty, then gives
// the slot up.
func (l *Loader[K, V]) drain() {
	for b := l.next(); b != nil; b = l.next() {
		l.run(b)
	}
}

// next takes the next batch for the holder of a slot, or gives the slot up
// when nothing is queued.
func (l *Loader[K, V]) next() []*call[K, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pending) == 0 {
		l.running--
		return nil
	}
	n := min(len(l.pending), l.max)
	b := slices.Clone(l.pending[:n])
	l.pending = slices.Delete(l.pending, 0, n)
	return b
}

// run fetches one batch and answers its callers. The fetch carries the
// values of the batch's first caller's context (a trace, say) but not its
// cancellation: it serves the others too.
func (l *Loader[K, V]) run(batch []*call[K, V]) {
	keys := make([]K, 0, len(batch))
	seen := make(map[K]struct{}, len(batch))
	for _, c := range batch {
		if _, dup := seen[c.key]; !dup {
			seen[c.key] = struct{}{}
			keys = append(keys, c.key)
		}
	}
	ctx, cancel := context.WithTimeoutCause(context.WithoutCancel(batch[0].ctx), l.timeout, ErrTimeout)
	defer cancel()
	values, err := l.safeFetch(ctx, keys)
	if err != nil && context.Cause(ctx) == ErrTimeout {
		err = errors.Join(ErrTimeout, err)
	}
	for _, c := range batch {
		if err != nil {
			c.err = err
		} else {
			c.value, c.found = values[c.key]
		}
		c.ctx = nil
		close(c.done)
	}
}

// safeFetch turns a panicking fetch into an error for the batch's callers,
// so that the slot is not lost and nobody waits forever.
func (l *Loader[K, V]) safeFetch(ctx context.Context, keys []K) (values map[K]V, err error) {
	defer func() {
		if r := recover(); r != nil {
			values, err = nil, fmt.Errorf("batch: fetch panicked: %v", r)
		}
	}()
	return l.fetch(ctx, keys)
}
