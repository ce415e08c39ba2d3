package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

var (
	_ resource.ResourceWithConfigure   = (*lowStockResource)(nil)
	_ resource.ResourceWithImportState = (*lowStockResource)(nil)
	_ resource.ResourceWithIdentity    = (*lowStockResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*lowStockResource)(nil)
)

func newLowStockResource() resource.Resource { return &lowStockResource{} }

type lowStockResource struct {
	data *providerData
}

type lowStockModel struct {
	ID            types.String   `tfsdk:"id"`
	ProductUUID   types.String   `tfsdk:"product_uuid"`
	VariantUUID   types.String   `tfsdk:"variant_uuid"`
	LocationUUID  types.String   `tfsdk:"location_uuid"`
	LowStockLevel types.Float64  `tfsdk:"low_stock_level"`
	LowStockAlert types.Bool     `tfsdk:"low_stock_alert"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (m lowStockModel) setting() zettle.LowStock {
	return zettle.LowStock{
		ProductUUID: m.ProductUUID.ValueString(),
		VariantUUID: m.VariantUUID.ValueString(),
		Level:       m.LowStockLevel.ValueFloat64Pointer(),
		Alert:       m.LowStockAlert.ValueBool(),
	}
}

// id is "<location_uuid>/<product_uuid>/<variant_uuid>".
func (m lowStockModel) id() types.String {
	return types.StringValue(m.LocationUUID.ValueString() + "/" + m.ProductUUID.ValueString() + "/" + m.VariantUUID.ValueString())
}

func (m lowStockModel) variant() zettle.VariantRef {
	return zettle.VariantRef{ProductUUID: m.ProductUUID.ValueString(), VariantUUID: m.VariantUUID.ValueString()}
}

func (r *lowStockResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventory_low_stock"
}

func (r *lowStockResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(lowStockIdentity...)
}

func (r *lowStockResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The custom low-stock level and alert of one product variant at one location. " +
			"Zettle keeps no setting for a variant at the defaults (no level, alert off): declaring exactly the defaults " +
			"resets any existing setting and is kept in state as long as the variant stays at the defaults.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The resource's ID, `<location_uuid>/<product_uuid>/<variant_uuid>`, a form that import also accepts.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"product_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the product the variant belongs to. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{uuidValidator()},
				PlanModifiers:       replace,
			},
			"variant_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the variant whose low-stock level and alert this sets. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{uuidValidator()},
				PlanModifiers:       replace,
			},
			"location_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the location the setting applies to. Defaults to the provider's `location_uuid`, " +
					"or to the STORE location the provider looks up. A new organization has no STORE location until tracking first starts: " +
					"left out, it is then known after apply, and creating the resource fails unless tracking has started, so make it " +
					"depend on a `zettle_inventory_tracking` resource (`depends_on`). " +
					"Changing it, or the provider's location when this is left out, replaces the resource.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{uuidValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"low_stock_level": schema.Float64Attribute{
				MarkdownDescription: "The variant's custom low-stock level: a stock quantity in the product's units (≥ 0). " +
					"Left out (the default), the variant has no custom level. Changing it updates the setting in place.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"low_stock_alert": schema.BoolAttribute{
				MarkdownDescription: "Whether the low-stock alert is on for the variant. Defaults to `false`. " +
					"Changing it updates the setting in place. With `false` and no `low_stock_level`, the variant is at Zettle's " +
					"defaults, and Zettle keeps no setting for it.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

func (r *lowStockResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills in the provider's location, as the tracking resource's
// does, and checks the variant against a product looked up in the Product
// Library.
func (r *lowStockResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planProviderLocation(ctx, r.data, req, resp)
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var plan lowStockModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.VariantUUID.IsNull() || plan.VariantUUID.IsUnknown() {
		return
	}
	r.data.checkVariantsAtPlan(plan.ProductUUID, map[string]path.Path{plan.VariantUUID.ValueString(): path.Root("variant_uuid")}, resp)
}

func (r *lowStockResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan lowStockModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	if client == nil {
		return
	}
	location, diags := r.data.requireLocation(ctx, plan.LocationUUID.ValueString())
	resp.Diagnostics.Append(diags...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	plan.LocationUUID = types.StringValue(location)
	plan.ID = plan.id()
	if setLowStock(ctx, client, plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setIdentity(ctx, resp.State, resp.Identity, lowStockIdentity, &resp.Diagnostics)
	}
}

func (r *lowStockResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan lowStockModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if !resp.Diagnostics.HasError() && setLowStock(ctx, client, plan, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setIdentity(ctx, resp.State, resp.Identity, lowStockIdentity, &resp.Diagnostics)
	}
}

// setLowStock sends the planned setting; false when it failed.
func setLowStock(ctx context.Context, client *zettle.Client, plan lowStockModel, diags *diag.Diagnostics) bool {
	s := plan.setting()
	if err := client.ApplyLowStock(ctx, plan.LocationUUID.ValueString(), s); err != nil {
		diags.AddError(fmt.Sprintf("Could not set the low stock level of variant %s of product %s", s.VariantUUID, s.ProductUUID), err.Error())
		return false
	}
	return true
}

func (r *lowStockResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// Set once, from the state read: its attributes never change, and a
	// resource the read removes still has it.
	setIdentity(ctx, req.State, resp.Identity, lowStockIdentity, &resp.Diagnostics)
	var state lowStockModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	v := state.variant()
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	found, exists, err := client.VariantLowStock(ctx, state.LocationUUID.ValueString(), v)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the low stock levels of product %s", v.ProductUUID), err.Error())
		return
	}
	switch {
	case exists:
		state.LowStockLevel = types.Float64PointerValue(found.Level)
		state.LowStockAlert = types.BoolValue(found.Alert)
	case !state.LowStockAlert.IsNull() && state.setting().IsDefault():
		// Declared at the defaults, which the API does not list: in step.
	case keptUnread(ctx, client, state, &resp.Diagnostics):
	case resp.Diagnostics.HasError():
		return
	default:
		// Removed outside Terraform (or never there, on import).
		tflog.Warn(ctx, "Low stock setting no longer exists; removing it from state", map[string]any{"product_uuid": v.ProductUUID, "variant_uuid": v.VariantUUID})
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = state.id()
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// keptUnread reports whether a setting that no read shows is kept in state
// as it was set: the API cannot show it (an untracked product under v3), and
// this resource set it (an import has nothing to keep). It warns then.
func keptUnread(ctx context.Context, client *zettle.Client, state lowStockModel, diags *diag.Diagnostics) bool {
	product := state.ProductUUID.ValueString()
	readable, err := client.LowStockReadable(ctx, state.LocationUUID.ValueString(), product)
	switch {
	case err != nil:
		diags.AddError(fmt.Sprintf("Could not read the low stock levels of product %s", product), err.Error())
		return false
	case readable || state.LowStockAlert.IsNull():
		return false
	}
	diags.AddWarning(fmt.Sprintf("The low-stock setting of product %s cannot be read back", product),
		fmt.Sprintf("Inventory API v3 reports low-stock settings in the stock of tracked products only, and product %s is not tracked, "+
			"so the provider keeps the setting it made without checking it. Track the product (a zettle_inventory_tracking resource, "+
			"with depends_on from this one) to have the setting read on every refresh.", product))
	return true
}

func (r *lowStockResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state lowStockModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	v := state.variant()
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	if err := client.ResetLowStock(ctx, state.LocationUUID.ValueString(), v); err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not delete the low stock level of variant %s of product %s", v.VariantUUID, v.ProductUUID), err.Error())
	}
}

// ImportState accepts "<product_uuid>/<variant_uuid>" or
// "<location_uuid>/<product_uuid>/<variant_uuid>", or the same identity.
func (r *lowStockResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importWithLocation(ctx, r.data, req, resp, lowStockIdentity, "product_uuid", "variant_uuid")
}
