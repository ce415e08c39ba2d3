package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

var (
	_ resource.ResourceWithConfigure   = (*inventoryTrackingResource)(nil)
	_ resource.ResourceWithImportState = (*inventoryTrackingResource)(nil)
	_ resource.ResourceWithIdentity    = (*inventoryTrackingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*inventoryTrackingResource)(nil)
)

func newInventoryTrackingResource() resource.Resource { return &inventoryTrackingResource{} }

type inventoryTrackingResource struct {
	data *providerData
}

type inventoryTrackingModel struct {
	ID              types.String   `tfsdk:"id"`
	ProductUUID     types.String   `tfsdk:"product_uuid"`
	LocationUUID    types.String   `tfsdk:"location_uuid"`
	InitialBalances types.Map      `tfsdk:"initial_balances"`
	Balances        types.Map      `tfsdk:"balances"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (r *inventoryTrackingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventory_tracking"
}

func (r *inventoryTrackingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(trackingIdentity...)
}

func (r *inventoryTrackingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Tracks the inventory of one product (all its variants) at the organization's STORE location. " +
			"Creating the resource starts tracking, optionally bringing variants to initial balances; destroying it stops tracking. " +
			"Zettle keeps the stock levels of a product whose tracking stopped, and brings them back when tracking starts again.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The product UUID, the same as `product_uuid`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"product_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the product in the Zettle product library whose inventory is tracked, all its variants. " +
					"Changing it replaces the resource: tracking of the old product stops and tracking of the new one starts.",
				Required:      true,
				Validators:    []validator.String{uuidValidator()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"location_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the STORE location where `initial_balances` land and `balances` are read: the organization's only one under " +
					"Inventory API v2, or any `STORE` inventory under v3 (such as a `zettle_inventory`); any other location is refused. " +
					"Defaults to the provider's `location_uuid`, or to the default STORE location the provider looks up. " +
					"A new organization has no locations until tracking first starts: left out, it is then known after apply, " +
					"the STORE location that the start creates. " +
					"Changing it, or the provider's location when this is left out, replaces the resource.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{uuidValidator()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(),
					stringplanmodifier.RequiresReplace(),
				},
			},
			"initial_balances": schema.MapAttribute{
				MarkdownDescription: "Variant UUID → stock quantity, in the product's units, that each listed variant " +
					"has at the STORE location once tracking starts. " +
					"Each quantity is at least 0 and at most " + zettle.MaxQuantity + ", with at most " + fmt.Sprint(zettle.MaxQuantityDecimals) + " decimal places, " +
					"checked at plan time; quantities are exact decimals, never rounded. " +
					"The provider moves the difference from the SUPPLIER location, " +
					"or to the BIN location, so the result is exact even for a product that comes back with saved levels; " +
					"afterwards each listed variant's balance is checked against its target, and a difference " +
					"(stock sold at the same moment) fails the apply and saves the resource as tainted. " +
					"Left out or empty, tracking starts and no stock moves. " +
					"It applies only when tracking starts: a later change is recorded in state and moves no stock. " +
					"Variants left out keep whatever level Zettle has for them.",
				Optional:    true,
				ElementType: types.NumberType,
				Validators: []validator.Map{
					mapvalidator.KeysAre(uuidValidator()),
					quantitiesValidator{},
				},
			},
			"balances": schema.MapAttribute{
				MarkdownDescription: "Variant UUID → current balance at the STORE location, in the product's units, " +
					"for every variant with a non-zero balance, exactly as Zettle keeps it (a level saved before may lie beyond the bounds of `initial_balances`). " +
					"Refreshed on every read; sales in the POS app change it without making the plan want changes.",
				Computed:      true,
				ElementType:   types.NumberType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, false)},
	}
}

func (r *inventoryTrackingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills in the provider's location when the configuration leaves
// location_uuid out, so that a change of the provider's location shows in the
// plan and replaces the resource. It checks the variants of initial_balances
// against a product looked up in the Product Library, and warns of an edit
// of initial_balances, which the plan shows and which moves no stock.
func (r *inventoryTrackingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planProviderLocation(ctx, r.data, req, resp)
	r.data.checkInitialBalanceVariants(ctx, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, saved types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, initialBalancesPath, &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, initialBalancesPath, &saved)...)
	if resp.Diagnostics.HasError() || planned.Equal(saved) {
		return
	}
	var product types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("product_uuid"), &product)...)
	resp.Diagnostics.AddAttributeWarning(initialBalancesPath, "Changing initial_balances moves no stock",
		fmt.Sprintf("Product %s is tracked already: initial_balances apply only when tracking starts, so this apply records the new "+
			"value in state and moves no stock. To change the stock, restock or adjust it in Zettle (the back office or the POS app). "+
			"To bring the listed variants to initial_balances, replace the resource (terraform apply -replace=<address>): tracking "+
			"stops and starts again, and the provider moves each listed variant to its initial balance, undoing the sales since.",
			product.ValueString()))
}

var initialBalancesPath = path.Root("initial_balances")

func (r *inventoryTrackingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan inventoryTrackingModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	if client == nil {
		return
	}
	product := plan.ProductUUID.ValueString()
	// Stays empty while a new organization has no STORE location: the
	// start creates it and answers it.
	location, _, diags := r.data.locationOf(ctx, plan.LocationUUID.ValueString())
	resp.Diagnostics.Append(diags...)
	targets, diags := quantitiesOf(plan.InitialBalances, path.Root("initial_balances"))
	resp.Diagnostics.Append(diags...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	tracked, err := r.data.stock.StartTracking(ctx, stock.TrackingRequest{
		ProductUUID: product, LocationUUID: location, InitialBalances: targets,
	})
	plan.ID = types.StringValue(product)
	if tracked.LocationUUID != "" {
		location = tracked.LocationUUID
	}
	plan.LocationUUID = types.StringValue(location)
	if location == "" {
		// The start of a new organization's first product got no answer:
		// the next read learns the location.
		plan.LocationUUID = types.StringNull()
	}
	var incomplete *stock.IncompleteStartError
	var mismatch *stock.BalanceMismatchError
	switch {
	case errors.As(err, &incomplete):
		// Saved, so that Terraform knows of the tracking that may have
		// started: a resource saved with an error is tainted, and the next
		// apply replaces it.
		saveTainted(ctx, plan, nil, resp, fmt.Sprintf("Tracking of product %s may have started without reaching initial_balances", product),
			err.Error()+"\n\nThe resource is saved as tainted. Run apply again: it stops tracking and starts it again, bringing each listed variant "+
				"exactly to its initial balance. If tracking did not start, the next refresh drops the resource and apply creates it.")
		return
	case errors.As(err, &mismatch):
		// Tracking started and the balances are known, but not the ones
		// planned: saved as tainted, as above, with the balances found.
		saveTainted(ctx, plan, tracked.Balances, resp, fmt.Sprintf("Tracking of product %s started, but its balances differ from initial_balances", product),
			err.Error()+"\n\nThe resource is saved as tainted. Run apply again to stop tracking and start it again, bringing each listed variant "+
				"to its initial balance; or, if the balances are as they should be (a sale at the same moment), run terraform untaint to keep them.")
		return
	case errors.As(err, new(*stock.AlreadyTrackedError)):
		resp.Diagnostics.AddAttributeError(path.Root("product_uuid"), fmt.Sprintf("Product %s is tracked already", product), alreadyTrackedDetail(product))
		return
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("Could not start tracking product %s", product), err.Error())
		return
	}
	tflog.Info(ctx, "Started tracking", map[string]any{"product_uuid": product, "balances": tracked.Balances})

	balances, diags := balancesValue(tracked.Balances)
	plan.Balances = balances
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, trackingIdentity, &resp.Diagnostics)
}

func (r *inventoryTrackingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// Set once, from the state read: its attributes never change, and a
	// resource the read removes still has it.
	setIdentity(ctx, req.State, resp.Identity, trackingIdentity, &resp.Diagnostics)
	var state inventoryTrackingModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	product := state.ProductUUID.ValueString()
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	if state.LocationUUID.ValueString() == "" {
		// Saved by a create that never learned the location. If the
		// organization still has no locations, tracking never started:
		// any start creates them.
		if _, pending, diags := r.data.locationOf(ctx, ""); pending || diags.HasError() {
			resp.Diagnostics.Append(diags...)
			if pending {
				tflog.Warn(ctx, "The organization still has no locations, so tracking never started; removing it from state", map[string]any{"product_uuid": product})
				resp.State.RemoveResource(ctx)
			}
			return
		}
	}
	// An imported location_uuid may name any location; balances are kept
	// only at STORE ones.
	if location := state.LocationUUID.ValueString(); location != "" && !r.data.checkStore(ctx, location, &resp.Diagnostics) {
		return
	}
	inv, err := client.ProductInventory(ctx, state.LocationUUID.ValueString(), product)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not read the inventory of product %s", product), err.Error())
		return
	}
	// Tracked is false only when the product lookup confirmed it: a product
	// that a shared location-wide listing left out is never removed on that
	// evidence alone, and a failed confirmation is the error above.
	if !inv.Tracked {
		tflog.Warn(ctx, "The API confirms that the product is no longer tracked; removing it from state", map[string]any{"product_uuid": product})
		resp.Diagnostics.AddWarning(fmt.Sprintf("Tracking of product %s stopped outside Terraform", product),
			fmt.Sprintf("Zettle no longer tracks the inventory of product %s: tracking was stopped in the back office, the POS app or "+
				"another tool. The resource is removed from state, and the plan creates it again. Applying starts tracking again: Zettle "+
				"brings back the product's saved levels, and the provider then moves each variant listed in initial_balances to its "+
				"initial balance, undoing the sales since. To keep the saved levels instead, remove initial_balances from the "+
				"configuration before applying.", product))
		resp.State.RemoveResource(ctx)
		return
	}
	if state.LocationUUID.ValueString() == "" {
		// Saved by a create that never learned the location.
		state.LocationUUID = types.StringValue(inv.LocationUUID)
	}
	state.ID = types.StringValue(product)
	var diags diag.Diagnostics
	state.Balances, diags = balancesValue(inv.Balances)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update runs when initial_balances or timeouts change (every other
// attribute replaces the resource). The plan is saved as it is and no stock
// moves: initial balances apply when tracking starts, and ModifyPlan has
// warned of that.
func (r *inventoryTrackingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan inventoryTrackingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "Saved the planned settings without moving stock", map[string]any{"product_uuid": plan.ProductUUID.ValueString()})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, trackingIdentity, &resp.Diagnostics)
}

func (r *inventoryTrackingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state inventoryTrackingModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	product := state.ProductUUID.ValueString()
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.data.stock.StopTracking(ctx, product)
	switch {
	case errors.Is(err, stock.ErrStartedThisRun):
		resp.Diagnostics.AddWarning(fmt.Sprintf("Product %s stays tracked", product),
			fmt.Sprintf("Another resource of this configuration started tracking product %s in this run (a for_each key renamed "+
				"without a moved block, or create_before_destroy), so destroying this one leaves the product tracked, with its stock, "+
				"and only removes this resource from state.", product))
	case err != nil:
		resp.Diagnostics.AddError(fmt.Sprintf("Could not stop tracking product %s", product), err.Error())
	}
}

// ImportState accepts "<product_uuid>" or "<location_uuid>/<product_uuid>",
// or the identity's product_uuid.
func (r *inventoryTrackingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if ids := importWithLocation(ctx, r.data, req, resp, trackingIdentity, "product_uuid"); ids != nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[0])...)
	}
}

// saveTainted saves a start that failed after tracking may have started,
// with the balances known, and reports the error: a resource saved with an
// error is tainted, and the next apply replaces it.
func saveTainted(ctx context.Context, plan inventoryTrackingModel, balances map[string]zettle.Quantity, resp *resource.CreateResponse, summary, detail string) {
	var diags diag.Diagnostics
	plan.Balances, diags = balancesValue(balances)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, trackingIdentity, &resp.Diagnostics)
	resp.Diagnostics.AddError(summary, detail)
}

// alreadyTrackedDetail explains a create refused because the product is
// tracked already, and how to import it.
func alreadyTrackedDetail(product string) string {
	return fmt.Sprintf("Zettle already tracks the inventory of product %[1]s: it was started from the POS app, the back office, another "+
		"tool or another Terraform configuration. Creating this resource would take over its live stock, so the provider changed "+
		"nothing and moved no stock.\n\n"+
		"Import it instead, to manage it with the stock it has:\n\n"+
		"  terraform import <address of this resource> %[1]s\n\n"+
		"or, with Terraform 1.5 or later, an import block:\n\n"+
		"  import {\n    to = <address of this resource>\n    id = \"%[1]s\"\n  }\n\n"+
		"If another resource of this configuration tracks the product (a for_each key renamed without a moved block), "+
		"add a moved block from its address to this one instead. create_before_destroy cannot work for this resource: "+
		"a product is tracked once.", product)
}
