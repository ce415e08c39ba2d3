# Alert when the 250 g bag of coffee beans drops to 10 or below.
resource "zettle_inventory_low_stock" "coffee_small" {
  product_uuid    = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
  variant_uuid    = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120003"
  low_stock_level = 10
  low_stock_alert = true
}

# A custom level without an alert.
resource "zettle_inventory_low_stock" "mug_black" {
  product_uuid    = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
  variant_uuid    = "5dae7c40-7d1f-11ee-8c1a-0242ac120004"
  low_stock_level = 2
}
