package batch_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moksho/platform/pkg/batch"
)

// square is a fetch that knows every key but 13.
func square(_ context.Context, keys []int) (map[int]int, error) {
	m := make(map[int]int, len(keys))
	for _, k := range keys {
		if k != 13 {
			m[k] = k * k
		}
	}
	return m, nil
}

func TestLoadAloneFetchesAtOnce(t *testing.T) {
	var got [][]int
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		got = append(got, keys)
		return square(ctx, keys)
	}, batch.Options{})
	v, ok, err := l.Load(context.Background(), 7)
	if err != nil || !ok || v != 49 {
		t.Fatalf("Load(7) = %d, %v, %v; want 49, true, nil", v, ok, err)
	}
	if _, ok, err := l.Load(context.Background(), 13); ok || err != nil {
		t.Fatalf("Load(13) found=%v err=%v; want not found, no error", ok, err)
	}
	if fmt.Sprint(got) != "[[7] [13]]" {
		t.Fatalf("fetches = %v, want [[7] [13]]", got)
	}
}

// TestQueuedLookupsShareFetches holds every slot busy, queues lookups
// behind them, and checks they are served by few fetches, none larger than
// MaxBatch, each key asked once per fetch.
func TestQueuedLookupsShareFetches(t *testing.T) {
	const slots, maxBatch, queued = 2, 8, 40
	gate := make(chan struct{})
	var mu sync.Mutex
	var fetches [][]int
	var inFlight, most atomic.Int32
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		mu.Lock()
		fetches = append(fetches, append([]int(nil), keys...))
		mu.Unlock()
		<-gate
		return square(ctx, keys)
	}, batch.Options{Concurrency: slots, MaxBatch: maxBatch})

	var wg sync.WaitGroup
	errs := make(chan error, slots+queued)
	load := func(k int) {
		defer wg.Done()
		v, ok, err := l.Load(context.Background(), k)
		switch {
		case err != nil:
			errs <- err
		case k == 13 && ok:
			errs <- fmt.Errorf("key 13 found")
		case k != 13 && (!ok || v != k*k):
			errs <- fmt.Errorf("Load(%d) = %d, %v", k, v, ok)
		}
	}
	for k := range slots { // one at a time, so that each takes a slot
		wg.Add(1)
		go load(1000 + k)
		waitFor(t, func() bool { return inFlight.Load() == int32(k+1) })
	}
	for k := range queued {
		wg.Add(1)
		go load(k % 20) // duplicates on purpose
	}
	time.Sleep(50 * time.Millisecond) // let them queue behind the busy slots
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if most.Load() > slots {
		t.Errorf("%d fetches ran at once, want at most %d", most.Load(), slots)
	}
	for _, f := range fetches {
		seen := map[int]bool{}
		for _, k := range f {
			if seen[k] {
				t.Errorf("fetch %v asks for %d twice", f, k)
			}
			seen[k] = true
		}
		if len(f) > maxBatch {
			t.Errorf("fetch of %d keys, want at most %d", len(f), maxBatch)
		}
	}
	// 2 fetches for the first lookups, then 40 queued in batches of 8.
	if len(fetches) > slots+queued/maxBatch {
		t.Errorf("%d fetches for %d lookups, want at most %d: %v", len(fetches), slots+queued, slots+queued/maxBatch, fetches)
	}
}

func TestErrorReachesEveryCallerOfTheBatch(t *testing.T) {
	boom := errors.New("boom")
	gate := make(chan struct{})
	var calls atomic.Int32
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		if calls.Add(1) == 1 {
			<-gate
			return square(ctx, keys)
		}
		return nil, boom
	}, batch.Options{Concurrency: 1})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, _, err := l.Load(context.Background(), 1); err != nil {
			t.Errorf("first lookup: %v", err)
		}
	}()
	waitFor(t, func() bool { return calls.Load() == 1 })
	results := make(chan error, 5)
	for k := range 5 {
		go func() {
			_, _, err := l.Load(context.Background(), 10+k)
			results <- err
		}()
	}
	time.Sleep(30 * time.Millisecond)
	close(gate)
	for range 5 {
		if err := <-results; !errors.Is(err, boom) {
			t.Errorf("queued lookup error = %v, want boom", err)
		}
	}
	wg.Wait()
	if calls.Load() != 2 {
		t.Errorf("%d fetches, want 2 (the queued five in one)", calls.Load())
	}
}

