# Exactly one product: by name, here narrowed by category; uuid, sku and
# barcode pick too, and all that are set must match.
data "zettle_product" "mug" {
  name     = "Logo mug"
  category = "Merchandise"
}

resource "zettle_inventory_tracking" "mug" {
  product_uuid = data.zettle_product.mug.uuid
  # Every variant from 10. A key that is not a variant of the product fails
  # the plan, naming it.
  initial_balances = { for v in data.zettle_product.mug.variants : v.uuid => 10 }
}
