package zettle

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit says how fast the client sends requests to the Inventory API:
// every attempt of every request, pages and retries included, waits for
// its turn. Zettle documents 4 requests per second for v3 and blocks a
// client whose average rate stays above it; waiting costs less than being
// refused and retried.
type RateLimit struct {
	// PerSecond is the rate; zero sends every request at once.
	PerSecond float64
	// Burst is how many requests may go at once after a quiet spell; zero
	// is 1.
	Burst int
}

// Defaults of RateLimit.
const (
	DefaultRequestsPerSecond = 4
	DefaultRequestBurst      = 1
)

// DefaultRateLimit is Zettle's documented rate.
var DefaultRateLimit = RateLimit{PerSecond: DefaultRequestsPerSecond, Burst: DefaultRequestBurst}

// limiter paces a client's requests; nil sends them at once.
type limiter struct{ l *rate.Limiter }

func newLimiter(cfg RateLimit) *limiter {
	if cfg.PerSecond <= 0 {
		return nil
	}
	l := rate.NewLimiter(rate.Limit(cfg.PerSecond), max(cfg.Burst, 1))
	// Start with no turn in hand. Terraform runs each command's plan and
	// apply in provider processes of their own, one straight after the
	// other, and a new process cannot know how recently the last one sent:
	// waiting a full turn first keeps the service's rate across them.
	l.AllowN(time.Now(), l.Burst())
	return &limiter{l}
}

// errNotAdmitted is an attempt that gave up waiting for its turn: it was
// never sent.
var errNotAdmitted = errors.New("gave up waiting for a turn under the rate limit")

// wait blocks until an attempt may go. An attempt that carries its batch's
// admission (admit) goes without waiting again, once.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	if a, ok := ctx.Value(admissionKey{}).(*admission); ok && a.used.CompareAndSwap(false, true) {
		return nil
	}
	return l.take(ctx)
}

// take waits for a turn.
func (l *limiter) take(ctx context.Context) error {
	if err := l.l.Wait(ctx); err != nil {
		return fmt.Errorf("%w: %w", errNotAdmitted, err)
	}
	return nil
}

// admission is a turn taken for a batch before its request is built.
type admission struct{ used atomic.Bool }

type admissionKey struct{}

// admit waits for a turn and returns ctx carrying it, for the first attempt
// of the request the batch then sends. A batch waits here while it is still
// open, so that under the limit the calls that arrive meanwhile join it.
func (l *limiter) admit(ctx context.Context) (context.Context, error) {
	if l == nil {
		return ctx, nil
	}
	if err := l.take(ctx); err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, admissionKey{}, &admission{}), nil
}
