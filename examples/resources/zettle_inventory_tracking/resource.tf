# Track a product's inventory, starting two of its variants at known levels.
resource "zettle_inventory_tracking" "coffee_beans" {
  product_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"

  initial_balances = {
    "3b8c5a2e-7d1f-11ee-8c1a-0242ac120003" = 40 # 250 g bag
    "3b8c5a2e-7d1f-11ee-8c1a-0242ac120004" = 12 # 1 kg bag
  }
}

# Track a product and keep whatever stock levels Zettle has for it.
resource "zettle_inventory_tracking" "mug" {
  product_uuid = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
}

output "coffee_beans_balances" {
  value = zettle_inventory_tracking.coffee_beans.balances
}
