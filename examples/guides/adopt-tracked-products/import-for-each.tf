# Terraform 1.7 and later: one import block for every tracked product.
data "zettle_inventory_balances" "store" {}

import {
  for_each = toset(data.zettle_inventory_balances.store.tracked_products)
  to       = zettle_inventory_tracking.adopted[each.key]
  id       = each.key
}

resource "zettle_inventory_tracking" "adopted" {
  for_each     = toset(data.zettle_inventory_balances.store.tracked_products)
  product_uuid = each.key
}
