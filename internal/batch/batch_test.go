package batch_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/batch"
)

// hangGuard bounds every wait in these tests. It only turns a hang into a
// failure; no verdict depends on it.
const hangGuard = 5 * time.Second

// receive returns the next value from ch, failing the test if none comes.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(hangGuard):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// waitAll waits for wg, failing the test if it does not finish.
func waitAll(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	receive(t, done, "all callers to return")
}

// joinCtx tells the test when a caller has started to wait. Batcher.Do and
// Shared.Get consult ctx.Done() only in the select where the caller waits
// (for its batch, or for another caller's fetch), so the first call of Done
// marks the moment the caller has joined a batch or a fetch in flight.
type joinCtx struct {
	context.Context
	once   sync.Once
	joined chan struct{}
}

func (c *joinCtx) Done() <-chan struct{} {
	c.once.Do(func() { close(c.joined) })
	return c.Context.Done()
}

type outcome[R any] struct {
	res R
	err error
}

// async is a call running in its own goroutine, with a ctx of its own that
// the test can cancel.
type async[R any] struct {
	ctx    *joinCtx
	cancel context.CancelFunc
	done   chan outcome[R]
}

// start runs fn in a new goroutine with a cancellable child of parent.
func start[R any](t *testing.T, parent context.Context, fn func(ctx context.Context) (R, error)) *async[R] {
	ctx, cancel := context.WithCancel(parent)
	t.Cleanup(cancel)
	a := &async[R]{
		ctx:    &joinCtx{Context: ctx, joined: make(chan struct{})},
		cancel: cancel,
		done:   make(chan outcome[R], 1),
	}
	go func() {
		res, err := fn(a.ctx)
		a.done <- outcome[R]{res, err}
	}()
	return a
}

// waitJoined waits until the call waits for its batch or for a fetch.
func (a *async[R]) waitJoined(t *testing.T) {
	t.Helper()
	receive(t, a.ctx.joined, "the caller to join")
}

// wait returns the call's outcome once it has returned.
func (a *async[R]) wait(t *testing.T) (R, error) {
	t.Helper()
	o := receive(t, a.done, "the caller to return")
	return o.res, o.err
}

// startDo calls b.Do(ctx, key, item) in a new goroutine.
func startDo[K comparable, I, R any](t *testing.T, parent context.Context, b *batch.Batcher[K, I, R], key K, item I) *async[R] {
	return start(t, parent, func(ctx context.Context) (R, error) { return b.Do(ctx, key, item) })
}

// do calls b.Do(ctx, key, item) and returns its outcome, failing the test
// if it does not return.
func do[K comparable, I, R any](t *testing.T, ctx context.Context, b *batch.Batcher[K, I, R], key K, item I) (R, error) {
	t.Helper()
	return startDo(t, ctx, b, key, item).wait(t)
}

// sentBatch is one call of a fake send.
type sentBatch[K comparable, I any] struct {
	ctx   context.Context
	key   K
	items []I
}

// sendLog records the batches a fake send receives.
type sendLog[K comparable, I any] struct {
	mu      sync.Mutex
	batches []sentBatch[K, I]
	// sent receives each batch as it is sent, for tests that wait for it.
	sent chan sentBatch[K, I]
}

func newSendLog[K comparable, I any]() *sendLog[K, I] {
	return &sendLog[K, I]{sent: make(chan sentBatch[K, I], 1000)}
}

func (l *sendLog[K, I]) record(ctx context.Context, key K, items []I) {
	sb := sentBatch[K, I]{ctx: ctx, key: key, items: slices.Clone(items)}
	l.mu.Lock()
	l.batches = append(l.batches, sb)
	l.mu.Unlock()
	l.sent <- sb
}

func (l *sendLog[K, I]) all() []sentBatch[K, I] {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.batches)
}

// next waits for the next batch to be sent.
func (l *sendLog[K, I]) next(t *testing.T) sentBatch[K, I] {
	t.Helper()
	return receive(t, l.sent, "a batch to be sent")
}

