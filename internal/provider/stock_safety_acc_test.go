package provider

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// The stock-safety suite: what the API saw (the request log and the
// movement ledger) when the provider met the service's hard edges.

// expectNoMovements asserts that no API request moved stock: the ledger holds
// only the test's own controls.
func (e *testEnv) expectNoMovements() error {
	for _, m := range e.org.Movements() {
		if m.Route != sandbox.ControlRoute {
			return fmt.Errorf("the API moved stock: %+v", m)
		}
	}
	return nil
}

// apiMovements returns the movements that API requests made.
func (e *testEnv) apiMovements() []sandbox.Movement {
	var out []sandbox.Movement
	for _, m := range e.org.Movements() {
		if m.Route != sandbox.ControlRoute {
			out = append(out, m)
		}
	}
	return out
}

// Zettle answers UUIDs in lower case: one written in upper case is refused
// at plan time, wherever the provider takes a UUID, before any request that
// could move stock.
func TestAccStockSafety_upperCaseUUIDsRefusedAtPlan(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	upper := strings.ToUpper
	lowStock := func(product, variant, location string) string {
		block := fmt.Sprintf("resource \"zettle_inventory_low_stock\" \"test\" {\n  product_uuid = %q\n  variant_uuid = %q\n", product, variant)
		if location != "" {
			block += fmt.Sprintf("  location_uuid = %q\n", location)
		}
		return block + "}\n"
	}
	refused := func(config, attr, value string) resource.TestStep {
		return resource.TestStep{
			Config:      config,
			PlanOnly:    true,
			ExpectError: errorPattern(attr, "has upper-case letters: write it in lower case", strings.ToLower(value)),
		}
	}
	valid := e.providerBlock() + resourceBlock("test", product, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			refused(e.providerBlock()+resourceBlock("test", upper(product), ""), "product_uuid", product),
			refused(e.providerBlock()+resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = 5 }\n", upper(v[0]))), "initial_balances", v[0]),
			refused(e.providerBlock()+resourceBlock("test", product, fmt.Sprintf("  location_uuid = %q\n", upper(e.store()))), "location_uuid", e.store()),
			refused(strings.Replace(e.providerBlock(), e.store(), upper(e.store()), 1)+resourceBlock("test", product, ""), "location_uuid", e.store()),
			refused(e.providerBlock()+lowStock(upper(product), v[0], ""), "product_uuid", product),
			refused(e.providerBlock()+lowStock(product, upper(v[0]), ""), "variant_uuid", v[0]),
			refused(e.providerBlock()+lowStock(product, v[0], upper(e.store())), "location_uuid", e.store()),
			{
				Config:        valid,
				ResourceName:  trackingAddr,
				ImportState:   true,
				ImportStateId: upper(product),
				ExpectError:   errorPattern("Invalid import ID", "has upper-case letters: write it in lower case", product),
			},
		},
		// Nothing was tracked and no stock moved.
		CheckDestroy: checkSandbox(func() error {
			if e.org.IsTracked(product) || e.sb.RequestCount(routeBulk, routeMove) != 0 {
				return fmt.Errorf("a refused configuration reached the API: %d bulk and movement requests", e.sb.RequestCount(routeBulk, routeMove))
			}
			return e.expectNoMovements()
		}),
	})
}

