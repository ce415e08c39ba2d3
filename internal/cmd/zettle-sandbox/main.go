// Command zettle-sandbox serves the Zettle API sandbox (Inventory v2 and v3,
// OAuth, the Product Library and Pusher's webhook subscriptions) on loopback, with a demo organization,
// until it is stopped.
//
//	go run ./internal/cmd/zettle-sandbox -listen 127.0.0.1:8080 -products catalogue.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "loopback `address` to serve on; port 0 picks a free port")
	urlFile := flag.String("url-file", "", "write the sandbox's URL to this `file` once it listens")
	envFile := flag.String("env-file", "", "write the environment that points the provider at the sandbox, the demo API key included, to this `file` (shell syntax)")
	products := flag.String("products", "", "seed the demo organization's product library from this JSON `file`: a list of products as GET /organizations/self/products/v2 answers them (UUIDs may be left out); without it, the demo catalogue")
	latency := flag.Duration("latency", 0, "delay every answer by this `duration`")
	tokenLifetime := flag.Duration("token-lifetime", 2*time.Hour, "lifetime of the access tokens that POST /token issues")
	pageSize := flag.Int("page-size", sandbox.DefaultPageSize, "most `items` in one page of a list answer; later pages follow a Link header")
	newOrganization := flag.Bool("new-organization", false, "serve the demo organization as a new merchant's: no locations until tracking first starts")
	emptyLibrary := flag.Bool("empty-library", false, "serve the demo organization with an empty product library, for a shop built from nothing (zettle_product, zettle_category)")
	api := flag.String("api", "both", "Inventory API `versions` to serve: v2, v3 or both; the other answers 404 on all its paths")
	rateLimit := flag.Float64("rate-limit", 0, "refuse Inventory and Product Library requests beyond this many `per second` with 429 and Retry-After: 1, as Zettle does (4 for v3); 0 serves all")
	rateBurst := flag.Int("rate-burst", 4, "with -rate-limit, how many `requests` may come at once after a quiet spell")
	flag.Parse()

	if *pageSize < 1 {
		log.Fatalf("-page-size %d: must be at least 1", *pageSize)
	}
	v2, v3, ok := sandbox.ParseAPIVersions(*api)
	if !ok {
		log.Fatalf("-api %q: use v2, v3 or both", *api)
	}
	if *rateLimit < 0 || *rateBurst < 1 {
		log.Fatalf("-rate-limit %g -rate-burst %d: the rate must not be negative, and the burst at least 1", *rateLimit, *rateBurst)
	}
	sb := sandbox.New()
	sb.SetLatency(*latency)
	sb.SetTokenLifetime(*tokenLifetime)
	flag.Visit(func(f *flag.Flag) {
		// Unless asked, the library keeps its own 500 to a page.
		if f.Name == "page-size" {
			sb.SetPageSize(*pageSize)
		}
	})
	sb.SetAPIVersions(v2, v3)
	sb.SetRateLimit(*rateLimit, *rateBurst)
	served := map[[2]bool]string{{true, true}: "v2 and v3", {true, false}: "v2 only", {false, true}: "v3 only"}[[2]bool{v2, v3}]
	if *rateLimit > 0 {
		served += fmt.Sprintf(", at most %g requests per second", *rateLimit)
	}
	if err := run(options{listen: *listen, urlFile: *urlFile, envFile: *envFile, products: *products, newOrganization: *newOrganization, emptyLibrary: *emptyLibrary}, sb, served); err != nil {
		log.Fatal(err)
	}
}

type options struct {
	listen, urlFile, envFile, products string
	newOrganization, emptyLibrary      bool
}

// run serves sb with its demo organization as opts say; served says what it
// serves.
func run(opts options, sb *sandbox.Server, served string) error {
	host, _, err := net.SplitHostPort(opts.listen)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-listen %s: the sandbox serves on loopback addresses only", opts.listen)
	}
	org, err := demoOrganization(sb, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.listen)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	env := fmt.Sprintf("export ZETTLE_INVENTORY_URL=%[1]s ZETTLE_PRODUCTS_URL=%[1]s ZETTLE_PUSHER_URL=%[1]s ZETTLE_ORGANIZATION_URL=%[1]s\nexport ZETTLE_ACCESS_TOKEN=%[2]s\n", url, org.Token)
	if opts.newOrganization {
		// No STORE location to configure yet: the provider learns it when
		// tracking first starts.
		env += "# a new organization: no locations until tracking first starts; leave ZETTLE_LOCATION_UUID unset\n"
	} else {
		env += "export ZETTLE_LOCATION_UUID=" + org.Location(sandbox.Store) + "\n"
	}
	apiKeyLine := "  # or an API key instead of the access token: run with -env-file FILE, which holds it"
	if opts.envFile != "" {
		// The API key is a 600-character JWT: it goes to the file, not the
		// terminal.
		keyEnv := fmt.Sprintf("# or, instead of the access token (set one credential, not both):\n# export ZETTLE_API_KEY=%s\n# export ZETTLE_OAUTH_URL=%s\n", sandbox.DemoAPIKey, url)
		if err := os.WriteFile(opts.envFile, []byte(env+keyEnv), 0o600); err != nil {
			return err
		}
		apiKeyLine = "  # or an API key instead of the access token: see " + opts.envFile
	}
	if opts.urlFile != "" {
		if err := os.WriteFile(opts.urlFile, []byte(url+"\n"), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("Zettle API sandbox (Inventory %s, OAuth, Product Library, Pusher)\n", served)
	for _, line := range strings.Split(strings.TrimSpace(env), "\n") {
		fmt.Println("  " + line)
	}
	fmt.Println(apiKeyLine)
	library := org.LibraryProducts()
	if len(library) == 0 {
		fmt.Printf("Product library: empty (prices in %s)\n", org.Currency())
	} else {
		fmt.Println("Product library (category / product / variant: SKU):")
	}
	for _, p := range library {
		category := "(no category)"
		if p.Category != nil {
			category = p.Category.Name
		}
		for _, v := range p.Variants {
			fmt.Printf("  %s / %s / %s: %s\n", category, p.Name, v.Name, v.SKU)
		}
	}
	fmt.Println("Stop with Ctrl-C.")

	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// demoOrganization adds the demo organization, with the catalogue of
// opts.products when given.
func demoOrganization(sb *sandbox.Server, opts options) (*sandbox.Org, error) {
	if opts.emptyLibrary {
		if opts.products != "" {
			return nil, errors.New("-empty-library and -products: choose one")
		}
		return sb.AddDemoOrganizationWith(strings.NewReader("[]"), opts.newOrganization)
	}
	if opts.products == "" {
		if opts.newOrganization {
			return sb.AddNewDemoOrganization(), nil
		}
		return sb.AddDemoOrganization(), nil
	}
	f, err := os.Open(opts.products)
	if err != nil {
		return nil, fmt.Errorf("-products: %w", err)
	}
	defer f.Close()
	org, err := sb.AddDemoOrganizationWith(f, opts.newOrganization)
	if err != nil {
		return nil, fmt.Errorf("-products %s: %w", opts.products, err)
	}
	return org, nil
}