func timesTen(items []int) []int {
	out := make([]int, len(items))
	for i, item := range items {
		out[i] = item * 10
	}
	return out
}

// timesTenSend records each batch in log and answers item*10 for each item.
func timesTenSend(log *sendLog[string, int]) batch.SendFunc[string, int, int] {
	return func(ctx context.Context, key string, items []int) ([]int, error) {
		log.record(ctx, key, items)
		return timesTen(items), nil
	}
}

// gatedSend records each batch, then holds it until gate is closed or the
// ctx it was given is done; it answers item*10, or the ctx's error.
func gatedSend(log *sendLog[string, int], gate <-chan struct{}) batch.SendFunc[string, int, int] {
	return func(ctx context.Context, key string, items []int) ([]int, error) {
		log.record(ctx, key, items)
		select {
		case <-gate:
			return timesTen(items), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// allItems returns every item sent, in sorted order.
func allItems[K comparable](batches []sentBatch[K, int]) []int {
	var items []int
	for _, b := range batches {
		items = append(items, b.items...)
	}
	slices.Sort(items)
	return items
}

// doAll calls b.Do concurrently for items 1..n with key "k" and checks that each
// caller gets item*10.
func doAll(t *testing.T, b *batch.Batcher[string, int, int], n int) {
	t.Helper()
	var wg sync.WaitGroup
	for item := 1; item <= n; item++ {
		wg.Go(func() {
			res, err := b.Do(t.Context(), "k", item)
			if err != nil || res != item*10 {
				t.Errorf("Do(%d) = %d, %v; want %d, nil", item, res, err, item*10)
			}
		})
	}
	waitAll(t, &wg)
}

func oneTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestBatcherCoalescesConcurrentCallsIntoOneBatch(t *testing.T) {
	const n = 20
	log := newSendLog[string, int]()
	b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: n}, timesTenSend(log), nil, nil)

	doAll(t, b, n)

	batches := log.all()
	if len(batches) != 1 {
		t.Fatalf("got %d sends, want 1", len(batches))
	}
	if batches[0].key != "k" {
		t.Errorf("send got key %q, want %q", batches[0].key, "k")
	}
	if got := allItems(batches); !slices.Equal(got, oneTo(n)) {
		t.Errorf("sent items %v, want %v", got, oneTo(n))
	}
}

func TestBatcherKeepsKeysApart(t *testing.T) {
	type item struct {
		key string
		n   int
	}
	const perKey = 4
	keys := []string{"a", "b", "c"}
	var mu sync.Mutex
	sends := map[string]int{}
	send := func(_ context.Context, key string, items []item) ([]int, error) {
		mu.Lock()
		sends[key]++
		mu.Unlock()
		out := make([]int, len(items))
		for i, it := range items {
			if it.key != key {
				t.Errorf("batch for key %q carries item %+v of key %q", key, it, it.key)
			}
			out[i] = it.n * 10
		}
		if len(items) != perKey {
			t.Errorf("batch for key %q has %d items, want %d", key, len(items), perKey)
		}
		return out, nil
	}
	b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: perKey}, send, nil, nil)

	var wg sync.WaitGroup
	for _, key := range keys {
		for n := range perKey {
			wg.Go(func() {
				res, err := b.Do(t.Context(), key, item{key, n})
				if err != nil || res != n*10 {
					t.Errorf("Do(%q, %d) = %d, %v; want %d, nil", key, n, res, err, n*10)
				}
			})
		}
	}
	waitAll(t, &wg)

	for _, key := range keys {
		if sends[key] != 1 {
			t.Errorf("key %q was sent %d times, want 1", key, sends[key])
		}
	}
}

