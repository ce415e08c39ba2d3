package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// Routes of Inventory API v3, as the sandbox's request log names them.
const (
	routeV3Tracking   = "POST /v3/products"
	routeV3Status     = "POST /v3/products/status"
	routeV3Movements  = "POST /v3/movements"
	routeV3Stock      = "GET /v3/stock/{inventory}"
	routeV3Product    = "GET /v3/stock/{inventory}/products/{product}"
	routeV3LowStock   = "POST /v3/custom-low-stock"
	routeV3Create     = "POST /v3/inventories"
	routeV3Inventory  = "GET /v3/inventories/{inventory}"
	v3RoutePathPrefix = " /v3/"
)

// every lists the three services the provider meets: v2 only (as before
// 2023), v3 only (as the live service may be now), and both.
var every = []apiVersions{servesV2, servesV3, servesBoth}

// spoken is the version the provider should speak to versions under
// api_version "auto": v3 whenever it is served.
func (v apiVersions) spoken() string {
	if v.v3 {
		return "v3"
	}
	return "v2"
}

// expectSpoken asserts that every request spoke the version the provider
// chose: under v2, only the probe went to /v3.
func (e *testEnv) expectSpoken(version string) func() error {
	return func() error {
		for _, r := range e.sb.Requests() {
			v3 := strings.Contains(r.Route, v3RoutePathPrefix)
			if r.Route == routeToken || (version == "v3") == v3 || (version == "v2" && r.Route == routeProbe && r.Status == 404) {
				continue
			}
			return fmt.Errorf("%s %s (route %q, HTTP %d) while speaking %s", r.Method, r.Path, r.Route, r.Status, version)
		}
		return nil
	}
}

// stopRoute is the request that stops tracking under a version.
func stopRoute(version string) string {
	if version == "v3" {
		return routeV3Tracking
	}
	return routeStopTracking
}

// stopRequests counts the requests that stopped tracking.
func (e *testEnv) stopRequests(version string) int {
	n := 0
	for _, r := range e.sb.Requests() {
		if r.Route == stopRoute(version) && (version == "v2" || strings.Contains(r.Body, `"disable"`)) {
			n++
		}
	}
	return n
}

// startingAt declares one tracking resource per product, each bringing its
// variant to balance; none when balance is "".
func startingAt(products map[string]string, balance string) string {
	var config string
	for _, p := range slices.Sorted(maps.Keys(products)) {
		extra := ""
		if balance != "" {
			extra = fmt.Sprintf("  initial_balances = { %q = %s }\n", products[p], balance)
		}
		config += resourceBlock("p"+p[:8], p, extra)
	}
	return config
}

// expectEachMovedIn asserts that each product's variant got balance moved
// in from SUPPLIER, once, and nothing else.
func (e *testEnv) expectEachMovedIn(products map[string]string, balance string) error {
	for p, v := range products {
		if err := e.expectLedger(p, v, balance+" SUPPLIER→STORE")(); err != nil {
			return err
		}
	}
	return nil
}

