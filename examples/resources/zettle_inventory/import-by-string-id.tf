import {
  to = zettle_inventory.backroom
  id = "9a6e4c1e-8d2f-11ee-b9d1-0242ac120002"
}
