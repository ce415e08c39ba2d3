package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const unknownUUID = "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009"

// lowStockPaths are the write path and the v2 read path of a location.
func lowStockPaths(location string) (write, read string) {
	return "/custom-low-stock/locations/" + location, "/custom-low-stock/v2/locations/" + location
}

// newLowStockHarness is a harness with its STORE location and that
// location's low-stock paths.
func newLowStockHarness(t *testing.T) (h *harness, store, write, read string) {
	h = newHarness(t)
	store = h.org.Location(Store)
	write, read = lowStockPaths(store)
	return h, store, write, read
}

// setting is one low-stock request body; rest adds fields, e.g.
// `,"lowStockAlert":true`.
func setting(product, variant, rest string) string {
	return `{"productUuid":"` + product + `","variantUuid":"` + variant + `"` + rest + `}`
}

func (h *harness) expectStatus(want int, method, path, body string) string {
	h.t.Helper()
	status, raw, _ := h.call(method, path, body)
	if status != want {
		h.t.Errorf("%s %s %s: %d %s, want %d", method, path, body, status, raw, want)
	}
	return raw
}

func TestLowStockLevelRendering(t *testing.T) {
	for level, want := range map[float64]string{5: "5.0", 2.5: "2.5", 0: "0.0", 1e21: "1000000000000000000000.0", 0.125: "0.125"} {
		if got, _ := json.Marshal(lowStockLevel(level)); string(got) != want {
			t.Errorf("%v is written %s, want %s", level, got, want)
		}
	}
}

func TestLowStockSetAndRead(t *testing.T) {
	h, store, write, read := newLowStockHarness(t)
	p1, v1 := h.org.AddProduct(2)
	p2, v2 := h.org.AddProduct(1)
	untouched, _ := h.org.AddProduct(1)

	if raw := h.expectStatus(204, "PUT", write, setting(p1, v1[0], `,"lowStockLevel":5,"lowStockAlert":true`)); raw != "" {
		t.Errorf("PUT answered a body: %s", raw)
	}
	h.expectStatus(204, "POST", write, `{"requests":[`+setting(p1, v1[1], `,"lowStockLevel":2.5`)+`,`+setting(p2, v2[0], `,"lowStockAlert":true`)+`]}`)
	if ls, ok := h.org.LowStock(store, p1, v1[0]); !ok || ls.Level == nil || *ls.Level != 5 || !ls.Alert {
		t.Errorf("model after PUT: %+v %v", ls, ok)
	}
	if ls, ok := h.org.LowStock(store, p2, v2[0]); !ok || ls.Level != nil || !ls.Alert {
		t.Errorf("an alert without a level: %+v %v", ls, ok)
	}
	if n := h.org.LowStockCount(); n != 3 {
		t.Errorf("%d settings, want 3", n)
	}

	status, raw, decoded := h.call("GET", read, "")
	for _, want := range []string{`"customLowStockLevel":5.0,"lowStockAlert":true`, `"customLowStockLevel":2.5,"lowStockAlert":false`, `"customLowStockLevel":null,"lowStockAlert":true`} {
		if !strings.Contains(raw, want) {
			t.Errorf("GET at location lacks %s: %s", want, raw)
		}
	}
	ans := decoded.(map[string]any)
	if status != 200 || ans["organizationUuid"] != h.org.UUID || ans["locationUuid"] != store || strings.Contains(raw, untouched) {
		t.Errorf("GET at location: %d %s", status, raw)
	}
	var products, p1Variants []string
	for _, p := range ans["customLowStockLevelsForProducts"].([]any) {
		p := p.(map[string]any)
		products = append(products, p["productUuid"].(string))
		for _, v := range p["customLowStockLevelForVariants"].([]any) {
			if p["productUuid"] == p1 {
				p1Variants = append(p1Variants, v.(map[string]any)["variantUuid"].(string))
			}
		}
	}
	if !slices.Equal(products, slices.Sorted(slices.Values([]string{p1, p2}))) || !slices.Equal(p1Variants, slices.Sorted(slices.Values(v1))) {
		t.Errorf("not sorted by product and variant: %s", raw)
	}

	// Settings are per location.
	_, otherRead := lowStockPaths(h.org.Location(Bin))
	if raw := h.expectStatus(200, "GET", otherRead, ""); !strings.Contains(raw, `"customLowStockLevelsForProducts":[]`) {
		t.Errorf("another location: %s", raw)
	}

	if raw := h.expectStatus(200, "GET", read+"/products/"+p2, ""); raw != `{"productUuid":"`+p2+`","customLowStockLevelForVariants":[{"variantUuid":"`+v2[0]+`","customLowStockLevel":null,"lowStockAlert":true}]}`+"\n" {
		t.Errorf("GET one product: %s", raw)
	}
	if raw := h.expectStatus(200, "GET", read+"/products/"+untouched, ""); !strings.Contains(raw, `"customLowStockLevelForVariants":[]`) {
		t.Errorf("GET a product without settings: %s", raw)
	}

	// Any JSON number is a level.
	h.expectStatus(204, "PUT", write, setting(p1, v1[0], `,"lowStockLevel":1e1`))
	if ls, _ := h.org.LowStock(store, p1, v1[0]); *ls.Level != 10 || ls.Alert {
		t.Errorf("after 1e1 and no alert: %+v", ls)
	}
}

