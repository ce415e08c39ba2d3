package zettle

import (
	"context"
	"slices"
)

// v2API speaks Inventory API v2 (paths under /organizations/self and
// /custom-low-stock): an organization has one STORE location, a start moves
// stock in the same bulk request and answers the resulting balances, and a
// stop is one DELETE per product.
type v2API struct{ c *Client }

func (*v2API) version() string { return APIVersionV2 }

func (a *v2API) locations(ctx context.Context) (Locations, error) { return a.c.Locations(ctx) }

func (*v2API) startMovesStock() bool { return true }

func (a *v2API) start(ctx context.Context, location string, changes []ProductChange) ([]map[string]Quantity, error) {
	answer, err := a.c.Bulk(ctx, BulkRequest{ReturnBalanceForLocationUUID: location, ProductChanges: changes})
	if err != nil {
		return nil, err
	}
	out := make([]map[string]Quantity, len(changes))
	for i, pc := range changes {
		out[i] = answer.ProductBalances(pc.ProductUUID)
	}
	return out, nil
}

// firstStart names no location to return balances for: a new organization
// has none before the request.
func (a *v2API) firstStart(ctx context.Context, changes []ProductChange) ([]string, error) {
	answer, err := a.c.Bulk(ctx, BulkRequest{ProductChanges: changes})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(changes))
	for i := range changes {
		out[i] = answer.LocationUUID
	}
	return out, nil
}

// lookup asks by location type: v2 has one STORE location.
//
// An answer for several products that came in pages is read again product
// by product: a page read after a row before its cursor went away (a
// variant sold out) skips a row, and a skipped variant would read as zero,
// the balances that movements are computed from.
func (a *v2API) lookup(ctx context.Context, _ string, products []string) ([]ProductInventory, error) {
	answer, pages, err := a.c.productBalances(ctx, LocationStore, products)
	if err != nil {
		return nil, err
	}
	if pages == 1 || len(products) == 1 {
		return indexInventory(answer).products(products), nil
	}
	distinct := slices.Compact(slices.Sorted(slices.Values(products)))
	each := make([]LocationBalances, len(distinct))
	err = eachAtOnce(ctx, distinct, func(ctx context.Context, i int, p string) error {
		var err error
		each[i], _, err = a.c.productBalances(ctx, LocationStore, []string{p})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]ProductInventory, len(products))
	for i, p := range products {
		out[i] = indexInventory(each[slices.Index(distinct, p)]).product(p)
	}
	return out, nil
}

func (a *v2API) balanceReads(ctx context.Context, location string, products []string) ([]map[string]Quantity, error) {
	inv, err := a.lookup(ctx, location, products)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]Quantity, len(inv))
	for i, p := range inv {
		out[i] = p.Balances
	}
	return out, nil
}

func (a *v2API) move(ctx context.Context, location string, perProduct [][]Movement) ([]map[string]Quantity, error) {
	var all []Movement
	for _, ms := range perProduct {
		all = append(all, ms...)
	}
	answer, err := a.c.MoveStock(ctx, MovementRequest{Changes: all, ReturnBalanceForLocationUUID: location})
	if err != nil {
		return nil, err
	}
	out := make([]map[string]Quantity, len(perProduct))
	for i, ms := range perProduct {
		out[i] = answer.ProductBalances(ms[0].ProductUUID)
	}
	return out, nil
}

func (*v2API) bulkStops() bool { return false }

func (a *v2API) stop(ctx context.Context, products []string) error {
	for _, p := range products {
		if err := a.c.deleteTracking(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

func (a *v2API) storeBalances(ctx context.Context, _ string) (LocationBalances, error) {
	return a.c.BalancesByType(ctx, LocationStore)
}

func (a *v2API) balances(ctx context.Context, location Location, products []string) (LocationBalances, error) {
	if products == nil {
		return a.c.BalancesAtLocation(ctx, location.UUID)
	}
	return a.c.ProductBalances(ctx, location.Type, products)
}

// setLowStock sends a lone setting through the single endpoint, as a client
// without batching would, and several through the bulk one.
func (a *v2API) setLowStock(ctx context.Context, location string, settings []LowStock) error {
	if len(settings) == 1 {
		return a.c.SetLowStock(ctx, location, settings[0])
	}
	return a.c.SetLowStocks(ctx, location, settings)
}

func (a *v2API) resetLowStock(ctx context.Context, location string, variants []VariantRef) error {
	if len(variants) == 1 {
		return a.c.DeleteLowStock(ctx, location, variants[0])
	}
	return a.c.DeleteLowStocks(ctx, location, variants)
}

func (*v2API) readsUntrackedLowStock() bool { return true }

func (a *v2API) lowStock(ctx context.Context, location, product string) ([]LowStock, error) {
	if product == "" {
		return a.c.LowStockAtLocation(ctx, location)
	}
	return a.c.ProductLowStock(ctx, location, product)
}

// trackedProducts is the location-wide lookup: v2 lists every tracked
// product in it, those without stock too.
func (a *v2API) trackedProducts(ctx context.Context, location string) (LocationBalances, error) {
	return a.storeBalances(ctx, location)
}
