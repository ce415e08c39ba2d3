package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Org is one organization (merchant) of the sandbox. Its methods are the test
// controls: they change or read the model as the POS app or the back office
// would, without going through the API.
type Org struct {
	s         *Server
	UUID      string
	Token     string
	locations map[string]string // type → UUID
	// stores are the STORE inventories created through the v3 API beside
	// the default one, in the order created. The v2 endpoints do not see
	// them: v2 knows one STORE location.
	stores []inventory
	// futureLocations are the UUIDs a new organization's locations get
	// when tracking first starts (createLocations); nil once they exist.
	futureLocations map[string]string
	// products are the variants of each product of the library, product
	// UUID → variant UUIDs, which the inventory model checks against.
	products map[string]map[string]bool
	// library is the product library as its API answers it, by product
	// UUID; libraryOrder lists the products in the order added.
	library      map[string]*Product
	libraryOrder []string
	categories   map[string]Category // by UUID
	// deletedProducts are the products deleted through the API, as the
	// library answers them.
	deletedProducts []string
	// currency is the organization's, in which every price is.
	currency string
	// variantOf names the product of each variant of the library.
	variantOf map[string]string
	// subscriptions are the webhook subscriptions, in the order created;
	// unreachable are the destinations that answer nothing.
	subscriptions []Subscription
	unreachable   map[string]bool
	tracked       map[string]bool
	// balances are kept per location, product and variant, exactly.
	// SUPPLIER is an infinite source and keeps none.
	balances map[variantKey]decimal.Decimal
	// changedAt is the sequence number of each balance's last change.
	changedAt map[variantKey]int64
	seq       int64
	// updated is when each balance or low-stock setting last changed, as
	// v3 stock rows tell it.
	updated map[variantKey]time.Time
	// lowStock holds the settings that differ from the defaults.
	lowStock map[variantKey]LowStock
	// scopes are those of the static token; see OrgSpec.Scopes.
	scopes []string
	// movements is the ledger of every stock movement, in order.
	movements []InventoryMovement
}

// variantKey names a variant at a location.
type variantKey struct{ location, product, variant string }

// OrgSpec describes a new organization. Empty fields are generated.
type OrgSpec struct {
	Token     string
	UUID      string
	Locations map[string]string // type → UUID
	// Scopes are the OAuth scopes of the organization's static token (Token)
	// and the default of its API keys. Empty means both ScopeReadProduct and
	// ScopeWriteProduct.
	Scopes []string
	// NewOrganization creates the organization as a new merchant's is:
	// without locations. Zettle creates the four system locations when
	// inventory tracking first starts; until then the locations list is
	// empty. Locations, when set, are the UUIDs they get then.
	NewOrganization bool
	// Currency is the organization's currency (ISO 4217), in which every
	// price of its Product Library is; SEK when empty.
	Currency string
}

