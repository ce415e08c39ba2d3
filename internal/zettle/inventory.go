package zettle

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Locations lists the organization's system locations.
func (c *Client) Locations(ctx context.Context) (Locations, error) {
	var out Locations
	err := c.call(ctx, request{op: "list locations", method: http.MethodGet, path: "/organizations/self/locations"}, &out)
	return out, err
}

// VerifyAccess makes one request that needs the credentials, so that refused
// ones are reported once, before any resource is worked on. It settles the
// API version and lists the locations, which the client keeps for the rest
// of the run; under APIVersionAuto, a service that answers v3 needs one
// request for both.
func (c *Client) VerifyAccess(ctx context.Context) error {
	_, err := c.CachedLocations(ctx)
	var missing *MissingLocationError
	if errors.As(err, &missing) {
		// The credentials work; a new organization has no locations yet.
		return nil
	}
	return err
}

// Bulk starts tracking products and moves stock in one request.
func (c *Client) Bulk(ctx context.Context, req BulkRequest) (ChangedBalances, error) {
	defer c.inventoryChanged()
	var out ChangedBalances
	err := c.call(ctx, request{
		op: "start tracking", method: http.MethodPost, path: "/organizations/self/v2/inventory/bulk", body: req,
		write: true, once: req.movesStock(),
	}, &out)
	return out, err
}

// Stop stops tracking a product. The saved levels stay with the service. A
// product that is not tracked counts as done. Where the API version stops
// several products in one request (v3), the stops made at the same time go
// out together when batching is on; under v2 each is one DELETE.
func (c *Client) Stop(ctx context.Context, product string) error {
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	if api.bulkStops() {
		_, err = c.batch.stops.Do(ctx, struct{}{}, product)
		return err
	}
	return api.stop(ctx, []string{product})
}

// deleteTracking stops tracking one product with v2's DELETE.
func (c *Client) deleteTracking(ctx context.Context, product string) error {
	defer c.inventoryChanged()
	err := c.call(ctx, request{op: "stop tracking", method: http.MethodDelete, path: "/organizations/self/inventory/products/" + url.PathEscape(product), write: true}, nil)
	if StatusOf(err) == http.StatusNotFound {
		return nil
	}
	return err
}

// Balances looks up balances at any of the organization's locations: of
// every tracked product when products is nil, else of those listed, with
// TrackedProducts naming which of them are tracked. Under v3, which lists
// no tracked products, a lookup of every product names as tracked only
// those with a balance or a low-stock setting there.
func (c *Client) Balances(ctx context.Context, location Location, products []string) (LocationBalances, error) {
	api, err := c.api(ctx)
	if err != nil {
		return LocationBalances{}, err
	}
	return api.balances(ctx, location, products)
}

// TrackedProducts lists every tracked product, with its non-zero balances at
// a STORE location ("" for the default), for a listing such as terraform
// query: it moves nothing, and its balances are not read for moving stock.
func (c *Client) TrackedProducts(ctx context.Context, location string) (LocationBalances, error) {
	api, err := c.api(ctx)
	if err != nil {
		return LocationBalances{}, err
	}
	if location, err = c.storeOr(ctx, location); err != nil {
		return LocationBalances{}, err
	}
	return api.trackedProducts(ctx, location)
}

// LowStockSettings lists every custom low-stock setting at a STORE location,
// under either API version (v3 shows those of tracked products only).
func (c *Client) LowStockSettings(ctx context.Context, location string) ([]LowStock, error) {
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	return api.lowStock(ctx, location, "")
}

// BalancesAtLocation looks up every tracked product's balances at a location.
func (c *Client) BalancesAtLocation(ctx context.Context, location string) (LocationBalances, error) {
	var out LocationBalances
	err := c.call(ctx, request{op: "look up balances", method: http.MethodGet, path: "/organizations/self/inventory/locations/" + url.PathEscape(location)}, &out)
	return out, err
}

// BalancesByType looks up every tracked product's balances at the location of
// a type (STORE, SUPPLIER, SOLD or BIN).
func (c *Client) BalancesByType(ctx context.Context, locationType string) (LocationBalances, error) {
	var out LocationBalances
	err := c.call(ctx, request{op: "look up balances", method: http.MethodGet, path: "/organizations/self/inventory/locations", query: url.Values{"type": {locationType}}}, &out)
	return out, err
}

// ProductBalances looks up the balances of some products at the location of
// a type. TrackedProducts tells which of them are tracked.
func (c *Client) ProductBalances(ctx context.Context, locationType string, products []string) (LocationBalances, error) {
	out, _, err := c.productBalances(ctx, locationType, products)
	return out, err
}

// productBalances is ProductBalances, telling how many pages the answer came
// in.
func (c *Client) productBalances(ctx context.Context, locationType string, products []string) (LocationBalances, int, error) {
	var out LocationBalances
	pages := 0
	body := map[string]any{"locationType": locationType, "productUuids": products}
	err := c.call(ctx, request{op: "look up balances", method: http.MethodPost, path: "/organizations/self/inventory/products", body: body, pages: &pages}, &out)
	return out, pages, err
}

// MoveStock moves stock between locations. It is not idempotent: a movement
// repeated after a lost answer moves the stock again.
func (c *Client) MoveStock(ctx context.Context, req MovementRequest) (ChangedBalances, error) {
	defer c.inventoryChanged()
	var out ChangedBalances
	err := c.call(ctx, request{op: "move stock", method: http.MethodPut, path: "/organizations/self/inventory", body: req, write: true, once: true}, &out)
	return out, err
}

// inventoryChanged forgets the shared STORE lookups after a request that may
// have changed tracking or stock, so that later reads see the change.
func (c *Client) inventoryChanged() { c.batch.inventory.InvalidateAll() }

// storeOr returns location, or the default STORE location when it is "".
func (c *Client) storeOr(ctx context.Context, location string) (string, error) {
	if location != "" {
		return location, nil
	}
	locs, err := c.CachedLocations(ctx)
	if err != nil {
		return "", err
	}
	store, _ := locs.ByType(LocationStore)
	return store.UUID, nil
}
