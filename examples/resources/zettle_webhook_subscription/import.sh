# A webhook subscription is imported by its UUID, which GET /organizations/self/subscriptions lists.
terraform import zettle_webhook_subscription.shop 1c6f4a60-7d1f-11ee-8c1a-0242ac120002
