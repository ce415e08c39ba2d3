# The demo configuration: a coffee shop's products, found in the Product
# Library by category, barcode and name, tracked with starting stock keyed by
# SKU, and low-stock alerts on two of them. `make demo` applies it against
# the sandbox.

terraform {
  required_providers {
    zettle = {
      source = "zettle-community/zettle"
    }
  }
}

# Configured from ZETTLE_API_KEY, ZETTLE_OAUTH_URL, ZETTLE_INVENTORY_URL and
# ZETTLE_PRODUCTS_URL, which the demo sets for the sandbox. The STORE
# location is looked up.
provider "zettle" {}

locals {
  # Starting stock by SKU, as the shop's stock sheet has it. The mugs have
  # none: they are tracked from zero.
  starting_stock = {
    "BEAN-250"   = 40
    "BEAN-1000"  = 12
    "ESPR-500"   = 18
    "TEA-EG-100" = 25
  }
  # Alert when these run low.
  low_stock_levels = {
    "BEAN-250"   = 10
    "TEA-EG-100" = 5
  }
}

# Every coffee, by category; the tea tin by its barcode; the mug by name.
data "zettle_products" "coffee" {
  category = "Coffee"
}

data "zettle_product" "tea" {
  barcode = "7350000000042"
}

data "zettle_product" "mug" {
  name = "Logo mug"
}

locals {
  # Product UUID → name and variants. Resources are keyed by UUID, which
  # never changes: keyed by name, a product renamed in the back office would
  # be destroyed and created again, bringing it back to its starting stock.
  products = merge(
    { for p in data.zettle_products.coffee.products : p.uuid => { name = p.name, variants = p.variants } },
    { for p in [data.zettle_product.tea, data.zettle_product.mug] : p.uuid => { name = p.name, variants = p.variants } },
  )
  # SKU → the variant and its product.
  variants_by_sku = {
    for v in flatten([for uuid, p in local.products : [for v in p.variants : merge(v, { product_uuid = uuid })]]) :
    v.sku => v if v.sku != null
  }
}

resource "zettle_inventory_tracking" "product" {
  for_each = local.products

  product_uuid = each.key
  initial_balances = {
    for v in each.value.variants : v.uuid => local.starting_stock[v.sku]
    if v.sku == null ? false : contains(keys(local.starting_stock), v.sku)
  }
}

resource "zettle_inventory_low_stock" "alert" {
  for_each = local.low_stock_levels

  product_uuid    = local.variants_by_sku[each.key].product_uuid
  variant_uuid    = local.variants_by_sku[each.key].uuid
  low_stock_level = each.value
  low_stock_alert = true

  depends_on = [zettle_inventory_tracking.product]
}

output "stock" {
  description = "STORE balance of every variant of the tracked products, by product and variant name, zero stock included."
  value = {
    for uuid, p in local.products : p.name => {
      for v in p.variants : coalesce(v.name, v.sku, v.uuid) => lookup(zettle_inventory_tracking.product[uuid].balances, v.uuid, 0)
    }
  }
}

output "low_stock_alerts" {
  description = "Low-stock level per SKU with an alert."
  value       = { for sku, ls in zettle_inventory_low_stock.alert : sku => ls.low_stock_level }
}
