package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// The provider against a sandbox whose list answers come in small pages.

// routeStoreLookupPattern is routeStoreLookup as a Fault names it.
const routeStoreLookupPattern = "/organizations/{org}/inventory/locations"

// expectNoMoves asserts that the ledger holds no stock movement beyond the
// first before.
func (e *testEnv) expectNoMoves(before *int) func() error {
	return func() error {
		if moves := e.org.Movements(); len(moves) != *before {
			return fmt.Errorf("%d stock movements since the apply, want none: %v", len(moves)-*before, moves[*before:])
		}
		return nil
	}
}

// expectConfirmedInOneLookup asserts that one product lookup confirmed the
// given products, sorted, and that the sandbox saw exactly the requests want
// counts.
func (e *testEnv) expectConfirmedInOneLookup(products []string, want map[string]int) func() error {
	return func() error {
		lookups, err := e.productLookups()
		if err != nil {
			return err
		}
		if fmt.Sprint(lookups) != fmt.Sprint([][]string{products}) {
			return fmt.Errorf("product lookups %v, want one confirming %v", lookups, products)
		}
		return e.expectOnly(want)()
	}
}

// productLookups lists the products each product lookup the sandbox saw
// asked about.
func (e *testEnv) productLookups() ([][]string, error) {
	var out [][]string
	for _, r := range e.sb.Requests() {
		if r.Route != routeProductLookup {
			continue
		}
		var body struct {
			ProductUUIDs []string `json:"productUuids"`
		}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			return nil, err
		}
		out = append(out, slices.Sorted(slices.Values(body.ProductUUIDs)))
	}
	return out, nil
}

// Seven products, with pages of two: every refresh reads all four pages, so
// no product is dropped from state or planned again, and no stock moves.
// The data sources list every item across pages too.
func TestAccPaging_everyPageIsRead(t *testing.T) {
	const n = 7
	e := newTestEnv(t)
	products := e.addProducts(n)
	e.sb.SetPageSize(2)
	config := e.providerBlock() + trackingForEach(products)
	dataSources := `
data "zettle_inventory_balances" "all" {}
data "zettle_inventory_locations" "all" {}
`
	var movesAfterApply int
	var balances []wantBalance
	for p, v := range products {
		balances = append(balances, wantBalance{p, v, forEachBalance})
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(e.expectStockOnce(products)),
					sandboxStateCheck(func() error { movesAfterApply = len(e.org.Movements()); return nil }),
				},
			},
			{
				// Refresh: one location-wide lookup of 4 pages serves every
				// read; no product needs confirming.
				PreConfig: e.sb.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(e.expectOnly(map[string]int{routeProbe: 1, routeLocations: 2, routeStoreLookup: 4})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sandboxStateCheck(e.expectNoMoves(&movesAfterApply))},
			},
			{
				// The balances at the location: 4 pages of the location
				// lookup; the locations: 2 pages of 2.
				PreConfig: e.sb.ResetRequests,
				Config:    config + dataSources,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					sandboxPlanCheck(e.expectOnly(map[string]int{routeStoreLookup: 4, routeLocationLookup: 4, routeProbe: 1, routeLocations: 2})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zettle_inventory_balances.all", tfjsonpath.New("tracked_products"),
						stringList(slices.Collect(maps.Keys(products))...)),
					statecheck.ExpectKnownValue("data.zettle_inventory_balances.all", tfjsonpath.New("balances"), balancesList(balances...)),
					statecheck.ExpectKnownValue("data.zettle_inventory_locations.all", tfjsonpath.New("locations"), knownvalue.ListSizeExact(4)),
					statecheck.ExpectKnownValue("data.zettle_inventory_locations.all", tfjsonpath.New("by_type"), knownvalue.MapSizeExact(4)),
					sandboxStateCheck(e.expectNoMoves(&movesAfterApply)),
				},
			},
			e.expectReleased(e.providerBlock(), products, map[string]int{routeLocations: 2, routeStoreLookup: 4, routeStopTracking: n}),
		},
	})
}

