package sandbox

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// v3routes registers Inventory API v3. The organization is the token's: no
// path names it. The endpoints work on the same model as v2's.
func (s *Server) v3routes() {
	const read, write = ScopeReadProduct, ScopeWriteProduct
	s.handle("GET /v3/inventories", read, listInventories)
	s.handle("GET /v3/inventories/{inventory}", read, getInventory)
	s.handle("POST /v3/inventories", write, createInventory)
	s.handle("GET /v3/stock", read, stockOfStores)
	s.handle("GET /v3/stock/{inventory}", read, stockOfInventory)
	s.handle("GET /v3/stock/{inventory}/products/{product}", read, stockOfProduct)
	s.handle("POST /v3/movements", write, moveStockV3)
	s.handle("POST /v3/products", write, setTrackingV3)
	// A status lookup is a POST, but it reads.
	s.handle("POST /v3/products/status", read, trackingStatus)
	s.handle("POST /v3/custom-low-stock", write, setLowStockV3)
}

// inventory is a location as v3 names it.
type inventory struct {
	UUID        string `json:"inventoryUuid"`
	Type        string `json:"inventoryType"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Default     bool   `json:"defaultInventory"`
}

// inventories lists the default STORE inventory, the other STORE ones in
// the order created, then BIN, SOLD and SUPPLIER; none while a new
// organization has no locations.
func (o *Org) inventories() []inventory {
	out := []inventory{}
	for _, t := range []string{Store, Bin, Sold, Supplier} {
		if uuid, ok := o.locations[t]; ok {
			out = append(out, inventory{UUID: uuid, Type: t, Name: t, Description: "System generated location ", Default: t == Store})
		}
		if t == Store {
			out = append(out, o.stores...)
		}
	}
	return out
}

// storeInventories are the UUIDs of every STORE inventory, the default
// first.
func (o *Org) storeInventories() []string {
	var out []string
	for _, inv := range o.inventories() {
		if inv.Type == Store {
			out = append(out, inv.UUID)
		}
	}
	return out
}

func (o *Org) addStore(name, description string) inventory {
	inv := inventory{UUID: newUUID(), Type: Store, Name: name, Description: description}
	o.stores = append(o.stores, inv)
	return inv
}

// checkInventory checks an inventory named in a body: unknown is a 400.
func (o *Org) checkInventory(field, uuid string) *httpError {
	if herr := checkUUID(field, uuid); herr != nil {
		return herr
	}
	if _, ok := o.inventoryType(uuid); !ok {
		if !o.hasLocations() {
			return badRequest("%s: unknown inventory %s (%s)", field, uuid, noLocations)
		}
		return badRequest("%s: unknown inventory %s", field, uuid)
	}
	return nil
}

// pathInventory is the inventory in the path: unknown is not found.
func (o *Org) pathInventory(r *http.Request) (string, *httpError) {
	uuid := r.PathValue("inventory")
	if herr := checkUUID("inventoryUuid", uuid); herr != nil {
		return "", herr
	}
	if _, ok := o.inventoryType(uuid); !ok {
		if !o.hasLocations() {
			return "", notFound("inventory %s does not exist: %s", uuid, noLocations)
		}
		return "", notFound("inventory %s does not exist", uuid)
	}
	return uuid, nil
}

// pageOfList answers the page of list the request's cursor names.
func pageOfList[T any](o *Org, r *http.Request, list []T) (int, any, *httpError) {
	start, end, next, herr := o.s.pageOf(r, len(list))
	if herr != nil {
		return 0, nil, herr
	}
	return http.StatusOK, paged{list[start:end], next}, nil
}

func listInventories(o *Org, r *http.Request) (int, any, *httpError) {
	return pageOfList(o, r, o.inventories())
}

func getInventory(o *Org, r *http.Request) (int, any, *httpError) {
	uuid, herr := o.pathInventory(r)
	if herr != nil {
		return 0, nil, herr
	}
	i := slices.IndexFunc(o.inventories(), func(inv inventory) bool { return inv.UUID == uuid })
	return http.StatusOK, o.inventories()[i], nil
}

// createInventory creates a STORE inventory that is not the default. The
// documentation gives only the Location header; the sandbox answers 201
// with the new inventory as the body too. It does not say whether a new
// organization, without its system inventories yet, may create one: the
// sandbox takes the reading hardest on clients and refuses (400) until
// tracking first starts.
func createInventory(o *Org, r *http.Request) (int, any, *httpError) {
	var req struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if strings.TrimSpace(req.Name) == "" {
		return 0, nil, badRequest("name must not be empty")
	}
	if !o.hasLocations() {
		return 0, nil, badRequest("cannot create an inventory: %s", noLocations)
	}
	inv := o.addStore(req.Name, req.Description)
	return http.StatusCreated, located{inv, "/v3/inventories/" + inv.UUID}, nil
}

// stockRow is a balance as v3 answers it: a JSON number, written exactly,
// with the variant's low-stock setting at the inventory.
type stockRow struct {
	OrganizationUUID string      `json:"organizationUuid"`
	InventoryUUID    string      `json:"inventoryUuid"`
	ProductUUID      string      `json:"productUuid"`
	VariantUUID      string      `json:"variantUuid"`
	Balance          json.Number `json:"balance"`
	LowStockLevel    *float64    `json:"lowStockLevel"`
	LowStockAlert    bool        `json:"lowStockAlert"`
	Updated          string      `json:"updated"`
	Checksum         string      `json:"checksum"`
}

// stockRows lists the rows at an inventory of product, or of every product
// when product is "", sorted by product and variant.
//
// The documentation does not say which variants are listed. The sandbox
// takes the reading hardest on clients: only tracked products, and of them
// only the variants with a non-zero balance or a low-stock setting. A
// variant without a row has a zero balance, and a product without rows may
// be tracked or not: POST /v3/products/status tells.
func (o *Org) stockRows(r *http.Request, inv, product string) []stockRow {
	products := []string{product}
	if product == "" {
		products = slices.Sorted(maps.Keys(o.products))
	}
	omit := omittedProduct(r)
	rows := []stockRow{}
	for _, p := range products {
		if !o.tracked[p] || p == omit {
			continue
		}
		for _, v := range slices.Sorted(maps.Keys(o.products[p])) {
			k := variantKey{inv, p, v}
			b := o.balances[k]
			ls, hasSetting := o.lowStock[k]
			if b.IsZero() && !hasSetting {
				continue
			}
			ls = ls.clone()
			row := stockRow{
				OrganizationUUID: o.UUID, InventoryUUID: inv, ProductUUID: p, VariantUUID: v,
				Balance: json.Number(formatBalance(b)), LowStockLevel: ls.Level, LowStockAlert: ls.Alert,
				Updated: o.updated[k].UTC().Format(apiTime),
			}
			row.Checksum = rowChecksum(row)
			rows = append(rows, row)
		}
	}
	return rows
}

// rowChecksum sums what a row says of its variant, as a decimal string like
// the service's. The documentation does not say what the service sums: this
// one changes whenever the balance or the setting does.
func rowChecksum(row stockRow) string {
	level := "null"
	if row.LowStockLevel != nil {
		level = strconv.FormatFloat(*row.LowStockLevel, 'f', -1, 64)
	}
	s := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%t|%s", row.OrganizationUUID, row.InventoryUUID, row.ProductUUID, row.VariantUUID,
		row.Balance, level, row.LowStockAlert, row.Updated)
	return strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(s))), 10)
}

// stockOfStores lists the rows of every STORE inventory. A new organization
// has none: the list is empty.
func stockOfStores(o *Org, r *http.Request) (int, any, *httpError) {
	rows := []stockRow{}
	for _, inv := range o.storeInventories() {
		rows = append(rows, o.stockRows(r, inv, "")...)
	}
	return pageOfList(o, r, rows)
}

func stockOfInventory(o *Org, r *http.Request) (int, any, *httpError) {
	inv, herr := o.pathInventory(r)
	if herr != nil {
		return 0, nil, herr
	}
	return pageOfList(o, r, o.stockRows(r, inv, ""))
}

// stockOfProduct answers [] for an untracked product, as for a tracked one
// without stock or settings.
func stockOfProduct(o *Org, r *http.Request) (int, any, *httpError) {
	inv, herr := o.pathInventory(r)
	if herr != nil {
		return 0, nil, herr
	}
	product := r.PathValue("product")
	if herr := checkUUID("productUuid", product); herr != nil {
		return 0, nil, herr
	}
	return pageOfList(o, r, o.stockRows(r, inv, product))
}

// moveStockV3 moves stock between any two inventories, STORE ones
// included. The request is validated whole before anything moves.
func moveStockV3(o *Org, r *http.Request) (int, any, *httpError) {
	var req struct {
		Movements []struct {
			ProductUUID string      `json:"productUuid"`
			VariantUUID string      `json:"variantUuid"`
			Change      json.Number `json:"change"`
			From        string      `json:"from"`
			To          string      `json:"to"`
		} `json:"movements"`
		Identifier string `json:"identifier"`
	}
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if req.Identifier != "" {
		if herr := checkUUID("identifier", req.Identifier); herr != nil {
			return 0, nil, herr
		}
	}
	if len(req.Movements) == 0 {
		return 0, nil, badRequest("movements must not be empty")
	}
	for _, m := range req.Movements {
		change, herr := decodeChange(m.Change)
		if herr != nil {
			return 0, nil, herr
		}
		if herr := o.checkMoveBetween(o.checkInventory, "from", "to", m.ProductUUID, m.VariantUUID, m.From, m.To, change); herr != nil {
			return 0, nil, herr
		}
		if !o.tracked[m.ProductUUID] {
			return 0, nil, badRequest("product %s is not tracked", m.ProductUUID)
		}
	}
	var changed []productVariant
	for _, m := range req.Movements {
		change, _ := decodeChange(m.Change)
		o.move(r.Pattern, m.ProductUUID, m.VariantUUID, m.From, m.To, change)
		changed = append(changed, productVariant{m.ProductUUID, m.VariantUUID})
	}
	o.concurrentSale(r, changed)
	return http.StatusNoContent, nil, nil
}

// setTrackingV3 enables and disables tracking, in the order listed, once
// the request is validated whole. Enabling creates a new organization's
// inventories, as any start does; disabling keeps the saved balances, and
// disabling an untracked product is not an error.
func setTrackingV3(o *Org, r *http.Request) (int, any, *httpError) {
	var req []struct {
		ProductUUID string `json:"productUuid"`
		Tracking    string `json:"tracking"`
	}
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if len(req) == 0 {
		return 0, nil, badRequest("the list of products must not be empty")
	}
	enables := false
	for _, p := range req {
		if herr := o.checkProduct(p.ProductUUID); herr != nil {
			return 0, nil, herr
		}
		switch p.Tracking {
		case "enable":
			enables = true
		case "disable":
		default:
			return 0, nil, badRequest("tracking of product %s: unsupported value %q: use enable or disable", p.ProductUUID, p.Tracking)
		}
	}
	if enables {
		o.createLocations()
	}
	for _, p := range req {
		o.tracked[p.ProductUUID] = p.Tracking == "enable"
	}
	return http.StatusNoContent, nil, nil
}

type trackingState struct {
	ProductUUID string `json:"productUuid"`
	Enabled     bool   `json:"enabled"`
}

// trackingStatus tells which of the listed products are tracked, once each,
// in the order listed. A product the library does not hold is not tracked:
// the documentation does not say it is an error. The answer is a list, so it
// pages: the next page is the same POST, with the same body, sent to the
// Link URL, as for v2's POST lookup.
func trackingStatus(o *Org, r *http.Request) (int, any, *httpError) {
	var products []string
	if herr := decode(r, &products); herr != nil {
		return 0, nil, herr
	}
	if len(products) == 0 {
		return 0, nil, badRequest("the list of product UUIDs must not be empty")
	}
	out := []trackingState{}
	seen := map[string]bool{}
	for _, p := range products {
		if herr := checkUUID("productUuid", p); herr != nil {
			return 0, nil, herr
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, trackingState{p, o.tracked[p]})
		}
	}
	return pageOfList(o, r, out)
}

// setLowStockV3 applies low-stock settings at any inventories, with v2's
// model: a setting back at the defaults is deleted. The request is
// validated whole before anything changes.
func setLowStockV3(o *Org, r *http.Request) (int, any, *httpError) {
	var req []struct {
		ProductUUID   string   `json:"productUuid"`
		VariantUUID   string   `json:"variantUuid"`
		InventoryUUID string   `json:"inventoryUuid"`
		LowStockLevel *float64 `json:"lowStockLevel"`
		// A missing lowStockAlert is false.
		LowStockAlert bool `json:"lowStockAlert"`
	}
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if len(req) == 0 {
		return 0, nil, badRequest("the list of settings must not be empty")
	}
	for _, s := range req {
		if herr := o.checkVariant(s.ProductUUID, s.VariantUUID); herr != nil {
			return 0, nil, herr
		}
		if herr := o.checkInventory("inventoryUuid", s.InventoryUUID); herr != nil {
			return 0, nil, herr
		}
		if s.LowStockLevel != nil && *s.LowStockLevel < 0 {
			return 0, nil, badRequest("lowStockLevel must not be negative, got %s", strconv.FormatFloat(*s.LowStockLevel, 'f', -1, 64))
		}
	}
	for _, s := range req {
		o.setLowStock(variantKey{s.InventoryUUID, s.ProductUUID, s.VariantUUID}, LowStock{s.LowStockLevel, s.LowStockAlert})
	}
	return http.StatusNoContent, nil, nil
}
