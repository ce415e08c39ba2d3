# Two stock rooms beside the shop floor (the default STORE inventory).
resource "zettle_inventory" "backroom" {
  name        = "Backroom"
  description = "Behind the shop floor"
}

resource "zettle_inventory" "warehouse" {
  name = "Warehouse"
}

# Mugs start in the backroom: their initial balances land there.
resource "zettle_inventory_tracking" "mug" {
  product_uuid  = var.mug_product_uuid
  location_uuid = zettle_inventory.backroom.id
  initial_balances = {
    (var.mug_variant_uuid) = 24
  }
}

# An alert per room: the backroom runs low at 6 mugs.
resource "zettle_inventory_low_stock" "mug_backroom" {
  product_uuid    = var.mug_product_uuid
  variant_uuid    = var.mug_variant_uuid
  location_uuid   = zettle_inventory.backroom.id
  low_stock_level = 6
  low_stock_alert = true
  depends_on      = [zettle_inventory_tracking.mug]
}

# What each room holds.
data "zettle_inventory_balances" "backroom" {
  location_uuid = zettle_inventory.backroom.id
  depends_on    = [zettle_inventory_tracking.mug]
}

data "zettle_inventories" "all" {
  depends_on = [zettle_inventory.backroom, zettle_inventory.warehouse]
}

output "stock_rooms" {
  value = { for i in data.zettle_inventories.all.inventories : i.name => i.uuid if i.type == "STORE" }
}
