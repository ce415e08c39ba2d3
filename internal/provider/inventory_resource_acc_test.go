package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

const inventoryAddr = "zettle_inventory.backroom"

// backroomConfig declares a stock room, a product tracked there with
// initial balances, and a low-stock setting there.
func backroomConfig(e *testEnv, name, product, variant string) string {
	return e.defaultProviderBlock("") + fmt.Sprintf(`
resource "zettle_inventory" "backroom" {
  name        = %q
  description = "Stock room behind the shop"
}

resource "zettle_inventory_tracking" "test" {
  product_uuid     = %q
  location_uuid    = zettle_inventory.backroom.id
  initial_balances = { %q = 7 }
}

resource "zettle_inventory_low_stock" "backroom" {
  product_uuid    = %q
  variant_uuid    = %q
  location_uuid   = zettle_inventory.backroom.id
  low_stock_level = 2
  depends_on      = [zettle_inventory_tracking.test]
}

data "zettle_inventories" "all" {
  depends_on = [zettle_inventory.backroom]
}
`, name, product, variant, product, variant)
}

// inventoryID is the created inventory's UUID, from state.
func inventoryID(s *terraform.State) (string, error) {
	rs, ok := s.RootModule().Resources[inventoryAddr]
	if !ok {
		return "", fmt.Errorf("%s is not in state", inventoryAddr)
	}
	return rs.Primary.ID, nil
}

// Under v3, a stock room is created, stock lands there and only there, low
// stock is set there, and balances are read from it. A change of name is
// refused at plan time; import takes the UUID; destroy leaves the
// inventory, and its stock, in Zettle.
func TestAccInventory_stockRoomLifecycle(t *testing.T) {
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
	product, v := e.org.AddProduct(1)
	var backroom string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.providers(),
		Steps: []resource.TestStep{
			{
				Config: backroomConfig(e, "Backroom", product, v[0]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(inventoryAddr, tfjsonpath.New("name"), knownvalue.StringExact("Backroom")),
					statecheck.ExpectKnownValue(inventoryAddr, tfjsonpath.New("default"), knownvalue.Bool(false)),
					statecheck.CompareValuePairs(inventoryAddr, tfjsonpath.New("id"), trackingAddr, tfjsonpath.New("location_uuid"), compare.ValuesSame()),
					balancesAre(map[string]float64{v[0]: 7}),
					statecheck.ExpectKnownValue("data.zettle_inventories.all", tfjsonpath.New("inventories"), knownvalue.ListSizeExact(5)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					var err error
					if backroom, err = inventoryID(s); err != nil {
						return err
					}
					if got := e.org.BalanceAt(backroom, product, v[0]); got.String() != "7" {
						return fmt.Errorf("sandbox: backroom balance %s, want 7", got)
					}
					if got := e.org.BalanceAt(e.store(), product, v[0]); !got.IsZero() {
						return fmt.Errorf("sandbox: default STORE balance %s, want 0", got)
					}
					moves := e.org.InventoryMovements()
					if len(moves) != 1 || moves[0].ToInventory != backroom || moves[0].Quantity.String() != "7" {
						return fmt.Errorf("sandbox ledger %+v, want 7 moved into the backroom once", moves)
					}
					if ls, ok := e.org.LowStock(backroom, product, v[0]); !ok || ls.Level == nil || *ls.Level != 2 {
						return fmt.Errorf("sandbox: backroom low stock %+v (present %v), want level 2", ls, ok)
					}
					return e.expectRequests(map[string]int{routeV3Create: 1})(s)
				},
			},
			{
				// No rename in the API: refused at plan, nothing replaced.
				Config:      backroomConfig(e, "Warehouse", product, v[0]),
				ExpectError: errorPattern("An inventory cannot be changed", `has the name "Backroom" in Zettle`, `says "Warehouse"`),
			},
			{
				ResourceName:      inventoryAddr,
				ImportState:       true,
				ImportStateIdFunc: inventoryID,
				ImportStateVerify: true,
			},
			{
				// Destroying the inventory alone forgets it: still in
				// Zettle, with its stock.
				Config: e.defaultProviderBlock(""),
				Check: func(*terraform.State) error {
					if got := e.org.BalanceAt(backroom, product, v[0]); got.String() != "7" {
						return fmt.Errorf("sandbox: backroom balance %s after destroy, want 7 kept", got)
					}
					if n := e.sb.RequestCount(routeV3Create); n != 1 {
						return fmt.Errorf("%d requests to create an inventory, want the first apply's only", n)
					}
					return e.diags.expectWarning("PlanResourceChange", "Destroying removes the inventory from state only", "stays in Zettle")()
				},
			},
		},
	})
	if backroom == "" {
		t.Fatal("the backroom was never created")
	}
}

