package scenario

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func TestAddCatalogue(t *testing.T) {
	org := sandbox.New().AddOrganization(sandbox.OrgSpec{})
	products := AddCatalogue(org, 3)
	if len(products) != 3 {
		t.Fatalf("%d products, want 3", len(products))
	}
	seen := map[string]bool{}
	for _, p := range products {
		for _, id := range []string{p.UUID, p.First, p.Untouched} {
			if id == "" || seen[id] {
				t.Errorf("product %+v: UUID %q empty or repeated", p, id)
			}
			seen[id] = true
		}
		if org.IsTracked(p.UUID) {
			t.Errorf("product %s tracked before any apply", p.UUID)
		}
	}
}

const batching = "  batching {\n    enabled = false\n  }\n"

var products = []Product{
	{UUID: "p1", First: "p1-first", Untouched: "p1-untouched"},
	{UUID: "p2", First: "p2-first", Untouched: "p2-untouched"},
}

func TestConfigurationTracksEveryProductOnce(t *testing.T) {
	config := Configuration("the-token", "http://127.0.0.1:1", "", products)
	for _, want := range []string{
		`access_token  = "the-token"`, `inventory_url = "http://127.0.0.1:1"`,
		"initial_balances = { (each.value) = 5 }",
	} {
		if !strings.Contains(config, want) {
			t.Errorf("configuration lacks %q:\n%s", want, config)
		}
	}
	if n := strings.Count(config, `resource "zettle_inventory_tracking"`); n != 1 {
		t.Errorf("%d zettle_inventory_tracking blocks, want 1 (with for_each):\n%s", n, config)
	}
	for _, p := range products {
		if n := strings.Count(config, `"`+p.UUID+`" = "`+p.First+`"`); n != 1 {
			t.Errorf("product %s maps to its first variant %d times, want once:\n%s", p.UUID, n, config)
		}
		if strings.Contains(config, p.Untouched) {
			t.Errorf("configuration names the untouched variant %s:\n%s", p.Untouched, config)
		}
	}
	if strings.Contains(config, "batching") {
		t.Errorf("configuration without extra lines has a batching block:\n%s", config)
	}
}

func TestConfigurationPutsTheExtraInsideTheProviderBlock(t *testing.T) {
	config := Configuration("the-token", "http://127.0.0.1:1", batching, products)
	const open = "provider \"zettle\" {\n"
	start := strings.Index(config, open)
	if start < 0 {
		t.Fatalf("no provider block:\n%s", config)
	}
	body := config[start+len(open):]
	// The block ends at the first closing brace at the start of a line.
	end := strings.Index(body, "\n}\n")
	if end < 0 {
		t.Fatalf("provider block not closed:\n%s", config)
	}
	if block := body[:end+1]; !strings.HasSuffix(block, batching) {
		t.Errorf("provider block does not end with the extra lines:\n%s", block)
	}
	if n := strings.Count(config, "batching {"); n != 1 {
		t.Errorf("%d batching blocks, want 1:\n%s", n, config)
	}
}

func TestConfigurationIsFormatted(t *testing.T) {
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform to check the format with")
	}
	for name, extra := range map[string]string{"no extra": "", "batching": batching} {
		path := filepath.Join(t.TempDir(), "main.tf")
		if err := os.WriteFile(path, []byte(Configuration("the-token", "http://127.0.0.1:1", extra, products)), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(terraform, "fmt", "-check", "-diff", "-no-color", path)
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: terraform fmt -check: %v\n%s", name, err, out)
		}
	}
}
