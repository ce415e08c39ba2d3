//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/scenario"
	"github.com/zettle-community/terraform-provider-zettle/internal/tfdriver"
)

// Values of -batching.
const (
	batchingOn  = "on"
	batchingOff = "off"
	// batchingDefault leaves the batching block out of the configuration, so
	// the provider's default applies.
	batchingDefault = "default"
	// "on/<duration>" is batching on with that max_wait.
	maxWaitSeparator = "/"
)

// logTailLines is how much of a failed command's output is shown.
const logTailLines = 40

// tools are the binaries every case runs.
type tools struct {
	terraform string
	provider  string
	// self is this binary, which stands in for the provider to measure it
	// (tfdriver.Options.Wrapper).
	self string
	// rateLimit, when positive, is the rate the sandbox enforces, as Zettle
	// does; the client then runs at its default rate limit.
	rateLimit float64
	// applyOnly skips plan and destroy, for cases too slow to measure whole.
	applyOnly bool
	// floor runs the same commands over terraform_data for each case, and
	// over the bare provider when bare is set.
	floor bool
	// bare is the path of the built bare-provider, or "".
	bare string
	// workload is what the configuration declares: workloadTracking or
	// workloadCatalogue.
	workload string
}

// Values of -workload.
const (
	// workloadTracking tracks N products of the library, with stock.
	workloadTracking = "tracking"
	// workloadCatalogue creates N products of 3 variants with zettle_product
	// in an empty library.
	workloadCatalogue = "catalogue"
)

// rateLimitSetting names the rate the sandbox enforces, for the table.
func (t tools) rateLimitSetting() string {
	if t.rateLimit <= 0 {
		return "none"
	}
	return strconv.FormatFloat(t.rateLimit, 'f', -1, 64) + "/s"
}

// benchCase is one row of the results.
type benchCase struct {
	n       int
	latency time.Duration
	// batching is a -batching mode.
	batching string
	// parallelism is passed as -parallelism when positive.
	parallelism int
	// api is the -api value naming the Inventory API versions the sandbox
	// serves.
	api string
}

func (c benchCase) String() string {
	return fmt.Sprintf("api=%s N=%d latency=%s batching=%s parallelism=%s", c.api, c.n, c.latency, c.batching, c.parallelismSetting())
}

// parallelismSetting names the parallelism the commands run with.
func (c benchCase) parallelismSetting() string {
	if c.parallelism > 0 {
		return strconv.Itoa(c.parallelism)
	}
	return "10 (default)"
}

// batchingSetting names the case's batching for the table.
func (c benchCase) batchingSetting() string {
	if mode, maxWait, ok := strings.Cut(c.batching, maxWaitSeparator); ok {
		return fmt.Sprintf("%s, max_wait %s", mode, maxWait)
	}
	return c.batching
}

// batchingBlock is the provider's batching block for the case's mode.
func (c benchCase) batchingBlock() string {
	mode, maxWait, _ := strings.Cut(c.batching, maxWaitSeparator)
	switch {
	case mode == batchingDefault:
		return ""
	case maxWait != "":
		return fmt.Sprintf("  batching {\n    enabled  = true\n    max_wait = %q\n  }\n", maxWait)
	default:
		return fmt.Sprintf("  batching {\n    enabled = %t\n  }\n", mode == batchingOn)
	}
}

// commandCost is what one terraform command cost.
type commandCost struct {
	requests int
	// refused counts the requests the sandbox refused (429) for going
	// beyond its rate.
	refused int
	// peakInFlight is the most requests the sandbox served at once.
	peakInFlight int
	wall         time.Duration
	// peakRSSKiB is the provider's peak RSS, the largest over the provider
	// processes Terraform started for the command.
	peakRSSKiB int64
	// skipped is a command the case did not run (tools.applyOnly).
	skipped bool
}

type caseResult struct {
	benchCase
	apply, plan, destroy commandCost
	// floors are what the same commands cost over N resources of each
	// floorKind, in the order of tools.floorKinds.
	floors []floorCost
}

// floorCost is the wall time of apply, plan and destroy over N resources
// of a floorKind.
type floorCost struct {
	apply, plan, destroy time.Duration
}

// floorKind is a resource whose cost the table compares with: the same
// commands over N of them, with the products of the case.
type floorKind struct {
	name string
	// about says what the floor stands for, in the table's notes.
	about string
	// provider and source serve the resource; none for terraform_data,
	// which Terraform serves itself.
	provider, source string
	resource         string
}

