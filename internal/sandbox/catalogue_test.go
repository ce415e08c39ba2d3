package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func productJSON(id, variant, sku string, price int64, currency string) string {
	return fmt.Sprintf(`{"uuid":%q,"name":"Beans","variants":[{"uuid":%q,"name":"250 g","sku":%q,"price":{"amount":%d,"currencyId":%q}}]}`,
		id, variant, sku, price, currency)
}

func TestCreateProductWithClientUUIDs(t *testing.T) {
	h := newHarness(t)
	id, variant := newUUID(), newUUID()
	resp, raw := h.send(h.org.Token, "POST", "/organizations/self/products", productJSON(strings.ToUpper(id), variant, "B-250", 4990, "SEK"), nil)
	if resp.StatusCode != http.StatusCreated || raw != "" || !strings.HasSuffix(resp.Header.Get("Location"), "/products/"+id) {
		t.Fatalf("create: %d %q, Location %q: want 201, no body, the product's URL", resp.StatusCode, raw, resp.Header.Get("Location"))
	}
	p := h.org.LibraryProducts()
	if len(p) != 1 || p[0].UUID != id || p[0].Variants[0].Price.Amount != 4990 || p[0].ETag == "" {
		t.Fatalf("library %+v, want the product in lower case, with an ETag", p)
	}
	// The same UUID again is refused, never doubled.
	h.expectError(http.StatusConflict, "POST", "/organizations/self/products", productJSON(id, newUUID(), "B-250", 4990, "SEK"), "exists already")
	// A variant UUID another product holds, too.
	h.expectError(http.StatusConflict, "POST", "/organizations/self/products", productJSON(newUUID(), variant, "B-250", 4990, "SEK"), "taken")
	if n := len(h.org.LibraryProducts()); n != 1 {
		t.Errorf("%d products after refused creates, want 1", n)
	}
}

func TestCreateProductRefusals(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		name, body, property string
	}{
		{"a version 4 UUID", productJSON("6f1c7f4e-1d7a-4b8e-9c3a-0a1b2c3d4e5f", newUUID(), "S", 1, "SEK"), "uuid"},
		{"another currency", productJSON(newUUID(), newUUID(), "S", 1, "EUR"), "variants[0].price.currencyId"},
		{"a SKU too long", productJSON(newUUID(), newUUID(), strings.Repeat("s", 65), 1, "SEK"), "variants[0].sku"},
		{"no variants", fmt.Sprintf(`{"uuid":%q,"name":"Beans","variants":[]}`, newUUID()), "variants"},
		{"no name", fmt.Sprintf(`{"uuid":%q,"name":" ","variants":[{"uuid":%q}]}`, newUUID(), newUUID()), "name"},
	} {
		status, raw, decoded := h.call("POST", "/organizations/self/products", c.body)
		violations, _ := decoded.(map[string]any)["violations"].([]any)
		if status != http.StatusBadRequest || len(violations) != 1 || violations[0].(map[string]any)["propertyName"] != c.property {
			t.Errorf("%s: %d %s, want 400 with a violation of %s", c.name, status, raw, c.property)
		}
	}
	if n := len(h.org.LibraryProducts()); n != 0 {
		t.Errorf("%d products after refused creates, want none", n)
	}
}

func TestUpdateProductMergePatchWithIfMatch(t *testing.T) {
	h := newHarness(t)
	id, variant := newUUID(), newUUID()
	h.call("POST", "/organizations/self/products", `{"uuid":"`+id+`","name":"Beans","description":"Dark","unitName":"bag","variants":[{"uuid":"`+variant+`","name":"250 g","sku":"B-250"}]}`)
	get, _ := h.send(h.org.Token, "GET", "/organizations/self/products/"+id, "", nil)
	etag := get.Header.Get("ETag")
	if etag == "" || etag != h.org.LibraryProducts()[0].ETag {
		t.Fatalf("ETag %q, want the product's own", etag)
	}
	// A stale ETag changes nothing: 412, no body.
	resp, raw := h.send(h.org.Token, "PUT", "/organizations/self/products/v2/"+id, `{"name":"Other"}`, http.Header{"If-Match": {`"stale"`}})
	if resp.StatusCode != http.StatusPreconditionFailed || raw != "" || h.org.LibraryProducts()[0].Name != "Beans" {
		t.Fatalf("stale If-Match: %d %q, want 412 with no body and nothing changed", resp.StatusCode, raw)
	}
	// Only what the patch names changes; null removes; a list is replaced.
	added := newUUID()
	patch := `{"name":"House beans","description":null,"variants":[{"uuid":"` + variant + `","name":"250 g","sku":"B-250"},{"uuid":"` + added + `","name":"1 kg"}]}`
	resp, _ = h.send(h.org.Token, "PUT", "/organizations/self/products/v2/"+id, patch, http.Header{"If-Match": {etag}})
	p := h.org.LibraryProducts()[0]
	if resp.StatusCode != http.StatusNoContent || p.Name != "House beans" || p.Description != "" || p.UnitName != "bag" || len(p.Variants) != 2 {
		t.Fatalf("patch: %d, product %+v: want name changed, description removed, unit kept, 2 variants", resp.StatusCode, p)
	}
	if p.ETag == etag {
		t.Errorf("the ETag %s did not change with the write", etag)
	}
	// The added variant is the inventory's too.
	if h.org.variantOf[added] != id {
		t.Errorf("the added variant is not known to the inventory")
	}
	// The old ETag no longer matches.
	resp, _ = h.send(h.org.Token, "PUT", "/organizations/self/products/v2/"+id, `{"name":"x"}`, http.Header{"If-Match": {etag}})
	if resp.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("the first ETag again: %d, want 412", resp.StatusCode)
	}
}

