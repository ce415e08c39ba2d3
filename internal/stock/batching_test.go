package stock_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// oneVariantRequests adds n products of one variant each, and asks for each
// variant to start at target.
func oneVariantRequests(org *sandbox.Org, n int, target zettle.Quantity) []stock.TrackingRequest {
	var reqs []stock.TrackingRequest
	for range n {
		product, v := org.AddProduct(1)
		reqs = append(reqs, stock.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store),
			InitialBalances: map[string]zettle.Quantity{v[0]: target}})
	}
	return reqs
}

// startAll starts tracking every request at the same time and returns each
// one's outcome, in order.
func startAll(c *tracker, reqs []stock.TrackingRequest) ([]stock.TrackedProduct, []error) {
	results := make([]stock.TrackedProduct, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() { results[i], errs[i] = c.StartTracking(context.Background(), req) })
	}
	wg.Wait()
	return results, errs
}

// bulkBodies decodes the bulk requests the sandbox saw.
func bulkBodies(t *testing.T, sb *sandbox.Server) []zettle.BulkRequest {
	t.Helper()
	var out []zettle.BulkRequest
	for _, r := range sb.Requests() {
		if r.Route != zettletest.RouteBulk {
			continue
		}
		var body zettle.BulkRequest
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, body)
	}
	return out
}

// bulkProducts lists the products of each bulk request the sandbox saw.
func bulkProducts(t *testing.T, sb *sandbox.Server) [][]string {
	t.Helper()
	var out [][]string
	for _, body := range bulkBodies(t, sb) {
		var products []string
		for _, pc := range body.ProductChanges {
			products = append(products, pc.ProductUUID)
		}
		out = append(out, products)
	}
	return out
}

func TestBatchedStartsShareOneBulkRequestAndOneLookup(t *testing.T) {
	const n = 8
	c, sb, org := newBatchingSandboxClient(t, zettletest.BatchOf(n))
	store := org.Location(sandbox.Store)
	var reqs []stock.TrackingRequest
	for i := range n {
		product, v := org.AddProduct(2)
		// The zero target makes each start look its product up.
		reqs = append(reqs, stock.TrackingRequest{ProductUUID: product, LocationUUID: store,
			InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(int64(i + 1)), v[1]: {}}})
	}
	results, errs := startAll(c, reqs)

	for i, req := range reqs {
		if errs[i] != nil {
			t.Fatalf("product %d: %v", i, errs[i])
		}
		v0 := firstWithTarget(req, zettle.QuantityOf(int64(i+1)))
		if len(results[i].Balances) != 1 || !results[i].Balances[v0].Equal(zettle.QuantityOf(int64(i+1))) {
			t.Errorf("product %d: reported balances %v, want only %s = %d", i, results[i].Balances, v0, i+1)
		}
		if got := org.Balance(sandbox.Store, req.ProductUUID, v0); got != float64(i+1) {
			t.Errorf("product %d: sandbox balance %v, want %d", i, got, i+1)
		}
	}
	if bulks := bulkProducts(t, sb); len(bulks) != 1 || len(bulks[0]) != n {
		t.Errorf("bulk requests %v, want one with %d products", bulks, n)
	}
	// One checks that none is tracked already; one reads the saved levels
	// of the zero targets once tracking has started.
	if got := sb.RequestCount(zettletest.RouteProductLookup); got != 2 {
		t.Errorf("%d product lookups, want 2", got)
	}
	if got := sb.RequestCount(zettletest.RouteMove); got != 0 {
		t.Errorf("%d stock movements, want 0", got)
	}
}

func firstWithTarget(req stock.TrackingRequest, target zettle.Quantity) string {
	for v, q := range req.InitialBalances {
		if q.Equal(target) {
			return v
		}
	}
	return ""
}

// Products that come back with saved levels need a correcting movement;
// those of products started together go out as one request.
func TestBatchedStartsCorrectSavedLevelsInOneMovement(t *testing.T) {
	const n = 4
	c, sb, org := newBatchingSandboxClient(t, zettletest.BatchOf(n))
	reqs := oneVariantRequests(org, n, zettle.QuantityOf(3))
	for _, req := range reqs {
		for v := range req.InitialBalances {
			org.SetTracking(req.ProductUUID, true)
			if err := org.Restock(req.ProductUUID, v, 7); err != nil {
				t.Fatal(err)
			}
			org.SetTracking(req.ProductUUID, false)
		}
	}
	_, errs := startAll(c, reqs)
	for i, req := range reqs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for v := range req.InitialBalances {
			if got := org.Balance(sandbox.Store, req.ProductUUID, v); got != 3 {
				t.Errorf("product %d: balance %v, want 3", i, got)
			}
		}
	}
	if got := sb.RequestCount(zettletest.RouteMove); got != 1 {
		t.Errorf("%d stock movements, want 1", got)
	}
}

