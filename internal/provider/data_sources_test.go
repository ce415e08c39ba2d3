package provider

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func TestAccInventoryLocations(t *testing.T) {
	e := newTestEnv(t)
	location := func(t string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"uuid":        knownvalue.StringExact(e.org.Location(t)),
			"type":        knownvalue.StringExact(t),
			"name":        knownvalue.StringExact(t),
			"description": knownvalue.StringExact("System generated location "),
			"default":     knownvalue.Bool(t == sandbox.Store),
		})
	}
	byType := map[string]knownvalue.Check{}
	for _, t := range []string{sandbox.Store, sandbox.Supplier, sandbox.Sold, sandbox.Bin} {
		byType[t] = knownvalue.StringExact(e.org.Location(t))
	}
	const addr = "data.zettle_inventory_locations.all"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + `data "zettle_inventory_locations" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("locations"), knownvalue.ListExact([]knownvalue.Check{
					location(sandbox.Store), location(sandbox.Bin), location(sandbox.Sold), location(sandbox.Supplier),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("by_type"), knownvalue.MapExact(byType)),
			},
			Check: checkSandbox(func() error {
				for _, r := range e.sb.Requests() {
					if r.Route != routeLocations && r.Route != routeProbe {
						return fmt.Errorf("reading locations sent %s", r.Route)
					}
				}
				return nil
			}),
		}},
	})
}

type wantBalance struct {
	product, variant string
	balance          float64
}

func balancesList(want ...wantBalance) knownvalue.Check {
	slices.SortFunc(want, func(a, b wantBalance) int { return strings.Compare(a.product+a.variant, b.product+b.variant) })
	checks := []knownvalue.Check{}
	for _, b := range want {
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"product_uuid": knownvalue.StringExact(b.product),
			"variant_uuid": knownvalue.StringExact(b.variant),
			"balance":      knownvalue.Float64Exact(b.balance),
		}))
	}
	return knownvalue.ListExact(checks)
}

func stringList(values ...string) knownvalue.Check {
	checks := []knownvalue.Check{}
	for _, v := range slices.Sorted(slices.Values(values)) {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.ListExact(checks)
}

// trackWithStock tracks a new product with n variants at the given STORE
// balances, as the back office would.
func trackWithStock(t *testing.T, e *testEnv, stock ...float64) (string, []string) {
	t.Helper()
	product, variants := e.org.AddProduct(len(stock))
	e.org.SetTracking(product, true)
	for i, q := range stock {
		if q > 0 {
			if err := e.org.Restock(product, variants[i], q); err != nil {
				t.Fatal(err)
			}
		}
	}
	return product, variants
}

func TestAccInventoryBalances(t *testing.T) {
	e := newTestEnv(t)
	p1, v1 := trackWithStock(t, e, 10, 0)
	if err := e.org.Sell(p1, v1[0], 3); err != nil {
		t.Fatal(err)
	}
	p2, v2 := trackWithStock(t, e, 4.5)
	untracked, _ := e.org.AddProduct(1)
	config := e.providerBlock() + fmt.Sprintf(`
