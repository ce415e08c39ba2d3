package zettle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// Inventory API versions a Client can speak. Under APIVersionAuto, the
// default, the client asks the service once which it answers.
const (
	APIVersionAuto = "auto"
	APIVersionV2   = "v2"
	APIVersionV3   = "v3"
)

// APIVersions lists the values Config.APIVersion takes.
var APIVersions = []string{APIVersionAuto, APIVersionV2, APIVersionV3}

// inventoryAPI is one version of the Inventory API on the wire. The stock
// rules (StartTracking, StopTracking, the reads) speak only to it; each
// method is one request, or the pages of one, unless it says otherwise.
type inventoryAPI interface {
	version() string
	// locations lists the organization's locations (v3: inventories).
	locations(ctx context.Context) (Locations, error)
	// startMovesStock reports whether a start can move stock in the same
	// request, on the assumption that the variants start from zero.
	startMovesStock() bool
	// start starts tracking products at a STORE location, moving the stock
	// of each change when startMovesStock. It returns each product's
	// resulting balances, nil when the answer gives none.
	start(ctx context.Context, location string, changes []ProductChange) ([]map[string]Quantity, error)
	// firstStart starts tracking in an organization without locations,
	// which creates them, and returns for each change the STORE location
	// the answer names; "" when it names none.
	firstStart(ctx context.Context, changes []ProductChange) ([]string, error)
	// lookup tells whether products are tracked, and the balances at a
	// STORE location of those that are.
	lookup(ctx context.Context, location string, products []string) ([]ProductInventory, error)
	// balanceReads reads the balances at a STORE location of tracked
	// products, without asking whether they are tracked where that takes
	// a request of its own (v3).
	balanceReads(ctx context.Context, location string, products []string) ([]map[string]Quantity, error)
	// move moves stock, and returns each product's resulting balances at
	// location; nil when the answer gives none.
	move(ctx context.Context, location string, perProduct [][]Movement) ([]map[string]Quantity, error)
	// bulkStops reports whether stop takes several products in one request.
	bulkStops() bool
	// stop stops tracking products; one that is not tracked counts as done.
	stop(ctx context.Context, products []string) error
	// storeBalances looks up every tracked product's balances at a STORE
	// location, for the reads that share it.
	storeBalances(ctx context.Context, location string) (LocationBalances, error)
	// trackedProducts lists every tracked product, with its balances at a
	// STORE location, for a listing that moves nothing (terraform query).
	trackedProducts(ctx context.Context, location string) (LocationBalances, error)
	// balances looks up balances at any location: of every tracked product
	// when products is nil, else of those listed.
	balances(ctx context.Context, location Location, products []string) (LocationBalances, error)
	setLowStock(ctx context.Context, location string, settings []LowStock) error
	resetLowStock(ctx context.Context, location string, variants []VariantRef) error
	// readsUntrackedLowStock reports whether lowStock shows the settings of
	// products that are not tracked (v2); v3 reads them from stock rows,
	// which list tracked products only.
	readsUntrackedLowStock() bool
	// lowStock reads the low-stock settings at a location: of every product
	// when product is "", else of that one.
	lowStock(ctx context.Context, location, product string) ([]LowStock, error)
}

// api returns the version of the Inventory API this client speaks, asking
// the service once when the configuration leaves it to the client.
func (c *Client) api(ctx context.Context) (inventoryAPI, error) {
	return c.versions.Get(ctx, struct{}{})
}

// APIVersion returns the Inventory API version this client speaks, v2 or v3,
// asking the service first under APIVersionAuto.
func (c *Client) APIVersion(ctx context.Context) (string, error) {
	api, err := c.api(ctx)
	if err != nil {
		return "", err
	}
	return api.version(), nil
}

// chooseAPI settles the version. Under APIVersionAuto it lists the v3
// inventories: an answer means v3, and the list is kept as the
// organization's locations, so the choice costs no request; a 404 means a
// service without v3, so v2.
func (c *Client) chooseAPI(ctx context.Context, _ struct{}) (inventoryAPI, error) {
	switch c.apiVersion {
	case APIVersionV2:
		return &v2API{c}, nil
	case APIVersionV3:
		return &v3API{c}, nil
	}
	v3 := &v3API{c}
	locs, err := v3.locations(ctx)
	var chosen inventoryAPI = v3
	switch {
	case err == nil:
		c.probed.keep(locs)
	case StatusOf(err) == http.StatusNotFound:
		chosen = &v2API{c}
	default:
		return nil, fmt.Errorf("finding out which Inventory API version the service answers: %w", err)
	}
	c.logf(ctx, "Chose the Inventory API version the service answers", map[string]any{"api_version": chosen.version(), "probed": "GET /v3/inventories"})
	return chosen, nil
}

// probedLocations is the list of locations the version probe got, until
// the first listing takes it.
type probedLocations struct {
	mu   sync.Mutex
	locs Locations
	kept bool
}

func (p *probedLocations) keep(locs Locations) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.locs, p.kept = locs, true
}

func (p *probedLocations) take() (Locations, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	locs, kept := p.locs, p.kept
	p.locs, p.kept = nil, false
	return locs, kept
}

// VersionNotServedError is a listing of locations that the service answered
// with 404 under a version chosen in the configuration: it does not serve
// that version of the Inventory API there.
type VersionNotServedError struct {
	// Version is the one configured, v2 or v3; "v2 or v3" when the
	// service answered neither.
	Version string
	Err     error
}

func (e *VersionNotServedError) Error() string {
	return fmt.Sprintf("%v: the service does not answer Inventory API %s", e.Err, e.Version)
}

func (e *VersionNotServedError) Unwrap() error { return e.Err }

// notServed turns the 404 of a listing of locations into a
// *VersionNotServedError.
func notServed(version string, err error) error {
	var already *VersionNotServedError
	if StatusOf(err) != http.StatusNotFound || errors.As(err, &already) {
		return err
	}
	return &VersionNotServedError{Version: version, Err: err}
}

// v3Only is the error of an operation that only Inventory API v3 has.
func (c *Client) v3Only(ctx context.Context, op string) (*v3API, error) {
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	v3, ok := api.(*v3API)
	if !ok {
		return nil, &V3OnlyError{Operation: op}
	}
	return v3, nil
}

// V3OnlyError is an operation that only Inventory API v3 has, asked of a
// client that speaks v2.
type V3OnlyError struct {
	Operation string
}

func (e *V3OnlyError) Error() string {
	return fmt.Sprintf("%s: only Inventory API v3 has this, and the client speaks v2", e.Operation)
}
