package stock_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// newOrganizationClient returns a tracker configured as cfg for a new
// organization: one without locations until tracking first starts.
func newOrganizationClient(t *testing.T, cfg zettle.Config) (*tracker, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return newTracker(t, cfg, stock.Config{}, sandbox.OrgSpec{NewOrganization: true})
}

// routesSeen lists the routes of the requests the sandbox answered, in order,
// with the faults that shaped them.
func routesSeen(sb *sandbox.Server) []string {
	var out []string
	for _, r := range sb.Requests() {
		route := r.Route
		if r.Fault != "" {
			route += " (" + r.Fault + ")"
		}
		out = append(out, route)
	}
	return out
}

// expectMovedInOnce asserts that the ledger holds exactly one movement from
// SUPPLIER to STORE per positive target, of the target, and nothing else.
func expectMovedInOnce(t *testing.T, org *sandbox.Org, reqs ...stock.TrackingRequest) {
	t.Helper()
	want := map[string]string{}
	for _, req := range reqs {
		for v, q := range req.InitialBalances {
			if q.Sign() > 0 {
				want[req.ProductUUID+"/"+v] = q.String()
			}
		}
	}
	got := map[string]string{}
	for _, m := range org.Movements() {
		key := m.Product + "/" + m.Variant
		if m.From != sandbox.Supplier || m.To != sandbox.Store || m.Route != zettletest.RouteMove {
			t.Errorf("unexpected movement %+v", m)
			continue
		}
		if _, twice := got[key]; twice {
			t.Errorf("variant %s moved in twice: %+v", key, org.Movements())
		}
		got[key] = m.Quantity.String()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("moved in %v, want %v", got, want)
	}
}

func TestCachedLocationsKeepsNoIncompleteList(t *testing.T) {
	c, sb, org := newOrganizationClient(t, zettle.Config{})
	for range 2 {
		locs, err := c.CachedLocations(context.Background())
		var missing *zettle.MissingLocationError
		if !errors.As(err, &missing) || missing.Type != zettle.LocationStore || missing.Listed != 0 || len(locs) != 0 {
			t.Fatalf("locations of a new organization: %v, %v; want none and a missing STORE location", locs, err)
		}
	}
	product, _ := org.AddProduct(1)
	org.SetTracking(product, true)
	for range 2 {
		locs, err := c.CachedLocations(context.Background())
		if store, _ := locs.ByType(zettle.LocationStore); err != nil || len(locs) != 4 || store.UUID != org.Location(sandbox.Store) {
			t.Fatalf("locations once tracking started: %v, %v", locs, err)
		}
	}
	if got := sb.RequestCount(zettletest.RouteLocations); got != 3 {
		t.Errorf("%d listings, want 3: each empty one, then one kept", got)
	}
}

// A new organization: tracking starts without moving stock, which creates
// the locations; they are listed again, then the stock moves in.
func TestStartTrackingInNewOrganization(t *testing.T) {
	c, sb, org := newOrganizationClient(t, zettle.Config{})
	product, v := org.AddProduct(2)
	req := stock.TrackingRequest{ProductUUID: product, InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(5), v[1]: zettle.QuantityOf(0)}}
	got, err := c.StartTracking(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	store := org.Location(sandbox.Store)
	if store == "" || got.LocationUUID != store || fmt.Sprint(got.Balances) != fmt.Sprint(map[string]zettle.Quantity{v[0]: zettle.QuantityOf(5)}) {
		t.Errorf("got %+v, want the STORE location %s and balances {%s: 5}", got, store, v[0])
	}
	if seen, want := routesSeen(sb), []string{zettletest.RouteLocations, zettletest.RouteBulk, zettletest.RouteLocations, zettletest.RouteMove}; !slices.Equal(seen, want) {
		t.Errorf("requests %v, want %v", seen, want)
	}
	bodies := bulkBodies(t, sb)
	if len(bodies) != 1 || bodies[0].ReturnBalanceForLocationUUID != "" || len(bodies[0].ProductChanges) != 1 ||
		bodies[0].ProductChanges[0].TrackingStatusChange != zettle.StartTracking || len(bodies[0].ProductChanges[0].VariantChanges) != 0 {
		t.Errorf("bulk requests %+v, want one that only starts tracking", bodies)
	}
	expectMovedInOnce(t, org, req)
	if !org.IsTracked(product) || org.Balance(sandbox.Store, product, v[0]) != 5 {
		t.Errorf("tracked %v, balance %v", org.IsTracked(product), org.Balance(sandbox.Store, product, v[0]))
	}
}

