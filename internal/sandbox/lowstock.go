package sandbox

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LowStock is a variant's low-stock setting at a location. The defaults, no
// level and no alert, are no setting at all.
type LowStock struct {
	Level *float64
	Alert bool
}

// clone copies the level, so that the model shares no memory with callers.
func (ls LowStock) clone() LowStock {
	if ls.Level != nil {
		level := *ls.Level
		ls.Level = &level
	}
	return ls
}

// LowStock returns a variant's setting at a location (by UUID); false when
// it has none.
func (o *Org) LowStock(location, product, variant string) (LowStock, bool) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	ls, ok := o.lowStock[variantKey{location, product, variant}]
	return ls.clone(), ok
}

// SetLowStock changes a variant's setting as the back office would: the
// defaults delete it.
func (o *Org) SetLowStock(location, product, variant string, ls LowStock) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	o.setLowStock(variantKey{location, product, variant}, ls)
}

// LowStockCount counts the settings across all locations.
func (o *Org) LowStockCount() int {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return len(o.lowStock)
}

// setLowStock stores a setting; as the API does, it deletes one equal to the
// defaults. The caller holds o.s.mu.
func (o *Org) setLowStock(k variantKey, ls LowStock) {
	if _, had := o.lowStock[k]; had || ls.Level != nil || ls.Alert {
		o.updated[k] = time.Now()
	}
	if ls.Level == nil && !ls.Alert {
		delete(o.lowStock, k)
		return
	}
	o.lowStock[k] = ls.clone()
}

// lowStockLevel is written as a JSON float with a decimal point (5.0), as the
// API writes levels, so that clients meet the form the service sends.
type lowStockLevel float64

func (l lowStockLevel) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(l), 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return []byte(s), nil
}

type lowStockVariant struct {
	VariantUUID         string         `json:"variantUuid"`
	CustomLowStockLevel *lowStockLevel `json:"customLowStockLevel"`
	LowStockAlert       bool           `json:"lowStockAlert"`
}

type lowStockProduct struct {
	ProductUUID string            `json:"productUuid"`
	Variants    []lowStockVariant `json:"customLowStockLevelForVariants"`
}

// lowStockAt lists the settings at location, sorted by product and variant:
// those of product, or of every product when product is "". Products
// without settings are left out.
func (o *Org) lowStockAt(location, product string) []lowStockProduct {
	var keys []variantKey
	for k := range o.lowStock {
		if k.location == location && (product == "" || k.product == product) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b variantKey) int {
		return cmp.Or(strings.Compare(a.product, b.product), strings.Compare(a.variant, b.variant))
	})
	out := []lowStockProduct{}
	for _, k := range keys {
		if len(out) == 0 || out[len(out)-1].ProductUUID != k.product {
			out = append(out, lowStockProduct{ProductUUID: k.product})
		}
		ls := o.lowStock[k].clone()
		last := &out[len(out)-1]
		last.Variants = append(last.Variants, lowStockVariant{k.variant, (*lowStockLevel)(ls.Level), ls.Alert})
	}
	return out
}

// lowStockLocation is the location in the path. Unlike a location in a body,
// an unknown one is not found.
func (o *Org) lowStockLocation(r *http.Request) (string, *httpError) {
	loc := r.PathValue("location")
	if herr := checkUUID("locationUuid", loc); herr != nil {
		return "", herr
	}
	if _, ok := o.locationType(loc); !ok {
		if !o.hasLocations() {
			return "", notFound("location %s does not exist: %s", loc, noLocations)
		}
		return "", notFound("location %s does not exist", loc)
	}
	return loc, nil
}

func lowStockAtLocation(o *Org, r *http.Request) (int, any, *httpError) {
	loc, herr := o.lowStockLocation(r)
	if herr != nil {
		return 0, nil, herr
	}
	products := o.lowStockAt(loc, "")
	start, end, next, herr := o.s.pageOf(r, len(products))
	if herr != nil {
		return 0, nil, herr
	}
	return http.StatusOK, paged{etagged{struct {
		OrganizationUUID string            `json:"organizationUuid"`
		LocationUUID     string            `json:"locationUuid"`
		Products         []lowStockProduct `json:"customLowStockLevelsForProducts"`
	}{o.UUID, loc, products[start:end]}, ""}, next}, nil
}

