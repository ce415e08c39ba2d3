# By the inventory's UUID (from the zettle_inventories data source):
terraform import zettle_inventory.backroom 9a6e4c1e-8d2f-11ee-b9d1-0242ac120002
