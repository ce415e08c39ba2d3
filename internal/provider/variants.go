package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// libraryProduct is the product of that UUID, when this run has read the
// Product Library already: a zettle_products or zettle_product the
// configuration names it through is read before the plan of the resources
// that use it. The library is never read just for this, so a product_uuid
// written out is checked only when some lookup of the run has read the
// library before this resource was planned.
func (d *providerData) libraryProduct(product string) (zettle.Product, bool) {
	if d == nil || d.client == nil {
		return zettle.Product{}, false
	}
	library, ok := d.client.CachedLibrary()
	if !ok {
		return zettle.Product{}, false
	}
	if found := (zettle.ProductFilter{UUID: product}).Filter(library); len(found) > 0 {
		return found[0], true
	}
	return zettle.Product{}, false
}

// checkVariantsAtPlan fails the plan for each variant UUID, at its path, that
// is not a variant of product, when the Product Library read in this run
// knows the product: the API would refuse it only at apply, when other
// resources may have changed already.
func (d *providerData) checkVariantsAtPlan(product types.String, variants map[string]path.Path, resp *resource.ModifyPlanResponse) {
	if product.IsNull() || product.IsUnknown() {
		return
	}
	p, ok := d.libraryProduct(product.ValueString())
	if !ok {
		return
	}
	for _, variant := range slices.Sorted(maps.Keys(variants)) {
		if _, ok := p.Variant(variant); ok {
			continue
		}
		var known []string
		for _, v := range p.Variants {
			name := v.Name
			if name == "" {
				name = "(no name)"
			}
			known = append(known, fmt.Sprintf("%s (%s)", v.UUID, name))
		}
		resp.Diagnostics.AddAttributeError(variants[variant], "Not a variant of the product",
			fmt.Sprintf("%s is not a variant of product %q (%s) in the Product Library. Its variants are: %s.",
				variant, p.Name, p.UUID, strings.Join(known, ", ")))
	}
}

// checkInitialBalanceVariants checks the keys of a tracking resource's
// initial_balances at plan time: all of them for a create, and on an edit
// only those added, so that a variant deleted since the create does not
// block edits, which move no stock.
func (d *providerData) checkInitialBalanceVariants(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var product types.String
	var planned types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("product_uuid"), &product)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, initialBalancesPath, &planned)...)
	if resp.Diagnostics.HasError() || planned.IsNull() || planned.IsUnknown() {
		return
	}
	var saved types.Map
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, initialBalancesPath, &saved)...)
	}
	variants := map[string]path.Path{}
	for v := range planned.Elements() {
		if _, before := saved.Elements()[v]; !before {
			variants[v] = initialBalancesPath.AtMapKey(v)
		}
	}
	d.checkVariantsAtPlan(product, variants, resp)
}
