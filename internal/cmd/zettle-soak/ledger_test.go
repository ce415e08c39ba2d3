//go:build unix

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/scenario"
)

const (
	bulk = "POST /organizations/{org}/v2/inventory/bulk"
	move = "PUT /organizations/{org}/inventory"
)

var (
	pA = scenario.Product{UUID: "pa", First: "pa-1", Untouched: "pa-2"}
	pB = scenario.Product{UUID: "pb", First: "pb-1", Untouched: "pb-2"}
)

func mv(p, v, from, to string, q float64, route string) sandbox.Movement {
	return sandbox.Movement{Product: p, Variant: v, From: from, To: to, Quantity: decimal.NewFromFloat(q), Route: route}
}

func TestCheckApplyMovementsAcceptsWhatIsNeeded(t *testing.T) {
	for name, moves := range map[string][]sandbox.Movement{
		"nothing moved (a start cut before commit, on a later cycle)": nil,
		"first cycle": {
			mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 5, bulk),
			mv("pb", "pb-1", sandbox.Supplier, sandbox.Store, 5, bulk),
		},
		"later cycle: the saved level's surplus goes to BIN": {
			mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 5, bulk),
			mv("pa", "pa-1", sandbox.Store, sandbox.Bin, 5, move),
		},
		"a start in two parts": {
			mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 2, bulk),
			mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 3, move),
		},
	} {
		if vs := checkApplyMovements(moves, []scenario.Product{pA, pB}); len(vs) != 0 {
			t.Errorf("%s: violations %v", name, vs)
		}
	}
}

func TestCheckApplyMovementsFindsABalanceMovedTwice(t *testing.T) {
	moves := []sandbox.Movement{
		mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 5, bulk),
		mv("pb", "pb-1", sandbox.Supplier, sandbox.Store, 5, bulk),
		// A movement repeated after its answer was lost.
		mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 5, bulk),
		mv("pa", "pa-1", sandbox.Store, sandbox.Bin, 5, move),
	}
	vs := checkApplyMovements(moves, []scenario.Product{pA, pB})
	if len(vs) != 1 || vs[0].product != "pa" || vs[0].variant != "pa-1" || !vs[0].movedTwice ||
		!strings.Contains(vs[0].msg, "moved 10 SUPPLIER→STORE in one apply, more than the 5 needed") {
		t.Errorf("violations %+v", vs)
	}
}

func TestCheckApplyMovementsFindsStrayMovements(t *testing.T) {
	moves := []sandbox.Movement{
		mv("pa", "pa-2", sandbox.Supplier, sandbox.Store, 1, bulk),
		mv("pz", "pz-1", sandbox.Supplier, sandbox.Store, 1, bulk),
		mv("pb", "pb-1", sandbox.Store, sandbox.Supplier, 1, move),
		mv("pb", "pb-1", sandbox.Store, sandbox.Sold, 1, sandbox.ControlRoute),
	}
	vs := checkApplyMovements(moves, []scenario.Product{pA, pB})
	want := []string{
		"product pa variant pa-2: moved, but no initial balance names it",
		"product pz variant pz-1: moved, but it is no variant of the soak's products",
		"product pb variant pb-1: unexpected movement 1 STORE→SUPPLIER",
		"product pb variant pb-1: unexpected movement 1 STORE→SOLD",
	}
	if len(vs) != len(want) {
		t.Fatalf("violations %v, want %d", vs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(vs[i].String(), w) {
			t.Errorf("violation %d: %q, want it to begin %q", i, vs[i], w)
		}
	}
}

func TestCheckNoMovements(t *testing.T) {
	if vs := checkNoMovements("plan", nil); len(vs) != 0 {
		t.Errorf("violations %v", vs)
	}
	vs := checkNoMovements("destroy", []sandbox.Movement{mv("pa", "pa-1", sandbox.Store, sandbox.Bin, 5, move)})
	if len(vs) != 1 || vs[0].String() != "product pa variant pa-1: destroy moved stock: 5 STORE→BIN of variant pa-1 (PUT /organizations/{org}/inventory)" {
		t.Errorf("violations %v", vs)
	}
}

func TestReplayAndConservation(t *testing.T) {
	moves := []sandbox.Movement{
		mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 5, bulk),
		mv("pa", "pa-1", sandbox.Supplier, sandbox.Store, 5, bulk),
		mv("pa", "pa-1", sandbox.Store, sandbox.Bin, 5, move),
		mv("pb", "pb-1", sandbox.Supplier, sandbox.Store, 5, bulk),
		mv("pb", "pb-1", sandbox.Store, sandbox.Sold, 1.5, sandbox.ControlRoute),
	}
	replayed := replay(moves)
	want := map[balanceKey]float64{
		{sandbox.Store, "pa", "pa-1"}: 5, {sandbox.Bin, "pa", "pa-1"}: 5,
		{sandbox.Store, "pb", "pb-1"}: 3.5, {sandbox.Sold, "pb", "pb-1"}: 1.5,
	}
	if len(replayed) != len(want) {
		t.Errorf("replayed %v, want %v", replayed, want)
	}
	for k, q := range want {
		if !replayed[k].Equal(decimal.NewFromFloat(q)) {
			t.Errorf("%v: replayed %v, want %v", k, replayed[k], q)
		}
	}

	held := map[balanceKey]float64{}
	for k, q := range want {
		held[k] = q
	}
	balance := func(loc, p, v string) decimal.Decimal { return decimal.NewFromFloat(held[balanceKey{loc, p, v}]) }
	if vs := checkConserved(replayed, []scenario.Product{pA, pB}, balance); len(vs) != 0 {
		t.Errorf("violations %v", vs)
	}
	held[balanceKey{sandbox.Bin, "pa", "pa-1"}] = 0
	held[balanceKey{sandbox.Store, "pb", "pb-2"}] = 1
	vs := checkConserved(replayed, []scenario.Product{pA, pB}, balance)
	if len(vs) != 2 ||
		vs[0].String() != "product pa variant pa-1: BIN balance is 0, but the ledger replayed gives 5" ||
		vs[1].String() != "product pb variant pb-2: STORE balance is 1, but the ledger replayed gives 0" {
		t.Errorf("violations %v", vs)
	}
}

