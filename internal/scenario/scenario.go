// Package scenario is the workload that make bench and make soak drive
// through Terraform: a catalogue of products in a sandbox organization, and
// the configuration that tracks them all.
//
// Every product has two variants. The configuration tracks each product with
// one zettle_inventory_tracking resource whose initial_balances bring the
// first variant to InitialBalance; the second variant is left alone.
package scenario

import (
	"fmt"
	"strings"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

// InitialBalance is the STORE balance each product's first variant is
// brought to.
const InitialBalance = 5

// Product is one product of the catalogue and its two variants.
type Product struct {
	UUID string
	// First is given InitialBalance; Untouched is left alone.
	First, Untouched string
}

// AddCatalogue adds n products, each with two variants, to the
// organization's product library.
func AddCatalogue(org *sandbox.Org, n int) []Product {
	products := make([]Product, n)
	for i := range products {
		uuid, variants := org.AddProduct(2)
		products[i] = Product{UUID: uuid, First: variants[0], Untouched: variants[1]}
	}
	return products
}

// Configuration is main.tf: the provider talking to the inventory API at
// inventoryURL with token, and one zettle_inventory_tracking per product,
// each bringing the product's first variant to InitialBalance.
//
// providerExtra, lines such as a batching block, goes inside the provider
// block after its settings; "" leaves the provider's defaults.
func Configuration(token, inventoryURL, providerExtra string, products []Product) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    zettle = { source = "zettle-community/zettle" }
  }
}

provider "zettle" {
  access_token  = %q
  inventory_url = %q
`, token, inventoryURL)
	b.WriteString(providerExtra)
	b.WriteString("}\n\nlocals {\n  products = {\n")
	for _, p := range products {
		fmt.Fprintf(&b, "    %q = %q\n", p.UUID, p.First)
	}
	fmt.Fprintf(&b, `  }
}

resource "zettle_inventory_tracking" "p" {
  for_each         = local.products
  product_uuid     = each.key
  initial_balances = { (each.value) = %d }
}
`, InitialBalance)
	return b.String()
}
