package zettle_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// newSandboxClient returns a client without batching, and its sandbox.
func newSandboxClient(t *testing.T) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return newBatchingSandboxClient(t, zettle.Batching{})
}

func newBatchingSandboxClient(t *testing.T, batching zettle.Batching) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return newConfiguredSandboxClient(t, zettle.Config{Batching: batching})
}

// fastRetries retries as the provider does, with waits short enough for tests.
var fastRetries = zettle.Retries{MaxRetries: 3, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond}

func newRetryingSandboxClient(t *testing.T) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return newConfiguredSandboxClient(t, zettle.Config{Retries: fastRetries})
}

// newConfiguredSandboxClient returns a client configured as cfg, with the
// sandbox's URL and its organization's token.
func newConfiguredSandboxClient(t *testing.T, cfg zettle.Config) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	org := sb.AddOrganization(sandbox.OrgSpec{})
	cfg.InventoryURL, cfg.Tokens = srv.URL, zettle.StaticToken(org.Token)
	c, err := zettle.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, org
}

func TestStartTrackingReachesTargetsFromAnyStartingLevel(t *testing.T) {
	for name, saved := range map[string][]float64{
		"new product":            nil,
		"saved levels below":     {1, 2},
		"saved levels above":     {30, 9},
		"saved levels equal":     {10, 0},
		"one variant saved":      {0, 5},
		"fractional saved level": {0.25, 0},
	} {
		t.Run(name, func(t *testing.T) {
			c, _, org := newSandboxClient(t)
			product, v := org.AddProduct(2)
			if saved != nil {
				org.SetTracking(product, true)
				for i, q := range saved {
					if q > 0 {
						if err := org.Restock(product, v[i], q); err != nil {
							t.Fatal(err)
						}
					}
				}
				org.SetTracking(product, false)
			}
			got, err := c.StartTracking(context.Background(), zettle.TrackingRequest{
				ProductUUID: product, LocationUUID: org.Location(sandbox.Store),
				InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(10), v[1]: {}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !org.IsTracked(product) {
				t.Error("not tracked")
			}
			if b0, b1 := org.Balance(sandbox.Store, product, v[0]), org.Balance(sandbox.Store, product, v[1]); b0 != 10 || b1 != 0 {
				t.Errorf("sandbox balances %v, %v; want 10, 0", b0, b1)
			}
			if len(got.Balances) != 1 || !got.Balances[v[0]].Equal(zettle.QuantityOf(10)) {
				t.Errorf("reported balances %v", got.Balances)
			}
		})
	}
}

// Starting tracking again after an attempt that already moved the stock
// (its answer lost) must not double it.
func TestStartTrackingTwiceDoesNotDoubleStock(t *testing.T) {
	c, _, org := newSandboxClient(t)
	product, v := org.AddProduct(1)
	req := zettle.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store), InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(6)}}
	for range 2 {
		if _, err := c.StartTracking(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if b := org.Balance(sandbox.Store, product, v[0]); b != 6 {
		t.Errorf("balance %v after two starts, want 6", b)
	}
}

func TestStartTrackingWithoutBalancesMovesNothing(t *testing.T) {
	c, sb, org := newSandboxClient(t)
	product, _ := org.AddProduct(1)
	if _, err := c.StartTracking(context.Background(), zettle.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store)}); err != nil {
		t.Fatal(err)
	}
	for _, r := range sb.Requests() {
		if r.Method == "PUT" {
			t.Errorf("moved stock: %s", r.Body)
		}
	}
	if got := sb.RequestCount("POST /organizations/{org}/v2/inventory/bulk"); got != 1 {
		t.Errorf("%d bulk requests", got)
	}
}

func TestStartTrackingRefusesLocationsOtherThanStore(t *testing.T) {
	c, _, org := newSandboxClient(t)
	product, _ := org.AddProduct(1)
	for _, loc := range []string{org.Location(sandbox.Bin), "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009"} {
		if _, err := c.StartTracking(context.Background(), zettle.TrackingRequest{ProductUUID: product, LocationUUID: loc}); err == nil {
			t.Errorf("location %s accepted", loc)
		}
	}
	if org.IsTracked(product) {
		t.Error("tracked anyway")
	}
}

// A product stopped and started again by one client, as when Terraform
// replaces its resource, comes back with its saved levels: only the
// difference to the target moves, never the whole target first.
func TestStartAfterStopMovesOnlyTheDifference(t *testing.T) {
	c, _, org := newSandboxClient(t)
	ctx := context.Background()
	product, v := org.AddProduct(1)
	req := zettle.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store), InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(5)}}
	if _, err := c.StartTracking(ctx, req); err != nil {
		t.Fatal(err)
	}
	if err := c.StopTracking(ctx, product); err != nil {
		t.Fatal(err)
	}
	req.InitialBalances[v[0]] = zettle.QuantityOf(7)
	got, err := c.StartTracking(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Balances[v[0]].Equal(zettle.QuantityOf(7)) || org.Balance(sandbox.Store, product, v[0]) != 7 {
		t.Errorf("balance %v reported, %v in the sandbox; want 7", got.Balances[v[0]], org.Balance(sandbox.Store, product, v[0]))
	}
	var moved []string
	for _, m := range org.Movements() {
		moved = append(moved, m.Quantity.String())
	}
	if fmt.Sprint(moved) != "[5 2]" {
		t.Errorf("movements %v, want 5 at the first start, then only the missing 2", moved)
	}
}
