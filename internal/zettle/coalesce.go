package zettle

import (
	"context"
	"net/http"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/batch"
)

// Batching says how the client coalesces the calls that Terraform makes
// concurrently, one per resource, into fewer requests.
type Batching struct {
	// Enabled coalesces writes into bulk requests and serves reads from one
	// shared location-wide lookup. Disabled, every call is its own request.
	Enabled bool
	// MaxWait is how long the first call of a batch waits for others.
	MaxWait time.Duration
	// Quiet, when above zero, sends a batch sooner, once no call has joined
	// it for that long.
	Quiet time.Duration
	// MaxSize caps the products or variants in one request.
	MaxSize int
}

// Defaults of Batching. Terraform runs at most -parallelism (10) operations
// at once, and the next ones start within milliseconds of a batch's answer,
// close together: a batch that has heard of no new call for DefaultBatchQuiet
// has most likely heard of them all.
const (
	DefaultBatchMaxWait = 20 * time.Millisecond
	DefaultBatchQuiet   = 2 * time.Millisecond
	DefaultBatchMaxSize = 100
)

// DefaultBatching is batching on, with the defaults.
var DefaultBatching = Batching{Enabled: true, MaxWait: DefaultBatchMaxWait, Quiet: DefaultBatchQuiet, MaxSize: DefaultBatchMaxSize}

// coalescer holds the batchers and shared reads of one Client. Each batcher
// sends a lone call through the same endpoint a single call would use.
type coalescer struct {
	enabled bool

	// starts starts tracking in one request per STORE location; each
	// caller gets its product's changed balances, when the answer has them.
	starts *batch.Batcher[string, ProductChange, map[string]Quantity]
	// firstStarts sends the tracking-only starts of an organization without
	// locations in one request; each caller gets the STORE location the
	// answer names, if it names one.
	firstStarts *batch.Batcher[struct{}, ProductChange, string]
	// lookups asks for the tracking state and balances of several products
	// at once, by STORE location; each caller gets its product's.
	lookups *batch.Batcher[string, string, ProductInventory]
	// moves sends the stock movements of several products in one request,
	// by location they return balances for.
	moves *batch.Batcher[string, []Movement, map[string]Quantity]
	// balanceReads reads the balances of tracked products, by STORE
	// location, without asking whether they are tracked.
	balanceReads *batch.Batcher[string, string, map[string]Quantity]
	// stops stops tracking several products in one request, where the
	// API version can.
	stops *batch.Batcher[struct{}, string, struct{}]

	// productDeletes deletes several products of the Product Library in
	// one request.
	productDeletes *batch.Batcher[struct{}, string, struct{}]

	lowStockSets    *batch.Batcher[string, LowStock, struct{}]
	lowStockDeletes *batch.Batcher[string, VariantRef, struct{}]

	// inventory is the location-wide balance lookup, by STORE location,
	// shared by reads until a change invalidates it.
	inventory *batch.Shared[string, inventorySnapshot]
	// lowStock is every low-stock setting of a location, by location UUID.
	lowStock *batch.Shared[string, lowStockSnapshot]
}

