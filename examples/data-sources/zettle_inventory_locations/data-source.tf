data "zettle_inventory_locations" "all" {}

# The virtual location that restocks come from.
output "supplier_location" {
  value = data.zettle_inventory_locations.all.by_type["SUPPLIER"]
}
