package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
)

func (s *Server) routes() {
	// Each endpoint names the scope its token needs. Only these routes take
	// random faults (SetRandomFaults).
	const read, write = ScopeReadProduct, ScopeWriteProduct
	s.handle("GET /organizations/{org}/locations", read, listLocations)
	s.handle("POST /organizations/{org}/v2/inventory/bulk", write, bulkUpdate)
	s.handle("POST /organizations/{org}/inventory", write, startTrackingProduct)
	s.handle("DELETE /organizations/{org}/inventory/products/{product}", write, stopTracking)
	s.handle("GET /organizations/{org}/inventory/locations/{location}", read, balancesAtLocation)
	s.handle("GET /organizations/{org}/inventory/locations", read, balancesByType)
	// A balance lookup is a POST, but it reads.
	s.handle("POST /organizations/{org}/inventory/products", read, productBalances)
	s.handle("GET /organizations/{org}/inventory/locations/{location}/products/{product}", read, productBalancesAtLocation)
	s.handle("GET /organizations/{org}/inventory", read, storeBalances)
	s.handle("PUT /organizations/{org}/inventory", write, moveStock)
	// Low-stock paths name no organization: it is the token's.
	s.handle("PUT /custom-low-stock/locations/{location}", write, setLowStockLevel)
	s.handle("POST /custom-low-stock/locations/{location}", write, setLowStockLevels)
	s.handle("GET /custom-low-stock/v2/locations/{location}", read, lowStockAtLocation)
	s.handle("GET /custom-low-stock/v2/locations/{location}/products/{product}", read, lowStockOfProduct)
	s.handle("DELETE /custom-low-stock/locations/{location}/products/{product}/variants/{variant}", write, deleteLowStockLevel)
	s.handle("POST /custom-low-stock/locations/{location}/delete", write, deleteLowStockLevels)
	// The OAuth host's endpoint is served here too: point oauth_url at the
	// sandbox.
	s.mux.HandleFunc("POST /token", s.grantToken)
	s.v3routes()
	s.libraryEndpoints()
	s.pusherEndpoints()
	s.mux.HandleFunc("/", noEndpoint)
}

