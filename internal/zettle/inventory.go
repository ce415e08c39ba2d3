package zettle

import (
	"context"
	"net/http"
	"net/url"
)

// Locations lists the organization's system locations.
func (c *Client) Locations(ctx context.Context) (Locations, error) {
	var out Locations
	err := c.call(ctx, "list locations", http.MethodGet, "/organizations/self/locations", nil, nil, &out)
	return out, err
}

// Bulk starts tracking products and moves stock in one request.
func (c *Client) Bulk(ctx context.Context, req BulkRequest) (ChangedBalances, error) {
	defer c.inventoryChanged()
	var out ChangedBalances
	err := c.call(ctx, "start tracking", http.MethodPost, "/organizations/self/v2/inventory/bulk", nil, req, &out)
	return out, err
}

// StartTrackingProduct starts tracking one product and answers its non-zero
// STORE balances (for a product tracked before, its saved levels).
func (c *Client) StartTrackingProduct(ctx context.Context, product string) (ChangedBalances, error) {
	defer c.inventoryChanged()
	var out ChangedBalances
	body := map[string]string{"productUuid": product}
	err := c.call(ctx, "start tracking", http.MethodPost, "/organizations/self/inventory", nil, body, &out)
	return out, err
}

// StopTracking stops tracking a product. The saved levels stay with the
// service. A product that is not tracked (404) counts as done.
func (c *Client) StopTracking(ctx context.Context, product string) error {
	defer c.inventoryChanged()
	err := c.call(ctx, "stop tracking", http.MethodDelete, "/organizations/self/inventory/products/"+url.PathEscape(product), nil, nil, nil)
	if StatusOf(err) == http.StatusNotFound {
		return nil
	}
	return err
}

// BalancesAtLocation looks up every tracked product's balances at a location.
func (c *Client) BalancesAtLocation(ctx context.Context, location string) (LocationBalances, error) {
	var out LocationBalances
	err := c.call(ctx, "look up balances", http.MethodGet, "/organizations/self/inventory/locations/"+url.PathEscape(location), nil, nil, &out)
	return out, err
}

// BalancesByType looks up every tracked product's balances at the location of
// a type (STORE, SUPPLIER, SOLD or BIN).
func (c *Client) BalancesByType(ctx context.Context, locationType string) (LocationBalances, error) {
	var out LocationBalances
	err := c.call(ctx, "look up balances", http.MethodGet, "/organizations/self/inventory/locations", url.Values{"type": {locationType}}, nil, &out)
	return out, err
}

// ProductBalances looks up the balances of some products at the location of
// a type. TrackedProducts tells which of them are tracked.
func (c *Client) ProductBalances(ctx context.Context, locationType string, products []string) (LocationBalances, error) {
	var out LocationBalances
	body := map[string]any{"locationType": locationType, "productUuids": products}
	err := c.call(ctx, "look up balances", http.MethodPost, "/organizations/self/inventory/products", nil, body, &out)
	return out, err
}

// MoveStock moves stock between locations. It is not idempotent: a movement
// repeated after a lost answer moves the stock again.
func (c *Client) MoveStock(ctx context.Context, req MovementRequest) (ChangedBalances, error) {
	defer c.inventoryChanged()
	var out ChangedBalances
	err := c.call(ctx, "move stock", http.MethodPut, "/organizations/self/inventory", nil, req, &out)
	return out, err
}

// inventoryChanged forgets the shared STORE lookup after a request that may
// have changed tracking or stock, so that later reads see the change. Every
// such request changes the STORE location, the only one reads look at.
func (c *Client) inventoryChanged() { c.batch.inventory.Invalidate(LocationStore) }
