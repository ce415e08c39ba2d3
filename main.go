// Command terraform-provider-zettle is the Terraform provider for the Zettle
// Inventory API.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/zettle-community/terraform-provider-zettle/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	if !debug {
		if err := provider.SilenceLogsTerraformDiscards(os.LookupEnv, os.Setenv); err != nil {
			log.Fatal(err)
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/zettle-community/zettle",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
