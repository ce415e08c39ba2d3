//go:build unix

package main

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/scenario"
)

// violation is a broken invariant, about one variant when variant is set.
type violation struct {
	product, variant string
	msg              string
	// movedTwice marks a variant that took more than needed from SUPPLIER.
	movedTwice bool
}

func (v violation) String() string {
	switch {
	case v.variant != "":
		return fmt.Sprintf("product %s variant %s: %s", v.product, v.variant, v.msg)
	case v.product != "":
		return fmt.Sprintf("product %s: %s", v.product, v.msg)
	}
	return v.msg
}

// checkApplyMovements checks the ledger entries that one apply step added,
// its re-runs included: no balance moved twice. Each first variant may take
// at most scenario.InitialBalance in from SUPPLIER (the start brings it in once; a surplus,
// such as the saved level of a product tracked before, goes to BIN, never
// back to SUPPLIER); an untouched variant, or a product not in the soak,
// moves nothing; and nothing moves but SUPPLIER→STORE and STORE→BIN.
func checkApplyMovements(moves []sandbox.Movement, products []scenario.Product) []violation {
	limit := decimal.NewFromInt(scenario.InitialBalance)
	type key struct{ product, variant string }
	role := map[key]string{}
	for _, p := range products {
		role[key{p.UUID, p.First}] = "first"
		role[key{p.UUID, p.Untouched}] = "untouched"
	}
	supplied := map[key]decimal.Decimal{}
	var order []key
	var out []violation
	for _, m := range moves {
		k := key{m.Product, m.Variant}
		switch role[k] {
		case "":
			out = append(out, violation{product: m.Product, variant: m.Variant, msg: "moved, but it is no variant of the soak's products: " + describe(m)})
			continue
		case "untouched":
			out = append(out, violation{product: m.Product, variant: m.Variant, msg: "moved, but no initial balance names it: " + describe(m)})
			continue
		}
		switch {
		case m.From == sandbox.Supplier && m.To == sandbox.Store:
			if _, seen := supplied[k]; !seen {
				order = append(order, k)
			}
			supplied[k] = supplied[k].Add(m.Quantity)
		case m.From == sandbox.Store && m.To == sandbox.Bin:
		default:
			out = append(out, violation{product: m.Product, variant: m.Variant, msg: "unexpected movement " + describe(m)})
		}
	}
	for _, k := range order {
		if q := supplied[k]; q.GreaterThan(limit) {
			out = append(out, violation{product: k.product, variant: k.variant, movedTwice: true,
				msg: fmt.Sprintf("moved %s SUPPLIER→STORE in one apply, more than the %s needed: a balance moved twice", formatQty(q), formatQty(limit))})
		}
	}
	return out
}

// checkNoMovements checks that a step that must move no stock (plan,
// destroy) moved none.
func checkNoMovements(step string, moves []sandbox.Movement) []violation {
	var out []violation
	for _, m := range moves {
		out = append(out, violation{product: m.Product, variant: m.Variant, msg: fmt.Sprintf("%s moved stock: %s", step, describe(m))})
	}
	return out
}

// balanceKey names a variant's balance at a location type.
type balanceKey struct{ location, product, variant string }

// replay applies the ledger to empty balances. SUPPLIER, an infinite
// source, keeps none.
func replay(moves []sandbox.Movement) map[balanceKey]decimal.Decimal {
	balances := map[balanceKey]decimal.Decimal{}
	for _, m := range moves {
		if from := (balanceKey{m.From, m.Product, m.Variant}); m.From != sandbox.Supplier {
			balances[from] = balances[from].Sub(m.Quantity)
		}
		if to := (balanceKey{m.To, m.Product, m.Variant}); m.To != sandbox.Supplier {
			balances[to] = balances[to].Add(m.Quantity)
		}
	}
	return balances
}

// balanceLocations are the location types whose balances the sandbox keeps.
var balanceLocations = []string{sandbox.Store, sandbox.Bin, sandbox.Sold}

// checkConserved compares the replayed ledger with the balances the sandbox
// holds (balance answers one): stock is neither made nor lost outside the
// ledger.
func checkConserved(replayed map[balanceKey]decimal.Decimal, products []scenario.Product, balance func(location, product, variant string) decimal.Decimal) []violation {
	var out []violation
	for _, p := range products {
		for _, v := range []string{p.First, p.Untouched} {
			for _, loc := range balanceLocations {
				want := replayed[balanceKey{loc, p.UUID, v}]
				if got := balance(loc, p.UUID, v); !got.Equal(want) {
					out = append(out, violation{product: p.UUID, variant: v, msg: fmt.Sprintf("%s balance is %s, but the ledger replayed gives %s", loc, formatQty(got), formatQty(want))})
				}
			}
		}
	}
	return out
}

func describe(m sandbox.Movement) string {
	return fmt.Sprintf("%s %s→%s of variant %s (%s)", formatQty(m.Quantity), m.From, m.To, m.Variant, m.Route)
}

func formatQty(q decimal.Decimal) string { return q.String() }
