package zettle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// Quantity is an exact stock quantity: a decimal number, never a binary
// float, so that 0.3 - 0.1 is 0.2 and 9007199254740993 stays itself.
// Lookups answer it as a JSON string ("42"), movements as a JSON number (42);
// both decode. It encodes as a JSON number in its shortest exact form. The
// zero value is 0.
type Quantity struct{ d decimal.Decimal }

// Bounds of the quantities the provider sends. 15 significant digits fit
// exactly in a float64, so an API that keeps quantities as doubles keeps
// these exactly too.
const (
	// MaxQuantity is the largest quantity, as text.
	MaxQuantity = "999999999999.999"
	// MaxQuantityDecimals is the most decimal places a quantity may have.
	MaxQuantityDecimals = 3
)

// maxQuantity is MaxQuantity as a number.
var maxQuantity = decimal.New(999_999_999_999_999, -MaxQuantityDecimals)

// Bounds of the quantities decoded from the API, far beyond those the
// provider sends so that any balance a store could report is kept exactly,
// yet small enough that every encoding stays short, and that a 512-bit
// float (Terraform's numbers) holds each one exactly enough to print it back
// unchanged.
const (
	maxDecodedIntegerDigits = 64
	maxDecodedDecimals      = 64
)

// jsonNumber is a JSON number.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// ParseQuantity reads a decimal number written as a JSON number ("42",
// "0.5", "1e20"). NaN, infinities, hexadecimal forms and numbers beyond 64
// digits either side of the point are refused: they are no stock quantity,
// and could not be sent back.
func ParseQuantity(s string) (Quantity, error) {
	if !jsonNumber.MatchString(s) {
		return Quantity{}, fmt.Errorf("%q is not a decimal number", s)
	}
	mantissa, exponent, _ := strings.Cut(strings.ToLower(s), "e")
	negative := strings.HasPrefix(mantissa, "-")
	mantissa = strings.TrimPrefix(mantissa, "-")
	whole, fraction, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(whole+fraction, "0")
	if digits == "" {
		return Quantity{}, nil
	}
	trimmed := strings.TrimRight(digits, "0")
	exp := int64(len(digits) - len(trimmed) - len(fraction))
	digits = trimmed
	// The exponent is bounded before any digit is placed, so that a short
	// text such as 1e999999999 costs nothing.
	if exponent != "" {
		e, ok := new(big.Int).SetString(exponent, 10)
		if !ok || !e.IsInt64() || e.Int64() > 1<<20 || e.Int64() < -(1<<20) {
			return Quantity{}, fmt.Errorf("%q is out of range", s)
		}
		exp += e.Int64()
	}
	if int64(len(digits))+exp > maxDecodedIntegerDigits || -exp > maxDecodedDecimals {
		return Quantity{}, fmt.Errorf("%q is out of range: at most %d digits before and %d after the decimal point", s, maxDecodedIntegerDigits, maxDecodedDecimals)
	}
	coefficient, _ := new(big.Int).SetString(digits, 10)
	if negative {
		coefficient.Neg(coefficient)
	}
	return Quantity{decimal.NewFromBigInt(coefficient, int32(exp))}, nil
}

// QuantityOf returns the whole quantity n.
func QuantityOf(n int64) Quantity { return Quantity{decimal.NewFromInt(n)} }

// UnmarshalJSON accepts a number or a string holding one, as ParseQuantity
// reads it, and leaves null as it is.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	}
	parsed, err := ParseQuantity(text)
	if err != nil {
		return fmt.Errorf("balance %q is not a number: %w", b, err)
	}
	*q = parsed
	return nil
}

// MarshalJSON writes the shortest exact decimal form, as a JSON number.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(q.String()), nil }

// String is the shortest exact decimal form: no exponent, no trailing zeros.
func (q Quantity) String() string {
	if q.d.IsZero() {
		return "0"
	}
	// StringFixed with as many places as the value has is exact, and, unlike
	// String, does not depend on the decimal package's global settings.
	places := max(0, -normalized(q.d).Exponent())
	return q.d.StringFixed(places)
}

// normalized strips the trailing zeros of d's coefficient.
func normalized(d decimal.Decimal) decimal.Decimal {
	c, exp := d.Coefficient(), d.Exponent()
	if c.Sign() == 0 {
		return decimal.Decimal{}
	}
	ten, r := big.NewInt(10), new(big.Int)
	for {
		q, m := new(big.Int).QuoRem(c, ten, r)
		if m.Sign() != 0 {
			return decimal.NewFromBigInt(c, exp)
		}
		c, exp = q, exp+1
	}
}

// Cmp compares q and r: -1 when q < r, 0 when equal, +1 when q > r.
func (q Quantity) Cmp(r Quantity) int { return q.d.Cmp(r.d) }

// Equal reports whether q and r are the same number.
func (q Quantity) Equal(r Quantity) bool { return q.d.Equal(r.d) }

// Sign is -1, 0 or +1.
func (q Quantity) Sign() int { return q.d.Sign() }

// IsZero reports whether q is 0.
func (q Quantity) IsZero() bool { return q.d.IsZero() }

// Add returns q + r, exactly.
func (q Quantity) Add(r Quantity) Quantity { return Quantity{q.d.Add(r.d)} }

// Sub returns q - r, exactly.
func (q Quantity) Sub(r Quantity) Quantity { return Quantity{q.d.Sub(r.d)} }

// CheckBounds reports whether q is a quantity the provider may send: at least
// 0, at most MaxQuantity, with at most MaxQuantityDecimals decimal places.
func (q Quantity) CheckBounds() error {
	switch {
	case q.Sign() < 0:
		return fmt.Errorf("%s is negative; a quantity is at least 0", q)
	case q.d.Cmp(maxQuantity) > 0:
		return fmt.Errorf("%s is too large; the largest quantity is %s", q, MaxQuantity)
	case -normalized(q.d).Exponent() > MaxQuantityDecimals:
		return fmt.Errorf("%s has more than %d decimal places", q, MaxQuantityDecimals)
	}
	return nil
}
