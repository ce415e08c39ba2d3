package stock

import (
	"context"
	"errors"
	"fmt"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Adjustment is one stock change of a tracked product's variant, outside its
// start: goods received, a write-off, a transfer between inventories, or a
// count (Count).
type Adjustment struct {
	ProductUUID, VariantUUID string
	// Store is the STORE inventory whose balance the adjustment is read
	// and checked at: From or To of a movement, the counted one of a count.
	Store string
}

// MoveStock moves quantity (> 0) of a variant from one location to another,
// once. The balance at a.Store is read before; after a failure that may have
// been applied it is read again, and a change of exactly the quantity means
// the movement was applied. Otherwise it is never sent again, since a sale
// at the same moment could hide that it was: the error says what was read.
func (k *Keeper) MoveStock(ctx context.Context, a Adjustment, from, to string, quantity zettle.Quantity) (after zettle.Quantity, err error) {
	before, err := k.trackedBalance(ctx, a)
	if err != nil {
		return zettle.Quantity{}, err
	}
	want := before.Sub(quantity)
	if to == a.Store {
		want = before.Add(quantity)
	}
	return k.moveOnce(ctx, a, zettle.Movement{ProductUUID: a.ProductUUID, VariantUUID: a.VariantUUID, FromLocationUUID: from, ToLocationUUID: to, Change: quantity}, before, want)
}

// Count brings a variant's balance at a.Store to exactly target, moving the
// difference in from supplier or out to bin, once; a balance already there
// moves nothing. It reports the balance before, the one after (as the
// answer gives it, or as computed when it gives none) and whether anything
// moved.
func (k *Keeper) Count(ctx context.Context, a Adjustment, target zettle.Quantity, supplier, bin string) (before, after zettle.Quantity, moved bool, err error) {
	if before, err = k.trackedBalance(ctx, a); err != nil {
		return before, before, false, err
	}
	m := zettle.Movement{ProductUUID: a.ProductUUID, VariantUUID: a.VariantUUID}
	switch diff := target.Sub(before); diff.Sign() {
	case 0:
		k.logf(ctx, "The count matches the balance; nothing moves", map[string]any{"product_uuid": a.ProductUUID, "variant_uuid": a.VariantUUID, "balance": before.String()})
		return before, before, false, nil
	case 1:
		m.FromLocationUUID, m.ToLocationUUID, m.Change = supplier, a.Store, diff
	default:
		m.FromLocationUUID, m.ToLocationUUID, m.Change = a.Store, bin, before.Sub(target)
	}
	after, err = k.moveOnce(ctx, a, m, before, target)
	return before, after, err == nil, err
}

// ErrNotTracked is an adjustment of a product that is not tracked: Zettle
// keeps no balances for it.
var ErrNotTracked = errors.New("the product's inventory is not tracked: start tracking it (zettle_inventory_tracking) before moving its stock")

// trackedBalance reads a variant's balance at a.Store, after checking that
// the product is tracked.
func (k *Keeper) trackedBalance(ctx context.Context, a Adjustment) (zettle.Quantity, error) {
	inv, err := k.inv.ConfirmTracking(ctx, a.Store, a.ProductUUID)
	if err != nil {
		return zettle.Quantity{}, fmt.Errorf("reading the balance of variant %s: %w", a.VariantUUID, err)
	}
	if !inv.Tracked {
		return zettle.Quantity{}, fmt.Errorf("product %s: %w", a.ProductUUID, ErrNotTracked)
	}
	balances, err := k.inv.TrackedBalances(ctx, a.Store, a.ProductUUID)
	if err != nil {
		return zettle.Quantity{}, fmt.Errorf("reading the balance of variant %s: %w", a.VariantUUID, err)
	}
	return balances[a.VariantUUID], nil
}

// UncertainMoveError is a movement that may have been applied and whose
// balance afterwards shows neither that it was nor that it was not.
type UncertainMoveError struct {
	Movement       zettle.Movement
	Before, Now    zettle.Quantity
	Expected       zettle.Quantity
	Err            error
	StoreInventory string
	// Unread marks a balance that could not be read again: Now is unknown.
	Unread bool
}

func (e *UncertainMoveError) Error() string {
	if e.Unread {
		return fmt.Sprintf("moving %s of variant %s may have been applied: %v. The balance at %s was %s before and could not be read again "+
			"(%s if it was applied), so the movement is not sent again. Check the variant's history in the Zettle back office before invoking again",
			e.Movement.Change, e.Movement.VariantUUID, e.Err, e.StoreInventory, e.Before, e.Expected)
	}
	return fmt.Sprintf("moving %s of variant %s may have been applied: %v. The balance at %s was %s before and is %s now (%s if it was applied); "+
		"stock that moved at the same moment, such as a sale, can hide it, so the movement is not sent again. Check the variant's history in "+
		"the Zettle back office before invoking again", e.Movement.Change, e.Movement.VariantUUID, e.Err, e.StoreInventory, e.Before, e.Now, e.Expected)
}

func (e *UncertainMoveError) Unwrap() error { return e.Err }

// moveOnce sends m, never twice; after a failure that may have been
// applied, the balance read again tells whether it was.
func (k *Keeper) moveOnce(ctx context.Context, a Adjustment, m zettle.Movement, before, want zettle.Quantity) (zettle.Quantity, error) {
	balances, err := k.inv.Move(ctx, a.Store, []zettle.Movement{m})
	if err == nil {
		if after, ok := balances[a.VariantUUID]; ok {
			return after, nil
		}
		return want, nil
	}
	if !zettle.MayHaveApplied(err) {
		return before, fmt.Errorf("moving %s of variant %s: %w", m.Change, m.VariantUUID, err)
	}
	now, readErr := k.trackedBalance(ctx, a)
	switch {
	case readErr != nil:
		return before, &UncertainMoveError{Movement: m, Before: before, Expected: want, StoreInventory: a.Store, Unread: true,
			Err: fmt.Errorf("%w; reading the balance again failed too: %w", err, readErr)}
	case now.Equal(want):
		k.logf(ctx, "The movement was applied although its answer was lost", map[string]any{"variant_uuid": m.VariantUUID, "balance": now.String()})
		return now, nil
	}
	return now, &UncertainMoveError{Movement: m, Before: before, Now: now, Expected: want, Err: err, StoreInventory: a.Store}
}
