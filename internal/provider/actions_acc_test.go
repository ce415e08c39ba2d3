package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// actionsWorkspace is a CLI workspace for config, which invokes actions.
func actionsWorkspace(t *testing.T, cli string, e *testEnv, config string) string {
	t.Helper()
	return cliWorkspace(t, cli, e, config, map[string]string{})
}

const stockActions = `
action "zettle_stock_movement" "received" {
  config {
    product_uuid = %[1]q
    variant_uuid = %[2]q
    quantity     = 5.5
    from         = "SUPPLIER"
    to           = "STORE"
  }
}

action "zettle_stock_count" "counted" {
  config {
    product_uuid = %[1]q
    variant_uuid = %[2]q
    balance      = 3
  }
}
`

// Goods received, then a count that moves the difference, then the same
// count again, which moves nothing; under v2 and v3. Not parallel: it sets
// the process environment.
func TestAccActions_movementAndCount(t *testing.T) {
	cli := queryCLI(t)
	useBuiltProvider(t)
	for _, versions := range []apiVersions{servesV2, servesV3} {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			product, variants := e.org.AddProduct(1)
			e.org.SetTracking(product, true)
			dir := actionsWorkspace(t, cli, e, fmt.Sprintf(stockActions, product, variants[0]))

			out := runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.zettle_stock_movement.received")
			if err := e.expectLedger(product, variants[0], "5.5 SUPPLIER→STORE")(); err != nil {
				t.Errorf("after goods received: %v\n%s", err, out)
			}
			out = runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.zettle_stock_count.counted")
			if err := e.expectLedger(product, variants[0], "5.5 SUPPLIER→STORE", "2.5 STORE→BIN")(); err != nil {
				t.Errorf("after the count: %v\n%s", err, out)
			}
			if !strings.Contains(out, "The balance was 5.5 and is 3 now") {
				t.Errorf("the count reported no progress:\n%s", out)
			}
			out = runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.zettle_stock_count.counted")
			if err := e.expectLedger(product, variants[0], "5.5 SUPPLIER→STORE", "2.5 STORE→BIN")(); err != nil {
				t.Errorf("a count at the balance moved stock: %v", err)
			}
			if !strings.Contains(out, "The balance is 3 already; nothing moved") {
				t.Errorf("the second count did not say it moved nothing:\n%s", out)
			}
			if err := e.expectExactBalance(product, variants[0], "3")(); err != nil {
				t.Error(err)
			}
		})
	}
}

// An action_trigger runs the movement once, after the resource it hangs on
// is created; a later plan with no change runs nothing.
func TestAccActions_triggeredAfterCreate(t *testing.T) {
	cli := queryCLI(t)
	useBuiltProvider(t)
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	config := fmt.Sprintf(stockActions, product, variants[0]) + fmt.Sprintf(`
resource "zettle_inventory_tracking" "mug" {
  product_uuid = %q

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.zettle_stock_movement.received]
    }
  }
}
`, product)
	dir := actionsWorkspace(t, cli, e, config)
	runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color")
	runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color")
	if err := e.expectLedger(product, variants[0], "5.5 SUPPLIER→STORE")(); err != nil {
		t.Error(err)
	}
	runCLI(t, cli, dir, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// A movement of a product that is not tracked fails before anything is
// sent, naming why.
func TestAccActions_untrackedProductMovesNothing(t *testing.T) {
	cli := queryCLI(t)
	useBuiltProvider(t)
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	dir := actionsWorkspace(t, cli, e, fmt.Sprintf(stockActions, product, variants[0]))
	out, err := tryCLI(cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.zettle_stock_movement.received")
	if err == nil || !strings.Contains(out, "is not tracked") {
		t.Errorf("invoking a movement of an untracked product: %v\n%s", err, out)
	}
	if err := e.expectNoMovements(); err != nil {
		t.Error(err)
	}
}

// The stock-actions guide's configuration works as written: the delivery
// after tracking starts, then the count. Not parallel: it sets the process
// environment.
func TestAccActions_guide(t *testing.T) {
	cli := queryCLI(t)
	useBuiltProvider(t)
	e := newTestEnv(t)
	e.addCatalogue(t)
	dir := actionsWorkspace(t, cli, e, examples(t, "guides/stock-actions", "actions.tf", "trigger.tf"))
	runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color")
	runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.zettle_stock_count.coffee_count")
	if err := e.expectLedger(sandbox.DemoCoffeeBeans, sandbox.DemoCoffeeSmall, "24 SUPPLIER→STORE", "7 STORE→BIN")(); err != nil {
		t.Error(err)
	}
	runCLI(t, cli, dir, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// Under v3, a movement between two STORE inventories is a transfer: the
// backroom gets what the shop gives. Not parallel: it sets the process
// environment.
func TestAccActions_transferBetweenStoreInventories(t *testing.T) {
	cli := queryCLI(t)
	useBuiltProvider(t)
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
	product, variants := e.org.AddProduct(1)
	e.org.SetTracking(product, true)
	if err := e.org.Restock(product, variants[0], 10); err != nil {
		t.Fatal(err)
	}
	backroom := e.org.AddInventory("Backroom", "")
	dir := actionsWorkspace(t, cli, e, fmt.Sprintf(`
action "zettle_stock_movement" "to_backroom" {
  config {
    product_uuid = %q
    variant_uuid = %q
    quantity     = 4
    from         = "STORE"
    to           = %q
  }
}
`, product, variants[0], backroom))
	runCLI(t, cli, dir, "apply", "-auto-approve", "-input=false", "-no-color", "-invoke=action.zettle_stock_movement.to_backroom")
	if got := e.org.BalanceAt(backroom, product, variants[0]); got.String() != "4" {
		t.Errorf("the backroom holds %s, want 4", got)
	}
	if err := e.expectExactBalance(product, variants[0], "6")(); err != nil {
		t.Error(err)
	}
}

// Quantities are checked at plan time, naming the attribute; nothing is
// sent. Not parallel: it sets the process environment.
func TestAccActions_invalidQuantitiesFailThePlan(t *testing.T) {
	cli := queryCLI(t)
	useBuiltProvider(t)
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	e.org.SetTracking(product, true)
	config := strings.NewReplacer("quantity     = 5.5", "quantity     = 0", "balance      = 3", "balance      = -1").Replace(fmt.Sprintf(stockActions, product, variants[0]))
	dir := actionsWorkspace(t, cli, e, config)
	for action, want := range map[string]string{"zettle_stock_movement.received": "a movement moves more than 0", "zettle_stock_count.counted": "Invalid quantity"} {
		out, err := tryCLI(cli, dir, "plan", "-input=false", "-no-color", "-invoke=action."+action)
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("planning %s: %v, want an error %q:\n%s", action, err, want, out)
		}
	}
	if err := e.expectNoMovements(); err != nil {
		t.Error(err)
	}
}
