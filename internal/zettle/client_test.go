package zettle

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestQuantityDecodesStringsAndNumbers(t *testing.T) {
	for raw, want := range map[string]Quantity{`"42"`: qty("42"), `42`: qty("42"), `"2.5"`: qty("2.5"), `196`: qty("196"), `"-3"`: qty("-3"), `0`: {}} {
		var q Quantity
		if err := json.Unmarshal([]byte(raw), &q); err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if !q.Equal(want) {
			t.Errorf("%s decoded to %v, want %v", raw, q, want)
		}
	}
	for _, raw := range []string{`"abc"`, `true`, `""`, `"1"2`} {
		var q Quantity
		if err := json.Unmarshal([]byte(raw), &q); err == nil {
			t.Errorf("%s decoded to %v, want an error", raw, q)
		}
	}
}

func TestQuantityEncodesAsShortestNumber(t *testing.T) {
	b, err := json.Marshal(VariantChange{VariantUUID: "v", FromLocationUUID: "a", ToLocationUUID: "b", Change: qty("2.5")})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"variantUuid":"v","fromLocationUuid":"a","toLocationUuid":"b","change":2.5}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

// fakeAPI answers every request with status and body, and records the last
// request it saw.
type fakeAPI struct {
	status int
	body   string
	method string
	path   string
	header http.Header
	sent   string
}

