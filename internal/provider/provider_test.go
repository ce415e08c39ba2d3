package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/serve"
)

var protoV6Providers = map[string]func() (tfprotov6.ProviderServer, error){
	"zettle": func() (tfprotov6.ProviderServer, error) { return serve.Server(New("test"))(), nil },
}

// testEnv is one sandbox with one organization, served on loopback for the
// length of a test.
type testEnv struct {
	sb  *sandbox.Server
	url string
	// pusherURL serves the same sandbox on another port, as Pusher is
	// another host.
	pusherURL string
	org       *sandbox.Org
	// diags records the diagnostics of the providers from e.providers().
	diags *diagnosticsRecorder
	// versions are the Inventory API versions the sandbox serves.
	versions apiVersions
}

// newTestEnv serves Inventory API v2 only, the service most tests were
// written against; the provider finds that out as it would against the
// live service (apiversions_acc_test.go runs the others).
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvServing(t, servesV2, sandbox.OrgSpec{})
}

// apiVersions says which Inventory API versions a test's sandbox serves.
type apiVersions struct {
	name   string
	v2, v3 bool
}

var (
	servesV2   = apiVersions{"v2 only", true, false}
	servesV3   = apiVersions{"v3 only", false, true}
	servesBoth = apiVersions{"v2 and v3", true, true}
)

func newTestEnvServing(t *testing.T, versions apiVersions, spec sandbox.OrgSpec) *testEnv {
	t.Helper()
	sb := sandbox.New()
	sb.SetAPIVersions(versions.v2, versions.v3)
	srv, pusher := httptest.NewServer(sb), httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	t.Cleanup(pusher.Close)
	return &testEnv{sb: sb, url: srv.URL, pusherURL: pusher.URL, org: sb.AddOrganization(spec), diags: &diagnosticsRecorder{}, versions: versions}
}

func (e *testEnv) store() string { return e.org.Location(sandbox.Store) }

// providerBlock configures the provider for e's organization.
func (e *testEnv) providerBlock() string {
	return fmt.Sprintf(`
provider "zettle" {
  access_token  = %q
  location_uuid = %q
  inventory_url = %q
  products_url  = %q
  pusher_url    = %q

  organization_url = %q
}
`, e.org.Token, e.store(), e.url, e.productsURL(), e.pusherURL, e.url)
}

// productsURL is the sandbox's address under another host name, so that
// the tests tell the Product Library's requests from the inventory's.
func (e *testEnv) productsURL() string { return strings.Replace(e.url, "127.0.0.1", "localhost", 1) }

// checkSandbox runs an assertion on the sandbox as a step's Check.
func checkSandbox(f func() error) resource.TestCheckFunc {
	return func(*terraform.State) error { return f() }
}

// sandboxStateCheck runs an assertion on the sandbox as a state check, for
// configurations the legacy Check functions cannot read (for_each).
func sandboxStateCheck(f func() error) statecheck.StateCheck { return sandboxAssertion(f) }

type sandboxAssertion func() error

func (f sandboxAssertion) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// expectRequests asserts how many requests of each route the sandbox saw
// since its log was last reset.
func (e *testEnv) expectRequests(want map[string]int) resource.TestCheckFunc {
	return checkSandbox(func() error {
		var problems []string
		for route, n := range want {
			if got := e.sb.RequestCount(route); got != n {
				problems = append(problems, fmt.Sprintf("%s: %d requests, want %d", route, got, n))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("sandbox requests: %s", strings.Join(problems, "; "))
		}
		return nil
	})
}

func (e *testEnv) expectTracked(product string, want bool) resource.TestCheckFunc {
	return checkSandbox(func() error {
		if got := e.org.IsTracked(product); got != want {
			return fmt.Errorf("sandbox: product %s tracked = %v, want %v", product, got, want)
		}
		return nil
	})
}

func (e *testEnv) expectBalance(locationType, product, variant string, want float64) resource.TestCheckFunc {
	return checkSandbox(func() error {
		if got := e.org.Balance(locationType, product, variant); got != want {
			return fmt.Errorf("sandbox: %s balance of variant %s = %v, want %v", locationType, variant, got, want)
		}
		return nil
	})
}

// Routes of the sandbox, as its request log names them.
const (
	// routeProbe is how the provider finds out the API version; a
	// sandbox without v3 answers it 404.
	routeProbe          = "GET /v3/inventories"
	routeLocations      = "GET /organizations/{org}/locations"
	routeBulk           = "POST /organizations/{org}/v2/inventory/bulk"
	routeMove           = "PUT /organizations/{org}/inventory"
	routeProductLookup  = "POST /organizations/{org}/inventory/products"
	routeStopTracking   = "DELETE /organizations/{org}/inventory/products/{product}"
	routeLocationLookup = "GET /organizations/{org}/inventory/locations/{location}"
)

// errorPattern matches an error output that contains each part in order.
// Terraform wraps long messages, so any run of spaces may be a line break.
func errorPattern(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
