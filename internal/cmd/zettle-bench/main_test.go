//go:build unix

package main

import (
	"strings"
	"testing"
)

func TestSpliceReplacesOnlyItsSection(t *testing.T) {
	doc := "intro\n<!-- bench:begin -->\nold\n<!-- bench:end -->\nmiddle\n<!-- bench:tuning:begin -->\nold tuning\n<!-- bench:tuning:end -->\nend\n"
	got, err := splice(doc, "tuning", "new\n")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(doc, "old tuning\n", "new\n", 1)
	if got != want {
		t.Errorf("splice:\n%s\nwant:\n%s", got, want)
	}
	if _, err := splice("no markers\n", "", "x"); err == nil || !strings.Contains(err.Error(), "<!-- bench:begin -->") {
		t.Errorf("missing markers: error %v", err)
	}
	if _, err := splice("<!-- bench:begin -->\n", "", "x"); err == nil {
		t.Error("missing end marker accepted")
	}
}

func TestBatchingBlockPerMode(t *testing.T) {
	for mode, want := range map[string]string{
		"default":  "",
		"on":       "  batching {\n    enabled = true\n  }\n",
		"off":      "  batching {\n    enabled = false\n  }\n",
		"on/150ms": "  batching {\n    enabled  = true\n    max_wait = \"150ms\"\n  }\n",
	} {
		if got := (benchCase{batching: mode}).batchingBlock(); got != want {
			t.Errorf("mode %s: block %q, want %q", mode, got, want)
		}
	}
}

func TestSpreadGivesTheMedianAndTheRange(t *testing.T) {
	runs := caseRuns{{apply: commandCost{requests: 7}}, {apply: commandCost{requests: 3}}, {apply: commandCost{requests: 5}}, {apply: commandCost{requests: 4}}}
	requests := func(r caseResult) float64 { return float64(r.apply.requests) }
	if got, want := runs.spread(requests, "%.1f s"), "4.5 s [3.0–7.0]"; got != want {
		t.Errorf("spread of four runs: %q, want %q", got, want)
	}
	if got, want := runs[:1].spread(requests, "×%.2f"), "×7.00"; got != want {
		t.Errorf("spread of one run: %q, want %q", got, want)
	}
}

func TestCaseFlagsLeaveOutThisMachinesPaths(t *testing.T) {
	got := caseFlags([]string{"-provider", "/home/me/bin/p", "-terraform=/usr/bin/terraform", "-out", "guide.md", "-section", "floor",
		"-n", "1000", "--bare", "/tmp/b", "-floor=false"})
	if want := "zettle-bench -section floor -n 1000 -bare bin/bare-provider -floor=false"; got != want {
		t.Errorf("caseFlags = %q, want %q", got, want)
	}
}