func TestLowStockDefaultsDelete(t *testing.T) {
	h, store, write, read := newLowStockHarness(t)
	p, v := h.org.AddProduct(2)
	level := 3.0
	for _, body := range []string{
		setting(p, v[0], `,"lowStockLevel":null,"lowStockAlert":false`),
		setting(p, v[0], ``),
		`{"requests":[` + setting(p, v[0], `,"lowStockLevel":null`) + `]}`,
	} {
		h.org.SetLowStock(store, p, v[0], LowStock{Level: &level})
		method := "PUT"
		if strings.HasPrefix(body, `{"requests"`) {
			method = "POST"
		}
		h.expectStatus(204, method, write, body)
		if _, ok := h.org.LowStock(store, p, v[0]); ok {
			t.Errorf("%s %s left the setting", method, body)
		}
	}
	if raw := h.expectStatus(200, "GET", read, ""); strings.Contains(raw, p) {
		t.Errorf("a deleted setting is listed: %s", raw)
	}
	// So does the back office.
	h.org.SetLowStock(store, p, v[1], LowStock{Alert: true})
	h.org.SetLowStock(store, p, v[1], LowStock{})
	if n := h.org.LowStockCount(); n != 0 {
		t.Errorf("%d settings left, want 0", n)
	}
	// The model keeps its own copy of the level.
	h.org.SetLowStock(store, p, v[1], LowStock{Level: &level})
	level = 7
	if ls, _ := h.org.LowStock(store, p, v[1]); *ls.Level != 3 {
		t.Errorf("the model shares the caller's level: %v", *ls.Level)
	}
}

func TestLowStockDelete(t *testing.T) {
	h, store, write, _ := newLowStockHarness(t)
	p, v := h.org.AddProduct(3)
	for _, variant := range v {
		h.org.SetLowStock(store, p, variant, LowStock{Alert: true})
	}
	one := write + "/products/" + p + "/variants/" + v[0]
	if raw := h.expectStatus(202, "DELETE", one, ""); raw != "" {
		t.Errorf("DELETE answered a body: %s", raw)
	}
	h.expectStatus(202, "DELETE", one, "")
	h.expectStatus(202, "POST", write+"/delete", `{"requests":[{"productUuid":"`+p+`","variantUuid":"`+v[1]+`"}]}`)
	if _, ok := h.org.LowStock(store, p, v[2]); !ok || h.org.LowStockCount() != 1 {
		t.Errorf("%d settings left, want only %s's", h.org.LowStockCount(), v[2])
	}
	if n := h.sb.RequestCount("DELETE /custom-low-stock/locations/{location}/products/{product}/variants/{variant}", "POST /custom-low-stock/locations/{location}/delete"); n != 3 {
		t.Errorf("%d delete requests logged, want 3", n)
	}
}