// A timeouts block added or changed later is saved as planned, after a
// create and after an import alike, and sends nothing that moves stock.
func TestAccStockSafety_timeoutsChangeIsSaved(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	imported, iv := e.org.AddProduct(1)
	e.org.SetTracking(imported, true)
	if err := e.org.Restock(imported, iv[0], 37); err != nil {
		t.Fatal(err)
	}
	created := resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = 5 }\n", v[0]))
	withTimeouts := func(block, create string) string {
		end := strings.LastIndex(block, "}")
		return block[:end] + fmt.Sprintf("  timeouts {\n    create = %q\n  }\n}\n", create)
	}
	adopted := resourceBlock("adopted", imported, "")
	noStockMoved := sandboxStateCheck(func() error {
		if n := e.sb.RequestCount(routeBulk, routeMove); n != 0 {
			return fmt.Errorf("%d bulk and movement requests for a timeouts change", n)
		}
		return nil
	})
	emptyAfter := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{Config: e.providerBlock() + created},
			{
				PreConfig:        e.sb.ResetRequests,
				Config:           e.providerBlock() + withTimeouts(created, "20m"),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("20m")),
					balancesAre(map[string]float64{v[0]: 5}),
					noStockMoved,
				},
			},
			{
				PreConfig:        e.sb.ResetRequests,
				Config:           e.providerBlock() + withTimeouts(created, "30m"),
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("30m")),
					noStockMoved,
				},
			},
			{
				// A product tracked from the POS app, imported, then given
				// timeouts: its 37 stay where they are.
				Config:             e.providerBlock() + withTimeouts(created, "30m") + adopted,
				ResourceName:       "zettle_inventory_tracking.adopted",
				ImportState:        true,
				ImportStateId:      imported,
				ImportStatePersist: true,
			},
			{
				PreConfig: e.sb.ResetRequests,
				Config:    e.providerBlock() + withTimeouts(created, "30m") + withTimeouts(adopted, "15m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("zettle_inventory_tracking.adopted", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("zettle_inventory_tracking.adopted", tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("15m")),
					noStockMoved,
					sandboxStateCheck(func() error {
						if got := e.org.Balance(sandbox.Store, imported, iv[0]); got != 37 {
							return fmt.Errorf("imported product's balance %v, want 37", got)
						}
						return e.expectOnlyMovementsOf(product, v[0], 5)
					}),
				},
			},
		},
	})
}

// expectOnlyMovementsOf asserts that the API moved stock once, and only
// qty of the one variant in from SUPPLIER.
func (e *testEnv) expectOnlyMovementsOf(product, variant string, qty float64) error {
	moves := e.apiMovements()
	if len(moves) != 1 || moves[0].Product != product || moves[0].Variant != variant || moves[0].From != sandbox.Supplier || !moves[0].Quantity.Equal(decimal.NewFromFloat(qty)) {
		return fmt.Errorf("API movements %+v, want only %v of variant %s in from SUPPLIER", moves, qty, variant)
	}
	return nil
}

// A 2xx whose body is cut, or is not JSON, came after the API applied the
// request: nothing is sent again as it was, the balances are read, and only
// what is missing moves. One product starts from zero, one comes back with
// a saved level above its target.
func TestAccStockSafety_unreadableAnswersMayHaveApplied(t *testing.T) {
	for name, fault := range map[string]sandbox.Fault{
		"cut bulk answer":         {Method: http.MethodPost, Route: routeBulkPattern, CutAnswerAfterCommit: true},
		"garbled bulk answer":     {Method: http.MethodPost, Route: routeBulkPattern, GarbleAnswerAfterCommit: true},
		"cut movement answer":     {Method: http.MethodPut, Route: "/organizations/{org}/inventory", CutAnswerAfterCommit: true},
		"garbled movement answer": {Method: http.MethodPut, Route: "/organizations/{org}/inventory", GarbleAnswerAfterCommit: true},
	} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t)
			products := e.addProducts(2)
			var saved string
			for p := range products {
				saved = p
				break
			}
			// The saved level makes the start correct it with a movement.
			e.org.SetTracking(saved, true)
			if err := e.org.Restock(saved, products[saved], 7); err != nil {
				t.Fatal(err)
			}
			e.org.SetTracking(saved, false)
			e.sb.InjectFault(fault)
			config := e.providerBlock() + trackingForEach(products)

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							sandboxStateCheck(e.expectStockOnce(products)),
							sandboxStateCheck(func() error {
								if got := e.sb.FaultCounts()[fault.String()]; got != 1 {
									return fmt.Errorf("the fault shaped %d answers, want 1", got)
								}
								// The saved product: 5 moved in, its 7 out to BIN,
								// once, whichever answer was lost.
								toBin := decimal.Zero
								for _, m := range e.apiMovements() {
									if m.Product == saved && m.To == sandbox.Bin {
										toBin = toBin.Add(m.Quantity)
									}
								}
								if !toBin.Equal(decimal.NewFromInt(7)) {
									return fmt.Errorf("saved product: %v moved to BIN, want 7: %+v", toBin, e.apiMovements())
								}
								return nil
							}),
						},
					},
					e.expectReleased(e.providerBlock(), products, map[string]int{routeStoreLookup: 1, routeStopTracking: 2}),
				},
			})
		})
	}
}

