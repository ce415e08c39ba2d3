import {
  to = zettle_inventory_low_stock.coffee_small
  id = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002/3b8c5a2e-7d1f-11ee-8c1a-0242ac120003"
}
