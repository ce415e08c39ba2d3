// Package batch coalesces concurrent calls into batch requests, and shares
// one fetch of a value among its callers. It knows nothing of the API it
// serves: callers give it the function that sends a batch.
package batch

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Config says when a batch is sent: when it holds MaxSize calls, MaxWait
// after its first call arrived, or Quiet after its last, whichever comes
// first, and then once Admit lets it go.
type Config struct {
	MaxWait time.Duration
	// Quiet, when above zero, sends a batch that no call has joined for that
	// long: concurrent callers arrive close together, and once they have
	// all come, waiting on for MaxWait only delays them.
	Quiet time.Duration
	// MaxSize caps the calls in one batch. At 1 or less every call is sent
	// on its own, at once.
	MaxSize int
	// Admit, when set, waits for the batch's turn to be sent (a rate
	// limiter's) and returns the context to send it with. The batch takes
	// new calls while it waits, up to MaxSize, so that a limited API gets
	// larger batches rather than a queue of small ones.
	Admit func(ctx context.Context) (context.Context, error)
}

// SendFunc sends items, which share key, as one request and returns one
// result per item, in order.
type SendFunc[K comparable, I, R any] func(ctx context.Context, key K, items []I) ([]R, error)

// Batcher coalesces calls with the same key that arrive within MaxWait of
// each other. Each caller gets its own result. When a batch fails with an
// error that Resplit accepts, each of its calls is sent again on its own, so
// that one bad item cannot fail its neighbours.
type Batcher[K comparable, I, R any] struct {
	cfg  Config
	send SendFunc[K, I, R]
	// resplit reports whether a failed batch may be sent again item by item:
	// only when the error proves the request changed nothing.
	resplit func(error) bool
	// id names an item; two items with the same id never share a batch, so
	// that one request never carries two changes of the same thing.
	id func(I) string

	mu   sync.Mutex
	open map[K]*pending[K, I, R] // the batch that new calls with a key join
}

// New returns a Batcher. resplit and id may be nil: no failed batch is then
// resent item by item, and any items may share a batch.
func New[K comparable, I, R any](cfg Config, send SendFunc[K, I, R], resplit func(error) bool, id func(I) string) *Batcher[K, I, R] {
	if resplit == nil {
		resplit = func(error) bool { return false }
	}
	return &Batcher[K, I, R]{cfg: cfg, send: send, resplit: resplit, id: id, open: map[K]*pending[K, I, R]{}}
}

// call is one caller's item and, once done is closed, its outcome.
type call[I, R any] struct {
	item I
	done chan struct{}
	res  R
	err  error
	// alone asks the caller to send its item on its own: the batch failed
	// in a way that changed nothing.
	alone bool
}

// pending is a batch that is filling up or in flight.
type pending[K comparable, I, R any] struct {
	key   K
	calls []*call[I, R]
	ids   map[string]bool
	// closed marks a batch that takes no new calls; full is closed with it.
	closed bool
	full   chan struct{}
	// joined has a signal when a call joined since run last looked.
	joined chan struct{}
	sent   bool
	// ctx carries the first caller's values but not its cancellation: the
	// request serves every caller, and is cancelled only when all of them
	// have gone.
	ctx     context.Context
	cancel  context.CancelFunc
	waiting int
}

// Do adds item to the open batch for key, or opens one, and waits for the
// item's result. A cancelled ctx returns at once; an item whose batch was not
// yet sent is then left out of it.
func (b *Batcher[K, I, R]) Do(ctx context.Context, key K, item I) (R, error) {
	if b.cfg.MaxSize <= 1 {
		return b.sendAlone(ctx, key, item)
	}
	c := &call[I, R]{item: item, done: make(chan struct{})}
	p := b.join(ctx, key, c)
	select {
	case <-c.done:
	case <-ctx.Done():
		b.leave(p, c)
		var zero R
		return zero, ctx.Err()
	}
	if c.alone {
		return b.sendAlone(ctx, key, item)
	}
	return c.res, c.err
}

func (b *Batcher[K, I, R]) sendAlone(ctx context.Context, key K, item I) (R, error) {
	var zero R
	res, err := b.send(ctx, key, []I{item})
	if err != nil {
		return zero, err
	}
	if len(res) != 1 {
		return zero, fmt.Errorf("batch: %d results for 1 item", len(res))
	}
	return res[0], nil
}

