package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// A new organization: Zettle creates its locations only when tracking first
// starts, so the first apply must start tracking, learn the STORE location
// and only then move the initial stock.

// newOrganizationTestEnv is a testEnv whose organization has no locations
// until tracking first starts.
func newOrganizationTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvServing(t, servesV2, sandbox.OrgSpec{NewOrganization: true})
}

// defaultProviderBlock configures the provider with credentials and the
// inventory URL only, as a new merchant would: no location_uuid.
func (e *testEnv) defaultProviderBlock(extra string) string {
	return fmt.Sprintf(`
provider "zettle" {
  access_token  = %q
  inventory_url = %q
%s}
`, e.org.Token, e.url, extra)
}

// expectFirstStartOrder asserts the order of the first apply's requests:
// only (empty) location listings before the first bulk request, which only
// starts tracking; the locations listed again after it and before any
// movement; each product started in one bulk request, and nothing else. A
// product whose start came after the locations existed takes the usual path,
// a bulk request that names the STORE location and moves its stock. exact,
// when not nil, gives the number of bulk requests and movements wanted.
func (e *testEnv) expectFirstStartOrder(products map[string]string, exact *[2]int) func() error {
	return func() error {
		var routes []string
		started := map[string]int{}
		for _, r := range e.sb.Requests() {
			routes = append(routes, r.Route)
			if r.Route != routeBulk {
				continue
			}
			var body struct {
				ReturnBalanceForLocationUUID *string `json:"returnBalanceForLocationUuid"`
				ProductChanges               []struct {
					ProductUUID          string `json:"productUuid"`
					TrackingStatusChange string `json:"trackingStatusChange"`
					VariantChanges       []any  `json:"variantChanges"`
				} `json:"productChanges"`
			}
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				return err
			}
			first := len(started) == 0
			for _, pc := range body.ProductChanges {
				if pc.TrackingStatusChange != "START_TRACKING" {
					return fmt.Errorf("bulk request %s does not start tracking", r.Body)
				}
				if (first || body.ReturnBalanceForLocationUUID == nil) && len(pc.VariantChanges) > 0 {
					return fmt.Errorf("bulk request %s moves stock before the organization has locations", r.Body)
				}
				started[pc.ProductUUID]++
			}
			if first && body.ReturnBalanceForLocationUUID != nil {
				return fmt.Errorf("first bulk request %s names a location, which a new organization does not have", r.Body)
			}
		}
		firstBulk := slices.Index(routes, routeBulk)
		if firstBulk < 1 {
			return fmt.Errorf("requests %v: want location listings, then a bulk request", routes)
		}
		for _, r := range routes[:firstBulk] {
			if r != routeLocations && r != routeProbe {
				return fmt.Errorf("requests %v: %s before tracking started", routes, r)
			}
		}
		relisted := slices.Index(routes[firstBulk:], routeLocations)
		firstMove := slices.Index(routes[firstBulk:], routeMove)
		if relisted < 0 || firstMove < 0 || relisted > firstMove {
			return fmt.Errorf("requests %v: want the locations listed again after tracking started, then movements", routes)
		}
		// A start once the locations exist first checks, with a product
		// lookup, that its product is not tracked already.
		for _, r := range routes {
			if !slices.Contains([]string{routeProbe, routeLocations, routeBulk, routeMove, routeProductLookup}, r) {
				return fmt.Errorf("requests %v: unexpected %s", routes, r)
			}
		}
		for p := range products {
			if started[p] != 1 {
				return fmt.Errorf("product %s started in %d bulk requests, want 1 (requests %v)", p, started[p], routes)
			}
		}
		if len(started) != len(products) {
			return fmt.Errorf("bulk requests started %v, want %v", started, slices.Sorted(maps.Keys(products)))
		}
		if exact != nil {
			if bulks, moves := e.sb.RequestCount(routeBulk), e.sb.RequestCount(routeMove); bulks != exact[0] || moves != exact[1] {
				return fmt.Errorf("requests %v: %d bulk requests and %d movements, want %d and %d", routes, bulks, moves, exact[0], exact[1])
			}
		}
		return nil
	}
}

