package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Resources and data sources that act at a location take location_uuid
// from their configuration, or else from the provider: its location_uuid, or
// the default STORE location, listed once per run. locationOf is the one
// place that decides.

var locationPath = path.Root("location_uuid")

// locationOf resolves the location to act at: named, when it names one;
// else the provider's location_uuid; else the default STORE location.
// pending, with no location and no error, while a new organization has no
// locations yet: Zettle creates them when tracking first starts.
func (d *providerData) locationOf(ctx context.Context, named string) (location string, pending bool, diags diag.Diagnostics) {
	if named != "" {
		return named, false, nil
	}
	if d != nil && d.locationUUID != "" {
		return d.locationUUID, false, nil
	}
	client, diags := d.Client()
	if diags.HasError() {
		return "", false, diags
	}
	locs, err := client.CachedLocations(ctx)
	var missing *zettle.MissingLocationError
	switch {
	case errors.As(err, &missing) && missing.Type == zettle.LocationStore:
		return "", true, diags
	case err != nil:
		diags.AddError("Could not find the STORE location", err.Error())
		return "", false, diags
	}
	store, _ := locs.ByType(zettle.LocationStore)
	return store.UUID, false, diags
}

// requireLocation is locationOf for an operation that cannot wait for a new
// organization's first start: pending is an error that says what to do.
func (d *providerData) requireLocation(ctx context.Context, named string) (string, diag.Diagnostics) {
	location, pending, diags := d.locationOf(ctx, named)
	if pending {
		diags.AddError("No STORE location yet",
			"The organization has no STORE location yet: Zettle creates an organization's locations when inventory tracking first starts. "+
				"Start tracking a product first: apply a zettle_inventory_tracking resource (make this resource depend on it with depends_on), "+
				"then run this again.")
	}
	return location, diags
}

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
	location, pending, diags := data.locationOf(ctx, "")
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

// checkStore adds an error naming location_uuid when location is not a
// STORE location, where tracked balances are kept; ok is false then.
func (d *providerData) checkStore(ctx context.Context, location string, diags *diag.Diagnostics) (ok bool) {
	client, clientDiags := d.Client()
	diags.Append(clientDiags...)
	if diags.HasError() {
		return false
	}
	locs, err := client.CachedLocations(ctx)
	if err != nil {
		diags.AddError("Could not list the organization's locations", err.Error())
		return false
	}
	if err := stock.CheckStoreLocation(locs, location); err != nil {
		diags.AddAttributeError(locationPath, "Not a STORE location", fmt.Sprintf("location_uuid: %s.", err))
		return false
	}
	return true
}

// importWithLocation reads an import ID "<attrs...>" or
// "<location_uuid>/<attrs...>", or the same from an import block's
// identity, into state, the location defaulting to the provider's. It
// returns the attrs' values, or nil after an error.
func importWithLocation(ctx context.Context, data *providerData, req resource.ImportStateRequest, resp *resource.ImportStateResponse, identity []identityAttr, attrs ...string) []string {
	id := importID(ctx, req, identity, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return nil
	}
	location, values, err := parseImportID(id, attrs...)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return nil
	}
	location, diags := data.requireLocation(ctx, location)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return nil
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
