package sandbox

import (
	"fmt"
	"testing"
)

// Beyond the rate, an Inventory API request is refused with 429 and
// Retry-After: 1, changes nothing, and is counted; the OAuth endpoint and
// the requests within the burst are served.
func TestRateLimitRefusesRequestsBeyondTheRate(t *testing.T) {
	h := newHarness(t)
	h.sb.SetRateLimit(0.001, 2)
	product, v := h.org.AddProduct(1)
	store, supplier := h.org.Location(Store), h.org.Location(Supplier)
	for i := range 2 {
		if status, raw, _ := h.call("GET", "/organizations/self/locations", ""); status != 200 {
			t.Fatalf("request %d within the burst: status %d (%s)", i+1, status, raw)
		}
	}
	body := fmt.Sprintf(`{"returnBalanceForLocationUuid":%q,"productChanges":[{"productUuid":%q,"trackingStatusChange":"START_TRACKING",`+
		`"variantChanges":[{"variantUuid":%q,"fromLocationUuid":%q,"toLocationUuid":%q,"change":5}]}]}`, store, product, v[0], supplier, store)
	resp, raw := h.send(h.org.Token, "POST", "/organizations/self/v2/inventory/bulk", body, nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("beyond the rate: status %d, Retry-After %q (%s); want 429 and 1", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	if h.org.IsTracked(product) || len(h.org.Movements()) != 0 {
		t.Error("a refused request changed the model")
	}
	if got := h.sb.RateLimited(); got != 1 {
		t.Errorf("%d requests counted as refused, want 1", got)
	}
	h.sb.SetRateLimit(0, 0)
	if status, raw, _ := h.call("GET", "/organizations/self/locations", ""); status != 200 {
		t.Errorf("with the limit off: status %d (%s)", status, raw)
	}
}