// floorKinds are terraform_data, which no provider serves (the least any
// provider can cost), and, when built, the bare provider: what a resource of
// this schema costs on the framework, before any API.
func (t tools) floorKinds() []floorKind {
	kinds := []floorKind{{name: "terraform_data", about: "Terraform serves it itself, the least any provider costs", resource: `resource "terraform_data" "p" {
  for_each = local.products
  input    = each.value
}
`}}
	if t.bare != "" {
		kinds = append(kinds, floorKind{name: "bare provider", about: "a provider on the same framework whose resource has the same schema and state, served the same way, the least such a resource costs", provider: t.bare, source: "zettle-community/bare", resource: fmt.Sprintf(`terraform {
  required_providers {
    bare = { source = "zettle-community/bare" }
  }
}

resource "bare_tracking" "p" {
  for_each         = local.products
  product_uuid     = each.key
  initial_balances = { (each.value) = "%d" }
}
`, scenario.InitialBalance)})
	}
	return kinds
}

// peakRSSKiB is the provider's peak RSS over the three commands.
func (r caseResult) peakRSSKiB() int64 {
	return max(r.apply.peakRSSKiB, r.plan.peakRSSKiB, r.destroy.peakRSSKiB)
}

// caseRun is one case in progress: a fresh sandbox and a work dir.
type caseRun struct {
	ctx context.Context
	benchCase
	sandbox  *sandbox.Server
	org      *sandbox.Org
	meter    *concurrencyMeter
	products []scenario.Product
	ws       *tfdriver.Workspace
	progress io.Writer
}

// runCase measures apply, plan and destroy for one case, checking after apply
// and destroy that the sandbox holds what Terraform says it does. Cancelling
// ctx interrupts the running terraform command.
func runCase(ctx context.Context, t tools, c benchCase, progress io.Writer) (caseResult, error) {
	sb := sandbox.New()
	sb.SetLatency(c.latency)
	v2, v3, _ := sandbox.ParseAPIVersions(c.api)
	sb.SetAPIVersions(v2, v3)
	sb.SetRateLimit(t.rateLimit, int(max(t.rateLimit, 1)))
	org := sb.AddOrganization(sandbox.OrgSpec{})
	var products []scenario.Product
	if t.workload == workloadCatalogue {
		// The floors' resources, one per product to create.
		products = scenario.NewProducts(c.n)
	} else {
		products = scenario.AddCatalogue(org, c.n)
	}
	meter := &concurrencyMeter{next: sb}
	srv := httptest.NewServer(meter)
	defer srv.Close()

	// Terraform runs this binary in place of the provider, which it wraps
	// to measure its memory.
	ws, err := tfdriver.NewWorkspace(tfdriver.Options{
		Terraform: t.terraform, Provider: t.provider, Wrapper: t.self, Pattern: "zettle-bench-",
	})
	if err != nil {
		return caseResult{}, err
	}
	defer ws.Close()

	work := &caseRun{
		ctx: ctx, benchCase: c, sandbox: sb, org: org, meter: meter, products: products,
		ws: ws, progress: progress,
	}
	// Against a sandbox that enforces no rate, neither does the client, so
	// that the tables measure the provider's own costs; against one that
	// does, the client runs at its defaults.
	extra := c.batchingBlock()
	if t.rateLimit <= 0 {
		extra = "  requests_per_second = 0\n" + extra
	}
	config := scenario.Configuration(org.Token, srv.URL, extra, products)
	if t.workload == workloadCatalogue {
		config = scenario.CatalogueConfiguration(org.Token, srv.URL, extra, c.n)
	}
	if err := ws.WriteFile("main.tf", []byte(config)); err != nil {
		return caseResult{}, err
	}

	res := caseResult{benchCase: c}
	if res.apply, err = work.measure("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return res, err
	}
	if err := work.checkApplied(t.workload); err != nil {
		return res, err
	}
	if t.applyOnly {
		res.plan.skipped, res.destroy.skipped = true, true
	} else {
		if res.plan, err = work.measure("plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
			return res, err
		}
		if res.destroy, err = work.measure("destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
			return res, err
		}
		if err := work.checkDestroyed(t.workload); err != nil {
			return res, err
		}
	}
	if t.floor {
		for _, kind := range t.floorKinds() {
			floor, err := measureFloor(ctx, t, c, kind, products, progress)
			if err != nil {
				return res, err
			}
			res.floors = append(res.floors, floor)
		}
	}
	return res, nil
}