func TestBatcherCapsBatchSize(t *testing.T) {
	t.Run("no batch exceeds MaxSize", func(t *testing.T) {
		// The remainder of 7 / 3 waits for the timer, hence a short MaxWait;
		// how the calls group does not matter, only the cap and the results.
		log := newSendLog[string, int]()
		b := batch.New(batch.Config{MaxWait: 20 * time.Millisecond, MaxSize: 3}, timesTenSend(log), nil, nil)

		doAll(t, b, 7)

		batches := log.all()
		for _, sb := range batches {
			if len(sb.items) > 3 {
				t.Errorf("batch of %d items %v exceeds MaxSize 3", len(sb.items), sb.items)
			}
		}
		if len(batches) < 3 {
			t.Errorf("got %d sends for 7 calls capped at 3, want at least 3", len(batches))
		}
		if got := allItems(batches); !slices.Equal(got, oneTo(7)) {
			t.Errorf("sent items %v, want each of %v once", got, oneTo(7))
		}
	})

	t.Run("full batches go without waiting for MaxWait", func(t *testing.T) {
		// An hour-long MaxWait: the callers can only return because the
		// batches were sent as soon as they were full.
		log := newSendLog[string, int]()
		b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: 3}, timesTenSend(log), nil, nil)

		doAll(t, b, 6)

		batches := log.all()
		if len(batches) != 2 {
			t.Fatalf("got %d sends, want 2", len(batches))
		}
		for _, sb := range batches {
			if len(sb.items) != 3 {
				t.Errorf("batch %v has %d items, want 3", sb.items, len(sb.items))
			}
		}
		if got := allItems(batches); !slices.Equal(got, oneTo(6)) {
			t.Errorf("sent items %v, want each of %v once", got, oneTo(6))
		}
	})
}

func TestBatcherSendsLoneCallAfterMaxWait(t *testing.T) {
	const maxWait = 20 * time.Millisecond
	log := newSendLog[string, int]()
	b := batch.New(batch.Config{MaxWait: maxWait, MaxSize: 10}, timesTenSend(log), nil, nil)

	began := time.Now()
	res, err := do(t, t.Context(), b, "k", 7)
	elapsed := time.Since(began)

	if err != nil || res != 70 {
		t.Fatalf("Do = %d, %v; want 70, nil", res, err)
	}
	// A timer never fires early, so this lower bound is safe.
	if elapsed < maxWait {
		t.Errorf("lone call came back after %v, before MaxWait %v", elapsed, maxWait)
	}
	batches := log.all()
	if len(batches) != 1 || !slices.Equal(batches[0].items, []int{7}) {
		t.Errorf("sent %v, want one batch of [7]", batches)
	}
}

var (
	errWhole = errors.New("batch refused as a whole")
	errBad   = errors.New("bad item")
)

func acceptWhole(err error) bool { return errors.Is(err, errWhole) }

func TestBatcherBatchErrorThatResplitRejectsReachesEveryCaller(t *testing.T) {
	const n = 4
	for _, tc := range []struct {
		name    string
		resplit func(error) bool
	}{
		{"nil resplit", nil},
		{"resplit says no", func(error) bool { return false }},
		{"resplit accepts only other errors", func(err error) bool { return errors.Is(err, errBad) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := newSendLog[string, int]()
			send := func(ctx context.Context, key string, items []int) ([]int, error) {
				log.record(ctx, key, items)
				return nil, errWhole
			}
			b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: n}, send, tc.resplit, nil)

			var wg sync.WaitGroup
			for item := 1; item <= n; item++ {
				wg.Go(func() {
					res, err := b.Do(t.Context(), "k", item)
					if !errors.Is(err, errWhole) || res != 0 {
						t.Errorf("Do(%d) = %d, %v; want 0, %v", item, res, err, errWhole)
					}
				})
			}
			waitAll(t, &wg)

			if got := len(log.all()); got != 1 {
				t.Errorf("got %d sends, want 1", got)
			}
		})
	}
}

