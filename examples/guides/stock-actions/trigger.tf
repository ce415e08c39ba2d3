# Tracking starts at zero; the opening delivery is booked as goods received
# right after the resource is created (each time it is: see the guide).
resource "zettle_inventory_tracking" "coffee_beans" {
  product_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.zettle_stock_movement.coffee_delivery]
    }
  }
}
