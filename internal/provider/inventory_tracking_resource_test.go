package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

const trackingAddr = "zettle_inventory_tracking.test"

func trackingConfig(e *testEnv, product, initialBalances string) string {
	body := fmt.Sprintf("  product_uuid = %q\n", product)
	if initialBalances != "" {
		body += "  initial_balances = " + initialBalances + "\n"
	}
	return e.providerBlock() + "resource \"zettle_inventory_tracking\" \"test\" {\n" + body + "}\n"
}

func balancesAre(values map[string]float64) statecheck.StateCheck {
	want := map[string]knownvalue.Check{}
	for k, v := range values {
		want[k] = knownvalue.Float64Exact(v)
	}
	return statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("balances"), knownvalue.MapExact(want))
}

func TestAccInventoryTracking_withoutInitialBalances(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(2)
	config := trackingConfig(e, product, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("id"), knownvalue.StringExact(product)),
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("product_uuid"), knownvalue.StringExact(product)),
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("initial_balances"), knownvalue.Null()),
					balancesAre(map[string]float64{}),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectTracked(product, true),
					// Tracking only: one bulk request, no stock movement.
					e.expectRequests(map[string]int{routeBulk: 1, routeMove: 0}),
					checkSandbox(func() error {
						for _, r := range e.sb.Requests() {
							if r.Route == routeBulk && strings.Contains(r.Body, "variantChanges") {
								return fmt.Errorf("tracking-only create moved stock: %s", r.Body)
							}
							if !strings.HasPrefix(r.UserAgent, "terraform-provider-zettle/test ") {
								return fmt.Errorf("User-Agent %q does not name the provider and its version", r.UserAgent)
							}
						}
						return nil
					}),
				),
			},
			{
				ResourceName:      trackingAddr,
				ImportState:       true,
				ImportStateId:     product,
				ImportStateVerify: true,
			},
			{
				ResourceName:      trackingAddr,
				ImportState:       true,
				ImportStateId:     e.store() + "/" + product,
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccInventoryTracking_initialBalancesLifecycle(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(2)
	initial := fmt.Sprintf("{ %q = 10, %q = 2.5 }", v[0], v[1])
	edited := fmt.Sprintf("{ %q = 50, %q = 2.5 }", v[0], v[1])

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				// Tracking starts and stock moves in one bulk request.
				Config: trackingConfig(e, product, initial),
				ConfigStateChecks: []statecheck.StateCheck{
					balancesAre(map[string]float64{v[0]: 10, v[1]: 2.5}),
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("initial_balances"),
						knownvalue.MapExact(map[string]knownvalue.Check{v[0]: knownvalue.Float64Exact(10), v[1]: knownvalue.Float64Exact(2.5)})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectTracked(product, true),
					e.expectBalance(sandbox.Store, product, v[0], 10),
					e.expectBalance(sandbox.Store, product, v[1], 2.5),
					e.expectRequests(map[string]int{routeBulk: 1, routeMove: 0}),
				),
			},
			{
				// A sale in the POS app: the refresh shows it, the plan stays empty.
				PreConfig: func() {
					if err := e.org.Sell(product, v[0], 3); err != nil {
						t.Fatal(err)
					}
					e.sb.ResetRequests()
				},
				Config: trackingConfig(e, product, initial),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{balancesAre(map[string]float64{v[0]: 7, v[1]: 2.5})},
				Check:             e.expectRequests(map[string]int{routeBulk: 0, routeMove: 0}),
			},
			{
				// Editing initial_balances records the value and moves no stock.
				PreConfig: e.sb.ResetRequests,
				Config:    trackingConfig(e, product, edited),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{balancesAre(map[string]float64{v[0]: 7, v[1]: 2.5})},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectBalance(sandbox.Store, product, v[0], 7),
					e.expectRequests(map[string]int{routeBulk: 0, routeMove: 0}),
				),
			},
			{
				// Tracking stopped outside Terraform: the plan recreates the
				// resource. The product comes back with its saved level (7),
				// and the result still equals the target.
				PreConfig: func() {
					e.org.SetTracking(product, false)
					e.sb.ResetRequests()
				},
				Config: trackingConfig(e, product, edited),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{balancesAre(map[string]float64{v[0]: 50, v[1]: 2.5})},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectTracked(product, true),
					e.expectBalance(sandbox.Store, product, v[0], 50),
					e.expectBalance(sandbox.Store, product, v[1], 2.5),
					// 7 saved + 50 moved in, then the 7 moved out to BIN; v[1]'s
					// saved 2.5 plus 2.5 moved in, then 2.5 out.
					e.expectBalance(sandbox.Bin, product, v[0], 7),
					e.expectBalance(sandbox.Bin, product, v[1], 2.5),
					e.expectRequests(map[string]int{routeBulk: 1, routeMove: 1}),
				),
			},
			{
				ResourceName:            trackingAddr,
				ImportState:             true,
				ImportStateId:           e.store() + "/" + product,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"initial_balances"},
			},
		},
	})
}

