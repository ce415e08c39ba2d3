package stock

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// DefaultHandoverWait is how long a start of a product that is tracked
// already waits for this client to stop it: Terraform destroys one instance
// and creates another of the same product at the same time when a for_each
// key is renamed without a moved block.
const DefaultHandoverWait = 5 * time.Second

// runProducts remembers which products this client started and stopped
// tracking, which is one Terraform run.
//   - A product stopped in this run keeps saved levels that a start moving
//     stock would overshoot, and it is no longer tracked by anyone else: a
//     start of it is a replacement, not a takeover. A start waits for a stop
//     in flight to end: a stop applied after the start would undo it.
//   - A product started in this run belongs to the instance that started it:
//     a stop of it in the same run comes from another instance of the same
//     product, and must not undo the start.
type runProducts struct {
	mu      sync.Mutex
	stops   map[string]*productStop
	started map[string]bool
	// created are the products this run created in the Product Library.
	created map[string]bool
}

// productStop is the stop of one product: begun closes when it is sent,
// done when it has ended, ok telling then whether it succeeded.
type productStop struct {
	begun, done chan struct{}
	ok          bool
}

func newRunProducts() *runProducts {
	return &runProducts{stops: map[string]*productStop{}, started: map[string]bool{}, created: map[string]bool{}}
}

func (p *runProducts) stopOf(product string) *productStop {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, ok := p.stops[product]
	if !ok {
		st = &productStop{begun: make(chan struct{}), done: make(chan struct{})}
		p.stops[product] = st
	}
	return st
}

// beginStop records a stop about to be sent, and returns the function that
// records how it ended. A product's stop is sent once per run: a second
// one finds it untracked.
func (p *runProducts) beginStop(product string) (end func(ok bool)) {
	st := p.stopOf(product)
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-st.begun:
		return func(bool) {}
	default:
		close(st.begun)
	}
	return func(ok bool) {
		p.mu.Lock()
		defer p.mu.Unlock()
		st.ok = ok
		close(st.done)
	}
}

// stoppedHere reports whether this client stopped product in this run. A
// stop in flight is waited for.
func (p *runProducts) stoppedHere(ctx context.Context, product string) bool {
	st := p.stopOf(product)
	select {
	case <-st.begun:
	default:
		return false
	}
	return st.wait(ctx)
}

// awaitStop waits at most d for this client to begin stopping product, then
// for the stop to end, and reports whether it succeeded.
func (p *runProducts) awaitStop(ctx context.Context, product string, d time.Duration) bool {
	st := p.stopOf(product)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-st.begun:
	case <-timer.C:
		return false
	case <-ctx.Done():
		return false
	}
	return st.wait(ctx)
}

func (st *productStop) wait(ctx context.Context) bool {
	select {
	case <-st.done:
		return st.ok
	case <-ctx.Done():
		return false
	}
}

// startSent records a start request that got err: unless the API refused
// it, tracking may have started, and belongs to this start.
func (p *runProducts) startSent(product string, err error) {
	if err != nil && !zettle.MayHaveApplied(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started[product] = true
}

func (p *runProducts) wasStarted(product string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started[product]
}

func (p *runProducts) markCreated(product string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.created[product] = true
}

func (p *runProducts) wasCreated(product string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.created[product]
}

// AlreadyTrackedError is a start refused because the product is tracked
// already, from the POS app, the back office, another tool or another
// resource: starting it would take over its live stock. Nothing was changed.
type AlreadyTrackedError struct {
	ProductUUID string
}

func (e *AlreadyTrackedError) Error() string {
	return fmt.Sprintf("product %s is tracked already; nothing was changed", e.ProductUUID)
}

// ErrStartedThisRun is a stop that was not sent: this client started the
// product's tracking in the same run, for another owner of the same product,
// and stopping it would undo that start.
var ErrStartedThisRun = errors.New("tracking of the product was started in this run by another resource of the same product; it stays tracked")

// refuseTracked checks, before a start, that the product is not tracked
// already, with the per-product lookup (one request per batch of starts).
// A tracked product that this client stops within its handover wait is
// handed over: stopped reports that, and the start goes on as a replacement.
func (k *Keeper) refuseTracked(ctx context.Context, location, product string) (stopped bool, err error) {
	inv, err := k.inv.ConfirmTracking(ctx, location, product)
	if err != nil {
		return false, fmt.Errorf("start tracking product %s: checking whether it is tracked already: %w", product, err)
	}
	if !inv.Tracked {
		// A stop sent meanwhile may be what the lookup saw.
		return k.run.stoppedHere(ctx, product), nil
	}
	k.logf(ctx, "The product is tracked already; waiting briefly for this run to stop it", map[string]any{"product_uuid": product, "wait": k.handoverWait.String()})
	if k.run.awaitStop(ctx, product, k.handoverWait) {
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("start tracking product %s: gave up waiting for this run to stop it: %w", product, err)
	}
	return false, &AlreadyTrackedError{ProductUUID: product}
}
