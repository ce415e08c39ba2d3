package zettle_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// trackedWithStock tracks n products of two variants, each variant with a
// balance of 4, and returns product → variants.
func trackedWithStock(t *testing.T, org *sandbox.Org, n int) map[string][]string {
	t.Helper()
	products := map[string][]string{}
	for range n {
		p, v := org.AddProduct(2)
		org.SetTracking(p, true)
		for _, variant := range v {
			if err := org.Restock(p, variant, 4); err != nil {
				t.Fatal(err)
			}
		}
		products[p] = v
	}
	return products
}

// expectComplete asserts that a lookup lists every product once, and every
// variant with its balance of 4.
func expectComplete(t *testing.T, what string, lb zettle.LocationBalances, products map[string][]string) {
	t.Helper()
	if got, want := slices.Sorted(slices.Values(lb.TrackedProducts)), sortedKeys(products); !slices.Equal(got, want) {
		t.Errorf("%s: tracked products %v, want %v", what, got, want)
	}
	want := 0
	for p, vs := range products {
		want += len(vs)
		for _, v := range vs {
			if q := lb.ProductBalances(p)[v]; !q.Equal(zettle.QuantityOf(4)) {
				t.Errorf("%s: variant %s of %s at %v, want 4", what, v, p, q)
			}
		}
	}
	if len(lb.Variants) != want {
		t.Errorf("%s: %d variants, want %d", what, len(lb.Variants), want)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Every list the client reads is read whole, across pages of two items.
func TestListReadsFollowEveryPage(t *testing.T) {
	c, sb, org := newSandboxClient(t)
	ctx := context.Background()
	products := trackedWithStock(t, org, 7)
	store := org.Location(sandbox.Store)
	untracked, _ := org.AddProduct(1)
	sb.SetPageSize(2)

	locs, err := c.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, l := range locs {
		types = append(types, l.Type)
	}
	slices.Sort(types)
	if fmt.Sprint(types) != "[BIN SOLD STORE SUPPLIER]" || sb.RequestCount(zettletest.RouteLocations) != 2 {
		t.Errorf("locations %v in %d requests, want all four in 2", types, sb.RequestCount(zettletest.RouteLocations))
	}

	lb, err := c.BalancesAtLocation(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	expectComplete(t, "balances at the location", lb, products)
	if lb.LocationUUID != store {
		t.Errorf("location %s, want %s", lb.LocationUUID, store)
	}
	lb, err = c.BalancesByType(ctx, zettle.LocationStore)
	if err != nil {
		t.Fatal(err)
	}
	expectComplete(t, "balances by type", lb, products)
	if n := sb.RequestCount(zettletest.RouteStoreLookup); n != 4 {
		t.Errorf("%d location-wide lookups by type, want 4 pages", n)
	}
	lb, err = c.ProductBalances(ctx, zettle.LocationStore, append(sortedKeys(products), untracked))
	if err != nil {
		t.Fatal(err)
	}
	expectComplete(t, "product lookup", lb, products)
	if slices.Contains(lb.TrackedProducts, untracked) {
		t.Error("an untracked product reads as tracked")
	}
	// Each page of the lookup is the same POST, with the same body.
	var bodies []string
	for _, r := range sb.Requests() {
		if r.Route == zettletest.RouteProductLookup {
			bodies = append(bodies, r.Body)
		}
	}
	if len(bodies) != 4 || bodies[0] != bodies[3] {
		t.Errorf("%d product lookups, want 4 pages with one body: %q", len(bodies), bodies)
	}

	// Low stock: 5 products at the location, and one product of 5 variants.
	level := 3.0
	var settings []zettle.LowStock
	for p, vs := range products {
		if len(settings) < 5 {
			settings = append(settings, zettle.LowStock{ProductUUID: p, VariantUUID: vs[0], Level: &level})
		}
	}
	wide, variants := org.AddProduct(5)
	for _, v := range variants {
		settings = append(settings, zettle.LowStock{ProductUUID: wide, VariantUUID: v, Alert: true})
	}
	if err := c.SetLowStocks(ctx, store, settings); err != nil {
		t.Fatal(err)
	}
	all, err := c.LowStockAtLocation(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(settings) {
		t.Errorf("%d low-stock settings at the location, want %d", len(all), len(settings))
	}
	one, err := c.ProductLowStock(ctx, store, wide)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range one {
		if s.ProductUUID != wide || !s.Alert {
			t.Errorf("setting %+v", s)
		}
		got = append(got, s.VariantUUID)
	}
	slices.Sort(got)
	if !slices.Equal(got, slices.Sorted(slices.Values(variants))) {
		t.Errorf("product's low-stock variants %v, want %v", got, variants)
	}
	if n := sb.RequestCount(zettletest.RouteReadLowStock); n != 3 {
		t.Errorf("%d location-wide low-stock reads, want 3 pages of 2 products", n)
	}
}

// A page that fails for a passing reason is tried again like any request.
func TestPagesAreRetried(t *testing.T) {
	c, sb, org := newRetryingSandboxClient(t)
	products := trackedWithStock(t, org, 5)
	sb.SetPageSize(2)
	// The first page goes through; the second meets a 503, then succeeds.
	sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: "/organizations/{org}/inventory/products", Delay: 1})
	sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: "/organizations/{org}/inventory/products", Status: http.StatusServiceUnavailable})
	lb, err := c.ProductBalances(context.Background(), zettle.LocationStore, sortedKeys(products))
	if err != nil {
		t.Fatal(err)
	}
	expectComplete(t, "product lookup", lb, products)
	var statuses []int
	for _, r := range sb.Requests() {
		statuses = append(statuses, r.Status)
	}
	if fmt.Sprint(statuses) != "[200 503 200 200]" {
		t.Errorf("answers %v, want 200, then 503 and 200 for the second page, then 200", statuses)
	}
}