// join adds c to the open batch for key, opening one if there is none or if
// the open one already holds an item with c's id. A batch that becomes full
// is sent at once.
func (b *Batcher[K, I, R]) join(ctx context.Context, key K, c *call[I, R]) *pending[K, I, R] {
	b.mu.Lock()
	defer b.mu.Unlock()
	var id string
	if b.id != nil {
		id = b.id(c.item)
	}
	p := b.open[key]
	if p != nil && id != "" && p.ids[id] {
		b.closeLocked(p)
		p = nil
	}
	if p == nil {
		batchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		p = &pending[K, I, R]{key: key, ids: map[string]bool{}, ctx: batchCtx, cancel: cancel, full: make(chan struct{}), joined: make(chan struct{}, 1)}
		b.open[key] = p
		go b.run(p)
	}
	p.calls = append(p.calls, c)
	if id != "" {
		p.ids[id] = true
	}
	if len(p.calls) >= b.cfg.MaxSize {
		b.closeLocked(p)
	}
	select {
	case p.joined <- struct{}{}:
	default:
	}
	return p
}

// run sends p once it is closed, MaxWait has passed or it has been quiet
// for Quiet, and Admit has let it go; it takes calls until then.
func (b *Batcher[K, I, R]) run(p *pending[K, I, R]) {
	b.fill(p)
	ctx, err := p.ctx, error(nil)
	if b.cfg.Admit != nil {
		ctx, err = b.cfg.Admit(p.ctx)
	}
	b.flush(p, ctx, err)
}

// fill waits while p may take calls before it asks for its turn.
func (b *Batcher[K, I, R]) fill(p *pending[K, I, R]) {
	deadline := time.NewTimer(b.cfg.MaxWait)
	defer deadline.Stop()
	var quiet <-chan time.Time
	var quietTimer *time.Timer
	if b.cfg.Quiet > 0 && b.cfg.Quiet < b.cfg.MaxWait {
		quietTimer = time.NewTimer(b.cfg.Quiet)
		defer quietTimer.Stop()
		quiet = quietTimer.C
	}
	for {
		select {
		case <-deadline.C:
			return
		case <-p.full:
			return
		case <-quiet:
			return
		case <-p.joined:
			if quietTimer != nil {
				quietTimer.Reset(b.cfg.Quiet)
			}
		}
	}
}

// closeLocked stops p taking new calls. The caller holds b.mu.
func (b *Batcher[K, I, R]) closeLocked(p *pending[K, I, R]) {
	if b.open[p.key] == p {
		delete(b.open, p.key)
	}
	if !p.closed {
		p.closed = true
		close(p.full)
	}
}

// leave takes a cancelled caller out of p: out of its items if p was not
// sent yet, else out of the callers that still wait for the request.
func (b *Batcher[K, I, R]) leave(p *pending[K, I, R], c *call[I, R]) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !p.sent {
		for i, other := range p.calls {
			if other == c {
				p.calls = append(p.calls[:i], p.calls[i+1:]...)
				break
			}
		}
		if b.id != nil {
			delete(p.ids, b.id(c.item))
		}
		if len(p.calls) == 0 {
			// No one is left to send for: stop waiting for a turn.
			b.closeLocked(p)
			p.cancel()
		}
		return
	}
	if p.waiting--; p.waiting == 0 {
		p.cancel()
	}
}

// flush sends p with ctx, once, and hands each call its outcome; admitErr,
// when set, is every call's outcome, and nothing is sent.
func (b *Batcher[K, I, R]) flush(p *pending[K, I, R], ctx context.Context, admitErr error) {
	b.mu.Lock()
	if p.sent {
		b.mu.Unlock()
		return
	}
	b.closeLocked(p)
	p.sent = true
	calls := append([]*call[I, R](nil), p.calls...)
	p.waiting = len(calls)
	b.mu.Unlock()
	defer p.cancel()
	if len(calls) == 0 {
		return
	}

	items := make([]I, len(calls))
	for i, c := range calls {
		items[i] = c.item
	}
	var results []R
	err := admitErr
	if admitErr == nil {
		results, err = b.send(ctx, p.key, items)
	}
	if err == nil && len(results) != len(calls) {
		err = fmt.Errorf("batch: %d results for %d items", len(results), len(calls))
	}
	for i, c := range calls {
		switch {
		case err == nil:
			c.res = results[i]
		case len(calls) > 1 && b.resplit(err):
			c.alone = true
		default:
			c.err = err
		}
		close(c.done)
	}
}
