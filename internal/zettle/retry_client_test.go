package zettle_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// Reads are safe to repeat: a 5xx, a 429 or a dropped connection is tried
// again until it succeeds.
func TestClientRetriesReads(t *testing.T) {
	for name, fault := range map[string]sandbox.Fault{
		"503":            {Status: http.StatusServiceUnavailable, Times: 2},
		"500":            {Status: http.StatusInternalServerError, Times: 3},
		"429":            {Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 2},
		"connection cut": {CutAfterCommit: true, Times: 2},
		// A 2xx that cannot be read is read again: reading changes nothing.
		"answer cut":     {CutAnswerAfterCommit: true, Times: 2},
		"answer garbled": {GarbleAnswerAfterCommit: true, Times: 2},
	} {
		t.Run(name, func(t *testing.T) {
			c, sb, org := newRetryingSandboxClient(t)
			fault.Method, fault.Route = "GET", "/organizations/{org}/locations"
			sb.InjectFault(fault)
			locs, err := c.Locations(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if store, _ := locs.ByType(zettle.LocationStore); store.UUID != org.Location(sandbox.Store) {
				t.Errorf("locations %v", locs)
			}
			if got := sb.RequestCount(zettletest.RouteLocations); got != fault.Times+1 {
				t.Errorf("%d attempts, want %d", got, fault.Times+1)
			}
		})
	}
}

// When the retries run out, the error is the last answer's: the operation,
// its status and the API's message.
func TestClientReportsTheLastAnswerWhenRetriesRunOut(t *testing.T) {
	c, sb, _ := newRetryingSandboxClient(t)
	sb.InjectFault(sandbox.Fault{Method: "GET", Route: "/organizations/{org}/locations", Status: http.StatusServiceUnavailable, Times: 10})
	_, err := c.Locations(context.Background())
	if zettle.StatusOf(err) != http.StatusServiceUnavailable || !strings.Contains(err.Error(), "list locations: HTTP 503 Service Unavailable: injected fault") {
		t.Errorf("error %v", err)
	}
	if got := sb.RequestCount(zettletest.RouteLocations); got != zettletest.FastRetries.MaxRetries+1 {
		t.Errorf("%d attempts, want %d", got, zettletest.FastRetries.MaxRetries+1)
	}
}

// A request that moves stock is repeated only when the API refused it (429)
// or it was never sent; after a 5xx or a lost answer it is left to its
// caller, who knows how to reconcile.
func TestClientNeverRepeatsAStockMovementThatMayHaveApplied(t *testing.T) {
	for name, tc := range map[string]struct {
		fault    sandbox.Fault
		attempts int
		moved    float64
	}{
		"503":            {sandbox.Fault{Status: http.StatusServiceUnavailable}, 1, 0},
		"connection cut": {sandbox.Fault{CutAfterCommit: true}, 1, 2},
		"429":            {sandbox.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 2}, 3, 2},
	} {
		t.Run(name, func(t *testing.T) {
			c, sb, org := newRetryingSandboxClient(t)
			product, v := org.AddProduct(1)
			org.SetTracking(product, true)
			tc.fault.Method, tc.fault.Route = "PUT", "/organizations/{org}/inventory"
			sb.InjectFault(tc.fault)
			_, err := c.MoveStock(context.Background(), zettle.MovementRequest{Changes: []zettle.Movement{{
				ProductUUID: product, VariantUUID: v[0], FromLocationUUID: org.Location(sandbox.Supplier), ToLocationUUID: org.Location(sandbox.Store), Change: zettle.QuantityOf(2),
			}}})
			if (err == nil) != (tc.attempts > 1) {
				t.Errorf("error %v", err)
			}
			if got := sb.RequestCount(zettletest.RouteMove); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
			if got := org.Balance(sandbox.Store, product, v[0]); got != tc.moved {
				t.Errorf("balance %v, want %v", got, tc.moved)
			}
		})
	}
}

// A connection that cannot be opened sent nothing: opening it is tried again
// briefly, then the request fails without the backoff meant for answers, and
// the error says how often it tried. Nothing was applied.
func TestClientGivesUpSoonWhenNothingListens(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more
	c, err := zettle.New(zettle.Config{InventoryURL: srv.URL, Tokens: zettle.StaticToken("t"), Retries: zettle.Retries{MaxRetries: 4, WaitMin: time.Hour, WaitMax: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = c.MoveStock(ctx, zettle.MovementRequest{})
	if zettle.StatusOf(err) != 0 || !strings.Contains(err.Error(), "move stock: no answer from the Zettle API: could not connect") ||
		!strings.Contains(err.Error(), "after 3 attempts to connect") {
		t.Errorf("error %v", err)
	}
	if zettle.MayHaveApplied(err) {
		t.Errorf("a request that never left counts as perhaps applied: %v", err)
	}
	if ctx.Err() != nil {
		t.Error("waited for the hour-long backoff meant for answers")
	}
}

// A cancelled context stops the waits between retries at once.
func TestClientStopsRetryingWhenCancelled(t *testing.T) {
	c, sb, _ := zettletest.NewClient(t, zettle.Config{Retries: zettle.Retries{MaxRetries: 5, WaitMin: time.Hour, WaitMax: time.Hour}}, sandbox.OrgSpec{})
	sb.InjectFault(sandbox.Fault{Method: "GET", Route: "/organizations/{org}/locations", Status: http.StatusServiceUnavailable, Times: 10})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Locations(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the context's", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("returned after %v", waited)
	}
}

// A Retry-After is honoured: the retry waits as long as asked.
func TestClientHonoursRetryAfter(t *testing.T) {
	c, sb, _ := newRetryingSandboxClient(t)
	sb.InjectFault(sandbox.Fault{Method: "GET", Route: "/organizations/{org}/locations", Status: http.StatusTooManyRequests, RetryAfter: "1"})
	start := time.Now()
	if _, err := c.Locations(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, want at least the 1 s asked for", waited)
	}
}
