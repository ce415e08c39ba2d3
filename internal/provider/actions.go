package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// The stock actions (Terraform 1.14): changes of stock that are events, not
// states to keep, invoked with terraform apply -invoke or an action_trigger.
var (
	_ action.ActionWithConfigure = (*stockMovementAction)(nil)
	_ action.ActionWithConfigure = (*stockCountAction)(nil)
)

func newStockMovementAction() action.Action { return &stockMovementAction{} }
func newStockCountAction() action.Action    { return &stockCountAction{} }

type actionBase struct{ data *providerData }

func (a *actionBase) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

type stockMovementAction struct{ actionBase }
type stockCountAction struct{ actionBase }

type stockMovementModel struct {
	ProductUUID types.String `tfsdk:"product_uuid"`
	VariantUUID types.String `tfsdk:"variant_uuid"`
	Quantity    types.Number `tfsdk:"quantity"`
	From        types.String `tfsdk:"from"`
	To          types.String `tfsdk:"to"`
}

type stockCountModel struct {
	ProductUUID  types.String `tfsdk:"product_uuid"`
	VariantUUID  types.String `tfsdk:"variant_uuid"`
	Balance      types.Number `tfsdk:"balance"`
	LocationUUID types.String `tfsdk:"location_uuid"`
}

func (a *stockMovementAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stock_movement"
}

func (a *stockCountAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stock_count"
}

func variantAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"product_uuid": schema.StringAttribute{MarkdownDescription: "The tracked product's UUID.", Required: true, Validators: []validator.String{uuidValidator()}},
		"variant_uuid": schema.StringAttribute{MarkdownDescription: "The variant's UUID.", Required: true, Validators: []validator.String{uuidValidator()}},
	}
}

// placeDescription says what from and to take.
const placeDescription = "A location type, `SUPPLIER`, `STORE` (the provider's STORE inventory), `SOLD` or `BIN`, or an " +
	"inventory's UUID (under Inventory API v3, any `STORE` inventory)."

func (a *stockMovementAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := variantAttributes()
	attrs["quantity"] = schema.NumberAttribute{
		MarkdownDescription: "How much moves, more than 0, exactly (a decimal, never rounded); checked at plan time.", Required: true,
		Validators: []validator.Number{quantityValidator{positive: true}},
	}
	place := []validator.String{stringvalidator.Any(stringvalidator.OneOf(zettle.LocationSupplier, zettle.LocationStore, zettle.LocationSold, zettle.LocationBin), uuidValidator())}
	attrs["from"] = schema.StringAttribute{MarkdownDescription: "Where the stock comes from. " + placeDescription, Required: true, Validators: place}
	attrs["to"] = schema.StringAttribute{MarkdownDescription: "Where it goes. " + placeDescription, Required: true, Validators: place}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Moves stock of a tracked variant, once: goods received (`SUPPLIER` to `STORE`), a write-off (`STORE` to " +
			"`BIN`), or a transfer between two `STORE` inventories. One side must be a `STORE` inventory, whose balance is read " +
			"before. A movement whose answer is lost is never sent again: the balance read again tells whether it was " +
			"applied, and when a sale at the same moment could hide it, the action fails saying what it read. Terraform 1.14 and later.",
		Attributes: attrs,
	}
}

func (a *stockCountAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := variantAttributes()
	attrs["balance"] = schema.NumberAttribute{
		MarkdownDescription: "The counted balance, 0 or more, exactly; checked at plan time.", Required: true,
		Validators: []validator.Number{quantityValidator{}},
	}
	attrs["location_uuid"] = schema.StringAttribute{
		MarkdownDescription: "The STORE inventory counted; the provider's when left out.", Optional: true, Validators: []validator.String{uuidValidator()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sets a tracked variant's balance to exactly `balance`, as a stock count does, by moving the difference in " +
			"from `SUPPLIER` or out to `BIN`, once. A balance that is already there moves nothing. Terraform 1.14 and later.",
		Attributes: attrs,
	}
}

// quantity reads a quantity attribute that quantityValidator checked.
func quantity(n types.Number, at path.Path, diags *diag.Diagnostics) zettle.Quantity {
	q, err := quantityOf(n.ValueBigFloat())
	if err != nil {
		diags.AddAttributeError(at, "Invalid quantity", err.Error())
	}
	return q
}

// quantityValidator checks, at plan time, that a number is a quantity the
// API keeps exactly, within its bounds, and above 0 when positive.
type quantityValidator struct{ positive bool }

func (v quantityValidator) Description(context.Context) string {
	if v.positive {
		return "must be a quantity above 0 of at most " + zettle.MaxQuantity
	}
	return "must be a quantity from 0 to " + zettle.MaxQuantity
}

func (v quantityValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v quantityValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	q, err := quantityOf(req.ConfigValue.ValueBigFloat())
	if err == nil {
		err = q.CheckBounds()
	}
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid quantity", err.Error())
	case v.positive && q.Sign() <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid quantity", fmt.Sprintf("%s: a movement moves more than 0.", q))
	}
}

