# Every tracked product and its stock at the provider's STORE location.
data "zettle_inventory_balances" "store" {}

# What has been sold, for two products only.
data "zettle_inventory_balances" "sold" {
  location_type = "SOLD"
  product_uuids = [
    "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002",
    "5dae7c40-7d1f-11ee-8c1a-0242ac120002",
  ]
}

output "tracked_products" {
  value = data.zettle_inventory_balances.store.tracked_products
}

output "store_stock" {
  value = { for b in data.zettle_inventory_balances.store.balances : b.variant_uuid => b.balance }
}
