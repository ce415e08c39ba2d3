package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestLibraryAnswersTheCatalogue(t *testing.T) {
	h := newHarness(t)
	added, err := h.org.LoadProducts(strings.NewReader(`[
		{"name": "Beans", "category": {"name": "Coffee"}, "variants": [
			{"name": "250 g", "sku": "B-250", "barcode": "735001", "price": {"amount": 9900, "currencyId": "SEK"}},
			{"name": "1 kg", "sku": "B-1000", "barcode": "735002"}]},
		{"uuid": "6EBF8D51-7D1F-11EE-8C1A-0242AC120002", "name": "Espresso", "category": {"name": "Coffee"},
		 "variants": [{"uuid": "6ebf8d51-7d1f-11ee-8c1a-0242ac120003", "name": ""}]},
		{"name": "Gift card", "category": null, "variants": [{"name": "Any"}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 3 || added[1].UUID != "6ebf8d51-7d1f-11ee-8c1a-0242ac120002" {
		t.Fatalf("added %+v, want three products, the given UUID in lower case", added)
	}
	if added[0].Category.UUID != added[1].Category.UUID || added[2].Category != nil {
		t.Errorf("categories %+v, %+v, %+v: the two coffees must share one, the gift card have none", added[0].Category, added[1].Category, added[2].Category)
	}

	status, raw, _ := h.call("GET", "/organizations/self/library", "")
	if status != http.StatusOK {
		t.Fatalf("GET library: %d %s", status, raw)
	}
	var lib struct {
		Products        []Product `json:"products"`
		DeletedProducts []string  `json:"deletedProducts"`
	}
	if err := json.Unmarshal([]byte(raw), &lib); err != nil {
		t.Fatal(err)
	}
	if len(lib.Products) != 3 || lib.Products[0].Name != "Beans" || lib.Products[0].Variants[0].SKU != "B-250" ||
		lib.Products[0].Variants[0].Price.Amount != 9900 || lib.Products[0].Variants[0].Price.CurrencyID != "SEK" ||
		lib.Products[0].Variants[1].Price != nil || lib.Products[0].Category.Name != "Coffee" {
		t.Errorf("library %s: want the catalogue as loaded", raw)
	}
	if !strings.Contains(raw, `"category":null`) {
		t.Errorf("library %s: a product without a category must answer category null", raw)
	}

	status, raw, _ = h.call("GET", "/organizations/self/categories/v2", "")
	if status != http.StatusOK || strings.Count(raw, `"name"`) != 1 || !strings.Contains(raw, `"Coffee"`) {
		t.Errorf("GET categories: %d %s, want the one category", status, raw)
	}
	status, raw, _ = h.call("GET", "/organizations/self/products/v2", "")
	if status != http.StatusOK || strings.Count(raw, `"etag"`) != 3 {
		t.Errorf("GET products/v2: %d %s, want three products", status, raw)
	}
}

func TestLibraryProductByUUIDWithETag(t *testing.T) {
	h := newHarness(t)
	p, _ := h.org.AddProduct(2)
	resp, raw := h.send(h.org.Token, "GET", "/organizations/self/products/"+strings.ToUpper(p), "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(raw, `"uuid":"`+p+`"`) || resp.Header.Get("ETag") == "" {
		t.Fatalf("GET product: %d %s, ETag %q: want the product, in lower case, with an ETag", resp.StatusCode, raw, resp.Header.Get("ETag"))
	}
	again, _ := h.send(h.org.Token, "GET", "/organizations/self/products/"+p, "", http.Header{"If-None-Match": {resp.Header.Get("ETag")}})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("GET product with If-None-Match: %d, want 304", again.StatusCode)
	}
	h.expectError(http.StatusNotFound, "GET", "/organizations/self/products/"+newUUID(), "", "not found")
	status, raw, decoded := h.call("GET", "/organizations/self/products/not-a-uuid", "")
	violations, _ := decoded.(map[string]any)["violations"].([]any)
	if status != http.StatusBadRequest || len(violations) != 1 {
		t.Errorf("GET product by a malformed UUID: %d %s, want 400 with one violation", status, raw)
	}
}

func TestLibraryPagesFollowTheLink(t *testing.T) {
	h := newHarness(t)
	for range 7 {
		h.org.AddProduct(1)
	}
	check := func(path string, wantPages int) {
		t.Helper()
		pages := h.pages("GET", path, "")
		if len(pages) != wantPages {
			t.Errorf("GET %s: %d pages, want %d", path, len(pages), wantPages)
		}
		seen := map[string]bool{}
		for _, page := range pages {
			var lib libraryAnswer
			if err := json.Unmarshal([]byte(page), &lib); err != nil {
				t.Fatal(err)
			}
			for _, p := range lib.Products {
				if seen[p.UUID] {
					t.Errorf("GET %s: product %s on two pages", path, p.UUID)
				}
				seen[p.UUID] = true
			}
		}
		if len(seen) != 7 {
			t.Errorf("GET %s: %d products over the pages, want 7", path, len(seen))
		}
	}
	check("/organizations/self/library", 1)
	check("/organizations/self/library?limit=3", 3)
	h.sb.SetPageSize(2)
	check("/organizations/self/library", 4)
	check("/organizations/self/library?limit=1", 7)

	for _, bad := range []string{"limit=0", "limit=501", "limit=x", "offset=-1", "eventLogUuid=" + newUUID()} {
		status, raw, _ := h.call("GET", "/organizations/self/library?"+bad, "")
		if status != http.StatusBadRequest || !strings.Contains(raw, `"violations"`) {
			t.Errorf("GET library?%s: %d %s, want 400 with violations", bad, status, raw)
		}
	}
}

func TestLibraryRefusesWhatTheAPIRefuses(t *testing.T) {
	h := newHarness(t)
	taken, takenVariants := h.org.AddProduct(1)
	long := strings.Repeat("x", 65)
	for _, c := range []struct{ catalogue, want string }{
		{`[{"name": "", "variants": [{}]}]`, "needs a name"},
		{`[{"name": "No variants", "variants": []}]`, "1 to 99 variants"},
		{`[{"name": "Long SKU", "variants": [{"sku": "` + long + `"}]}]`, "at most 64"},
		{`[{"uuid": "` + taken + `", "name": "Taken", "variants": [{}]}]`, "taken already"},
		{`[{"name": "Bad UUID", "variants": [{"uuid": "nope"}]}]`, "not a valid UUID"},
		{`[{"name": "Another's variant", "variants": [{"uuid": "` + takenVariants[0] + `"}]}]`, "taken already"},
		{`[{"uuid": "` + takenVariants[0] + `", "name": "A variant's UUID", "variants": [{}]}]`, "taken already"},
		{`[{"name": "Twice", "variants": [{"uuid": "` + taken[:35] + `9"}, {"uuid": "` + taken[:35] + `9"}]}]`, "taken already"},
		{`{"products": [{"name": "Fine", "variants": [{}]}, {"name": "", "variants": [{}]}]}`, "product 2"},
		{`not json`, "not a JSON list"},
	} {
		if _, err := h.org.LoadProducts(strings.NewReader(c.catalogue)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadProducts(%s): %v, want an error containing %q", c.catalogue, err, c.want)
		}
	}
	if n := len(h.org.LibraryProducts()); n != 1 {
		t.Errorf("the library has %d products after refused catalogues, want only the first product", n)
	}
}

func TestInventoryRefusesProductsNotInTheLibrary(t *testing.T) {
	h := newHarness(t)
	unknown := newUUID()
	h.expectError(http.StatusNotFound, "POST", "/organizations/self/v2/inventory/bulk",
		fmt.Sprintf(`{"productChanges":[{"productUuid":%q,"trackingStatusChange":"START_TRACKING","variantChanges":[]}]}`, unknown),
		"does not exist in the product library")
	status, raw, _ := h.call("POST", "/v3/products", fmt.Sprintf(`[{"productUuid":%q,"tracking":"enable"}]`, unknown))
	if status < 400 {
		t.Errorf("v3 enable of a product not in the library: %d %s, want it refused", status, raw)
	}
}

func TestLibraryServedWhenAnInventoryVersionIsOff(t *testing.T) {
	h := newHarness(t)
	h.org.AddProduct(1)
	h.sb.SetAPIVersions(false, true)
	if status, raw, _ := h.call("GET", "/organizations/self/library", ""); status != http.StatusOK {
		t.Errorf("GET library with v2 off: %d %s, want it served: it is the Product Library's", status, raw)
	}
	if status, _, _ := h.call("GET", "/organizations/self/locations", ""); status != http.StatusNotFound {
		t.Errorf("GET v2 locations with v2 off: %d, want 404", status)
	}
}
