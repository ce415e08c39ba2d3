package provider

import (
	"cmp"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func resourceBlock(name, product, extra string) string {
	return fmt.Sprintf("resource \"zettle_inventory_tracking\" %q {\n  product_uuid = %q\n%s}\n", name, product, extra)
}

// Not parallel: it sets the process environment.
func TestAccProvider_configuredFromEnvironment(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	t.Setenv(EnvAccessToken, e.org.Token)
	t.Setenv(EnvLocationUUID, e.store())
	t.Setenv(EnvInventoryURL, e.url)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{{
			Config: `provider "zettle" {}` + "\n" + resourceBlock("test", product, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
			},
			Check: e.expectTracked(product, true),
		}},
	})
}

// Not parallel: it clears the process environment.
func TestAccProvider_configurationErrors(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	for _, env := range []string{EnvAccessToken, EnvAPIKey, EnvClientID, EnvOAuthURL, EnvLocationUUID, EnvInventoryURL, EnvProductsURL} {
		t.Setenv(env, "")
	}
	withProvider := func(provider string) string { return provider + "\n" + resourceBlock("test", product, "") }

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		Steps: []resource.TestStep{
			{
				Config:      withProvider(fmt.Sprintf(`provider "zettle" { inventory_url = %q }`, e.url)),
				PlanOnly:    true,
				ExpectError: errorPattern("Missing Zettle credentials", "ZETTLE_ACCESS_TOKEN", "ZETTLE_API_KEY"),
			},
			{
				Config:      withProvider(fmt.Sprintf("provider \"zettle\" {\n  access_token = \"x\"\n  api_key = \"y\"\n  inventory_url = %q\n}", e.url)),
				PlanOnly:    true,
				ExpectError: errorPattern("Conflicting Zettle credentials", "Set only one."),
			},
			{
				PreConfig:   func() { t.Setenv(EnvAPIKey, "opaque-key") },
				Config:      withProvider(fmt.Sprintf("provider \"zettle\" {\n  inventory_url = %q\n  oauth_url = %q\n}", e.url, e.url)),
				PlanOnly:    true,
				ExpectError: errorPattern("Unusable Zettle API key", "ZETTLE_API_KEY", "not a JWT", "client_id or ZETTLE_CLIENT_ID"),
			},
			{
				PreConfig:   func() { t.Setenv(EnvAPIKey, "") },
				Config:      withProvider("provider \"zettle\" {\n  api_key = \"k\"\n  client_id = \"c\"\n  oauth_url = \"oauth.zettle.com\"\n}"),
				PlanOnly:    true,
				ExpectError: errorPattern("Invalid URL", "must start with https:// or http://"),
			},
			{
				Config:      withProvider(fmt.Sprintf("provider \"zettle\" {\n  access_token = \"x\"\n  inventory_url = %q\n  location_uuid = \"store\"\n}", e.url)),
				PlanOnly:    true,
				ExpectError: errorPattern("location_uuid", "must be a UUID"),
			},
			{
				Config:      withProvider("provider \"zettle\" {\n  access_token = \"x\"\n  inventory_url = \"ftp://example.test\"\n}"),
				PlanOnly:    true,
				ExpectError: errorPattern("Invalid URL", "must start with https:// or http://"),
			},
			{
				Config:      withProvider(fmt.Sprintf("provider \"zettle\" {\n  access_token = \"x\"\n  inventory_url = %q\n  products_url = \"products.izettle.com\"\n}", e.url)),
				PlanOnly:    true,
				ExpectError: errorPattern("products_url", "must start with https:// or http://"),
			},
			{
				PreConfig:   func() { t.Setenv(EnvProductsURL, "http://example.test/?page=1") },
				Config:      withProvider(fmt.Sprintf("provider \"zettle\" {\n  access_token = \"x\"\n  inventory_url = %q\n}", e.url)),
				PlanOnly:    true,
				ExpectError: errorPattern("Invalid products_url", "ZETTLE_PRODUCTS_URL", "must not have a query"),
			},
			{
				PreConfig:   func() { t.Setenv(EnvProductsURL, ""); t.Setenv(EnvLocationUUID, "not-a-uuid") },
				Config:      withProvider(fmt.Sprintf("provider \"zettle\" {\n  access_token = \"x\"\n  inventory_url = %q\n}", e.url)),
				PlanOnly:    true,
				ExpectError: errorPattern("Invalid location_uuid", `"not-a-uuid"`, "ZETTLE_LOCATION_UUID"),
			},
		},
	})
	if n := e.sb.RequestCount(); n != 0 {
		t.Errorf("the sandbox saw %d requests for configurations that are invalid", n)
	}
}

