package api

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a set of token buckets by key (an IP, an account), for login
// throttling. Buckets not used for a while are forgotten. It is per gateway
// replica: with N replicas an attacker gets at most N times the budget,
// which still turns a brute-force attack into a hopeless one.
type limiter struct {
	every time.Duration
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	lastGC  time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

// newLimiter allows burst events at once, refilling one every every.
func newLimiter(every time.Duration, burst int) *limiter {
	return &limiter{every: every, burst: burst, buckets: map[string]*bucket{}}
}

func (l *limiter) get(key string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastGC) > time.Minute {
		full := l.every * time.Duration(l.burst)
		for k, b := range l.buckets {
			if now.Sub(b.used) > full {
				delete(l.buckets, k)
			}
		}
		l.lastGC = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.used = now
	return b.lim
}

// wait returns how long key must wait before its next event; zero when an
// event is allowed now. It does not consume a token.
func (l *limiter) wait(key string, now time.Time) time.Duration {
	lim := l.get(key, now)
	if lim.TokensAt(now) >= 1 {
		return 0
	}
	r := lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return d
}

// spend consumes a token for key (a failed attempt, or any attempt).
func (l *limiter) spend(key string, now time.Time) {
	l.get(key, now).AllowN(now, 1)
}

// retryAfter rounds a wait up to whole seconds, at least one.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
