package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

const routeLibrary = "GET /organizations/{org}/library"

// addCatalogue gives e's organization the demo catalogue (two coffees, a tea,
// a mug of two colours) and a gift card in no category, with no SKU,
// barcode or price.
func (e *testEnv) addCatalogue(t *testing.T) {
	t.Helper()
	for _, p := range append(sandbox.DemoCatalogue(), sandbox.Product{Name: "Gift card", Variants: []sandbox.Variant{{UUID: giftCardVariant}}}) {
		if p.Name == "Gift card" {
			p.UUID = giftCard
		}
		if _, err := e.org.AddLibraryProduct(p); err != nil {
			t.Fatal(err)
		}
	}
}

const (
	giftCard        = "7fc09e62-7d1f-11ee-8c1a-0242ac120002"
	giftCardVariant = "7fc09e62-7d1f-11ee-8c1a-0242ac120003"
)

// uuidsOf checks a list of products by their UUIDs, in order.
func uuidsOf(products ...string) knownvalue.Check {
	checks := []knownvalue.Check{}
	for _, p := range products {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"uuid": knownvalue.StringExact(p)}))
	}
	return knownvalue.ListExact(checks)
}

// expectLibraryReadOnce checks that a step read the library once, in the
// requests whose queries are pageQueries (the first page's is ""), each
// sent to the products host, and that nothing else was: the plan reads the
// data sources however many lookups the configuration has, each run checks
// the credentials with one API-version probe, and the apply reads nothing
// again.
func (e *testEnv) expectLibraryReadOnce(pageQueries ...string) func() error {
	return func() error {
		productsHost := strings.TrimPrefix(e.productsURL(), "http://")
		var queries []string
		for _, r := range e.sb.Requests() {
			if (r.Route == routeLibrary) != (r.Host == productsHost) {
				return fmt.Errorf("%s %s went to host %s: the library's requests go to products_url, and only those", r.Method, r.Path, r.Host)
			}
			if r.Route == routeLibrary {
				queries = append(queries, r.Query)
			}
		}
		if e.sb.RequestCount(routeProbe) == 0 || strings.Join(queries, " | ") != strings.Join(pageQueries, " | ") {
			return fmt.Errorf("the library was read with the queries %q; want one read, %q", queries, pageQueries)
		}
		return nil
	}
}

func TestAccProducts_eachFilterAndTheirCombination(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	const all = "data.zettle_products.all"
	product := func(name string) string { return "data.zettle_products." + name }
	config := e.providerBlock() + `
data "zettle_products" "all" {}
data "zettle_products" "by_name" { name = "Logo mug" }
data "zettle_products" "by_category" { category = "Coffee" }
data "zettle_products" "by_sku" { sku = "BEAN-1000" }
data "zettle_products" "by_barcode" { barcode = "7350000000042" }
data "zettle_products" "combined" {
  category = "Coffee"
  sku      = "ESPR-500"
}
data "zettle_products" "sku_and_barcode_of_two_variants" {
  sku     = "BEAN-250"
  barcode = "7350000000028"
}
data "zettle_products" "none" { name = "logo mug" }
`
	variant := func(uuid, name, sku, barcode string, amount int64) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"uuid": knownvalue.StringExact(uuid), "name": knownvalue.StringExact(name),
			"sku": knownvalue.StringExact(sku), "barcode": knownvalue.StringExact(barcode),
			"price": knownvalue.ObjectExact(map[string]knownvalue.Check{
				"amount": knownvalue.Int64Exact(amount), "currency": knownvalue.StringExact("SEK"),
			}),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			PreConfig: e.sb.ResetRequests,
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(all, tfjsonpath.New("products"),
					uuidsOf(sandbox.DemoCoffeeBeans, sandbox.DemoEspresso, sandbox.DemoTeaTin, sandbox.DemoMug, giftCard)),
				statecheck.ExpectKnownValue(product("by_name"), tfjsonpath.New("products"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"uuid": knownvalue.StringExact(sandbox.DemoMug), "name": knownvalue.StringExact("Logo mug"),
						"category": knownvalue.StringExact("Merchandise"),
						"variants": knownvalue.ListExact([]knownvalue.Check{
							variant(sandbox.DemoMugWhite, "White", "MUG-WHT", "7350000000059", 14900),
							variant(sandbox.DemoMugBlack, "Black", "MUG-BLK", "7350000000066", 14900),
						}),
					}),
				})),
				statecheck.ExpectKnownValue(product("by_category"), tfjsonpath.New("products"), uuidsOf(sandbox.DemoCoffeeBeans, sandbox.DemoEspresso)),
				statecheck.ExpectKnownValue(product("by_sku"), tfjsonpath.New("products"), uuidsOf(sandbox.DemoCoffeeBeans)),
				statecheck.ExpectKnownValue(product("by_barcode"), tfjsonpath.New("products"), uuidsOf(sandbox.DemoTeaTin)),
				statecheck.ExpectKnownValue(product("combined"), tfjsonpath.New("products"), uuidsOf(sandbox.DemoEspresso)),
				statecheck.ExpectKnownValue(product("sku_and_barcode_of_two_variants"), tfjsonpath.New("products"), uuidsOf()),
				statecheck.ExpectKnownValue(product("none"), tfjsonpath.New("products"), uuidsOf()),
				// What the library does not have is null, not "".
				statecheck.ExpectKnownValue(all, tfjsonpath.New("products").AtSliceIndex(4), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"uuid": knownvalue.StringExact(giftCard), "name": knownvalue.StringExact("Gift card"), "category": knownvalue.Null(),
					"variants": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
						"uuid": knownvalue.StringExact(giftCardVariant), "name": knownvalue.Null(), "sku": knownvalue.Null(),
						"barcode": knownvalue.Null(), "price": knownvalue.Null(),
					})}),
				})),
				sandboxStateCheck(e.expectLibraryReadOnce("")),
			},
		}},
	})
}

