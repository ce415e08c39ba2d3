# Terraform 1.5 and 1.6: add this once imports.tf exists, then plan and apply.
resource "zettle_inventory_tracking" "adopted" {
  for_each     = toset(data.zettle_inventory_balances.store.tracked_products)
  product_uuid = each.key
}
