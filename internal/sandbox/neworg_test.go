package sandbox

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// newOrgHarness is a harness whose organization is a new merchant's: no
// locations yet, with known UUIDs for the ones tracking will create.
func newOrgHarness(t *testing.T) (*harness, map[string]string) {
	sb := New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	future := map[string]string{}
	for _, lt := range []string{Store, Supplier, Sold, Bin} {
		future[lt] = newUUID()
	}
	org := sb.AddOrganization(OrgSpec{NewOrganization: true, Locations: future})
	return &harness{t: t, sb: sb, url: srv.URL, org: org}, future
}

func (h *harness) listedLocations() map[string]string {
	h.t.Helper()
	status, raw, _ := h.call("GET", "/organizations/self/locations", "")
	var list []location
	if err := json.Unmarshal([]byte(raw), &list); status != 200 || err != nil || list == nil {
		h.t.Fatalf("list locations: %d %s (%v)", status, raw, err)
	}
	out := map[string]string{}
	for _, l := range list {
		out[l.Type] = l.UUID
	}
	return out
}

func trackingOnlyBulk(products ...string) string {
	var changes []any
	for _, p := range products {
		changes = append(changes, map[string]any{"productUuid": p, "trackingStatusChange": "START_TRACKING"})
	}
	b, _ := json.Marshal(map[string]any{"productChanges": changes})
	return string(b)
}

func TestNewOrganizationListsNoLocationsUntilTrackingStarts(t *testing.T) {
	h, future := newOrgHarness(t)
	if _, raw, _ := h.call("GET", "/organizations/self/locations", ""); strings.TrimSpace(raw) != "[]" {
		t.Errorf("locations of a new organization: %s, want []", raw)
	}
	if h.org.Location(Store) != "" {
		t.Errorf("Location(STORE) = %q before the locations exist", h.org.Location(Store))
	}

	a, _ := h.org.AddProduct(1)
	b, _ := h.org.AddProduct(1)
	status, raw, decoded := h.call("POST", "/organizations/self/v2/inventory/bulk", trackingOnlyBulk(a, b))
	if status != 200 {
		t.Fatalf("tracking-only bulk: %d %s", status, raw)
	}
	ans := decoded.(map[string]any)
	if ans["locationUuid"] != future[Store] || len(ans["variants"].([]any)) != 0 {
		t.Errorf("answer %s, want the new STORE location %s and no variants", raw, future[Store])
	}
	if !h.org.IsTracked(a) || !h.org.IsTracked(b) {
		t.Error("the first bulk request did not start tracking")
	}
	listed := h.listedLocations()
	if len(listed) != 4 {
		t.Errorf("after the first start: locations %v, want the four system locations", listed)
	}
	for lt, uuid := range future {
		if listed[lt] != uuid || h.org.Location(lt) != uuid {
			t.Errorf("%s location: listed %s, control %s, want %s", lt, listed[lt], h.org.Location(lt), uuid)
		}
	}
	if len(h.org.Movements()) != 0 {
		t.Errorf("a tracking-only request moved stock: %+v", h.org.Movements())
	}
}

func TestNewOrganizationSingleStartCreatesTheLocations(t *testing.T) {
	h, future := newOrgHarness(t)
	product, _ := h.org.AddProduct(1)
	status, raw, decoded := h.call("POST", "/organizations/self/inventory", `{"productUuid":"`+product+`"}`)
	if status != 200 || decoded.(map[string]any)["locationUuid"] != future[Store] {
		t.Fatalf("start tracking: %d %s, want the new STORE location %s", status, raw, future[Store])
	}
	if len(h.listedLocations()) != 4 || !h.org.IsTracked(product) {
		t.Error("POST /organizations/self/inventory did not create the locations and start tracking")
	}
}

func TestNewOrganizationBackOfficeStartCreatesTheLocations(t *testing.T) {
	h, _ := newOrgHarness(t)
	product, v := h.org.AddProduct(1)
	h.org.SetTracking(product, false)
	if len(h.listedLocations()) != 0 {
		t.Fatal("stopping tracking created the locations")
	}
	h.org.SetTracking(product, true)
	if len(h.listedLocations()) != 4 {
		t.Fatal("starting tracking in the back office did not create the locations")
	}
	if err := h.org.Restock(product, v[0], 2); err != nil || h.org.Balance(Store, product, v[0]) != 2 {
		t.Errorf("restock after the locations exist: %v, balance %v", err, h.org.Balance(Store, product, v[0]))
	}
}