func TestAccProducts_libraryReadPageByPage(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	var want []string
	for _, p := range e.org.LibraryProducts() {
		want = append(want, p.UUID)
	}
	// 5 products, 2 to a page.
	e.sb.SetPageSize(2)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			PreConfig: e.sb.ResetRequests,
			Config: e.providerBlock() + `
data "zettle_products" "all" {}
data "zettle_product" "last" { name = "Gift card" }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.zettle_products.all", tfjsonpath.New("products"), uuidsOf(want...)),
				statecheck.ExpectKnownValue("data.zettle_product.last", tfjsonpath.New("uuid"), knownvalue.StringExact(giftCard)),
				// The later pages are asked for as the sandbox's Link
				// headers name them.
				sandboxStateCheck(e.expectLibraryReadOnce("", "limit=2&offset=2", "limit=2&offset=4")),
			},
		}},
	})
}

func TestAccProduct_exactlyOne(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	const addr = "data.zettle_product.tea"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + `
data "zettle_product" "tea" { barcode = "7350000000042" }
data "zettle_product" "by_uuid" { uuid = "` + sandbox.DemoMug + `" }
data "zettle_product" "by_name_and_category" {
  name     = "Espresso blend"
  category = "Coffee"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("uuid"), knownvalue.StringExact(sandbox.DemoTeaTin)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Earl Grey tea tin")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("category"), knownvalue.StringExact("Tea")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("variants").AtSliceIndex(0).AtMapKey("uuid"), knownvalue.StringExact(sandbox.DemoTeaTinOnly)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("variants").AtSliceIndex(0).AtMapKey("sku"), knownvalue.StringExact("TEA-EG-100")),
					statecheck.ExpectKnownValue("data.zettle_product.by_uuid", tfjsonpath.New("name"), knownvalue.StringExact("Logo mug")),
					statecheck.ExpectKnownValue("data.zettle_product.by_uuid", tfjsonpath.New("variants"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.zettle_product.by_name_and_category", tfjsonpath.New("uuid"), knownvalue.StringExact(sandbox.DemoEspresso)),
				},
			},
			{
				Config:      e.providerBlock() + "data \"zettle_product\" \"x\" {\n  name = \"Decaf\"\n  sku  = \"D-1\"\n}\n",
				ExpectError: errorPattern("No product matches", "None of the 5 products", `name = "Decaf" and sku = "D-1"`),
			},
			{
				Config: e.providerBlock() + `data "zettle_product" "x" { category = "Coffee" }`,
				ExpectError: errorPattern("Several products match", `2 products have category = "Coffee"`,
					`"House coffee beans" (`+sandbox.DemoCoffeeBeans+`)`, `"Espresso blend" (`+sandbox.DemoEspresso+`)`, "add a filter"),
			},
		},
	})
}

