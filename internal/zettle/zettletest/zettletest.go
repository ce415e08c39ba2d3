// Package zettletest serves the sandbox to the tests of the client and of
// the stock rules, with clients configured for it.
package zettletest

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Routes of Inventory API v2, as the sandbox's request log names them.
const (
	RouteLocations       = "GET /organizations/{org}/locations"
	RouteBulk            = "POST /organizations/{org}/v2/inventory/bulk"
	RouteProductLookup   = "POST /organizations/{org}/inventory/products"
	RouteMove            = "PUT /organizations/{org}/inventory"
	RouteStoreLookup     = "GET /organizations/{org}/inventory/locations"
	RouteSetLowStock     = "PUT /custom-low-stock/locations/{location}"
	RouteSetLowStocks    = "POST /custom-low-stock/locations/{location}"
	RouteReadLowStock    = "GET /custom-low-stock/v2/locations/{location}"
	RouteDeleteLowStock  = "DELETE /custom-low-stock/locations/{location}/products/{product}/variants/{variant}"
	RouteDeleteLowStocks = "POST /custom-low-stock/locations/{location}/delete"
)

// FastRetries retries as the provider does, with waits short enough for
// tests.
var FastRetries = zettle.Retries{MaxRetries: 3, WaitMin: time.Millisecond, WaitMax: 5 * time.Millisecond}

// BatchOf coalesces exactly n calls at once; a smaller batch waits an hour,
// so a test that does not fill its batches hangs instead of passing.
func BatchOf(n int) zettle.Batching {
	return zettle.Batching{Enabled: true, MaxWait: time.Hour, MaxSize: n}
}

// NewClient serves a new sandbox with one organization of spec on loopback
// for the length of t, and returns a client for it configured as cfg. It
// speaks v2 unless cfg says otherwise: most tests assert v2's requests.
func NewClient(t testing.TB, cfg zettle.Config, spec sandbox.OrgSpec) (*zettle.Client, *sandbox.Server, *sandbox.Org) {
	t.Helper()
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	org := sb.AddOrganization(spec)
	cfg.InventoryURL, cfg.ProductsURL, cfg.PusherURL, cfg.OrganizationURL, cfg.Tokens = srv.URL, srv.URL, srv.URL, srv.URL, zettle.StaticToken(org.Token)
	if cfg.APIVersion == "" {
		cfg.APIVersion = zettle.APIVersionV2
	}
	c, err := zettle.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, org
}
