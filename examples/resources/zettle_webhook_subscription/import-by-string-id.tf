import {
  to = zettle_webhook_subscription.shop
  id = "1c6f4a60-7d1f-11ee-8c1a-0242ac120002"
}
