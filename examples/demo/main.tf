# The demo configuration: three products of the sandbox's demo organization,
# tracked with starting stock. `make demo` applies it against the sandbox.

terraform {
  required_providers {
    zettle = {
      source = "zettle-community/zettle"
    }
  }
}

# Configured from ZETTLE_ACCESS_TOKEN, ZETTLE_LOCATION_UUID and
# ZETTLE_INVENTORY_URL, which the demo sets for the sandbox.
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
