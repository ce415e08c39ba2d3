package provider

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// Fault-injection suite: the provider against a sandbox that refuses,
// fails and drops requests, through the Terraform CLI.

const (
	routeBulkPattern   = "/organizations/{org}/v2/inventory/bulk"
	routeLookupPattern = "/organizations/{org}/inventory/products"
)

// movedIn is how much stock API requests moved from SUPPLIER into STORE for
// a variant: more than its target means some stock moved twice.
func (e *testEnv) movedIn(product, variant string) float64 {
	return e.movedExact(product, variant, sandbox.Supplier, sandbox.Store).InexactFloat64()
}

// movedExact is how much stock API requests moved from one location type to
// another for a variant, exactly.
func (e *testEnv) movedExact(product, variant, from, to string) decimal.Decimal {
	var total decimal.Decimal
	for _, m := range e.org.Movements() {
		if m.Product == product && m.Variant == variant && m.From == from && m.To == to && m.Route != sandbox.ControlRoute {
			total = total.Add(m.Quantity)
		}
	}
	return total
}

// expectStockOnce asserts that each product's variant is at the balance
// trackingForEach declares, with no more than that moved in from SUPPLIER.
func (e *testEnv) expectStockOnce(products map[string]string) func() error {
	const target = forEachBalance
	return func() error {
		for p, v := range products {
			if got := e.org.Balance(sandbox.Store, p, v); got != target {
				return fmt.Errorf("product %s: balance %v, want %v", p, got, target)
			}
			if in := e.movedIn(p, v); in > target {
				return fmt.Errorf("product %s: %v moved in from SUPPLIER for a target of %v: stock moved twice", p, in, target)
			}
		}
		return nil
	}
}

// attempts lists the statuses the sandbox answered a route with, in order
// (0 for a dropped connection), and when each request arrived.
func (e *testEnv) attempts(route string) (statuses []int, at []time.Time) {
	for _, r := range e.sb.Requests() {
		if r.Route == route {
			status := r.Status
			if strings.HasPrefix(r.Fault, "connection cut") {
				status = 0
			}
			statuses, at = append(statuses, status), append(at, r.At)
		}
	}
	return statuses, at
}

// A storm of 429s with Retry-After: the bulk request waits as long as asked
// each time, then goes through once.
func TestAccFaults_rateLimitStorm(t *testing.T) {
	e := newTestEnv(t)
	products := e.addProducts(3)
	// One batch for the three, whatever the timing: the storm meets one
	// bulk request.
	config := e.providerBlockWith(fullBatches) + trackingForEach(products)
	e.sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: routeBulkPattern, Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 3})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(e.expectStockOnce(products)),
					sandboxStateCheck(func() error {
						statuses, at := e.attempts(routeBulk)
						if fmt.Sprint(statuses) != "[429 429 429 200]" {
							return fmt.Errorf("bulk answers %v, want three 429s, then 200", statuses)
						}
						for i := 1; i < len(at); i++ {
							if gap := at[i].Sub(at[i-1]); gap < time.Second {
								return fmt.Errorf("retry %d came %v after a Retry-After of 1 s", i, gap)
							}
						}
						return nil
					}),
				},
			},
			e.expectReleased(e.providerBlock(), products, map[string]int{routeStoreLookup: 1, routeStopTracking: 3}),
		},
	})
}

// Reads that meet 503s are tried again; the plan is still empty.
func TestAccFaults_unavailableReads(t *testing.T) {
	e := newTestEnv(t)
	products := e.addProducts(3)
	config := e.providerBlock() + trackingForEach(products)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					e.sb.ResetRequests()
					e.sb.InjectFault(sandbox.Fault{Method: http.MethodGet, Route: "/organizations/{org}/inventory/locations", Status: http.StatusServiceUnavailable, Times: 2})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					sandboxPlanCheck(func() error {
						if statuses, _ := e.attempts(routeStoreLookup); fmt.Sprint(statuses) != "[503 503 200]" {
							return fmt.Errorf("lookup answers %v, want 503, 503, 200", statuses)
						}
						return nil
					}),
				}},
			},
			e.expectReleased(e.providerBlock(), products, map[string]int{routeStoreLookup: 1, routeStopTracking: 3}),
		},
	})
}

// The connection drops after the API applied a bulk request that moved
// stock. The request is not sent again: the provider reads the balances and
// moves only what is missing. One product starts from zero, one comes back
// with a saved level above its target.
func TestAccFaults_connectionCutAfterStockMoved(t *testing.T) {
	e := newTestEnv(t)
	products := e.addProducts(2)
	saved := slices.Sorted(maps.Keys(products))[0]
	e.org.SetTracking(saved, true)
	if err := e.org.Restock(saved, products[saved], 7); err != nil {
		t.Fatal(err)
	}
	e.org.SetTracking(saved, false)
	// One batch for both, whatever the timing: the cut meets both.
	config := e.providerBlockWith(fullBatches) + trackingForEach(products)
	e.sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: routeBulkPattern, CutAfterCommit: true})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(func() error {
						// The saved product's level came back at 7: 5 moved in
						// by the lost request, 7 moved out to BIN.
						if in := e.movedIn(saved, products[saved]); in != 5 {
							return fmt.Errorf("saved product: %v moved in, want 5", in)
						}
						return e.expectStockOnce(products)()
					}),
					sandboxStateCheck(func() error {
						if n := len(e.bulkBodiesMovingStock()); n != 1 {
							return fmt.Errorf("%d bulk requests moved stock, want only the lost one", n)
						}
						return nil
					}),
				},
			},
			e.expectReleased(e.providerBlock(), products, map[string]int{routeStoreLookup: 1, routeStopTracking: 2}),
		},
	})
}

