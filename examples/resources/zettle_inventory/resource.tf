resource "zettle_inventory" "backroom" {
  name        = "Backroom"
  description = "Behind the shop floor"
}

# Stock that starts in the backroom.
resource "zettle_inventory_tracking" "mug" {
  product_uuid  = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
  location_uuid = zettle_inventory.backroom.id
  initial_balances = {
    "5dae7ea2-7d1f-11ee-8c1a-0242ac120002" = 24
  }
}
