package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

type harness struct {
	t   *testing.T
	sb  *Server
	url string
	org *Org
}

func newHarness(t *testing.T) *harness {
	sb := New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return &harness{t: t, sb: sb, url: srv.URL, org: sb.AddOrganization(OrgSpec{})}
}

// call sends a request with the organization's token and returns the status,
// the raw body and the body decoded as generic JSON.
func (h *harness) call(method, path, body string) (int, string, any) {
	return h.callAs(h.org.Token, method, path, body)
}

func (h *harness) callAs(token, method, path, body string) (int, string, any) {
	h.t.Helper()
	resp, raw := h.send(token, method, path, body, nil)
	var decoded any
	_ = json.Unmarshal([]byte(raw), &decoded)
	return resp.StatusCode, raw, decoded
}

// send sends a request with token (none when empty) and the given headers,
// and returns the answer with its body read.
func (h *harness) send(token, method, path, body string, header http.Header) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (h *harness) expectError(status int, method, path, body, message string) {
	h.t.Helper()
	got, raw, decoded := h.call(method, path, body)
	if got != status {
		h.t.Errorf("%s %s: status %d, want %d (%s)", method, path, got, status, raw)
		return
	}
	m, ok := decoded.(map[string]any)
	if !ok || !strings.Contains(m["developerMessage"].(string), message) {
		h.t.Errorf("%s %s: body %s, want a JSON error containing %q", method, path, raw, message)
	}
}

func (h *harness) bulk(product, variant string, change float64) string {
	b, _ := json.Marshal(map[string]any{
		"returnBalanceForLocationUuid": h.org.Location(Store),
		"productChanges": []any{map[string]any{
			"productUuid": product, "trackingStatusChange": "START_TRACKING",
			"variantChanges": []any{map[string]any{"variantUuid": variant, "fromLocationUuid": h.org.Location(Supplier), "toLocationUuid": h.org.Location(Store), "change": change}},
		}},
	})
	return string(b)
}

func TestAuthIsRequired(t *testing.T) {
	h := newHarness(t)
	other := h.sb.AddOrganization(OrgSpec{})
	for token, want := range map[string]int{"": 401, "wrong": 401, h.org.Token: 200} {
		if got, raw, _ := h.callAs(token, "GET", "/organizations/self/locations", ""); got != want {
			t.Errorf("token %q: %d %s, want %d", token, got, raw, want)
		}
	}
	if got, _, _ := h.call("GET", "/organizations/"+h.org.UUID+"/locations", ""); got != 200 {
		t.Errorf("own organization UUID: %d", got)
	}
	if got, _, _ := h.call("GET", "/organizations/"+other.UUID+"/locations", ""); got != 403 {
		t.Errorf("another organization: %d, want 403", got)
	}
}

func TestLocationsAreTheFourSystemLocations(t *testing.T) {
	h := newHarness(t)
	_, _, decoded := h.call("GET", "/organizations/self/locations", "")
	list := decoded.([]any)
	types := map[string]bool{}
	for _, l := range list {
		m := l.(map[string]any)
		types[m["type"].(string)] = true
		if m["uuid"] != h.org.Location(m["type"].(string)) || m["default"] != (m["type"] == Store) {
			t.Errorf("location %v", m)
		}
	}
	if len(list) != 4 || !types[Store] || !types[Supplier] || !types[Sold] || !types[Bin] {
		t.Errorf("locations %v", list)
	}
}

func TestBulkValidation(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	const bulk = "/organizations/self/v2/inventory/bulk"
	h.expectError(400, "POST", bulk, `{"productChanges": [`, "malformed JSON")
	h.expectError(400, "POST", bulk, `{"productChange": []}`, "malformed JSON")
	h.expectError(400, "POST", bulk, `{"productChanges": []}`, "must not be empty")
	h.expectError(400, "POST", bulk, h.bulk("not-a-uuid", v[0], 1), "not a valid UUID")
	h.expectError(404, "POST", bulk, h.bulk("0b1e7f2c-7d1f-11ee-8c1a-0242ac120009", v[0], 1), "does not exist in the product library")
	h.expectError(400, "POST", bulk, h.bulk(product, v[0], -1), "change must be positive")
	h.expectError(400, "POST", bulk, h.bulk(product, v[0], 0), "change must be positive")
	h.expectError(400, "POST", bulk, h.bulk(product, "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009", 1), "is not a variant of product")
	h.expectError(400, "POST", bulk, strings.Replace(h.bulk(product, v[0], 1), h.org.Location(Supplier), "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009", 1), "unknown location")
	h.expectError(400, "POST", bulk, strings.Replace(h.bulk(product, v[0], 1), "START_TRACKING", "STOP_TRACKING", 1), "unsupported value")
	if h.org.IsTracked(product) || h.org.Balance(Store, product, v[0]) != 0 {
		t.Error("a rejected request changed the model")
	}
}

