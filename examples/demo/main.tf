# The demo configuration: a coffee shop built from nothing in one apply.
# Its categories and products with their variants and prices, the products
# tracked with starting stock keyed by SKU, low-stock alerts on two of
# them, and the webhook that keeps the web shop in step. `make demo`
# applies it against the sandbox, serving an organization with an empty
# Product Library and no locations yet.

terraform {
  required_providers {
    zettle = {
      source = "zettle-community/zettle"
    }
  }
}

# Configured from ZETTLE_API_KEY, ZETTLE_OAUTH_URL and the ZETTLE_*_URL
# variables, which the demo sets for the sandbox. The STORE location is
# created when tracking first starts.
provider "zettle" {}

locals {
  categories = ["Coffee", "Tea", "Merchandise"]

  # The catalogue, as the shop's product sheet has it: each variant keyed by
  # its SKU, prices in kronor.
  products = {
    beans = {
      name     = "House coffee beans"
      category = "Coffee"
      variants = {
        "BEAN-250"  = { name = "250 g bag", barcode = "7350000000011", price = 99 }
        "BEAN-1000" = { name = "1 kg bag", barcode = "7350000000028", price = 349 }
      }
    }
    espresso = {
      name     = "Espresso blend"
      category = "Coffee"
      variants = {
        "ESPR-500" = { name = "500 g bag", barcode = "7350000000035", price = 189.50 }
      }
    }
    tea = {
      name     = "Earl Grey tin"
      category = "Tea"
      variants = {
        "TEA-EG-100" = { name = "100 g tin", barcode = "7350000000042", price = 79 }
      }
    }
    mug = {
      name     = "Logo mug"
      category = "Merchandise"
      variants = {
        "MUG-W" = { name = "White", price = 129, options = { Colour = "White" } }
        "MUG-B" = { name = "Black", price = 129, options = { Colour = "Black" } }
      }
    }
  }

  # Starting stock by SKU, as the stock sheet has it. The mugs have none:
  # they are tracked from zero.
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

resource "zettle_category" "shop" {
  for_each = toset(local.categories)

  name = each.key
}

resource "zettle_product" "shop" {
  for_each = local.products

  name        = each.value.name
  category_id = zettle_category.shop[each.value.category].id
  variants = {
    for sku, v in each.value.variants : sku => merge(v, { sku = sku })
  }
}

resource "zettle_inventory_tracking" "shop" {
  for_each = zettle_product.shop

  product_uuid = each.value.id
  initial_balances = {
    for sku, v in each.value.variants : v.uuid => local.starting_stock[sku]
    if contains(keys(local.starting_stock), sku)
  }
}

locals {
  # SKU → the product (its key in zettle_product.shop) and the variant.
  variants_by_sku = merge([
    for key, p in zettle_product.shop : { for sku, v in p.variants : sku => { product = key, uuid = v.uuid } }
  ]...)
}

resource "zettle_inventory_low_stock" "alert" {
  for_each = local.low_stock_levels

  product_uuid    = zettle_inventory_tracking.shop[local.variants_by_sku[each.key].product].product_uuid
  variant_uuid    = local.variants_by_sku[each.key].uuid
  low_stock_level = each.value
  low_stock_alert = true
}

resource "zettle_webhook_subscription" "shop" {
  event_names   = ["InventoryBalanceChanged", "ProductUpdated"]
  destination   = "https://shop.example.com/zettle/webhooks"
  contact_email = "ops@shop.example.com"
}

output "catalogue" {
  description = "Every product, by category, with its variants' prices in the organization's currency."
  value = {
    for key, p in zettle_product.shop : "${local.products[key].category} / ${p.name}" => {
      for sku, v in p.variants : "${v.name} (${sku})" => "${format("%.2f", v.price)} ${p.currency}"
    }
  }
}

output "stock" {
  description = "STORE balance of every variant, by product and variant name, zero stock included."
  value = {
    for key, p in zettle_product.shop : p.name => {
      for sku, v in p.variants : v.name => lookup(zettle_inventory_tracking.shop[key].balances, v.uuid, 0)
    }
  }
}

output "low_stock_alerts" {
  description = "Low-stock level per SKU with an alert."
  value       = { for sku, ls in zettle_inventory_low_stock.alert : sku => ls.low_stock_level }
}
