package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

var (
	_ resource.ResourceWithConfigure   = (*inventoryResource)(nil)
	_ resource.ResourceWithImportState = (*inventoryResource)(nil)
	_ resource.ResourceWithIdentity    = (*inventoryResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*inventoryResource)(nil)
)

func newInventoryResource() resource.Resource { return &inventoryResource{} }

// inventoryResource is a STORE inventory of Inventory API v3. The API has no
// rename and no delete: a change is refused at plan time, and destroying
// forgets the inventory, which stays in Zettle with its stock.
type inventoryResource struct {
	data *providerData
}

type inventoryModel struct {
	ID          types.String   `tfsdk:"id"`
	Name        types.String   `tfsdk:"name"`
	Description types.String   `tfsdk:"description"`
	Default     types.Bool     `tfsdk:"default"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (r *inventoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventory"
}

func (r *inventoryResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(inventoryIdentity...)
}

func (r *inventoryResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A `STORE` inventory: a stock room, a warehouse or a second shop, whose balances Zettle keeps apart from " +
			"the default inventory's. Only Inventory API v3 has more than one `STORE` inventory (see the provider's `api_version`). " +
			"Its UUID is the `location_uuid` of the `zettle_inventory_tracking` and `zettle_inventory_low_stock` resources that keep " +
			"stock or settings there.\n\n" +
			"The API can neither rename nor delete an inventory. A change of `name` or `description` is refused at plan time, and " +
			"never replaces the inventory, which would strand its stock. Destroying the resource removes it from state only: the " +
			"inventory stays in Zettle, with its stock.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The inventory's UUID, which Zettle chooses. Import takes it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The inventory's name, as the back office shows it. No other `STORE` inventory may have it " +
					"when the resource is created: an inventory that exists already is imported, not created again. It cannot " +
					"change once created.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A description of the inventory. It cannot change once created. Left out, a created inventory " +
					"has none, and an imported one keeps its own.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"default": schema.BoolAttribute{
				MarkdownDescription: "Whether this is the organization's default `STORE` inventory, which POS sales come out of. " +
					"A created inventory is not.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

func (r *inventoryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, what the API cannot do: an inventory
// under v2, and a change of name or description.
func (r *inventoryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		if !req.State.Raw.IsNull() {
			resp.Diagnostics.AddWarning("Destroying removes the inventory from state only",
				"Zettle's Inventory API cannot delete an inventory: it stays in Zettle, with its stock, and can be imported again.")
		}
		return
	}
	if r.data != nil && r.data.client != nil {
		if version, err := r.data.client.APIVersion(ctx); err == nil && version != zettle.APIVersionV3 {
			resp.Diagnostics.AddError("Inventories need Inventory API v3",
				fmt.Sprintf("zettle_inventory needs Inventory API v3, which has several STORE inventories; the provider speaks %s "+
					"(api_version, or what the service answers under \"auto\").", version))
			return
		}
	}
	if req.State.Raw.IsNull() {
		return
	}
	var plan, state inventoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, attr := range []struct {
		name          string
		planned, kept types.String
	}{{"name", plan.Name, state.Name}, {"description", plan.Description, state.Description}} {
		if attr.planned.IsUnknown() || attr.planned.ValueString() == attr.kept.ValueString() {
			continue
		}
		resp.Diagnostics.AddAttributeError(path.Root(attr.name), "An inventory cannot be changed",
			fmt.Sprintf("Inventory %s has the %s %q in Zettle, and the configuration says %q. Zettle's Inventory API cannot rename an "+
				"inventory or change its description, and replacing it would strand its stock. Change it in the Zettle back office "+
				"and then here, or set %s back to %q.",
				state.ID.ValueString(), attr.name, attr.kept.ValueString(), attr.planned.ValueString(), attr.name, attr.kept.ValueString()))
	}
}

func (r *inventoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan inventoryModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	// One create at a time, each checking a list that shows the ones
	// before it (a create invalidates the list): two resources of one name
	// never both create.
	r.data.inventoryCreates.Lock()
	defer r.data.inventoryCreates.Unlock()
	locs, err := client.CachedLocations(ctx)
	var missing *zettle.MissingLocationError
	if err != nil && !errors.As(err, &missing) {
		resp.Diagnostics.AddError("Could not list the organization's inventories", err.Error())
		return
	}
	for _, l := range locs {
		if l.Type == zettle.LocationStore && l.Name == name {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "An inventory of this name exists already",
				fmt.Sprintf("The STORE inventory %s is named %q already. Import it instead of creating another:\n\n"+
					"  terraform import <address> %s\n\nor declare an import block with id = %q.", l.UUID, name, l.UUID, l.UUID))
			return
		}
	}
	created, err := client.CreateInventory(ctx, zettle.InventoryRequest{Name: name, Description: plan.Description.ValueString()})
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not create the inventory %q", name), err.Error())
		return
	}
	tflog.Info(ctx, "Created an inventory", map[string]any{"inventory_uuid": created.UUID, "name": name})
	plan.ID, plan.Default, plan.Description = types.StringValue(created.UUID), types.BoolValue(created.Default), types.StringValue(created.Description)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, inventoryIdentity, &resp.Diagnostics)
}

func (r *inventoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// Set once, from the state read: its attributes never change, and a
	// resource the read removes still has it.
	setIdentity(ctx, req.State, resp.Identity, inventoryIdentity, &resp.Diagnostics)
	var state inventoryModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	uuid := state.ID.ValueString()
	inv, err := client.Inventory(ctx, uuid)
	switch {
	case zettle.StatusOf(err) == http.StatusNotFound:
		tflog.Warn(ctx, "The inventory no longer exists; removing it from state", map[string]any{"inventory_uuid": uuid})
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the inventory %s", uuid), err.Error())
		return
	case inv.Type != zettle.LocationStore:
		resp.Diagnostics.AddError(fmt.Sprintf("Inventory %s is not a STORE inventory", uuid),
			fmt.Sprintf("It is the %s inventory, which Zettle keeps itself; zettle_inventory manages STORE inventories only.", inv.Type))
		return
	}
	state.Name, state.Description = types.StringValue(inv.Name), types.StringValue(inv.Description)
	state.Default = types.BoolValue(inv.Default)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update runs only for timeouts: ModifyPlan refuses every other change.
func (r *inventoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan inventoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, inventoryIdentity, &resp.Diagnostics)
}

// Delete sends nothing: the API has no delete. ModifyPlan has warned.
func (r *inventoryResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var state inventoryModel
	req.State.Get(ctx, &state)
	tflog.Warn(ctx, "Removing the inventory from state; it stays in Zettle", map[string]any{"inventory_uuid": state.ID.ValueString()})
}

// ImportState takes the inventory's UUID, as the ID or the identity's id.
func (r *inventoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importID(ctx, req, inventoryIdentity, &resp.Diagnostics)
	if err := checkUUID(id); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("The import ID must be the inventory's UUID: %s.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
