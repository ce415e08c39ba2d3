package stock_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// tracker is a client and the keeper of the stock rules working through it,
// as the provider has them.
type tracker struct {
	*zettle.Client
	*stock.Keeper
}

// newTracker returns a tracker for a new sandbox organization of spec.
func newTracker(t *testing.T, cfg zettle.Config, keep stock.Config, spec sandbox.OrgSpec) (*tracker, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	c, sb, org := zettletest.NewClient(t, cfg, spec)
	return &tracker{c, stock.New(c, keep)}, sb, org
}

// newSandboxClient returns a tracker without batching, and its sandbox.
func newSandboxClient(t *testing.T) (*tracker, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return newBatchingSandboxClient(t, zettle.Batching{})
}

func newBatchingSandboxClient(t *testing.T, batching zettle.Batching) (*tracker, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	return newTracker(t, zettle.Config{Batching: batching}, stock.Config{}, sandbox.OrgSpec{})
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
			got, err := c.StartTracking(context.Background(), stock.TrackingRequest{
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

// A product tracked already, from the POS app or by an earlier start, is
// never started again: the start is refused and nothing moves.
func TestStartTrackingRefusesAProductTrackedAlready(t *testing.T) {
	c, sb, org := newTracker(t, zettle.Config{}, stock.Config{HandoverWait: 10 * time.Millisecond}, sandbox.OrgSpec{})
	product, v := org.AddProduct(1)
	org.SetTracking(product, true)
	if err := org.Restock(product, v[0], 37); err != nil {
		t.Fatal(err)
	}
	req := stock.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store), InitialBalances: map[string]zettle.Quantity{v[0]: {}}}
	_, err := c.StartTracking(context.Background(), req)
	var tracked *stock.AlreadyTrackedError
	if !errors.As(err, &tracked) || tracked.ProductUUID != product {
		t.Fatalf("error %v, want the product tracked already", err)
	}
	if b := org.Balance(sandbox.Store, product, v[0]); b != 37 {
		t.Errorf("balance %v, want the 37 it had", b)
	}
	if n := sb.RequestCount("POST /organizations/{org}/v2/inventory/bulk", "PUT /organizations/{org}/inventory"); n != 0 {
		t.Errorf("%d writes sent for a refused start", n)
	}
}

// A product tracked already that this client stops while the start waits is
// handed over: the start goes on as a replacement, without moving stock
// before the saved levels are read.
func TestStartTrackingTakesOverAProductStoppedMeanwhile(t *testing.T) {
	c, sb, org := newTracker(t, zettle.Config{}, stock.Config{HandoverWait: time.Minute}, sandbox.OrgSpec{})
	ctx := context.Background()
	product, v := org.AddProduct(1)
	org.SetTracking(product, true)
	if err := org.Restock(product, v[0], 3); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.StartTracking(ctx, stock.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store), InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(5)}})
		done <- err
	}()
	for sb.RequestCount("POST /organizations/{org}/inventory/products") == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := c.StopTracking(ctx, product); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if b := org.Balance(sandbox.Store, product, v[0]); !org.IsTracked(product) || b != 5 {
		t.Errorf("tracked %v at %v, want tracked at 5", org.IsTracked(product), b)
	}
	var moved []string
	for _, m := range org.Movements() {
		moved = append(moved, m.Quantity.String())
	}
	if fmt.Sprint(moved) != "[3 2]" {
		t.Errorf("movements %v, want the restock of 3, then only the missing 2", moved)
	}
}

// A stop of a product this client started in the same run comes from another
// resource of the same product: it is not sent, and the product stays
// tracked.
func TestStopTrackingLeavesAProductStartedThisRun(t *testing.T) {
	c, sb, org := newSandboxClient(t)
	ctx := context.Background()
	product, _ := org.AddProduct(1)
	if _, err := c.StartTracking(ctx, stock.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store)}); err != nil {
		t.Fatal(err)
	}
	if err := c.StopTracking(ctx, product); !errors.Is(err, stock.ErrStartedThisRun) {
		t.Errorf("error %v, want ErrStartedThisRun", err)
	}
	if !org.IsTracked(product) || sb.RequestCount("DELETE /organizations/{org}/inventory/products/{product}") != 0 {
		t.Error("the stop was sent")
	}
}

func TestStartTrackingWithoutBalancesMovesNothing(t *testing.T) {
	c, sb, org := newSandboxClient(t)
	product, _ := org.AddProduct(1)
	if _, err := c.StartTracking(context.Background(), stock.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store)}); err != nil {
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
		if _, err := c.StartTracking(context.Background(), stock.TrackingRequest{ProductUUID: product, LocationUUID: loc}); err == nil {
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
	// Tracked before this run, with 5 in stock.
	org.SetTracking(product, true)
	if err := org.Restock(product, v[0], 5); err != nil {
		t.Fatal(err)
	}
	req := stock.TrackingRequest{ProductUUID: product, LocationUUID: org.Location(sandbox.Store), InitialBalances: map[string]zettle.Quantity{v[0]: zettle.QuantityOf(7)}}
	if err := c.StopTracking(ctx, product); err != nil {
		t.Fatal(err)
	}
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
		t.Errorf("movements %v, want the restock of 5, then only the missing 2", moved)
	}
}