type location struct {
	UUID        string `json:"uuid"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Default     bool   `json:"default"`
}

// listLocations answers [] for a new organization, before tracking first
// starts.
func listLocations(o *Org, r *http.Request) (int, any, *httpError) {
	out := []location{}
	for _, t := range []string{Store, Bin, Sold, Supplier} {
		if uuid, ok := o.locations[t]; ok {
			out = append(out, location{UUID: uuid, Type: t, Name: t, Description: "System generated location ", Default: t == Store})
		}
	}
	start, end, next, herr := o.s.pageOf(r, len(out))
	if herr != nil {
		return 0, nil, herr
	}
	return http.StatusOK, paged{out[start:end], next}, nil
}

type bulkRequest struct {
	ReturnBalanceForLocationUUID string `json:"returnBalanceForLocationUuid"`
	ProductChanges               []struct {
		ProductUUID          string `json:"productUuid"`
		TrackingStatusChange string `json:"trackingStatusChange"`
		VariantChanges       []struct {
			VariantUUID      string      `json:"variantUuid"`
			FromLocationUUID string      `json:"fromLocationUuid"`
			ToLocationUUID   string      `json:"toLocationUuid"`
			Change           json.Number `json:"change"`
		} `json:"variantChanges"`
	} `json:"productChanges"`
}

type movementAnswer struct {
	LocationUUID string           `json:"locationUuid"`
	Variants     []changedBalance `json:"variants"`
}

// bulkUpdate starts tracking and moves stock. The request is validated
// whole before anything changes, so a bad entry changes nothing. The first
// START_TRACKING of a new organization creates its locations, then proceeds;
// the answer's locationUuid is then the new STORE location.
func bulkUpdate(o *Org, r *http.Request) (int, any, *httpError) {
	var req bulkRequest
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if req.ReturnBalanceForLocationUUID != "" {
		if herr := o.checkLocation("returnBalanceForLocationUuid", req.ReturnBalanceForLocationUUID); herr != nil {
			return 0, nil, herr
		}
	}
	if len(req.ProductChanges) == 0 {
		return 0, nil, badRequest("productChanges must not be empty")
	}
	if herr := o.checkFirstBulk(req); herr != nil {
		return 0, nil, herr
	}
	for _, pc := range req.ProductChanges {
		if herr := o.checkProduct(pc.ProductUUID); herr != nil {
			return 0, nil, herr
		}
		switch pc.TrackingStatusChange {
		case "START_TRACKING":
		case "":
			if len(pc.VariantChanges) > 0 && !o.tracked[pc.ProductUUID] {
				return 0, nil, badRequest("product %s is not tracked", pc.ProductUUID)
			}
		default:
			return 0, nil, badRequest("trackingStatusChange: unsupported value %q", pc.TrackingStatusChange)
		}
		for _, vc := range pc.VariantChanges {
			change, herr := decodeChange(vc.Change)
			if herr != nil {
				return 0, nil, herr
			}
			if herr := o.checkMove(pc.ProductUUID, vc.VariantUUID, vc.FromLocationUUID, vc.ToLocationUUID, change); herr != nil {
				return 0, nil, herr
			}
		}
	}
	o.createLocations()
	ret, _ := o.returnLocation(req.ReturnBalanceForLocationUUID)
	var changed []productVariant
	for _, pc := range req.ProductChanges {
		if pc.TrackingStatusChange == "START_TRACKING" {
			o.tracked[pc.ProductUUID] = true
		}
		for _, vc := range pc.VariantChanges {
			change, _ := decodeChange(vc.Change)
			o.move(r.Pattern, pc.ProductUUID, vc.VariantUUID, vc.FromLocationUUID, vc.ToLocationUUID, change)
			changed = append(changed, productVariant{pc.ProductUUID, vc.VariantUUID})
		}
	}
	o.concurrentSale(r, changed)
	return http.StatusOK, o.movementAnswer(ret, changed), nil
}

// checkFirstBulk refuses, for an organization without locations, a bulk
// request that could not create them or that moves stock. The documentation
// does not say whether stock can move in the request that creates the
// locations; the sandbox takes the reading hardest on clients: the request is
// refused whole (400), nothing is tracked and nothing moves, even if it
// names the UUIDs the locations are about to get.
func (o *Org) checkFirstBulk(req bulkRequest) *httpError {
	if o.hasLocations() {
		return nil
	}
	starts := false
	for _, pc := range req.ProductChanges {
		if len(pc.VariantChanges) > 0 {
			return badRequest("variantChanges of product %s: %s; start tracking without moving stock first", pc.ProductUUID, noLocations)
		}
		starts = starts || pc.TrackingStatusChange == "START_TRACKING"
	}
	if !starts {
		return badRequest("%s; this request starts none", noLocations)
	}
	return nil
}

type productVariant struct{ product, variant string }

// movementAnswer lists, once each, the final balances at location of the
// variants a request changed.
func (o *Org) movementAnswer(location string, changed []productVariant) movementAnswer {
	ans := movementAnswer{LocationUUID: location, Variants: []changedBalance{}}
	seen := map[productVariant]bool{}
	for _, pv := range changed {
		if !seen[pv] {
			seen[pv] = true
			b := o.balances[variantKey{location, pv.product, pv.variant}]
			ans.Variants = append(ans.Variants, changedBalance{pv.product, pv.variant, json.Number(formatBalance(b))})
		}
	}
	return ans
}

// returnLocation resolves returnBalanceForLocationUuid: STORE when omitted.
func (o *Org) returnLocation(uuid string) (string, *httpError) {
	if uuid == "" {
		return o.locations[Store], nil
	}
	return uuid, o.checkLocation("returnBalanceForLocationUuid", uuid)
}

func startTrackingProduct(o *Org, r *http.Request) (int, any, *httpError) {
	var req struct {
		ProductUUID string `json:"productUuid"`
	}
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if herr := o.checkProduct(req.ProductUUID); herr != nil {
		return 0, nil, herr
	}
	o.createLocations()
	o.tracked[req.ProductUUID] = true
	ans := o.lookup(o.locations[Store], []string{req.ProductUUID}, 0)
	return http.StatusOK, struct {
		LocationUUID string           `json:"locationUuid"`
		Variants     []variantBalance `json:"variants"`
	}{ans.LocationUUID, ans.Variants}, nil
}

func stopTracking(o *Org, r *http.Request) (int, any, *httpError) {
	product := r.PathValue("product")
	if herr := checkUUID("productUuid", product); herr != nil {
		return 0, nil, herr
	}
	if !o.tracked[product] {
		return 0, nil, notFound("product %s is not tracked", product)
	}
	o.tracked[product] = false
	return http.StatusNoContent, nil, nil
}

func balancesAtLocation(o *Org, r *http.Request) (int, any, *httpError) {
	loc := r.PathValue("location")
	if herr := o.checkLocation("locationUuid", loc); herr != nil {
		return 0, nil, herr
	}
	ans, herr := o.lookupPage(r, loc, nil, 0)
	return http.StatusOK, ans, herr
}

// locationOfType resolves a location type. An organization without
// locations has no location of any type: not found, a reading the
// documentation leaves open and the harder one for clients.
func (o *Org) locationOfType(t string) (string, *httpError) {
	if loc, ok := o.locations[t]; ok {
		return loc, nil
	}
	if !o.hasLocations() && slices.Contains([]string{Store, Supplier, Sold, Bin}, t) {
		return "", notFound("no %s location: %s", t, noLocations)
	}
	return "", badRequest("unknown location type %q: use STORE, SOLD, BIN or SUPPLIER", t)
}

func balancesByType(o *Org, r *http.Request) (int, any, *httpError) {
	loc, herr := o.locationOfType(r.URL.Query().Get("type"))
	if herr != nil {
		return 0, nil, herr
	}
	ans, herr := o.lookupPage(r, loc, nil, 0)
	return http.StatusOK, ans, herr
}

func productBalances(o *Org, r *http.Request) (int, any, *httpError) {
	var req struct {
		LocationType string   `json:"locationType"`
		ProductUUIDs []string `json:"productUuids"`
	}
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	loc, herr := o.locationOfType(req.LocationType)
	if herr != nil {
		return 0, nil, herr
	}
	if len(req.ProductUUIDs) == 0 {
		return 0, nil, badRequest("productUuids must not be empty")
	}
	for _, p := range req.ProductUUIDs {
		if herr := checkUUID("productUuids", p); herr != nil {
			return 0, nil, herr
		}
	}
	ans, herr := o.lookupPage(r, loc, req.ProductUUIDs, 0)
	return http.StatusOK, ans, herr
}

// productBalancesAtLocation has no trackedProducts: it cannot tell an
// untracked product from a tracked one without stock.
func productBalancesAtLocation(o *Org, r *http.Request) (int, any, *httpError) {
	loc, product := r.PathValue("location"), r.PathValue("product")
	if herr := o.checkLocation("locationUuid", loc); herr != nil {
		return 0, nil, herr
	}
	if herr := checkUUID("productUuid", product); herr != nil {
		return 0, nil, herr
	}
	ans := o.lookup(loc, []string{product}, 0)
	return http.StatusOK, struct {
		LocationUUID string           `json:"locationUuid"`
		Variants     []variantBalance `json:"variants"`
	}{ans.LocationUUID, ans.Variants}, nil
}

// storeBalances answers STORE balances; since narrows them to those changed
// after the "latest" of an earlier answer.
func storeBalances(o *Org, r *http.Request) (int, any, *httpError) {
	var since int64
	if raw := r.URL.Query().Get("since"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return 0, nil, badRequest("since: %q is not a non-negative integer", raw)
		}
		since = n
	}
	store, herr := o.locationOfType(Store)
	if herr != nil {
		return 0, nil, herr
	}
	ans, herr := o.lookupPage(r, store, nil, since)
	return http.StatusOK, ans, herr
}

func moveStock(o *Org, r *http.Request) (int, any, *httpError) {
	var req struct {
		Changes []struct {
			ProductUUID      string      `json:"productUuid"`
			VariantUUID      string      `json:"variantUuid"`
			FromLocationUUID string      `json:"fromLocationUuid"`
			ToLocationUUID   string      `json:"toLocationUuid"`
			Change           json.Number `json:"change"`
		} `json:"changes"`
		ReturnBalanceForLocationUUID string `json:"returnBalanceForLocationUuid"`
		ExternalUUID                 string `json:"externalUuid"`
	}
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	ret, herr := o.returnLocation(req.ReturnBalanceForLocationUUID)
	if herr != nil {
		return 0, nil, herr
	}
	if req.ExternalUUID != "" {
		if herr := checkUUID("externalUuid", req.ExternalUUID); herr != nil {
			return 0, nil, herr
		}
	}
	if len(req.Changes) == 0 {
		return 0, nil, badRequest("changes must not be empty")
	}
	for _, c := range req.Changes {
		change, herr := decodeChange(c.Change)
		if herr != nil {
			return 0, nil, herr
		}
		if herr := o.checkMove(c.ProductUUID, c.VariantUUID, c.FromLocationUUID, c.ToLocationUUID, change); herr != nil {
			return 0, nil, herr
		}
		if !o.tracked[c.ProductUUID] {
			return 0, nil, badRequest("product %s is not tracked", c.ProductUUID)
		}
	}
	var changed []productVariant
	for _, c := range req.Changes {
		change, _ := decodeChange(c.Change)
		o.move(r.Pattern, c.ProductUUID, c.VariantUUID, c.FromLocationUUID, c.ToLocationUUID, change)
		changed = append(changed, productVariant{c.ProductUUID, c.VariantUUID})
	}
	o.concurrentSale(r, changed)
	return http.StatusOK, o.movementAnswer(ret, changed), nil
}

// decodeChange reads a change exactly: a JSON number never goes through a
// float64 here, so the model keeps what the client sent. A missing change is
// 0, which checkMove refuses.
func decodeChange(n json.Number) (decimal.Decimal, *httpError) {
	if n == "" {
		return decimal.Decimal{}, nil
	}
	d, err := decimal.NewFromString(string(n))
	if err != nil {
		return decimal.Decimal{}, badRequest("change: %q is not a number", string(n))
	}
	return d, nil
}