// A product that one location-wide answer leaves out, as a listing that
// shifted between pages would, is confirmed tracked by the product lookup:
// it stays in state, the plan is empty and no stock moves.
func TestAccPaging_productLeftOutOfAListingStays(t *testing.T) {
	e := newTestEnv(t)
	products := e.addProducts(5)
	e.sb.SetPageSize(2)
	config := e.providerBlock() + trackingForEach(products)
	// The first of the sorted products is on the first page, which the
	// fault answers without it: the listing shifts, and no later page has
	// it either.
	left := slices.Sorted(maps.Keys(products))[0]
	var movesAfterApply int

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{sandboxStateCheck(func() error { movesAfterApply = len(e.org.Movements()); return nil })},
			},
			{
				PreConfig: func() {
					e.sb.ResetRequests()
					e.sb.InjectFault(sandbox.Fault{Method: http.MethodGet, Route: routeStoreLookupPattern, OmitProduct: left})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(func() error {
						if faults := e.sb.FaultCounts()["omitted product "+left]; faults != 1 {
							return fmt.Errorf("the fault shaped %d answers, want 1", faults)
						}
						lookups, err := e.productLookups()
						if err != nil {
							return err
						}
						if fmt.Sprint(lookups) != fmt.Sprint([][]string{{left}}) {
							return fmt.Errorf("product lookups %v, want one confirming %s", lookups, left)
						}
						return e.expectOnly(map[string]int{routeProbe: 1, routeLocations: 2, routeStoreLookup: 3, routeProductLookup: 1})()
					}),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instance(left), tfjsonpath.New("balances"),
						knownvalue.MapExact(map[string]knownvalue.Check{products[left]: knownvalue.Float64Exact(forEachBalance)})),
					sandboxStateCheck(e.expectNoMoves(&movesAfterApply)),
					sandboxStateCheck(e.expectStockOnce(products)),
				},
			},
			e.expectReleased(e.providerBlock(), products, map[string]int{routeLocations: 2, routeStoreLookup: 3, routeStopTracking: 5}),
		},
	})
}

// Products whose tracking really stopped are still removed, and planned
// again; confirming it cost one product lookup for all of them.
func TestAccPaging_stoppedProductsConfirmedInOneLookup(t *testing.T) {
	e := newTestEnv(t)
	products := e.addProducts(6)
	e.sb.SetPageSize(2)
	provider := e.providerBlockWith(fullBatches)
	config := provider + trackingForEach(products)
	stopped := slices.Sorted(maps.Keys(products))[1:4]

	planChecks := []plancheck.PlanCheck{
		// 3 tracked products: 2 pages; the confirmation finds none
		// tracked: 1 page.
		sandboxPlanCheck(e.expectConfirmedInOneLookup(stopped, map[string]int{routeProbe: 1, routeLocations: 2, routeStoreLookup: 2, routeProductLookup: 1})),
	}
	for p := range products {
		action := plancheck.ResourceActionNoop
		if slices.Contains(stopped, p) {
			action = plancheck.ResourceActionCreate
		}
		planChecks = append(planChecks, plancheck.ExpectResourceAction(instance(p), action))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					for _, p := range stopped {
						e.org.SetTracking(p, false)
					}
					e.sb.ResetRequests()
				},
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: planChecks},
				ConfigStateChecks: []statecheck.StateCheck{sandboxStateCheck(func() error {
					for p, v := range products {
						if !e.org.IsTracked(p) || e.org.Balance(sandbox.Store, p, v) != forEachBalance {
							return fmt.Errorf("product %s: tracked %v, balance %v; want tracked at %d", p, e.org.IsTracked(p), e.org.Balance(sandbox.Store, p, v), forEachBalance)
						}
					}
					return nil
				})},
			},
			e.expectReleased(provider, products, map[string]int{routeLocations: 2, routeStoreLookup: 3, routeStopTracking: 6}),
		},
	})
}