func TestAccInventoryTracking_savedLevels(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(3)
	// Tracked once before, with stock; then tracking stopped.
	e.org.SetTracking(product, true)
	for i, qty := range []float64{8, 4, 6} {
		if err := e.org.Restock(product, v[i], qty); err != nil {
			t.Fatal(err)
		}
	}
	e.org.SetTracking(product, false)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{{
			// v0: saved 8 → 5; v1: saved 4 → 0; v2 is not listed and keeps 6.
			Config: trackingConfig(e, product, fmt.Sprintf("{ %q = 5, %q = 0 }", v[0], v[1])),
			ConfigStateChecks: []statecheck.StateCheck{
				balancesAre(map[string]float64{v[0]: 5, v[2]: 6}),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				e.expectBalance(sandbox.Store, product, v[0], 5),
				e.expectBalance(sandbox.Store, product, v[1], 0),
				e.expectBalance(sandbox.Store, product, v[2], 6),
				e.expectBalance(sandbox.Bin, product, v[0], 8),
				e.expectBalance(sandbox.Bin, product, v[1], 4),
				e.expectRequests(map[string]int{routeBulk: 1, routeMove: 1}),
			),
		}},
	})
}

func TestAccInventoryTracking_importBlock(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	e.org.SetTracking(product, true)
	if err := e.org.Restock(product, v[0], 12); err != nil {
		t.Fatal(err)
	}
	config := trackingConfig(e, product, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				// Adopt the already tracked product with an import block.
				Config:          config,
				ResourceName:    trackingAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   product,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionNoop)},
				},
			},
			{
				// The import command, then a plan that finds nothing to do.
				Config:             config,
				ResourceName:       trackingAddr,
				ImportState:        true,
				ImportStateId:      e.store() + "/" + product,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["balances."+v[0]] != "12" {
						return fmt.Errorf("imported state: %v", states)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{balancesAre(map[string]float64{v[0]: 12})},
				Check:             e.expectRequests(map[string]int{routeBulk: 0, routeMove: 0}),
			},
		},
	})
}

// expectApplyFails applies config, expects an error matching pattern, and
// checks that product was not tracked in the attempt.
func expectApplyFails(t *testing.T, e *testEnv, config, product string, pattern *regexp.Regexp) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: pattern}},
	})
	if e.org.IsTracked(product) {
		t.Errorf("product %s is tracked after a failed apply", product)
	}
}

func TestAccInventoryTracking_wrongToken(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	config := strings.Replace(trackingConfig(e, product, ""), e.org.Token, "not-a-valid-token", 1)

	expectApplyFails(t, e, config, product, errorPattern("HTTP 401 Unauthorized: the access token was rejected or has expired"))
}

func TestAccInventoryTracking_invalidInputRejectedAtPlan(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      trackingConfig(e, "not-a-uuid", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)product_uuid.*must be a UUID`),
			},
			{
				Config:      trackingConfig(e, product, fmt.Sprintf("{ %q = -1 }", v[0])),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)initial_balances.*at least 0`),
			},
			{
				Config:      trackingConfig(e, product, `{ "small" = 1 }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)initial_balances.*must be a UUID`),
			},
		},
	})
	if n := e.sb.RequestCount(); n != 0 {
		t.Errorf("the sandbox saw %d requests for configurations rejected at plan: %v", n, e.sb.Requests())
	}
}

func TestAccInventoryTracking_unknownProduct(t *testing.T) {
	e := newTestEnv(t)
	product := "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009" // not in the product library

	expectApplyFails(t, e, trackingConfig(e, product, ""), product,
		errorPattern("Could not start tracking product "+product, "HTTP 404 Not Found: product "+product+" does not exist in the product library"))
}

func TestAccInventoryTracking_notTheStoreLocation(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	config := e.providerBlock() + fmt.Sprintf(`
resource "zettle_inventory_tracking" "test" {
  product_uuid  = %q
  location_uuid = %q
}
`, product, e.org.Location(sandbox.Bin))

	expectApplyFails(t, e, config, product, errorPattern("is the BIN location; tracked balances are kept only at the STORE location"))
}
