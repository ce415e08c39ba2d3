package zettle

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
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
// back with its saved levels; the bulk answer shows the resulting balance, so
// any difference is corrected by one further movement. The result equals the
// target either way. A product this client stopped tracking, as a replacement
// does, starts without moving stock, and only the difference moves.
//
// A request that moves stock is never repeated blindly. When one gets no
// answer, or a 5xx, it may or may not have been applied: tracking is started
// again without moving stock (safe to repeat), the balances are read, and only
// what is still missing moves. So the targets are reached exactly once.
//
// With batching, the bulk requests, lookups and movements of products whose
// tracking starts at the same time each go out as one request.
//
// Every listed variant's resulting balance, as the last answer gives it, is
// then compared with its target. They differ only when stock moved at the
// same moment, as a sale in the POS app, or when the API kept another
// quantity than the one sent: that is a *BalanceMismatchError, returned with
// the balances found.
//
// An error after a request that may have started tracking is an
// *IncompleteStartError.
func (c *Client) StartTracking(ctx context.Context, req TrackingRequest) (TrackedProduct, error) {
	if err := checkTargets(req.InitialBalances); err != nil {
		return TrackedProduct{}, fmt.Errorf("start tracking product %s: %w", req.ProductUUID, err)
	}
	locs, err := c.CachedLocations(ctx)
	if err != nil {
		return TrackedProduct{}, err
	}
	if err := checkStoreLocation(locs, req.LocationUUID); err != nil {
		return TrackedProduct{}, fmt.Errorf("start tracking product %s: %w", req.ProductUUID, err)
	}
	supplier, _ := locs.ByType(LocationSupplier)
	bin, _ := locs.ByType(LocationBin)
	start := tracking{TrackingRequest: req, supplier: supplier.UUID, bin: bin.UUID, variants: slices.Sorted(maps.Keys(req.InitialBalances))}

	change := start.change()
	if _, stopped := c.stopped.Load(req.ProductUUID); stopped {
		// Stopped earlier in this run, as when Terraform replaces the
		// resource: its saved levels come back, so no stock moves before
		// they are read.
		change = start.trackingOnly()
	}
	balances, err := c.batch.starts.Do(ctx, req.LocationUUID, change)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		// Timed out or interrupted, perhaps with the request on its way.
		return TrackedProduct{}, start.incomplete(fmt.Errorf("start tracking: gave up waiting for the answer: %w", err))
	case !MayHaveApplied(err):
		return TrackedProduct{}, notInLibrary(req.ProductUUID, err)
	default:
		c.logf(ctx, "The answer to starting tracking was lost; starting again without moving stock, then moving what is missing",
			map[string]any{"product_uuid": req.ProductUUID, "error": err.Error()})
		if _, err := c.Bulk(ctx, BulkRequest{ReturnBalanceForLocationUUID: req.LocationUUID, ProductChanges: []ProductChange{start.trackingOnly()}}); err != nil {
			return TrackedProduct{}, start.incomplete(err)
		}
		balances = nil
	}

	for attempt := 1; ; attempt++ {
		// Variants that the bulk request did not move (a target of zero) are
		// not in its answer; only a lookup shows their saved levels.
		if !allKnown(balances, start.variants) {
			if balances, err = c.batch.lookups.Do(ctx, LocationStore, req.ProductUUID); err != nil {
				return TrackedProduct{}, start.incomplete(err)
			}
		}
		fixes := start.fixes(balances)
		if len(fixes) == 0 {
			break
		}
		moved, err := c.batch.moves.Do(ctx, req.LocationUUID, fixes)
		if err == nil {
			maps.Copy(balances, moved)
			break
		}
		if !MayHaveApplied(err) || ctx.Err() != nil || attempt > maxReconciliations {
			return TrackedProduct{}, start.incomplete(err)
		}
		c.logf(ctx, "The answer to a stock movement was lost; reading the balances again", map[string]any{"product_uuid": req.ProductUUID, "error": err.Error()})
		balances = nil
	}
	for v, q := range balances {
		if q.IsZero() {
			delete(balances, v)
		}
	}
	tracked := TrackedProduct{Balances: balances}
	if mismatches := start.mismatches(balances); len(mismatches) > 0 {
		return tracked, &BalanceMismatchError{ProductUUID: req.ProductUUID, Mismatches: mismatches}
	}
	return tracked, nil
}

// maxReconciliations bounds how often StartTracking reads the balances again
// after a stock movement whose answer was lost.
const maxReconciliations = 3

