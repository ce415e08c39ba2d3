import {
  to = zettle_category.coffee
  id = "2a6b0e40-7d1f-11ee-8c1a-0242ac120002"
}