// Before the locations exist, every request that names a location or a
// location type is refused and changes nothing.
func TestNewOrganizationRefusesLocationsBeforeTheyExist(t *testing.T) {
	h, future := newOrgHarness(t)
	product, v := h.org.AddProduct(1)
	const bulk = "/organizations/self/v2/inventory/bulk"
	withMove := func(ret string) string {
		b, _ := json.Marshal(map[string]any{
			"returnBalanceForLocationUuid": ret,
			"productChanges": []any{map[string]any{
				"productUuid": product, "trackingStatusChange": "START_TRACKING",
				"variantChanges": []any{map[string]any{"variantUuid": v[0], "fromLocationUuid": future[Supplier], "toLocationUuid": future[Store], "change": 5}},
			}},
		})
		return strings.Replace(string(b), `"returnBalanceForLocationUuid":"",`, "", 1)
	}
	// Stock cannot move in the request that creates the locations, even to
	// the UUIDs they are about to get.
	h.expectError(400, "POST", bulk, withMove(""), "no locations yet")
	h.expectError(400, "POST", bulk, withMove(future[Store]), "unknown location")
	b, _ := json.Marshal(map[string]any{"returnBalanceForLocationUuid": future[Store], "productChanges": []any{map[string]any{"productUuid": product, "trackingStatusChange": "START_TRACKING"}}})
	h.expectError(400, "POST", bulk, string(b), "unknown location")
	h.expectError(400, "POST", bulk, `{"productChanges":[{"productUuid":"`+product+`"}]}`, "no locations yet")
	h.expectError(404, "POST", bulk, trackingOnlyBulk("0b1e7f2c-7d1f-11ee-8c1a-0242ac120009"), "does not exist in the product library")

	move := `{"changes":[{"productUuid":"` + product + `","variantUuid":"` + v[0] + `","fromLocationUuid":"` + future[Supplier] +
		`","toLocationUuid":"` + future[Store] + `","change":5}]}`
	h.expectError(400, "PUT", "/organizations/self/inventory", move, "no locations yet")
	h.expectError(404, "GET", "/organizations/self/inventory/locations?type=STORE", "", "no STORE location")
	h.expectError(404, "POST", "/organizations/self/inventory/products", `{"locationType":"STORE","productUuids":["`+product+`"]}`, "no STORE location")
	h.expectError(404, "GET", "/organizations/self/inventory", "", "no STORE location")
	h.expectError(400, "GET", "/organizations/self/inventory/locations/"+future[Store], "", "no locations yet")
	h.expectError(400, "GET", "/organizations/self/inventory/locations/"+future[Store]+"/products/"+product, "", "no locations yet")
	lowStock := `{"productUuid":"` + product + `","variantUuid":"` + v[0] + `","lowStockLevel":3,"lowStockAlert":true}`
	h.expectError(404, "PUT", "/custom-low-stock/locations/"+future[Store], lowStock, "no locations yet")
	h.expectError(404, "GET", "/custom-low-stock/v2/locations/"+future[Store], "", "no locations yet")
	if err := h.org.Restock(product, v[0], 1); err == nil {
		t.Error("a restock succeeded before the locations exist")
	}

	if h.org.IsTracked(product) || len(h.org.Movements()) != 0 || h.org.LowStockCount() != 0 || len(h.listedLocations()) != 0 {
		t.Errorf("a refused request changed the model: tracked %v, movements %+v, locations %v",
			h.org.IsTracked(product), h.org.Movements(), h.listedLocations())
	}

	// Once tracking has started, the same movement goes through.
	if status, raw, _ := h.call("POST", bulk, trackingOnlyBulk(product)); status != 200 {
		t.Fatalf("tracking-only bulk: %d %s", status, raw)
	}
	if status, raw, _ := h.call("PUT", "/organizations/self/inventory", move); status != 200 || !strings.Contains(raw, `"balance":5`) {
		t.Errorf("move after the first start: %d %s", status, raw)
	}
}
