package zettle

import "context"

// The operations the stock rules (package stock) are built from. Each goes
// through the batcher for its kind, so that the calls made at the same time
// share requests when batching is on, and through the adapter of the API
// version the client speaks.

// StartsMoveStock reports whether starting tracking can move stock in the
// same request (v2's bulk endpoint), on the assumption that the variants
// start from zero; under v3 tracking starts first, and stock moves after.
func (c *Client) StartsMoveStock(ctx context.Context) (bool, error) {
	api, err := c.api(ctx)
	if err != nil {
		return false, err
	}
	return api.startMovesStock(), nil
}

// Start starts tracking a product at a STORE location with change, which
// moves stock only where StartsMoveStock allows. It returns the product's
// resulting balances as the answer gives them; nil when it gives none.
// Without stock movements it is safe to repeat.
func (c *Client) Start(ctx context.Context, location string, change ProductChange) (map[string]Quantity, error) {
	return c.batch.starts.Do(ctx, location, change)
}

// StartInNewOrganization starts tracking a product of an organization that
// has no locations yet, without moving stock, which creates them. It returns
// the STORE location the answer names; "" when it names none.
func (c *Client) StartInNewOrganization(ctx context.Context, product string) (string, error) {
	return c.batch.firstStarts.Do(ctx, struct{}{}, ProductChange{ProductUUID: product, TrackingStatusChange: StartTracking})
}

// TrackedBalances reads the balances at a STORE location of a product
// known to be tracked, as the rules need them after a start: without
// asking again whether it is tracked (v3 asks that with a request of its
// own), and never from a listing in pages, which may skip a row.
func (c *Client) TrackedBalances(ctx context.Context, location, product string) (map[string]Quantity, error) {
	return c.batch.balanceReads.Do(ctx, location, product)
}

// Move moves stock of one product. It is not safe to repeat: after a lost
// answer the stock may have moved. It returns the resulting balances at
// location as the answer gives them; nil when it gives none (v3).
func (c *Client) Move(ctx context.Context, location string, movements []Movement) (map[string]Quantity, error) {
	return c.batch.moves.Do(ctx, location, movements)
}