// bulkBodiesMovingStock returns the bulk request bodies that moved stock.
func (e *testEnv) bulkBodiesMovingStock() []string {
	var out []string
	for _, r := range e.sb.Requests() {
		if r.Route == routeBulk && strings.Contains(r.Body, "variantChanges") {
			out = append(out, r.Body)
		}
	}
	return out
}

// When the balances cannot be read after a lost answer, the create fails,
// but the resource is saved as tainted: Terraform knows of the tracking that
// started, and the next apply replaces it and reaches the target with no
// further stock moved.
func TestAccFaults_incompleteStartIsSavedTainted(t *testing.T) {
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	provider := e.providerBlockWith("  max_retries = 1\n")
	config := provider + resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = 5 }\n", variants[0]))
	e.sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: routeBulkPattern, CutAfterCommit: true})
	// The lookup that checks the product is not tracked yet goes through;
	// those after the lost answer fail.
	e.sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: routeLookupPattern, Status: http.StatusInternalServerError, Times: 2, Skip: 1})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: errorPattern("Tracking of product "+product+" may have started without reaching initial_balances", "HTTP 500", "saved as tainted"),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectTracked(product, true),
					checkSandbox(func() error {
						// The lost request moved 5 in. The replacement stopped
						// tracking and started again without moving stock:
						// the saved 5 came back, and nothing more moved.
						if err := e.expectStockOnce(map[string]string{product: variants[0]})(); err != nil {
							return err
						}
						if n := len(e.org.Movements()); n != 1 {
							return fmt.Errorf("%d stock movements, want only the lost request's: %v", n, e.org.Movements())
						}
						return nil
					}),
				),
			},
		},
	})
}

// A token that expires early is refused with 401: the provider exchanges the
// API key again and sends the request once more.
func TestAccFaults_tokenExpiredMidApply(t *testing.T) {
	e := newTestEnv(t)
	key := e.org.AddAPIKey()
	products := e.addProducts(2)
	// One batch for both, whatever the timing: one bulk request meets the
	// expiry.
	provider := strings.Replace(e.apiKeyProviderBlock(key.Key, ""), "}\n", fullBatches+"}\n", 1)
	e.sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: routeBulkPattern, ExpireTokens: true})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: provider + trackingForEach(products),
				ConfigStateChecks: []statecheck.StateCheck{
					sandboxStateCheck(e.expectStockOnce(products)),
					sandboxStateCheck(func() error {
						if statuses, _ := e.attempts(routeBulk); fmt.Sprint(statuses) != "[401 200]" {
							return fmt.Errorf("bulk answers %v, want 401 for the expired token, then 200", statuses)
						}
						var exchanges int
						for _, r := range e.sb.Requests() {
							if r.Route == routeToken && r.Status == http.StatusOK {
								exchanges++
							}
						}
						// One per provider run (plan, apply), and one more
						// after the 401.
						if exchanges != 3 {
							return fmt.Errorf("%d token exchanges, want 3", exchanges)
						}
						return nil
					}),
				},
			},
			e.expectReleased(provider, products, map[string]int{routeToken: 2, routeStoreLookup: 1, routeStopTracking: 2}),
		},
	})
}

// A token without the scope an operation needs gets a 403 that names it.
func TestAccFaults_missingScopes(t *testing.T) {
	for scope, tc := range map[string]struct {
		has, lacks string
	}{
		"read only":  {sandbox.ScopeReadProduct, "WRITE:PRODUCT"},
		"write only": {sandbox.ScopeWriteProduct, "READ:PRODUCT"},
	} {
		t.Run(scope, func(t *testing.T) {
			e := newTestEnv(t)
			product, _ := e.org.AddProduct(1)
			config := trackingConfig(e, product, "")
			steps := []resource.TestStep{}
			if tc.lacks == "WRITE:PRODUCT" {
				e.org.SetScopes(tc.has)
				steps = append(steps, resource.TestStep{
					Config:      config,
					ExpectError: errorPattern("start tracking: HTTP 403 Forbidden: the access token lacks the WRITE:PRODUCT scope"),
				})
			} else {
				// Tracked with full scopes; the refresh then lacks READ.
				steps = append(steps,
					resource.TestStep{Config: config},
					resource.TestStep{
						PreConfig: func() { e.org.SetScopes(tc.has) },
						Config:    config,
						// The provider's check of the credentials meets it first.
						ExpectError: errorPattern("Zettle refused the credentials", "HTTP 403 Forbidden: the access token lacks the READ:PRODUCT scope"),
					},
					resource.TestStep{PreConfig: func() { e.org.SetScopes() }, Config: config},
				)
			}
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6Providers, Steps: steps})
		})
	}
}

// A create that runs out of its timeout stops waiting at once. Its request
// may have been sent, so the resource is saved tainted; the sandbox never
// applied it, so the next refresh drops it and the plan creates it again.
func TestAccFaults_createTimeout(t *testing.T) {
	e := newTestEnv(t)
	product, variants := e.org.AddProduct(1)
	resourceConfig := fmt.Sprintf("  initial_balances = { %q = 5 }\n  timeouts {\n    create = \"1s\"\n  }\n", variants[0])
	config := e.providerBlock() + resourceBlock("test", product, resourceConfig)
	e.sb.InjectFault(sandbox.Fault{Method: http.MethodPost, Route: routeBulkPattern, Delay: time.Hour})
	var started time.Time

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { started = time.Now() },
				Config:      config,
				ExpectError: errorPattern("may have started", "context deadline exceeded"),
			},
			{
				PreConfig: func() {
					if took := time.Since(started); took > 20*time.Second {
						t.Errorf("the apply took %v with a 1 s create timeout", took)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionCreate),
				}},
				Check: e.expectBalance(sandbox.Store, product, variants[0], 5),
			},
		},
	})
}
