package stock

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// TrackingRequest asks for a product to be tracked, with some of its variants
// starting at given STORE balances.
type TrackingRequest struct {
	ProductUUID string
	// LocationUUID must be the organization's STORE location. Empty, it is
	// the STORE location listed, or, for an organization that has no
	// locations yet, the one the start creates.
	LocationUUID string
	// InitialBalances maps variant UUIDs to the balance each must have once
	// tracking has started. Nil or empty moves no stock.
	InitialBalances map[string]zettle.Quantity
}

// TrackedProduct is a product's state after tracking started.
type TrackedProduct struct {
	// LocationUUID is the STORE location. It is also set with an
	// *IncompleteStartError once known.
	LocationUUID string
	// Balances holds the non-zero balances known from the answers: every
	// variant of InitialBalances, and any other the service reported.
	Balances map[string]zettle.Quantity
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
// A new organization has no locations until tracking first starts, and no
// stock can move before. Its products start tracking without moving stock,
// which creates the locations; the answer names the STORE location, the
// locations are listed again (one listing for every start waiting on it), and
// then the stock moves in from SUPPLIER, each product's variants starting
// from zero.
//
// Every listed variant's resulting balance, as the last answer gives it, is
// then compared with its target. They differ only when stock moved at the
// same moment, as a sale in the POS app, or when the API kept another
// quantity than the one sent: that is a *BalanceMismatchError, returned with
// the balances found.
//
// An error after a request that may have started tracking is an
// *IncompleteStartError.
func (k *Keeper) StartTracking(ctx context.Context, req TrackingRequest) (TrackedProduct, error) {
	if err := checkTargets(req.InitialBalances); err != nil {
		return TrackedProduct{}, fmt.Errorf("start tracking product %s: %w", req.ProductUUID, err)
	}
	locs, err := k.inv.CachedLocations(ctx)
	var missing *zettle.MissingLocationError
	firstStart := errors.As(err, &missing) && req.LocationUUID == ""
	if firstStart {
		locs, req.LocationUUID, err = k.startInNewOrganization(ctx, req.ProductUUID)
	}
	if err != nil {
		return TrackedProduct{LocationUUID: req.LocationUUID}, err
	}
	if req.LocationUUID == "" {
		store, _ := locs.ByType(zettle.LocationStore)
		req.LocationUUID = store.UUID
	}
	if err := CheckStoreLocation(locs, req.LocationUUID); err != nil {
		return TrackedProduct{}, fmt.Errorf("start tracking product %s: %w", req.ProductUUID, err)
	}
	supplier, _ := locs.ByType(zettle.LocationSupplier)
	bin, _ := locs.ByType(zettle.LocationBin)
	start := tracking{TrackingRequest: req, supplier: supplier.UUID, bin: bin.UUID, variants: slices.Sorted(maps.Keys(req.InitialBalances))}

	var balances map[string]zettle.Quantity
	if firstStart {
		// Tracking has started. Before it the organization had no
		// locations, so no saved levels: every variant is at zero.
		balances = start.withZeros(nil)
	} else if balances, err = k.startMovingStock(ctx, start); err != nil {
		return TrackedProduct{LocationUUID: req.LocationUUID}, err
	}

	for attempt := 1; ; attempt++ {
		// Variants that the bulk request did not move (a target of zero) are
		// not in its answer; only a lookup shows their saved levels.
		if !allKnown(balances, start.variants) {
			read, err := k.inv.TrackedBalances(ctx, req.LocationUUID, req.ProductUUID)
			if err != nil {
				return TrackedProduct{LocationUUID: req.LocationUUID}, start.incomplete(err)
			}
			balances = read
		}
		fixes := start.fixes(balances)
		if len(fixes) == 0 {
			break
		}
		moved, err := k.inv.Move(ctx, req.LocationUUID, fixes)
		if err == nil {
			if moved == nil {
				// The answer gives no balances (v3): each fix brought
				// its variant to the target.
				moved = start.targetsOf(fixes)
			}
			maps.Copy(balances, moved)
			break
		}
		if !zettle.MayHaveApplied(err) || ctx.Err() != nil || attempt > maxReconciliations {
			return TrackedProduct{LocationUUID: req.LocationUUID}, start.incomplete(err)
		}
		k.logf(ctx, "The answer to a stock movement was lost; reading the balances again", map[string]any{"product_uuid": req.ProductUUID, "error": err.Error()})
		balances = nil
	}
	for v, q := range balances {
		if q.IsZero() {
			delete(balances, v)
		}
	}
	tracked := TrackedProduct{LocationUUID: req.LocationUUID, Balances: balances}
	if mismatches := start.mismatches(balances); len(mismatches) > 0 {
		return tracked, &BalanceMismatchError{ProductUUID: req.ProductUUID, Mismatches: mismatches}
	}
	return tracked, nil
}

// startMovingStock starts tracking, moving each target in from SUPPLIER in
// the same bulk request, and returns the balances it answered; nil after a
// lost answer, once tracking has been started again without moving stock.
func (k *Keeper) startMovingStock(ctx context.Context, start tracking) (map[string]zettle.Quantity, error) {
	// A product stopped earlier in this run, as when Terraform replaces the
	// resource, is no one else's. Any other must not be tracked already.
	stopped := k.run.stoppedHere(ctx, start.ProductUUID)
	if !stopped {
		var err error
		if stopped, err = k.refuseTracked(ctx, start.LocationUUID, start.ProductUUID); err != nil {
			return nil, err
		}
	}
	movesStock, err := k.inv.StartsMoveStock(ctx)
	if err != nil {
		return nil, err
	}
	change := start.change()
	if stopped || !movesStock {
		// A product stopped before gets its saved levels back, so no
		// stock moves before they are read; and some API versions cannot
		// move stock as tracking starts.
		change = start.trackingOnly()
	}
	balances, err := k.inv.Start(ctx, start.LocationUUID, change)
	k.run.startSent(start.ProductUUID, err)
	switch {
	case err == nil && !stopped && k.run.wasCreated(start.ProductUUID):
		// Created by this run under a UUID no one knew before, and not
		// tracked when checked just now, the product was never tracked: it
		// has no saved levels, so every variant the answer leaves out is
		// at zero, and no read is needed to know it.
		balances = start.withZeros(balances)
	case err == nil:
	case ctx.Err() != nil:
		// Timed out or interrupted, perhaps with the request on its way.
		return nil, start.incomplete(fmt.Errorf("start tracking: gave up waiting for the answer: %w", err))
	case !zettle.MayHaveApplied(err):
		return nil, notInLibrary(start.ProductUUID, err)
	default:
		k.logf(ctx, "The answer to starting tracking was lost; starting again without moving stock, then moving what is missing",
			map[string]any{"product_uuid": start.ProductUUID, "error": err.Error()})
		if _, err := k.inv.Start(ctx, start.LocationUUID, start.trackingOnly()); err != nil {
			return nil, start.incomplete(err)
		}
		balances = nil
	}
	return balances, nil
}

// startInNewOrganization starts tracking a product of an organization that
// has no locations yet, without moving stock: the start creates them, and
// the service refuses stock movements before. It returns the locations,
// listed once they exist, and the STORE location the answer named.
//
// The tracking-only request is safe to repeat, so the retry policy repeats
// it after a lost answer; if no answer comes at all, tracking may have
// started.
func (k *Keeper) startInNewOrganization(ctx context.Context, product string) (zettle.Locations, string, error) {
	k.logf(ctx, "The organization has no locations yet; starting tracking without moving stock, which creates them", map[string]any{"product_uuid": product})
	incomplete := func(err error) error { return &IncompleteStartError{ProductUUID: product, Err: err} }
	store, err := k.inv.StartInNewOrganization(ctx, product)
	k.run.startSent(product, err)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, "", incomplete(fmt.Errorf("start tracking: gave up waiting for the answer: %w", err))
	case zettle.MayHaveApplied(err):
		return nil, "", incomplete(err)
	default:
		return nil, "", notInLibrary(product, err)
	}
	// A listing that was under way before tracking started may answer
	// without the locations; the next one starts after it, so after the
	// start, and sees them.
	var locs zettle.Locations
	var missing *zettle.MissingLocationError
	for range 2 {
		if locs, err = k.inv.CachedLocations(ctx); !errors.As(err, &missing) {
			break
		}
	}
	if err != nil {
		return nil, store, incomplete(fmt.Errorf("tracking started, but: %w", err))
	}
	if store == "" {
		listed, _ := locs.ByType(zettle.LocationStore)
		store = listed.UUID
	}
	if err := CheckStoreLocation(locs, store); err != nil {
		return nil, store, incomplete(fmt.Errorf("the answer to starting tracking named the STORE location %s, but %w", store, err))
	}
	return locs, store, nil
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
func (t tracking) change() zettle.ProductChange {
	change := t.trackingOnly()
	for _, v := range t.variants {
		if target := t.InitialBalances[v]; target.Sign() > 0 {
			change.VariantChanges = append(change.VariantChanges, zettle.VariantChange{
				VariantUUID: v, FromLocationUUID: t.supplier, ToLocationUUID: t.LocationUUID, Change: target,
			})
		}
	}
	return change
}

func (t tracking) trackingOnly() zettle.ProductChange {
	return zettle.ProductChange{ProductUUID: t.ProductUUID, TrackingStatusChange: zettle.StartTracking}
}

// fixes are the movements that bring balances to their targets.
func (t tracking) fixes(balances map[string]zettle.Quantity) []zettle.Movement {
	var fixes []zettle.Movement
	for _, v := range t.variants {
		have, want := balances[v], t.InitialBalances[v]
		switch have.Cmp(want) {
		case -1:
			fixes = append(fixes, zettle.Movement{ProductUUID: t.ProductUUID, VariantUUID: v, FromLocationUUID: t.supplier, ToLocationUUID: t.LocationUUID, Change: want.Sub(have)})
		case +1:
			fixes = append(fixes, zettle.Movement{ProductUUID: t.ProductUUID, VariantUUID: v, FromLocationUUID: t.LocationUUID, ToLocationUUID: t.bin, Change: have.Sub(want)})
		}
	}
	return fixes
}

// withZeros is balances with every variant it leaves out at zero.
func (t tracking) withZeros(balances map[string]zettle.Quantity) map[string]zettle.Quantity {
	out := maps.Clone(balances)
	if out == nil {
		out = map[string]zettle.Quantity{}
	}
	for _, v := range t.variants {
		if _, ok := out[v]; !ok {
			out[v] = zettle.Quantity{}
		}
	}
	return out
}

// targetsOf gives the balances that fixes, once made, leave: their targets.
func (t tracking) targetsOf(fixes []zettle.Movement) map[string]zettle.Quantity {
	out := make(map[string]zettle.Quantity, len(fixes))
	for _, f := range fixes {
		out[f.VariantUUID] = t.InitialBalances[f.VariantUUID]
	}
	return out
}

// mismatches lists the variants whose balances differ from their targets. A
// variant the answers leave out has none.
func (t tracking) mismatches(balances map[string]zettle.Quantity) []BalanceMismatch {
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
func checkTargets(targets map[string]zettle.Quantity) error {
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
	Target, Actual zettle.Quantity
}

func (e *BalanceMismatchError) Error() string {
	parts := make([]string, len(e.Mismatches))
	for i, m := range e.Mismatches {
		parts[i] = fmt.Sprintf("variant %s has a balance of %s, not its target %s", m.VariantUUID, m.Actual, m.Target)
	}
	return fmt.Sprintf("started tracking product %s, but afterwards %s (stock moved at the same moment, or the API kept another quantity than the one sent)",
		e.ProductUUID, strings.Join(parts, "; "))
}

// notInLibrary says, for a product the API does not know (404, or 400 naming
// it), that it is not in the product library.
func notInLibrary(product string, err error) error {
	var apiErr *zettle.APIError
	if !errors.As(err, &apiErr) || (apiErr.StatusCode != http.StatusNotFound && apiErr.StatusCode != http.StatusBadRequest) {
		return err
	}
	if apiErr.StatusCode == http.StatusBadRequest && !strings.Contains(apiErr.Message, product) {
		return err
	}
	return fmt.Errorf("product %s is not in the organization's product library, or cannot be tracked: %w", product, err)
}

// checkStoreLocation
func CheckStoreLocation(locs zettle.Locations, uuid string) error {
	loc, ok := locs.ByUUID(uuid)
	store, _ := locs.ByType(zettle.LocationStore)
	switch {
	case !ok:
		return fmt.Errorf("location %s is not one of the organization's locations (its STORE location is %s)", uuid, store.UUID)
	case loc.Type != zettle.LocationStore:
		return fmt.Errorf("location %s is the %s location; tracked balances are kept only at the STORE location (%s) or, under Inventory API v3, another STORE inventory", uuid, loc.Type, store.UUID)
	}
	return nil
}

func allKnown(balances map[string]zettle.Quantity, variants []string) bool {
	for _, v := range variants {
		if _, ok := balances[v]; !ok {
			return false
		}
	}
	return true
}