// pagingFake answers GET requests with an empty list and a Link header that
// link returns for the request.
func pagingFake(t *testing.T, link func(r *http.Request, n int64) string) (*zettle.Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l := link(r, n.Add(1)); l != "" {
			w.Header().Set("Link", l)
		}
		_, _ = io.WriteString(w, `[{"uuid":"u","type":"STORE"}]`)
	}))
	t.Cleanup(srv.Close)
	c, err := zettle.New(zettle.Config{InventoryURL: srv.URL, Tokens: zettle.StaticToken("secret-token")})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

func TestPagingRefusesLinksOffTheAPIHost(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = io.WriteString(w, `[]`)
	}))
	t.Cleanup(other.Close)
	c, n := pagingFake(t, func(*http.Request, int64) string { return "<" + other.URL + `/steal?cursor=2>; rel="next"` })
	_, err := c.Locations(context.Background())
	if err == nil || !strings.Contains(err.Error(), "list locations: HTTP 200: the next page's link "+other.URL+"/steal?cursor=2 leaves the API") {
		t.Errorf("error %v, want the link refused", err)
	}
	if n.Load() != 1 || elsewhere.Load() != 0 {
		t.Errorf("%d requests to the API, %d elsewhere; want 1 and none", n.Load(), elsewhere.Load())
	}
}

func TestPagingFollowsRelativeLinks(t *testing.T) {
	c, n := pagingFake(t, func(r *http.Request, n int64) string {
		if n < 3 {
			return fmt.Sprintf(`<?cursor=%d>; rel="next"`, n)
		}
		if r.URL.Path != "/organizations/self/locations" || r.URL.RawQuery != "cursor=2" {
			return `</wrong>; rel="next"`
		}
		return ""
	})
	locs, err := c.Locations(context.Background())
	if err != nil || len(locs) != 3 || n.Load() != 3 {
		t.Errorf("%d locations in %d requests (%v), want 3 in 3", len(locs), n.Load(), err)
	}
}

func TestPagingIsBounded(t *testing.T) {
	c, n := pagingFake(t, func(_ *http.Request, n int64) string {
		return fmt.Sprintf(`</organizations/self/locations?cursor=%d>; rel="next"`, n)
	})
	_, err := c.Locations(context.Background())
	if err == nil || !strings.Contains(err.Error(), "list locations: HTTP 200: the answer runs past 1000 pages") || n.Load() != 1000 {
		t.Errorf("error %v after %d requests, want the loop guard after 1000", err, n.Load())
	}

	c, n = pagingFake(t, func(_ *http.Request, n int64) string { return `</organizations/self/locations?cursor=a>; rel="next"` })
	_, err = c.Locations(context.Background())
	if err == nil || !strings.Contains(err.Error(), "page 2 links back to an earlier page") || n.Load() != 2 {
		t.Errorf("error %v after %d requests, want a cycle found after 2", err, n.Load())
	}
}