// AddOrganization creates an organization reached with spec.Token.
func (s *Server) AddOrganization(spec OrgSpec) *Org {
	o := &Org{
		s: s, UUID: spec.UUID, Token: spec.Token,
		locations: map[string]string{},
		products:  map[string]map[string]bool{},
		library:   map[string]*Product{}, categories: map[string]Category{}, variantOf: map[string]string{}, unreachable: map[string]bool{},
		tracked:   map[string]bool{},
		balances:  map[variantKey]decimal.Decimal{},
		changedAt: map[variantKey]int64{},
		updated:   map[variantKey]time.Time{},
		lowStock:  map[variantKey]LowStock{},
		scopes:    orgScopes(spec.Scopes),
		currency:  cmp.Or(spec.Currency, "SEK"),
	}
	if o.UUID == "" {
		o.UUID = newUUID()
	}
	if o.Token == "" {
		o.Token = "sandbox-" + newUUID()
	}
	o.futureLocations = map[string]string{}
	for _, t := range []string{Store, Supplier, Sold, Bin} {
		o.futureLocations[t] = spec.Locations[t]
		if o.futureLocations[t] == "" {
			o.futureLocations[t] = newUUID()
		}
	}
	if !spec.NewOrganization {
		o.createLocations()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[o.Token] = accessToken{org: o, scopes: copyScopes(o.scopes)}
	return o
}

// Location returns the UUID of the location of type t; "" while a new
// organization has no locations.
func (o *Org) Location(t string) string {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return o.locations[t]
}

// AddProduct adds a product with the given number of variants (1 to 99, as
// the Product Library allows; others panic) to the product library, and
// returns their UUIDs.
func (o *Org) AddProduct(variants int) (product string, variantUUIDs []string) {
	product = newUUID()
	for range variants {
		variantUUIDs = append(variantUUIDs, newUUID())
	}
	o.AddProductWithUUIDs(product, variantUUIDs...)
	return product, variantUUIDs
}

// AddProductWithUUIDs adds a product with known UUIDs to the product library,
// named after its place in the library ("Product 3", its variants "Variant
// 1", ...), with no SKU, barcode or price. It panics on a UUID that is not
// one or is taken: a test's mistake.
func (o *Org) AddProductWithUUIDs(product string, variants ...string) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	p := Product{UUID: product, Name: fmt.Sprintf("Product %d", len(o.libraryOrder)+1)}
	for i, v := range variants {
		p.Variants = append(p.Variants, Variant{UUID: v, Name: fmt.Sprintf("Variant %d", i+1)})
	}
	if _, err := o.addLibraryProduct(p); err != nil {
		panic(fmt.Sprintf("sandbox: AddProductWithUUIDs: %v", err))
	}
}

// IsTracked reports whether the product's inventory is tracked.
func (o *Org) IsTracked(product string) bool {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return o.tracked[product]
}

// Balance returns a variant's balance at the location of type t, whether or
// not the product is tracked (the saved level for an untracked one), as the
// nearest float64: BalanceExact gives it exactly.
func (o *Org) Balance(t, product, variant string) float64 {
	return o.BalanceExact(t, product, variant).InexactFloat64()
}

// BalanceExact returns a variant's balance at the location of type t, as
// Balance does, exactly.
func (o *Org) BalanceExact(t, product, variant string) decimal.Decimal {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return o.balances[variantKey{o.locations[t], product, variant}]
}

// SetTracking starts or stops tracking as the back office would. Starting
// it creates a new organization's locations, as any start does.
func (o *Org) SetTracking(product string, on bool) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if on {
		o.createLocations()
	}
	o.tracked[product] = on
}

// Sell records a sale in the POS app: qty moves from STORE to SOLD. A
// fraction moves as the decimal nearest to qty; SellExact moves one exactly.
func (o *Org) Sell(product, variant string, qty float64) error {
	return o.control(product, variant, Store, Sold, decimal.NewFromFloat(qty))
}

// SellExact is Sell of a quantity written as a decimal number ("0.3").
func (o *Org) SellExact(product, variant, qty string) error {
	d, err := decimal.NewFromString(qty)
	if err != nil {
		return fmt.Errorf("sell %q: %w", qty, err)
	}
	return o.control(product, variant, Store, Sold, d)
}

// Restock moves qty from SUPPLIER to STORE as the back office would. A
// fraction moves as the decimal nearest to qty; RestockExact moves one
// exactly.
func (o *Org) Restock(product, variant string, qty float64) error {
	return o.control(product, variant, Supplier, Store, decimal.NewFromFloat(qty))
}

// RestockExact is Restock of a quantity written as a decimal number ("0.3",
// "1e20").
func (o *Org) RestockExact(product, variant, qty string) error {
	d, err := decimal.NewFromString(qty)
	if err != nil {
		return fmt.Errorf("restock %q: %w", qty, err)
	}
	return o.control(product, variant, Supplier, Store, d)
}

func (o *Org) control(product, variant, from, to string, qty decimal.Decimal) error {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if err := o.checkMove(product, variant, o.locations[from], o.locations[to], qty); err != nil {
		return err
	}
	o.move(ControlRoute, product, variant, o.locations[from], o.locations[to], qty)
	return nil
}

// ControlRoute is the Route of the movements that test controls such as Sell
// and Restock make.
const ControlRoute = "control"

