variable "mug_product_uuid" {
  type = string
}

variable "mug_variant_uuid" {
  type = string
}
