# With an API key, created in the Zettle back office. The provider exchanges
# it for access tokens and renews them. Credentials come from the environment
# (ZETTLE_API_KEY) or a variable; never write them into a configuration file.
variable "zettle_api_key" {
  type      = string
  sensitive = true
}

provider "zettle" {
  api_key = var.zettle_api_key
  # client_id is read from the key; the STORE location is looked up.
}

# With an access token obtained elsewhere (ZETTLE_ACCESS_TOKEN), and the
# STORE location named, which saves one lookup per run.
variable "zettle_access_token" {
  type      = string
  sensitive = true
}

provider "zettle" {
  alias         = "token"
  access_token  = var.zettle_access_token
  location_uuid = "fd4a39a0-e2ef-11e6-ba64-85247ae2a737"
}

# Try the provider without a Zettle account: run the sandbox
# (`make sandbox`) and point the provider at it.
provider "zettle" {
  alias         = "sandbox"
  access_token  = "sandbox-demo-token"
  inventory_url = "http://127.0.0.1:8080"
}
