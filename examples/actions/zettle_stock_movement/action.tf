# A write-off: two mugs broke.
action "zettle_stock_movement" "broken_mugs" {
  config {
    product_uuid = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
    variant_uuid = "5dae7c40-7d1f-11ee-8c1a-0242ac120003"
    quantity     = 2
    from         = "STORE"
    to           = "BIN"
  }
}
# terraform apply -invoke=action.zettle_stock_movement.broken_mugs