// place resolves a location type or inventory UUID to an inventory's UUID
// and type.
func (a *actionBase) place(ctx context.Context, client *zettle.Client, named string, at path.Path, diags *diag.Diagnostics) zettle.Location {
	locs, err := client.CachedLocations(ctx)
	if err != nil {
		diags.AddError("Could not list the organization's locations", err.Error())
		return zettle.Location{}
	}
	if named == zettle.LocationStore {
		store, d := a.data.requireLocation(ctx, "")
		diags.Append(d...)
		if d.HasError() {
			return zettle.Location{}
		}
		named = store
	}
	if loc, ok := locs.ByType(named); ok && named != zettle.LocationStore {
		return loc
	}
	if loc, ok := locs.ByUUID(named); ok {
		return loc
	}
	inv, err := client.Inventory(ctx, named)
	switch {
	case err == nil:
		return inv
	case zettle.StatusOf(err) == http.StatusNotFound:
		diags.AddAttributeError(at, "Unknown location", fmt.Sprintf("%s is neither a location type nor one of the organization's inventories.", named))
	default:
		diags.AddAttributeError(at, "Could not look up the location", err.Error())
	}
	return zettle.Location{}
}

func (a *stockMovementAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg stockMovementModel
	client := load(ctx, a.data, req.Config, &cfg, &resp.Diagnostics)
	if client == nil {
		return
	}
	q := quantity(cfg.Quantity, path.Root("quantity"), &resp.Diagnostics)
	from := a.place(ctx, client, cfg.From.ValueString(), path.Root("from"), &resp.Diagnostics)
	to := a.place(ctx, client, cfg.To.ValueString(), path.Root("to"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	adj := stock.Adjustment{ProductUUID: cfg.ProductUUID.ValueString(), VariantUUID: cfg.VariantUUID.ValueString(), Store: to.UUID}
	switch {
	case from.UUID == to.UUID:
		resp.Diagnostics.AddAttributeError(path.Root("to"), "Nothing to move", "from and to name the same inventory.")
		return
	case to.Type != zettle.LocationStore && from.Type != zettle.LocationStore:
		resp.Diagnostics.AddAttributeError(path.Root("to"), "No STORE side",
			fmt.Sprintf("Stock moves to or from a STORE inventory; %s to %s has none.", from.Type, to.Type))
		return
	case to.Type != zettle.LocationStore:
		adj.Store = from.UUID
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Moving %s of variant %s from %s %s to %s %s", q, adj.VariantUUID, from.Type, from.UUID, to.Type, to.UUID)})
	after, err := a.data.stock.MoveStock(ctx, adj, from.UUID, to.UUID, q)
	if err != nil {
		resp.Diagnostics.AddError("Could not move the stock", err.Error())
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Moved %s; the balance at %s is %s as the answer gives it (or as computed, when it gives none)", q, adj.Store, after)})
}

func (a *stockCountAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg stockCountModel
	client := load(ctx, a.data, req.Config, &cfg, &resp.Diagnostics)
	if client == nil {
		return
	}
	target := quantity(cfg.Balance, path.Root("balance"), &resp.Diagnostics)
	store, diags := a.data.requireLocation(ctx, cfg.LocationUUID.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !a.data.checkStore(ctx, store, &resp.Diagnostics) {
		return
	}
	supplier := a.place(ctx, client, zettle.LocationSupplier, path.Root("location_uuid"), &resp.Diagnostics)
	bin := a.place(ctx, client, zettle.LocationBin, path.Root("location_uuid"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	adj := stock.Adjustment{ProductUUID: cfg.ProductUUID.ValueString(), VariantUUID: cfg.VariantUUID.ValueString(), Store: store}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Counting variant %s at %s: %s", adj.VariantUUID, store, target)})
	before, after, moved, err := a.data.stock.Count(ctx, adj, target, supplier.UUID, bin.UUID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Could not apply the stock count", err.Error())
	case moved:
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("The balance was %s and is %s now", before, after)})
	default:
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("The balance is %s already; nothing moved", before)})
	}
}
