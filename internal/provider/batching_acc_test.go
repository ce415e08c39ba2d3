package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
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

// Routes of the shared reads.
const (
	routeStoreLookup        = "GET /organizations/{org}/inventory/locations"
	routeLowStockAtLocation = "GET /custom-low-stock/v2/locations/{location}"
	routeSetLowStocks       = "POST /custom-low-stock/locations/{location}"
	routeDeleteLowStocks    = "POST /custom-low-stock/locations/{location}/delete"
)

// fullBatches fills each batch to Terraform's default parallelism and sends
// it at once; only a last, smaller batch waits. The counts the tests expect
// then do not depend on timing.
const fullBatches = `
  batching {
    max_size = 10
    max_wait = "1s"
  }
`

// providerBlockWith configures the provider for e's organization, with extra
// lines in its block.
func (e *testEnv) providerBlockWith(extra string) string {
	return strings.Replace(e.providerBlock(), "}\n", extra+"}\n", 1)
}

// forEachBalance is the balance trackingForEach brings each variant to.
const forEachBalance = 5

// trackingForEach declares one tracking resource per product, each bringing
// its variant (the map's value) to forEachBalance.
func trackingForEach(products map[string]string) string {
	var entries []string
	for _, p := range slices.Sorted(maps.Keys(products)) {
		entries = append(entries, fmt.Sprintf("    %q = %q", p, products[p]))
	}
	return fmt.Sprintf(`
locals {
  products = {
%s
  }
}

resource "zettle_inventory_tracking" "p" {
  for_each         = local.products
  product_uuid     = each.key
  initial_balances = { (each.value) = %d }
}
`, strings.Join(entries, "\n"), forEachBalance)
}

// addProducts adds n products with two variants each and returns them as
// product → first variant.
func (e *testEnv) addProducts(n int) map[string]string {
	products := map[string]string{}
	for range n {
		p, v := e.org.AddProduct(2)
		products[p] = v[0]
	}
	return products
}

// sandboxPlanCheck runs an assertion on the sandbox once a plan is made,
// before anything is applied.
func sandboxPlanCheck(f func() error) plancheck.PlanCheck { return sandboxPlanAssertion(f) }

type sandboxPlanAssertion func() error

func (f sandboxPlanAssertion) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// expectOnly asserts that the sandbox saw, since its log was reset, exactly
// the given number of requests of each route, and nothing else.
func (e *testEnv) expectOnly(want map[string]int) func() error {
	return func() error {
		got := map[string]int{}
		for _, r := range e.sb.Requests() {
			got[r.Route]++
		}
		if !maps.Equal(got, want) {
			return fmt.Errorf("sandbox requests %v, want %v", got, want)
		}
		return nil
	}
}

// addProbes counts in want the runs' probes of the API version: a sandbox
// without v3 answers each provider run's GET /v3/inventories with 404, and
// the run goes on with v2.
func (e *testEnv) addProbes(want map[string]int, runs int) map[string]int {
	if !e.versions.v3 {
		want[routeProbe] += runs
	}
	return want
}

// bulkBatches lists the products of each bulk request the sandbox saw.
func (e *testEnv) bulkBatches() ([][]string, error) {
	var out [][]string
	for _, r := range e.sb.Requests() {
		if r.Route != routeBulk {
			continue
		}
		var body struct {
			ProductChanges []struct {
				ProductUUID string `json:"productUuid"`
			} `json:"productChanges"`
		}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			return nil, err
		}
		var batch []string
		for _, pc := range body.ProductChanges {
			batch = append(batch, pc.ProductUUID)
		}
		out = append(out, batch)
	}
	return out, nil
}

// expectStartedOnce asserts that the bulk requests started each product
// exactly once, in at most maxRequests requests, and that each product's
// variant has 5 in stock.
func (e *testEnv) expectStartedOnce(products map[string]string, maxRequests int) func() error {
	return func() error {
		batches, err := e.bulkBatches()
		if err != nil {
			return err
		}
		if len(batches) > maxRequests {
			return fmt.Errorf("%d bulk requests, want at most %d: %v", len(batches), maxRequests, batches)
		}
		seen := map[string]int{}
		for _, b := range batches {
			for _, p := range b {
				seen[p]++
			}
		}
		for p, v := range products {
			if seen[p] != 1 {
				return fmt.Errorf("product %s was in %d bulk requests, want 1", p, seen[p])
			}
			if !e.org.IsTracked(p) || e.org.Balance(sandbox.Store, p, v) != 5 {
				return fmt.Errorf("product %s: tracked %v, balance %v; want tracked with 5", p, e.org.IsTracked(p), e.org.Balance(sandbox.Store, p, v))
			}
		}
		if len(seen) != len(products) {
			return fmt.Errorf("bulk requests named %d products, want %d", len(seen), len(products))
		}
		return nil
	}
}