// Editing initial_balances after the create shows in the plan, which warns
// that no stock moves and says how to move it; the apply moves none.
func TestAccStockSafety_editOfInitialBalancesWarns(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	config := func(qty int) string {
		return e.providerBlock() + resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = %d }\n", v[0], qty))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.providers(),
		Steps: []resource.TestStep{
			{Config: config(5)},
			{
				PreConfig: func() {
					if err := e.diags.expectWarning("PlanResourceChange", "initial_balances")(); err == nil {
						t.Fatal("the create warned of an edit")
					}
					e.sb.ResetRequests()
				},
				Config: config(50),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionUpdate),
						sandboxPlanCheck(e.diags.expectWarning("PlanResourceChange", "Changing initial_balances moves no stock", product, "moves no stock", "terraform apply -replace=")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					balancesAre(map[string]float64{v[0]: 5}),
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("initial_balances").AtMapKey(v[0]), knownvalue.Float64Exact(50)),
					sandboxStateCheck(func() error { return e.expectOnlyMovementsOf(product, v[0], 5) }),
				},
			},
		},
	})
}

// Tracking stopped outside Terraform: the refresh warns, naming the product,
// that the plan creates it again and the apply resets the listed variants to
// initial_balances; the apply then does exactly that, and no more.
func TestAccStockSafety_trackingStoppedOutsideTerraformWarns(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	config := e.providerBlock() + resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = 5 }\n", v[0]))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.providers(),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if err := e.org.Sell(product, v[0], 2); err != nil {
						t.Fatal(err)
					}
					e.org.SetTracking(product, false)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionCreate),
						sandboxPlanCheck(e.diags.expectWarning("ReadResource", "Tracking of product "+product+" stopped outside Terraform", "creates it again", "undoing the sales since",
							"remove initial_balances")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					balancesAre(map[string]float64{v[0]: 5}),
					sandboxStateCheck(func() error {
						// The saved 3 came back; 5 moved in, then 3 out to BIN:
						// what the warning said.
						moves := e.apiMovements()
						if len(moves) != 3 || moves[1].From != sandbox.Supplier || !moves[1].Quantity.Equal(decimal.NewFromInt(5)) || moves[2].To != sandbox.Bin || !moves[2].Quantity.Equal(decimal.NewFromInt(3)) {
							return fmt.Errorf("API movements %+v, want 5 in, 5 in, 3 to BIN", moves)
						}
						return nil
					}),
				},
			},
		},
	})
}

// Credentials the API refuses fail the run once, with one error, before any
// resource is worked on: not once per resource.
func TestAccStockSafety_badCredentialsOneError(t *testing.T) {
	for name, block := range map[string]func(e *testEnv) string{
		"access token": func(e *testEnv) string { return strings.Replace(e.providerBlock(), e.org.Token, "not-a-token", 1) },
		"api key":      func(e *testEnv) string { return e.apiKeyProviderBlock(fakeAPIKey(t), "") },
	} {
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t)
			config := block(e)
			for i := range 20 {
				product, v := e.org.AddProduct(1)
				config += resourceBlock(fmt.Sprintf("p%d", i), product, fmt.Sprintf("  initial_balances = { %q = 5 }\n", v[0]))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.providers(),
				Steps: []resource.TestStep{{
					Config:      config,
					ExpectError: errorPattern("Zettle refused the credentials", "checks the credentials", "with one request"),
				}},
				CheckDestroy: checkSandbox(func() error {
					if errs := e.diags.all(tfprotov6.DiagnosticSeverityError); len(errs) != 1 {
						return fmt.Errorf("%d errors, want one: %v", len(errs), errs)
					}
					if n := len(e.sb.Requests()); n != 1 {
						return fmt.Errorf("%d requests, want the one that checked the credentials", n)
					}
					return e.expectNoMovements()
				}),
			})
		})
	}
}

// fakeAPIKey is a well-formed API key that the sandbox never issued.
func fakeAPIKey(t *testing.T) string {
	t.Helper()
	e := newTestEnv(t)
	return e.org.AddAPIKey().Key
}

// A URL where nothing listens fails after a few quick attempts to connect,
// with one error for the run.
func TestAccStockSafety_unreachableURLFailsSoon(t *testing.T) {
	e := newTestEnv(t)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	product, _ := e.org.AddProduct(1)
	config := strings.Replace(e.providerBlock(), e.url, closed.URL, 1) + resourceBlock("test", product, "") + resourceBlock("other", product, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.providers(),
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: errorPattern("Could not reach the Zettle API", "could not connect", "connection refused", "after 3 attempts to connect"),
		}},
		CheckDestroy: checkSandbox(func() error {
			if errs := e.diags.all(tfprotov6.DiagnosticSeverityError); len(errs) != 1 {
				return fmt.Errorf("%d errors, want one: %v", len(errs), errs)
			}
			return nil
		}),
	})
}

