package zettle

// Location types. STORE is the only one whose balances are kept; SUPPLIER is an
// infinite source, SOLD and BIN are sinks.
const (
	LocationStore    = "STORE"
	LocationSupplier = "SUPPLIER"
	LocationSold     = "SOLD"
	LocationBin      = "BIN"
)

// LocationTypes lists every system location type.
var LocationTypes = []string{LocationStore, LocationSupplier, LocationSold, LocationBin}

// StartTracking is the only documented trackingStatusChange value.
const StartTracking = "START_TRACKING"

// Location is one of the organization's system locations.
type Location struct {
	UUID        string `json:"uuid"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Default     bool   `json:"default"`
}

// Locations are an organization's locations.
type Locations []Location

// ByType returns the location of type t: for STORE, of which Inventory API
// v3 allows several, the default one, or the first listed when none says it
// is.
func (ls Locations) ByType(t string) (Location, bool) {
	var found Location
	ok := false
	for _, l := range ls {
		if l.Type == t && (!ok || (l.Default && !found.Default)) {
			found, ok = l, true
		}
	}
	return found, ok
}

// ByUUID returns the location with the given UUID.
func (ls Locations) ByUUID(uuid string) (Location, bool) {
	for _, l := range ls {
		if l.UUID == uuid {
			return l, true
		}
	}
	return Location{}, false
}

// VariantBalance is one variant's balance at a location.
type VariantBalance struct {
	LocationUUID string   `json:"locationUuid,omitempty"`
	LocationType string   `json:"locationType,omitempty"`
	ProductUUID  string   `json:"productUuid"`
	VariantUUID  string   `json:"variantUuid"`
	Balance      Quantity `json:"balance"`
}

// LocationBalances answers a balance lookup. Only tracked products and
// non-zero variants are listed.
type LocationBalances struct {
	LocationUUID    string           `json:"locationUuid"`
	TrackedProducts []string         `json:"trackedProducts"`
	Variants        []VariantBalance `json:"variants"`
	Latest          int64            `json:"latest"`
}

// ProductBalances returns product's variant balances, keyed by variant UUID.
func (lb LocationBalances) ProductBalances(product string) map[string]Quantity {
	out := map[string]Quantity{}
	for _, v := range lb.Variants {
		if v.ProductUUID == product {
			out[v.VariantUUID] = v.Balance
		}
	}
	return out
}

// BulkRequest is the body of POST /organizations/self/v2/inventory/bulk.
type BulkRequest struct {
	ReturnBalanceForLocationUUID string          `json:"returnBalanceForLocationUuid,omitempty"`
	ProductChanges               []ProductChange `json:"productChanges"`
}

// movesStock reports whether r moves any stock, which makes it unsafe to
// repeat blindly.
func (r BulkRequest) movesStock() bool {
	for _, pc := range r.ProductChanges {
		if len(pc.VariantChanges) > 0 {
			return true
		}
	}
	return false
}

// ProductChange starts tracking a product and may move stock of its variants.
type ProductChange struct {
	ProductUUID          string          `json:"productUuid"`
	TrackingStatusChange string          `json:"trackingStatusChange,omitempty"`
	VariantChanges       []VariantChange `json:"variantChanges,omitempty"`
}

// VariantChange moves a positive quantity of a variant between locations.
type VariantChange struct {
	VariantUUID      string   `json:"variantUuid"`
	FromLocationUUID string   `json:"fromLocationUuid"`
	ToLocationUUID   string   `json:"toLocationUuid"`
	Change           Quantity `json:"change"`
}

// Movement is one entry of PUT /organizations/self/inventory.
type Movement struct {
	ProductUUID      string   `json:"productUuid"`
	VariantUUID      string   `json:"variantUuid"`
	FromLocationUUID string   `json:"fromLocationUuid"`
	ToLocationUUID   string   `json:"toLocationUuid"`
	Change           Quantity `json:"change"`
}

// MovementRequest is the body of PUT /organizations/self/inventory.
type MovementRequest struct {
	Changes                      []Movement `json:"changes"`
	ReturnBalanceForLocationUUID string     `json:"returnBalanceForLocationUuid,omitempty"`
	ExternalUUID                 string     `json:"externalUuid,omitempty"`
}

// ChangedBalances answers a stock movement: the resulting balances of the
// variants the request changed, at the requested location.
type ChangedBalances struct {
	LocationUUID string           `json:"locationUuid"`
	Variants     []VariantBalance `json:"variants"`
}

// ProductBalances returns product's changed variants, keyed by variant UUID.
func (cb ChangedBalances) ProductBalances(product string) map[string]Quantity {
	return LocationBalances{Variants: cb.Variants}.ProductBalances(product)
}
