package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/tfdriver"
)

// queryCLI is the Terraform the acceptance tests run, when it has terraform
// query (1.14 and later); otherwise the test is skipped, saying which CLI it
// found. plugin-testing runs no -generate-config-out of a query, so these
// tests drive the CLI themselves.
func queryCLI(t *testing.T) string {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Fatalf("no Terraform CLI: set TF_ACC_TERRAFORM_PATH")
		}
	}
	line, err := tfdriver.Version(cli)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(line)
	v, err := version.NewVersion(strings.TrimPrefix(fields[len(fields)-1], "v"))
	if err != nil {
		t.Fatalf("reading the version of %s (%q): %v", cli, line, err)
	}
	if !strings.HasPrefix(line, "Terraform ") || v.Core().LessThan(version.Must(version.NewVersion("1.14.0"))) {
		t.Skipf("%s: terraform query -generate-config-out needs Terraform 1.14.0 or later", line)
	}
	return cli
}

// runCLI runs the CLI in dir and returns its output, failing the test on an
// error.
func runCLI(t *testing.T, cli, dir string, args ...string) string {
	t.Helper()
	out, err := tryCLI(cli, dir, args...)
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// tryCLI runs the CLI in dir, with the test's CLI configuration (the built
// provider), and returns its output and error.
func tryCLI(cli, dir string, args ...string) (string, error) {
	cmd := exec.Command(cli, args...)
	cmd.Dir, cmd.Env = dir, append(tfdriver.Env(), "TF_CLI_CONFIG_FILE="+os.Getenv("TF_CLI_CONFIG_FILE"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// cliWorkspace is a working directory with config and the built provider
// (useBuiltProvider), and its other files, initialised: for the tests that
// run what plugin-testing does not (query -generate-config-out, -invoke).
func cliWorkspace(t *testing.T, cli string, e *testEnv, config string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["main.tf"] = fmt.Sprintf("terraform {\n  required_providers {\n    zettle = {\n      source  = \"zettle-community/zettle\"\n      version = %q\n    }\n  }\n}\n",
		builtProviderVersion) + e.providerBlock() + config
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runCLI(t, cli, dir, "init", "-input=false", "-no-color")
	return dir
}

// The configuration that terraform query -generate-config-out writes for
// what the organization has plans imports only, moving nothing, and after
// the import plans no change. Not parallel: it sets the process environment.
func TestAccQuery_generatedConfigurationImportsAndMovesNothing(t *testing.T) {
	cli := queryCLI(t)
	useBuiltProvider(t)
	for _, versions := range []apiVersions{servesV2, servesV3} {
		t.Run(versions.name, func(t *testing.T) { generateAndImport(t, cli, newTestEnvServing(t, versions, sandbox.OrgSpec{})) })
	}
}

func generateAndImport(t *testing.T, cli string, e *testEnv) {
	e.addCatalogue(t)
	for _, p := range []string{sandbox.DemoCoffeeBeans, sandbox.DemoTeaTin} {
		e.org.SetTracking(p, true)
	}
	if err := e.org.RestockExact(sandbox.DemoCoffeeBeans, sandbox.DemoCoffeeLarge, "2.5"); err != nil {
		t.Fatal(err)
	}
	e.org.SetLowStock(e.store(), sandbox.DemoTeaTin, sandbox.DemoTeaTinOnly, sandbox.LowStock{Level: level(3), Alert: true})
	e.org.AddSubscription(shopDestination, "ops@shop.example", "InventoryBalanceChanged", "InventoryTrackingStopped")

	// The adoption guide's query, as it is.
	dir := cliWorkspace(t, cli, e, "", map[string]string{"adopt.tfquery.hcl": examples(t, "guides/adopt-tracked-products", "adopt.tfquery.hcl")})
	runCLI(t, cli, dir, "query", "-generate-config-out=generated.tf", "-no-color")
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{sandbox.DemoCoffeeBeans, sandbox.DemoTeaTin, sandbox.DemoTeaTinOnly, shopDestination, "identity"} {
		if !strings.Contains(string(generated), want) {
			t.Errorf("generated.tf has no %s:\n%s", want, generated)
		}
	}

	t.Logf("generated.tf:\n%s", generated)
	runCLI(t, cli, dir, "plan", "-input=false", "-no-color", "-out=adopt.plan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string `json:"actions"`
				Importing any      `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(runCLI(t, cli, dir, "show", "-json", "adopt.plan")), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.ResourceChanges) != 4 {
		t.Errorf("the plan has %d changes, want 4 imports (2 tracked products, 1 low-stock setting, 1 subscription):\n%s", len(plan.ResourceChanges), generated)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Change.Importing == nil || strings.Join(rc.Change.Actions, ",") != "no-op" {
			t.Errorf("%s: actions %v, importing %v; want a no-op import", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
	}
	runCLI(t, cli, dir, "apply", "-input=false", "-no-color", "adopt.plan")
	if out, err := tryCLI(cli, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		t.Errorf("the plan after the import is not empty (%v):\n%s", err, out)
	}
	if err := e.expectNoMovements(); err != nil {
		t.Error(err)
	}
	if n := e.sb.RequestCount(routeSubscribe, routeUpdateWebhook, routeDeleteWebhook, routeBulk, routeMove, routeStopTracking); n != 0 {
		t.Errorf("adopting sent %d requests that change something", n)
	}
}