func TestStoppedIn(t *testing.T) {
	reqs := []sandbox.Request{
		{Method: "DELETE", Route: stopTrackingRoute, Path: "/organizations/self/inventory/products/pa", Status: 503},
		{Method: "DELETE", Route: stopTrackingRoute, Path: "/organizations/self/inventory/products/pb", Status: 204},
	}
	if stoppedIn(reqs, "pa") || !stoppedIn(reqs, "pb") || stoppedIn(reqs, "b") {
		t.Error("stoppedIn wrong")
	}
}

func TestPlanChanges(t *testing.T) {
	out := `zettle_inventory_tracking.p["a"]: Refreshing state... [id=a]

Terraform will perform the following actions:

  # zettle_inventory_tracking.p["b"] will be created
  + resource "zettle_inventory_tracking" "p" {
  # zettle_inventory_tracking.p["c"] must be replaced
-/+ resource "zettle_inventory_tracking" "p" {

Plan: 2 to add, 0 to change, 1 to destroy.
`
	got := strings.Join(planChanges(out), " / ")
	want := `zettle_inventory_tracking.p["b"] will be created / zettle_inventory_tracking.p["c"] must be replaced / Plan: 2 to add, 0 to change, 1 to destroy.`
	if got != want {
		t.Errorf("planChanges %q, want %q", got, want)
	}
}

func TestDescribeRequest(t *testing.T) {
	r := sandbox.Request{
		At: time.Date(2025, 1, 2, 3, 4, 5, 6e6, time.UTC), Method: "POST", Path: "/organizations/self/v2/inventory/bulk",
		Body: `{"productChanges":[{"productUuid":"pa","trackingStatusChange":"START_TRACKING"}]}`, Fault: "connection cut before commit", RandomFault: true,
	}
	got := describeRequest(7, r, "pa")
	want := `#7 03:04:05.006 POST /organizations/self/v2/inventory/bulk → no answer [random fault: connection cut before commit] body: …{"productChanges":[{"productUuid":"pa","trackingStatusChange":"START_TRACKING"}]}…`
	if got != want {
		t.Errorf("describeRequest:\n%s\nwant\n%s", got, want)
	}
}

func TestReportSaysPassOrFail(t *testing.T) {
	r := &report{terraformVersion: "Terraform v1.11.4", opts: options{n: 2, cycles: 1, rate: 0.05, seed: 1},
		cyclesRun: 1, commands: 4, reruns: 1, requests: 40, faults: map[string]int{"HTTP 500": 2, "HTTP 429": 1},
		failures: []failure{{step: "cycle 1 apply", run: 1, exit: 1, diagnostics: []string{"Error: x"}}}}
	text := r.String()
	for _, want := range []string{
		"cycles run:          1 of 1\n", "terraform commands:  4 run, 1 of them re-runs\n",
		"  cycle 1 apply, run 1 failed (exit code 1), 1 error(s):\n    Error: x\n",
		"API requests seen:   40\n", "faults injected:     3\n  HTTP 429                       1\n  HTTP 500                       2\n",
		"mismatches:          0\n", "result:              PASS\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	r.mismatches = []mismatch{{step: "cycle 1 apply", violation: violation{product: "pa", msg: "not tracked after apply"}, evidence: []string{"request #1"}}}
	text = r.String()
	if !strings.Contains(text, "mismatches:          1\n  cycle 1 apply: product pa: not tracked after apply\n      request #1\n") || !strings.HasSuffix(text, "result:              FAIL\n") {
		t.Errorf("report with a mismatch:\n%s", text)
	}
	r.mismatches, r.failed = nil, "cycle 1 apply: still failed after 3 re-runs"
	if text = r.String(); r.passed() || !strings.Contains(text, "stopped:             cycle 1 apply: still failed after 3 re-runs\n") {
		t.Errorf("report of a failed step:\n%s", text)
	}
}

func TestErrorLines(t *testing.T) {
	out := `Error: Tracking of product a may have started without reaching initial_balances

  with zettle_inventory_tracking.p["a"],
  on main.tf line 12, in resource "zettle_inventory_tracking" "p":
  12: resource "zettle_inventory_tracking" "p" {

move stock: HTTP 503 Service Unavailable: injected fault: HTTP 503 (tracking
of product a may have started, with its initial balances not yet reached)

The resource is saved as tainted.
`
	got := errorLines(out)
	want := "Error: Tracking of product a may have started without reaching initial_balances / move stock: HTTP 503 Service Unavailable: injected fault: HTTP 503 (tracking of product a may have started, with its initial balances not yet reached) / The resource is saved as tainted."
	if len(got) != 1 || got[0] != want {
		t.Errorf("errorLines %q, want %q", got, want)
	}
	long := "Error: x\n\n" + strings.Repeat("y", 1000) + "\n"
	if got := errorLines(long); len([]rune(got[0])) != diagnosticLength+1 || !strings.HasSuffix(got[0], "…") {
		t.Errorf("long diagnostic not cut: %d runes", len([]rune(got[0])))
	}
}
