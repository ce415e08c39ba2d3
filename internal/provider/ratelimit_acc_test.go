package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// zettlesRate is the rate Zettle documents for Inventory API v3, which the
// sandbox of these tests enforces: beyond it, 429 with Retry-After: 1.
const zettlesRate = 4

// atDefaultRate runs the test with the provider's default rate limit: not
// parallel, since it changes the process environment that TestMain set.
func atDefaultRate(t *testing.T) {
	t.Helper()
	t.Setenv(EnvRequestsPerSecond, "")
}

// With default settings, an apply, a plan and a destroy against a service
// that enforces Zettle's rate get no 429: every request waits its turn, and
// the batches fill while they wait, so the requests stay few. Under both
// API versions, and with batching off, when every request waits its turn.
func TestAccRateLimit_defaultSettingsGetNo429(t *testing.T) {
	atDefaultRate(t)
	const n = 12
	for _, c := range []struct {
		versions apiVersions
		batching bool
	}{{servesV2, true}, {servesV3, true}, {servesV2, false}, {servesV3, false}} {
		t.Run(fmt.Sprintf("%s, batching %t", c.versions.name, c.batching), func(t *testing.T) {
			e := newTestEnvServing(t, c.versions, sandbox.OrgSpec{})
			e.sb.SetRateLimit(zettlesRate, zettlesRate)
			products := e.addProducts(n)
			batching := ""
			if !c.batching {
				batching = "  batching {\n    enabled = false\n  }\n"
			}
			config := e.defaultProviderBlock(batching) + startingAt(products, "3")
			noneRefused := checkSandbox(func() error {
				if got := e.sb.RateLimited(); got != 0 {
					return fmt.Errorf("%d requests refused with 429 for going beyond %d per second", got, zettlesRate)
				}
				return nil
			})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{
					{
						PreConfig: e.sb.ResetRequests,
						Config:    config,
						Check: resource.ComposeAggregateTestCheckFunc(noneRefused, checkSandbox(func() error {
							if err := e.expectEachMovedIn(products, "3"); err != nil {
								return err
							}
							// Unbatched, each product costs two requests or
							// more (five under v3).
							switch got := e.sb.RequestCount(); {
							case c.batching && got > 2*n:
								return fmt.Errorf("%d requests for %d products: the batches did not fill while they waited", got, n)
							case !c.batching && got < 2*n:
								return fmt.Errorf("%d requests for %d products with batching off: some were batched", got, n)
							}
							return nil
						})),
					},
					{
						Config:   config,
						PlanOnly: true,
					},
					{
						// The refreshes and the plan of the steps before
						// got no 429 either.
						PreConfig: func() {
							if got := e.sb.RateLimited(); got != 0 {
								t.Errorf("the plans before the destroy: %d requests refused with 429", got)
							}
							e.sb.ResetRequests()
						},
						Config: e.defaultProviderBlock(batching),
						Check: resource.ComposeAggregateTestCheckFunc(noneRefused, checkSandbox(func() error {
							for p := range products {
								if e.org.IsTracked(p) {
									return fmt.Errorf("product %s is still tracked", p)
								}
							}
							return nil
						})),
					},
				},
			})
		})
	}
}

// Without the client's limit, the same service refuses requests with 429;
// they are retried after Retry-After, and the stock still lands once.
func TestAccRateLimit_withoutTheLimitThe429sAreRetried(t *testing.T) {
	atDefaultRate(t)
	e := newTestEnvServing(t, servesV3, sandbox.OrgSpec{})
	e.sb.SetRateLimit(zettlesRate, zettlesRate)
	products := e.addProducts(8)
	config := e.defaultProviderBlock("  requests_per_second = 0\n  max_retries = 10\n  batching {\n    enabled = false\n  }\n") + startingAt(products, "2")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkSandbox(func() error {
				if e.sb.RateLimited() == 0 {
					return fmt.Errorf("no request was refused: the test shows nothing")
				}
				return e.expectEachMovedIn(products, "2")
			}),
		}},
	})
}

// The limit's settings are checked at plan time, from the provider block
// and from the environment, naming the attribute; nothing is sent.
func TestAccRateLimit_invalidSettingsFailAtPlan(t *testing.T) {
	atDefaultRate(t)
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	for _, c := range []struct {
		extra, env, envValue string
		want                 *regexp.Regexp
	}{
		{extra: "  requests_per_second = -1\n", want: errorPattern("requests_per_second", "between 0.000000 and 100.000000")},
		{extra: "  requests_per_second = 1000\n", want: errorPattern("requests_per_second", "between 0.000000 and 100.000000")},
		{extra: "  request_burst = 0\n", want: errorPattern("request_burst", "between 1 and 100")},
		{env: EnvRequestsPerSecond, envValue: "fast", want: errorPattern("Invalid requests_per_second", EnvRequestsPerSecond, `"fast"`)},
		{env: EnvRequestBurst, envValue: "-3", want: errorPattern("Invalid request_burst", EnvRequestBurst, `"-3"`)},
	} {
		t.Run(c.extra+c.env, func(t *testing.T) {
			if c.env != "" {
				t.Setenv(c.env, c.envValue)
			}
			e.sb.ResetRequests()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6Providers,
				Steps: []resource.TestStep{{
					Config:      e.providerBlockWith(c.extra) + resourceBlock("p", product, ""),
					PlanOnly:    true,
					ExpectError: c.want,
				}},
			})
			if n := e.sb.RequestCount(routeBulk, routeMove); n != 0 {
				t.Errorf("%d writes sent", n)
			}
		})
	}
}
