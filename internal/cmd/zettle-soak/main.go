//go:build unix

// Command zettle-soak runs cycles of terraform apply, plan and destroy over N
// zettle_inventory_tracking resources, through the real Terraform CLI,
// against one in-process sandbox that fails a fraction of the requests at
// random: 429 with Retry-After, 500, 503, and connections cut before or after
// the change is committed. It checks that the provider's retries and
// reconciliation reach the configured state exactly:
//
//   - a terraform command that fails is run again, as a pipeline would, up to
//     three times; the re-runs are counted and their errors shown;
//   - after each apply every product is tracked, its first variant has a
//     STORE balance of exactly 5 and its second variant none;
//   - no balance moved twice: in each apply, re-runs included, no variant
//     takes more than 5 in from SUPPLIER (the sandbox's ledger of every stock
//     movement tells), and the ledger replayed gives the sandbox's balances;
//   - the plan after each apply shows no changes, and after each destroy no
//     product is tracked; neither moves stock.
//
// It ends with a report, on stdout, and exits non-zero when an invariant
// broke or a step still failed after its re-runs. Progress goes to stderr.
//
//	go build -o bin/terraform-provider-zettle .
//	go run ./internal/cmd/zettle-soak -provider $PWD/bin/terraform-provider-zettle
//
// With the same -seed, the same sequence of requests meets the same faults;
// Terraform's concurrency orders the requests a little differently from run
// to run, so runs are alike rather than identical.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/tfdriver"
)

type options struct {
	terraform string
	provider  string
	n         int
	cycles    int
	rate      float64
	seed      int64
	latency   time.Duration
	// api names the versions served, v2 and v3 says which.
	api    string
	v2, v3 bool
}

func main() {
	opts, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "zettle-soak:", err)
		os.Exit(2)
	}
	ctx, stop := tfdriver.InterruptContext(context.Background())
	defer stop()
	rep, err := run(ctx, opts, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "zettle-soak:", err)
		os.Exit(1)
	}
	fmt.Print(rep.String())
	if !rep.passed() {
		os.Exit(1)
	}
}

func parseFlags() (options, error) {
	provider := flag.String("provider", "", "`path` of the built provider binary (required)")
	terraform := flag.String("terraform", "terraform", "`path` or name of the Terraform CLI")
	n := flag.Int("n", 500, "`number` of products, each a zettle_inventory_tracking resource")
	cycles := flag.Int("cycles", 3, "`number` of apply, plan, destroy cycles")
	rate := flag.Float64("rate", 0.05, "`fraction` of API requests that fail at random, from 0 to 1")
	seed := flag.Int64("seed", 1, "`seed` of the random faults")
	latency := flag.Duration("latency", 0, "`delay` of every sandbox answer")
	api := flag.String("api", "both", "Inventory API `versions` the sandbox serves: v2, v3 or both (the provider speaks v3 then)")
	flag.Parse()
	if flag.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments: %s", strings.Join(flag.Args(), " "))
	}

	opts := options{n: *n, cycles: *cycles, rate: *rate, seed: *seed, latency: *latency, api: *api}
	var ok bool
	if opts.v2, opts.v3, ok = sandbox.ParseAPIVersions(*api); !ok {
		return opts, fmt.Errorf("-api %q: use v2, v3 or both", *api)
	}
	var err error
	if opts.provider, opts.terraform, err = tfdriver.ResolveTools(*provider, *terraform); err != nil {
		return opts, err
	}
	switch {
	case opts.n < 1:
		return opts, fmt.Errorf("-n: %d is not a positive count", opts.n)
	case opts.cycles < 1:
		return opts, fmt.Errorf("-cycles: %d is not a positive count", opts.cycles)
	case !(opts.rate >= 0 && opts.rate <= 1):
		return opts, fmt.Errorf("-rate: %v is not between 0 and 1", opts.rate)
	case opts.latency < 0:
		return opts, fmt.Errorf("-latency: %s is negative", opts.latency)
	}
	return opts, nil
}
