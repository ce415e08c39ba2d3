package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// A category and a product have their UUIDs as identity, and import blocks
// that give the identity import each with no change.
func TestAccIdentity_catalogue(t *testing.T) {
	e := newTestEnv(t)
	config := e.providerBlock() + `
resource "zettle_category" "coffee" {
  name = "Coffee"
}

resource "zettle_product" "house_blend" {
  name        = "House blend"
  category_id = zettle_category.coffee.id
  variants = {
` + variantSmall + "\n" + variantLarge + `
  }
}
`
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
					statecheck.ExpectIdentityValueMatchesStateAtPath(productAddr, tfjsonpath.New("id"), tfjsonpath.New("id")),
					statecheck.ExpectIdentityValueMatchesStateAtPath(shopCategoryAddr, tfjsonpath.New("id"), tfjsonpath.New("id")),
				},
			},
			importByIdentity(productAddr),
			importByIdentity(shopCategoryAddr),
		},
	})
}

// terraform query lists the Product Library's categories and products, each
// product with its variants keyed by SKU and its prices in major units.
func TestAccQuery_catalogue(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		TerraformVersionChecks:   needsQuery,
		Steps: []resource.TestStep{
			{Config: e.providerBlock()},
			{
				Query: true,
				Config: `
list "zettle_product" "all" {
  provider         = zettle
  include_resource = true
}

list "zettle_category" "all" {
  provider = zettle
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("zettle_product.all", len(sandbox.DemoCatalogue())+1),
					querycheck.ExpectLength("zettle_category.all", 3),
					querycheck.ExpectResourceDisplayName("zettle_product.all", byID(sandbox.DemoMug),
						knownvalue.StringExact(fmt.Sprintf("Logo mug (%s)", sandbox.DemoMug))),
					querycheck.ExpectResourceKnownValues("zettle_product.all", byID(sandbox.DemoCoffeeBeans), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("House coffee beans")},
						{Path: tfjsonpath.New("currency"), KnownValue: knownvalue.StringExact("SEK")},
						{Path: tfjsonpath.New("variants").AtMapKey("BEAN-250").AtMapKey("uuid"), KnownValue: knownvalue.StringExact(sandbox.DemoCoffeeSmall)},
						{Path: tfjsonpath.New("variants").AtMapKey("BEAN-250").AtMapKey("price"), KnownValue: knownvalue.Float64Exact(99)},
					}),
				},
			},
		},
	})
}
