provider "zettle" {
  # Batching is on by default; these are the defaults.
  batching {
    enabled  = true
    max_wait = "20ms"
    max_size = 100
  }
}
