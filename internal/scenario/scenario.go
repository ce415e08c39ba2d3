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

	"github.com/google/uuid"

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

// NewProducts makes n products of two variants each, with UUIDs, that no
// library holds: stand-ins for resources that name no product.
func NewProducts(n int) []Product {
	products := make([]Product, n)
	for i := range products {
		products[i] = Product{UUID: uuid.NewString(), First: uuid.NewString(), Untouched: uuid.NewString()}
	}
	return products
}

// requiredProviders opens every main.tf: the provider by its registry
// address.
const requiredProviders = `terraform {
  required_providers {
    zettle = { source = "zettle-community/zettle" }
  }
}

`

// Configuration is main.tf: the provider talking to the inventory API at
// inventoryURL with token, and one zettle_inventory_tracking per product,
// each bringing the product's first variant to InitialBalance.
//
// providerExtra, lines such as a batching block, goes inside the provider
// block after its settings; "" leaves the provider's defaults.
func Configuration(token, inventoryURL, providerExtra string, products []Product) string {
	var b strings.Builder
	b.WriteString(requiredProviders)
	fmt.Fprintf(&b, `provider "zettle" {
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

// CatalogueVariants is how many variants each product of the catalogue
// workload has.
const CatalogueVariants = 3

// CatalogueConfiguration is main.tf for the catalogue workload: n products
// declared with zettle_product, each with CatalogueVariants variants, SKUs
// and prices, in an organization whose Product Library starts empty; url
// serves every API of the sandbox.
func CatalogueConfiguration(token, url, providerExtra string, n int) string {
	var b strings.Builder
	b.WriteString(requiredProviders)
	fmt.Fprintf(&b, `provider "zettle" {
  access_token     = %q
  inventory_url    = %[2]q
  products_url     = %[2]q
  organization_url = %[2]q
`, token, url)
	b.WriteString(providerExtra)
	fmt.Fprintf(&b, `}

locals {
  products = toset([for i in range(%d) : format("P%%05d", i)])
  sizes    = slice(["S", "M", "L", "XL"], 0, %d)
}

resource "zettle_product" "p" {
  for_each = local.products
  name     = "Product ${each.key}"
  variants = { for size in local.sizes : size => { name = size, sku = "${each.key}-${size}", price = 49.90 } }
}
`, n, CatalogueVariants)
	return b.String()
}

// CheckCatalogue reports how the organization's library differs from the
// catalogue workload's n products of CatalogueVariants variants each.
func CheckCatalogue(org *sandbox.Org, n int) error {
	products := org.LibraryProducts()
	if len(products) != n {
		return fmt.Errorf("the library has %d products, want %d", len(products), n)
	}
	for _, p := range products {
		if len(p.Variants) != CatalogueVariants {
			return fmt.Errorf("product %s has %d variants, want %d", p.UUID, len(p.Variants), CatalogueVariants)
		}
	}
	return nil
}
