# A product is imported by its UUID; its variants are keyed by SKU, or by name
# where a SKU is missing or shared, or else by UUID.
terraform import zettle_product.mug 5dae7c40-7d1f-11ee-8c1a-0242ac120002
