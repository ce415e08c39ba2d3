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
// ones are reported once, before any resource is worked on. It lists the
// locations, which the client keeps for the rest of the run.
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
		write: true, movesStock: req.movesStock(),
	}, &out)
	return out, err
}

// StopTracking stops tracking a product. The saved levels stay with the
// service. A product that is not tracked (404) counts as done.
//
// A product this client started tracking in the same run is left tracked,
// with ErrStartedThisRun: the stop comes from another owner of the same
// product, as when Terraform destroys one instance and creates another.
func (c *Client) StopTracking(ctx context.Context, product string) error {
	if c.run.wasStarted(product) {
		return ErrStartedThisRun
	}
	end := c.run.beginStop(product)
	defer c.inventoryChanged()
	err := c.call(ctx, request{op: "stop tracking", method: http.MethodDelete, path: "/organizations/self/inventory/products/" + url.PathEscape(product), write: true}, nil)
	if StatusOf(err) == http.StatusNotFound {
		err = nil
	}
	end(err == nil)
	return err
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
	var out LocationBalances
	body := map[string]any{"locationType": locationType, "productUuids": products}
	err := c.call(ctx, request{op: "look up balances", method: http.MethodPost, path: "/organizations/self/inventory/products", body: body}, &out)
	return out, err
}

// MoveStock moves stock between locations. It is not idempotent: a movement
// repeated after a lost answer moves the stock again.
func (c *Client) MoveStock(ctx context.Context, req MovementRequest) (ChangedBalances, error) {
	defer c.inventoryChanged()
	var out ChangedBalances
	err := c.call(ctx, request{op: "move stock", method: http.MethodPut, path: "/organizations/self/inventory", body: req, write: true, movesStock: true}, &out)
	return out, err
}

// inventoryChanged forgets the shared STORE lookup after a request that may
// have changed tracking or stock, so that later reads see the change. Every
// such request changes the STORE location, the only one reads look at.
func (c *Client) inventoryChanged() { c.batch.inventory.Invalidate(LocationStore) }