// expectMovedInOnce asserts that the movement ledger holds exactly one
// movement per product, of its variant's target, from SUPPLIER to STORE, and
// nothing else: by a stock movement, or by the bulk request of a product that
// started once the locations existed.
func (e *testEnv) expectMovedInOnce(products map[string]string) func() error {
	return func() error {
		seen := map[string]bool{}
		for _, m := range e.org.Movements() {
			if v, ok := products[m.Product]; !ok || m.Variant != v || seen[m.Product] ||
				m.From != sandbox.Supplier || m.To != sandbox.Store || !m.Quantity.Equal(decimal.NewFromInt(forEachBalance)) || (m.Route != routeMove && m.Route != routeBulk) {
				return fmt.Errorf("unexpected movement %+v (ledger %+v)", m, e.org.Movements())
			}
			seen[m.Product] = true
		}
		if len(seen) != len(products) {
			return fmt.Errorf("ledger %+v: want one movement for each of %d products", e.org.Movements(), len(products))
		}
		for p, v := range products {
			if b := e.org.Balance(sandbox.Store, p, v); !e.org.IsTracked(p) || b != forEachBalance {
				return fmt.Errorf("product %s: tracked %v, balance %v; want tracked with %d", p, e.org.IsTracked(p), b, forEachBalance)
			}
		}
		return nil
	}
}

// isStore checks that a value is the STORE location the sandbox created.
func (e *testEnv) isStore() knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		if store := e.org.Location(sandbox.Store); store == "" || v != store {
			return fmt.Errorf("location_uuid %q, want the STORE location %q", v, store)
		}
		return nil
	})
}

func testNewOrganizationFirstApply(t *testing.T, batching string, exact *[2]int, released map[string]int) {
	const n = 3
	e := newOrganizationTestEnv(t)
	products := e.addProducts(n)
	provider := e.defaultProviderBlock(batching)
	config := provider + trackingForEach(products)

	var planUnknown []plancheck.PlanCheck
	var stateStore []statecheck.StateCheck
	for p := range products {
		planUnknown = append(planUnknown, plancheck.ExpectUnknownValue(instance(p), tfjsonpath.New("location_uuid")))
		stateStore = append(stateStore, statecheck.ExpectKnownValue(instance(p), tfjsonpath.New("location_uuid"), e.isStore()))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: planUnknown},
				ConfigStateChecks: append(stateStore,
					sandboxStateCheck(e.expectFirstStartOrder(products, exact)),
					sandboxStateCheck(e.expectMovedInOnce(products)),
				),
			},
			{
				// The location is known now, and equals the saved one.
				PreConfig: e.sb.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(func() error {
						if got := e.sb.RequestCount(routeBulk, routeMove); got != 0 {
							return fmt.Errorf("%d writes during a plan", got)
						}
						return e.expectMovedInOnce(products)()
					}),
				}},
			},
			e.expectReleased(provider, products, released),
		},
	})
}

// With the default batching, the starts that come together share requests;
// a start that comes once the locations exist takes the usual path.
func TestAccNewOrganization_firstApply(t *testing.T) {
	testNewOrganizationFirstApply(t, "", nil, map[string]int{routeStoreLookup: 1, routeStopTracking: 3})
}

// Batches that wait for all three starts: one tracking-only bulk request,
// one listing after it, one movement.
func TestAccNewOrganization_firstApplyInOneBatch(t *testing.T) {
	testNewOrganizationFirstApply(t, "  batching {\n    max_size = 3\n    max_wait = \"1s\"\n  }\n", &[2]int{1, 1},
		map[string]int{routeStoreLookup: 1, routeStopTracking: 3})
}

func TestAccNewOrganization_firstApplyWithoutBatching(t *testing.T) {
	testNewOrganizationFirstApply(t, "  batching {\n    enabled = false\n  }\n", nil, map[string]int{routeProductLookup: 3, routeStopTracking: 3})
}