func TestBatcherResplitsBatchErrorThatResplitAccepts(t *testing.T) {
	const n, bad = 4, 3
	log := newSendLog[string, int]()
	// The batch as a whole is refused; alone, only the bad item fails.
	send := func(ctx context.Context, key string, items []int) ([]int, error) {
		log.record(ctx, key, items)
		if len(items) > 1 {
			return nil, errWhole
		}
		if items[0] == bad {
			return nil, errBad
		}
		return timesTen(items), nil
	}
	b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: n}, send, acceptWhole, nil)

	var wg sync.WaitGroup
	for item := 1; item <= n; item++ {
		wg.Go(func() {
			// Each caller's ctx names its item, to tell whose ctx a resend has.
			ctx := context.WithValue(t.Context(), ctxKey{}, item)
			res, err := b.Do(ctx, "k", item)
			if item == bad {
				if !errors.Is(err, errBad) {
					t.Errorf("Do(bad %d) = %d, %v; want error %v", item, res, err, errBad)
				}
				return
			}
			if err != nil || res != item*10 {
				t.Errorf("Do(%d) = %d, %v; want %d, nil", item, res, err, item*10)
			}
		})
	}
	waitAll(t, &wg)

	batches := log.all()
	if len(batches) != 1+n {
		t.Fatalf("got %d sends, want 1 batch + %d singles", len(batches), n)
	}
	if len(batches[0].items) != n {
		t.Errorf("first send had %d items, want the whole batch of %d", len(batches[0].items), n)
	}
	for _, sb := range batches[1:] {
		if len(sb.items) != 1 {
			t.Errorf("resend %v has %d items, want 1", sb.items, len(sb.items))
			continue
		}
		// A resend serves one caller only, and goes with that caller's ctx.
		if owner := sb.ctx.Value(ctxKey{}); owner != sb.items[0] {
			t.Errorf("resend of item %d has the ctx of caller %v, want its own caller's", sb.items[0], owner)
		}
	}
	if got := allItems(batches[1:]); !slices.Equal(got, oneTo(n)) {
		t.Errorf("resent items %v, want each of %v once", got, oneTo(n))
	}
}

func TestBatcherDoesNotResendFailedBatchOfOne(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  batch.Config
	}{
		{"lone call in a batch sent by the timer", batch.Config{MaxWait: 10 * time.Millisecond, MaxSize: 3}},
		{"MaxSize 1", batch.Config{MaxWait: time.Hour, MaxSize: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := newSendLog[string, int]()
			send := func(ctx context.Context, key string, items []int) ([]int, error) {
				log.record(ctx, key, items)
				return nil, errWhole
			}
			b := batch.New(tc.cfg, send, acceptWhole, nil)

			if _, err := do(t, t.Context(), b, "k", 1); !errors.Is(err, errWhole) {
				t.Errorf("Do = %v, want %v", err, errWhole)
			}
			if got := len(log.all()); got != 1 {
				t.Errorf("got %d sends, want 1", got)
			}
		})
	}
}

func TestBatcherWrongResultCountFailsEveryCaller(t *testing.T) {
	for _, tc := range []struct {
		name    string
		maxSize int
		extra   int // results beyond (or, if negative, short of) one per item
	}{
		{"batch, too few results", 3, -1},
		{"batch, too many results", 3, +1},
		{"batch, no results", 3, -3},
		{"alone, no results", 1, -1},
		{"alone, too many results", 1, +1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := newSendLog[string, int]()
			send := func(ctx context.Context, key string, items []int) ([]int, error) {
				log.record(ctx, key, items)
				return make([]int, len(items)+tc.extra), nil
			}
			b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: tc.maxSize}, send, nil, nil)

			callers := max(tc.maxSize, 1)
			var wg sync.WaitGroup
			for item := 1; item <= callers; item++ {
				wg.Go(func() {
					if res, err := b.Do(t.Context(), "k", item); err == nil {
						t.Errorf("Do(%d) = %d, nil; want an error", item, res)
					}
				})
			}
			waitAll(t, &wg)

			if got := len(log.all()); got != 1 {
				t.Errorf("got %d sends, want 1", got)
			}
		})
	}
}