// qty is the quantity written s; a malformed literal is a mistake in the
// test itself.
func qty(s string) zettle.Quantity {
	q, err := zettle.ParseQuantity(s)
	if err != nil {
		panic("test literal: " + err.Error())
	}
	return q
}

// Saved levels and targets meet with exact arithmetic: each movement is the
// exact difference, and each result the exact target.
func TestStartTrackingArithmeticIsExact(t *testing.T) {
	for _, tc := range []struct {
		saved, target string
		// moved is the ledger: the target brought in from SUPPLIER, then the
		// difference to the answer.
		moved string
	}{
		{"0.3", "0.1", "[0.1 0.3]"},
		{"0.1", "0.3", "[0.3 0.1]"},
		{"0.001", "999999999999.999", "[999999999999.999 0.001]"},
		{"1e20", "7", "[7 100000000000000000000]"},
		{"100000000000000000001", "0.001", "[0.001 100000000000000000001]"},
		{"9007199254740993", "9.5", "[9.5 9007199254740993]"},
	} {
		t.Run(tc.saved+"→"+tc.target, func(t *testing.T) {
			c, _, org := newSandboxClient(t)
			product, v := org.AddProduct(1)
			org.SetTracking(product, true)
			if err := org.RestockExact(product, v[0], tc.saved); err != nil {
				t.Fatal(err)
			}
			org.SetTracking(product, false)
			got, err := c.StartTracking(context.Background(), stock.TrackingRequest{
				ProductUUID: product, LocationUUID: org.Location(sandbox.Store),
				InitialBalances: map[string]zettle.Quantity{v[0]: qty(tc.target)},
			})
			if err != nil {
				t.Fatal(err)
			}
			if b := got.Balances[v[0]]; b.String() != tc.target {
				t.Errorf("reported balance %s, want exactly %s", b, tc.target)
			}
			if b := org.BalanceExact(sandbox.Store, product, v[0]); b.String() != qty(tc.target).String() {
				t.Errorf("sandbox balance %s, want exactly %s", b, tc.target)
			}
			var moved []string
			for _, m := range org.Movements() {
				if m.Route != sandbox.ControlRoute {
					moved = append(moved, m.Quantity.String())
				}
			}
			if fmt.Sprint(moved) != tc.moved {
				t.Errorf("movements %v, want %s", moved, tc.moved)
			}
		})
	}
}

// A target the provider may not send is refused before any request.
func TestStartTrackingRefusesTargetsOutOfBounds(t *testing.T) {
	for _, target := range []string{"-1", "0.0001", "1000000000000", "1e20"} {
		c, sb, org := newSandboxClient(t)
		product, v := org.AddProduct(1)
		_, err := c.StartTracking(context.Background(), stock.TrackingRequest{
			ProductUUID: product, LocationUUID: org.Location(sandbox.Store),
			InitialBalances: map[string]zettle.Quantity{v[0]: qty(target)},
		})
		if err == nil || !strings.Contains(err.Error(), "initial balance of variant "+v[0]) {
			t.Errorf("target %s: error %v, want one naming the variant", target, err)
		}
		if n := sb.RequestCount(); n != 0 {
			t.Errorf("target %s: %d requests, want none", target, n)
		}
	}
}

// A balance that differs from its target once the start is done, here by a
// sale between the correcting movement and its answer, is a
// BalanceMismatchError naming product, variant, target and balance, returned
// with the balances found; nothing moves to make up for it.
func TestStartTrackingReportsABalanceMismatch(t *testing.T) {
	c, sb, org := newSandboxClient(t)
	product, v := org.AddProduct(2)
	org.SetTracking(product, true)
	if err := org.RestockExact(product, v[0], "3"); err != nil {
		t.Fatal(err)
	}
	org.SetTracking(product, false)
	sb.InjectFault(sandbox.Fault{Method: "PUT", Route: "/organizations/{org}/inventory", SellAfterCommit: decimal.RequireFromString("0.25")})
	got, err := c.StartTracking(context.Background(), stock.TrackingRequest{
		ProductUUID: product, LocationUUID: org.Location(sandbox.Store),
		InitialBalances: map[string]zettle.Quantity{v[0]: qty("1"), v[1]: qty("2")},
	})
	var mismatch *stock.BalanceMismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("error %v, want a BalanceMismatchError", err)
	}
	// The sale hit v[0], the one variant the correcting movement changed;
	// v[1] reached its target in the bulk request.
	if len(mismatch.Mismatches) != 1 || mismatch.Mismatches[0].VariantUUID != v[0] ||
		mismatch.Mismatches[0].Target.String() != "1" || mismatch.Mismatches[0].Actual.String() != "0.75" {
		t.Errorf("mismatches %+v", mismatch.Mismatches)
	}
	for _, part := range []string{product, "variant " + v[0] + " has a balance of 0.75, not its target 1"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not say %q", err, part)
		}
	}
	if b := got.Balances[v[0]]; b.String() != "0.75" || got.Balances[v[1]].String() != "2" {
		t.Errorf("balances returned %v, want those found", got.Balances)
	}
	if n := sb.RequestCount("PUT /organizations/{org}/inventory"); n != 1 {
		t.Errorf("%d stock movements, want only the correction", n)
	}
}