// The first start gets no answer at all: the create fails, saved tainted
// without a location. The organization still has no locations, so the next
// refresh knows tracking never started; the next apply starts it, and the
// stock lands once.
func TestAccNewOrganization_firstStartWithoutAnAnswer(t *testing.T) {
	e := newOrganizationTestEnv(t)
	product, v := e.org.AddProduct(1)
	config := e.defaultProviderBlock("  max_retries = 1\n") + fmt.Sprintf(`
resource "zettle_inventory_tracking" "p" {
  product_uuid     = %q
  initial_balances = { %q = %d }
}
`, product, v[0], forEachBalance)
	e.sb.InjectFault(sandbox.Fault{Method: "POST", Route: routeBulkPattern, CutBeforeCommit: true, Times: 2})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: errorPattern("Tracking of product "+product+" may have started", "saved as tainted"),
			},
			{
				PreConfig: func() {
					if e.org.Location(sandbox.Store) != "" || len(e.org.Movements()) != 0 {
						t.Error("a start that got no answer changed the organization")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("zettle_inventory_tracking.p", plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue("zettle_inventory_tracking.p", tfjsonpath.New("location_uuid")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("zettle_inventory_tracking.p", tfjsonpath.New("location_uuid"), e.isStore()),
					sandboxStateCheck(e.expectMovedInOnce(map[string]string{product: v[0]})),
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// A low-stock setting needs the STORE location: on a new organization it
// fails clearly until tracking has started, and works once it depends on a
// tracking resource. The data sources answer without crashing.
func TestAccNewOrganization_lowStockAndDataSources(t *testing.T) {
	e := newOrganizationTestEnv(t)
	product, v := e.org.AddProduct(1)
	provider := e.defaultProviderBlock("")
	lowStock := fmt.Sprintf(`
resource "zettle_inventory_low_stock" "v" {
  product_uuid    = %q
  variant_uuid    = %q
  low_stock_level = 3
  low_stock_alert = true
%%s}
`, product, v[0])
	tracking := fmt.Sprintf(`
resource "zettle_inventory_tracking" "p" {
  product_uuid     = %q
  initial_balances = { %q = 4 }
}
`, product, v[0])

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: provider + `
data "zettle_inventory_locations" "all" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zettle_inventory_locations.all", tfjsonpath.New("locations"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			{
				Config: provider + `
data "zettle_inventory_balances" "store" {}
`,
				ExpectError: errorPattern("no STORE location", "tracking first starts"),
			},
			{
				Config:      provider + fmt.Sprintf(lowStock, ""),
				ExpectError: errorPattern("No STORE location yet", "zettle_inventory_tracking", "depends_on"),
			},
			{
				PreConfig: func() {
					if e.org.LowStockCount() != 0 || e.org.Location(sandbox.Store) != "" {
						t.Error("a failed apply changed the organization")
					}
				},
				Config: provider + tracking + fmt.Sprintf(lowStock, "  depends_on = [zettle_inventory_tracking.p]\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("zettle_inventory_tracking.p", tfjsonpath.New("location_uuid"), e.isStore()),
					statecheck.ExpectKnownValue("zettle_inventory_low_stock.v", tfjsonpath.New("location_uuid"), e.isStore()),
					sandboxStateCheck(func() error {
						ls, ok := e.org.LowStock(e.org.Location(sandbox.Store), product, v[0])
						if !ok || ls.Level == nil || *ls.Level != 3 || !ls.Alert {
							return fmt.Errorf("low stock setting %+v (found %v), want level 3 with the alert on", ls, ok)
						}
						if b := e.org.Balance(sandbox.Store, product, v[0]); b != 4 {
							return fmt.Errorf("balance %v, want 4", b)
						}
						return nil
					}),
				},
			},
			{
				Config:             provider + tracking + fmt.Sprintf(lowStock, "  depends_on = [zettle_inventory_tracking.p]\n"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				Config: provider + `
data "zettle_inventory_locations" "all" {}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zettle_inventory_locations.all", tfjsonpath.New("by_type"), knownvalue.MapSizeExact(4)),
				},
			},
		},
	})
}
