package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resources that act at a location take location_uuid from their
// configuration, or else from the provider: its location_uuid, or the STORE
// location it looked up.

var locationPath = path.Root("location_uuid")

// planProviderLocation fills in the provider's location when the
// configuration leaves location_uuid out, so that a change of the provider's
// location shows in the plan and replaces the resource. While the provider's
// settings are unknown, and while the organization has no STORE location yet
// (a new organization, before tracking first starts), the planned value stays
// unknown.
func planProviderLocation(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || data == nil || len(data.unknown) > 0 {
		return
	}
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, locationPath, &configured)...)
	if !configured.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	location, pending, diags := data.storeLocation(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() || pending {
		return
	}
	want := types.StringValue(location)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, locationPath, want)...)
	if req.State.Raw.IsNull() {
		return
	}
	var current types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, locationPath, &current)...)
	if !current.Equal(want) {
		resp.RequiresReplace = append(resp.RequiresReplace, locationPath)
	}
}

// resourceLocation returns the planned location, or the provider's when the
// plan has none yet.
func resourceLocation(ctx context.Context, data *providerData, planned types.String) (string, diag.Diagnostics) {
	if location := planned.ValueString(); location != "" {
		return location, nil
	}
	return data.Location(ctx)
}

// importWithLocation reads an import ID "<attrs...>" or
// "<location_uuid>/<attrs...>" into state, the location defaulting to the
// provider's. It returns the attrs' values, or nil after an error.
func importWithLocation(ctx context.Context, data *providerData, req resource.ImportStateRequest, resp *resource.ImportStateResponse, attrs ...string) []string {
	location, values, err := parseImportID(req.ID, attrs...)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return nil
	}
	if location == "" {
		var diags diag.Diagnostics
		location, diags = data.Location(ctx)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return nil
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, locationPath, location)...)
	for i, attr := range attrs {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), values[i])...)
	}
	if resp.Diagnostics.HasError() {
		return nil
	}
	return values
}