func TestBatcherCallerCancelledBeforeSendIsLeftOut(t *testing.T) {
	log := newSendLog[string, int]()
	b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: 3}, timesTenSend(log), nil, nil)
	ctx := t.Context()

	gone := startDo(t, ctx, b, "k", 1)
	gone.waitJoined(t)
	stay := startDo(t, ctx, b, "k", 2)
	stay.waitJoined(t)

	// With an hour-long MaxWait and a batch not yet full, only the
	// cancellation can bring the caller back.
	gone.cancel()
	if _, err := gone.wait(t); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want %v", err, context.Canceled)
	}
	if got := len(log.all()); got != 0 {
		t.Fatalf("%d batches were sent before the batch was full, want 0", got)
	}

	// Two more calls fill the batch, which no longer holds item 1.
	late := []*async[int]{startDo(t, ctx, b, "k", 3), startDo(t, ctx, b, "k", 4)}
	for i, a := range append([]*async[int]{stay}, late...) {
		item := i + 2
		if res, err := a.wait(t); err != nil || res != item*10 {
			t.Errorf("Do(%d) = %d, %v; want %d, nil", item, res, err, item*10)
		}
	}
	batches := log.all()
	if len(batches) != 1 || !slices.Equal(allItems(batches), []int{2, 3, 4}) {
		t.Errorf("sent %v, want one batch of items 2, 3, 4", batches)
	}
}

func TestBatcherCallerCancelledInFlightReturnsAtOnce(t *testing.T) {
	log := newSendLog[string, int]()
	gate := make(chan struct{})
	b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: 3}, gatedSend(log, gate), nil, nil)
	ctx := t.Context()

	// The caller that leaves is the first, whose ctx the batch's derives from.
	first := startDo(t, ctx, b, "k", 1)
	first.waitJoined(t)
	others := []*async[int]{startDo(t, ctx, b, "k", 2), startDo(t, ctx, b, "k", 3)}
	sent := log.next(t)

	// The send is held at the gate: the caller can only return because it
	// was cancelled.
	first.cancel()
	if _, err := first.wait(t); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want %v", err, context.Canceled)
	}
	if err := sent.ctx.Err(); err != nil {
		t.Fatalf("send's ctx is done (%v) while two callers still wait", err)
	}

	close(gate)
	for i, a := range others {
		item := i + 2
		if res, err := a.wait(t); err != nil || res != item*10 {
			t.Errorf("Do(%d) = %d, %v; want %d, nil", item, res, err, item*10)
		}
	}
	if !slices.Equal(allItems(log.all()), []int{1, 2, 3}) {
		t.Errorf("sent %v, want one batch of items 1, 2, 3", log.all())
	}
}

func TestBatcherCancelsSendWhenEveryCallerHasGone(t *testing.T) {
	const n = 3
	log := newSendLog[string, int]()
	sendErr := make(chan error, 1)
	send := func(ctx context.Context, key string, items []int) ([]int, error) {
		log.record(ctx, key, items)
		<-ctx.Done() // the test never lets it succeed
		sendErr <- ctx.Err()
		return nil, ctx.Err()
	}
	b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: n}, send, nil, nil)

	callers := make([]*async[int], n)
	for i := range callers {
		callers[i] = startDo(t, t.Context(), b, "k", i+1)
	}
	sent := log.next(t)

	for i, a := range callers {
		if err := sent.ctx.Err(); err != nil {
			t.Fatalf("send's ctx is done (%v) while %d callers still wait", err, n-i)
		}
		a.cancel()
		if _, err := a.wait(t); !errors.Is(err, context.Canceled) {
			t.Errorf("caller %d got %v, want %v", i+1, err, context.Canceled)
		}
	}
	if err := receive(t, sendErr, "send's ctx to be cancelled"); !errors.Is(err, context.Canceled) {
		t.Errorf("send's ctx ended with %v, want %v", err, context.Canceled)
	}
}

