# One product by a variant's barcode, tracked from 25 with an alert at 5.
data "zettle_product" "tea" {
  barcode = "7350000000042"
}

locals {
  # The variant that carries the barcode.
  tea_tin = one([for v in data.zettle_product.tea.variants : v if v.barcode == "7350000000042"])
}

resource "zettle_inventory_tracking" "tea" {
  product_uuid     = data.zettle_product.tea.uuid
  initial_balances = { (local.tea_tin.uuid) = 25 }
}

resource "zettle_inventory_low_stock" "tea" {
  product_uuid    = data.zettle_product.tea.uuid
  variant_uuid    = local.tea_tin.uuid
  low_stock_level = 5
  low_stock_alert = true

  depends_on = [zettle_inventory_tracking.tea]
}