// Movement is one stock movement the model applied.
type Movement struct {
	// Product and Variant are UUIDs.
	Product, Variant string
	// From and To are location types: STORE, SUPPLIER, SOLD or BIN.
	From, To string
	// Quantity is the positive quantity moved, exactly.
	Quantity decimal.Decimal
	// Route is the endpoint pattern of the request that moved it, e.g.
	// "PUT /organizations/{org}/inventory", or ControlRoute for a test
	// control.
	Route string
}

// InventoryMovement is a Movement with the inventories (location UUIDs) it
// went between, which tell apart the STORE inventories of v3.
type InventoryMovement struct {
	Movement
	FromInventory, ToInventory string
}

// Movements returns a copy of the ledger of every stock movement applied to
// the organization, in the order applied: one entry per change in a request,
// including those of requests whose connection was then cut. Validation
// failures move nothing and record nothing.
func (o *Org) Movements() []Movement {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	out := make([]Movement, len(o.movements))
	for i, m := range o.movements {
		out[i] = m.Movement
	}
	return out
}

// InventoryMovements returns a copy of the ledger, as Movements does, with
// the inventory UUIDs of each movement.
func (o *Org) InventoryMovements() []InventoryMovement {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return slices.Clone(o.movements)
}

// BalanceAt returns a variant's balance at an inventory (a location UUID,
// any STORE inventory included), whether or not the product is tracked.
func (o *Org) BalanceAt(inventory, product, variant string) decimal.Decimal {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return o.balances[variantKey{strings.ToLower(inventory), strings.ToLower(product), strings.ToLower(variant)}]
}

// AddInventory creates a STORE inventory beside the default one, as the
// back office would, and returns its UUID. A new organization gets its
// system locations first.
func (o *Org) AddInventory(name, description string) string {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	o.createLocations()
	return o.addStore(name, description).UUID
}

// The rest of this file is the model itself; the caller holds o.s.mu.

// hasLocations reports whether the system locations exist: a new
// organization has none until tracking first starts.
func (o *Org) hasLocations() bool { return o.futureLocations == nil }

// createLocations creates the four system locations, once: Zettle does so
// when an organization first starts tracking.
func (o *Org) createLocations() {
	if o.hasLocations() {
		return
	}
	o.locations = o.futureLocations
	o.futureLocations = nil
}

// noLocations explains a request that needs a location, or a location
// type, of an organization that has none yet.
const noLocations = "the organization has no locations yet: they are created when inventory tracking first starts"

// locationType is the type of a system location, the only locations v2
// knows.
func (o *Org) locationType(uuid string) (string, bool) {
	for t, u := range o.locations {
		if u == uuid {
			return t, true
		}
	}
	return "", false
}

// inventoryType is the type of any inventory: a system location or a STORE
// inventory created through v3.
func (o *Org) inventoryType(uuid string) (string, bool) {
	if t, ok := o.locationType(uuid); ok {
		return t, true
	}
	for _, inv := range o.stores {
		if inv.UUID == uuid {
			return Store, true
		}
	}
	return "", false
}

func (o *Org) checkLocation(field, uuid string) *httpError {
	if herr := checkUUID(field, uuid); herr != nil {
		return herr
	}
	if _, ok := o.locationType(uuid); !ok {
		if !o.hasLocations() {
			return badRequest("%s: unknown location %s (%s)", field, uuid, noLocations)
		}
		return badRequest("%s: unknown location %s", field, uuid)
	}
	return nil
}

func (o *Org) checkProduct(product string) *httpError {
	if herr := checkUUID("productUuid", product); herr != nil {
		return herr
	}
	if o.products[product] == nil {
		return notFound("product %s does not exist in the product library", product)
	}
	return nil
}

// checkVariant checks that variant is a variant of a product in the
// product library.
func (o *Org) checkVariant(product, variant string) *httpError {
	if herr := o.checkProduct(product); herr != nil {
		return herr
	}
	if herr := checkUUID("variantUuid", variant); herr != nil {
		return herr
	}
	if !o.products[product][variant] {
		return badRequest("variant %s is not a variant of product %s", variant, product)
	}
	return nil
}

