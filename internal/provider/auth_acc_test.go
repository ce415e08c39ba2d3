package provider

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

const routeToken = "POST /token"

// apiKeyProviderBlock configures the provider with an API key and no
// location, so that the STORE location is looked up.
func (e *testEnv) apiKeyProviderBlock(key, clientID string) string {
	block := fmt.Sprintf("provider \"zettle\" {\n  api_key       = %q\n  oauth_url     = %q\n  inventory_url = %q\n", key, e.url, e.url)
	if clientID != "" {
		block += fmt.Sprintf("  client_id     = %q\n", clientID)
	}
	return block + "}\n"
}

// trackedProducts declares a chain of tracking resources, each starting one
// variant at 5, created one after the other.
func trackedProducts(e *testEnv, n int) (config string, products, variants []string) {
	for i := range n {
		product, vs := e.org.AddProduct(1)
		products, variants = append(products, product), append(variants, vs[0])
		dependsOn := ""
		if i > 0 {
			dependsOn = fmt.Sprintf("  depends_on = [zettle_inventory_tracking.p%d]\n", i-1)
		}
		config += resourceBlock(fmt.Sprintf("p%d", i), product, fmt.Sprintf("  initial_balances = { %q = 5 }\n%s", vs[0], dependsOn))
	}
	return config, products, variants
}

// expectAPIKeyRuns asserts what a provider authenticated with an API key
// did: every exchange succeeded and sent clientID, every Inventory API
// request was accepted and carried clientID as its application ID, and the
// STORE location was looked up at most once per provider run (each run
// exchanges the key once).
func (e *testEnv) expectAPIKeyRuns(clientID string) resource.TestCheckFunc {
	return checkSandbox(func() error {
		exchanges, lookups := 0, 0
		for _, r := range e.sb.Requests() {
			switch {
			case r.Route == routeToken:
				exchanges++
				form, _ := url.ParseQuery(r.Body)
				if r.Status != 200 || form.Get("client_id") != clientID {
					return fmt.Errorf("token exchange answered %d for client_id %q, want 200 for %q", r.Status, form.Get("client_id"), clientID)
				}
			case r.Status == 401:
				return fmt.Errorf("%s was refused with 401: the token was not renewed in time", r.Route)
			case r.ApplicationID != clientID:
				return fmt.Errorf("%s carried application ID %q, want %q", r.Route, r.ApplicationID, clientID)
			case r.Route == routeLocations:
				lookups++
			}
		}
		if exchanges == 0 || lookups == 0 || lookups > exchanges {
			return fmt.Errorf("%d token exchanges and %d location lookups; want at least one of each, and no more lookups than provider runs", exchanges, lookups)
		}
		return nil
	})
}

func testAccAPIKey(t *testing.T, withClientID bool) {
	e := newTestEnv(t)
	key := e.org.AddAPIKey()
	clientID := ""
	if withClientID {
		clientID = key.ClientID
	}
	resources, products, variants := trackedProducts(e, 3)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(products[0], false),
		Steps: []resource.TestStep{{
			Config: e.apiKeyProviderBlock(key.Key, clientID) + resources,
			ConfigStateChecks: []statecheck.StateCheck{
				// The STORE location was found without being configured.
				statecheck.ExpectKnownValue("zettle_inventory_tracking.p0", tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
				statecheck.ExpectKnownValue("zettle_inventory_tracking.p2", tfjsonpath.New("balances"),
					knownvalue.MapExact(map[string]knownvalue.Check{variants[2]: knownvalue.Float64Exact(5)})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				e.expectTracked(products[2], true),
				e.expectBalance(sandbox.Store, products[1], variants[1], 5),
				e.expectAPIKeyRuns(key.ClientID),
			),
		}},
	})
}

func TestAccProvider_apiKeyWithClientID(t *testing.T) { testAccAPIKey(t, true) }

// Without client_id the provider reads it from the key's JWT payload: the
// exchanges and the application ID carry the key's client ID.
func TestAccProvider_apiKeyClientIDFromJWT(t *testing.T) { testAccAPIKey(t, false) }

// Tokens live one second here, and the apply takes longer: five resources
// created one after the other, each answer delayed. The provider must renew
// the token before it expires, so no request is ever refused.
func TestAccProvider_tokenRenewedMidRun(t *testing.T) {
	e := newTestEnv(t)
	key := e.org.AddAPIKey()
	lifetime := time.Second
	e.sb.SetTokenLifetime(lifetime)
	e.sb.SetLatency(250 * time.Millisecond)
	resources, products, variants := trackedProducts(e, 5)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: e.apiKeyProviderBlock(key.Key, "") + resources,
			Check: resource.ComposeAggregateTestCheckFunc(
				e.expectBalance(sandbox.Store, products[4], variants[4], 5),
				e.expectAPIKeyRuns(key.ClientID),
				checkSandbox(func() error {
					// The bulk requests all come from the one apply run.
					var bulks, exchanges []time.Time
					for _, r := range e.sb.Requests() {
						switch r.Route {
						case routeBulk:
							bulks = append(bulks, r.At)
						case routeToken:
							exchanges = append(exchanges, r.At)
						}
					}
					first, last := bulks[0], bulks[len(bulks)-1]
					renewals := 0
					for _, at := range exchanges {
						if at.After(first) && at.Before(last) {
							renewals++
						}
					}
					if last.Sub(first) <= lifetime {
						return fmt.Errorf("the apply took %v, not longer than the token lifetime %v: the test proves nothing", last.Sub(first), lifetime)
					}
					if renewals == 0 {
						return fmt.Errorf("no token was exchanged during the apply, which outlived its token")
					}
					return nil
				}),
			),
		}},
	})
}

func TestAccProvider_invalidAPIKey(t *testing.T) {
	e := newTestEnv(t)
	key := e.org.AddAPIKey()
	e.org.RevokeAPIKey(key.Key)
	product, _ := e.org.AddProduct(1)

	expectApplyFails(t, e, e.apiKeyProviderBlock(key.Key, "")+resourceBlock("test", product, ""),
		product, errorPattern("exchange the API key for an access token: HTTP 400 Bad Request",
			"the API key is invalid or has been revoked", "invalid_grant"))
	for _, r := range e.sb.Requests() {
		if r.Route != routeToken || r.Status != 400 {
			t.Errorf("sandbox saw %s answered %d; want only refused token exchanges", r.Route, r.Status)
		}
	}
}

// With a token and no location_uuid anywhere, the STORE location is looked
// up; imports by product UUID alone use it too.
func TestAccProvider_discoversStoreLocation(t *testing.T) {
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	provider := fmt.Sprintf("provider \"zettle\" {\n  access_token  = %q\n  inventory_url = %q\n}\n", e.org.Token, e.url)
	config := provider + resourceBlock("test", product, "") +
		fmt.Sprintf("resource \"zettle_inventory_low_stock\" \"test\" {\n  product_uuid = %q\n  variant_uuid = %q\n  low_stock_alert = true\n}\n", product, variants[0])

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
					statecheck.ExpectKnownValue(lowStockAddr, tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectTracked(product, true),
					e.expectLowStock(product, variants[0], nil, true),
				),
			},
			{ResourceName: trackingAddr, ImportState: true, ImportStateId: product, ImportStateVerify: true},
			{ResourceName: lowStockAddr, ImportState: true, ImportStateId: product + "/" + variants[0], ImportStateVerify: true},
		},
	})
}
