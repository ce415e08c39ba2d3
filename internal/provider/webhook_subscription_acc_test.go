package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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

const (
	webhookAddr          = "zettle_webhook_subscription.shop"
	routeSubscriptions   = "GET /organizations/{org}/subscriptions"
	routeSubscribe       = "POST /organizations/{org}/subscriptions"
	routeUpdateWebhook   = "PUT /organizations/{org}/subscriptions/{subscription}"
	routeDeleteWebhook   = "DELETE /organizations/{org}/subscriptions/{subscription}"
	shopDestination      = "https://shop.example/zettle/hooks"
	shopOtherDestination = "https://shop.example/zettle/v2/hooks"
)

func webhookConfig(destination string, events ...string) string {
	return fmt.Sprintf(`
resource "zettle_webhook_subscription" "shop" {
  event_names   = [%s]
  destination   = %q
  contact_email = "ops@shop.example"
}
`, `"`+strings.Join(events, `", "`)+`"`, destination)
}

// expectSubscription checks the sandbox's one subscription against the
// state's, and that the state's signing key is Zettle's.
func (e *testEnv) expectSubscription(destination string, events ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		subs := e.org.Subscriptions()
		if len(subs) != 1 {
			return fmt.Errorf("the sandbox has %d subscriptions, want 1", len(subs))
		}
		sub, rs := subs[0], s.RootModule().Resources[webhookAddr]
		if rs == nil {
			return fmt.Errorf("%s is not in state", webhookAddr)
		}
		attrs := rs.Primary.Attributes
		if attrs["id"] != sub.UUID || attrs["signing_key"] != sub.SigningKey || attrs["status"] != "ACTIVE" || attrs["updated"] != sub.Updated {
			return fmt.Errorf("state id %s, status %s, updated %s: want %s's, and its signing key", attrs["id"], attrs["status"], attrs["updated"], sub.UUID)
		}
		if v := uuid.MustParse(sub.UUID).Version(); v != 1 {
			return fmt.Errorf("the subscription's UUID is version %d, want 1", v)
		}
		if sub.Destination != destination || strings.Join(sub.EventNames, ",") != strings.Join(events, ",") || sub.ContactEmail != "ops@shop.example" {
			return fmt.Errorf("the sandbox's subscription %+v, want destination %s and events %v", sub, destination, events)
		}
		for _, r := range e.sb.Requests() {
			if strings.Contains(r.Route, "/subscriptions") && r.Host != strings.TrimPrefix(e.pusherURL, "http://") {
				return fmt.Errorf("%s went to %s, not to pusher_url", r.Route, r.Host)
			}
		}
		return nil
	}
}

func TestAccWebhookSubscription_lifecycle(t *testing.T) {
	e := newTestEnv(t)
	var first, firstKey string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy: checkSandbox(func() error {
			if n := len(e.org.Subscriptions()); n != 0 {
				return fmt.Errorf("%d subscriptions left after destroy", n)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged", "InventoryTrackingStarted"),
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectSubscription(shopDestination, "InventoryBalanceChanged", "InventoryTrackingStarted"),
					func(s *terraform.State) error {
						rs := s.RootModule().Resources[webhookAddr].Primary
						first, firstKey = rs.ID, rs.Attributes["signing_key"]
						return nil
					},
				),
			},
			// In place, through PUT: the same UUID and signing key.
			{
				PreConfig: e.sb.ResetRequests,
				Config:    e.providerBlock() + webhookConfig(shopOtherDestination, "InventoryTrackingStarted", "InventoryTrackingStopped"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(webhookAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectSubscription(shopOtherDestination, "InventoryTrackingStarted", "InventoryTrackingStopped"),
					resource.TestCheckResourceAttrPtr(webhookAddr, "id", &first),
					resource.TestCheckResourceAttrPtr(webhookAddr, "signing_key", &firstKey),
					e.expectRequests(map[string]int{routeUpdateWebhook: 1}),
					checkSandbox(func() error {
						if n := e.sb.RequestCount(routeSubscribe, routeDeleteWebhook); n != 0 {
							return fmt.Errorf("an in-place update sent %d creates or deletes", n)
						}
						return nil
					}),
				),
			},
			// Only timeouts change: nothing goes to Zettle, which would call
			// the destination for nothing.
			{
				PreConfig: e.sb.ResetRequests,
				Config: e.providerBlock() + strings.Replace(webhookConfig(shopOtherDestination, "InventoryTrackingStarted", "InventoryTrackingStopped"),
					`contact_email = "ops@shop.example"`, "contact_email = \"ops@shop.example\"\n  timeouts {\n    update = \"2m\"\n  }", 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(webhookAddr, "timeouts.update", "2m"),
					e.expectRequests(map[string]int{routeUpdateWebhook: 0, routeSubscribe: 0, routeDeleteWebhook: 0}),
				),
			},
			{
				ResourceName: webhookAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			// Zettle deletes a subscription whose destination kept
			// failing: the plan creates it again, with a new UUID.
			{
				PreConfig: func() {
					if !e.org.DeleteSubscription(first) {
						t.Fatal("no subscription to delete")
					}
				},
				Config: e.providerBlock() + webhookConfig(shopOtherDestination, "InventoryTrackingStarted", "InventoryTrackingStopped"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectSubscription(shopOtherDestination, "InventoryTrackingStarted", "InventoryTrackingStopped"),
					func(s *terraform.State) error {
						if s.RootModule().Resources[webhookAddr].Primary.ID == first {
							return fmt.Errorf("the re-created subscription kept the UUID %s", first)
						}
						return nil
					},
				),
			},
			{
				Config:   e.providerBlock() + webhookConfig(shopOtherDestination, "InventoryTrackingStarted", "InventoryTrackingStopped"),
				PlanOnly: true,
			},
		},
	})
}

