//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
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

// initialBalance is the STORE balance each product's first variant starts at.
const initialBalance = 5

// logTailLines is how much of a failed command's output is shown.
const logTailLines = 40

// stopGrace is how long an interrupted terraform command may take to stop
// before it is killed.
const stopGrace = 30 * time.Second

// tools are the binaries every case runs.
type tools struct {
	terraform string
	provider  string
	// self is this binary, which stands in for the provider to measure it.
	self string
}

// benchCase is one row of the results.
type benchCase struct {
	n       int
	latency time.Duration
	// batching is a -batching mode.
	batching string
	// parallelism is passed as -parallelism when positive.
	parallelism int
}

func (c benchCase) String() string {
	return fmt.Sprintf("N=%d latency=%s batching=%s parallelism=%s", c.n, c.latency, c.batching, c.parallelismSetting())
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
	// bulkRequests counts POST /organizations/{org}/v2/inventory/bulk.
	bulkRequests int
	// peakInFlight is the most requests the sandbox served at once.
	peakInFlight int
	wall         time.Duration
	// peakRSSKiB is the provider's peak RSS, the largest over the provider
	// processes Terraform started for the command.
	peakRSSKiB int64
}

type caseResult struct {
	benchCase
	apply, plan, destroy commandCost
}

// peakRSSKiB is the provider's peak RSS over the three commands.
func (r caseResult) peakRSSKiB() int64 {
	return max(r.apply.peakRSSKiB, r.plan.peakRSSKiB, r.destroy.peakRSSKiB)
}

const bulkRoute = "POST /organizations/{org}/v2/inventory/bulk"

// product is one product of the case and the variant given a balance.
type product struct{ uuid, variant string }

// caseRun is one case in progress: a fresh sandbox and a work dir.
type caseRun struct {
	ctx context.Context
	tools
	benchCase
	sandbox  *sandbox.Server
	org      *sandbox.Org
	meter    *concurrencyMeter
	products []product
	dir      string
	env      []string
	progress io.Writer
}

// runCase measures apply, plan and destroy for one case, checking after apply
// and destroy that the sandbox holds what Terraform says it does. Cancelling
// ctx interrupts the running terraform command.
func runCase(ctx context.Context, t tools, c benchCase, progress io.Writer) (caseResult, error) {
	sb := sandbox.New()
	sb.SetLatency(c.latency)
	org := sb.AddOrganization(sandbox.OrgSpec{})
	products := make([]product, c.n)
	for i := range products {
		uuid, variants := org.AddProduct(2)
		products[i] = product{uuid, variants[0]}
	}
	meter := &concurrencyMeter{next: sb}
	srv := httptest.NewServer(meter)
	defer srv.Close()

	dir, err := os.MkdirTemp("", "zettle-bench-")
	if err != nil {
		return caseResult{}, fmt.Errorf("creating the work dir: %w", err)
	}
	defer os.RemoveAll(dir)

	work := &caseRun{
		ctx: ctx, tools: t, benchCase: c, sandbox: sb, org: org, meter: meter, products: products,
		dir: dir, progress: progress,
	}
	if err := work.writeWorkDir(srv.URL); err != nil {
		return caseResult{}, err
	}

	res := caseResult{benchCase: c}
	if res.apply, err = work.measure("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return res, err
	}
	if err := work.checkApplied(); err != nil {
		return res, err
	}
	if res.plan, err = work.measure("plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		return res, err
	}
	if res.destroy, err = work.measure("destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return res, err
	}
	return res, work.checkDestroyed()
}

// writeWorkDir writes the CLI configuration, the provider wrapper and the
// Terraform configuration, and prepares the commands' environment.
func (r *caseRun) writeWorkDir(sandboxURL string) error {
	// dev_overrides lets Terraform run the provider from pluginDir without
	// terraform init. The executable there is this binary, which wraps the
	// real provider to measure its memory.
	pluginDir := filepath.Join(r.dir, "plugins")
	if err := os.Mkdir(pluginDir, 0o755); err != nil {
		return fmt.Errorf("creating the provider dir: %w", err)
	}
	if err := os.Symlink(r.self, filepath.Join(pluginDir, "terraform-provider-zettle")); err != nil {
		return fmt.Errorf("linking the provider wrapper: %w", err)
	}
	cliConfig := filepath.Join(r.dir, "terraform.rc")
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/zettle-community/zettle" = %q
  }
  direct {}
}
`, pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o644); err != nil {
		return fmt.Errorf("writing the CLI configuration: %w", err)
	}
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(r.configuration(sandboxURL)), 0o644); err != nil {
		return fmt.Errorf("writing main.tf: %w", err)
	}
	r.env = append(terraformEnv(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		envWrapProvider+"="+r.provider,
	)
	return nil
}

// configuration is the case's main.tf: one zettle_inventory_tracking per
// product, each bringing the product's first variant to initialBalance.
func (r *caseRun) configuration(sandboxURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    zettle = { source = "zettle-community/zettle" }
  }
}

provider "zettle" {
  access_token  = %q
  inventory_url = %q
`, r.org.Token, sandboxURL)
	b.WriteString(r.batchingBlock())
	b.WriteString("}\n\nlocals {\n  products = {\n")
	for _, p := range r.products {
		fmt.Fprintf(&b, "    %q = %q\n", p.uuid, p.variant)
	}
	fmt.Fprintf(&b, `  }
}

resource "zettle_inventory_tracking" "p" {
  for_each         = local.products
  product_uuid     = each.key
  initial_balances = { (each.value) = %d }
}
`, initialBalance)
	return b.String()
}

