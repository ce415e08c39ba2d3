package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// Routes of the Product Library's writes, as the sandbox's log names them.
const (
	routeCreateProduct   = "POST /organizations/{org}/products"
	routeUpdateProduct   = "PUT /organizations/{org}/products/v2/{product}"
	routeDeleteProducts  = "DELETE /organizations/{org}/products"
	routeDeleteProduct   = "DELETE /organizations/{org}/products/{product}"
	routeReadProduct     = "GET /organizations/{org}/products/{product}"
	routeCreateCategory  = "POST /organizations/{org}/categories/v2"
	routeRenameCategory  = "PATCH /organizations/{org}/categories/v2/{category}"
	routeOrganization    = "GET /api/resources/organizations/{org}"
	productAddr          = "zettle_product.house_blend"
	shopTrackingAddr     = "zettle_inventory_tracking.house_blend"
	shopCategoryAddr     = "zettle_category.coffee"
	shopExampleDirectory = "guides/shop-from-scratch"
)

// shopProduct is the one product of the sandbox's library, which the test
// expects there.
func (e *testEnv) shopProduct() (sandbox.Product, error) {
	products := e.org.LibraryProducts()
	if len(products) != 1 {
		return sandbox.Product{}, fmt.Errorf("the library has %d products, want 1", len(products))
	}
	return products[0], nil
}

// variantBySKU finds a variant of p.
func variantBySKU(p sandbox.Product, sku string) (sandbox.Variant, bool) {
	i := slices.IndexFunc(p.Variants, func(v sandbox.Variant) bool { return v.SKU == sku })
	if i < 0 {
		return sandbox.Variant{}, false
	}
	return p.Variants[i], true
}

// expectShop checks the shop the guide's configuration builds: the product
// in its category with its prices in minor units, version 1 UUIDs, the
// starting stock moved in from SUPPLIER once, and nothing else moved.
func (e *testEnv) expectShop() func() error {
	return func() error {
		p, err := e.shopProduct()
		if err != nil {
			return err
		}
		if p.Category == nil || p.Category.Name != "Coffee" || p.Name != "House blend" || len(p.Variants) != 3 {
			return fmt.Errorf("the library's product %+v, want House blend with 3 variants in Coffee", p)
		}
		for _, id := range []string{p.UUID, p.Category.UUID} {
			if v := uuid.MustParse(id).Version(); v != 1 {
				return fmt.Errorf("UUID %s is version %d, want 1", id, v)
			}
		}
		want := map[string]struct{ price, cost int64 }{"HB-250": {4990, 2150}, "HB-500": {8900, 4000}, "HB-1KG": {15900, 7600}}
		stock := map[string]float64{"HB-250": 40, "HB-500": 20, "HB-1KG": 12}
		for sku, w := range want {
			v, ok := variantBySKU(p, sku)
			if !ok {
				return fmt.Errorf("no variant %s", sku)
			}
			if v.Price == nil || v.Price.Amount != w.price || v.Price.CurrencyID != "SEK" || v.CostPrice == nil || v.CostPrice.Amount != w.cost {
				return fmt.Errorf("variant %s prices %+v / %+v, want %d and %d SEK öre", sku, v.Price, v.CostPrice, w.price, w.cost)
			}
			if got := e.org.Balance(sandbox.Store, p.UUID, v.UUID); got != stock[sku] {
				return fmt.Errorf("variant %s balance %v, want %v", sku, got, stock[sku])
			}
			if moved := e.movedIn(p.UUID, v.UUID); moved != stock[sku] {
				return fmt.Errorf("variant %s: %v moved in, want %v once", sku, moved, stock[sku])
			}
		}
		if n := len(e.org.Movements()); n != 3 {
			return fmt.Errorf("the ledger has %d movements, want the 3 starting balances: %+v", n, e.org.Movements())
		}
		return nil
	}
}

