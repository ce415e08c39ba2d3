package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// Quantities are exact decimals from the configuration through the API and
// back into state, bounded at plan time, and checked after every start.

// exactNumber checks that a number in state is written exactly as want: the
// decimal text Terraform keeps, not a float64 near it.
type exactNumber string

func (want exactNumber) CheckValue(v any) error {
	n, ok := v.(json.Number)
	if !ok {
		return fmt.Errorf("expected number %s, got %T %v", string(want), v, v)
	}
	if string(n) != string(want) {
		return fmt.Errorf("expected exactly %s, got %s", string(want), n)
	}
	return nil
}

func (want exactNumber) String() string { return string(want) }

// exactQuantities checks a map attribute of the tracking resource holds
// exactly these numbers.
func exactQuantities(attr string, values map[string]string) statecheck.StateCheck {
	want := map[string]knownvalue.Check{}
	for k, v := range values {
		want[k] = exactNumber(v)
	}
	return statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New(attr), knownvalue.MapExact(want))
}

// saveLevel gives a product that is not tracked a saved level, as one
// tracked before and stopped would have.
func (e *testEnv) saveLevel(t *testing.T, product, variant, level string) {
	t.Helper()
	e.org.SetTracking(product, true)
	if err := e.org.RestockExact(product, variant, level); err != nil {
		t.Fatal(err)
	}
	e.org.SetTracking(product, false)
}

// expectLedger asserts, exactly, every stock movement of a variant other
// than the test's own controls, in order: "<quantity> <FROM>→<TO>".
func (e *testEnv) expectLedger(product, variant string, want ...string) func() error {
	return func() error {
		var got []string
		for _, m := range e.org.Movements() {
			if m.Product == product && m.Variant == variant && m.Route != sandbox.ControlRoute {
				got = append(got, fmt.Sprintf("%s %s→%s", m.Quantity, m.From, m.To))
			}
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			return fmt.Errorf("sandbox ledger of variant %s: [%s], want [%s]", variant, strings.Join(got, ", "), strings.Join(want, ", "))
		}
		return nil
	}
}

// expectExactBalance asserts a STORE balance, exactly.
func (e *testEnv) expectExactBalance(product, variant, want string) func() error {
	return func() error {
		if got := e.org.BalanceExact(sandbox.Store, product, variant); !got.Equal(decimal.RequireFromString(want)) {
			return fmt.Errorf("sandbox: STORE balance of variant %s = %s, want exactly %s", variant, got, want)
		}
		return nil
	}
}

// expectNetOutflow asserts that API requests took, in all, exactly want out
// of STORE for a variant: what they put in BIN less what they brought from
// SUPPLIER.
func (e *testEnv) expectNetOutflow(product, variant, want string) func() error {
	return func() error {
		net := e.movedExact(product, variant, sandbox.Store, sandbox.Bin).Sub(e.movedExact(product, variant, sandbox.Supplier, sandbox.Store))
		if !net.Equal(decimal.RequireFromString(want)) {
			return fmt.Errorf("sandbox: %s moved out of STORE on balance for variant %s, want exactly %s", net, variant, want)
		}
		return nil
	}
}

// A saved level of 0.3 brought to 0.1 ends at 0.1, not at the
// 0.09999999999999998 that float64 arithmetic gives.
func TestAccInventoryTracking_decimalTargetFromSavedLevelIsExact(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	e.saveLevel(t, product, v[0], "0.3")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{{
			Config: trackingConfig(e, product, fmt.Sprintf("{ %q = 0.1 }", v[0])),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				exactQuantities("initial_balances", map[string]string{v[0]: "0.1"}),
				exactQuantities("balances", map[string]string{v[0]: "0.1"}),
				sandboxStateCheck(e.expectExactBalance(product, v[0], "0.1")),
				// The start assumes no saved level and brings 0.1 in; the
				// answer shows 0.4, so exactly 0.3 goes to BIN: 0.2 less in
				// all.
				sandboxStateCheck(e.expectLedger(product, v[0], "0.1 SUPPLIER→STORE", "0.3 STORE→BIN")),
				sandboxStateCheck(e.expectNetOutflow(product, v[0], "0.2")),
			},
		}},
	})
}

// Quantities beyond the bounds fail at plan time, naming initial_balances
// and the variant, before any request reaches the API.
func TestAccInventoryTracking_quantitiesOutOfBoundsFailAtPlan(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	step := func(value, problem string) resource.TestStep {
		return resource.TestStep{
			Config:      trackingConfig(e, product, fmt.Sprintf("{ %q = %s }", v[0], value)),
			ExpectError: errorPattern(fmt.Sprintf("initial_balances[%q]", v[0]), problem, "at most 999999999999.999, with at most 3 decimal places"),
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			step("9007199254740993", "9007199254740993 is too large; the largest quantity is 999999999999.999"),
			step("1000000000000", "1000000000000 is too large"),
			step("0.0001", "0.0001 has more than 3 decimal places"),
			step("-1", "-1 is negative"),
		},
	})
	if n := e.sb.RequestCount(); n != 0 {
		t.Errorf("the sandbox saw %d requests; quantities out of bounds must fail before any", n)
	}
	if e.org.IsTracked(product) || len(e.org.Movements()) != 0 {
		t.Errorf("tracked %v, movements %+v; want nothing done", e.org.IsTracked(product), e.org.Movements())
	}
}

