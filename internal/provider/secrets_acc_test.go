package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// A run logged at TRACE, from the first token exchange to the destroy, writes
// neither the API key nor any access token issued for it into a log or the
// state. Not parallel: it sets the process environment.
func TestAccProvider_secretsStayOutOfLogsAndState(t *testing.T) {
	e := newTestEnv(t)
	key := e.org.AddAPIKey()
	product, variants := e.org.AddProduct(1)
	// The Terraform CLI and the provider under test both log at TRACE into
	// TF_ACC_LOG_PATH.
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	// The key comes from the environment, as the documentation advises: the
	// test harness itself logs each configuration it runs.
	t.Setenv(EnvAPIKey, key.Key)
	t.Setenv(EnvOAuthURL, e.url)
	t.Setenv(EnvInventoryURL, e.url)
	config := "provider \"zettle\" {}\n" + resourceBlock("test", product, fmt.Sprintf("  initial_balances = { %q = 3 }\n", variants[0])) +
		fmt.Sprintf("resource \"zettle_inventory_low_stock\" \"test\" {\n  product_uuid = %q\n  variant_uuid = %q\n  low_stock_level = 1\n}\n", product, variants[0])

	secrets := func() []string { return append([]string{key.Key}, e.sb.IssuedTokens()...) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectBalance(sandbox.Store, product, variants[0], 3),
					func(s *terraform.State) error {
						for _, rs := range s.RootModule().Resources {
							for name, value := range rs.Primary.Attributes {
								if secret := containsAny(value, secrets()); secret != "" {
									return fmt.Errorf("state attribute %s of %s holds a secret", name, rs.Type)
								}
							}
						}
						return nil
					},
				),
			},
			{ResourceName: trackingAddr, ImportState: true, ImportStateId: product, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"initial_balances"}},
		},
	})

	issued := e.sb.IssuedTokens()
	if len(issued) == 0 {
		t.Fatal("no access token was issued: the test proves nothing")
	}
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	// Both wrote: the provider its requests, Terraform its graph walks.
	for _, mustShow := range []string{"Zettle API request", "Zettle API response", "zettle_inventory_tracking.test", "[TRACE]"} {
		if !strings.Contains(log, mustShow) {
			t.Errorf("the log has no %q: the test proves nothing", mustShow)
		}
	}
	if secret := containsAny(log, secrets()); secret != "" {
		t.Errorf("the log holds a secret: %s…", secret[:8])
	}
}

// containsAny returns the first of secrets that s contains, or "".
func containsAny(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" && strings.Contains(s, secret) {
			return secret
		}
	}
	return ""
}
