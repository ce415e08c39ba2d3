package zettle

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// Money is an amount in a currency's major units (49.90 kronor), exactly, as
// a configuration writes it; the Product Library keeps minor units (4990).

// CurrencyDecimals is how many decimal places the currency's amounts have
// (ISO 4217's minor unit: 2 for SEK, 0 for JPY); an error for a code that is
// no currency.
func CurrencyDecimals(code string) (int32, error) {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return 0, fmt.Errorf("%q is not an ISO 4217 currency code", code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	return int32(scale), nil
}

// ToMinorUnits converts an amount in major units to the currency's minor
// units exactly; an amount with more decimal places than the currency has,
// or a negative one, is refused.
func ToMinorUnits(amount decimal.Decimal, code string) (int64, error) {
	places, err := CurrencyDecimals(code)
	if err != nil {
		return 0, err
	}
	if amount.IsNegative() {
		return 0, fmt.Errorf("%s %s is negative", amount, code)
	}
	minor := amount.Shift(places)
	if !minor.IsInteger() {
		return 0, fmt.Errorf("%s %s has more than the %d decimal places %s has", amount, code, places, code)
	}
	if !minor.LessThan(decimal.New(1, 15)) {
		return 0, fmt.Errorf("%s %s is too large", amount, code)
	}
	return minor.IntPart(), nil
}

// FromMinorUnits converts an amount in a currency's minor units to major
// units, exactly.
func FromMinorUnits(minor int64, code string) (decimal.Decimal, error) {
	places, err := CurrencyDecimals(code)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return decimal.New(minor, -places), nil
}

// Organization is the organization's settings, as integrations read them.
type Organization struct {
	UUID string `json:"uuid"`
	// Currency is the ISO 4217 code of every price in the Product Library.
	Currency string `json:"currency"`
}

// Organization reads the organization's settings, once per Client.
func (c *Client) Organization(ctx context.Context) (Organization, error) {
	return c.organization.Get(ctx, struct{}{})
}

func (c *Client) fetchOrganization(ctx context.Context, _ struct{}) (Organization, error) {
	var org Organization
	const op = "read the organization's settings"
	if err := c.call(ctx, request{op: op, method: "GET", path: "/api/resources/organizations/self", host: c.orgURL, needs: "access to the organization"}, &org); err != nil {
		return Organization{}, err
	}
	if _, err := CurrencyDecimals(org.Currency); err != nil || org.Currency == "" {
		return Organization{}, fmt.Errorf("%s: the answer names no currency the provider knows (%q)", op, org.Currency)
	}
	return org, nil
}
