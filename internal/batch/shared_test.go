package batch_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/batch"
)

// fakeFetch is a fetch function that counts its calls and numbers them from
// 1. Each call reports itself on started and runs answer with its number.
type fakeFetch struct {
	calls   atomic.Int32
	started chan fetchCall
	answer  func(ctx context.Context, n int32) (int32, error)
}

// fetchCall is one call of a fakeFetch.
type fetchCall struct {
	ctx context.Context
	key string
	n   int32
}

// newFakeFetch returns a fakeFetch whose calls answer as answer does; a nil
// answer returns the call's number.
func newFakeFetch(answer func(ctx context.Context, n int32) (int32, error)) *fakeFetch {
	if answer == nil {
		answer = func(_ context.Context, n int32) (int32, error) { return n, nil }
	}
	return &fakeFetch{started: make(chan fetchCall, 100), answer: answer}
}

func (f *fakeFetch) fetch(ctx context.Context, key string) (int32, error) {
	n := f.calls.Add(1)
	f.started <- fetchCall{ctx, key, n}
	return f.answer(ctx, n)
}

// next waits for the next fetch to start.
func (f *fakeFetch) next(t *testing.T) fetchCall {
	t.Helper()
	return receive(t, f.started, "a fetch to start")
}

// held answers the first fetch only once gate is closed, with err if not nil;
// later fetches answer at once with their number.
func held(gate <-chan struct{}, err error) func(ctx context.Context, n int32) (int32, error) {
	return func(_ context.Context, n int32) (int32, error) {
		if n == 1 {
			<-gate
			if err != nil {
				return 0, err
			}
		}
		return n, nil
	}
}

// heldFetch starts a Get of "k" whose fetch is held until gate is closed,
// and then answers err, or 1 when err is nil; later fetches answer their
// number at once. It returns once that fetch has started.
func heldFetch(t *testing.T, err error) (gate chan struct{}, f *fakeFetch, s *batch.Shared[string, int32], leader *async[int32]) {
	t.Helper()
	gate = make(chan struct{})
	f = newFakeFetch(held(gate, err))
	s = batch.NewShared(f.fetch)
	leader = startGet(t, t.Context(), s, "k")
	f.next(t)
	return gate, f, s, leader
}

// joinGet starts a Get of key and returns once it waits for the fetch in
// flight.
func joinGet(t *testing.T, s *batch.Shared[string, int32], key string) *async[int32] {
	t.Helper()
	a := startGet(t, t.Context(), s, key)
	a.waitJoined(t)
	return a
}

// startGet calls s.Get(ctx, key) in a new goroutine.
func startGet(t *testing.T, parent context.Context, s *batch.Shared[string, int32], key string) *async[int32] {
	return start(t, parent, func(ctx context.Context) (int32, error) { return s.Get(ctx, key) })
}

// wantGet checks that s.Get returns want with no error.
func wantGet(t *testing.T, s *batch.Shared[string, int32], key string, want int32) {
	t.Helper()
	if got, err := startGet(t, t.Context(), s, key).wait(t); err != nil || got != want {
		t.Errorf("Get(%q) = %d, %v; want %d, nil", key, got, err, want)
	}
}

// wantResult checks that an asynchronous Get returned want with no error.
func wantResult(t *testing.T, a *async[int32], want int32) {
	t.Helper()
	if got, err := a.wait(t); err != nil || got != want {
		t.Errorf("Get = %d, %v; want %d, nil", got, err, want)
	}
}

// wantFetches checks how many times f was called.
func wantFetches(t *testing.T, f *fakeFetch, want int32) {
	t.Helper()
	if got := f.calls.Load(); got != want {
		t.Errorf("fetched %d times, want %d", got, want)
	}
}

func TestSharedConcurrentGetsShareOneFetch(t *testing.T) {
	const waiters = 10
	gate := make(chan struct{})
	f := newFakeFetch(held(gate, nil))
	s := batch.NewShared(f.fetch)
	ctx := t.Context()

	leader := startGet(t, ctx, s, "k")
	if call := f.next(t); call.key != "k" || call.ctx != leader.ctx {
		t.Errorf("fetch got key %q and ctx %v, want %q and the caller's ctx", call.key, call.ctx, "k")
	}
	// Every waiter joins the fetch in flight before it is let through.
	calls := []*async[int32]{leader}
	for range waiters {
		a := startGet(t, ctx, s, "k")
		a.waitJoined(t)
		calls = append(calls, a)
	}
	close(gate)

	for _, a := range calls {
		wantResult(t, a, 1)
	}
	wantFetches(t, f, 1)

	// A later Get reuses the value.
	wantGet(t, s, "k", 1)
	wantFetches(t, f, 1)
}

func TestSharedInvalidate(t *testing.T) {
	t.Run("next Get fetches again", func(t *testing.T) {
		f := newFakeFetch(nil)
		s := batch.NewShared(f.fetch)

		wantGet(t, s, "k", 1)
		s.Invalidate("k")
		wantGet(t, s, "k", 2)
		wantGet(t, s, "k", 2)
		wantFetches(t, f, 2)
	})

	t.Run("invalidating a key that was never fetched", func(t *testing.T) {
		f := newFakeFetch(nil)
		s := batch.NewShared(f.fetch)

		s.Invalidate("k")
		wantGet(t, s, "k", 1)
		wantFetches(t, f, 1)
	})

	t.Run("fetch in flight still answers its callers", func(t *testing.T) {
		gate, f, s, leader := heldFetch(t, nil)
		waiter := joinGet(t, s, "k")

		s.Invalidate("k")
		// A Get after Invalidate does not wait for the old fetch, which is
		// still held: it fetches anew.
		wantGet(t, s, "k", 2)

		close(gate)
		wantResult(t, leader, 1)
		wantResult(t, waiter, 1)

		// The old fetch, which finished last, did not replace the new value.
		wantGet(t, s, "k", 2)
		wantFetches(t, f, 2)
	})

	t.Run("fetch in flight that fails keeps the new value", func(t *testing.T) {
		errFetch := errors.New("fetch failed")
		gate, f, s, old := heldFetch(t, errFetch)
		s.Invalidate("k")
		wantGet(t, s, "k", 2)

		// The old fetch fails after the new one has succeeded: its failure
		// goes to its caller, and must not drop the new value.
		close(gate)
		if _, err := old.wait(t); !errors.Is(err, errFetch) {
			t.Errorf("old fetch's caller got %v, want %v", err, errFetch)
		}
		wantGet(t, s, "k", 2)
		wantFetches(t, f, 2)
	})
}