func lowStockOfProduct(o *Org, r *http.Request) (int, any, *httpError) {
	loc, herr := o.lowStockLocation(r)
	if herr != nil {
		return 0, nil, herr
	}
	product := r.PathValue("product")
	if herr := o.checkProduct(product); herr != nil {
		return 0, nil, herr
	}
	ans := lowStockProduct{ProductUUID: product, Variants: []lowStockVariant{}}
	if list := o.lowStockAt(loc, product); len(list) == 1 {
		ans = list[0]
	}
	// One product's answer is a list of its variants: it pages them.
	start, end, next, herr := o.s.pageOf(r, len(ans.Variants))
	if herr != nil {
		return 0, nil, herr
	}
	ans.Variants = ans.Variants[start:end]
	return http.StatusOK, paged{etagged{ans, ""}, next}, nil
}

type variantRef struct {
	ProductUUID string `json:"productUuid"`
	VariantUUID string `json:"variantUuid"`
}

type lowStockRequest struct {
	variantRef
	LowStockLevel *float64 `json:"lowStockLevel"`
	// A missing lowStockAlert is false.
	LowStockAlert bool `json:"lowStockAlert"`
}

// decodeRequests reads a {"requests":[...]} body, which must list some.
func decodeRequests[T any](r *http.Request) ([]T, *httpError) {
	var req struct {
		Requests []T `json:"requests"`
	}
	if herr := decode(r, &req); herr != nil {
		return nil, herr
	}
	if len(req.Requests) == 0 {
		return nil, badRequest("requests must not be empty")
	}
	return req.Requests, nil
}

func setLowStockLevel(o *Org, r *http.Request) (int, any, *httpError) {
	var req lowStockRequest
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	return http.StatusNoContent, nil, o.changeLowStock(r, []lowStockRequest{req})
}

func setLowStockLevels(o *Org, r *http.Request) (int, any, *httpError) {
	reqs, herr := decodeRequests[lowStockRequest](r)
	if herr != nil {
		return 0, nil, herr
	}
	return http.StatusNoContent, nil, o.changeLowStock(r, reqs)
}

func deleteLowStockLevel(o *Org, r *http.Request) (int, any, *httpError) {
	return o.deleteLowStock(r, []variantRef{{r.PathValue("product"), r.PathValue("variant")}})
}

func deleteLowStockLevels(o *Org, r *http.Request) (int, any, *httpError) {
	refs, herr := decodeRequests[variantRef](r)
	if herr != nil {
		return 0, nil, herr
	}
	return o.deleteLowStock(r, refs)
}

// deleteLowStock sets the variants back to the defaults, which deletes their
// settings, whether or not they had any.
func (o *Org) deleteLowStock(r *http.Request, refs []variantRef) (int, any, *httpError) {
	reqs := make([]lowStockRequest, len(refs))
	for i, ref := range refs {
		reqs[i].variantRef = ref
	}
	return http.StatusAccepted, nil, o.changeLowStock(r, reqs)
}

// changeLowStock applies settings at the location in the path. The requests
// are validated whole before anything changes, so a bad one changes nothing.
func (o *Org) changeLowStock(r *http.Request, reqs []lowStockRequest) *httpError {
	loc, herr := o.lowStockLocation(r)
	if herr != nil {
		return herr
	}
	for _, req := range reqs {
		if herr := o.checkVariant(req.ProductUUID, req.VariantUUID); herr != nil {
			return herr
		}
		if req.LowStockLevel != nil && *req.LowStockLevel < 0 {
			return badRequest("lowStockLevel must not be negative, got %s", strconv.FormatFloat(*req.LowStockLevel, 'f', -1, 64))
		}
	}
	for _, req := range reqs {
		o.setLowStock(variantKey{loc, req.ProductUUID, req.VariantUUID}, LowStock{req.LowStockLevel, req.LowStockAlert})
	}
	return nil
}