func TestLowStockValidation(t *testing.T) {
	h, _, write, read := newLowStockHarness(t)
	p, v := h.org.AddProduct(1)
	other, _ := h.org.AddProduct(1)
	unknownWrite, unknownRead := lowStockPaths(unknownUUID)
	good := setting(p, v[0], `,"lowStockAlert":true`)
	for _, c := range []struct {
		status             int
		method, path, body string
		message            string
	}{
		{400, "PUT", "/custom-low-stock/locations/not-a-uuid", good, "not a valid UUID"},
		{404, "PUT", unknownWrite, good, "does not exist"},
		{404, "GET", unknownRead, "", "does not exist"},
		{404, "PUT", write, setting(unknownUUID, v[0], ""), "does not exist in the product library"},
		{400, "PUT", write, setting("not-a-uuid", v[0], ""), "not a valid UUID"},
		{400, "PUT", write, setting(p, "not-a-uuid", ""), "not a valid UUID"},
		{400, "PUT", write, setting(other, v[0], ""), "is not a variant of product"},
		{400, "PUT", write, setting(p, v[0], `,"lowStockLevel":-1`), "must not be negative"},
		{400, "PUT", write, setting(p, v[0], `,"lowStockLevl":1`), "malformed JSON"},
		{400, "PUT", write, setting(p, v[0], `,"lowStockLevel":"5"`), "malformed JSON"},
		{400, "POST", write, `{"requests":[]}`, "must not be empty"},
		{400, "POST", write, `{"requests":[` + good + `,` + setting(other, v[0], "") + `]}`, "is not a variant of product"},
		{400, "POST", write + "/delete", `{"requests":[` + good + `]}`, "malformed JSON"},
		{400, "POST", write + "/delete", `{"requests":[]}`, "must not be empty"},
		{400, "DELETE", write + "/products/" + other + "/variants/" + v[0], "", "is not a variant of product"},
		{404, "GET", read + "/products/" + unknownUUID, "", "does not exist in the product library"},
		{400, "GET", read + "/products/not-a-uuid", "", "not a valid UUID"},
	} {
		h.expectError(c.status, c.method, c.path, c.body, c.message)
	}
	if n := h.org.LowStockCount(); n != 0 {
		t.Errorf("rejected requests left %d settings", n)
	}
	if status, _, _ := h.callAs("", "GET", read, ""); status != 401 {
		t.Errorf("without a token: %d", status)
	}
}

func TestLowStockETags(t *testing.T) {
	h, store, _, read := newLowStockHarness(t)
	p, v := h.org.AddProduct(1)
	h.org.SetLowStock(store, p, v[0], LowStock{Alert: true})
	for _, path := range []string{read, read + "/products/" + p} {
		resp, _ := h.send(h.org.Token, "GET", path, "", nil)
		tag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) || len(tag) < 3 {
			t.Fatalf("GET %s: %d ETag %q", path, resp.StatusCode, tag)
		}
		for _, match := range []string{tag, "W/" + tag, `"other", ` + tag, "*"} {
			resp, raw := h.send(h.org.Token, "GET", path, "", http.Header{"If-None-Match": {match}})
			if resp.StatusCode != 304 || raw != "" || resp.Header.Get("ETag") != tag {
				t.Errorf("GET %s If-None-Match %s: %d %q ETag %q", path, match, resp.StatusCode, raw, resp.Header.Get("ETag"))
			}
		}

		// A change changes the tag, and the old one no longer matches.
		level := float64(len(path))
		h.org.SetLowStock(store, p, v[0], LowStock{Level: &level})
		resp, raw := h.send(h.org.Token, "GET", path, "", http.Header{"If-None-Match": {tag}})
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == tag || raw == "" {
			t.Errorf("GET %s after a change: %d ETag %q %s", path, resp.StatusCode, resp.Header.Get("ETag"), raw)
		}
	}
}