func TestAccProduct_severalMatchesNameAFew(t *testing.T) {
	e := newTestEnv(t)
	for i := range 8 {
		if _, err := e.org.AddLibraryProduct(sandbox.Product{Name: "Candle", Variants: []sandbox.Variant{{SKU: fmt.Sprintf("C-%d", i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config:      e.providerBlock() + `data "zettle_product" "x" { name = "Candle" }`,
			ExpectError: errorPattern("Several products match", `8 products have name = "Candle"`, `"Candle"`, "and 3 more"),
		}},
	})
}

func TestAccProduct_planTimeErrorsSendNothing(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      e.providerBlock() + `data "zettle_product" "x" {}`,
				ExpectError: errorPattern("Missing Attribute Configuration", "must be configured", "[uuid,name,category,sku,barcode]"),
			},
			{
				Config:      e.providerBlock() + `data "zettle_product" "x" { uuid = "5DAE7C40-7D1F-11EE-8C1A-0242AC120002" }`,
				ExpectError: errorPattern("Invalid UUID", "has upper-case letters", "5dae7c40-7d1f-11ee-8c1a-0242ac120002"),
			},
			{
				Config:      e.providerBlock() + `data "zettle_products" "x" { sku = "" }`,
				ExpectError: errorPattern("sku", "at least 1"),
			},
		},
	})
	if n := e.sb.RequestCount(); n != 0 {
		t.Errorf("configurations refused at plan time sent %d requests", n)
	}
}

