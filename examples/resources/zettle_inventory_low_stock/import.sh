# At the provider's location: <product_uuid>/<variant_uuid>
terraform import zettle_inventory_low_stock.coffee_small 3b8c5a2e-7d1f-11ee-8c1a-0242ac120002/3b8c5a2e-7d1f-11ee-8c1a-0242ac120003

# At a given location: <location_uuid>/<product_uuid>/<variant_uuid>
terraform import zettle_inventory_low_stock.coffee_small fd4a39a0-e2ef-11e6-ba64-85247ae2a737/3b8c5a2e-7d1f-11ee-8c1a-0242ac120002/3b8c5a2e-7d1f-11ee-8c1a-0242ac120003