type ctxKey struct{}

func TestBatcherSendCtxCarriesFirstCallersValues(t *testing.T) {
	log := newSendLog[string, int]()
	b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: 2}, timesTenSend(log), nil, nil)

	// The first caller's ctx also has a deadline, which is its cancellation
	// and must not reach the send.
	firstCtx, cancel := context.WithTimeout(context.WithValue(t.Context(), ctxKey{}, "first"), time.Hour)
	defer cancel()
	first := startDo(t, firstCtx, b, "k", 1)
	first.waitJoined(t)
	second := startDo(t, context.WithValue(t.Context(), ctxKey{}, "second"), b, "k", 2)

	for _, a := range []*async[int]{first, second} {
		if _, err := a.wait(t); err != nil {
			t.Fatalf("Do: %v", err)
		}
	}
	sent := log.next(t)
	if got := sent.ctx.Value(ctxKey{}); got != "first" {
		t.Errorf("send's ctx has value %v, want %q", got, "first")
	}
	if deadline, ok := sent.ctx.Deadline(); ok {
		t.Errorf("send's ctx has the first caller's deadline %v, want none", deadline)
	}
}

// change is an item with an id, for the tests of the id function.
type change struct {
	id string
	n  int
}

// newChangeBatcher returns a Batcher of changes, named by their id, that
// answers n*10 for each change and records its batches in the log.
func newChangeBatcher(maxSize int) (*batch.Batcher[string, change, int], *sendLog[string, change]) {
	log := newSendLog[string, change]()
	send := func(ctx context.Context, key string, items []change) ([]int, error) {
		log.record(ctx, key, items)
		out := make([]int, len(items))
		for i, c := range items {
			out[i] = c.n * 10
		}
		return out, nil
	}
	id := func(c change) string { return c.id }
	return batch.New(batch.Config{MaxWait: time.Hour, MaxSize: maxSize}, send, nil, id), log
}

func TestBatcherIDsNeverShareABatch(t *testing.T) {
	t.Run("same id starts a new batch", func(t *testing.T) {
		b, log := newChangeBatcher(3)
		ctx := t.Context()

		x1 := startDo(t, ctx, b, "k", change{"x", 1})
		x1.waitJoined(t)
		// The second change of x sends the open batch at once, far from
		// full and long before MaxWait, and opens a new one.
		x2 := startDo(t, ctx, b, "k", change{"x", 2})
		if got := log.next(t).items; !slices.Equal(got, []change{{"x", 1}}) {
			t.Fatalf("first batch %v, want [{x 1}]", got)
		}
		if res, err := x1.wait(t); err != nil || res != 10 {
			t.Errorf("Do(x 1) = %d, %v; want 10, nil", res, err)
		}

		// Different ids join the new batch and fill it.
		y := startDo(t, ctx, b, "k", change{"y", 3})
		z := startDo(t, ctx, b, "k", change{"z", 4})
		for _, c := range []struct {
			call *async[int]
			want int
		}{{x2, 20}, {y, 30}, {z, 40}} {
			if res, err := c.call.wait(t); err != nil || res != c.want {
				t.Errorf("Do = %d, %v; want %d, nil", res, err, c.want)
			}
		}
		second := log.next(t).items
		slices.SortFunc(second, func(a, b change) int { return a.n - b.n })
		if want := []change{{"x", 2}, {"y", 3}, {"z", 4}}; !slices.Equal(second, want) {
			t.Errorf("second batch %v, want %v", second, want)
		}
		if got := len(log.all()); got != 2 {
			t.Errorf("got %d sends, want 2", got)
		}
	})

	t.Run("empty id never splits", func(t *testing.T) {
		b, log := newChangeBatcher(2)
		ctx := t.Context()

		first := startDo(t, ctx, b, "k", change{"", 1})
		first.waitJoined(t)
		second := startDo(t, ctx, b, "k", change{"", 2})
		for _, call := range []*async[int]{first, second} {
			if _, err := call.wait(t); err != nil {
				t.Fatalf("Do: %v", err)
			}
		}
		if got := log.all(); len(got) != 1 || len(got[0].items) != 2 {
			t.Errorf("sent %v, want one batch of both items with no id", got)
		}
	})
}