// A product tracked from the POS app, with stock, is never taken over: the
// create fails, naming the product and how to import it, and moves nothing.
// One product lookup checks the whole batch of creates; the others are
// created. Imported, the product keeps its 37.
func TestAccStockSafety_alreadyTrackedProductIsRefused(t *testing.T) {
	e := newTestEnv(t)
	tracked, tv := e.org.AddProduct(1)
	e.org.SetTracking(tracked, true)
	if err := e.org.Restock(tracked, tv[0], 37); err != nil {
		t.Fatal(err)
	}
	fresh := e.addProducts(2)
	provider := e.providerBlockWith("  batching {\n    max_size = 3\n    max_wait = \"1s\"\n  }\n")
	var others string
	i := 0
	for p, v := range fresh {
		others += resourceBlock(fmt.Sprintf("fresh%d", i), p, fmt.Sprintf("  initial_balances = { %q = 5 }\n", v))
		i++
	}
	adopted := resourceBlock("test", tracked, fmt.Sprintf("  initial_balances = { %q = 0 }\n", tv[0]))
	imported := resourceBlock("test", tracked, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: provider + adopted + others,
				ExpectError: errorPattern("Product "+tracked+" is tracked already", "take over its live stock", "moved no stock",
					"terraform import <address of this resource> "+tracked, "import {", `id = "`+tracked+`"`, "moved block"),
			},
			{
				PreConfig: func() {
					if got := e.org.Balance(sandbox.Store, tracked, tv[0]); got != 37 {
						t.Errorf("the tracked product's balance is %v, want its 37", got)
					}
					for _, m := range e.apiMovements() {
						if m.Product == tracked {
							t.Errorf("the refused create moved stock: %+v", m)
						}
					}
					for p, v := range fresh {
						if !e.org.IsTracked(p) || e.org.Balance(sandbox.Store, p, v) != 5 {
							t.Errorf("product %s beside the refused one was not created", p)
						}
					}
					// One lookup checked all three before their start.
					want := slices.Sorted(slices.Values(append(slices.Collect(maps.Keys(fresh)), tracked)))
					if lookups, err := e.productLookups(); err != nil || len(lookups) != 1 || !slices.Equal(slices.Sorted(slices.Values(lookups[0])), want) {
						t.Errorf("product lookups %v (%v), want one naming the three products", lookups, err)
					}
				},
				Config:             provider + imported + others,
				ResourceName:       trackingAddr,
				ImportState:        true,
				ImportStateId:      tracked,
				ImportStatePersist: true,
			},
			{
				Config: provider + imported + others,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					balancesAre(map[string]float64{tv[0]: 37}),
					sandboxStateCheck(func() error {
						for _, m := range e.apiMovements() {
							if m.Product == tracked {
								return fmt.Errorf("the imported product's stock moved: %+v", m)
							}
						}
						return nil
					}),
				},
			},
		},
	})
}

// trackingUnderKey declares the tracking of product, bringing variant to 5,
// as the one instance of a for_each whose key is key.
func trackingUnderKey(key, product, variant string) string {
	return fmt.Sprintf(`
resource "zettle_inventory_tracking" "p" {
  for_each         = { %q = %q }
  product_uuid     = each.value
  initial_balances = { %q = 5 }
}
`, key, product, variant)
}

// expectHandedOver asserts that a product handed over between two resources
// of one run, after selling 2 of the 5 it started with, is tracked at 5
// again: 5 moved in at the first create, then only the 2 sold since.
func (e *testEnv) expectHandedOver(product, variant string) error {
	if !e.org.IsTracked(product) || e.org.Balance(sandbox.Store, product, variant) != 5 {
		return fmt.Errorf("tracked %v at %v, want tracked at 5", e.org.IsTracked(product), e.org.Balance(sandbox.Store, product, variant))
	}
	if moves := e.apiMovements(); len(moves) != 2 || moves[1].From != sandbox.Supplier || !moves[1].Quantity.Equal(decimal.NewFromInt(2)) {
		return fmt.Errorf("API movements %+v, want 5 in, then 2 in", moves)
	}
	return nil
}

