resource "zettle_webhook_subscription" "shop" {
  event_names   = ["InventoryBalanceChanged", "InventoryTrackingStarted", "InventoryTrackingStopped"]
  destination   = "https://shop.example.com/zettle/webhooks"
  contact_email = "ops@shop.example.com"
}

# The receiver checks every delivery with this key.
output "webhook_signing_key" {
  value     = zettle_webhook_subscription.shop.signing_key
  sensitive = true
}
