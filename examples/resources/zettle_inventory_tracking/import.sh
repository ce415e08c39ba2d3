# By product UUID, at the provider's location_uuid:
terraform import zettle_inventory_tracking.mug 5dae7c40-7d1f-11ee-8c1a-0242ac120002

# Or naming the STORE location: <location_uuid>/<product_uuid>
terraform import zettle_inventory_tracking.mug fd4a39a0-e2ef-11e6-ba64-85247ae2a737/5dae7c40-7d1f-11ee-8c1a-0242ac120002