func TestDeleteProductsInBulk(t *testing.T) {
	h := newHarness(t)
	var ids []string
	for range 3 {
		p, _ := h.org.AddProduct(1)
		ids = append(ids, p)
	}
	h.org.SetTracking(ids[0], true)
	resp, _ := h.send(h.org.Token, "DELETE", "/organizations/self/products?uuid="+ids[0]+"&uuid="+ids[1]+"&uuid="+newUUID(), "", nil)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("bulk delete: %d, want 204", resp.StatusCode)
	}
	if left := h.org.LibraryProducts(); len(left) != 1 || left[0].UUID != ids[2] || h.org.IsTracked(ids[0]) {
		t.Errorf("left %+v, want only the third, and no tracking of the first", left)
	}
	_, raw, _ := h.call("GET", "/organizations/self/library", "")
	var lib libraryAnswer
	_ = json.Unmarshal([]byte(raw), &lib)
	if len(lib.DeletedProducts) != 2 || lib.DeletedProducts[0] != ids[0] {
		t.Errorf("deletedProducts %v, want the two deleted", lib.DeletedProducts)
	}
	h.expectError(http.StatusNotFound, "DELETE", "/organizations/self/products/"+ids[0], "", "not found")
	// A deleted product's UUID is not taken again.
	h.expectError(http.StatusConflict, "POST", "/organizations/self/products", productJSON(ids[0], newUUID(), "S", 1, "SEK"), "exists already")
}

func TestCategoriesCreateRenameDelete(t *testing.T) {
	h := newHarness(t)
	id := newUUID()
	status, raw, _ := h.call("POST", "/organizations/self/categories/v2", `{"categories":[{"uuid":"`+id+`","name":"Coffee"}]}`)
	if status != http.StatusNoContent {
		t.Fatalf("create: %d %s", status, raw)
	}
	h.expectError(http.StatusConflict, "POST", "/organizations/self/categories/v2", `{"categories":[{"uuid":"`+id+`","name":"Coffee"}]}`, "exists already")
	product, variant := newUUID(), newUUID()
	h.call("POST", "/organizations/self/products", `{"uuid":"`+product+`","name":"Beans","category":{"uuid":"`+id+`"},"variants":[{"uuid":"`+variant+`"}]}`)
	if status, raw, _ := h.call("PATCH", "/organizations/self/categories/v2/"+id, `{"name":"Coffee beans"}`); status != http.StatusNoContent {
		t.Fatalf("rename: %d %s", status, raw)
	}
	if c := h.org.LibraryProducts()[0].Category; c == nil || c.Name != "Coffee beans" {
		t.Errorf("the product's category %+v, want the new name", c)
	}
	if status, _, _ := h.call("DELETE", "/organizations/self/categories/v2/"+id, ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	if c := h.org.LibraryProducts()[0].Category; c != nil {
		t.Errorf("the product's category %+v after delete, want none", c)
	}
	h.expectError(http.StatusNotFound, "DELETE", "/organizations/self/categories/v2/"+id, "", "not found")
}

func TestOrganizationSettingsNameTheCurrency(t *testing.T) {
	h := newHarness(t)
	status, raw, decoded := h.call("GET", "/api/resources/organizations/self", "")
	if status != http.StatusOK || decoded.(map[string]any)["currency"] != "SEK" {
		t.Errorf("organization: %d %s, want the currency SEK", status, raw)
	}
	gbp := h.sb.AddOrganization(OrgSpec{Currency: "GBP"})
	if _, raw, decoded := h.callAs(gbp.Token, "GET", "/api/resources/organizations/self", ""); decoded.(map[string]any)["currency"] != "GBP" {
		t.Errorf("organization: %s, want GBP", raw)
	}
}