func TestCallerThatGivesUpDoesNotCancelOthers(t *testing.T) {
	gate := make(chan struct{})
	var calls atomic.Int32
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		calls.Add(1)
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return square(ctx, keys)
	}, batch.Options{Concurrency: 1})

	ctx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() {
		_, _, err := l.Load(ctx, 2)
		leaderDone <- err
	}()
	waitFor(t, func() bool { return calls.Load() == 1 })
	other := make(chan error, 1)
	go func() {
		v, ok, err := l.Load(context.Background(), 3)
		if err == nil && (!ok || v != 9) {
			err = fmt.Errorf("Load(3) = %d, %v", v, ok)
		}
		other <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	// The first caller gives up; the fetch goes on for the other one.
	close(gate)
	if err := <-leaderDone; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	if err := <-other; err != nil {
		t.Fatalf("other caller: %v", err)
	}
}

func TestFetchTimeout(t *testing.T) {
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}, batch.Options{Timeout: 20 * time.Millisecond})
	if _, _, err := l.Load(context.Background(), 1); !errors.Is(err, batch.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

// TestManyCallers checks, under the race detector, that every lookup gets
// its own key's value however the lookups interleave.
func TestManyCallers(t *testing.T) {
	var fetches atomic.Int32
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		fetches.Add(1)
		time.Sleep(100 * time.Microsecond)
		return square(ctx, keys)
	}, batch.Options{Concurrency: 3, MaxBatch: 5})
	const goroutines, each = 32, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				k := (g*each + i) % 97
				v, ok, err := l.Load(context.Background(), k)
				if err != nil || ok != (k != 13) || (ok && v != k*k) {
					t.Errorf("Load(%d) = %d, %v, %v", k, v, ok, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := fetches.Load(); n >= goroutines*each {
		t.Errorf("%d fetches for %d lookups: nothing was batched", n, goroutines*each)
	}
	t.Logf("%d lookups in %d fetches", goroutines*each, fetches.Load())
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPanickingFetchIsAnErrorAndTheLoaderGoesOn(t *testing.T) {
	var calls atomic.Int32
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return square(ctx, keys)
	}, batch.Options{Concurrency: 1})
	if _, _, err := l.Load(context.Background(), 2); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("err = %v, want the panic as an error", err)
	}
	if v, ok, err := l.Load(context.Background(), 3); err != nil || !ok || v != 9 {
		t.Fatalf("after a panic: Load(3) = %d, %v, %v", v, ok, err)
	}
}

// TestCallersReturnWhenTheirContextEnds: both the caller whose lookup
// started the fetch and one queued behind it stop waiting when their own
// context ends, while the fetch is still stuck.
func TestCallersReturnWhenTheirContextEnds(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		<-gate
		return square(ctx, keys)
	}, batch.Options{Concurrency: 1})
	for _, key := range []int{1, 2} { // 1 starts the fetch, 2 queues behind it
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		start := time.Now()
		_, _, err := l.Load(ctx, key)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Load(%d): err = %v, want deadline exceeded", key, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Load(%d) returned after %s, not when its context ended", key, d)
		}
	}
}

type ctxKey struct{}

func TestFetchSeesTheFirstCallersValues(t *testing.T) {
	var got any
	l := batch.New(func(ctx context.Context, keys []int) (map[int]int, error) {
		got = ctx.Value(ctxKey{})
		return square(ctx, keys)
	}, batch.Options{})
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "trace-1"))
	if _, _, err := l.Load(ctx, 4); err != nil {
		t.Fatal(err)
	}
	cancel()
	if got != "trace-1" {
		t.Fatalf("fetch saw %v, want the caller's value", got)
	}
}
