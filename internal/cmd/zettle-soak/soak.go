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
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/scenario"
	"github.com/zettle-community/terraform-provider-zettle/internal/tfdriver"
)

// maxReruns is how often a failed terraform command is run again.
const maxReruns = 3

// retryAfter is the Retry-After of the injected 429 answers.
const retryAfter = "1"

// faultKinds are the random faults the sandbox draws from.
var faultKinds = []sandbox.FaultKind{
	sandbox.FaultTooManyRequests, sandbox.FaultServerError, sandbox.FaultUnavailable,
	sandbox.FaultCutBeforeCommit, sandbox.FaultCutAfterCommit,
	sandbox.FaultAnswerCutAfterCommit, sandbox.FaultAnswerGarbledAfterCommit,
}

// Limits on what the report shows.
const (
	// diagnosticsShown is how many error diagnostics of a failed command
	// are shown.
	diagnosticsShown = 5
	// diagnosticLength is how many characters of each are shown.
	diagnosticLength = 320
	// detailedMismatches is how many mismatches come with their evidence.
	detailedMismatches = 10
	// planChangesShown is how many resources a plan that wants changes
	// names.
	planChangesShown = 10
	// mismatchesListed is how many mismatches the report lists.
	mismatchesListed = 50
)

// soak is a run in progress: one sandbox, one work dir.
type soak struct {
	ctx      context.Context
	opts     options
	sb       *sandbox.Server
	org      *sandbox.Org
	products []scenario.Product
	ws       *tfdriver.Workspace
	progress io.Writer
	rep      *report
}

// step is one terraform step of a cycle, with its re-runs: where the
// request log and the ledger stood when it began.
type step struct {
	name    string
	command string
	// requests and ledger are the lengths of the request log and the
	// ledger before the step.
	requests, ledger int
	faultsBefore     map[string]int
	started          time.Time
	runs             int
	// failed tells that the last run failed too.
	failed bool
	// requestsInStep and movementsInStep are what the step's runs added.
	requestsInStep  []sandbox.Request
	movementsInStep []sandbox.Movement
}

// run sets the sandbox and the work dir up and runs the cycles. Its error is
// for what stops the soak from running at all; failed steps and mismatches
// are in the report.
func run(ctx context.Context, opts options, progress io.Writer) (*report, error) {
	start := time.Now()
	version, err := tfdriver.Version(opts.terraform)
	if err != nil {
		return nil, err
	}
	rep := &report{terraformVersion: version, opts: opts}

	sb := sandbox.New()
	sb.SetLatency(opts.latency)
	sb.SetAPIVersions(opts.v2, opts.v3)
	org := sb.AddOrganization(sandbox.OrgSpec{})
	products := scenario.AddCatalogue(org, opts.n)
	srv := httptest.NewServer(sb)
	defer srv.Close()

	ws, err := tfdriver.NewWorkspace(tfdriver.Options{Terraform: opts.terraform, Provider: opts.provider, Pattern: "zettle-soak-"})
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	// No extra provider settings: the provider's defaults apply (batching
	// on, max_retries 4).
	// The sandbox enforces no rate here, and the random faults bring their
	// own 429s: pacing the requests would only make the soak slower.
	config := scenario.Configuration(org.Token, srv.URL, "  requests_per_second = 0\n", products)
	if err := ws.WriteFile("main.tf", []byte(config)); err != nil {
		return nil, err
	}

	sb.SetRandomFaults(sandbox.RandomFaults{Rate: opts.rate, Seed: opts.seed, Kinds: faultKinds, RetryAfter: retryAfter})
	s := &soak{ctx: ctx, opts: opts, sb: sb, org: org, products: products, ws: ws, progress: progress, rep: rep}
	err = s.cycles()
	rep.requests = sb.RequestCount()
	rep.faults = sb.FaultCounts()
	rep.wall = time.Since(start)
	return rep, err
}