// The same configuration, with default settings, works against each
// service: tracking with initial balances, low stock, the data sources,
// refresh, import and destroy. Stock moves exactly once, and every request
// speaks the version the service answers.
func TestAccAPIVersions_lifecycle(t *testing.T) {
	for _, versions := range every {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			version := versions.spoken()
			p1, v1 := e.org.AddProduct(2)
			p2, _ := e.org.AddProduct(1)
			config := e.defaultProviderBlock("") + fmt.Sprintf(`
resource "zettle_inventory_tracking" "p1" {
  product_uuid     = %q
  initial_balances = { %q = 10, %q = 2.5 }
}

resource "zettle_inventory_tracking" "p2" {
  product_uuid = %q
}

resource "zettle_inventory_low_stock" "p1" {
  product_uuid    = %q
  variant_uuid    = %q
  low_stock_level = 3
  low_stock_alert = true
  depends_on      = [zettle_inventory_tracking.p1]
}

data "zettle_inventories" "all" {}

data "zettle_inventory_balances" "store" {
  product_uuids = [%q]
  depends_on    = [zettle_inventory_tracking.p1]
}
`, p1, v1[0], v1[1], p2, p1, v1[0], p1)

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				CheckDestroy: checkSandbox(func() error {
					if e.org.IsTracked(p1) || e.org.IsTracked(p2) {
						return fmt.Errorf("a product is still tracked after destroy")
					}
					if _, ok := e.org.LowStock(e.store(), p1, v1[0]); ok {
						return fmt.Errorf("the low-stock setting survived destroy")
					}
					return e.expectSpoken(version)()
				}),
				Steps: []resource.TestStep{
					{
						PreConfig: e.sb.ResetRequests,
						Config:    config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("zettle_inventory_tracking.p1", tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
							statecheck.ExpectKnownValue("zettle_inventory_tracking.p1", tfjsonpath.New("balances"),
								knownvalue.MapExact(map[string]knownvalue.Check{v1[0]: knownvalue.Float64Exact(10), v1[1]: knownvalue.Float64Exact(2.5)})),
							statecheck.ExpectKnownValue("zettle_inventory_low_stock.p1", tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
							statecheck.ExpectKnownValue("data.zettle_inventory_balances.store", tfjsonpath.New("tracked_products"),
								knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(p1)})),
							statecheck.ExpectKnownValue("data.zettle_inventories.all", tfjsonpath.New("inventories").AtSliceIndex(0),
								knownvalue.ObjectExact(map[string]knownvalue.Check{
									"uuid": knownvalue.StringExact(e.store()), "type": knownvalue.StringExact("STORE"), "default": knownvalue.Bool(true),
									"name": knownvalue.NotNull(), "description": knownvalue.NotNull(),
								})),
							statecheck.ExpectKnownValue("data.zettle_inventories.all", tfjsonpath.New("inventories"), knownvalue.ListSizeExact(4)),
						},
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							e.expectTracked(p1, true), e.expectTracked(p2, true),
							checkSandbox(e.expectLedger(p1, v1[0], "10 SUPPLIER→STORE")),
							checkSandbox(e.expectLedger(p1, v1[1], "2.5 SUPPLIER→STORE")),
							e.expectLowStock(p1, v1[0], ptr(3.0), true),
							checkSandbox(e.expectSpoken(version)),
							// One probe per run under auto, and nothing more for it.
							e.expectRequests(map[string]int{routeProbe: 2}),
						),
					},
					{
						ResourceName:      "zettle_inventory_tracking.p2",
						ImportState:       true,
						ImportStateId:     p2,
						ImportStateVerify: true,
					},
					{
						ResourceName:      "zettle_inventory_low_stock.p1",
						ImportState:       true,
						ImportStateId:     p1 + "/" + v1[0],
						ImportStateVerify: true,
					},
				},
			})
		})
	}
}

func ptr[T any](v T) *T { return &v }

// Destroying N tracked products under v3 disables them in bulk, a full
// batch per request; under v2 it stays one DELETE per product. The batches
// are full ones (fullBatches), so that the count does not depend on how
// closely a loaded machine spaces Terraform's calls.
func TestAccAPIVersions_destroyInBulk(t *testing.T) {
	const n = 10
	for _, versions := range every {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			version := versions.spoken()
			products := e.addProducts(n)
			provider := e.providerBlockWith(fullBatches)
			config := provider + startingAt(products, "")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig: e.sb.ResetRequests,
						Config:    provider,
						Check: checkSandbox(func() error {
							for p := range products {
								if e.org.IsTracked(p) {
									return fmt.Errorf("product %s is still tracked", p)
								}
							}
							stops := e.stopRequests(version)
							if version == "v2" && stops != n {
								return fmt.Errorf("%d DELETE requests for %d products, want one each", stops, n)
							}
							if version == "v3" && stops != 1 {
								return fmt.Errorf("%d disabling requests for %d products, want one bulk request", stops, n)
							}
							return e.expectSpoken(version)()
						}),
					},
				},
			})
		})
	}
}

