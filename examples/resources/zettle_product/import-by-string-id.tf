import {
  to = zettle_product.mug
  id = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
}
