resource "zettle_product" "mug" {
  name        = "Logo mug"
  description = "Stoneware, 30 cl."
  category_id = zettle_category.merchandise.id

  # 25 % VAT; left out, the organization's default rate.
  vat_percentage = 25

  # Keyed by SKU: each variant keeps its UUID while others come and go.
  variants = {
    "MUG-W" = { name = "White", sku = "MUG-W", barcode = "7350000000059", price = 129, cost_price = 42.50, options = { Colour = "White" } }
    "MUG-B" = { name = "Black", sku = "MUG-B", barcode = "7350000000066", price = 129, cost_price = 42.50, options = { Colour = "Black" } }
  }
}

resource "zettle_category" "merchandise" {
  name = "Merchandise"
}