// The API refuses a bulk request whole when one of its products is unknown.
// The others must still start, each sent again on its own.
func TestBatchedStartRefusedForOneProductSucceedsForTheOthers(t *testing.T) {
	const n = 5
	c, sb, org := newBatchingSandboxClient(t, zettletest.BatchOf(n))
	unknown := "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009"
	reqs := oneVariantRequests(org, n, zettle.QuantityOf(4))
	reqs[2].ProductUUID = unknown
	_, errs := startAll(c, reqs)

	for i, req := range reqs {
		switch {
		case req.ProductUUID == unknown:
			if zettle.StatusOf(errs[i]) != http.StatusNotFound || !strings.Contains(errs[i].Error(), unknown) {
				t.Errorf("unknown product: error %v, want a 404 naming it", errs[i])
			}
		case errs[i] != nil:
			t.Errorf("product %d failed with its neighbour: %v", i, errs[i])
		default:
			for v := range req.InitialBalances {
				if got := org.Balance(sandbox.Store, req.ProductUUID, v); got != 4 {
					t.Errorf("product %d: balance %v, want 4", i, got)
				}
			}
		}
	}
	bulks := bulkProducts(t, sb)
	if len(bulks) != 1+n || len(bulks[0]) != n {
		t.Fatalf("bulk requests %v, want one of %d then %d of one", bulks, n, n)
	}
	for _, b := range bulks[1:] {
		if len(b) != 1 {
			t.Errorf("resent bulk request with %d products", len(b))
		}
	}
}

// After a 5xx or a lost answer the batch may or may not have been applied.
// It is never sent again as it was: each product starts tracking again
// without moving stock, reads its balance, and moves what is missing, so the
// stock lands exactly once either way.
func TestBatchedStartReconcilesAfterAFailureThatMayHaveApplied(t *testing.T) {
	for name, tc := range map[string]struct {
		fault sandbox.Fault
		// movements is how many correcting movements it takes: none when
		// the lost request had moved the stock.
		movements int
	}{
		"server error, not applied": {sandbox.Fault{Method: "POST", Route: "/organizations/{org}/v2/inventory/bulk", Status: http.StatusInternalServerError}, 1},
		"connection cut, applied":   {sandbox.Fault{Method: "POST", Route: "/organizations/{org}/v2/inventory/bulk", CutAfterCommit: true}, 0},
		// A 2xx that cannot be read was applied just the same.
		"answer cut, applied":     {sandbox.Fault{Method: "POST", Route: "/organizations/{org}/v2/inventory/bulk", CutAnswerAfterCommit: true}, 0},
		"answer garbled, applied": {sandbox.Fault{Method: "POST", Route: "/organizations/{org}/v2/inventory/bulk", GarbleAnswerAfterCommit: true}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			const n = 3
			c, sb, org := newBatchingSandboxClient(t, zettletest.BatchOf(n))
			sb.InjectFault(tc.fault)
			reqs := oneVariantRequests(org, n, zettle.QuantityOf(5))
			_, errs := startAll(c, reqs)
			for i, err := range errs {
				if err != nil {
					t.Errorf("product %d: %v", i, err)
				}
			}
			expectStock(t, org, reqs)
			moving := 0
			for _, b := range bulkBodies(t, sb) {
				for _, pc := range b.ProductChanges {
					if len(pc.VariantChanges) > 0 {
						moving++
					}
				}
			}
			if moving != n {
				t.Errorf("%d product changes moved stock, want %d: the failed batch only", moving, n)
			}
			if got := sb.RequestCount(zettletest.RouteMove); got != tc.movements {
				t.Errorf("%d correcting movements, want %d", got, tc.movements)
			}
		})
	}
}

// A 429 refuses the request before anything happens: with no retries left,
// the error stands and nothing moved.
func TestBatchedStartRateLimitedChangesNothing(t *testing.T) {
	const n = 3
	c, sb, org := newBatchingSandboxClient(t, zettletest.BatchOf(n))
	sb.InjectFault(sandbox.Fault{Method: "POST", Route: "/organizations/{org}/v2/inventory/bulk", Status: http.StatusTooManyRequests, RetryAfter: "1"})
	reqs := oneVariantRequests(org, n, zettle.QuantityOf(5))
	_, errs := startAll(c, reqs)
	for i, err := range errs {
		if zettle.StatusOf(err) != http.StatusTooManyRequests {
			t.Errorf("product %d: error %v, want HTTP 429", i, err)
		}
	}
	if got := sb.RequestCount(); got != 3 {
		t.Errorf("%d requests, want 3 (locations, one product lookup, one bulk)", got)
	}
	for _, req := range reqs {
		if org.IsTracked(req.ProductUUID) {
			t.Errorf("product %s tracked", req.ProductUUID)
		}
	}
}

