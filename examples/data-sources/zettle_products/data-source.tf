# Every product of a category.
data "zettle_products" "coffee" {
  category = "Coffee"
}

# SKU → variant UUID across them, e.g. for initial_balances.
output "coffee_variants_by_sku" {
  value = {
    for v in flatten(data.zettle_products.coffee.products[*].variants) : v.sku => v.uuid if v.sku != null
  }
}
