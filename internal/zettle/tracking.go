package zettle

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// TrackingRequest asks for a product to be tracked, with some of its variants
// starting at given STORE balances.
type TrackingRequest struct {
	ProductUUID string
	// LocationUUID must be the organization's STORE location.
	LocationUUID string
	// InitialBalances maps variant UUIDs to the balance each must have once
	// tracking has started. Nil or empty moves no stock.
	InitialBalances map[string]Quantity
}

// TrackedProduct is a product's state after tracking started.
type TrackedProduct struct {
	// Balances holds the non-zero balances known from the answers: every
	// variant of InitialBalances, and any other the service reported.
	Balances map[string]Quantity
}

// StartTracking starts tracking a product and brings the listed variants to
// their initial balances.
//
// The stock moves in the same bulk request as START_TRACKING, on the
// assumption that the variants start from zero. A product tracked before comes
// back with its saved levels, and an earlier attempt may already have moved
// stock; the bulk answer shows the resulting balance, so any difference is
// corrected by one further movement. The result equals the target either way.
//
// With batching, the bulk requests, lookups and movements of products whose
// tracking starts at the same time each go out as one request.
func (c *Client) StartTracking(ctx context.Context, req TrackingRequest) (TrackedProduct, error) {
	locs, err := c.CachedLocations(ctx)
	if err != nil {
		return TrackedProduct{}, err
	}
	if err := checkStoreLocation(locs, req.LocationUUID); err != nil {
		return TrackedProduct{}, fmt.Errorf("start tracking product %s: %w", req.ProductUUID, err)
	}
	supplier, _ := locs.ByType(LocationSupplier)
	bin, _ := locs.ByType(LocationBin)

	variants := slices.Sorted(maps.Keys(req.InitialBalances))
	change := ProductChange{ProductUUID: req.ProductUUID, TrackingStatusChange: StartTracking}
	for _, v := range variants {
		if target := req.InitialBalances[v]; target > 0 {
			change.VariantChanges = append(change.VariantChanges, VariantChange{
				VariantUUID: v, FromLocationUUID: supplier.UUID, ToLocationUUID: req.LocationUUID, Change: target,
			})
		}
	}
	balances, err := c.batch.starts.Do(ctx, req.LocationUUID, change)
	if err != nil {
		return TrackedProduct{}, err
	}

	// Variants that the bulk request did not move (a target of zero) are not
	// in its answer; only a lookup shows their saved levels.
	if !allKnown(balances, variants) {
		if balances, err = c.batch.lookups.Do(ctx, LocationStore, req.ProductUUID); err != nil {
			return TrackedProduct{}, err
		}
	}

	var fixes []Movement
	for _, v := range variants {
		have, want := balances[v], req.InitialBalances[v]
		switch {
		case have < want:
			fixes = append(fixes, Movement{ProductUUID: req.ProductUUID, VariantUUID: v, FromLocationUUID: supplier.UUID, ToLocationUUID: req.LocationUUID, Change: want - have})
		case have > want:
			fixes = append(fixes, Movement{ProductUUID: req.ProductUUID, VariantUUID: v, FromLocationUUID: req.LocationUUID, ToLocationUUID: bin.UUID, Change: have - want})
		}
	}
	if len(fixes) > 0 {
		moved, err := c.batch.moves.Do(ctx, req.LocationUUID, fixes)
		if err != nil {
			return TrackedProduct{}, err
		}
		for v, q := range moved {
			balances[v] = q
		}
	}
	for v, q := range balances {
		if q == 0 {
			delete(balances, v)
		}
	}
	return TrackedProduct{Balances: balances}, nil
}

// CachedLocations lists the organization's locations once per Client: system
// locations never change.
func (c *Client) CachedLocations(ctx context.Context) (Locations, error) {
	c.locMu.Lock()
	defer c.locMu.Unlock()
	if c.locations != nil {
		return c.locations, nil
	}
	locs, err := c.Locations(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range []string{LocationStore, LocationSupplier, LocationBin} {
		if _, ok := locs.ByType(t); !ok {
			return nil, fmt.Errorf("list locations: the organization has no %s location", t)
		}
	}
	c.locations = locs
	return locs, nil
}

func checkStoreLocation(locs Locations, uuid string) error {
	loc, ok := locs.ByUUID(uuid)
	store, _ := locs.ByType(LocationStore)
	switch {
	case !ok:
		return fmt.Errorf("location %s is not one of the organization's locations (its STORE location is %s)", uuid, store.UUID)
	case loc.Type != LocationStore:
		return fmt.Errorf("location %s is the %s location; tracked balances are kept only at the STORE location (%s)", uuid, loc.Type, store.UUID)
	}
	return nil
}

func allKnown(balances map[string]Quantity, variants []string) bool {
	for _, v := range variants {
		if _, ok := balances[v]; !ok {
			return false
		}
	}
	return true
}
