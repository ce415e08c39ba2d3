# The API key comes in through a sensitive variable, set from the
# environment (export TF_VAR_zettle_api_key=...), never written in a .tf or
# .tfvars file.
variable "zettle_api_key" {
  description = "Zettle API key, created in the Zettle back office."
  type        = string
  sensitive   = true
}

provider "zettle" {
  api_key = var.zettle_api_key
  # client_id is read from the key's JWT payload.
}