// Concurrent starts of a new organization's products share one tracking-only
// bulk request, one listing after it and one movement; a later batch, once the
// locations exist, takes the usual path.
func TestBatchedStartsInNewOrganizationShareRequests(t *testing.T) {
	const n = 3
	c, sb, org := newOrganizationClient(t, zettle.Config{Batching: zettletest.BatchOf(n)})
	newRequests := func() []stock.TrackingRequest {
		reqs := oneVariantRequests(org, n, zettle.QuantityOf(4))
		for i := range reqs {
			reqs[i].LocationUUID = ""
		}
		return reqs
	}
	first := newRequests()
	results, errs := startAll(c, first)
	store := org.Location(sandbox.Store)
	for i, err := range errs {
		if err != nil || results[i].LocationUUID != store {
			t.Errorf("product %d: %+v, %v; want the STORE location %s", i, results[i], err, store)
		}
	}
	seen := routesSeen(sb)
	bulkAt := slices.Index(seen, zettletest.RouteBulk)
	if bulkAt < 1 || sb.RequestCount(zettletest.RouteBulk) != 1 || sb.RequestCount(zettletest.RouteMove) != 1 {
		t.Fatalf("requests %v, want listings, one bulk request, then one movement", seen)
	}
	after := seen[bulkAt+1:]
	if want := []string{zettletest.RouteLocations, zettletest.RouteMove}; !slices.Equal(after, want) {
		t.Errorf("requests after the bulk request %v, want %v", after, want)
	}
	if products := bulkProducts(t, sb); len(products[0]) != n || len(bulkBodies(t, sb)[0].ProductChanges[0].VariantChanges) != 0 {
		t.Errorf("bulk request %+v, want the %d products, tracking only", bulkBodies(t, sb), n)
	}
	expectMovedInOnce(t, org, first...)

	sb.ResetRequests()
	second := newRequests()
	if _, errs := startAll(c, second); errors.Join(errs...) != nil {
		t.Fatal(errs)
	}
	if seen := routesSeen(sb); !slices.Equal(seen, []string{zettletest.RouteProductLookup, zettletest.RouteBulk}) {
		t.Errorf("second batch: requests %v, want one product lookup checking that none is tracked, then one bulk request that moves the stock", seen)
	}
	if b := bulkBodies(t, sb); len(b) != 1 || b[0].ReturnBalanceForLocationUUID != store || len(b[0].ProductChanges[0].VariantChanges) != 1 {
		t.Errorf("second batch: bulk requests %+v", b)
	}
	expectStock(t, org, second)
}

// A lost answer to any request of a first start may have been applied: the
// tracking-only start is repeated, a movement is never repeated blindly, and
// the stock lands exactly once.
func TestStartTrackingInNewOrganizationAfterLostAnswers(t *testing.T) {
	const bulkPath, movePath, listPath = "/organizations/{org}/v2/inventory/bulk", "/organizations/{org}/inventory", "/organizations/{org}/locations"
	for name, fault := range map[string]sandbox.Fault{
		"start applied, answer lost":         {Method: http.MethodPost, Route: bulkPath, CutAfterCommit: true},
		"start not applied, answer lost":     {Method: http.MethodPost, Route: bulkPath, CutBeforeCommit: true},
		"start failed with a server error":   {Method: http.MethodPost, Route: bulkPath, Status: http.StatusServiceUnavailable},
		"movement applied, answer lost":      {Method: http.MethodPut, Route: movePath, CutAfterCommit: true},
		"movement not applied":               {Method: http.MethodPut, Route: movePath, CutBeforeCommit: true},
		"a listing fails with server errors": {Method: http.MethodGet, Route: listPath, Status: http.StatusInternalServerError, Times: 2},
	} {
		t.Run(name, func(t *testing.T) {
			c, sb, org := newOrganizationClient(t, zettle.Config{Retries: zettletest.FastRetries})
			product, v := org.AddProduct(1)
			req := stock.TrackingRequest{ProductUUID: product, InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(7)}}
			sb.InjectFault(fault)
			got, err := c.StartTracking(context.Background(), req)
			if err != nil {
				t.Fatalf("%v (requests %v)", err, routesSeen(sb))
			}
			if got.LocationUUID != org.Location(sandbox.Store) || !got.Balances[v[0]].Equal(zettle.QuantityOf(7)) || org.Balance(sandbox.Store, product, v[0]) != 7 {
				t.Errorf("got %+v, sandbox balance %v; want 7 at %s", got, org.Balance(sandbox.Store, product, v[0]), org.Location(sandbox.Store))
			}
			expectMovedInOnce(t, org, req)
		})
	}
}

// Without an answer at all, tracking may have started: the error says so,
// and no stock moved.
func TestStartTrackingInNewOrganizationWithoutAnAnswer(t *testing.T) {
	c, sb, org := newOrganizationClient(t, zettle.Config{Retries: zettletest.FastRetries})
	product, v := org.AddProduct(1)
	sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: "/organizations/{org}/v2/inventory/bulk", CutAfterCommit: true, Times: 10})
	_, err := c.StartTracking(context.Background(), stock.TrackingRequest{ProductUUID: product, InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(7)}})
	var incomplete *stock.IncompleteStartError
	if !errors.As(err, &incomplete) {
		t.Fatalf("error %v, want an IncompleteStartError", err)
	}
	if len(org.Movements()) != 0 || sb.RequestCount(zettletest.RouteMove) != 0 {
		t.Errorf("stock moved without an answer to the start: %+v", org.Movements())
	}
}

// A configured location cannot be one of a new organization's: nothing is
// sent but the listing. A product outside the library creates no locations.
func TestStartTrackingInNewOrganizationRefusals(t *testing.T) {
	c, sb, org := newOrganizationClient(t, zettle.Config{})
	product, v := org.AddProduct(1)
	_, err := c.StartTracking(context.Background(), stock.TrackingRequest{
		ProductUUID: product, LocationUUID: "fd4a39a0-e2ef-11e6-ba64-85247ae2a737", InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(1)},
	})
	var missing *zettle.MissingLocationError
	if !errors.As(err, &missing) || sb.RequestCount(zettletest.RouteBulk) != 0 || org.IsTracked(product) {
		t.Errorf("configured location: %v, %d bulk requests; want a missing STORE location and nothing sent", err, sb.RequestCount(zettletest.RouteBulk))
	}

	_, err = c.StartTracking(context.Background(), stock.TrackingRequest{ProductUUID: "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009"})
	var incomplete *stock.IncompleteStartError
	if err == nil || errors.As(err, &incomplete) || org.Location(sandbox.Store) != "" {
		t.Errorf("unknown product: %v, STORE %q; want a plain error and still no locations", err, org.Location(sandbox.Store))
	}
	if !strings.Contains(err.Error(), "product library") {
		t.Errorf("unknown product: %v, want it to name the product library", err)
	}
}