// expectStock asserts that each request's variants are at their targets.
func expectStock(t *testing.T, org *sandbox.Org, reqs []stock.TrackingRequest) {
	t.Helper()
	for _, req := range reqs {
		for v, want := range req.InitialBalances {
			if got := org.BalanceExact(sandbox.Store, req.ProductUUID, v); got.String() != want.String() {
				t.Errorf("product %s: balance %v, want %v", req.ProductUUID, got, want)
			}
		}
	}
}

// Reads share one location-wide lookup, and a read that follows a change
// made through the client sees it.
func TestSharedInventoryReadsSeeTheClientsChanges(t *testing.T) {
	c, sb, org := newBatchingSandboxClient(t, zettle.DefaultBatching)
	ctx := context.Background()
	p1, v1 := org.AddProduct(1)
	p2, _ := org.AddProduct(1)
	read := func(product string) zettle.ProductInventory {
		t.Helper()
		inv, err := c.ProductInventory(ctx, "", product)
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	// Only a product the shared lookup leaves out is looked up alone, to
	// confirm that it is not tracked.
	lookups := func(want, confirmations int) {
		t.Helper()
		if got := sb.RequestCount(zettletest.RouteStoreLookup); got != want {
			t.Errorf("%d location-wide lookups, want %d", got, want)
		}
		if got := sb.RequestCount(zettletest.RouteProductLookup); got != confirmations {
			t.Errorf("%d product lookups, want %d", got, confirmations)
		}
	}

	if read(p1).Tracked || read(p2).Tracked {
		t.Error("untracked products read as tracked")
	}
	lookups(1, 2)

	if _, err := c.StartTracking(ctx, stock.TrackingRequest{ProductUUID: p1, LocationUUID: org.Location(sandbox.Store), InitialBalances: map[string]zettle.Quantity{v1[0]: zettle.QuantityOf(2)}}); err != nil {
		t.Fatal(err)
	}
	if inv := read(p1); !inv.Tracked || !inv.Balances[v1[0]].Equal(zettle.QuantityOf(2)) || inv.LocationUUID != org.Location(sandbox.Store) {
		t.Errorf("after start: %+v", inv)
	}
	read(p2)
	// The start checked p1 first: one more product lookup.
	lookups(2, 4)

	// A sale in the POS app is not the client's change: the run's reads
	// keep the lookup they share.
	if err := org.Sell(p1, v1[0], 1); err != nil {
		t.Fatal(err)
	}
	if inv := read(p1); !inv.Balances[v1[0]].Equal(zettle.QuantityOf(2)) {
		t.Errorf("the shared lookup changed without a change by the client: %+v", inv)
	}
	lookups(2, 4)

	// p2, tracked from the back office since, is stopped through the
	// client: the next read sees it stopped. (A stop of p1, which this
	// client started, would come from another resource of p1 and is not
	// sent.)
	org.SetTracking(p2, true)
	if err := c.StopTracking(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if read(p2).Tracked {
		t.Error("still tracked after stop")
	}
	if !read(p1).Tracked {
		t.Error("p1 reads as untracked")
	}
	lookups(3, 5)
}

// Without batching, every call is its own request: the baseline.
func TestUnbatchedClientSendsOneRequestPerCall(t *testing.T) {
	const n = 5
	c, sb, org := newSandboxClient(t)
	reqs := oneVariantRequests(org, n, zettle.QuantityOf(1))
	_, errs := startAll(c, reqs)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, req := range reqs {
		inv, err := c.ProductInventory(context.Background(), "", req.ProductUUID)
		if err != nil || !inv.Tracked {
			t.Fatalf("read %+v, %v", inv, err)
		}
	}
	// Each start checks its product alone before it starts; each read
	// looks its product up alone.
	if bulks, lookups, shared := sb.RequestCount(zettletest.RouteBulk), sb.RequestCount(zettletest.RouteProductLookup), sb.RequestCount(zettletest.RouteStoreLookup); bulks != n || lookups != 2*n || shared != 0 {
		t.Errorf("%d bulk requests, %d product lookups, %d location-wide lookups; want %d, %d, 0", bulks, lookups, shared, n, 2*n)
	}
}
