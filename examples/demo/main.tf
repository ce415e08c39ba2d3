# The demo configuration: three products of the sandbox's demo organization,
# tracked with starting stock, and low-stock alerts on two variants.
# `make demo` applies it against the sandbox.

terraform {
  required_providers {
    zettle = {
      source = "zettle-community/zettle"
    }
  }
}

# Configured from ZETTLE_API_KEY, ZETTLE_OAUTH_URL and ZETTLE_INVENTORY_URL,
# which the demo sets for the sandbox. The STORE location is looked up.
provider "zettle" {}

locals {
  products = {
    coffee_beans = {
      product_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
      initial_balances = {
        "3b8c5a2e-7d1f-11ee-8c1a-0242ac120003" = 40 # 250 g bag
        "3b8c5a2e-7d1f-11ee-8c1a-0242ac120004" = 12 # 1 kg bag
      }
    }
    tea_tin = {
      product_uuid = "4c9d6b3f-7d1f-11ee-8c1a-0242ac120002"
      initial_balances = {
        "4c9d6b3f-7d1f-11ee-8c1a-0242ac120003" = 25
      }
    }
    mug = {
      product_uuid     = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
      initial_balances = {}
    }
  }
}

resource "zettle_inventory_tracking" "product" {
  for_each = local.products

  product_uuid     = each.value.product_uuid
  initial_balances = each.value.initial_balances
}

output "tracked_balances" {
  description = "STORE balances per tracked product, variant UUID to quantity."
  value       = { for name, tracking in zettle_inventory_tracking.product : name => tracking.balances }
}

# Alert when the small coffee bag or the tea tin runs low.
resource "zettle_inventory_low_stock" "alert" {
  for_each = {
    coffee_small = { product = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002", variant = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120003", level = 10 }
    tea_tin      = { product = "4c9d6b3f-7d1f-11ee-8c1a-0242ac120002", variant = "4c9d6b3f-7d1f-11ee-8c1a-0242ac120003", level = 5 }
  }

  product_uuid    = each.value.product
  variant_uuid    = each.value.variant
  low_stock_level = each.value.level
  low_stock_alert = true

  depends_on = [zettle_inventory_tracking.product]
}

output "low_stock_alerts" {
  description = "Low-stock level per variant with an alert."
  value       = { for name, ls in zettle_inventory_low_stock.alert : name => ls.low_stock_level }
}