// measureFloor runs apply, plan and destroy over one resource of kind per
// product, through the same CLI with the same parallelism.
func measureFloor(ctx context.Context, t tools, c benchCase, kind floorKind, products []scenario.Product, progress io.Writer) (floorCost, error) {
	opts := tfdriver.Options{Terraform: t.terraform, Provider: t.provider, Pattern: "zettle-bench-floor-"}
	if kind.provider != "" {
		opts.Provider, opts.Source = kind.provider, kind.source
	}
	ws, err := tfdriver.NewWorkspace(opts)
	if err != nil {
		return floorCost{}, err
	}
	defer ws.Close()
	var config strings.Builder
	config.WriteString("locals {\n  products = {\n")
	for _, p := range products {
		fmt.Fprintf(&config, "    %q = %q\n", p.UUID, p.First)
	}
	config.WriteString("  }\n}\n\n" + kind.resource)
	if err := ws.WriteFile("main.tf", []byte(config.String())); err != nil {
		return floorCost{}, err
	}
	var out floorCost
	steps := []struct {
		into *time.Duration
		args []string
	}{
		{&out.apply, []string{"apply", "-auto-approve", "-input=false", "-no-color"}},
		{&out.plan, []string{"plan", "-input=false", "-no-color"}},
		{&out.destroy, []string{"destroy", "-auto-approve", "-input=false", "-no-color"}},
	}
	if t.applyOnly {
		steps = steps[:1]
	}
	for _, step := range steps {
		args := step.args
		if c.parallelism > 0 {
			args = append(args, "-parallelism="+strconv.Itoa(c.parallelism))
		}
		res, err := ws.Run(ctx, "floor-"+args[0], args...)
		if err != nil {
			return out, fmt.Errorf("terraform %s over the floor's %s: %w; last %d lines of its output:\n%s", args[0], kind.name, err, logTailLines, res.Tail(logTailLines))
		}
		*step.into = res.Wall
	}
	if t.applyOnly {
		fmt.Fprintf(progress, "  floor   %s: apply %.1f s\n", kind.name, out.apply.Seconds())
	} else {
		fmt.Fprintf(progress, "  floor   %s: apply %.1f s, plan %.1f s, destroy %.1f s\n", kind.name, out.apply.Seconds(), out.plan.Seconds(), out.destroy.Seconds())
	}
	return out, nil
}

// measure runs one terraform command in the work dir and measures it.
func (r *caseRun) measure(command string, args ...string) (commandCost, error) {
	if r.parallelism > 0 {
		args = append(args, "-parallelism="+strconv.Itoa(r.parallelism))
	}
	r.sandbox.ResetRequests()
	r.meter.reset()
	res, err := r.ws.Run(r.ctx, command, append([]string{command}, args...)...)
	if err != nil {
		var exit *exec.ExitError
		if command == "plan" && errors.As(err, &exit) && exit.ExitCode() == 2 {
			err = errors.New("the plan after apply wants changes")
		}
		return commandCost{}, fmt.Errorf("terraform %s: %w; last %d lines of its output:\n%s",
			command, err, logTailLines, res.Tail(logTailLines))
	}

	cost := commandCost{wall: res.Wall, peakInFlight: r.meter.peak(), refused: r.sandbox.RateLimited()}
	byRoute := map[string]int{}
	for _, req := range r.sandbox.Requests() {
		cost.requests++
		byRoute[req.Route]++
	}
	if cost.peakRSSKiB, err = res.PeakRSSKiB(); err != nil {
		return commandCost{}, fmt.Errorf("terraform %s: %w", command, err)
	}
	fmt.Fprintf(r.progress, "  %-7s %5d requests (%d refused with 429), at most %d at once, %.1f s, provider peak RSS %s\n",
		command, cost.requests, cost.refused, cost.peakInFlight, res.Wall.Seconds(), formatRSS(cost.peakRSSKiB))
	routes := slices.Sorted(maps.Keys(byRoute))
	for _, route := range routes {
		fmt.Fprintf(r.progress, "          %5d %s\n", byRoute[route], route)
	}
	return cost, nil
}

func (r *caseRun) checkApplied(workload string) error {
	if workload == workloadCatalogue {
		return scenario.CheckCatalogue(r.org, r.n)
	}
	for _, p := range r.products {
		if !r.org.IsTracked(p.UUID) {
			return fmt.Errorf("after apply, product %s is not tracked", p.UUID)
		}
		if got := r.org.Balance(sandbox.Store, p.UUID, p.First); got != scenario.InitialBalance {
			return fmt.Errorf("after apply, variant %s of product %s has STORE balance %v, want %d",
				p.First, p.UUID, got, scenario.InitialBalance)
		}
	}
	return nil
}

func (r *caseRun) checkDestroyed(workload string) error {
	if workload == workloadCatalogue {
		return scenario.CheckCatalogue(r.org, 0)
	}
	for _, p := range r.products {
		if r.org.IsTracked(p.UUID) {
			return fmt.Errorf("after destroy, product %s is still tracked", p.UUID)
		}
	}
	return nil
}

// concurrencyMeter passes requests to the sandbox and keeps the peak number
// served at once, which the sandbox's log (arrival times only) cannot tell.
type concurrencyMeter struct {
	next http.Handler

	mu       sync.Mutex
	inFlight int
	maximum  int
}

func (m *concurrencyMeter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	m.mu.Lock()
	m.inFlight++
	m.maximum = max(m.maximum, m.inFlight)
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.inFlight--
		m.mu.Unlock()
	}()
	m.next.ServeHTTP(w, req)
}

func (m *concurrencyMeter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.maximum = m.inFlight
}

func (m *concurrencyMeter) peak() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.maximum
}
