package stock

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// The rules of the catalogue: the Product Library may delete a product or a
// variant with stock, which would end its tracking or drop its stock outside
// any plan. Neither is ever done.

// TrackedProductError refuses to delete a product whose inventory is
// tracked.
type TrackedProductError struct{ Product string }

func (e *TrackedProductError) Error() string {
	return fmt.Sprintf("the inventory of product %s is tracked: deleting it would end the tracking, and its stock with it, outside the plan", e.Product)
}

// VariantStockError refuses to remove variants of a tracked product that
// hold stock.
type VariantStockError struct {
	Product string
	// Balances are the variants' balances at the STORE location, by UUID.
	Balances map[string]zettle.Quantity
}

func (e *VariantStockError) Error() string {
	var held []string
	for _, v := range slices.Sorted(maps.Keys(e.Balances)) {
		held = append(held, fmt.Sprintf("%s holds %s", v, e.Balances[v]))
	}
	return fmt.Sprintf("product %s is tracked, and the variants to remove hold stock (%s): removing them would drop that stock outside the plan",
		e.Product, strings.Join(held, ", "))
}

// CheckDeletable refuses (TrackedProductError) to let a product be deleted
// while its inventory is tracked. A product the inventory does not know (one
// deleted already) may be.
func (k *Keeper) CheckDeletable(ctx context.Context, product string) error {
	inv, err := k.inv.ConfirmTracking(ctx, "", product)
	switch {
	case zettle.StatusOf(err) == http.StatusNotFound:
		return nil
	case err != nil:
		return fmt.Errorf("finding out whether the inventory of product %s is tracked: %w", product, err)
	case inv.Tracked:
		return &TrackedProductError{Product: product}
	}
	return nil
}

// CheckVariantsRemovable refuses (VariantStockError) to let variants of a
// tracked product be removed while any of them holds stock at the STORE
// location; an untracked product's variants may go.
func (k *Keeper) CheckVariantsRemovable(ctx context.Context, product string, variants []string) error {
	if len(variants) == 0 {
		return nil
	}
	inv, err := k.inv.ConfirmTracking(ctx, "", product)
	if err != nil {
		return fmt.Errorf("reading the stock of product %s before removing variants: %w", product, err)
	}
	if !inv.Tracked {
		return nil
	}
	held := map[string]zettle.Quantity{}
	for _, v := range variants {
		if q, ok := inv.Balances[v]; ok && !q.IsZero() {
			held[v] = q
		}
	}
	if len(held) > 0 {
		return &VariantStockError{Product: product, Balances: held}
	}
	return nil
}