// The largest quantity, with all three decimals, lands exactly, from a saved
// level that takes the balance past it on the way.
func TestAccInventoryTracking_largestQuantityLandsExactly(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	e.saveLevel(t, product, v[0], "0.001")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{{
			Config: trackingConfig(e, product, fmt.Sprintf("{ %q = 999999999999.999 }", v[0])),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				exactQuantities("initial_balances", map[string]string{v[0]: "999999999999.999"}),
				exactQuantities("balances", map[string]string{v[0]: "999999999999.999"}),
				sandboxStateCheck(e.expectExactBalance(product, v[0], "999999999999.999")),
				sandboxStateCheck(e.expectLedger(product, v[0], "999999999999.999 SUPPLIER→STORE", "0.001 STORE→BIN")),
			},
		}},
	})
}

// Saved levels far beyond the bounds (1e20, and 1e20 + 1, which no float64
// holds) are still handled exactly: the target of 7 is reached, where
// float64 arithmetic ended elsewhere.
func TestAccInventoryTracking_hugeSavedLevelIsHandledExactly(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(2)
	e.saveLevel(t, product, v[0], "1e20")
	e.saveLevel(t, product, v[1], "100000000000000000001")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{{
			Config: trackingConfig(e, product, fmt.Sprintf("{ %q = 7, %q = 7 }", v[0], v[1])),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				exactQuantities("balances", map[string]string{v[0]: "7", v[1]: "7"}),
				sandboxStateCheck(e.expectExactBalance(product, v[0], "7")),
				sandboxStateCheck(e.expectExactBalance(product, v[1], "7")),
				// 7 in, then the whole saved level out: 1e20 - 7 less in all.
				sandboxStateCheck(e.expectLedger(product, v[0], "7 SUPPLIER→STORE", "100000000000000000000 STORE→BIN")),
				sandboxStateCheck(e.expectNetOutflow(product, v[0], "99999999999999999993")),
				sandboxStateCheck(e.expectLedger(product, v[1], "7 SUPPLIER→STORE", "100000000000000000001 STORE→BIN")),
				sandboxStateCheck(e.expectNetOutflow(product, v[1], "99999999999999999994")),
			},
		}},
	})
}

// A balance that differs from its target after the start (a sale at the
// same moment as the correcting movement) fails the apply, naming the
// product, variant, target and actual balance; the resource is saved
// tainted, and no stock moves to make up for the sale.
func TestAccInventoryTracking_balanceMismatchAfterStartTaints(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(1)
	e.saveLevel(t, product, v[0], "3")
	e.sb.InjectFault(sandbox.Fault{Method: "PUT", Route: "/organizations/{org}/inventory", SellAfterCommit: decimal.RequireFromString("0.5")})
	config := trackingConfig(e, product, fmt.Sprintf("{ %q = 1.25 }", v[0]))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: errorPattern("Tracking of product "+product+" started, but its balances differ from initial_balances",
					"variant "+v[0]+" has a balance of 0.75, not its target 1.25", "saved as tainted"),
			},
			{
				// The tainted resource is replaced by the next apply, which
				// brings the balance back to its target.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionReplace),
						replacedBecauseTainted(trackingAddr),
						// The failed start moved what the plan called for,
						// assuming no saved level (1.25 in, then the 3 saved
						// out to BIN); the sale took 0.5, and nothing moved
						// to make up for it.
						sandboxPlanCheck(e.expectLedger(product, v[0], "1.25 SUPPLIER→STORE", "3 STORE→BIN", "0.5 STORE→SOLD")),
						sandboxPlanCheck(e.expectExactBalance(product, v[0], "0.75")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					exactQuantities("balances", map[string]string{v[0]: "1.25"}),
					sandboxStateCheck(e.expectExactBalance(product, v[0], "1.25")),
					// The replacement starts without moving stock, then
					// moves only the difference.
					sandboxStateCheck(e.expectLedger(product, v[0], "1.25 SUPPLIER→STORE", "3 STORE→BIN", "0.5 STORE→SOLD", "0.5 SUPPLIER→STORE")),
				},
			},
		},
	})
}

// replacedBecauseTainted checks that the state the plan starts from holds
// the resource tainted.
type replacedBecauseTainted string

func (addr replacedBecauseTainted) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if prior := req.Plan.PriorState; prior != nil && prior.Values != nil && prior.Values.RootModule != nil {
		for _, r := range prior.Values.RootModule.Resources {
			if r.Address == string(addr) {
				if !r.Tainted {
					resp.Error = fmt.Errorf("%s is in state, but not tainted", addr)
				}
				return
			}
		}
	}
	resp.Error = fmt.Errorf("%s is not in the state the plan starts from", addr)
}

// The balances data source shows each balance exactly as the API keeps it,
// one no float64 holds included.
func TestAccInventoryBalances_balancesAreExact(t *testing.T) {
	e := newTestEnv(t)
	product, v := e.org.AddProduct(2)
	e.org.SetTracking(product, true)
	for variant, level := range map[string]string{v[0]: "9007199254740993", v[1]: "0.3"} {
		if err := e.org.RestockExact(product, variant, level); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.org.SellExact(product, v[1], "0.1"); err != nil {
		t.Fatal(err)
	}
	balance := func(variant, want string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"product_uuid": knownvalue.StringExact(product), "variant_uuid": knownvalue.StringExact(variant), "balance": exactNumber(want),
		})
	}
	first, second := balance(v[0], "9007199254740993"), balance(v[1], "0.2")
	if v[1] < v[0] {
		first, second = second, first
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + "data \"zettle_inventory_balances\" \"store\" {}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.zettle_inventory_balances.store", tfjsonpath.New("balances"), knownvalue.ListExact([]knownvalue.Check{first, second})),
			},
			Check: e.expectRequests(map[string]int{routeLocationLookup: 1, routeMove: 0, routeBulk: 0}),
		}},
	})
}