// terraformEnv is this process's environment made neutral for Terraform.
func terraformEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		// Logging slows Terraform and the provider down, extra CLI
		// arguments change the commands measured, and ZETTLE_* settings
		// would change the provider's configuration (a location UUID, for
		// one, saves the lookup).
		switch {
		case name == "TF_LOG", strings.HasPrefix(name, "TF_LOG_"),
			name == "TF_CLI_ARGS", strings.HasPrefix(name, "TF_CLI_ARGS_"),
			strings.HasPrefix(name, "ZETTLE_"):
		default:
			env = append(env, kv)
		}
	}
	return append(env, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}

// measure runs one terraform command in the work dir and measures it.
func (r *caseRun) measure(command string, args ...string) (commandCost, error) {
	if r.parallelism > 0 {
		args = append(args, "-parallelism="+strconv.Itoa(r.parallelism))
	}
	rssDir := filepath.Join(r.dir, "rss-"+command)
	if err := os.Mkdir(rssDir, 0o755); err != nil {
		return commandCost{}, fmt.Errorf("creating the RSS dir: %w", err)
	}
	logPath := filepath.Join(r.dir, command+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return commandCost{}, fmt.Errorf("creating the log of terraform %s: %w", command, err)
	}
	defer logFile.Close()

	cmd := exec.CommandContext(r.ctx, r.terraform, append([]string{command}, args...)...)
	cmd.Dir = r.dir
	// In a process group of its own, Terraform hears of an interrupt once,
	// from here, and stops gracefully while the sandbox still answers.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = stopGrace
	cmd.Env = append(slices.Clip(r.env), envRSSDir+"="+rssDir)
	cmd.Stdout, cmd.Stderr = logFile, logFile

	r.sandbox.ResetRequests()
	r.meter.reset()
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		var exit *exec.ExitError
		if command == "plan" && errors.As(err, &exit) && exit.ExitCode() == 2 {
			err = errors.New("the plan after apply wants changes")
		}
		return commandCost{}, fmt.Errorf("terraform %s: %w; last %d lines of its output:\n%s",
			command, err, logTailLines, tail(logPath, logTailLines))
	}

	cost := commandCost{wall: wall, peakInFlight: r.meter.peak()}
	for _, req := range r.sandbox.Requests() {
		cost.requests++
		if req.Route == bulkRoute {
			cost.bulkRequests++
		}
	}
	if cost.peakRSSKiB, err = peakRSS(rssDir); err != nil {
		return commandCost{}, fmt.Errorf("terraform %s: %w", command, err)
	}
	fmt.Fprintf(r.progress, "  %-7s %5d requests (%d bulk), at most %d at once, %.1f s, provider peak RSS %s\n",
		command, cost.requests, cost.bulkRequests, cost.peakInFlight, wall.Seconds(), formatRSS(cost.peakRSSKiB))
	return cost, nil
}

// peakRSS is the largest peak RSS that the provider wrapper recorded in dir.
func peakRSS(dir string) (int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("reading the provider's RSS records: %w", err)
	}
	if len(entries) == 0 {
		return 0, fmt.Errorf("no provider RSS recorded in %s: did Terraform run the wrapper?", dir)
	}
	var peak int64
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return 0, fmt.Errorf("reading the provider's RSS record: %w", err)
		}
		kib, err := strconv.ParseInt(string(data), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("provider RSS record %s: %w", e.Name(), err)
		}
		peak = max(peak, kib)
	}
	return peak, nil
}

func (r *caseRun) checkApplied() error {
	for _, p := range r.products {
		if !r.org.IsTracked(p.uuid) {
			return fmt.Errorf("after apply, product %s is not tracked", p.uuid)
		}
		if got := r.org.Balance(sandbox.Store, p.uuid, p.variant); got != initialBalance {
			return fmt.Errorf("after apply, variant %s of product %s has STORE balance %v, want %d",
				p.variant, p.uuid, got, initialBalance)
		}
	}
	return nil
}

func (r *caseRun) checkDestroyed() error {
	for _, p := range r.products {
		if r.org.IsTracked(p.uuid) {
			return fmt.Errorf("after destroy, product %s is still tracked", p.uuid)
		}
	}
	return nil
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(could not read %s: %v)", path, err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	return string(bytes.Join(lines[max(0, len(lines)-n):], []byte("\n")))
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
