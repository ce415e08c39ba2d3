resource "zettle_category" "coffee" {
  name = "Coffee"
}
