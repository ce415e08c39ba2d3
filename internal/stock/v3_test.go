package stock_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// newV3Tracker returns a tracker speaking Inventory API v3.
func newV3Tracker(t *testing.T, cfg zettle.Config) (*tracker, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	cfg.APIVersion = zettle.APIVersionV3
	return newTracker(t, cfg, stock.Config{}, sandbox.OrgSpec{})
}

// Under v3 tracking starts without stock; the balances are then read and
// only the difference to each target moves, whatever the saved levels.
func TestV3StartReachesTargetsFromAnyStartingLevel(t *testing.T) {
	for name, saved := range map[string]string{"new product": "", "saved below": "3", "saved above": "30", "saved equal": "10"} {
		t.Run(name, func(t *testing.T) {
			c, _, org := newV3Tracker(t, zettle.Config{})
			product, v := org.AddProduct(1)
			if saved != "" {
				org.SetTracking(product, true)
				if err := org.RestockExact(product, v[0], saved); err != nil {
					t.Fatal(err)
				}
				org.SetTracking(product, false)
			}
			got, err := c.StartTracking(context.Background(), stock.TrackingRequest{
				ProductUUID: product, InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(10)},
			})
			if err != nil {
				t.Fatal(err)
			}
			if b := org.BalanceExact(sandbox.Store, product, v[0]); b.String() != "10" || !got.Balances[v[0]].Equal(zettle.QuantityOf(10)) {
				t.Errorf("balance %s, reported %v; want 10", b, got.Balances)
			}
			if n := len(org.Movements()) - movementsBefore(saved); n > 1 {
				t.Errorf("%d movements, want at most one", n)
			}
		})
	}
}

// movementsBefore is how many movements the test's own restock made.
func movementsBefore(saved string) int {
	if saved == "" {
		return 0
	}
	return 1
}

// stockReadHook runs hook once, as the second stock read goes out: between
// the pages of a listing, or between two products' reads.
type stockReadHook struct {
	reads atomic.Int32
	fired atomic.Bool
	hook  func()
}

func (h *stockReadHook) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3/stock/") && h.reads.Add(1) == 2 {
		h.hook()
		h.fired.Store(true)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// The balances a movement is computed from are read product by product:
// another product stopped while they are read (here, between the pages of
// an inventory-wide listing) cannot make a saved level read as zero, which
// would move the whole target on top of it.
func TestV3BalancesForMovementsAreReadPerProduct(t *testing.T) {
	hook := &stockReadHook{}
	c, sb, org := newV3Tracker(t, zettle.Config{Batching: zettletest.BatchOf(2), HTTPClient: &http.Client{Transport: hook}})
	sb.SetPageSize(1)
	other, ov := org.AddProduct(2)
	org.SetTracking(other, true)
	for _, v := range ov {
		if err := org.Restock(other, v, 1); err != nil {
			t.Fatal(err)
		}
	}
	a, av := org.AddProduct(1)
	b, bv := org.AddProduct(1)
	org.SetTracking(a, true)
	if err := org.Restock(a, av[0], 5); err != nil {
		t.Fatal(err)
	}
	org.SetTracking(a, false)
	hook.hook = func() { org.SetTracking(other, false) }

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []struct{ product, variant string }{{a, av[0]}, {b, bv[0]}} {
		wg.Go(func() {
			_, errs[i] = c.StartTracking(context.Background(), stock.TrackingRequest{ProductUUID: p.product,
				InitialBalances: map[string]zettle.Quantity{p.variant: zettle.QuantityOf(10)}})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !hook.fired.Load() {
		t.Fatal("the stop never happened during the reads")
	}
	for _, p := range []struct{ product, variant string }{{a, av[0]}, {b, bv[0]}} {
		if got := org.BalanceExact(sandbox.Store, p.product, p.variant); got.String() != "10" {
			t.Errorf("product %s: balance %s, want exactly 10", p.product, got)
		}
	}
	for _, r := range sb.Requests() {
		if r.Route == "GET /v3/stock/{inventory}" {
			t.Errorf("a start read the inventory-wide listing: %s %s?%s", r.Method, r.Path, r.Query)
		}
	}
}

// A movement whose answer is lost is not sent again: the balances are read
// and only what is missing moves, so the target lands once.
func TestV3LostMovementLandsOnce(t *testing.T) {
	c, sb, org := newV3Tracker(t, zettle.Config{Retries: zettletest.FastRetries})
	product, v := org.AddProduct(1)
	sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: "/v3/movements", CutAfterCommit: true})
	if _, err := c.StartTracking(context.Background(), stock.TrackingRequest{ProductUUID: product,
		InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(7)}}); err != nil {
		t.Fatal(err)
	}
	if got := org.BalanceExact(sandbox.Store, product, v[0]); got.String() != "7" {
		t.Errorf("balance %s, want exactly 7", got)
	}
	if n := sb.RequestCount("POST /v3/movements"); n != 1 {
		t.Errorf("%d movement requests, want the one whose answer was lost", n)
	}
}

// Under v3 the stops of one batch go out as one request.
func TestV3StopsShareOneRequest(t *testing.T) {
	const n = 4
	c, sb, org := newV3Tracker(t, zettle.Config{Batching: zettletest.BatchOf(n)})
	var products []string
	for range n {
		p, _ := org.AddProduct(1)
		org.SetTracking(p, true)
		products = append(products, p)
	}
	var wg sync.WaitGroup
	for _, p := range products {
		wg.Go(func() {
			if err := c.StopTracking(context.Background(), p); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, p := range products {
		if org.IsTracked(p) {
			t.Errorf("product %s still tracked", p)
		}
	}
	if got := sb.RequestCount("POST /v3/products"); got != 1 {
		t.Errorf("%d requests stopped %d products, want 1", got, n)
	}
}