func TestSharedFailedFetchIsNotKept(t *testing.T) {
	errFetch := errors.New("fetch failed")
	gate, f, s, leader := heldFetch(t, errFetch)
	waiter := joinGet(t, s, "k")
	close(gate)

	// The error reaches the callers of that fetch; the waiter, whose ctx
	// is live, does not retry an error that is not its ctx's.
	for _, a := range []*async[int32]{leader, waiter} {
		if _, err := a.wait(t); !errors.Is(err, errFetch) {
			t.Errorf("Get = %v, want %v", err, errFetch)
		}
	}
	wantFetches(t, f, 1)

	// The next Get fetches again, and its value is kept.
	wantGet(t, s, "k", 2)
	wantGet(t, s, "k", 2)
	wantFetches(t, f, 2)
}

func TestSharedCancelledFetcher(t *testing.T) {
	// The first fetch runs until its caller's ctx is cancelled; later ones
	// answer at once.
	f := newFakeFetch(func(ctx context.Context, n int32) (int32, error) {
		if n == 1 {
			<-ctx.Done()
			return 0, ctx.Err()
		}
		return n, nil
	})
	s := batch.NewShared(f.fetch)
	ctx := t.Context()

	leader := startGet(t, ctx, s, "k")
	f.next(t)
	live := startGet(t, ctx, s, "k")
	live.waitJoined(t)
	quitter := startGet(t, ctx, s, "k")
	quitter.waitJoined(t)

	// A waiter whose own ctx is cancelled returns at once: the fetch it
	// waits for is still running.
	quitter.cancel()
	if _, err := quitter.wait(t); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled waiter got %v, want %v", err, context.Canceled)
	}
	wantFetches(t, f, 1)

	// The leader gives up, and the waiter that is still live fetches for
	// itself, with its own ctx.
	leader.cancel()
	if _, err := leader.wait(t); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled leader got %v, want %v", err, context.Canceled)
	}
	if call := f.next(t); call.ctx != live.ctx {
		t.Errorf("refetch ran with ctx %v, want the live waiter's", call.ctx)
	}
	wantResult(t, live, 2)

	// That value is kept.
	wantGet(t, s, "k", 2)
	wantFetches(t, f, 2)
}

func TestSharedKeysFetchSeparately(t *testing.T) {
	var mu sync.Mutex
	fetches := map[string]int32{}
	slowStarted, slowGate := make(chan struct{}), make(chan struct{})
	// Each key's value is its number of fetches, plus 100 for "b" and 200
	// for "slow", so that keys cannot be mixed up.
	base := map[string]int32{"a": 0, "b": 100, "slow": 200}
	fetch := func(_ context.Context, key string) (int32, error) {
		mu.Lock()
		fetches[key]++
		n := fetches[key]
		mu.Unlock()
		if key == "slow" && n == 1 {
			close(slowStarted)
			<-slowGate
		}
		return base[key] + n, nil
	}
	s := batch.NewShared(fetch)
	ctx := t.Context()

	// A fetch in flight for one key holds no other key back.
	slow := startGet(t, ctx, s, "slow")
	receive(t, slowStarted, "the slow fetch to start")
	wantGet(t, s, "a", 1)
	wantGet(t, s, "b", 101)
	close(slowGate)
	wantResult(t, slow, 201)

	wantGet(t, s, "a", 1)
	wantGet(t, s, "b", 101)

	// Invalidating one key leaves the others be.
	s.Invalidate("a")
	wantGet(t, s, "a", 2)
	wantGet(t, s, "b", 101)
	wantGet(t, s, "slow", 201)

	mu.Lock()
	defer mu.Unlock()
	for key, want := range map[string]int32{"a": 2, "b": 1, "slow": 1} {
		if fetches[key] != want {
			t.Errorf("key %q fetched %d times, want %d", key, fetches[key], want)
		}
	}
}

func TestSharedPeekNeverFetches(t *testing.T) {
	wantPeek := func(s *batch.Shared[string, int32], ok bool, want int32) {
		t.Helper()
		if got, gotOK := s.Peek("k"); gotOK != ok || got != want {
			t.Errorf("Peek = %d, %v; want %d, %v", got, gotOK, want, ok)
		}
	}
	gate, f, s, leader := heldFetch(t, nil)
	// Neither before a value nor while it is fetched.
	wantPeek(s, false, 0)
	close(gate)
	wantResult(t, leader, 1)
	wantPeek(s, true, 1)
	s.Invalidate("k")
	wantPeek(s, false, 0)
	wantFetches(t, f, 1)

	gate, f, s, leader = heldFetch(t, errors.New("fetch failed"))
	close(gate)
	_, _ = leader.wait(t)
	wantPeek(s, false, 0)
	wantFetches(t, f, 1)
}
