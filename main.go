// Command terraform-provider-zettle is the Terraform provider for the Zettle
// Inventory API.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/zettle-community/terraform-provider-zettle/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	} else if err := provider.SilenceLogsTerraformDiscards(os.LookupEnv, os.Setenv); err != nil {
		log.Fatal(err)
	}
	// The framework's server, wrapped so that it does not keep every call's
	// context (provider.NewServer).
	err := tf6server.Serve("registry.terraform.io/zettle-community/zettle", provider.NewServer(version), opts...)
	if err != nil {
		log.Fatal(err)
	}
}
