# Terraform 1.5 and 1.6: render the import blocks, then save them to a file
# with: terraform apply && terraform output -raw import_blocks > imports.tf
data "zettle_inventory_balances" "store" {}

output "import_blocks" {
  value = join("", [for p in data.zettle_inventory_balances.store.tracked_products : <<-EOT
    import {
      to = zettle_inventory_tracking.adopted["${p}"]
      id = "${p}"
    }
    EOT
  ])
}