func TestTrackingBalancesAndSavedLevels(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(2)

	// A movement answers balances as JSON numbers.
	status, raw, _ := h.call("POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 42))
	if status != 200 || !strings.Contains(raw, `"balance":42`) {
		t.Fatalf("bulk: %d %s", status, raw)
	}
	// A lookup answers them as JSON strings, with trackedProducts.
	body := `{"locationType":"STORE","productUuids":["` + product + `"]}`
	_, raw, _ = h.call("POST", "/organizations/self/inventory/products", body)
	if !strings.Contains(raw, `"balance":"42"`) || !strings.Contains(raw, `"trackedProducts":["`+product+`"]`) {
		t.Errorf("lookup: %s", raw)
	}
	if strings.Contains(raw, v[1]) {
		t.Errorf("lookup lists a zero balance: %s", raw)
	}

	// A sale moves stock from STORE to SOLD.
	if err := h.org.Sell(product, v[0], 2); err != nil {
		t.Fatal(err)
	}
	if h.org.Balance(Store, product, v[0]) != 40 || h.org.Balance(Sold, product, v[0]) != 2 {
		t.Errorf("after a sale: store %v sold %v", h.org.Balance(Store, product, v[0]), h.org.Balance(Sold, product, v[0]))
	}

	// Stopping keeps the levels but no longer reports them.
	if status, _, _ := h.call("DELETE", "/organizations/self/inventory/products/"+product, ""); status != 204 {
		t.Errorf("stop: %d", status)
	}
	_, raw, _ = h.call("POST", "/organizations/self/inventory/products", body)
	if !strings.Contains(raw, `"trackedProducts":[]`) || strings.Contains(raw, v[0]) {
		t.Errorf("lookup of an untracked product: %s", raw)
	}
	h.expectError(404, "DELETE", "/organizations/self/inventory/products/"+product, "", "not tracked")

	// Starting again brings the saved level back.
	status, raw, _ = h.call("POST", "/organizations/self/inventory", `{"productUuid":"`+product+`"}`)
	if status != 200 || !strings.Contains(raw, `"balance":"40"`) {
		t.Errorf("start again: %d %s", status, raw)
	}
}

func TestLookupsByLocationTypeAndProduct(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	untracked, _ := h.org.AddProduct(1)
	h.call("POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 5))
	for _, path := range []string{
		"/organizations/self/inventory/locations/" + h.org.Location(Store),
		"/organizations/self/inventory/locations?type=STORE",
		"/organizations/self/inventory",
	} {
		status, raw, _ := h.call("GET", path, "")
		if status != 200 || !strings.Contains(raw, `"balance":"5"`) || !strings.Contains(raw, `"locationType":"STORE"`) || strings.Contains(raw, untracked) {
			t.Errorf("GET %s: %d %s", path, status, raw)
		}
	}
	_, raw, _ := h.call("GET", "/organizations/self/inventory/locations/"+h.org.Location(Store)+"/products/"+product, "")
	if strings.Contains(raw, "trackedProducts") || !strings.Contains(raw, `"balance":"5"`) {
		t.Errorf("per-product GET: %s", raw)
	}
	_, _, decoded := h.call("GET", "/organizations/self/inventory", "")
	latest := decoded.(map[string]any)["latest"].(float64)
	_, raw, _ = h.call("GET", "/organizations/self/inventory?since="+strconv.FormatFloat(latest, 'f', -1, 64), "")
	if strings.Contains(raw, v[0]) {
		t.Errorf("since=latest still lists old changes: %s", raw)
	}
	h.expectError(400, "GET", "/organizations/self/inventory/locations?type=WAREHOUSE", "", "unknown location type")
	h.expectError(400, "GET", "/organizations/self/inventory/locations/not-a-uuid", "", "not a valid UUID")
	h.expectError(400, "GET", "/organizations/self/inventory/locations/0b1e7f2c-7d1f-11ee-8c1a-0242ac120009", "", "unknown location")
}

func TestMovementsRequireTrackingAndPositiveChanges(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	move := func(change string) string {
		return `{"changes":[{"productUuid":"` + product + `","variantUuid":"` + v[0] + `","fromLocationUuid":"` + h.org.Location(Supplier) +
			`","toLocationUuid":"` + h.org.Location(Store) + `","change":` + change + `}]}`
	}
	h.expectError(400, "PUT", "/organizations/self/inventory", move("3"), "is not tracked")
	h.org.SetTracking(product, true)
	h.expectError(400, "PUT", "/organizations/self/inventory", move("-3"), "change must be positive")
	status, raw, _ := h.call("PUT", "/organizations/self/inventory", move("3"))
	if status != 200 || !strings.Contains(raw, `"balance":3`) {
		t.Errorf("move: %d %s", status, raw)
	}
}

func TestFaultInjection(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.sb.InjectFault(Fault{Method: "GET", Route: "/organizations/{org}/locations", Status: 429, RetryAfter: "2", Times: 2})

	for range 2 {
		req, _ := http.NewRequest("GET", h.url+"/organizations/self/locations", nil)
		req.Header.Set("Authorization", "Bearer "+h.org.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
			t.Errorf("fault: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if status, _, _ := h.call("GET", "/organizations/self/locations", ""); status != 200 {
		t.Errorf("after the fault's two uses: %d", status)
	}

	// A cut connection after commit: no answer, but the change happened.
	h.sb.InjectFault(Fault{Route: "/organizations/{org}/v2/inventory/bulk", Method: "POST", CutAfterCommit: true})
	req, _ := http.NewRequest("POST", h.url+"/organizations/self/v2/inventory/bulk", strings.NewReader(h.bulk(product, v[0], 4)))
	req.Header.Set("Authorization", "Bearer "+h.org.Token)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("got an answer (%d) through a cut connection", resp.StatusCode)
	}
	if !h.org.IsTracked(product) || h.org.Balance(Store, product, v[0]) != 4 {
		t.Error("the cut request's change was not committed")
	}

	log := h.sb.Requests()
	if len(log) != 4 || log[0].Fault != "HTTP 429" || log[3].Fault != "connection cut after commit" || log[3].Status != 200 {
		t.Errorf("request log %+v", log)
	}
	if n := h.sb.RequestCount("GET /organizations/{org}/locations"); n != 3 {
		t.Errorf("count %d", n)
	}
}

func TestLatency(t *testing.T) {
	h := newHarness(t)
	h.sb.SetLatency(50 * time.Millisecond)
	start := time.Now()
	h.call("GET", "/organizations/self/locations", "")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered in %v with 50ms latency", d)
	}
}

func TestUnknownEndpoint(t *testing.T) {
	h := newHarness(t)
	h.expectError(404, "GET", "/organizations/self/nothing", "", "no such endpoint")
}

// A delayed request is served late; one whose client gave up first changes
// nothing.
func TestFaultDelay(t *testing.T) {
	h := newHarness(t)
	product, _ := h.org.AddProduct(1)
	stop := "/organizations/self/inventory/products/" + product
	h.org.SetTracking(product, true)
	h.sb.InjectFault(Fault{Method: "DELETE", Route: "/organizations/{org}/inventory/products/{product}", Delay: time.Hour})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "DELETE", h.url+stop, nil)
	req.Header.Set("Authorization", "Bearer "+h.org.Token)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("a request delayed an hour answered within 50 ms")
	}
	if !h.org.IsTracked(product) {
		t.Error("the request its client gave up on stopped tracking")
	}

	h.sb.InjectFault(Fault{Method: "DELETE", Route: "/organizations/{org}/inventory/products/{product}", Delay: 20 * time.Millisecond})
	start := time.Now()
	if status, raw, _ := h.call("DELETE", stop, ""); status != http.StatusNoContent || time.Since(start) < 20*time.Millisecond {
		t.Errorf("delayed request: %d %s after %v", status, raw, time.Since(start))
	}
	if h.org.IsTracked(product) {
		t.Error("the delayed request did not stop tracking")
	}
}