func newCoalescer(c *Client, cfg Batching) *coalescer {
	// A batch waits for its turn under the rate limit while it fills.
	bc := batch.Config{MaxWait: cfg.MaxWait, Quiet: cfg.Quiet, MaxSize: cfg.MaxSize, Admit: c.limits.admit}
	if !cfg.Enabled {
		bc.MaxSize = 1
	}
	byProduct := func(pc ProductChange) string { return pc.ProductUUID }
	return &coalescer{
		enabled: cfg.Enabled,
		starts:  batch.New(bc, viaAPI(c, inventoryAPI.start), refusedWhole, byProduct),
		firstStarts: batch.New(bc, viaAPI(c, func(api inventoryAPI, ctx context.Context, _ struct{}, changes []ProductChange) ([]string, error) {
			return api.firstStart(ctx, changes)
		}), refusedWhole, byProduct),
		lookups:      batch.New(bc, viaAPI(c, inventoryAPI.lookup), refusedWhole, nil),
		moves:        batch.New(bc, viaAPI(c, inventoryAPI.move), refusedWhole, func(m []Movement) string { return m[0].ProductUUID }),
		balanceReads: batch.New(bc, viaAPI(c, inventoryAPI.balanceReads), refusedWhole, nil),
		stops: batch.New(bc, viaAPI(c, func(api inventoryAPI, ctx context.Context, _ struct{}, products []string) ([]struct{}, error) {
			return answered(products, api.stop(ctx, products))
		}), refusedWhole, nil),
		lowStockSets: batch.New(bc, viaAPI(c, func(api inventoryAPI, ctx context.Context, location string, settings []LowStock) ([]struct{}, error) {
			return answered(settings, api.setLowStock(ctx, location, settings))
		}), refusedWhole, func(s LowStock) string { return s.ProductUUID + "/" + s.VariantUUID }),
		lowStockDeletes: batch.New(bc, viaAPI(c, func(api inventoryAPI, ctx context.Context, location string, variants []VariantRef) ([]struct{}, error) {
			return answered(variants, api.resetLowStock(ctx, location, variants))
		}), refusedWhole, nil),
		productDeletes: batch.New(bc, c.deleteProducts, refusedWhole, func(id string) string { return id }),
		inventory:      batch.NewShared(c.fetchInventory),
		lowStock:       batch.NewShared(c.fetchLowStock),
	}
}

// refusedWhole reports whether the API refused a request as a whole, having
// changed nothing, for a reason that may lie with one of its items: a 4xx
// other than those that would refuse each item alone just the same
// (authentication, scope, rate limit). Only then is a failed batch resent
// item by item; after a 5xx or a lost answer the request may have been
// applied, and stock must never move twice.
func refusedWhole(err error) bool {
	switch status := StatusOf(err); status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	default:
		return status >= 400 && status < 500
	}
}

// viaAPI makes a batch's send go through the adapter of the API version
// the client speaks.
func viaAPI[K comparable, I, R any](c *Client, send func(api inventoryAPI, ctx context.Context, key K, items []I) ([]R, error)) batch.SendFunc[K, I, R] {
	return func(ctx context.Context, key K, items []I) ([]R, error) {
		api, err := c.api(ctx)
		if err != nil {
			return nil, err
		}
		return send(api, ctx, key, items)
	}
}

// answered is the outcome of a batch whose items get nothing back but err.
func answered[I any](items []I, err error) ([]struct{}, error) {
	return make([]struct{}, len(items)), err
}

// inventorySnapshot is one location-wide balance lookup, indexed.
type inventorySnapshot struct {
	location string
	tracked  map[string]bool
	balances map[string]map[string]Quantity // product → variant → balance
}

func (c *Client) fetchInventory(ctx context.Context, location string) (inventorySnapshot, error) {
	api, err := c.api(ctx)
	if err != nil {
		return inventorySnapshot{}, err
	}
	answer, err := api.storeBalances(ctx, location)
	if err != nil {
		return inventorySnapshot{}, err
	}
	return indexInventory(answer), nil
}

func indexInventory(lb LocationBalances) inventorySnapshot {
	s := inventorySnapshot{location: lb.LocationUUID, tracked: map[string]bool{}, balances: map[string]map[string]Quantity{}}
	for _, p := range lb.TrackedProducts {
		s.tracked[p] = true
	}
	for _, v := range lb.Variants {
		if s.balances[v.ProductUUID] == nil {
			s.balances[v.ProductUUID] = map[string]Quantity{}
		}
		s.balances[v.ProductUUID][v.VariantUUID] = v.Balance
	}
	return s
}

// product returns one product's inventory, with a map of its own.
func (s inventorySnapshot) product(product string) ProductInventory {
	balances := make(map[string]Quantity, len(s.balances[product]))
	for v, q := range s.balances[product] {
		balances[v] = q
	}
	return ProductInventory{LocationUUID: s.location, Tracked: s.tracked[product], Balances: balances}
}

// products returns the inventories of products, in order.
func (s inventorySnapshot) products(products []string) []ProductInventory {
	out := make([]ProductInventory, len(products))
	for i, p := range products {
		out[i] = s.product(p)
	}
	return out
}