func TestPagingRefusesMalformedLinks(t *testing.T) {
	c, _ := pagingFake(t, func(*http.Request, int64) string { return `<https://x.test/n; rel="next"` })
	if _, err := c.Locations(context.Background()); err == nil || !strings.Contains(err.Error(), "list locations: HTTP 200: malformed Link header") {
		t.Errorf("error %v, want the malformed header named", err)
	}
}

// Confirmations asked for at the same time go out as one lookup, and each
// caller gets its own product's tracking state and balances, read across
// pages.
func TestConfirmTrackingIsBatched(t *testing.T) {
	c, sb, org := newBatchingSandboxClient(t, zettletest.BatchOf(5))
	products := trackedWithStock(t, org, 3)
	stopped := sortedKeys(products)[0]
	org.SetTracking(stopped, false)
	never, _ := org.AddProduct(1)
	asked := append(sortedKeys(products), never)
	asked = append(asked, never) // two callers may ask about one product
	sb.SetPageSize(1)

	results := make([]zettle.ProductInventory, len(asked))
	errs := make([]error, len(asked))
	var wg sync.WaitGroup
	for i, p := range asked {
		wg.Go(func() { results[i], errs[i] = c.ConfirmTracking(context.Background(), org.Location(sandbox.Store), p) })
	}
	wg.Wait()
	for i, p := range asked {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		wantTracked := p != stopped && p != never
		if results[i].Tracked != wantTracked || results[i].LocationUUID != org.Location(sandbox.Store) {
			t.Errorf("product %s: %+v, want tracked %v", p, results[i], wantTracked)
		}
		if wantTracked && (len(results[i].Balances) != 2 || !results[i].Balances[products[p][0]].Equal(zettle.QuantityOf(4))) {
			t.Errorf("product %s: balances %v, want both variants at 4", p, results[i].Balances)
		}
	}
	// One lookup, in two pages: the two tracked products, one per page.
	// An answer in pages may have skipped a row, so each product distinct
	// is then looked up alone (one page each: none has more variants).
	var bodies []string
	for _, r := range sb.Requests() {
		if r.Route == zettletest.RouteProductLookup {
			bodies = append(bodies, r.Body)
		}
	}
	distinct := len(sortedKeys(products)) + 1
	if len(bodies) != 2+distinct || bodies[0] != bodies[1] || sb.RequestCount() != 2+distinct {
		t.Errorf("requests %d, product lookups %q; want one lookup of two pages, then one per product", sb.RequestCount(), bodies)
	}
	for _, b := range bodies[2:] {
		if strings.Count(b, ",") != 1 {
			t.Errorf("lookup %s asks for more than one product", b)
		}
	}
}

// A product the shared location-wide lookup leaves out is confirmed with the
// product lookup: tracked, with its balances.
func TestProductInventoryConfirmsWhatTheSharedLookupLeavesOut(t *testing.T) {
	c, sb, org := newBatchingSandboxClient(t, zettle.DefaultBatching)
	products := trackedWithStock(t, org, 3)
	left := sortedKeys(products)[1]
	sb.InjectFault(sandbox.Fault{Method: http.MethodGet, Route: "/organizations/{org}/inventory/locations", OmitProduct: left})
	for _, p := range sortedKeys(products) {
		inv, err := c.ProductInventory(context.Background(), org.Location(sandbox.Store), p)
		if err != nil {
			t.Fatal(err)
		}
		if !inv.Tracked || !inv.Balances[products[p][1]].Equal(zettle.QuantityOf(4)) {
			t.Errorf("product %s: %+v, want tracked with 4", p, inv)
		}
	}
	if got := fmt.Sprint(sb.RequestCount(zettletest.RouteStoreLookup), sb.RequestCount(zettletest.RouteProductLookup)); got != "1 1" {
		t.Errorf("location-wide and product lookups: %s, want 1 and 1 (for the product left out)", got)
	}
}
