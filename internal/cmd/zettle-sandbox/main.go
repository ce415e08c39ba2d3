// Command zettle-sandbox serves the Zettle Inventory API sandbox on loopback,
// with a demo organization, until it is stopped.
//
//	go run ./internal/cmd/zettle-sandbox -listen 127.0.0.1:8080
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
	"syscall"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "loopback `address` to serve on; port 0 picks a free port")
	urlFile := flag.String("url-file", "", "write the sandbox's URL to this `file` once it listens")
	latency := flag.Duration("latency", 0, "delay every answer by this `duration`")
	tokenLifetime := flag.Duration("token-lifetime", 2*time.Hour, "lifetime of the access tokens that POST /token issues")
	pageSize := flag.Int("page-size", sandbox.DefaultPageSize, "most `items` in one page of a list answer; later pages follow a Link header")
	newOrganization := flag.Bool("new-organization", false, "serve the demo organization as a new merchant's: no locations until tracking first starts")
	api := flag.String("api", "both", "Inventory API `versions` to serve: v2, v3 or both; the other answers 404 on all its paths")
	rateLimit := flag.Float64("rate-limit", 0, "refuse Inventory API requests beyond this many `per second` with 429 and Retry-After: 1, as Zettle does (4 for v3); 0 serves all")
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
	sb.SetPageSize(*pageSize)
	sb.SetAPIVersions(v2, v3)
	sb.SetRateLimit(*rateLimit, *rateBurst)
	served := map[[2]bool]string{{true, true}: "v2 and v3", {true, false}: "v2 only", {false, true}: "v3 only"}[[2]bool{v2, v3}]
	if *rateLimit > 0 {
		served += fmt.Sprintf(", at most %g requests per second", *rateLimit)
	}
	if err := run(*listen, *urlFile, sb, served, *newOrganization); err != nil {
		log.Fatal(err)
	}
}

// run serves sb on listen, with its demo organization; served says what it
// serves.
func run(listen, urlFile string, sb *sandbox.Server, served string, newOrganization bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-listen %s: the sandbox serves on loopback addresses only", listen)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	var org *sandbox.Org
	var locationLine string
	if newOrganization {
		// No STORE location to configure yet: the provider learns it when
		// tracking first starts.
		org = sb.AddNewDemoOrganization()
		locationLine = "  # a new organization: no locations until tracking first starts; leave ZETTLE_LOCATION_UUID unset"
	} else {
		org = sb.AddDemoOrganization()
		locationLine = "  export ZETTLE_LOCATION_UUID=" + org.Location(sandbox.Store)
	}
	url := "http://" + ln.Addr().String()
	if urlFile != "" {
		if err := os.WriteFile(urlFile, []byte(url+"\n"), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf(`Zettle Inventory API sandbox, serving %s
  export ZETTLE_INVENTORY_URL=%s
  export ZETTLE_ACCESS_TOKEN=%s
%s
  # or, instead of the access token (set one credential, not both):
  # export ZETTLE_API_KEY=%s
  # export ZETTLE_OAUTH_URL=%s
Demo products (product: variants):
  coffee beans %s: %s, %s
  tea tin      %s: %s
  mug          %s: %s, %s
Stop with Ctrl-C.
`, served, url, org.Token, locationLine, sandbox.DemoAPIKey, url,
		sandbox.DemoCoffeeBeans, sandbox.DemoCoffeeSmall, sandbox.DemoCoffeeLarge,
		sandbox.DemoTeaTin, sandbox.DemoTeaTinOnly,
		sandbox.DemoMug, sandbox.DemoMugWhite, sandbox.DemoMugBlack)

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
