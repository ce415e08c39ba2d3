package sandbox

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// rows reads every page of a v3 stock read.
func (h *harness) rows(path string) []stockRow {
	h.t.Helper()
	var out []stockRow
	for _, page := range h.pages("GET", path, "") {
		var rows []stockRow
		if err := json.Unmarshal([]byte(page), &rows); err != nil || rows == nil {
			h.t.Fatalf("GET %s: %s is not a list of rows (%v)", path, page, err)
		}
		out = append(out, rows...)
	}
	return out
}

// inventories reads every page of GET /v3/inventories.
func (h *harness) inventories() []inventory {
	h.t.Helper()
	var out []inventory
	for _, page := range h.pages("GET", "/v3/inventories", "") {
		var list []inventory
		if err := json.Unmarshal([]byte(page), &list); err != nil || list == nil {
			h.t.Fatalf("GET /v3/inventories: %s (%v)", page, err)
		}
		out = append(out, list...)
	}
	return out
}

func v3Move(product, variant, from, to string, change any) string {
	return fmt.Sprintf(`{"movements":[{"productUuid":%q,"variantUuid":%q,"change":%v,"from":%q,"to":%q}]}`, product, variant, change, from, to)
}

func v3Tracking(pairs ...string) string {
	var list []map[string]string
	for i := 0; i+1 < len(pairs); i += 2 {
		list = append(list, map[string]string{"productUuid": pairs[i], "tracking": pairs[i+1]})
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// createInventory creates a STORE inventory through the API and returns it.
func (h *harness) createInventory(name string) inventory {
	h.t.Helper()
	resp, raw := h.send(h.org.Token, "POST", "/v3/inventories", `{"name":"`+name+`","description":"back room"}`, nil)
	var inv inventory
	if err := json.Unmarshal([]byte(raw), &inv); resp.StatusCode != http.StatusCreated || err != nil {
		h.t.Fatalf("create inventory: %d %s (%v)", resp.StatusCode, raw, err)
	}
	if want := h.url + "/v3/inventories/" + inv.UUID; resp.Header.Get("Location") != want {
		h.t.Errorf("create inventory: Location %q, want %q", resp.Header.Get("Location"), want)
	}
	return inv
}

func TestV3Inventories(t *testing.T) {
	h := newHarness(t)
	list := h.inventories()
	want := []inventory{
		{h.org.Location(Store), Store, Store, "System generated location ", true},
		{h.org.Location(Bin), Bin, Bin, "System generated location ", false},
		{h.org.Location(Sold), Sold, Sold, "System generated location ", false},
		{h.org.Location(Supplier), Supplier, Supplier, "System generated location ", false},
	}
	if !slices.Equal(list, want) {
		t.Fatalf("inventories %+v, want %+v", list, want)
	}

	inv := h.createInventory("Warehouse")
	if inv.Type != Store || inv.Default || inv.Name != "Warehouse" || inv.Description != "back room" || checkUUID("inventoryUuid", inv.UUID) != nil {
		t.Errorf("created %+v, want a STORE inventory that is not the default", inv)
	}
	second := h.createInventory("Shop floor")
	list = h.inventories()
	if len(list) != 6 || list[0] != want[0] || list[1] != inv || list[2] != second {
		t.Errorf("inventories after two creations %+v, want the default STORE then the new ones", list)
	}
	status, raw, _ := h.call("GET", "/v3/inventories/"+strings.ToUpper(inv.UUID), "")
	var got inventory
	if err := json.Unmarshal([]byte(raw), &got); status != 200 || err != nil || got != inv {
		t.Errorf("get inventory: %d %s, want %+v", status, raw, inv)
	}
	if status, raw, _ := h.call("GET", "/v3/inventories/"+h.org.Location(Bin), ""); status != 200 || !strings.Contains(raw, `"inventoryType":"BIN"`) {
		t.Errorf("get BIN: %d %s", status, raw)
	}
	h.expectError(404, "GET", "/v3/inventories/"+newUUID(), "", "does not exist")
	h.expectError(400, "GET", "/v3/inventories/nope", "", "not a valid UUID")
	h.expectError(400, "POST", "/v3/inventories", `{"name":" "}`, "name must not be empty")
	h.expectError(400, "POST", "/v3/inventories", `{"name":"x","colour":"red"}`, "unknown field")
	if n := len(h.inventories()); n != 6 {
		t.Errorf("refused creations made inventories: %d, want 6", n)
	}
	// v2 keeps its one STORE location.
	if locs := h.listedLocations(); len(locs) != 4 || locs[Store] != h.org.Location(Store) {
		t.Errorf("v2 locations %v, want the four system ones", locs)
	}
}

func TestV3VersionSwitch(t *testing.T) {
	product, v := "", []string(nil)
	setup := func(t *testing.T, v2, v3 bool) *harness {
		h := newHarness(t)
		product, v = h.org.AddProduct(1)
		h.sb.SetAPIVersions(v2, v3)
		return h
	}
	served := func(h *harness) (v2, v3 bool) {
		s2, raw2, _ := h.call("POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 1))
		s3, raw3, _ := h.call("GET", "/v3/inventories", "")
		for status, raw := range map[int]string{s2: raw2, s3: raw3} {
			if status != 200 && (status != 404 || !strings.Contains(raw, "no such endpoint")) {
				h.t.Errorf("answer %d %s, want 200 or 404 no such endpoint", status, raw)
			}
		}
		return s2 == 200, s3 == 200
	}

	t.Run("v2 only", func(t *testing.T) {
		h := setup(t, true, false)
		if v2, v3 := served(h); !v2 || v3 {
			t.Errorf("served v2 %v, v3 %v; want v2 only", v2, v3)
		}
		for _, c := range [][3]string{
			{"GET", "/v3/stock", ""}, {"POST", "/v3/products", v3Tracking(product, "disable")},
			{"POST", "/v3/movements", v3Move(product, v[0], h.org.Location(Store), h.org.Location(Bin), 1)},
			{"GET", "/v3/inventories/" + h.org.Location(Store), ""}, {"DELETE", "/v3/inventories", ""},
		} {
			h.expectError(404, c[0], c[1], c[2], "no such endpoint")
		}
		if !h.org.IsTracked(product) || h.org.Balance(Store, product, v[0]) != 1 {
			t.Errorf("a v3 request served while v3 was off: tracked %v, balance %v", h.org.IsTracked(product), h.org.Balance(Store, product, v[0]))
		}
		log := h.sb.Requests()
		if last := log[len(log)-1]; last.Route != "/" || last.Status != 404 {
			t.Errorf("logged %+v, want the catch-all route and 404", last)
		}
	})
	t.Run("v3 only", func(t *testing.T) {
		h := setup(t, false, true)
		if v2, v3 := served(h); v2 || !v3 {
			t.Errorf("served v2 %v, v3 %v; want v3 only", v2, v3)
		}
		h.expectError(404, "GET", "/organizations/self/locations", "", "no such endpoint")
		h.expectError(404, "POST", "/custom-low-stock/locations/"+h.org.Location(Store), `{"requests":[]}`, "no such endpoint")
		if h.org.IsTracked(product) || len(h.org.Movements()) != 0 {
			t.Error("the v2 bulk request was served while v2 was off")
		}
		// The token endpoint belongs to neither.
		if status, _ := h.grant(grantForm(h.org.AddAPIKey())); status != 200 {
			t.Errorf("POST /token with v2 off: %d", status)
		}
		h.expectStatus(204, "POST", "/v3/products", v3Tracking(product, "enable"))
		if !h.org.IsTracked(product) {
			t.Error("v3 tracking was not served")
		}
	})
	t.Run("both", func(t *testing.T) {
		h := setup(t, true, true)
		if v2, v3 := served(h); !v2 || !v3 {
			t.Errorf("served v2 %v, v3 %v; want both", v2, v3)
		}
	})
	t.Run("default", func(t *testing.T) {
		h := newHarness(t)
		product, v = h.org.AddProduct(1)
		if v2, v3 := served(h); !v2 || !v3 {
			t.Errorf("New serves v2 %v, v3 %v; want both", v2, v3)
		}
	})
	t.Run("back on", func(t *testing.T) {
		h := setup(t, false, false)
		if v2, v3 := served(h); v2 || v3 {
			t.Errorf("served v2 %v, v3 %v; want neither", v2, v3)
		}
		h.sb.SetAPIVersions(true, true)
		if v2, v3 := served(h); !v2 || !v3 {
			t.Errorf("served v2 %v, v3 %v after turning both on", v2, v3)
		}
	})
}

func TestV3Tracking(t *testing.T) {
	h := newHarness(t)
	a, va := h.org.AddProduct(1)
	b, _ := h.org.AddProduct(1)
	untracked, _ := h.org.AddProduct(1)
	status := func(products ...string) map[string]bool {
		t.Helper()
		body, _ := json.Marshal(products)
		var out []trackingState
		for _, page := range h.pages("POST", "/v3/products/status", string(body)) {
			var list []trackingState
			if err := json.Unmarshal([]byte(page), &list); err != nil {
				t.Fatalf("status: %s (%v)", page, err)
			}
			out = append(out, list...)
		}
		m := map[string]bool{}
		for _, s := range out {
			m[s.ProductUUID] = s.Enabled
		}
		if len(m) != len(out) {
			t.Errorf("status lists a product twice: %+v", out)
		}
		return m
	}

	if raw := h.expectStatus(204, "POST", "/v3/products", v3Tracking(strings.ToUpper(a), "enable", b, "enable")); raw != "" {
		t.Errorf("enable answered a body: %q", raw)
	}
	if !h.org.IsTracked(a) || !h.org.IsTracked(b) {
		t.Fatal("enable did not start tracking")
	}
	notInLibrary := newUUID()
	if got := status(a, b, strings.ToUpper(untracked), a, notInLibrary); !maps.Equal(got, map[string]bool{a: true, b: true, untracked: false, notInLibrary: false}) {
		t.Errorf("status %v", got)
	}
	// Saved balances survive a stop and come back with a start.
	if err := h.org.Restock(a, va[0], 4); err != nil {
		t.Fatal(err)
	}
	h.expectStatus(204, "POST", "/v3/products", v3Tracking(a, "disable", untracked, "disable"))
	if h.org.IsTracked(a) || h.org.IsTracked(untracked) || !h.org.IsTracked(b) {
		t.Errorf("after disable: tracked a %v, untracked %v, b %v", h.org.IsTracked(a), h.org.IsTracked(untracked), h.org.IsTracked(b))
	}
	if rows := h.rows("/v3/stock"); len(rows) != 0 {
		t.Errorf("stock of untracked products listed: %+v", rows)
	}
	h.expectStatus(204, "POST", "/v3/products", v3Tracking(a, "enable"))
	if rows := h.rows("/v3/stock"); len(rows) != 1 || rows[0].Balance != "4" {
		t.Errorf("saved stock after enabling again: %+v", rows)
	}

	// Validated whole: a bad entry changes nothing.
	for _, c := range []struct {
		status     int
		body, want string
	}{
		{404, v3Tracking(untracked, "enable", notInLibrary, "enable"), "does not exist in the product library"},
		{400, v3Tracking(untracked, "enable", b, "pause"), `unsupported value "pause"`},
		{400, v3Tracking(untracked, "enable", "nope", "enable"), "not a valid UUID"},
		{400, `[]`, "must not be empty"},
		{400, `{"productUuid":"` + untracked + `","tracking":"enable"}`, "malformed JSON"},
	} {
		h.expectError(c.status, "POST", "/v3/products", c.body, c.want)
	}
	if h.org.IsTracked(untracked) || !h.org.IsTracked(b) {
		t.Error("a refused request changed tracking")
	}
	h.expectError(400, "POST", "/v3/products/status", `[]`, "must not be empty")
	h.expectError(400, "POST", "/v3/products/status", `["nope"]`, "not a valid UUID")

	// The status list pages like any list.
	h.sb.SetPageSize(1)
	if got := status(a, b, untracked); !maps.Equal(got, map[string]bool{a: true, b: true, untracked: false}) {
		t.Errorf("paged status %v", got)
	}
}

func TestV3MovementsAndStock(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(2)
	h.org.SetTracking(product, true)
	store, supplier, bin := h.org.Location(Store), h.org.Location(Supplier), h.org.Location(Bin)

	body := fmt.Sprintf(`{"identifier":%q,"movements":[
		{"productUuid":%q,"variantUuid":%q,"change":10,"from":%q,"to":%q},
		{"productUuid":%q,"variantUuid":%q,"change":2.5,"from":%q,"to":%q}]}`,
		newUUID(), product, strings.ToUpper(v[0]), supplier, store, product, v[0], store, strings.ToUpper(bin))
	if raw := h.expectStatus(204, "POST", "/v3/movements", body); raw != "" {
		t.Errorf("movements answered a body: %q", raw)
	}
	const route = "POST /v3/movements"
	moves := h.org.InventoryMovements()
	if len(moves) != 2 ||
		moves[0].From != Supplier || moves[0].To != Store || !moves[0].Quantity.Equal(decimal.NewFromInt(10)) || moves[0].Route != route ||
		moves[1].From != Store || moves[1].To != Bin || !moves[1].Quantity.Equal(decimal.New(25, -1)) || moves[1].Route != route ||
		moves[1].FromInventory != store || moves[1].ToInventory != bin || moves[0].Variant != v[0] {
		t.Errorf("ledger %+v", moves)
	}

	rows := h.rows("/v3/stock")
	if len(rows) != 1 {
		t.Fatalf("stock %+v, want the one variant with stock (the other has none)", rows)
	}
	r := rows[0]
	if r.OrganizationUUID != h.org.UUID || r.InventoryUUID != store || r.ProductUUID != product || r.VariantUUID != v[0] ||
		r.Balance != "7.5" || r.LowStockLevel != nil || r.LowStockAlert || r.Checksum == "" || !strings.HasSuffix(r.Updated, "Z") {
		t.Errorf("row %+v", r)
	}
	if _, raw, _ := h.call("GET", "/v3/stock", ""); !strings.Contains(raw, `"balance":7.5,`) {
		t.Errorf("balance is not a JSON number: %s", raw)
	}
	if got := h.rows("/v3/stock/" + bin); len(got) != 1 || got[0].Balance != "2.5" || got[0].InventoryUUID != bin {
		t.Errorf("BIN stock %+v", got)
	}
	if got := h.rows("/v3/stock/" + strings.ToUpper(store) + "/products/" + product); len(got) != 1 || got[0] != r {
		t.Errorf("stock of the product %+v, want %+v", got, r)
	}
	other, _ := h.org.AddProduct(1)
	if got := h.rows("/v3/stock/" + store + "/products/" + other); len(got) != 0 {
		t.Errorf("stock of an untracked product %+v", got)
	}
	h.expectError(404, "GET", "/v3/stock/"+newUUID(), "", "does not exist")
	h.expectError(404, "GET", "/v3/stock/"+newUUID()+"/products/"+product, "", "does not exist")
	h.expectError(400, "GET", "/v3/stock/"+store+"/products/nope", "", "not a valid UUID")

	// A change of the row changes its checksum.
	if err := h.org.Sell(product, v[0], 1); err != nil {
		t.Fatal(err)
	}
	if got := h.rows("/v3/stock"); got[0].Balance != "6.5" || got[0].Checksum == r.Checksum {
		t.Errorf("after a sale %+v, want 6.5 and a new checksum", got[0])
	}

	// Validated whole: the good first movement does not move either.
	before := len(h.org.Movements())
	good := fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":1,"from":%q,"to":%q}`, product, v[1], supplier, store)
	for _, c := range []struct{ bad, want string }{
		{fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":-1,"from":%q,"to":%q}`, product, v[0], supplier, store), "change must be positive"},
		{fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"from":%q,"to":%q}`, product, v[0], supplier, store), "change must be positive"},
		{fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":1,"from":%q,"to":%q}`, product, v[0], store, store), "are both"},
		{fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":1,"from":%q,"to":%q}`, product, v[0], newUUID(), store), "from: unknown inventory"},
		{fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":1,"from":%q,"to":%q}`, product, newUUID(), supplier, store), "is not a variant"},
		{fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":1,"from":%q,"to":%q}`, other, newUUID(), supplier, store), "is not a variant"},
		{fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":1,"fromLocationUuid":%q,"to":%q}`, product, v[0], supplier, store), "unknown field"},
	} {
		h.expectError(400, "POST", "/v3/movements", `{"movements":[`+good+`,`+c.bad+`]}`, c.want)
	}
	otherProduct, ov := h.org.AddProduct(1)
	untracked := fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"change":1,"from":%q,"to":%q}`, otherProduct, ov[0], supplier, store)
	h.expectError(400, "POST", "/v3/movements", `{"movements":[`+good+`,`+untracked+`]}`, "is not tracked")
	h.expectError(400, "POST", "/v3/movements", `{"movements":[]}`, "must not be empty")
	h.expectError(400, "POST", "/v3/movements", `{"identifier":"x","movements":[`+good+`]}`, "identifier")
	if len(h.org.Movements()) != before || !h.org.BalanceExact(Store, product, v[1]).IsZero() {
		t.Errorf("a refused request moved stock: %+v", h.org.Movements()[before:])
	}
}

func TestV3OneModelThroughBothVersions(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	store, supplier := h.org.Location(Store), h.org.Location(Supplier)

	// Tracking started through v2 is enabled in v3, and the other way.
	h.expectStatus(200, "POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 3))
	if _, raw, _ := h.call("POST", "/v3/products/status", `["`+product+`"]`); !strings.Contains(raw, `"enabled":true`) {
		t.Errorf("v3 status after a v2 start: %s", raw)
	}
	if rows := h.rows("/v3/stock"); len(rows) != 1 || rows[0].Balance != "3" {
		t.Errorf("v3 stock after a v2 restock: %+v", rows)
	}

	// Stock moved through v3 shows in v2 lookups.
	h.expectStatus(204, "POST", "/v3/movements", v3Move(product, v[0], supplier, store, "4.25"))
	var lookup lookupPageBody
	_, raw, _ := h.call("GET", "/organizations/self/inventory/locations/"+store, "")
	if err := json.Unmarshal([]byte(raw), &lookup); err != nil || len(lookup.Variants) != 1 || lookup.Variants[0].Balance != "7.25" {
		t.Errorf("v2 lookup after a v3 movement: %s", raw)
	}
	routes := []string{}
	for _, m := range h.org.Movements() {
		routes = append(routes, m.Route)
	}
	if want := []string{"POST /organizations/{org}/v2/inventory/bulk", "POST /v3/movements"}; !slices.Equal(routes, want) {
		t.Errorf("ledger routes %v, want %v", routes, want)
	}

	// Low-stock settings made through one version read through the other.
	write, read := lowStockPaths(store)
	h.expectStatus(204, "PUT", write, setting(product, v[0], `,"lowStockLevel":2,"lowStockAlert":true`))
	if rows := h.rows("/v3/stock"); len(rows) != 1 || rows[0].LowStockLevel == nil || *rows[0].LowStockLevel != 2 || !rows[0].LowStockAlert {
		t.Errorf("v3 rows after a v2 setting: %+v", rows)
	}
	h.expectStatus(204, "POST", "/v3/custom-low-stock", fmt.Sprintf(`[{"productUuid":%q,"variantUuid":%q,"inventoryUuid":%q,"lowStockLevel":9}]`, product, v[0], store))
	if _, raw, _ := h.call("GET", read, ""); !strings.Contains(raw, `"customLowStockLevel":9.0,"lowStockAlert":false`) {
		t.Errorf("v2 low-stock read after a v3 setting: %s", raw)
	}

	// Tracking stopped through v3 is stopped in v2.
	h.expectStatus(204, "POST", "/v3/products", v3Tracking(product, "disable"))
	h.expectError(404, "DELETE", "/organizations/self/inventory/products/"+product, "", "not tracked")
}

func TestV3SeveralStoreInventories(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.org.SetTracking(product, true)
	store, supplier := h.org.Location(Store), h.org.Location(Supplier)
	back := h.createInventory("Back room")
	shop := h.org.AddInventory("Shop", "")

	h.expectStatus(204, "POST", "/v3/movements", v3Move(product, v[0], supplier, store, 10))
	h.expectStatus(204, "POST", "/v3/movements", v3Move(product, v[0], store, back.UUID, 4))
	h.expectStatus(204, "POST", "/v3/movements", v3Move(product, v[0], supplier, shop, 1))
	for inv, want := range map[string]int64{store: 6, back.UUID: 4, shop: 1} {
		if b := h.org.BalanceAt(inv, product, v[0]); !b.Equal(decimal.NewFromInt(want)) {
			t.Errorf("balance at %s: %s, want %d", inv, b, want)
		}
		if rows := h.rows("/v3/stock/" + inv); len(rows) != 1 || rows[0].Balance != json.Number(fmt.Sprint(want)) {
			t.Errorf("stock at %s: %+v, want %d", inv, rows, want)
		}
	}
	rows := h.rows("/v3/stock")
	var invs []string
	for _, r := range rows {
		invs = append(invs, r.InventoryUUID)
	}
	if want := []string{store, back.UUID, shop}; !slices.Equal(invs, want) {
		t.Errorf("stock of all STORE inventories is at %v, want %v", invs, want)
	}
	moves := h.org.InventoryMovements()
	if m := moves[1]; m.From != Store || m.To != Store || m.FromInventory != store || m.ToInventory != back.UUID {
		t.Errorf("ledger of a move between STORE inventories: %+v", m)
	}
	if h.org.Balance(Store, product, v[0]) != 6 {
		t.Errorf("the default STORE holds %v, want 6", h.org.Balance(Store, product, v[0]))
	}

	// Low-stock settings are per inventory.
	h.expectStatus(204, "POST", "/v3/custom-low-stock", fmt.Sprintf(`[{"productUuid":%q,"variantUuid":%q,"inventoryUuid":%q,"lowStockAlert":true}]`, product, v[0], back.UUID))
	if r := h.rows("/v3/stock/" + back.UUID); len(r) != 1 || !r[0].LowStockAlert {
		t.Errorf("back room rows %+v", r)
	}
	if r := h.rows("/v3/stock/" + store); len(r) != 1 || r[0].LowStockAlert {
		t.Errorf("default STORE rows %+v", r)
	}

	// v2 knows only the default STORE location.
	move := `{"changes":[{"productUuid":"` + product + `","variantUuid":"` + v[0] + `","fromLocationUuid":"` + back.UUID + `","toLocationUuid":"` + store + `","change":1}]}`
	h.expectError(400, "PUT", "/organizations/self/inventory", move, "unknown location")
	h.expectError(400, "GET", "/organizations/self/inventory/locations/"+back.UUID, "", "unknown location")
	_, read := lowStockPaths(back.UUID)
	h.expectError(404, "GET", read, "", "does not exist")
	var lookup lookupPageBody
	_, raw, _ := h.call("GET", "/organizations/self/inventory", "")
	if err := json.Unmarshal([]byte(raw), &lookup); err != nil || lookup.LocationUUID != store || len(lookup.Variants) != 1 || lookup.Variants[0].Balance != "6" {
		t.Errorf("v2 STORE balances %s", raw)
	}
}

func TestV3Paging(t *testing.T) {
	h := newHarness(t)
	h.trackWithStock(3)
	h.createInventory("A")
	h.createInventory("B")
	full := h.rows("/v3/stock")
	inventories := h.inventories()
	h.sb.SetPageSize(2)
	if pages := h.pages("GET", "/v3/stock", ""); len(pages) != 3 {
		t.Errorf("6 rows in pages of 2: %d pages", len(pages))
	}
	if got := h.rows("/v3/stock"); len(full) != 6 || !slices.Equal(got, full) {
		t.Errorf("paged stock %+v, want %+v", got, full)
	}
	if got := h.rows("/v3/stock/" + h.org.Location(Store)); !slices.Equal(got, full) {
		t.Errorf("paged stock of the STORE %+v", got)
	}
	if pages := h.pages("GET", "/v3/inventories", ""); len(pages) != 3 {
		t.Errorf("6 inventories in pages of 2: %d pages", len(pages))
	}
	if got := h.inventories(); len(inventories) != 6 || !slices.Equal(got, inventories) {
		t.Errorf("paged inventories %+v, want %+v", got, inventories)
	}
	h.expectError(400, "GET", "/v3/stock?cursor=nope", "", "not a valid page cursor")
}

func TestV3NewOrganization(t *testing.T) {
	h, future := newOrgHarness(t)
	product, v := h.org.AddProduct(1)
	if list := h.inventories(); len(list) != 0 {
		t.Errorf("inventories of a new organization: %+v", list)
	}
	if rows := h.rows("/v3/stock"); len(rows) != 0 {
		t.Errorf("stock of a new organization: %+v", rows)
	}
	h.expectError(404, "GET", "/v3/stock/"+future[Store], "", noLocations)
	h.expectError(400, "POST", "/v3/inventories", `{"name":"Warehouse"}`, noLocations)
	h.expectError(400, "POST", "/v3/movements", v3Move(product, v[0], future[Supplier], future[Store], 1), noLocations)
	// Disabling starts nothing: still no inventories.
	h.expectStatus(204, "POST", "/v3/products", v3Tracking(product, "disable"))
	if len(h.inventories()) != 0 || h.org.Location(Store) != "" {
		t.Error("disabling created the inventories")
	}

	h.expectStatus(204, "POST", "/v3/products", v3Tracking(product, "enable"))
	got := map[string]string{}
	for _, inv := range h.inventories() {
		got[inv.Type] = inv.UUID
	}
	if !maps.Equal(got, future) {
		t.Errorf("inventories after the first enable %v, want %v", got, future)
	}
	if locs := h.listedLocations(); !maps.Equal(locs, future) {
		t.Errorf("v2 locations after a v3 enable %v, want %v", locs, future)
	}
	h.expectStatus(204, "POST", "/v3/movements", v3Move(product, v[0], future[Supplier], future[Store], 2))
	if rows := h.rows("/v3/stock"); len(rows) != 1 || rows[0].InventoryUUID != future[Store] {
		t.Errorf("stock after the first enable: %+v", rows)
	}
}

func TestV3LowStock(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(2)
	h.org.SetTracking(product, true)
	store := h.org.Location(Store)
	set := func(variant, inv, rest string) string {
		return fmt.Sprintf(`{"productUuid":%q,"variantUuid":%q,"inventoryUuid":%q%s}`, product, variant, inv, rest)
	}

	// A setting alone makes a row, with a zero balance.
	h.expectStatus(204, "POST", "/v3/custom-low-stock", `[`+set(v[0], store, `,"lowStockLevel":5,"lowStockAlert":true`)+`,`+set(strings.ToUpper(v[1]), store, `,"lowStockAlert":true`)+`]`)
	rows := h.rows("/v3/stock/" + store)
	if len(rows) != 2 || rows[0].Balance != "0" || *rows[0].LowStockLevel != 5 || !rows[0].LowStockAlert || rows[1].LowStockLevel != nil || !rows[1].LowStockAlert || rows[1].VariantUUID != v[1] {
		t.Errorf("rows %+v", rows)
	}
	if _, raw, _ := h.call("GET", "/v3/stock", ""); !strings.Contains(raw, `"lowStockLevel":5,`) || !strings.Contains(raw, `"lowStockLevel":null`) {
		t.Errorf("levels as JSON: %s", raw)
	}
	if ls, ok := h.org.LowStock(store, product, v[0]); !ok || *ls.Level != 5 || !ls.Alert {
		t.Errorf("model setting %+v %v", ls, ok)
	}

	// Back at the defaults, the setting is deleted, and so is the row.
	h.expectStatus(204, "POST", "/v3/custom-low-stock", `[`+set(v[1], store, `,"lowStockLevel":null,"lowStockAlert":false`)+`]`)
	if _, ok := h.org.LowStock(store, product, v[1]); ok || len(h.rows("/v3/stock")) != 1 {
		t.Errorf("defaults kept a setting: %v, rows %+v", ok, h.rows("/v3/stock"))
	}

	// Validated whole.
	for _, c := range []struct {
		status    int
		bad, want string
	}{
		{400, set(v[0], newUUID(), `,"lowStockAlert":true`), "inventoryUuid: unknown inventory"},
		{400, set(v[0], store, `,"lowStockLevel":-1`), "must not be negative"},
		{400, set(newUUID(), store, `,"lowStockAlert":true`), "is not a variant"},
		{400, set(v[0], store, `,"alert":true`), "unknown field"},
	} {
		h.expectError(c.status, "POST", "/v3/custom-low-stock", `[`+set(v[1], store, `,"lowStockAlert":true`)+`,`+c.bad+`]`, c.want)
	}
	h.expectError(400, "POST", "/v3/custom-low-stock", `[]`, "must not be empty")
	if n := h.org.LowStockCount(); n != 1 {
		t.Errorf("refused requests changed settings: %d, want 1", n)
	}
}

// v3Calls is a valid request to every v3 route, for an organization with one
// tracked product that has stock.
func (h *harness) v3Calls() []scopedCall {
	product, v := h.org.AddProduct(1)
	h.org.SetTracking(product, true)
	if err := h.org.Restock(product, v[0], 5); err != nil {
		h.t.Fatal(err)
	}
	store := h.org.Location(Store)
	const r, w = ScopeReadProduct, ScopeWriteProduct
	return []scopedCall{
		{"GET /v3/inventories", "GET", "/v3/inventories", "", r},
		{"GET /v3/inventories/{inventory}", "GET", "/v3/inventories/" + store, "", r},
		{"GET /v3/stock", "GET", "/v3/stock", "", r},
		{"GET /v3/stock/{inventory}", "GET", "/v3/stock/" + store, "", r},
		{"GET /v3/stock/{inventory}/products/{product}", "GET", "/v3/stock/" + store + "/products/" + product, "", r},
		{"POST /v3/products/status", "POST", "/v3/products/status", `["` + product + `"]`, r},
		{"POST /v3/inventories", "POST", "/v3/inventories", `{"name":"Warehouse"}`, w},
		{"POST /v3/movements", "POST", "/v3/movements", v3Move(product, v[0], store, h.org.Location(Bin), 1), w},
		{"POST /v3/custom-low-stock", "POST", "/v3/custom-low-stock", fmt.Sprintf(`[{"productUuid":%q,"variantUuid":%q,"inventoryUuid":%q,"lowStockAlert":true}]`, product, v[0], store), w},
		{"POST /v3/products", "POST", "/v3/products", v3Tracking(product, "disable"), w},
	}
}

func TestV3Scopes(t *testing.T) {
	h := newHarness(t)
	calls := h.v3Calls()
	if len(calls) != len(h.sb.v3Routes) {
		t.Errorf("%d v3 routes registered, %d in the test", len(h.sb.v3Routes), len(calls))
	}
	for _, c := range calls {
		if got, ok := h.sb.v3Routes[c.route]; !ok || got != c.scope {
			t.Errorf("%s is registered with scope %q, want %q", c.route, got, c.scope)
		}
		if status, raw, _ := h.call(c.method, c.path, c.body); status/100 != 2 {
			t.Errorf("%s: %d %s", c.route, status, raw)
		}
	}
	for _, only := range []string{ScopeReadProduct, ScopeWriteProduct} {
		h.org = h.sb.AddOrganization(OrgSpec{Scopes: []string{only}})
		for _, c := range h.v3Calls() {
			if c.scope == only {
				if status, raw, _ := h.call(c.method, c.path, c.body); status/100 != 2 {
					t.Errorf("%s token, %s: %d %s", only, c.route, status, raw)
				}
			} else {
				h.expectForbidden(h.org.Token, c, c.scope)
			}
		}
		if only == ScopeReadProduct && (len(h.org.Movements()) != 1 || h.org.LowStockCount() != 0 || len(h.inventories()) != 4) {
			t.Errorf("a read-only token changed the model: %+v", h.org.Movements())
		}
	}
	if status, _, _ := h.callAs("", "GET", "/v3/stock", ""); status != 401 {
		t.Errorf("no token: %d", status)
	}
}

func TestV3FaultsAndLog(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.org.SetTracking(product, true)
	h.sb.InjectFault(Fault{Method: "POST", Route: "/v3/movements", Status: 503})
	body := v3Move(product, v[0], h.org.Location(Supplier), h.org.Location(Store), 1)
	h.expectError(503, "POST", "/v3/movements", body, "injected fault")
	if len(h.org.Movements()) != 0 {
		t.Error("a refused movement moved stock")
	}
	h.sb.InjectFault(Fault{Method: "POST", Route: "/v3/movements", CutAfterCommit: true})
	if status, _, err := h.try("POST", "/v3/movements", body); err == nil {
		t.Errorf("cut after commit answered %d", status)
	}
	if m := h.org.Movements(); len(m) != 1 || m[0].Route != "POST /v3/movements" {
		t.Errorf("ledger after a cut after commit %+v", m)
	}
	h.sb.InjectFault(Fault{Route: "/v3/stock", OmitProduct: product})
	if rows := h.rows("/v3/stock"); len(rows) != 0 {
		t.Errorf("an omitted product is listed: %+v", rows)
	}
	if n := h.sb.RequestCount("POST /v3/movements"); n != 2 {
		t.Errorf("%d movement requests logged, want 2", n)
	}
	h.sb.SetRandomFaults(RandomFaults{Rate: 1, Seed: 1, Kinds: []FaultKind{FaultUnavailable}})
	if status, _, _ := h.try("GET", "/v3/inventories", ""); status != 503 {
		t.Errorf("a random fault at rate 1 on a v3 route: %d", status)
	}
}
