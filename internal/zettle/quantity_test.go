package zettle

import (
	"encoding/json"
	"strings"
	"testing"
)

// qty is the quantity written s; a malformed literal is a mistake in the
// test itself.
func qty(s string) Quantity {
	q, err := ParseQuantity(s)
	if err != nil {
		panic("test literal: " + err.Error())
	}
	return q
}

func TestQuantityArithmeticIsExact(t *testing.T) {
	for _, c := range []struct{ a, b, sum, diff string }{
		{"0.3", "0.1", "0.4", "0.2"},
		{"0.1", "0.2", "0.3", "-0.1"},
		{"9007199254740993", "1", "9007199254740994", "9007199254740992"},
		{"1e20", "7", "100000000000000000007", "99999999999999999993"},
		{"999999999999.999", "0.001", "1000000000000", "999999999999.998"},
		{"1.50", "0.5", "2", "1"},
	} {
		a, b := qty(c.a), qty(c.b)
		if got := a.Add(b).String(); got != c.sum {
			t.Errorf("%s + %s = %s, want %s", c.a, c.b, got, c.sum)
		}
		if got := a.Sub(b).String(); got != c.diff {
			t.Errorf("%s - %s = %s, want %s", c.a, c.b, got, c.diff)
		}
	}
}

func TestQuantityEncodesShortestExactForm(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "-0": "0", "0.000": "0", "42": "42", "1.50": "1.5", "1e20": "100000000000000000000",
		"1.5e3": "1500", "25e-3": "0.025", "9007199254740993": "9007199254740993", "0.1": "0.1",
		"123456789012345678901234567890": "123456789012345678901234567890", "-2.50e-1": "-0.25",
	} {
		got, err := json.Marshal(qty(in))
		if err != nil || string(got) != want {
			t.Errorf("%s encoded as %s (%v), want %s", in, got, err, want)
		}
	}
}

func TestQuantityDecodeRefusesWhatIsNoQuantity(t *testing.T) {
	for _, raw := range []string{`"0x1p-2"`, `"NaN"`, `"-Infinity"`, `" 42 "`, `"１"`, `1e400`, `4e-330`, `1e999999999999`, `"+1"`, `".5"`, `"01"`} {
		var q Quantity
		if err := json.Unmarshal([]byte(raw), &q); err == nil {
			t.Errorf("%s decoded to %s, want an error", raw, q)
		}
	}
	var q Quantity
	if err := json.Unmarshal([]byte(`null`), &q); err != nil || !q.IsZero() {
		t.Errorf("null decoded to %s (%v), want it left at 0", q, err)
	}
}

func TestQuantityBounds(t *testing.T) {
	if largest := qty(MaxQuantity); !largest.Equal(Quantity{maxQuantity}) {
		t.Fatalf("MaxQuantity %s is not the bound checked, %s", MaxQuantity, Quantity{maxQuantity})
	}
	for _, ok := range []string{"0", "0.1", "7", "0.001", "1.250", MaxQuantity, "1e3"} {
		if err := qty(ok).CheckBounds(); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"-1": "negative", "9007199254740993": "too large", "1000000000000": "too large",
		"0.0001": "more than 3 decimal places", "1e20": "too large",
	} {
		if err := qty(in).CheckBounds(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", in, err, want)
		}
	}
}
