action "zettle_stock_count" "mugs" {
  config {
    product_uuid = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
    variant_uuid = "5dae7c40-7d1f-11ee-8c1a-0242ac120003"
    balance      = 12
  }
}
# terraform apply -invoke=action.zettle_stock_count.mugs