func TestAccCatalogue_shopFromScratch(t *testing.T) {
	for _, versions := range []apiVersions{servesV2, servesV3} {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{NewOrganization: true})
			config := e.defaultProviderBlock(fmt.Sprintf("  products_url = %q\n  pusher_url = %q\n  organization_url = %q\n", e.productsURL(), e.pusherURL, e.url)) + examples(t, shopExampleDirectory, "shop.tf")
			var ledger int
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				CheckDestroy: checkSandbox(func() error {
					if n := len(e.org.LibraryProducts()); n != 0 {
						return fmt.Errorf("%d products left after destroy", n)
					}
					if n := len(e.org.Subscriptions()); n != 0 {
						return fmt.Errorf("%d subscriptions left after destroy", n)
					}
					if deleted := e.org.DeletedProducts(); len(deleted) != 1 {
						return fmt.Errorf("deleted products %v, want the one", deleted)
					}
					if n := len(e.org.Movements()); n != ledger {
						return fmt.Errorf("destroy moved stock: %d movements, want %d", n, ledger)
					}
					return nil
				}),
				Steps: []resource.TestStep{
					{
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectUnknownValue(productAddr, tfjsonpath.New("id")),
							plancheck.ExpectUnknownValue(shopTrackingAddr, tfjsonpath.New("initial_balances")),
							plancheck.ExpectKnownValue(productAddr, tfjsonpath.New("currency"), knownvalue.StringExact("SEK")),
							sandboxPlanCheck(func() error {
								if n := e.sb.RequestCount(routeCreateProduct, routeCreateCategory); n != 0 {
									return fmt.Errorf("the plan sent %d creates", n)
								}
								return nil
							}),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							sandboxStateCheck(e.expectShop()),
							statecheck.ExpectKnownValue(productAddr, tfjsonpath.New("variants").AtMapKey("HB-250").AtMapKey("price"), knownvalue.Float64Exact(49.9)),
							statecheck.ExpectKnownValue(productAddr, tfjsonpath.New("variants").AtMapKey("HB-250").AtMapKey("uuid"), knownvalue.StringRegexp(uuidRegexp)),
							statecheck.CompareValuePairs(productAddr, tfjsonpath.New("category_id"), shopCategoryAddr, tfjsonpath.New("id"), compareSame{}),
							sandboxStateCheck(func() error {
								ledger = len(e.org.Movements())
								if n := e.sb.RequestCount(routeCreateProduct); n != 1 {
									return fmt.Errorf("%d product creates, want 1", n)
								}
								if n := len(e.org.Subscriptions()); n != 1 {
									return fmt.Errorf("%d subscriptions, want 1", n)
								}
								return nil
							}),
						},
					},
					// The next plan is empty, and imports give the same state.
					{Config: config, PlanOnly: true},
					{ResourceName: productAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
					{ResourceName: shopCategoryAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
				},
			})
		})
	}
}

var uuidRegexp = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// compareSame is a value comparer that asks two values to be equal.
type compareSame struct{}

func (compareSame) CompareValues(values ...any) error {
	if len(values) != 2 || fmt.Sprint(values[0]) != fmt.Sprint(values[1]) {
		return fmt.Errorf("values %v differ", values)
	}
	return nil
}

// productConfig is a product of one to three variants, by key, each a SKU.
func productConfig(e *testEnv, variants string) string {
	return e.providerBlock() + fmt.Sprintf(`
resource "zettle_product" "house_blend" {
  name = "House blend"
  variants = {
%s
  }
}

resource "zettle_inventory_tracking" "house_blend" {
  product_uuid     = zettle_product.house_blend.id
  initial_balances = { for sku, v in zettle_product.house_blend.variants : v.uuid => 5 }
}
`, variants)
}

const (
	variantSmall = `    "HB-250" = { name = "250 g bag", sku = "HB-250", price = 49.90 }`
	variantLarge = `    "HB-1KG" = { name = "1 kg bag", sku = "HB-1KG", price = 159 }`
	variantMid   = `    "HB-500" = { name = "500 g bag", sku = "HB-500", price = 89 }`
)

