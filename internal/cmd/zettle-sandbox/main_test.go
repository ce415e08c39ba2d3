package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func TestProductsFileSeedsTheDemoOrganization(t *testing.T) {
	file := filepath.Join(t.TempDir(), "catalogue.json")
	catalogue := `[{"name": "Candle", "category": {"name": "Home"}, "variants": [{"name": "Small", "sku": "C-S"}, {"name": "Large", "sku": "C-L"}]}]`
	if err := os.WriteFile(file, []byte(catalogue), 0o600); err != nil {
		t.Fatal(err)
	}
	org, err := demoOrganization(sandbox.New(), options{products: file})
	if err != nil {
		t.Fatal(err)
	}
	products := org.LibraryProducts()
	if len(products) != 1 || products[0].Name != "Candle" || products[0].Category.Name != "Home" || products[0].Variants[1].SKU != "C-L" {
		t.Errorf("library %+v: want the file's one product instead of the demo catalogue", products)
	}
	if org.Token != sandbox.DemoToken || org.Location(sandbox.Store) != sandbox.DemoStore {
		t.Errorf("the seeded organization must be the demo organization, with its token and location")
	}

	demo, err := demoOrganization(sandbox.New(), options{})
	if err != nil || len(demo.LibraryProducts()) != len(sandbox.DemoCatalogue()) {
		t.Errorf("without -products: %v, want the demo catalogue", err)
	}
}

func TestProductsFileErrorsNameTheFileAndTheProduct(t *testing.T) {
	file := filepath.Join(t.TempDir(), "catalogue.json")
	if err := os.WriteFile(file, []byte(`[{"name": "Fine", "variants": [{}]}, {"name": "Empty", "variants": []}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := demoOrganization(sandbox.New(), options{products: file})
	if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), `product 2 ("Empty")`) {
		t.Errorf("a refused catalogue: %v, want an error naming the file and the product", err)
	}
	if _, err := demoOrganization(sandbox.New(), options{products: file + ".missing"}); err == nil {
		t.Error("a missing file must be an error")
	}
}
