package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

const lowStockAddr = "zettle_inventory_low_stock.test"

const (
	routeSetLowStock    = "PUT /custom-low-stock/locations/{location}"
	routeReadLowStock   = "GET /custom-low-stock/v2/locations/{location}/products/{product}"
	routeDeleteLowStock = "DELETE /custom-low-stock/locations/{location}/products/{product}/variants/{variant}"
)

func lowStockConfig(e *testEnv, product, variant, settings string) string {
	return e.providerBlock() + fmt.Sprintf("resource \"zettle_inventory_low_stock\" \"test\" {\n  product_uuid = %q\n  variant_uuid = %q\n%s}\n", product, variant, settings)
}

// expectLowStock asserts the sandbox's setting for a variant at the STORE
// location; level nil with alert false means no setting at all.
func (e *testEnv) expectLowStock(product, variant string, level *float64, alert bool) resource.TestCheckFunc {
	return checkSandbox(func() error {
		got, ok := e.org.LowStock(e.store(), product, variant)
		want := sandbox.LowStock{Level: level, Alert: alert}
		if level == nil && !alert {
			if ok {
				return fmt.Errorf("sandbox: variant %s has setting %s, want none", variant, describeLowStock(got))
			}
			return nil
		}
		if !ok || describeLowStock(got) != describeLowStock(want) {
			return fmt.Errorf("sandbox: variant %s has setting %s (present %v), want %s", variant, describeLowStock(got), ok, describeLowStock(want))
		}
		return nil
	})
}

func describeLowStock(ls sandbox.LowStock) string {
	if ls.Level == nil {
		return fmt.Sprintf("{level: none, alert: %v}", ls.Alert)
	}
	return fmt.Sprintf("{level: %v, alert: %v}", *ls.Level, ls.Alert)
}

func level(v float64) *float64 { return &v }

func lowStockIs(level knownvalue.Check, alert bool) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(lowStockAddr, tfjsonpath.New("low_stock_level"), level),
		statecheck.ExpectKnownValue(lowStockAddr, tfjsonpath.New("low_stock_alert"), knownvalue.Bool(alert)),
	}
}

func TestAccInventoryLowStock_lifecycle(t *testing.T) {
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(2)
	v := variants[1]
	config := func(settings string) string { return lowStockConfig(e, product, v, settings) }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectLowStock(product, v, nil, false),
		Steps: []resource.TestStep{
			{
				Config: config("  low_stock_level = 10\n  low_stock_alert = true\n"),
				ConfigStateChecks: append(lowStockIs(knownvalue.Float64Exact(10), true),
					statecheck.ExpectKnownValue(lowStockAddr, tfjsonpath.New("id"), knownvalue.StringExact(e.store()+"/"+product+"/"+v)),
					statecheck.ExpectKnownValue(lowStockAddr, tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
				),
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectLowStock(product, v, level(10), true),
					e.expectLowStock(product, variants[0], nil, false),
					e.expectRequests(map[string]int{routeSetLowStock: 1}),
				),
			},
			{
				// Level and alert change in place.
				PreConfig: e.sb.ResetRequests,
				Config:    config("  low_stock_level = 2.5\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(lowStockAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: lowStockIs(knownvalue.Float64Exact(2.5), false),
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectLowStock(product, v, level(2.5), false),
					e.expectRequests(map[string]int{routeSetLowStock: 1, routeDeleteLowStock: 0}),
				),
			},
			{
				Config:            config("  low_stock_alert = true\n"),
				ConfigStateChecks: lowStockIs(knownvalue.Null(), true),
				Check:             e.expectLowStock(product, v, nil, true),
			},
			{
				ResourceName:      lowStockAddr,
				ImportState:       true,
				ImportStateId:     product + "/" + v,
				ImportStateVerify: true,
			},
			{
				ResourceName:      lowStockAddr,
				ImportState:       true,
				ImportStateId:     e.store() + "/" + product + "/" + v,
				ImportStateVerify: true,
			},
			{
				// Deleted in the back office: the plan creates it again.
				PreConfig: func() { e.org.SetLowStock(e.store(), product, v, sandbox.LowStock{}) },
				Config:    config("  low_stock_alert = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(lowStockAddr, plancheck.ResourceActionCreate)},
				},
				Check: e.expectLowStock(product, v, nil, true),
			},
			{
				// Changed in the back office: the plan sets it back.
				PreConfig: func() { e.org.SetLowStock(e.store(), product, v, sandbox.LowStock{Level: level(7), Alert: false}) },
				Config:    config("  low_stock_alert = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(lowStockAddr, plancheck.ResourceActionUpdate)},
				},
				Check: e.expectLowStock(product, v, nil, true),
			},
		},
	})
}

// The API keeps no setting at the defaults (no level, alert off). A resource
// declaring exactly that resets the variant and stays in step.
func TestAccInventoryLowStock_declaredDefaults(t *testing.T) {
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	v := variants[0]
	e.org.SetLowStock(e.store(), product, v, sandbox.LowStock{Level: level(4), Alert: true})
	config := lowStockConfig(e, product, v, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectLowStock(product, v, nil, false),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: lowStockIs(knownvalue.Null(), false),
				Check:             e.expectLowStock(product, v, nil, false),
			},
			{
				// A level set in the back office is planned away.
				PreConfig: func() { e.org.SetLowStock(e.store(), product, v, sandbox.LowStock{Level: level(3)}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(lowStockAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: lowStockIs(knownvalue.Null(), false),
				Check:             e.expectLowStock(product, v, nil, false),
			},
			{
				// A variant without a setting cannot be imported.
				ResourceName:  lowStockAddr,
				ImportState:   true,
				ImportStateId: product + "/" + v,
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

func TestAccInventoryLowStock_invalidInput(t *testing.T) {
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	other, _ := e.org.AddProduct(1)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      lowStockConfig(e, product, variants[0], "  low_stock_level = -1\n"),
				PlanOnly:    true,
				ExpectError: errorPattern("low_stock_level", "must be at least 0"),
			},
			{
				Config:      lowStockConfig(e, product, "not-a-variant", ""),
				PlanOnly:    true,
				ExpectError: errorPattern("variant_uuid", "must be a UUID"),
			},
			{
				PreConfig: func() {
					if n := e.sb.RequestCount(routeSetLowStock); n != 0 {
						t.Errorf("invalid configurations reached the API: %d requests", n)
					}
				},
				Config:      lowStockConfig(e, other, variants[0], "  low_stock_alert = true\n"),
				ExpectError: errorPattern("Could not set the low stock level of variant "+variants[0]+" of product "+other, "set low stock level: HTTP 400 Bad Request", "is not a variant of product"),
			},
			{
				Config: lowStockConfig(e, product, variants[0], "  low_stock_alert = true\n  location_uuid = \""+e.org.Location(sandbox.Supplier)+"\"\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(lowStockAddr, tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.org.Location(sandbox.Supplier))),
				},
				Check: checkSandbox(func() error {
					if _, ok := e.org.LowStock(e.org.Location(sandbox.Supplier), product, variants[0]); !ok {
						return fmt.Errorf("sandbox: no setting at the location named by the resource")
					}
					return nil
				}),
			},
		},
	})
}
