# Goods received: 24 bags of coffee in from the supplier.
action "zettle_stock_movement" "coffee_delivery" {
  config {
    product_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
    variant_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120003"
    quantity     = 24
    from         = "SUPPLIER"
    to           = "STORE"
  }
}

# A stock count: the shelf holds 17 bags, whatever Zettle thought.
action "zettle_stock_count" "coffee_count" {
  config {
    product_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
    variant_uuid = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120003"
    balance      = 17
  }
}
