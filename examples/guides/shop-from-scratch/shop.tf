# A shop from nothing, in one apply: a category, a product with three
# variants and their prices, the product tracked with starting stock by SKU,
# a low-stock alert, and the webhook that keeps the web shop in step.

resource "zettle_category" "coffee" {
  name = "Coffee"
}

resource "zettle_product" "house_blend" {
  name        = "House blend"
  description = "Our everyday coffee, roasted every Monday."
  category_id = zettle_category.coffee.id

  # Keyed by SKU: a key is a variant's identity, and keeps its UUID when
  # other variants come and go.
  variants = {
    "HB-250" = { name = "250 g bag", sku = "HB-250", barcode = "7350000001250", price = 49.90, cost_price = 21.50 }
    "HB-500" = { name = "500 g bag", sku = "HB-500", barcode = "7350000001500", price = 89.00, cost_price = 40.00 }
    "HB-1KG" = { name = "1 kg bag", sku = "HB-1KG", barcode = "7350000001001", price = 159.00, cost_price = 76.00 }
  }
}

locals {
  # Starting stock by SKU, as the stock sheet has it.
  starting_stock = {
    "HB-250" = 40
    "HB-500" = 20
    "HB-1KG" = 12
  }
}

resource "zettle_inventory_tracking" "house_blend" {
  product_uuid = zettle_product.house_blend.id
  # The variants' UUIDs are known once the product is created: the plan
  # shows these as known after apply, and the apply moves exactly the stock
  # written here.
  initial_balances = {
    for sku, v in zettle_product.house_blend.variants : v.uuid => local.starting_stock[sku]
  }
}

resource "zettle_inventory_low_stock" "small_bags" {
  product_uuid    = zettle_inventory_tracking.house_blend.product_uuid
  variant_uuid    = zettle_product.house_blend.variants["HB-250"].uuid
  low_stock_level = 10
  low_stock_alert = true
}

resource "zettle_webhook_subscription" "shop" {
  event_names   = ["InventoryBalanceChanged", "ProductUpdated"]
  destination   = "https://shop.example.com/zettle/webhooks"
  contact_email = "ops@shop.example.com"
}
