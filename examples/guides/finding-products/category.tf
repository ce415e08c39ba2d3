# Track every product of the Coffee category, with its starting stock keyed
# by SKU, as a stock sheet has it.
variable "coffee_stock_by_sku" {
  description = "Starting STORE stock per SKU. Variants not listed start from what Zettle has saved, or zero."
  type        = map(number)
  default = {
    "BEAN-250"  = 40
    "BEAN-1000" = 12.5
  }
}

data "zettle_products" "coffee" {
  category = "Coffee"
}

resource "zettle_inventory_tracking" "coffee" {
  # Keyed by UUID, which never changes: keyed by name, a product renamed in
  # the back office would be destroyed and created again, which starts its
  # tracking over and brings it back to initial_balances. A product added to
  # the category later is one more resource in the next plan.
  for_each = { for p in data.zettle_products.coffee.products : p.uuid => p }

  product_uuid = each.value.uuid
  initial_balances = {
    for v in each.value.variants : v.uuid => var.coffee_stock_by_sku[v.sku]
    # A variant may have no SKU: its sku is null.
    if v.sku == null ? false : contains(keys(var.coffee_stock_by_sku), v.sku)
  }
}