// A version set in the provider block that the service does not answer
// fails with one error naming the 404 and what to set instead; nothing is
// changed.
func TestAccAPIVersions_configuredVersionNotServed(t *testing.T) {
	cases := []struct {
		versions   apiVersions
		configured string
		want       []string
	}{
		{servesV3, "v2", []string{`api_version is "v2"`, "does not answer Inventory API v2", "HTTP 404", `Set api_version = "v3", or "auto"`}},
		{servesV2, "v3", []string{`api_version is "v3"`, "does not answer Inventory API v3", "HTTP 404", `Set api_version = "v2", or "auto"`}},
	}
	for _, c := range cases {
		t.Run(c.configured+" against "+c.versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, c.versions, sandbox.OrgSpec{})
			product, _ := e.org.AddProduct(1)
			config := e.defaultProviderBlock(fmt.Sprintf("  api_version = %q\n", c.configured)) + resourceBlock("p", product, "")
			expectApplyFails(t, e, config, product, errorPattern(c.want...))
			if n := e.sb.RequestCount(); n != 1 {
				t.Errorf("%d requests, want the one listing that found no %s", n, c.configured)
			}
		})
	}
}

// An explicit version is spoken without a probe.
func TestAccAPIVersions_explicitVersionSendsNoProbe(t *testing.T) {
	for _, configured := range []string{"v2", "v3"} {
		t.Run(configured, func(t *testing.T) {
			e := newTestEnvServing(t, servesBoth, sandbox.OrgSpec{})
			product, v := e.org.AddProduct(1)
			config := e.defaultProviderBlock(fmt.Sprintf("  api_version = %q\n", configured)) +
				resourceBlock("p", product, fmt.Sprintf("  initial_balances = { %q = 4 }\n", v[0]))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{{
					PreConfig: e.sb.ResetRequests,
					Config:    config,
					Check: resource.ComposeAggregateTestCheckFunc(
						checkSandbox(e.expectLedger(product, v[0], "4 SUPPLIER→STORE")),
						checkSandbox(func() error {
							for _, r := range e.sb.Requests() {
								if (configured == "v2") == strings.Contains(r.Route, v3RoutePathPrefix) {
									return fmt.Errorf("%s %s while speaking %s", r.Method, r.Path, configured)
								}
							}
							return nil
						}),
					),
				}},
			})
		})
	}
}

// An answer lost after the service applied it: under v3 the enabling is
// sent again (it is safe to repeat), and a lost movement is reconciled by
// reading the balances, never by sending it again.
func TestAccAPIVersions_v3LostAnswersMoveStockOnce(t *testing.T) {
	for _, route := range []string{"/v3/products", "/v3/movements"} {
		t.Run(route, func(t *testing.T) {
			e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
			products := e.addProducts(3)
			e.sb.InjectFault(sandbox.Fault{Method: "POST", Route: route, CutAfterCommit: true})
			config := e.providerBlockWith("  max_retries = 3\n") + startingAt(products, "6")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: checkSandbox(func() error {
						if got := e.sb.FaultCounts(); len(got) == 0 {
							return fmt.Errorf("the fault was never injected")
						}
						if err := e.expectEachMovedIn(products, "6"); err != nil {
							return err
						}
						return e.expectSpoken("v3")()
					}),
				}},
			})
		})
	}
}

// A new organization under v3 has no inventories until tracking first
// starts: the first start enables tracking, which creates them, and stock
// then moves into the default STORE inventory once.
func TestAccAPIVersions_v3NewOrganization(t *testing.T) {
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{NewOrganization: true})
	products := e.addProducts(3)
	config := e.defaultProviderBlock("") + startingAt(products, "5")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkSandbox(func() error {
				routes := []string{}
				for _, r := range e.sb.Requests() {
					routes = append(routes, r.Route)
				}
				firstEnable, firstMove := slices.Index(routes, routeV3Tracking), slices.Index(routes, routeV3Movements)
				if firstEnable < 0 || firstMove < firstEnable {
					return fmt.Errorf("requests %v: want tracking enabled before any movement", routes)
				}
				if err := e.expectEachMovedIn(products, "5"); err != nil {
					return err
				}
				return e.expectSpoken("v3")()
			}),
		}},
	})
}

