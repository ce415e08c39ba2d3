# Credentials come from the environment (ZETTLE_ACCESS_TOKEN) or a variable;
# never write a token into a configuration file.
variable "zettle_access_token" {
  type      = string
  sensitive = true
}

provider "zettle" {
  access_token  = var.zettle_access_token
  location_uuid = "fd4a39a0-e2ef-11e6-ba64-85247ae2a737" # the organization's STORE location
}

# Try the provider without a Zettle account: run the sandbox
# (`make sandbox`) and point the provider at it.
provider "zettle" {
  alias         = "sandbox"
  access_token  = "sandbox-demo-token"
  location_uuid = "fd4a39a0-e2ef-11e6-ba64-85247ae2a737"
  inventory_url = "http://127.0.0.1:8080"
}