// The finding-products guide's configuration applies as written, under v2
// and v3: every coffee tracked with its stock by SKU, the tea tin found by
// barcode with its alert; then a plan with no changes.
func TestAccProducts_findingProductsGuide(t *testing.T) {
	for _, versions := range []apiVersions{servesV2, servesV3} {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			e.addCatalogue(t)
			config := e.providerBlock() + examples(t, "guides/finding-products", "category.tf", "barcode.tf")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(`zettle_inventory_tracking.coffee["`+sandbox.DemoCoffeeBeans+`"]`, tfjsonpath.New("balances"), knownvalue.MapExact(map[string]knownvalue.Check{
								sandbox.DemoCoffeeSmall: knownvalue.Float64Exact(40), sandbox.DemoCoffeeLarge: knownvalue.Float64Exact(12.5),
							})),
							statecheck.ExpectKnownValue(`zettle_inventory_tracking.coffee["`+sandbox.DemoEspresso+`"]`, tfjsonpath.New("balances"), knownvalue.MapExact(map[string]knownvalue.Check{})),
							statecheck.ExpectKnownValue("zettle_inventory_tracking.tea", tfjsonpath.New("balances"), knownvalue.MapExact(map[string]knownvalue.Check{
								sandbox.DemoTeaTinOnly: knownvalue.Float64Exact(25),
							})),
							statecheck.ExpectKnownValue("zettle_inventory_low_stock.tea", tfjsonpath.New("variant_uuid"), knownvalue.StringExact(sandbox.DemoTeaTinOnly)),
							sandboxStateCheck(func() error {
								for p, want := range map[string]bool{sandbox.DemoCoffeeBeans: true, sandbox.DemoEspresso: true, sandbox.DemoTeaTin: true, sandbox.DemoMug: false} {
									if e.org.IsTracked(p) != want {
										return fmt.Errorf("product %s tracked: %v, want %v", p, !want, want)
									}
								}
								if err := e.expectLedger(sandbox.DemoCoffeeBeans, sandbox.DemoCoffeeLarge, "12.5 SUPPLIER→STORE")(); err != nil {
									return err
								}
								return e.expectExactBalance(sandbox.DemoCoffeeBeans, sandbox.DemoCoffeeLarge, "12.5")()
							}),
						},
					},
					{Config: config, PlanOnly: true},
					// The harness cannot read a final state holding for_each
					// instances: the last step destroys them.
					{
						Config: e.providerBlock(),
						Check: checkSandbox(func() error {
							if e.org.IsTracked(sandbox.DemoCoffeeBeans) || e.org.IsTracked(sandbox.DemoEspresso) || e.org.IsTracked(sandbox.DemoTeaTin) {
								return fmt.Errorf("products are still tracked after their resources were destroyed")
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

func TestAccProducts_variantOfAnotherProductFailsThePlan(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + `
data "zettle_product" "mug" { name = "Logo mug" }

resource "zettle_inventory_tracking" "mug" {
  product_uuid = data.zettle_product.mug.uuid
  initial_balances = {
    "` + sandbox.DemoMugWhite + `"   = 3
    "` + sandbox.DemoTeaTinOnly + `" = 5
  }
}
`,
				ExpectError: errorPattern("Not a variant of the product", "zettle_inventory_tracking.mug", `"`+sandbox.DemoTeaTinOnly+`" = 5`,
					sandbox.DemoTeaTinOnly+` is not a variant of product "Logo mug"`, sandbox.DemoMugWhite+" (White)", sandbox.DemoMugBlack+" (Black)"),
			},
			{
				Config: e.providerBlock() + `
data "zettle_product" "mug" { name = "Logo mug" }

resource "zettle_inventory_low_stock" "mug" {
  product_uuid    = data.zettle_product.mug.uuid
  variant_uuid    = "` + sandbox.DemoCoffeeSmall + `"
  low_stock_level = 2
}
`,
				ExpectError: errorPattern("Not a variant of the product", "variant_uuid", sandbox.DemoCoffeeSmall+` is not a variant of product "Logo mug"`),
			},
			// An edit of a tracked product's initial_balances moves no
			// stock, but a key it adds is checked all the same.
			{
				Config: e.providerBlock() + mugTracking(`"`+sandbox.DemoMugWhite+`" = 3`),
			},
			{
				Config:      e.providerBlock() + mugTracking(`"`+sandbox.DemoMugWhite+`" = 3`+"\n"+`"`+sandbox.DemoCoffeeLarge+`" = 1`),
				ExpectError: errorPattern("Not a variant of the product", sandbox.DemoCoffeeLarge+` is not a variant of product "Logo mug"`),
			},
		},
	})
	if err := e.expectLedger(sandbox.DemoMug, sandbox.DemoMugWhite, "3 SUPPLIER→STORE")(); err != nil {
		t.Error(err)
	}
	for _, m := range e.apiMovements() {
		if m.Product != sandbox.DemoMug {
			t.Errorf("a plan that failed moved %s of product %s", m.Quantity, m.Product)
		}
	}
}

// mugTracking tracks the mug found by name, with initial_balances entries.
func mugTracking(entries string) string {
	return `
data "zettle_product" "mug" { name = "Logo mug" }

resource "zettle_inventory_tracking" "mug" {
  product_uuid     = data.zettle_product.mug.uuid
  initial_balances = {
    ` + entries + `
  }
}
`
}

// The data sources' examples apply as written.
func TestAccProducts_dataSourceExamples(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	config := e.providerBlock() + examples(t, "data-sources", "zettle_products/data-source.tf", "zettle_product/data-source.tf")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("coffee_variants_by_sku", knownvalue.MapExact(map[string]knownvalue.Check{
					"BEAN-250": knownvalue.StringExact(sandbox.DemoCoffeeSmall), "BEAN-1000": knownvalue.StringExact(sandbox.DemoCoffeeLarge),
					"ESPR-500": knownvalue.StringExact(sandbox.DemoEspressoOnly),
				})),
				statecheck.ExpectKnownValue("zettle_inventory_tracking.mug", tfjsonpath.New("balances"), knownvalue.MapExact(map[string]knownvalue.Check{
					sandbox.DemoMugWhite: knownvalue.Float64Exact(10), sandbox.DemoMugBlack: knownvalue.Float64Exact(10),
				})),
			},
		}},
	})
}