data "zettle_inventory_balances" "store" {}
data "zettle_inventory_balances" "sold" {
  location_type = "SOLD"
}
data "zettle_inventory_balances" "sold_by_uuid" {
  location_uuid = %q
}
data "zettle_inventory_balances" "filtered" {
  product_uuids = [%q, %q]
}
data "zettle_inventory_balances" "none" {
  product_uuids = []
}
`, e.org.Location(sandbox.Sold), p2, untracked)
	check := func(name, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.zettle_inventory_balances."+name, tfjsonpath.New(attr), want)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					check("store", "location_uuid", knownvalue.StringExact(e.store())),
					check("store", "location_type", knownvalue.StringExact(sandbox.Store)),
					check("store", "tracked_products", stringList(p1, p2)),
					check("store", "balances", balancesList(wantBalance{p1, v1[0], 7}, wantBalance{p2, v2[0], 4.5})),
					check("sold", "location_uuid", knownvalue.StringExact(e.org.Location(sandbox.Sold))),
					check("sold", "balances", balancesList(wantBalance{p1, v1[0], 3})),
					check("sold_by_uuid", "location_type", knownvalue.StringExact(sandbox.Sold)),
					check("sold_by_uuid", "balances", balancesList(wantBalance{p1, v1[0], 3})),
					check("filtered", "tracked_products", stringList(p2)),
					check("filtered", "balances", balancesList(wantBalance{p2, v2[0], 4.5})),
					check("none", "tracked_products", stringList()),
					check("none", "balances", balancesList()),
				},
				Check: checkSandbox(func() error {
					// The filter goes to the API, which answers only those products.
					for _, r := range e.sb.Requests() {
						if r.Route == routeProductLookup && (strings.Contains(r.Body, p1) || !strings.Contains(r.Body, p2)) {
							return fmt.Errorf("filtered lookup sent %s", r.Body)
						}
					}
					if e.sb.RequestCount(routeProductLookup) == 0 {
						return fmt.Errorf("the filtered data source made no product lookup")
					}
					return nil
				}),
			},
		},
	})
}

func TestAccInventoryBalances_invalidSelection(t *testing.T) {
	e := newTestEnv(t)
	dataSource := func(body string) string {
		return e.providerBlock() + "data \"zettle_inventory_balances\" \"x\" {\n" + body + "}\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      dataSource(fmt.Sprintf("  location_type = \"SOLD\"\n  location_uuid = %q\n", e.store())),
				ExpectError: errorPattern("Invalid Attribute Combination", "cannot be configured together: [location_uuid,location_type]"),
			},
			{
				Config:      dataSource("  location_type = \"WAREHOUSE\"\n"),
				ExpectError: errorPattern("location_type", "value must be one of"),
			},
			{
				Config:      dataSource("  product_uuids = [\"coffee\"]\n"),
				ExpectError: errorPattern("product_uuids", "must be a UUID"),
			},
			{
				Config:      dataSource(fmt.Sprintf("  location_uuid = %q\n", e.org.UUID)),
				ExpectError: errorPattern("Unknown location", e.org.UUID+" is not one of the organization's locations (its STORE location is "+e.store()+")"),
			},
		},
	})
}

// adoptionConfig is the provider block and an example file of the adoption
// guide, so that the guide is what is tested.
func adoptionConfig(t *testing.T, e *testEnv, files ...string) string {
	return e.providerBlock() + examples(t, "guides/adopt-tracked-products", files...)
}

// examples joins example files of a folder under examples/, so that what
// the documentation shows is what is tested.
func examples(t *testing.T, folder string, files ...string) string {
	t.Helper()
	config := ""
	for _, f := range files {
		b, err := os.ReadFile("../../examples/" + folder + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		config += "\n" + string(b)
	}
	return config
}

// expectAdopted asserts that the tracked products were brought under
// Terraform with their stock, without starting tracking again or moving
// stock. (The legacy Check functions cannot address for_each instances.)
func (e *testEnv) expectAdopted(products []string, variants [][]string, stock float64) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{sandboxStateCheck(func() error {
		if n := e.sb.RequestCount(routeBulk, routeMove); n != 0 {
			return fmt.Errorf("adopting sent %d tracking or stock requests, want none", n)
		}
		return nil
	})}
	for i, p := range products {
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("zettle_inventory_tracking.adopted[%q]", p), tfjsonpath.New("balances"),
			knownvalue.MapExact(map[string]knownvalue.Check{variants[i][0]: knownvalue.Float64Exact(stock)})))
	}
	return checks
}

// releaseAdopted is a last step that destroys the adopted resources: the
// test harness cannot read a final state holding for_each instances.
func (e *testEnv) releaseAdopted(t *testing.T, products []string) resource.TestStep {
	return resource.TestStep{
		Config: adoptionConfig(t, e),
		Check: checkSandbox(func() error {
			for _, p := range products {
				if e.org.IsTracked(p) {
					return fmt.Errorf("product %s is still tracked after its resource was destroyed", p)
				}
			}
			return nil
		}),
	}
}

func adoptionPlanChecks(products []string) []plancheck.PlanCheck {
	checks := []plancheck.PlanCheck{}
	for _, p := range products {
		checks = append(checks, plancheck.ExpectResourceAction(fmt.Sprintf("zettle_inventory_tracking.adopted[%q]", p), plancheck.ResourceActionNoop))
	}
	return checks
}

func TestAccInventoryBalances_adoptWithImportForEach(t *testing.T) {
	e := newTestEnv(t)
	p1, v1 := trackWithStock(t, e, 6)
	p2, v2 := trackWithStock(t, e, 6)
	products, variants := []string{p1, p2}, [][]string{v1, v2}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(version.Must(version.NewVersion("1.7.0")))},
		Steps: []resource.TestStep{
			{
				Config:            adoptionConfig(t, e, "import-for-each.tf"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: adoptionPlanChecks(products)},
				ConfigStateChecks: e.expectAdopted(products, variants, 6),
			},
			e.releaseAdopted(t, products),
		},
	})
}

func TestAccInventoryBalances_adoptWithGeneratedImportBlocks(t *testing.T) {
	e := newTestEnv(t)
	p1, v1 := trackWithStock(t, e, 2)
	p2, v2 := trackWithStock(t, e, 2)
	products, variants := []string{p1, p2}, [][]string{v1, v2}
	var imports string
	for _, p := range slices.Sorted(slices.Values(products)) {
		imports += fmt.Sprintf("import {\n  to = zettle_inventory_tracking.adopted[%q]\n  id = %q\n}\n", p, p)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				// First: render the import blocks.
				Config: adoptionConfig(t, e, "generate-imports.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("import_blocks", knownvalue.StringExact(imports)),
				},
			},
			{
				// Then: save them next to the adopted resources.
				Config:            adoptionConfig(t, e, "generate-imports.tf", "adopted.tf") + "\n" + imports,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: adoptionPlanChecks(products)},
				ConfigStateChecks: e.expectAdopted(products, variants, 2),
			},
			e.releaseAdopted(t, products),
		},
	})
}
