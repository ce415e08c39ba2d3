package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// Resource identity needs Terraform 1.12; under an older CLI these tests
// report themselves skipped, with the CLI's version.
var needsIdentity = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

const (
	identityTracking  = "zettle_inventory_tracking.mug"
	identityLowStock  = "zettle_inventory_low_stock.mug"
	identityInventory = "zettle_inventory.backroom"
)

// Every resource has its identity in state, and an import block that gives
// the identity instead of an ID imports each with no change.
func TestAccIdentity_everyResource(t *testing.T) {
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
	product, variants := e.org.AddProduct(1)
	config := e.providerBlock() + fmt.Sprintf(`
resource "zettle_inventory_tracking" "mug" {
  product_uuid = %[1]q
}

resource "zettle_inventory_low_stock" "mug" {
  product_uuid    = %[1]q
  variant_uuid    = %[2]q
  low_stock_level = 3
  low_stock_alert = true
  depends_on      = [zettle_inventory_tracking.mug]
}

resource "zettle_inventory" "backroom" {
  name = "Backroom"
}
`, product, variants[0]) + webhookConfig(shopDestination, "InventoryBalanceChanged")
	importByIdentity := func(addr string) resource.TestStep {
		return resource.TestStep{
			Config: config, ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		TerraformVersionChecks:   needsIdentity,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(identityTracking, map[string]knownvalue.Check{"product_uuid": knownvalue.StringExact(product)}),
					statecheck.ExpectIdentity(identityLowStock, map[string]knownvalue.Check{
						"location_uuid": knownvalue.StringExact(e.store()), "product_uuid": knownvalue.StringExact(product),
						"variant_uuid": knownvalue.StringExact(variants[0]),
					}),
					statecheck.ExpectIdentityValueMatchesStateAtPath(identityInventory, tfjsonpath.New("id"), tfjsonpath.New("id")),
					statecheck.ExpectIdentityValueMatchesStateAtPath(webhookAddr, tfjsonpath.New("id"), tfjsonpath.New("id")),
				},
			},
			importByIdentity(identityTracking),
			importByIdentity(identityLowStock),
			importByIdentity(identityInventory),
			importByIdentity(webhookAddr),
		},
	})
}

// An import block may leave the low-stock identity's location_uuid out:
// the provider's location is taken, as with the two-part import ID.
func TestAccIdentity_lowStockLocationDefaults(t *testing.T) {
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	e.org.SetTracking(product, true)
	e.org.SetLowStock(e.store(), product, variants[0], sandbox.LowStock{Level: level(4), Alert: true})
	config := e.providerBlock() + fmt.Sprintf(`
import {
  to       = zettle_inventory_low_stock.mug
  identity = {
    product_uuid = %[1]q
    variant_uuid = %[2]q
  }
}

resource "zettle_inventory_low_stock" "mug" {
  product_uuid    = %[1]q
  variant_uuid    = %[2]q
  low_stock_level = 4
  low_stock_alert = true
}
`, product, variants[0])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		TerraformVersionChecks:   needsIdentity,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(identityLowStock, map[string]knownvalue.Check{
					"location_uuid": knownvalue.StringExact(e.store()), "product_uuid": knownvalue.StringExact(product),
					"variant_uuid": knownvalue.StringExact(variants[0]),
				}),
			},
			Check: e.expectRequests(map[string]int{routeSetLowStock: 0}),
		}},
	})
}

// The adoption guide's import by identity adopts a tracked product as it
// is: an import with no change, moving nothing.
func TestAccIdentity_adoptionGuideExample(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	e.org.SetTracking(sandbox.DemoCoffeeBeans, true)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		TerraformVersionChecks:   needsIdentity,
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + examples(t, "guides/adopt-tracked-products", "import-by-identity.tf"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("zettle_inventory_tracking.coffee_beans", plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity("zettle_inventory_tracking.coffee_beans", map[string]knownvalue.Check{
					"product_uuid": knownvalue.StringExact(sandbox.DemoCoffeeBeans),
				}),
				sandboxStateCheck(e.expectNoMovements),
			},
		}},
	})
}