// UUIDs are taken in any case and answered in lower case.
func TestUUIDsAnsweredInLowerCase(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	upper := strings.ToUpper(product)
	body := fmt.Sprintf(`{"productChanges":[{"productUuid":%q,"trackingStatusChange":"START_TRACKING","variantChanges":[{"variantUuid":%q,"fromLocationUuid":%q,"toLocationUuid":%q,"change":3}]}]}`,
		upper, strings.ToUpper(v[0]), strings.ToUpper(h.org.Location(Supplier)), strings.ToUpper(h.org.Location(Store)))
	status, answer, _ := h.call("POST", "/organizations/self/v2/inventory/bulk", body)
	if status != http.StatusOK || strings.Contains(answer, upper) || !strings.Contains(answer, product) {
		t.Fatalf("bulk: %d %s", status, answer)
	}
	if !h.org.IsTracked(product) || h.org.Balance(Store, product, v[0]) != 3 {
		t.Error("the upper-case request did not act on the product")
	}
	status, answer, _ = h.call("GET", "/organizations/self/inventory/locations/"+strings.ToUpper(h.org.Location(Store)), "")
	if status != http.StatusOK || !strings.Contains(answer, `"trackedProducts":["`+product+`"]`) {
		t.Errorf("lookup: %d %s", status, answer)
	}
	if log := h.sb.Requests(); !strings.Contains(log[0].Body, upper) {
		t.Errorf("the request log does not keep the body as sent: %s", log[0].Body)
	}
}
