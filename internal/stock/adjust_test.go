package stock_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
)

const routeMoveStock = "/organizations/{org}/inventory"

// adjustable is a tracked product of one variant holding 4 at STORE.
func adjustable(t *testing.T) (*tracker, *sandbox.Server, *sandbox.Org, stock.Adjustment) {
	t.Helper()
	tr, sb, org := newSandboxClient(t)
	product, variants := org.AddProduct(1)
	org.SetTracking(product, true)
	if err := org.Restock(product, variants[0], 4); err != nil {
		t.Fatal(err)
	}
	return tr, sb, org, stock.Adjustment{ProductUUID: product, VariantUUID: variants[0], Store: org.Location(sandbox.Store)}
}

func TestMoveStockOnce(t *testing.T) {
	tr, _, org, a := adjustable(t)
	after, err := tr.Keeper.MoveStock(t.Context(), a, org.Location(sandbox.Supplier), a.Store, qty("1.25"))
	if err != nil || !after.Equal(qty("5.25")) || !org.BalanceExact(sandbox.Store, a.ProductUUID, a.VariantUUID).Equal(decimal.RequireFromString("5.25")) {
		t.Errorf("MoveStock = %s, %v; want 5.25", after, err)
	}
	after, err = tr.Keeper.MoveStock(t.Context(), a, a.Store, org.Location(sandbox.Bin), qty("5.25"))
	if err != nil || !after.IsZero() {
		t.Errorf("a write-off of everything = %s, %v; want 0", after, err)
	}
}

func TestMoveStockAfterALostAnswer(t *testing.T) {
	t.Run("applied: found so in the balance, not sent again", func(t *testing.T) {
		tr, sb, org, a := adjustable(t)
		sb.InjectFault(sandbox.Fault{Method: "PUT", Route: routeMoveStock, CutAfterCommit: true})
		after, err := tr.Keeper.MoveStock(t.Context(), a, org.Location(sandbox.Supplier), a.Store, qty("2"))
		if err != nil || !after.Equal(qty("6")) || len(org.Movements()) != 2 {
			t.Errorf("MoveStock = %s, %v with %d movements; want 6, one movement besides the restock", after, err, len(org.Movements()))
		}
	})
	t.Run("not applied: reported, not sent again", func(t *testing.T) {
		tr, sb, org, a := adjustable(t)
		sb.InjectFault(sandbox.Fault{Method: "PUT", Route: routeMoveStock, CutBeforeCommit: true})
		_, err := tr.Keeper.MoveStock(t.Context(), a, org.Location(sandbox.Supplier), a.Store, qty("2"))
		var uncertain *stock.UncertainMoveError
		if !errors.As(err, &uncertain) || !uncertain.Before.Equal(qty("4")) || !uncertain.Now.Equal(qty("4")) || !uncertain.Expected.Equal(qty("6")) {
			t.Errorf("MoveStock = %v; want an UncertainMoveError saying 4 before, 4 now, 6 if applied", err)
		}
		if n := sb.RequestCount("PUT " + routeMoveStock); n != 1 {
			t.Errorf("the movement was sent %d times, want once", n)
		}
	})
}

func TestCountMovesTheDifferenceOrNothing(t *testing.T) {
	tr, _, org, a := adjustable(t)
	supplier, bin := org.Location(sandbox.Supplier), org.Location(sandbox.Bin)
	for _, c := range []struct {
		target, before string
		moved          bool
	}{{"6.5", "4", true}, {"1", "6.5", true}, {"1", "1", false}, {"0", "1", true}} {
		before, after, moved, err := tr.Count(t.Context(), a, qty(c.target), supplier, bin)
		if err != nil || !before.Equal(qty(c.before)) || !after.Equal(qty(c.target)) || moved != c.moved {
			t.Errorf("Count(%s) = %s, %s, %v, %v; want %s, %s, %v", c.target, before, after, moved, err, c.before, c.target, c.moved)
		}
		if got := org.BalanceExact(sandbox.Store, a.ProductUUID, a.VariantUUID); !got.Equal(decimal.RequireFromString(c.target)) {
			t.Errorf("after Count(%s) the balance is %s", c.target, got)
		}
	}
	// The restock, then one movement per count that moved: in, out, out.
	if n := len(org.Movements()); n != 4 {
		t.Errorf("%d movements, want 4", n)
	}
}

func TestAdjustingAnUntrackedProductSendsNoMovement(t *testing.T) {
	tr, sb, org := newSandboxClient(t)
	product, variants := org.AddProduct(1)
	a := stock.Adjustment{ProductUUID: product, VariantUUID: variants[0], Store: org.Location(sandbox.Store)}
	if _, _, _, err := tr.Count(t.Context(), a, qty("3"), org.Location(sandbox.Supplier), org.Location(sandbox.Bin)); !errors.Is(err, stock.ErrNotTracked) {
		t.Errorf("Count of an untracked product = %v, want ErrNotTracked", err)
	}
	if n := sb.RequestCount("PUT " + routeMoveStock); n != 0 {
		t.Errorf("%d movements sent", n)
	}
}

func TestMoveStockWhoseBalanceCannotBeReadAgain(t *testing.T) {
	tr, sb, org, a := adjustable(t)
	sb.InjectFault(sandbox.Fault{Method: "PUT", Route: routeMoveStock, CutAfterCommit: true})
	// The reads before (whether it is tracked, then its balances) pass; the
	// one after the lost answer is refused.
	sb.InjectFault(sandbox.Fault{Method: "POST", Route: "/organizations/{org}/inventory/products", Skip: 2, Status: 400})
	_, err := tr.Keeper.MoveStock(t.Context(), a, org.Location(sandbox.Supplier), a.Store, qty("2"))
	var uncertain *stock.UncertainMoveError
	if !errors.As(err, &uncertain) || !uncertain.Unread || !strings.Contains(err.Error(), "could not be read again") || strings.Contains(err.Error(), "is 4 now") {
		t.Errorf("MoveStock = %v; want an UncertainMoveError that says the balance could not be read again", err)
	}
	if n := sb.RequestCount("PUT " + routeMoveStock); n != 1 {
		t.Errorf("the movement was sent %d times, want once", n)
	}
}