// cycles runs apply, plan and destroy opts.cycles times, stopping at a step
// that still fails after its re-runs.
func (s *soak) cycles() error {
	for cycle := 1; cycle <= s.opts.cycles; cycle++ {
		fmt.Fprintf(s.progress, "cycle %d of %d\n", cycle, s.opts.cycles)

		st, err := s.runStep(cycle, "apply", "apply", "-auto-approve", "-input=false", "-no-color")
		switch {
		case err != nil || st == nil:
			return err
		case st.failed:
			// Even so, no balance may have moved twice.
			s.report(st, s.checkApplyMovements(st))
			return nil
		}
		s.checkApplied(st)

		if st, err = s.runStep(cycle, "plan", "plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil || st == nil || st.failed {
			return err
		}
		s.report(st, checkNoMovements("plan", st.movementsInStep))

		if st, err = s.runStep(cycle, "destroy", "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil || st == nil || st.failed {
			return err
		}
		s.checkDestroyed(st)
		s.rep.cyclesRun = cycle
	}
	return nil
}

// runStep runs a terraform command, and runs it again while it fails, up to
// maxReruns times. A plan that wants changes (exit code 2) is not run
// again: it is a mismatch. When the step still failed, the step returned
// is marked failed, and the report says so; when the soak was interrupted,
// the step is nil. The error is for terraform that could not run at all.
func (s *soak) runStep(cycle int, command string, args ...string) (*step, error) {
	st := &step{
		name: fmt.Sprintf("cycle %d %s", cycle, command), command: command,
		requests: s.sb.RequestCount(), ledger: len(s.org.Movements()), faultsBefore: s.sb.FaultCounts(), started: time.Now(),
	}
	for attempt := 0; ; attempt++ {
		res, err := s.ws.Run(s.ctx, fmt.Sprintf("cycle%d-%s-%d", cycle, command, attempt), args...)
		s.rep.commands++
		st.runs++
		if attempt > 0 {
			s.rep.reruns++
		}
		var exit *exec.ExitError
		switch {
		case err == nil:
		case s.ctx.Err() != nil:
			s.rep.failed = fmt.Sprintf("%s: interrupted", st.name)
			return nil, nil //nolint:nilerr // an interrupt ends the soak, reported above; it is no failure of the step
		case !errors.As(err, &exit):
			return nil, fmt.Errorf("%s: terraform: %w", st.name, err)
		case command == "plan" && res.ExitCode == 2:
		default:
			out, _ := res.Output()
			diags := errorLines(out)
			if len(diags) == 0 {
				diags = []string{"(no error diagnostics; last lines: " + strings.ReplaceAll(res.Tail(5), "\n", " / ") + ")"}
			}
			s.rep.failures = append(s.rep.failures, failure{step: st.name, run: attempt + 1, exit: res.ExitCode, diagnostics: diags})
			fmt.Fprintf(s.progress, "  %s failed (run %d, exit code %d) with %d error(s):\n", st.name, attempt+1, res.ExitCode, len(diags))
			for _, d := range limit(diags, diagnosticsShown) {
				fmt.Fprintf(s.progress, "    %s\n", d)
			}
			if attempt < maxReruns {
				continue
			}
			s.rep.failed = fmt.Sprintf("%s: still failed after %d re-runs", st.name, maxReruns)
			st.failed = true
			s.finish(st)
			return st, nil
		}
		s.finish(st)
		if command == "plan" && res.ExitCode == 2 {
			out, _ := res.Output()
			s.report(st, []violation{{msg: "the plan after apply wants changes: " + strings.Join(planChanges(out), " / ")}})
		}
		return st, nil
	}
}

// finish records what the step's runs did and shows it.
func (s *soak) finish(st *step) {
	requests := s.sb.Requests()
	st.requestsInStep = requests[st.requests:]
	st.movementsInStep = s.org.Movements()[st.ledger:]
	faults := 0
	for kind, n := range s.sb.FaultCounts() {
		faults += n - st.faultsBefore[kind]
	}
	fmt.Fprintf(s.progress, "  %-8s %d run(s), %5d requests, %4d faults, %4d movements, %.1f s\n",
		st.command, st.runs, len(st.requestsInStep), faults, len(st.movementsInStep), time.Since(st.started).Seconds())
}