// TestAccCatalogue_addVariantKeepsUUIDs adds a variant between two others:
// they keep their UUIDs, the product is updated in place with one PUT, and
// no stock moves, as initial_balances applies only when tracking starts.
func TestAccCatalogue_addVariantKeepsUUIDs(t *testing.T) {
	e := newTestEnv(t)
	var small, large string
	var ledger int
	uuidOf := func(sku string, into *string) statecheck.StateCheck {
		return sandboxStateCheck(func() error {
			p, err := e.shopProduct()
			if err != nil {
				return err
			}
			v, ok := variantBySKU(p, sku)
			if !ok {
				return fmt.Errorf("no variant %s", sku)
			}
			if *into != "" && *into != v.UUID {
				return fmt.Errorf("variant %s is now %s, was %s", sku, v.UUID, *into)
			}
			*into = v.UUID
			return nil
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: productConfig(e, variantSmall+"\n"+variantLarge),
				ConfigStateChecks: []statecheck.StateCheck{uuidOf("HB-250", &small), uuidOf("HB-1KG", &large), sandboxStateCheck(func() error {
					ledger = len(e.org.Movements())
					if ledger != 2 {
						return fmt.Errorf("%d movements, want the 2 starting balances", ledger)
					}
					return nil
				})},
			},
			{
				PreConfig: e.sb.ResetRequests,
				Config:    productConfig(e, variantSmall+"\n"+variantMid+"\n"+variantLarge),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(productAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(shopTrackingAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					uuidOf("HB-250", &small), uuidOf("HB-1KG", &large),
					statecheck.ExpectKnownValue(productAddr, tfjsonpath.New("variants").AtMapKey("HB-250").AtMapKey("uuid"), knownvalue.StringFunc(func(v string) error {
						if v != small {
							return fmt.Errorf("state has %s, want %s", v, small)
						}
						return nil
					})),
					sandboxStateCheck(func() error {
						p, _ := e.shopProduct()
						if len(p.Variants) != 3 {
							return fmt.Errorf("%d variants, want 3", len(p.Variants))
						}
						if n := len(e.org.Movements()); n != ledger {
							return fmt.Errorf("adding a variant moved stock: %d movements, want %d", n, ledger)
						}
						if n := e.sb.RequestCount(routeUpdateProduct); n != 1 {
							return fmt.Errorf("%d updates, want 1", n)
						}
						if n := e.sb.RequestCount(routeCreateProduct, routeDeleteProducts, routeDeleteProduct, routeBulk, routeMove); n != 0 {
							return fmt.Errorf("adding a variant sent %d creates, deletes or stock requests", n)
						}
						return nil
					}),
				},
			},
		},
	})
}

// TestAccCatalogue_lostCreateAnswerMakesOneProduct cuts the connection after
// the create was applied: the product is found by its UUID, and made once.
func TestAccCatalogue_lostCreateAnswerMakesOneProduct(t *testing.T) {
	e := newTestEnv(t)
	e.sb.InjectFault(sandbox.Fault{Method: "POST", Route: "/organizations/{org}/products", CutAfterCommit: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: productConfig(e, variantSmall),
			ConfigStateChecks: []statecheck.StateCheck{sandboxStateCheck(func() error {
				if _, err := e.shopProduct(); err != nil {
					return err
				}
				if n := e.sb.RequestCount(routeCreateProduct); n != 1 {
					return fmt.Errorf("%d creates, want the one whose answer was lost", n)
				}
				if n := e.sb.RequestCount(routeReadProduct); n != 1 {
					return fmt.Errorf("%d reads of the product, want 1 to find it", n)
				}
				return nil
			})},
		}},
	})
}