func (f *fakeAPI) start(t *testing.T) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.method, f.path, f.header, f.sent = r.Method, r.URL.RequestURI(), r.Header.Clone(), string(b)
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.body)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{InventoryURL: srv.URL + "/", Tokens: StaticToken("tok"), UserAgent: "terraform-provider-zettle/1.2.3", APIVersion: APIVersionV2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBulkEncodesTheDocumentedRequest(t *testing.T) {
	f := &fakeAPI{status: 200, body: `{"locationUuid":"L","variants":[{"productUuid":"P","variantUuid":"V","balance":42}]}`}
	c := f.start(t)
	got, err := c.Bulk(context.Background(), BulkRequest{
		ReturnBalanceForLocationUUID: "L",
		ProductChanges: []ProductChange{{ProductUUID: "P", TrackingStatusChange: StartTracking,
			VariantChanges: []VariantChange{{VariantUUID: "V", FromLocationUUID: "S", ToLocationUUID: "L", Change: qty("42")}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.method != "POST" || f.path != "/organizations/self/v2/inventory/bulk" {
		t.Errorf("sent %s %s", f.method, f.path)
	}
	want := `{"returnBalanceForLocationUuid":"L","productChanges":[{"productUuid":"P","trackingStatusChange":"START_TRACKING","variantChanges":[{"variantUuid":"V","fromLocationUuid":"S","toLocationUuid":"L","change":42}]}]}`
	if f.sent != want {
		t.Errorf("body\n got %s\nwant %s", f.sent, want)
	}
	for header, value := range map[string]string{"Authorization": "Bearer tok", "Content-Type": "application/json", "User-Agent": "terraform-provider-zettle/1.2.3"} {
		if f.header.Get(header) != value {
			t.Errorf("%s = %q, want %q", header, f.header.Get(header), value)
		}
	}
	if b := got.ProductBalances("P"); !b["V"].Equal(qty("42")) {
		t.Errorf("balances %v", b)
	}
}

func TestLookupDecodesStringBalances(t *testing.T) {
	f := &fakeAPI{status: 200, body: `{"locationUuid":"L","trackedProducts":["P"],"variants":[{"locationUuid":"L","locationType":"STORE","productUuid":"P","variantUuid":"V","balance":"7.5"}],"latest":3}`}
	c := f.start(t)
	got, err := c.ProductBalances(context.Background(), LocationStore, []string{"P", "Q"})
	if err != nil {
		t.Fatal(err)
	}
	if f.sent != `{"locationType":"STORE","productUuids":["P","Q"]}` || f.path != "/organizations/self/inventory/products" {
		t.Errorf("sent %s %s", f.path, f.sent)
	}
	if !slices.Contains(got.TrackedProducts, "P") || slices.Contains(got.TrackedProducts, "Q") {
		t.Errorf("tracked %v", got.TrackedProducts)
	}
	if b := got.ProductBalances("P"); !b["V"].Equal(qty("7.5")) {
		t.Errorf("balances %v", b)
	}
}

func TestAPIErrorNamesOperationStatusAndMessage(t *testing.T) {
	f := &fakeAPI{status: 400, body: `{"errorType":"VALIDATION_ERROR","developerMessage":"change must be positive"}`}
	c := f.start(t)
	_, err := c.MoveStock(context.Background(), MovementRequest{})
	if err == nil || err.Error() != "move stock: HTTP 400 Bad Request: change must be positive" {
		t.Errorf("error %v", err)
	}
	if StatusOf(err) != 400 {
		t.Errorf("status %d", StatusOf(err))
	}

	f.status, f.body = 401, `{"developerMessage":"invalid token"}`
	_, err = c.Locations(context.Background())
	if err == nil || !strings.Contains(err.Error(), "list locations: HTTP 401 Unauthorized: the access token was rejected or has expired: invalid token") {
		t.Errorf("error %v", err)
	}

	f.status, f.body = 502, `<html>bad gateway</html>`
	_, err = c.Locations(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP 502 Bad Gateway: <html>bad gateway</html>") {
		t.Errorf("error %v", err)
	}
}

func TestStopTrackingTreatsNotFoundAsDone(t *testing.T) {
	f := &fakeAPI{status: 404, body: `{"developerMessage":"not tracked"}`}
	c := f.start(t)
	if err := c.Stop(context.Background(), "P"); err != nil {
		t.Errorf("404: %v", err)
	}
	if f.method != "DELETE" || f.path != "/organizations/self/inventory/products/P" {
		t.Errorf("sent %s %s", f.method, f.path)
	}
	f.status = 500
	if err := c.Stop(context.Background(), "P"); StatusOf(err) != 500 {
		t.Errorf("500: %v", err)
	}
}

func TestParseBaseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://inventory.izettle.com":  "https://inventory.izettle.com",
		"http://127.0.0.1:8080/":         "http://127.0.0.1:8080",
		"https://proxy.example/zettle//": "https://proxy.example/zettle",
	} {
		u, err := ParseBaseURL(raw)
		if err != nil || u.String() != want {
			t.Errorf("%s: %v %v", raw, u, err)
		}
	}
	for _, raw := range []string{"", "inventory.izettle.com", "ftp://x", "https://", "https://x/?a=b", "http://x/#f", "::"} {
		if _, err := ParseBaseURL(raw); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
}

func TestLowStockWireFormat(t *testing.T) {
	f := &fakeAPI{status: 204}
	c := f.start(t)
	ctx := context.Background()
	if err := c.SetLowStock(ctx, "L", LowStock{ProductUUID: "P", VariantUUID: "V", Alert: true}); err != nil {
		t.Fatal(err)
	}
	if want := `{"productUuid":"P","variantUuid":"V","lowStockLevel":null,"lowStockAlert":true}`; f.method != "PUT" || f.path != "/custom-low-stock/locations/L" || f.sent != want {
		t.Errorf("sent %s %s %s", f.method, f.path, f.sent)
	}

	f.status, f.body = 200, `{"productUuid":"P","customLowStockLevelForVariants":[{"variantUuid":"V","customLowStockLevel":5.0,"lowStockAlert":true},{"variantUuid":"W","customLowStockLevel":null,"lowStockAlert":true}]}`
	got, err := c.ProductLowStock(ctx, "L", "P")
	if err != nil {
		t.Fatal(err)
	}
	if f.path != "/custom-low-stock/v2/locations/L/products/P" || len(got) != 2 ||
		got[0].ProductUUID != "P" || got[0].Level == nil || *got[0].Level != 5 || !got[0].Alert || got[1].Level != nil || got[1].IsDefault() {
		t.Errorf("read %s: %+v", f.path, got)
	}

	f.status, f.body = 404, `{"developerMessage":"no setting"}`
	if err := c.DeleteLowStock(ctx, "L", VariantRef{ProductUUID: "P", VariantUUID: "V"}); err != nil || f.method != "DELETE" ||
		f.path != "/custom-low-stock/locations/L/products/P/variants/V" {
		t.Errorf("delete %s %s: %v", f.method, f.path, err)
	}
	f.status = 204
	if err := c.DeleteLowStocks(ctx, "L", []VariantRef{{ProductUUID: "P", VariantUUID: "V"}}); err != nil ||
		f.path != "/custom-low-stock/locations/L/delete" || f.sent != `{"requests":[{"productUuid":"P","variantUuid":"V"}]}` {
		t.Errorf("bulk delete %s %s: %v", f.path, f.sent, err)
	}
}