// An inventory whose name is taken is imported, never created again.
func TestAccInventory_existingNameIsRefused(t *testing.T) {
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
	existing := e.org.AddInventory("Backroom", "made in the back office")
	config := e.defaultProviderBlock("") + "resource \"zettle_inventory\" \"backroom\" {\n  name = \"Backroom\"\n}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: errorPattern("An inventory of this name exists already", existing, "terraform import", "import block"),
			},
			{
				Config:             config,
				ResourceName:       inventoryAddr,
				ImportState:        true,
				ImportStateId:      existing,
				ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(inventoryAddr, plancheck.ResourceActionNoop)},
				},
				Check: e.expectRequests(map[string]int{routeV3Create: 0}),
			},
		},
	})
}

// Under v2 an inventory is refused at plan time, with no request to create
// it.
func TestAccInventory_refusedUnderV2(t *testing.T) {
	e := newTestEnvServing(t, servesV2, sandbox.OrgSpec{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config:      e.defaultProviderBlock("") + "resource \"zettle_inventory\" \"backroom\" {\n  name = \"Backroom\"\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Inventories need Inventory API v3.*speaks\s+v2`),
		}},
	})
	if n := e.sb.RequestCount(routeV3Create); n != 0 {
		t.Errorf("%d requests to create an inventory", n)
	}
}

// The stock-rooms guide's configuration applies as written: the mugs start
// in the backroom, its alert is set there, and the output names both rooms.
func TestAccInventory_stockRoomsGuide(t *testing.T) {
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
	product, v := e.org.AddProduct(1)
	hcl := e.defaultProviderBlock("") + examples(t, "guides/stock-rooms", "stock-rooms.tf", "variables.tf")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: hcl,
			ConfigVariables: config.Variables{
				"mug_product_uuid": config.StringVariable(product),
				"mug_variant_uuid": config.StringVariable(v[0]),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("stock_rooms", knownvalue.MapExact(map[string]knownvalue.Check{
					"STORE": knownvalue.StringExact(e.store()), "Backroom": knownvalue.NotNull(), "Warehouse": knownvalue.NotNull(),
				})),
				statecheck.ExpectKnownValue("data.zettle_inventory_balances.backroom", tfjsonpath.New("balances"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"product_uuid": knownvalue.StringExact(product), "variant_uuid": knownvalue.StringExact(v[0]), "balance": knownvalue.Int64Exact(24),
					}),
				})),
			},
			Check: func(s *terraform.State) error {
				backroom, err := inventoryID(s)
				if err != nil {
					return err
				}
				if got := e.org.BalanceAt(backroom, product, v[0]); got.String() != "24" {
					return fmt.Errorf("sandbox: backroom balance %s, want 24", got)
				}
				if ls, ok := e.org.LowStock(backroom, product, v[0]); !ok || !ls.Alert {
					return fmt.Errorf("sandbox: backroom low stock %+v (present %v), want the alert on", ls, ok)
				}
				return nil
			},
		}},
	})
}

// Two inventories of one name in one configuration: one is created, and the
// other is refused with the way to import it; never two of one name.
func TestAccInventory_oneNameIsCreatedOnce(t *testing.T) {
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
	config := e.defaultProviderBlock("") + `
resource "zettle_inventory" "a" {
  name = "Backroom"
}

resource "zettle_inventory" "b" {
  name = "Backroom"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: errorPattern("An inventory of this name exists already", "terraform import"),
		}},
	})
	if n := e.sb.RequestCount(routeV3Create); n != 1 {
		t.Errorf("%d inventories created, want 1", n)
	}
}