// checkMove validates one stock movement. Tracking is checked by the caller,
// since a bulk request may start it in the same request.
func (o *Org) checkMove(product, variant, from, to string, change decimal.Decimal) *httpError {
	return o.checkMoveBetween(o.checkLocation, "fromLocationUuid", "toLocationUuid", product, variant, from, to, change)
}

// checkMoveBetween validates one stock movement whose locations checkPlace
// knows, naming them fromField and toField.
func (o *Org) checkMoveBetween(checkPlace func(field, uuid string) *httpError, fromField, toField, product, variant, from, to string, change decimal.Decimal) *httpError {
	if herr := o.checkVariant(product, variant); herr != nil {
		return herr
	}
	if herr := checkPlace(fromField, from); herr != nil {
		return herr
	}
	if herr := checkPlace(toField, to); herr != nil {
		return herr
	}
	if from == to {
		return badRequest("%s and %s are both %s", fromField, toField, from)
	}
	if change.Sign() <= 0 {
		return badRequest("change must be positive, got %s", formatBalance(change))
	}
	return nil
}

// move moves qty of a variant between locations (by UUID), and records the
// movement in the ledger with the route that made it.
func (o *Org) move(route, product, variant, from, to string, qty decimal.Decimal) {
	fromType, _ := o.inventoryType(from)
	toType, _ := o.inventoryType(to)
	o.movements = append(o.movements, InventoryMovement{
		Movement:      Movement{Product: product, Variant: variant, From: fromType, To: toType, Quantity: qty, Route: route},
		FromInventory: from, ToInventory: to,
	})
	o.seq++
	now := time.Now()
	for _, loc := range []string{from, to} {
		if t, _ := o.inventoryType(loc); t == Supplier {
			continue
		}
		k := variantKey{loc, product, variant}
		if loc == from {
			o.balances[k] = o.balances[k].Sub(qty)
		} else {
			o.balances[k] = o.balances[k].Add(qty)
		}
		o.changedAt[k] = o.seq
		o.updated[k] = now
	}
}

// variantBalance is a balance as lookups answer it: a JSON string.
type variantBalance struct {
	LocationUUID string `json:"locationUuid"`
	LocationType string `json:"locationType"`
	ProductUUID  string `json:"productUuid"`
	VariantUUID  string `json:"variantUuid"`
	Balance      string `json:"balance"`
}

// changedBalance is a balance as movement answers give it: a JSON number,
// written exactly.
type changedBalance struct {
	ProductUUID string      `json:"productUuid"`
	VariantUUID string      `json:"variantUuid"`
	Balance     json.Number `json:"balance"`
}

type lookupAnswer struct {
	LocationUUID    string           `json:"locationUuid"`
	TrackedProducts []string         `json:"trackedProducts"`
	Variants        []variantBalance `json:"variants"`
	Latest          int64            `json:"latest"`
}

// lookup answers the tracked products among products (all when nil) and
// their non-zero balances at location, changed after sequence number since.
func (o *Org) lookup(location string, products []string, since int64) lookupAnswer {
	t, _ := o.locationType(location)
	ans := lookupAnswer{LocationUUID: location, TrackedProducts: []string{}, Variants: []variantBalance{}, Latest: o.seq}
	if products == nil {
		products = slices.Sorted(maps.Keys(o.products))
	}
	seen := map[string]bool{}
	for _, p := range products {
		if !o.tracked[p] || seen[p] {
			continue
		}
		seen[p] = true
		ans.TrackedProducts = append(ans.TrackedProducts, p)
		for _, v := range slices.Sorted(maps.Keys(o.products[p])) {
			k := variantKey{location, p, v}
			if b := o.balances[k]; !b.IsZero() && o.changedAt[k] > since {
				ans.Variants = append(ans.Variants, variantBalance{location, t, p, v, formatBalance(b)})
			}
		}
	}
	return ans
}

// formatBalance writes b exactly, without an exponent or trailing zeros.
func formatBalance(b decimal.Decimal) string {
	if b.IsZero() {
		return "0"
	}
	places := int32(0)
	for !b.Equal(b.Truncate(places)) {
		places++
	}
	return b.StringFixed(places)
}

// String names the organization in test failures.
func (o *Org) String() string { return fmt.Sprintf("organization %s", o.UUID) }
