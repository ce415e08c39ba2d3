package batch

import (
	"context"
	"errors"
	"sync"
)

// Shared fetches a value once per key and shares it with every caller, those
// who arrive while it is being fetched and those who come later, until the
// key is invalidated. Values are shared: callers must not change them.
type Shared[K comparable, V any] struct {
	fetch func(ctx context.Context, key K) (V, error)

	mu      sync.Mutex
	entries map[K]*entry[V]
}

// errFetchAborted is what waiters get from a fetch that panicked.
var errFetchAborted = errors.New("batch: the shared fetch did not complete")

type entry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// NewShared returns a Shared that gets values with fetch.
func NewShared[K comparable, V any](fetch func(ctx context.Context, key K) (V, error)) *Shared[K, V] {
	return &Shared[K, V]{fetch: fetch, entries: map[K]*entry[V]{}}
}

// Get returns the value for key, fetching it if no caller has since the key
// was last invalidated. A failed fetch is not kept: the next call tries again.
func (s *Shared[K, V]) Get(ctx context.Context, key K) (V, error) {
	for {
		s.mu.Lock()
		e, fetched := s.entries[key]
		if !fetched {
			e = &entry[V]{done: make(chan struct{})}
			s.entries[key] = e
		}
		s.mu.Unlock()

		if !fetched {
			return s.fill(ctx, key, e)
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
		// The fetch ran in the context of the caller who started it; if
		// that caller gave up, this one fetches for itself.
		if isContextError(e.err) && ctx.Err() == nil {
			continue
		}
		return e.v, e.err
	}
}

// fill runs the fetch for e. Whatever happens, even a panic, the callers
// waiting on e are released, and a value that was not fetched is not kept.
func (s *Shared[K, V]) fill(ctx context.Context, key K, e *entry[V]) (V, error) {
	ok := false
	defer func() {
		if !ok {
			if e.err == nil {
				e.err = errFetchAborted
			}
			s.drop(key, e)
		}
		close(e.done)
	}()
	e.v, e.err = s.fetch(ctx, key)
	ok = e.err == nil
	return e.v, e.err
}

// Peek returns the value for key if a fetch has completed with it, and does
// not fetch.
func (s *Shared[K, V]) Peek(key K) (V, bool) {
	s.mu.Lock()
	e, ok := s.entries[key]
	s.mu.Unlock()
	var zero V
	if !ok {
		return zero, false
	}
	select {
	case <-e.done:
		if e.err != nil {
			return zero, false
		}
		return e.v, true
	default:
		return zero, false
	}
}

// Invalidate forgets the value for key: the next Get fetches it again. Call it
// once a change has been made, so that a read that follows sees it. A fetch in
// flight still answers its callers, who asked before the change was made.
func (s *Shared[K, V]) Invalidate(key K) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, key)
}

// InvalidateAll forgets the values of every key.
func (s *Shared[K, V]) InvalidateAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.entries)
}

func (s *Shared[K, V]) drop(key K, e *entry[V]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries[key] == e {
		delete(s.entries, key)
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