// checkApplied checks the sandbox after a successful apply step.
func (s *soak) checkApplied(st *step) {
	var vs []violation
	for _, p := range s.products {
		if !s.org.IsTracked(p.UUID) {
			vs = append(vs, violation{product: p.UUID, msg: "not tracked after apply"})
		}
		if got := s.org.BalanceExact(sandbox.Store, p.UUID, p.First); !got.Equal(decimal.NewFromInt(scenario.InitialBalance)) {
			vs = append(vs, violation{product: p.UUID, variant: p.First, msg: fmt.Sprintf("STORE balance %s after apply, want %d", formatQty(got), scenario.InitialBalance)})
		}
		if got := s.org.BalanceExact(sandbox.Store, p.UUID, p.Untouched); !got.IsZero() {
			vs = append(vs, violation{product: p.UUID, variant: p.Untouched, msg: fmt.Sprintf("STORE balance %s after apply, want it untouched (0)", formatQty(got))})
		}
	}
	vs = append(vs, s.checkApplyMovements(st)...)
	vs = append(vs, checkConserved(replay(s.org.Movements()), s.products, s.org.BalanceExact)...)
	s.report(st, vs)
}

// checkApplyMovements checks the ledger entries of an apply step, noting
// the products whose resource was replaced in it.
func (s *soak) checkApplyMovements(st *step) []violation {
	vs := checkApplyMovements(st.movementsInStep, s.products)
	for i, v := range vs {
		if v.movedTwice && stoppedIn(st.requestsInStep, v.product) {
			vs[i].msg += " (within this apply, tracking of the product was stopped and started again: a resource saved as tainted was replaced)"
		}
	}
	return vs
}

// stoppedIn reports whether a request among requests stopped tracking the
// product successfully.
func stoppedIn(requests []sandbox.Request, product string) bool {
	for _, r := range requests {
		if r.Method == "DELETE" && r.Route == stopTrackingRoute && strings.HasSuffix(r.Path, "/"+product) && r.Status == http.StatusNoContent {
			return true
		}
	}
	return false
}

// stopTrackingRoute is the sandbox's route that stops tracking a product.
const stopTrackingRoute = "DELETE /organizations/{org}/inventory/products/{product}"

// checkDestroyed checks the sandbox after a successful destroy step.
func (s *soak) checkDestroyed(st *step) {
	var vs []violation
	for _, p := range s.products {
		if s.org.IsTracked(p.UUID) {
			vs = append(vs, violation{product: p.UUID, msg: "still tracked after destroy"})
		}
	}
	vs = append(vs, checkNoMovements("destroy", st.movementsInStep)...)
	s.report(st, vs)
}

// report records the violations found after a step as mismatches, the
// first ones with the ledger entries and requests of their product.
func (s *soak) report(st *step, vs []violation) {
	for _, v := range vs {
		m := mismatch{step: st.name, violation: v}
		if v.product != "" && len(s.rep.mismatches) < detailedMismatches {
			m.evidence = s.evidence(st, v.product)
		}
		s.rep.mismatches = append(s.rep.mismatches, m)
		fmt.Fprintf(s.progress, "  MISMATCH %s: %s\n", st.name, v)
	}
}

// evidence lists, for a product, the step's ledger entries and the step's
// requests that name it.
func (s *soak) evidence(st *step, product string) []string {
	var lines []string
	for i, m := range st.movementsInStep {
		if m.Product == product {
			lines = append(lines, fmt.Sprintf("ledger #%d: %s", st.ledger+i+1, describe(m)))
		}
	}
	for i, r := range st.requestsInStep {
		if strings.Contains(r.Path, product) || strings.Contains(r.Body, product) {
			lines = append(lines, "request "+describeRequest(st.requests+i+1, r, product))
		}
	}
	return lines
}

// describeRequest is one line of the request log, with the part of the body
// about product.
func describeRequest(n int, r sandbox.Request, product string) string {
	status := fmt.Sprint(r.Status)
	if r.Status == 0 {
		status = "no answer"
	}
	line := fmt.Sprintf("#%d %s %s %s → %s", n, r.At.Format("15:04:05.000"), r.Method, r.Path, status)
	if r.Fault != "" {
		kind := "injected"
		if r.RandomFault {
			kind = "random"
		}
		line += fmt.Sprintf(" [%s fault: %s]", kind, r.Fault)
	}
	if i := strings.Index(r.Body, product); i >= 0 {
		from, to := max(0, i-40), min(len(r.Body), i+len(product)+260)
		line += " body: …" + strings.TrimSpace(r.Body[from:to]) + "…"
	}
	return line
}