// A for_each key renamed without a moved block destroys one instance and
// creates another of the same product in one apply. The create finds the
// product tracked, waits for the destroy of the same run, and takes the
// product over as a replacement: tracking stops and starts again, the saved
// level comes back, and only the difference to initial_balances moves.
func TestAccStockSafety_renamedKeyHandsTheProductOver(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	config := func(key string) string { return e.providerBlock() + trackingUnderKey(key, product, v[0]) }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{Config: config("old")},
			{
				PreConfig: func() {
					if err := e.org.Sell(product, v[0], 2); err != nil {
						t.Fatal(err)
					}
					e.sb.ResetRequests()
				},
				Config: config("new"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(`zettle_inventory_tracking.p["old"]`, plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(`zettle_inventory_tracking.p["new"]`, plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(func() error {
						if err := e.expectHandedOver(product, v[0]); err != nil {
							return err
						}
						if n := len(e.bulkBodiesMovingStock()); n != 0 {
							return fmt.Errorf("%d bulk requests of the handover moved stock, want a tracking-only start", n)
						}
						return e.expectRequests(map[string]int{routeStopTracking: 1, routeBulk: 1})(nil)
					}),
				},
			},
			// The harness cannot read a final state of for_each instances:
			// a last step destroys them.
			{Config: e.providerBlock(), Check: e.expectTracked(product, false)},
		},
	})
}

// The destroy of the other instance is slow: the create waits for it to end
// before it starts the product again, since a stop applied after the start
// would undo it. The apply still converges, and only the difference moves.
func TestAccStockSafety_renamedKeyWaitsForASlowDestroy(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	const held = 3 * time.Second
	config := func(key string) string { return e.providerBlock() + trackingUnderKey(key, product, v[0]) }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{Config: config("old")},
			{
				PreConfig: func() {
					if err := e.org.Sell(product, v[0], 2); err != nil {
						t.Fatal(err)
					}
					e.sb.ResetRequests()
					e.sb.InjectFault(sandbox.Fault{Method: http.MethodDelete, Route: "/organizations/{org}/inventory/products/{product}", Delay: held})
				},
				Config: config("new"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(func() error {
						if err := e.expectHandedOver(product, v[0]); err != nil {
							return err
						}
						var stop, start time.Time
						for _, r := range e.sb.Requests() {
							switch r.Route {
							case routeStopTracking:
								stop = r.At
							case routeBulk:
								start = r.At
							}
						}
						if start.Before(stop.Add(held)) {
							return fmt.Errorf("the start arrived %v after the held stop, before the stop was applied", start.Sub(stop))
						}
						return nil
					}),
				},
			},
			// The harness cannot read a final state of for_each instances:
			// a last step destroys them.
			{Config: e.providerBlock(), Check: e.expectTracked(product, false)},
		},
	})
}

// create_before_destroy cannot work for a product, which is tracked once:
// the replacement's create fails, moves nothing and leaves the product
// tracked by the instance it was to replace.
func TestAccStockSafety_createBeforeDestroyIsRefused(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	lifecycle := "  lifecycle {\n    create_before_destroy = true\n  }\n"
	config := e.providerBlock() + resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = 5 }\n%s", v[0], lifecycle))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   e.sb.ResetRequests,
				Taint:       []string{trackingAddr},
				Config:      config,
				ExpectError: errorPattern("Product "+product+" is tracked already", "create_before_destroy cannot work"),
			},
			{
				PreConfig: func() {
					if !e.org.IsTracked(product) || e.org.Balance(sandbox.Store, product, v[0]) != 5 || len(e.apiMovements()) != 1 {
						t.Errorf("the refused replacement changed the product: tracked %v, balance %v, movements %+v",
							e.org.IsTracked(product), e.org.Balance(sandbox.Store, product, v[0]), e.apiMovements())
					}
					if n := e.sb.RequestCount(routeStopTracking, routeBulk, routeMove); n != 0 {
						t.Errorf("the refused replacement sent %d writes", n)
					}
				},
				// Without create_before_destroy, the tainted resource is
				// replaced: stopped, then started again.
				Config: e.providerBlock() + resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = 5 }\n", v[0])),
				ConfigStateChecks: []statecheck.StateCheck{
					balancesAre(map[string]float64{v[0]: 5}),
					sandboxStateCheck(func() error {
						if n := len(e.apiMovements()); n != 1 {
							return fmt.Errorf("the replacement moved stock: %+v", e.apiMovements())
						}
						return nil
					}),
				},
			},
		},
	})
}
