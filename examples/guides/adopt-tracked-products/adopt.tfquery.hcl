# adopt.tfquery.hcl: what the organization has, for terraform query.
list "zettle_inventory_tracking" "tracked" {
  provider         = zettle
  include_resource = true
}

list "zettle_inventory_low_stock" "alerts" {
  provider         = zettle
  include_resource = true
}

list "zettle_webhook_subscription" "hooks" {
  provider         = zettle
  include_resource = true
}