// A low-stock setting of a product that is not tracked: v2 reads it back;
// v3 reports settings only in the stock of tracked products, so the
// provider keeps what it set, warns, and the plan stays empty either way.
func TestAccAPIVersions_lowStockOfAnUntrackedProduct(t *testing.T) {
	for _, versions := range every {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			product, v := e.org.AddProduct(1)
			config := e.defaultProviderBlock("") + fmt.Sprintf(`
resource "zettle_inventory_low_stock" "p" {
  product_uuid    = %q
  variant_uuid    = %q
  low_stock_level = 4
}
`, product, v[0])
			warned := e.diags.expectWarning("ReadResource", "cannot be read back", product)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.providers(),
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						// The refresh after apply reads the setting back, or warns.
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), sandboxPlanCheck(func() error {
							err := warned()
							if !versions.v3 && err == nil {
								return fmt.Errorf("warned that the setting cannot be read back, which v2 can")
							}
							if versions.v3 {
								return err
							}
							return nil
						})},
					},
					Check: e.expectLowStock(product, v[0], ptr(4.0), false),
				}},
			})
		})
	}
}

// Every list is read page by page under both versions: with a page size of
// 2, a refresh of five products plans nothing, and the data sources list
// every inventory and balance.
func TestAccAPIVersions_everyPageIsRead(t *testing.T) {
	const n = 5
	for _, versions := range every {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			e.sb.SetPageSize(2)
			products := e.addProducts(n)
			config := e.providerBlock() + startingAt(products, "3")
			reads := config + `
data "zettle_inventories" "all" {}

data "zettle_inventory_balances" "store" {}
`
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig: e.sb.ResetRequests,
						Config:    reads,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("data.zettle_inventories.all", tfjsonpath.New("inventories"), knownvalue.ListSizeExact(4)),
							statecheck.ExpectKnownValue("data.zettle_inventory_balances.store", tfjsonpath.New("balances"), knownvalue.ListSizeExact(n)),
							statecheck.ExpectKnownValue("data.zettle_inventory_balances.store", tfjsonpath.New("tracked_products"), knownvalue.ListSizeExact(n)),
						},
						Check: checkSandbox(func() error {
							paged := 0
							for _, r := range e.sb.Requests() {
								if strings.Contains(r.Query, "cursor=") {
									paged++
								}
							}
							if paged == 0 {
								return fmt.Errorf("no request followed a next page")
							}
							if err := e.expectEachMovedIn(products, "3"); err != nil {
								return err
							}
							return e.expectSpoken(versions.spoken())()
						}),
					},
				},
			})
		})
	}
}

// A storm of 429s on every write is waited out under both versions, with
// the stock moved once.
func TestAccAPIVersions_rateLimitedWritesAreRetried(t *testing.T) {
	for _, versions := range every {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			products := e.addProducts(3)
			e.sb.InjectFault(sandbox.Fault{Method: "POST", Status: 429, RetryAfter: "0", Times: 4})
			config := e.providerBlock() + startingAt(products, "2")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{{
					Config: config,
					Check: checkSandbox(func() error {
						if got := e.sb.FaultCounts()["HTTP 429"]; got != 4 {
							return fmt.Errorf("%d 429s answered, want 4", got)
						}
						if err := e.expectEachMovedIn(products, "2"); err != nil {
							return err
						}
						return nil
					}),
				}},
			})
		})
	}
}

// An import that names a location where balances are not kept is refused,
// naming location_uuid, under both versions.
func TestAccAPIVersions_importAtALocationOtherThanStoreIsRefused(t *testing.T) {
	for _, versions := range every {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			product, _ := e.org.AddProduct(1)
			e.org.SetTracking(product, true)
			config := e.providerBlock() + resourceBlock("p", product, "")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{{
					Config:        config,
					ResourceName:  "zettle_inventory_tracking.p",
					ImportState:   true,
					ImportStateId: e.org.Location(sandbox.Bin) + "/" + product,
					ExpectError:   errorPattern("Not a STORE location", "location_uuid", "is the BIN location"),
				}},
			})
		})
	}
}