// errorLines are the error diagnostics of terraform output, one line each,
// without where they arose (the product is in the summary) and cut at
// diagnosticLength.
func errorLines(output string) []string {
	var lines []string
	for _, d := range tfdriver.ErrorDiagnostics(output) {
		d.Paragraphs = slices.DeleteFunc(d.Paragraphs, func(p string) bool { return strings.HasPrefix(p, "with ") })
		line := d.String()
		if r := []rune(line); len(r) > diagnosticLength {
			line = string(r[:diagnosticLength]) + "…"
		}
		lines = append(lines, line)
	}
	return lines
}

// planChanges names the resources a plan wants to change, and its summary.
func planChanges(output string) []string {
	var changes []string
	summary := ""
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "# ") && (strings.Contains(line, " will be ") || strings.Contains(line, " must be ")):
			changes = append(changes, strings.TrimPrefix(line, "# "))
		case strings.HasPrefix(line, "Plan: "):
			summary = line
		}
	}
	out := limit(changes, planChangesShown)
	if summary != "" {
		out = append(out, summary)
	}
	return out
}

// limit keeps the first n of list, noting how many it left off.
func limit(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("(and %d more)", len(list)-n))
}

// failure is a failed run of a terraform command.
type failure struct {
	step        string
	run         int
	exit        int
	diagnostics []string
}

// mismatch is a violation found after a step, with evidence.
type mismatch struct {
	step string
	violation
	evidence []string
}

// report is the soak's outcome.
type report struct {
	terraformVersion string
	opts             options
	cyclesRun        int
	commands, reruns int
	failures         []failure
	// failed names the step that still failed after its re-runs, or was
	// interrupted.
	failed     string
	requests   int
	faults     map[string]int
	mismatches []mismatch
	wall       time.Duration
}

func (r *report) passed() bool { return r.failed == "" && len(r.mismatches) == 0 }

func (r *report) String() string {
	var b strings.Builder
	o := r.opts
	fmt.Fprintf(&b, "zettle-soak report\n")
	fmt.Fprintf(&b, "  %s, %s/%s, %d CPUs\n", r.terraformVersion, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(&b, "  -n %d -cycles %d -rate %g -seed %d -latency %s -api %s (faults: %s; 429 with Retry-After %s)\n",
		o.n, o.cycles, o.rate, o.seed, o.latency, o.api, kindNames(), retryAfter)
	fmt.Fprintf(&b, "cycles run:          %d of %d\n", r.cyclesRun, o.cycles)
	fmt.Fprintf(&b, "products (N):        %d, 2 variants each, initial balance %d on the first\n", o.n, scenario.InitialBalance)
	fmt.Fprintf(&b, "terraform commands:  %d run, %d of them re-runs\n", r.commands, r.reruns)
	for _, f := range r.failures {
		fmt.Fprintf(&b, "  %s, run %d failed (exit code %d), %d error(s):\n", f.step, f.run, f.exit, len(f.diagnostics))
		for _, d := range limit(f.diagnostics, diagnosticsShown) {
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	fmt.Fprintf(&b, "API requests seen:   %d\n", r.requests)
	total := 0
	for _, n := range r.faults {
		total += n
	}
	fmt.Fprintf(&b, "faults injected:     %d\n", total)
	for _, kind := range slices.Sorted(maps.Keys(r.faults)) {
		fmt.Fprintf(&b, "  %-30s %d\n", kind, r.faults[kind])
	}
	fmt.Fprintf(&b, "mismatches:          %d\n", len(r.mismatches))
	for i, m := range r.mismatches {
		if i == mismatchesListed {
			fmt.Fprintf(&b, "  (and %d more)\n", len(r.mismatches)-i)
			break
		}
		fmt.Fprintf(&b, "  %s: %s\n", m.step, m.violation)
		for _, e := range m.evidence {
			fmt.Fprintf(&b, "      %s\n", e)
		}
		if i+1 == detailedMismatches && len(r.mismatches) > detailedMismatches {
			fmt.Fprintf(&b, "  (evidence only for the first %d)\n", detailedMismatches)
		}
	}
	if r.failed != "" {
		fmt.Fprintf(&b, "stopped:             %s\n", r.failed)
	}
	fmt.Fprintf(&b, "wall time:           %s\n", r.wall.Round(time.Second))
	result := "PASS"
	if !r.passed() {
		result = "FAIL"
	}
	fmt.Fprintf(&b, "result:              %s\n", result)
	return b.String()
}

func kindNames() string {
	var names []string
	for _, k := range faultKinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}
