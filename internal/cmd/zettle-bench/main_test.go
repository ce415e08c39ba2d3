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
