package provider

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// quantityBounds says what a quantity in the configuration may be.
var quantityBounds = fmt.Sprintf("a quantity is at least 0 and at most %s, with at most %d decimal places",
	zettle.MaxQuantity, zettle.MaxQuantityDecimals)

// numberPrecision is the precision of the numbers the provider hands
// Terraform, as much as Terraform itself keeps: enough for every quantity
// zettle.Quantity decodes to print back as the same decimal.
const numberPrecision = 512

// quantityOf converts a Terraform number to a quantity through the decimal
// it was written as: Text('f', -1) of the parsed value gives it back, where a
// float64 would turn 9007199254740993 into 9007199254740992.
func quantityOf(n *big.Float) (zettle.Quantity, error) {
	if n == nil || n.IsInf() {
		return zettle.Quantity{}, fmt.Errorf("%v is not a finite number", n)
	}
	return zettle.ParseQuantity(n.Text('f', -1))
}

// numberOf converts a quantity to a Terraform number.
func numberOf(q zettle.Quantity) (*big.Float, error) {
	n, ok := new(big.Float).SetPrec(numberPrecision).SetString(q.String())
	if !ok {
		return nil, fmt.Errorf("balance %s is not a number", q)
	}
	return n, nil
}

// quantitiesOf reads a map of numbers, such as initial_balances, as
// quantities. The validator has already refused values out of bounds.
func quantitiesOf(m types.Map, at path.Path) (map[string]zettle.Quantity, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := make(map[string]zettle.Quantity, len(m.Elements()))
	for k, v := range m.Elements() {
		n, ok := v.(types.Number)
		if !ok || n.IsNull() || n.IsUnknown() {
			diags.AddAttributeError(at.AtMapKey(k), "Invalid quantity", fmt.Sprintf("%s is not a known number.", at.AtMapKey(k)))
			continue
		}
		q, err := quantityOf(n.ValueBigFloat())
		if err != nil {
			diags.AddAttributeError(at.AtMapKey(k), "Invalid quantity", fmt.Sprintf("%s: %s.", at.AtMapKey(k), err))
			continue
		}
		out[k] = q
	}
	return out, diags
}

// balancesValue is a map of balances as Terraform numbers.
func balancesValue(m map[string]zettle.Quantity) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make(map[string]attr.Value, len(m))
	for k, q := range m {
		n, err := numberOf(q)
		if err != nil {
			diags.AddError("Could not record a balance", fmt.Sprintf("variant %s: %s", k, err))
			continue
		}
		elems[k] = types.NumberValue(n)
	}
	v, d := types.MapValue(types.NumberType, elems)
	diags.Append(d...)
	return v, diags
}

// quantitiesValidator checks, at plan time, that every value of a map is a
// quantity the provider may send, naming the attribute and key of each that
// is not.
type quantitiesValidator struct{}

func (quantitiesValidator) Description(context.Context) string {
	return "each value must be a quantity: " + quantityBounds
}

func (v quantitiesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (quantitiesValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		at := req.Path.AtMapKey(k)
		n, ok := elems[k].(types.Number)
		switch {
		case !ok:
			continue
		case n.IsUnknown():
			continue
		case n.IsNull():
			resp.Diagnostics.AddAttributeError(at, "Invalid quantity", fmt.Sprintf("%s is null; %s.", at, quantityBounds))
			continue
		}
		q, err := quantityOf(n.ValueBigFloat())
		if err == nil {
			err = q.CheckBounds()
		}
		if err != nil {
			resp.Diagnostics.AddAttributeError(at, "Invalid quantity", fmt.Sprintf("%s: %s; %s.", at, err, quantityBounds))
		}
	}
}