// expectReleased is a last step that destroys the resources (the harness
// cannot read a final state holding for_each instances) and asserts what
// the destroy cost.
func (e *testEnv) expectReleased(providerBlock string, products map[string]string, want map[string]int) resource.TestStep {
	// The destroy's plan and apply each check the credentials once.
	want = maps.Clone(want)
	want[routeLocations] += 2
	e.addProbes(want, 2)
	return resource.TestStep{
		PreConfig: e.sb.ResetRequests,
		Config:    providerBlock,
		Check: checkSandbox(func() error {
			for p := range products {
				if e.org.IsTracked(p) {
					return fmt.Errorf("product %s is still tracked", p)
				}
			}
			return e.expectOnly(want)()
		}),
	}
}

func instance(p string) string { return fmt.Sprintf("zettle_inventory_tracking.p[%q]", p) }

func TestAccBatching_fiftyProducts(t *testing.T) {
	const n = 50
	e := newTestEnv(t)
	products := e.addProducts(n)
	provider := e.providerBlockWith(fullBatches)
	config := provider + trackingForEach(products)
	sorted := slices.Sorted(maps.Keys(products))
	stopped, sold := sorted[:2], sorted[2]

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				// Apply: 5 bulk requests of 10 products each (at most 6 if
				// Terraform's scheduling leaves a batch short), and the
				// locations, listed by the plan's and the apply's provider
				// as they check the credentials; the apply's listing also
				// gives the SUPPLIER and BIN locations.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(e.expectStartedOnce(products, n/8)),
					sandboxStateCheck(func() error {
						// Each batch of starts checks first, with one product
						// lookup, that none of its products is tracked already.
						if checks, bulks := e.sb.RequestCount(routeProductLookup), e.sb.RequestCount(routeBulk); checks != bulks {
							return fmt.Errorf("%d product lookups for %d bulk requests, want one for each", checks, bulks)
						}
						if other := len(e.sb.Requests()) - e.sb.RequestCount(routeBulk, routeProductLookup, routeProbe, routeLocations); other != 0 {
							return fmt.Errorf("%d requests besides the bulk requests, their checks and the location lookups", other)
						}
						return e.expectRequests(map[string]int{routeLocations: 2})(nil)
					}),
					statecheck.ExpectKnownValue(instance(sold), tfjsonpath.New("balances"),
						knownvalue.MapExact(map[string]knownvalue.Check{products[sold]: knownvalue.Float64Exact(5)})),
				},
			},
			{
				// Refresh: one location-wide lookup serves all 50 reads; the
				// provider lists the locations once as it checks the
				// credentials.
				PreConfig: e.sb.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(e.expectOnly(map[string]int{routeProbe: 1, routeLocations: 1, routeStoreLookup: 1})),
				}},
			},
			{
				// Drift: two products stopped in the back office and a sale
				// in the POS app. The shared read sees both: the two are
				// planned again, once one product lookup has confirmed that
				// both are untracked; the sale changes only the balances.
				PreConfig: func() {
					for _, p := range stopped {
						e.org.SetTracking(p, false)
					}
					if err := e.org.Sell(sold, products[sold], 2); err != nil {
						t.Fatal(err)
					}
					e.sb.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(instance(stopped[0]), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(instance(stopped[1]), plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(instance(sold), plancheck.ResourceActionNoop),
					sandboxPlanCheck(e.expectConfirmedInOneLookup(stopped, map[string]int{routeProbe: 1, routeLocations: 1, routeStoreLookup: 1, routeProductLookup: 1})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// The two come back with their saved level of 5, which
					// stays 5: the bulk request moves 5 in, one movement
					// for both moves the surplus out.
					sandboxStateCheck(func() error {
						restarted := map[string]string{stopped[0]: products[stopped[0]], stopped[1]: products[stopped[1]]}
						if err := e.expectStartedOnce(restarted, 1)(); err != nil {
							return err
						}
						// The plan confirmed the two stopped; the apply checked them
						// before starting them again.
						return e.expectOnly(map[string]int{routeStoreLookup: 1, routeProductLookup: 2, routeProbe: 2, routeLocations: 2, routeBulk: 1, routeMove: 1})()
					}),
					statecheck.ExpectKnownValue(instance(sold), tfjsonpath.New("balances"),
						knownvalue.MapExact(map[string]knownvalue.Check{products[sold]: knownvalue.Float64Exact(3)})),
				},
			},
			// Destroy: one request per product, as documented.
			e.expectReleased(provider, products, map[string]int{routeStoreLookup: 1, routeStopTracking: n}),
		},
	})
}