// TestAccCatalogue_conflictNeverOverwrites edits the product in the back
// office after the plan: the apply fails, asking for a new plan, and the
// edit stays.
func TestAccCatalogue_conflictNeverOverwrites(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{Config: productConfig(e, variantSmall)},
			{
				Config: strings.Replace(productConfig(e, variantSmall), `name = "House blend"`, `name = "House blend no. 2"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(productAddr, plancheck.ResourceActionUpdate),
					sandboxPlanCheck(func() error {
						p, err := e.shopProduct()
						if err != nil {
							return err
						}
						e.org.EditLibraryProduct(p.UUID, func(p *sandbox.Product) { p.Variants[0].Price.Amount = 5490 })
						return nil
					}),
				}},
				ExpectError: errorPattern("The product changed in Zettle since the plan", "run terraform plan again"),
			},
			{
				// Nothing was overwritten; the new plan shows the edit as drift.
				PreConfig: func() {
					p, _ := e.shopProduct()
					if p.Name != "House blend" || p.Variants[0].Price.Amount != 5490 {
						t.Errorf("the product is %q at %d, want the back office's edit kept", p.Name, p.Variants[0].Price.Amount)
					}
					if n := e.sb.RequestCount(routeUpdateProduct); n != 0 {
						t.Errorf("%d updates sent, want none", n)
					}
				},
				Config:             productConfig(e, variantSmall),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			// Applied, that plan brings the price back to the configuration's.
			{
				Config: productConfig(e, variantSmall),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(productAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkSandbox(func() error {
					if p, _ := e.shopProduct(); p.Variants[0].Price.Amount != 4990 {
						return fmt.Errorf("price %d after the apply, want 4990", p.Variants[0].Price.Amount)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccCatalogue_variantWithStockIsNotRemoved: removing a variant that
// holds stock fails and changes nothing; once its stock is gone, it goes.
func TestAccCatalogue_variantWithStockIsNotRemoved(t *testing.T) {
	for _, versions := range []apiVersions{servesV2, servesV3} {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			var ledger int
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{
					{
						Config: productConfig(e, variantSmall+"\n"+variantLarge),
						Check:  checkSandbox(func() error { ledger = len(e.org.Movements()); return nil }),
					},
					{
						Config:      productConfig(e, variantSmall),
						ExpectError: errorPattern("Variants to remove hold stock", "holds 5", "Nothing was changed"),
					},
					{
						PreConfig: func() {
							p, _ := e.shopProduct()
							if len(p.Variants) != 2 || len(e.org.Movements()) != ledger {
								t.Errorf("the refused update left %d variants and %d movements, want 2 and %d", len(p.Variants), len(e.org.Movements()), ledger)
							}
							large, _ := variantBySKU(p, "HB-1KG")
							if err := e.org.Sell(p.UUID, large.UUID, 5); err != nil {
								t.Fatal(err)
							}
						},
						Config: productConfig(e, variantSmall),
						Check: checkSandbox(func() error {
							if p, _ := e.shopProduct(); len(p.Variants) != 1 {
								return fmt.Errorf("%d variants, want the one kept", len(p.Variants))
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

// TestAccCatalogue_priceWithTooManyDecimalsFailsAtPlan: 49.905 SEK has three
// decimal places, and the krona two.
func TestAccCatalogue_priceWithTooManyDecimalsFailsAtPlan(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      productConfig(e, strings.Replace(variantSmall, "49.90", "49.905", 1)),
				PlanOnly:    true,
				ExpectError: errorPattern(`variants["HB-250"].price`, "49.905 SEK has more than the 2 decimal places SEK has"),
			},
			{
				Config:      productConfig(e, variantSmall+"\n"+strings.Replace(variantLarge, `sku = "HB-1KG"`, `sku = "HB-250"`, 1)),
				PlanOnly:    true,
				ExpectError: errorPattern("Duplicate SKU", `"HB-250" is the SKU of variants`),
			},
			{
				PreConfig: func() {
					if n := e.sb.RequestCount(routeCreateProduct, routeUpdateProduct); n != 0 {
						t.Errorf("plans that failed sent %d writes", n)
					}
				},
				Config:      productConfig(e, `    "x" = { sku = "`+strings.Repeat("S", 65)+`" }`),
				PlanOnly:    true,
				ExpectError: errorPattern(`variants["x"].sku`, "length must be between 1 and 64"),
			},
		},
	})
}

// TestAccCatalogue_trackedProductIsNotDeleted: a product tracked outside the
// configuration, with stock, is not deleted, and no stock moves; once its
// tracking stops, it is.
func TestAccCatalogue_trackedProductIsNotDeleted(t *testing.T) {
	for _, versions := range []apiVersions{servesV2, servesV3} {
		t.Run(versions.name, func(t *testing.T) {
			e := newTestEnvServing(t, versions, sandbox.OrgSpec{})
			alone := e.providerBlock() + `
resource "zettle_product" "house_blend" {
  name     = "House blend"
  variants = { "HB-250" = { name = "250 g bag", sku = "HB-250" } }
}
`
			var product, variant string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{
					{
						Config: alone,
						Check: func(s *terraform.State) error {
							rs := s.RootModule().Resources[productAddr].Primary
							product, variant = rs.ID, rs.Attributes[`variants.HB-250.uuid`]
							e.org.SetTracking(product, true)
							return e.org.Restock(product, variant, 7)
						},
					},
					{
						Config:      e.providerBlock(),
						ExpectError: errorPattern("The product's inventory is tracked", "was not deleted"),
					},
					{
						PreConfig: func() {
							if _, err := e.shopProduct(); err != nil {
								t.Error(err)
							}
							if n := len(e.org.Movements()); n != 1 || e.org.Balance(sandbox.Store, product, variant) != 7 {
								t.Errorf("the refused destroy moved stock: %+v", e.org.Movements())
							}
							e.org.SetTracking(product, false)
						},
						Config: e.providerBlock(),
						Check: checkSandbox(func() error {
							if n := len(e.org.LibraryProducts()); n != 0 {
								return fmt.Errorf("%d products left", n)
							}
							return nil
						}),
					},
				},
			})
		})
	}
}