// Terraform runs one provider process per provider block, but an in-process
// test server is shared by every block. This test therefore builds the
// provider and runs it as Terraform would, through dev_overrides.
// Not parallel: it sets the process environment.
func TestAccProvider_twoMerchantsSideBySide(t *testing.T) {
	useBuiltProvider(t)
	e := newTestEnv(t)
	other := e.sb.AddOrganization(sandbox.OrgSpec{})
	productA, va := e.org.AddProduct(1)
	productB, vb := other.AddProduct(1)
	config := fmt.Sprintf(`
provider "zettle" {
  alias         = "a"
  access_token  = %q
  location_uuid = %q
  inventory_url = %q
}
provider "zettle" {
  alias         = "b"
  access_token  = %q
  location_uuid = %q
  inventory_url = %q
}
resource "zettle_inventory_tracking" "a" {
  provider         = zettle.a
  product_uuid     = %q
  initial_balances = { %q = 3 }
}
resource "zettle_inventory_tracking" "b" {
  provider         = zettle.b
  product_uuid     = %q
  initial_balances = { %q = 4 }
}
`, e.org.Token, e.store(), e.url, other.Token, other.Location(sandbox.Store), e.url, productA, va[0], productB, vb[0])

	resource.Test(t, resource.TestCase{
		ExternalProviders: map[string]resource.ExternalProvider{"zettle": {Source: "zettle-community/zettle", VersionConstraint: builtProviderVersion}},
		CheckDestroy: func(*terraform.State) error {
			if e.org.IsTracked(productA) || other.IsTracked(productB) {
				return fmt.Errorf("a product is still tracked after destroy")
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("zettle_inventory_tracking.a", tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
				statecheck.ExpectKnownValue("zettle_inventory_tracking.b", tfjsonpath.New("location_uuid"), knownvalue.StringExact(other.Location(sandbox.Store))),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				e.expectBalance(sandbox.Store, productA, va[0], 3),
				checkSandbox(func() error {
					if got := other.Balance(sandbox.Store, productB, vb[0]); got != 4 {
						return fmt.Errorf("merchant b: balance %v, want 4", got)
					}
					if e.org.IsTracked(productB) || other.IsTracked(productA) {
						return fmt.Errorf("a product was tracked in the other merchant's organization")
					}
					return nil
				}),
			),
		}},
	})
}

// Provider attributes that come from another resource are unknown at plan;
// the plan still works, and apply configures the provider with the values.
func TestAccProvider_attributesUnknownAtPlan(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	config := fmt.Sprintf(`
resource "terraform_data" "credentials" {
  input = { token = %q, location = %q }
}
provider "zettle" {
  access_token  = terraform_data.credentials.output.token
  location_uuid = terraform_data.credentials.output.location
  inventory_url = %q
}
`, e.org.Token, e.store(), e.url) + resourceBlock("test", product, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(trackingAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(trackingAddr, tfjsonpath.New("location_uuid")),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("location_uuid"), knownvalue.StringExact(e.store())),
			},
			Check: e.expectTracked(product, true),
		}},
	})
}

// A destroy that fails, retries spent, keeps the resource in state; a later
// destroy works.
func TestAccInventoryTracking_failedDestroyKeepsState(t *testing.T) {
	e := newTestEnv(t)
	product, _ := e.org.AddProduct(1)
	config := e.providerBlockWith("  max_retries = 1\n") + resourceBlock("test", product, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Providers,
		CheckDestroy:             e.expectTracked(product, false),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					e.sb.InjectFault(sandbox.Fault{Method: http.MethodDelete, Route: "/organizations/{org}/inventory/products/{product}", Status: http.StatusInternalServerError, Times: 2})
					e.sb.ResetRequests()
				},
				Config:      config,
				Destroy:     true,
				ExpectError: errorPattern("Could not stop tracking product "+product, "stop tracking: HTTP 500 Internal Server Error"),
			},
			{
				// It was tried twice (max_retries = 1), and is still in
				// state: the plan has nothing to do.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						sandboxPlanCheck(func() error {
							if n := e.sb.RequestCount(routeStopTracking); n != 2 {
								return fmt.Errorf("%d attempts to stop tracking, want 2", n)
							}
							return nil
						}),
					},
				},
			},
			{
				// The resource is still in state: the plan has nothing to do.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(trackingAddr, tfjsonpath.New("id"), knownvalue.StringExact(product)),
				},
				Check: e.expectTracked(product, true),
			},
		},
	})
}

// useBuiltProvider builds the provider binary into a local filesystem mirror
// and points Terraform at it, for the rest of the test.
func useBuiltProvider(t *testing.T) {
	t.Helper()
	mirror := t.TempDir()
	// OpenTofu resolves zettle-community/zettle on its own registry host.
	host := cmp.Or(os.Getenv("TF_ACC_PROVIDER_HOST"), "registry.terraform.io")
	dir := filepath.Join(mirror, host, "zettle-community", "zettle", builtProviderVersion, runtime.GOOS+"_"+runtime.GOARCH)
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-zettle_v"+builtProviderVersion), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(mirror, "terraform.rc")
	content := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["%s/zettle-community/zettle"]
  }
  direct {
    exclude = ["%s/zettle-community/zettle"]
  }
}
`, mirror, host, host)
	if err := os.WriteFile(cliConfig, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
}

const builtProviderVersion = "0.0.1"