// tracking is one StartTracking in progress.
type tracking struct {
	TrackingRequest
	supplier, bin string
	// variants are those of InitialBalances, sorted.
	variants []string
}

// change starts tracking and moves each positive target in from SUPPLIER,
// on the assumption that the variants start from zero.
func (t tracking) change() ProductChange {
	change := t.trackingOnly()
	for _, v := range t.variants {
		if target := t.InitialBalances[v]; target.Sign() > 0 {
			change.VariantChanges = append(change.VariantChanges, VariantChange{
				VariantUUID: v, FromLocationUUID: t.supplier, ToLocationUUID: t.LocationUUID, Change: target,
			})
		}
	}
	return change
}

func (t tracking) trackingOnly() ProductChange {
	return ProductChange{ProductUUID: t.ProductUUID, TrackingStatusChange: StartTracking}
}

// fixes are the movements that bring balances to their targets.
func (t tracking) fixes(balances map[string]Quantity) []Movement {
	var fixes []Movement
	for _, v := range t.variants {
		have, want := balances[v], t.InitialBalances[v]
		switch have.Cmp(want) {
		case -1:
			fixes = append(fixes, Movement{ProductUUID: t.ProductUUID, VariantUUID: v, FromLocationUUID: t.supplier, ToLocationUUID: t.LocationUUID, Change: want.Sub(have)})
		case +1:
			fixes = append(fixes, Movement{ProductUUID: t.ProductUUID, VariantUUID: v, FromLocationUUID: t.LocationUUID, ToLocationUUID: t.bin, Change: have.Sub(want)})
		}
	}
	return fixes
}

// mismatches lists the variants whose balances differ from their targets. A
// variant the answers leave out has none.
func (t tracking) mismatches(balances map[string]Quantity) []BalanceMismatch {
	var out []BalanceMismatch
	for _, v := range t.variants {
		if want, have := t.InitialBalances[v], balances[v]; !have.Equal(want) {
			out = append(out, BalanceMismatch{VariantUUID: v, Target: want, Actual: have})
		}
	}
	return out
}

// checkTargets refuses, before any request, a target the provider may not
// send.
func checkTargets(targets map[string]Quantity) error {
	for _, v := range slices.Sorted(maps.Keys(targets)) {
		if err := targets[v].CheckBounds(); err != nil {
			return fmt.Errorf("initial balance of variant %s: %w", v, err)
		}
	}
	return nil
}

func (t tracking) incomplete(err error) error {
	return &IncompleteStartError{ProductUUID: t.ProductUUID, Err: err}
}

// IncompleteStartError is a StartTracking that failed after a request that
// may have started tracking: the product may be tracked, with balances short
// of their targets. Starting it again reaches the targets.
type IncompleteStartError struct {
	ProductUUID string
	Err         error
}

func (e *IncompleteStartError) Error() string {
	return fmt.Sprintf("%v (tracking of product %s may have started, with its initial balances not yet reached)", e.Err, e.ProductUUID)
}

func (e *IncompleteStartError) Unwrap() error { return e.Err }

// BalanceMismatchError is a StartTracking after which some listed variants
// do not have their target balances. Tracking has started.
type BalanceMismatchError struct {
	ProductUUID string
	Mismatches  []BalanceMismatch
}

// BalanceMismatch is one variant whose balance differs from its target.
type BalanceMismatch struct {
	VariantUUID    string
	Target, Actual Quantity
}

func (e *BalanceMismatchError) Error() string {
	parts := make([]string, len(e.Mismatches))
	for i, m := range e.Mismatches {
		parts[i] = fmt.Sprintf("variant %s has a balance of %s, not its target %s", m.VariantUUID, m.Actual, m.Target)
	}
	return fmt.Sprintf("started tracking product %s, but afterwards %s (stock moved at the same moment, or the API kept another quantity than the one sent)",
		e.ProductUUID, strings.Join(parts, "; "))
}

// MayHaveApplied reports whether a failed request may have been applied all
// the same: it got no answer, or a 5xx.
func MayHaveApplied(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && (apiErr.StatusCode == 0 || apiErr.StatusCode >= 500)
}

// notInLibrary says, for a product the API does not know (404, or 400 naming
// it), that it is not in the product library.
func notInLibrary(product string, err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || (apiErr.StatusCode != http.StatusNotFound && apiErr.StatusCode != http.StatusBadRequest) {
		return err
	}
	if apiErr.StatusCode == http.StatusBadRequest && !strings.Contains(apiErr.Message, product) {
		return err
	}
	return fmt.Errorf("product %s is not in the organization's product library, or cannot be tracked: %w", product, err)
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