func TestAccWebhookSubscription_planTimeErrorsSendNothing(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged", "StockCounted"),
				ExpectError: errorPattern("event_names", "value must be one of", "InventoryBalanceChanged", `"StockCounted"`),
			},
			{
				Config:      e.providerBlock() + strings.Replace(webhookConfig(shopDestination, "InventoryBalanceChanged"), `["InventoryBalanceChanged"]`, "[]", 1),
				ExpectError: errorPattern("event_names", "at least 1"),
			},
			{
				Config:      e.providerBlock() + webhookConfig("http://shop.example/hooks", "InventoryBalanceChanged"),
				ExpectError: errorPattern("Invalid destination", `"http://shop.example/hooks" is not an https:// URL`),
			},
			{
				Config:      e.providerBlock() + strings.Replace(webhookConfig(shopDestination, "InventoryBalanceChanged"), "ops@shop.example", "ops at shop", 1),
				ExpectError: errorPattern("Invalid contact_email", `"ops at shop" is not an email address`),
			},
			{
				Config:      e.providerBlock() + strings.Replace(webhookConfig(shopDestination, "InventoryBalanceChanged"), "ops@shop.example", strings.Repeat("o", 510)+"@shop.example", 1),
				ExpectError: errorPattern("Invalid contact_email", "523 characters", "at most 512"),
			},
		},
	})
	if n := e.sb.RequestCount(); n != 0 {
		t.Errorf("configurations refused at plan time sent %d requests", n)
	}
}

// A create whose answer is lost, and then the list that would tell whether
// it was applied fails: the subscription is saved tainted under its UUID,
// and the next apply replaces it, never making a second beside it.
func TestAccWebhookSubscription_createUncertainIsSavedTainted(t *testing.T) {
	e := newTestEnv(t)
	e.sb.InjectFault(sandbox.Fault{Method: "POST", Route: "/organizations/{org}/subscriptions", CutAfterCommit: true})
	e.sb.InjectFault(sandbox.Fault{Method: "GET", Route: "/organizations/{org}/subscriptions", Status: 400})
	config := e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged")
	var tainted string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: errorPattern("The webhook subscription may have been created", "saved in state as tainted", "never makes a second"),
			},
			{
				PreConfig: func() {
					subs := e.org.Subscriptions()
					if len(subs) != 1 {
						t.Fatalf("%d subscriptions, want the one whose answer was lost", len(subs))
					}
					tainted = subs[0].UUID
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectSubscription(shopDestination, "InventoryBalanceChanged"),
					func(s *terraform.State) error {
						if id := s.RootModule().Resources[webhookAddr].Primary.ID; id == tainted || tainted == "" {
							return fmt.Errorf("the subscription %s is the tainted one %s, or none was tainted", id, tainted)
						}
						return nil
					},
				),
			},
		},
	})
}

// A create whose answer is lost after Zettle applied it: the provider finds
// the subscription in the list, with its signing key, and creates no second.
func TestAccWebhookSubscription_createAnswerLost(t *testing.T) {
	e := newTestEnv(t)
	fault := sandbox.Fault{Method: "POST", Route: "/organizations/{org}/subscriptions", CutAfterCommit: true}
	e.sb.InjectFault(fault)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged"),
			Check: resource.ComposeAggregateTestCheckFunc(
				e.expectSubscription(shopDestination, "InventoryBalanceChanged"),
				e.expectRequests(map[string]int{routeSubscribe: 1}),
				checkSandbox(func() error {
					if n := e.sb.FaultCounts()[fault.String()]; n != 1 {
						return fmt.Errorf("the fault cut %d answers, want 1", n)
					}
					return nil
				}),
			),
		}},
	})
}