func TestBatcherMaxSizeOneOrLessSendsEachCallAlone(t *testing.T) {
	for _, tc := range []struct {
		name    string
		maxSize int
	}{
		{"MaxSize 1", 1},
		{"MaxSize 0", 0},
		{"MaxSize negative", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := newSendLog[string, int]()
			b := batch.New(batch.Config{MaxWait: time.Hour, MaxSize: tc.maxSize}, timesTenSend(log), nil, nil)

			// Sent at once despite the hour-long MaxWait, with the caller's
			// own ctx: the send ran in the caller's goroutine.
			caller := startDo(t, t.Context(), b, "k", 1)
			res, err := caller.wait(t)
			if err != nil || res != 10 {
				t.Fatalf("Do = %d, %v; want 10, nil", res, err)
			}
			if sent := log.next(t); sent.ctx != caller.ctx {
				t.Errorf("send got ctx %v, want the caller's own ctx", sent.ctx)
			}

			// Concurrent calls are not coalesced.
			doAll(t, b, 5)
			for _, sb := range log.all() {
				if len(sb.items) != 1 {
					t.Errorf("batch %v has %d items, want 1", sb.items, len(sb.items))
				}
			}
			if got := len(log.all()); got != 6 {
				t.Errorf("got %d sends, want 6", got)
			}
		})
	}
}

// A batch that waits for its turn (Admit) still takes the calls that come
// meanwhile: one request carries them all, sent with Admit's context.
func TestBatcherFillsWhileItWaitsForItsTurn(t *testing.T) {
	const n = 6
	log := newSendLog[string, int]()
	turn := make(chan struct{})
	admitted := make(chan struct{}, 1)
	type turnKey struct{}
	send := timesTenSend(log)
	b := batch.New(batch.Config{MaxWait: 0, MaxSize: 100, Admit: func(ctx context.Context) (context.Context, error) {
		admitted <- struct{}{}
		<-turn
		return context.WithValue(ctx, turnKey{}, true), nil
	}}, func(ctx context.Context, key string, items []int) ([]int, error) {
		if ctx.Value(turnKey{}) == nil {
			t.Error("the batch was not sent with the context Admit returned")
		}
		return send(ctx, key, items)
	}, nil, nil)

	calls := make([]*async[int], n)
	calls[0] = start(t, context.Background(), func(ctx context.Context) (int, error) { return b.Do(ctx, "k", 1) })
	receive(t, admitted, "the first call's batch to wait for its turn")
	for i := 1; i < n; i++ {
		calls[i] = start(t, context.Background(), func(ctx context.Context) (int, error) { return b.Do(ctx, "k", i+1) })
		receive(t, calls[i].ctx.joined, "a call to join the waiting batch")
	}
	close(turn)
	for i, c := range calls {
		if got := receive(t, c.done, "a result"); got.err != nil || got.res != (i+1)*10 {
			t.Errorf("call %d: %v, %v", i+1, got.res, got.err)
		}
	}
	if batches := log.all(); len(batches) != 1 || len(batches[0].items) != n {
		t.Errorf("sends %v, want one of all %d calls", batches, n)
	}
}