func TestAccBatching_disabled(t *testing.T) {
	const n = 12
	e := newTestEnv(t)
	products := e.addProducts(n)
	provider := e.providerBlockWith("  batching {\n    enabled = false\n  }\n")
	config := provider + trackingForEach(products)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				// One bulk request per product.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(e.expectStartedOnce(products, n)),
					// Each start checks its product alone first.
					sandboxStateCheck(e.expectOnly(map[string]int{routeProbe: 2, routeLocations: 2, routeProductLookup: n, routeBulk: n})),
				},
			},
			{
				// One lookup per product.
				PreConfig: e.sb.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(e.expectOnly(map[string]int{routeProbe: 1, routeLocations: 1, routeProductLookup: n})),
				}},
			},
			e.expectReleased(provider, products, map[string]int{routeProductLookup: n, routeStopTracking: n}),
		},
	})
}

// A product the API refuses fails alone: the batch it was in is sent again
// product by product, and its neighbours are tracked and in state.
func TestAccBatching_refusedProductFailsAlone(t *testing.T) {
	const n = 6
	e := newTestEnv(t)
	products := e.addProducts(n - 1)
	unknown := "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009" // not in the product library
	withUnknown := map[string]string{unknown: "0b1e7f2c-7d1f-11ee-8c1a-0242ac12000a"}
	for p, v := range products {
		withUnknown[p] = v
	}
	provider := e.providerBlockWith("  batching {\n    max_size = 6\n    max_wait = \"1s\"\n  }\n")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      provider + trackingForEach(withUnknown),
				ExpectError: errorPattern("Could not start tracking product "+unknown, "HTTP 404 Not Found: product "+unknown+" does not exist"),
			},
			{
				// The five are in state already: nothing to do.
				Config: provider + trackingForEach(products),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(func() error {
						batches, err := e.bulkBatches()
						if err != nil {
							return err
						}
						if len(batches) != 1+n || len(batches[0]) != n {
							return fmt.Errorf("bulk requests %v, want one with %d products, then %d with one", batches, n, n)
						}
						resent := map[string]bool{}
						for _, b := range batches[1:] {
							resent[b[0]] = len(b) == 1
						}
						for _, p := range batches[0] {
							if !resent[p] {
								return fmt.Errorf("product %s was not sent again on its own: %v", p, batches)
							}
						}
						for p, v := range products {
							if !e.org.IsTracked(p) || e.org.Balance(sandbox.Store, p, v) != 5 {
								return fmt.Errorf("product %s: tracked %v, balance %v; want tracked with 5", p, e.org.IsTracked(p), e.org.Balance(sandbox.Store, p, v))
							}
						}
						return nil
					}),
				}},
			},
			e.expectReleased(provider, products, map[string]int{routeStoreLookup: 1, routeStopTracking: n - 1}),
		},
	})
}

func TestAccBatching_lowStockSettings(t *testing.T) {
	const products = 10 // two variants each: 20 settings
	e := newTestEnv(t)
	var variants []string
	config := e.providerBlockWith(fullBatches)
	for range products {
		p, vs := e.org.AddProduct(2)
		for _, v := range vs {
			variants = append(variants, v)
			config += fmt.Sprintf(`
resource "zettle_inventory_low_stock" "v%d" {
  product_uuid    = %q
  variant_uuid    = %q
  low_stock_level = %d
  low_stock_alert = true
}
`, len(variants), p, v, len(variants))
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy: checkSandbox(func() error {
			if n := e.org.LowStockCount(); n != 0 {
				return fmt.Errorf("%d low-stock settings left", n)
			}
			if bulk, single := e.sb.RequestCount(routeDeleteLowStocks), e.sb.RequestCount(routeDeleteLowStock); bulk != 2 || single != 0 {
				return fmt.Errorf("destroy sent %d bulk and %d single deletes, want 2 and 0", bulk, single)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("zettle_inventory_low_stock.v20", tfjsonpath.New("low_stock_level"), knownvalue.Float64Exact(20)),
					sandboxStateCheck(func() error {
						if n := e.org.LowStockCount(); n != len(variants) {
							return fmt.Errorf("%d low-stock settings, want %d", n, len(variants))
						}
						return e.expectOnly(map[string]int{routeProbe: 2, routeLocations: 2, routeSetLowStocks: 2})()
					}),
				},
			},
			{
				PreConfig: e.sb.ResetRequests,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(e.expectOnly(map[string]int{routeProbe: 1, routeLocations: 1, routeLowStockAtLocation: 1})),
				}},
			},
		},
	})
}

func TestAccBatching_invalidSettingsRejectedAtPlan(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	for setting, message := range map[string]string{
		`max_wait = "soon"`: `"soon" must be a duration such as "20ms", between 0s and 5s`,
		`max_wait = "1m"`:   `"1m" must be a duration`,
		`max_size = 0`:      `max_size.*at least 1`,
		`enabled = "maybe"`: `Incorrect attribute value type`,
	} {
		t.Run(setting, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{{
					Config:      e.providerBlockWith("  batching {\n    "+setting+"\n  }\n") + resourceBlock("test", product, ""),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + message),
				}},
			})
		})
	}
	if n := e.sb.RequestCount(); n != 0 {
		t.Errorf("the sandbox saw %d requests for configurations rejected at plan", n)
	}
}