// lowStockSnapshot is every low-stock setting of a location, by variant.
type lowStockSnapshot map[VariantRef]LowStock

func (c *Client) fetchLowStock(ctx context.Context, location string) (lowStockSnapshot, error) {
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	settings, err := api.lowStock(ctx, location, "")
	if err != nil {
		return nil, err
	}
	out := make(lowStockSnapshot, len(settings))
	for _, s := range settings {
		out[VariantRef{s.ProductUUID, s.VariantUUID}] = s
	}
	return out, nil
}

// ProductInventory is a product's tracking state and balances at a STORE
// location.
type ProductInventory struct {
	Tracked bool
	// LocationUUID is the STORE location, as the answer names it.
	LocationUUID string
	// Balances holds the non-zero balances, by variant UUID.
	Balances map[string]Quantity
}

// ProductInventory reads a product's tracking state and its balances at a
// STORE location; "" is the default STORE location. With batching, every
// read shares one location-wide lookup until the client changes tracking or
// stock; otherwise each read asks for its product alone.
//
// Tracked is false only when the per-product lookup says so (ConfirmTracking):
// a product missing from the shared location-wide lookup may only have been
// left out of it, as a listing cut short would leave it out, and under v3 it
// lists no product without stock.
func (c *Client) ProductInventory(ctx context.Context, location, product string) (ProductInventory, error) {
	location, err := c.storeOr(ctx, location)
	if err != nil {
		return ProductInventory{}, err
	}
	if c.batch.enabled {
		s, err := c.batch.inventory.Get(ctx, location)
		if err != nil || s.tracked[product] {
			return s.product(product), err
		}
	}
	return c.ConfirmTracking(ctx, location, product)
}

// ConfirmTracking asks the API whether a product is tracked, and for its
// balances at a STORE location ("" is the default one), with the
// per-product lookup, which reports trackedProducts (the per-product GET
// cannot tell an untracked product from a tracked one without stock). With
// batching, the confirmations asked for at the same time go out as one
// lookup.
func (c *Client) ConfirmTracking(ctx context.Context, location, product string) (ProductInventory, error) {
	location, err := c.storeOr(ctx, location)
	if err != nil {
		return ProductInventory{}, err
	}
	inv, err := c.batch.lookups.Do(ctx, location, product)
	if err != nil {
		return ProductInventory{}, err
	}
	return inv, nil
}

// VariantLowStock reads a variant's low-stock setting at a location; found is
// false when the variant has the defaults. With batching, every read shares
// one location-wide read until the client changes a setting there.
func (c *Client) VariantLowStock(ctx context.Context, location string, v VariantRef) (s LowStock, found bool, err error) {
	if c.batch.enabled {
		all, err := c.batch.lowStock.Get(ctx, location)
		s, found = all[v]
		return s, found, err
	}
	api, err := c.api(ctx)
	if err != nil {
		return LowStock{}, false, err
	}
	settings, err := api.lowStock(ctx, location, v.ProductUUID)
	for _, s := range settings {
		if s.VariantUUID == v.VariantUUID {
			return s, true, err
		}
	}
	return LowStock{}, false, err
}

// LowStockReadable reports whether the low-stock settings of a product at
// a location can be read back. Under v2 they always can. Under v3 they are
// read from the stock rows, which list tracked products only: a product
// that is not tracked has settings no read shows.
func (c *Client) LowStockReadable(ctx context.Context, location, product string) (bool, error) {
	api, err := c.api(ctx)
	if err != nil || api.readsUntrackedLowStock() {
		return true, err
	}
	inv, err := c.ConfirmTracking(ctx, location, product)
	return inv.Tracked, err
}

// ApplyLowStock sets a variant's low-stock setting at a location, in one
// request with others made at the same time when batching is on.
func (c *Client) ApplyLowStock(ctx context.Context, location string, s LowStock) error {
	_, err := c.batch.lowStockSets.Do(ctx, location, s)
	return err
}

// ResetLowStock sets a variant back to the low-stock defaults, in one request
// with others made at the same time when batching is on.
func (c *Client) ResetLowStock(ctx context.Context, location string, v VariantRef) error {
	_, err := c.batch.lowStockDeletes.Do(ctx, location, v)
	return err
}