// A batch whose callers all leave while it waits for its turn stops
// waiting, and sends nothing.
func TestBatcherLeftWhileWaitingForItsTurnSendsNothing(t *testing.T) {
	log := newSendLog[string, int]()
	stopped := make(chan struct{})
	b := batch.New(batch.Config{MaxWait: 0, MaxSize: 100, Admit: func(ctx context.Context) (context.Context, error) {
		<-ctx.Done()
		close(stopped)
		return ctx, ctx.Err()
	}}, timesTenSend(log), nil, nil)
	c := start(t, context.Background(), func(ctx context.Context) (int, error) { return b.Do(ctx, "k", 1) })
	receive(t, c.ctx.joined, "the call to join")
	c.cancel()
	if got := receive(t, c.done, "the cancelled call"); !errors.Is(got.err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", got.err)
	}
	receive(t, stopped, "the batch to stop waiting for its turn")
	if batches := log.all(); len(batches) != 0 {
		t.Errorf("sends %v, want none", batches)
	}
}

// The quiet rule runs on synctest's clock, so each test can say exactly when
// a batch went.

// spacedCalls calls b.Do for each item in turn, gap apart, checks that each
// gets item*10, and returns how long after the first call each came back.
func spacedCalls(t *testing.T, b *batch.Batcher[string, int, int], items []int, gap time.Duration) map[int]time.Duration {
	t.Helper()
	began := time.Now()
	var mu sync.Mutex
	returned := map[int]time.Duration{}
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Go(func() {
			if res, err := b.Do(t.Context(), "k", item); err != nil || res != item*10 {
				t.Errorf("Do(%d) = %d, %v; want %d, nil", item, res, err, item*10)
			}
			mu.Lock()
			returned[item] = time.Since(began)
			mu.Unlock()
		})
		time.Sleep(gap)
	}
	wg.Wait()
	return returned
}

func TestBatcherSendsQuietBatchBeforeMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const quiet = 10 * time.Millisecond
		log := newSendLog[string, int]()
		b := batch.New(batch.Config{MaxWait: time.Hour, Quiet: quiet, MaxSize: 100}, timesTenSend(log), nil, nil)

		// Each call comes within quiet of the one before: all share a batch,
		// which goes quiet after the last.
		returned := spacedCalls(t, b, oneTo(3), quiet/2)

		if got, want := returned[1], quiet/2*2+quiet; got != want {
			t.Errorf("callers returned after %v, want %v: quiet after the last call", got, want)
		}
		batches := log.all()
		if len(batches) != 1 || !slices.Equal(batches[0].items, []int{1, 2, 3}) {
			t.Errorf("sent %v, want one batch of [1 2 3]", batches)
		}
	})
}

func TestBatcherStartsNewBatchAfterQuiet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const quiet = 10 * time.Millisecond
		log := newSendLog[string, int]()
		b := batch.New(batch.Config{MaxWait: time.Hour, Quiet: quiet, MaxSize: 100}, timesTenSend(log), nil, nil)

		spacedCalls(t, b, []int{1, 2}, 2*quiet)

		batches := log.all()
		if len(batches) != 2 || !slices.Equal(batches[0].items, []int{1}) || !slices.Equal(batches[1].items, []int{2}) {
			t.Errorf("sent %v, want [1] and then [2]", batches)
		}
	})
}

func TestBatcherQuietStillStopsAtMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxWait, quiet, gap = 30 * time.Millisecond, 10 * time.Millisecond, 4 * time.Millisecond
		log := newSendLog[string, int]()
		b := batch.New(batch.Config{MaxWait: maxWait, Quiet: quiet, MaxSize: 100}, timesTenSend(log), nil, nil)

		// A call every 4 ms never lets the batch go quiet: it goes at
		// MaxWait with the 8 calls of 0 to 28 ms, and the next batch takes
		// those of 32 and 36 ms.
		returned := spacedCalls(t, b, oneTo(10), gap)

		if got := returned[1]; got != maxWait {
			t.Errorf("first batch came back after %v, want MaxWait %v", got, maxWait)
		}
		batches := log.all()
		if len(batches) != 2 || !slices.Equal(batches[0].items, oneTo(8)) || !slices.Equal(batches[1].items, []int{9, 10}) {
			t.Errorf("sent %v, want [1..8] and then [9 10]", batches)
		}
	})
}
