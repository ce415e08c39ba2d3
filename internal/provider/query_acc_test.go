package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// terraform query needs Terraform 1.14; under an older CLI these tests
// report themselves skipped, with the CLI's version.
var needsQuery = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

func byProduct(product string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"product_uuid": knownvalue.StringExact(product)})
}

// What the organization has, made outside Terraform, is listed with the
// identities that import it: the tracked products (one without stock), the
// low-stock settings and the webhook subscriptions.
func TestAccQuery_listsWhatTheOrganizationHas(t *testing.T) {
	for _, versions := range []apiVersions{servesV2, servesV3} {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			e.addCatalogue(t)
			for _, p := range []string{sandbox.DemoCoffeeBeans, sandbox.DemoMug} {
				e.org.SetTracking(p, true)
			}
			if err := e.org.Restock(sandbox.DemoCoffeeBeans, sandbox.DemoCoffeeSmall, 7); err != nil {
				t.Fatal(err)
			}
			e.org.SetLowStock(e.store(), sandbox.DemoMug, sandbox.DemoMugWhite, sandbox.LowStock{Level: level(2), Alert: true})
			sub := e.org.AddSubscription(shopDestination, "ops@shop.example", "InventoryBalanceChanged")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				TerraformVersionChecks:   needsQuery,
				Steps: []resource.TestStep{
					// A query runs beside a configuration, which has the
					// provider block; this one has nothing else.
					{Config: e.providerBlock()},
					{
						Query: true,
						Config: `
list "zettle_inventory_tracking" "all" {
  provider         = zettle
  include_resource = true
}

list "zettle_inventory_low_stock" "all" {
  provider = zettle
  config {
    location_uuid = "` + e.store() + `"
  }
}

list "zettle_webhook_subscription" "all" {
  provider = zettle
}
`,
						QueryResultChecks: []querycheck.QueryResultCheck{
							querycheck.ExpectLength("zettle_inventory_tracking.all", 2),
							querycheck.ExpectIdentity("zettle_inventory_tracking.all", map[string]knownvalue.Check{"product_uuid": knownvalue.StringExact(sandbox.DemoCoffeeBeans)}),
							querycheck.ExpectIdentity("zettle_inventory_tracking.all", map[string]knownvalue.Check{"product_uuid": knownvalue.StringExact(sandbox.DemoMug)}),
							querycheck.ExpectResourceDisplayName("zettle_inventory_tracking.all", byProduct(sandbox.DemoMug),
								knownvalue.StringExact(fmt.Sprintf("Logo mug (%s)", sandbox.DemoMug))),
							// include_resource: the state an import would start from.
							querycheck.ExpectResourceKnownValues("zettle_inventory_tracking.all", byProduct(sandbox.DemoCoffeeBeans), []querycheck.KnownValueCheck{
								{Path: tfjsonpath.New("location_uuid"), KnownValue: knownvalue.StringExact(e.store())},
								{Path: tfjsonpath.New("balances"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{
									sandbox.DemoCoffeeSmall: knownvalue.Float64Exact(7),
								})},
							}),
							querycheck.ExpectLength("zettle_inventory_low_stock.all", 1),
							querycheck.ExpectIdentity("zettle_inventory_low_stock.all", map[string]knownvalue.Check{
								"location_uuid": knownvalue.StringExact(e.store()), "product_uuid": knownvalue.StringExact(sandbox.DemoMug),
								"variant_uuid": knownvalue.StringExact(sandbox.DemoMugWhite),
							}),
							querycheck.ExpectLength("zettle_webhook_subscription.all", 1),
							querycheck.ExpectIdentity("zettle_webhook_subscription.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(sub.UUID)}),
						},
					},
				},
			})
			if err := e.expectNoMovements(); err != nil {
				t.Error(err)
			}
		})
	}
}
