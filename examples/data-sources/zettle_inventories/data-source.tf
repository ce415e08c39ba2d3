data "zettle_inventories" "all" {}

# Every STORE inventory by name, e.g. for location_uuid.
output "store_inventories" {
  value = { for i in data.zettle_inventories.all.inventories : i.name => i.uuid if i.type == "STORE" }
}
