# The products the web shop sells, tracked, and the webhook that tells the
# shop when their stock changes: one configuration.
variable "shop_webhook_url" {
  description = "The shop's HTTPS endpoint for Zettle's inventory events."
  type        = string
  default     = "https://shop.example.com/zettle/webhooks"
}

data "zettle_products" "sold_online" {
  category = "Coffee"
}

resource "zettle_inventory_tracking" "sold_online" {
  for_each = { for p in data.zettle_products.sold_online.products : p.uuid => p }

  product_uuid = each.key
}

resource "zettle_webhook_subscription" "shop" {
  event_names = [
    "InventoryBalanceChanged",  # a sale, a restock, a count
    "InventoryTrackingStarted", # a product the shop can now show stock for
    "InventoryTrackingStopped",
  ]
  destination   = var.shop_webhook_url
  contact_email = "ops@shop.example.com"

  # Subscribe once the products are tracked, so that the first events are
  # about them.
  depends_on = [zettle_inventory_tracking.sold_online]
}

# Hand the key to the shop's receiver, e.g. through a secret store; here an
# output that Terraform shows only when asked (terraform output -raw).
output "shop_webhook_signing_key" {
  value     = zettle_webhook_subscription.shop.signing_key
  sensitive = true
}
