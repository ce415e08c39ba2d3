# One product by its identity, which Terraform 1.12 and later take in an
# import block instead of an ID.
import {
  to = zettle_inventory_tracking.coffee_beans
  identity = {
    product_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
  }
}

resource "zettle_inventory_tracking" "coffee_beans" {
  product_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
}
