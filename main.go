// Command terraform-provider-zettle is the Terraform provider for the Zettle
// Inventory API.
package main

import (
	"flag"
	"log"

	"github.com/zettle-community/terraform-provider-zettle/internal/provider"
	"github.com/zettle-community/terraform-provider-zettle/internal/serve"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	if err := serve.Serve("registry.terraform.io/zettle-community/zettle", provider.New(version), debug); err != nil {
		log.Fatal(err)
	}
}