func TestAccWebhookSubscription_apiRefusals(t *testing.T) {
	e := newTestEnv(t)
	e.org.SetUnreachable("https://down.example/hooks")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged", "PurchaseCreated"),
				ExpectError: errorPattern("Could not create the webhook subscription", "create webhook subscription: HTTP 403",
					"READ:PRODUCT (InventoryBalanceChanged), READ:PURCHASE (PurchaseCreated)", "needs the scope READ:PURCHASE"),
			},
			{
				Config:      e.providerBlock() + webhookConfig("https://down.example/hooks", "InventoryBalanceChanged"),
				ExpectError: errorPattern("create webhook subscription: HTTP 400", "did not answer within 10 seconds"),
			},
		},
	})
	if n := len(e.org.Subscriptions()); n != 0 {
		t.Errorf("%d subscriptions after refused creates", n)
	}
}

// A run logged at TRACE, create to destroy, never writes the signing key
// into the log, though the key is in state for the receiver. Not parallel:
// it sets the process environment.
func TestAccWebhookSubscription_signingKeyStaysOutOfLogs(t *testing.T) {
	e := newTestEnv(t)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	var key string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(webhookAddr, tfjsonpath.New("signing_key")),
				},
				Check: func(s *terraform.State) error {
					key = s.RootModule().Resources[webhookAddr].Primary.Attributes["signing_key"]
					return nil
				},
			},
			{
				Config: e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged", "InventoryTrackingStopped"),
			},
			{ResourceName: webhookAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
	})
	if len(key) < 32 {
		t.Fatalf("signing key %q in state: the test proves nothing", key)
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, mustShow := range []string{"create webhook subscription", "list webhook subscriptions", "update webhook subscription", `"signingKey":"***"`} {
		if !strings.Contains(log, mustShow) {
			t.Errorf("the log has no %q: the test proves nothing", mustShow)
		}
	}
	if strings.Contains(log, key) {
		t.Errorf("the TRACE log holds the signing key (%d times)", len(regexp.MustCompile(regexp.QuoteMeta(key)).FindAllStringIndex(log, -1)))
	}
}

// Without a subscription of that UUID, import says so.
func TestAccWebhookSubscription_importOfNothing(t *testing.T) {
	e := newTestEnv(t)
	missing := uuid.Must(uuid.NewUUID()).String()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:        e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged"),
				ResourceName:  webhookAddr,
				ImportState:   true,
				ImportStateId: missing,
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				Config:        e.providerBlock() + webhookConfig(shopDestination, "InventoryBalanceChanged"),
				ResourceName:  webhookAddr,
				ImportState:   true,
				ImportStateId: "not-a-uuid",
				ExpectError:   errorPattern("Invalid import ID", "import a webhook subscription by its UUID"),
			},
		},
	})
}

// The shop-sync guide's configuration applies as written: the coffees
// tracked, then the subscription to their inventory events.
func TestAccWebhookSubscription_shopSyncGuide(t *testing.T) {
	e := newTestEnv(t)
	e.addCatalogue(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config: e.providerBlock() + examples(t, "guides/webhooks", "shop-sync.tf"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(webhookAddr, tfjsonpath.New("event_names"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("InventoryBalanceChanged"), knownvalue.StringExact("InventoryTrackingStarted"), knownvalue.StringExact("InventoryTrackingStopped"),
					})),
					statecheck.ExpectSensitiveValue(webhookAddr, tfjsonpath.New("signing_key")),
					sandboxStateCheck(func() error {
						if !e.org.IsTracked(sandbox.DemoCoffeeBeans) || !e.org.IsTracked(sandbox.DemoEspresso) {
							return fmt.Errorf("the coffees are not tracked")
						}
						subs := e.org.Subscriptions()
						if len(subs) != 1 || subs[0].Destination != "https://shop.example.com/zettle/webhooks" {
							return fmt.Errorf("subscriptions %+v, want the shop's", subs)
						}
						return nil
					}),
				},
			},
			// The harness cannot read a final state holding for_each
			// instances: the last step destroys them.
			{
				Config: e.providerBlock(),
				Check: checkSandbox(func() error {
					if len(e.org.Subscriptions()) != 0 || e.org.IsTracked(sandbox.DemoCoffeeBeans) {
						return fmt.Errorf("the subscription or the tracking outlived the destroy")
					}
					return nil
				}),
			},
		},
	})
}

// The resource's example applies as written.
func TestAccWebhookSubscription_example(t *testing.T) {
	e := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{{
			Config: e.providerBlock() + examples(t, "resources/zettle_webhook_subscription", "resource.tf"),
			Check:  e.expectSubscriptionCount(1),
		}},
	})
}

func (e *testEnv) expectSubscriptionCount(n int) resource.TestCheckFunc {
	return checkSandbox(func() error {
		if got := len(e.org.Subscriptions()); got != n {
			return fmt.Errorf("the sandbox has %d subscriptions, want %d", got, n)
		}
		return nil
	})
}
