// Command bare-provider is a provider that calls no API, served as
// terraform-provider-zettle is: its one resource, bare_tracking, has the
// schema of zettle_inventory_tracking (its attributes, their types and plan
// modifiers, the timeouts block) and keeps the same values in state, so that
// Terraform stores, plans and sends the same data for it. zettle-bench
// runs the same commands over it to measure what any provider on
// terraform-plugin-framework costs Terraform, beside terraform_data, which
// Terraform serves itself.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/serve"
)

// Address is where Terraform finds the bare provider (with dev_overrides).
const Address = "registry.terraform.io/zettle-community/bare"

func main() {
	if err := serve.Serve(Address, func() provider.Provider { return bareProvider{} }, false); err != nil {
		log.Fatal(err)
	}
}

type bareProvider struct{}

func (bareProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "bare"
}

func (bareProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (bareProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (bareProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return trackingResource{} }}
}

func (bareProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type trackingResource struct{}

type trackingModel struct {
	ID              types.String   `tfsdk:"id"`
	ProductUUID     types.String   `tfsdk:"product_uuid"`
	LocationUUID    types.String   `tfsdk:"location_uuid"`
	InitialBalances types.Map      `tfsdk:"initial_balances"`
	Balances        types.Map      `tfsdk:"balances"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// storeLocation stands in for the STORE location the real provider looks up.
const storeLocation = "00000000-0000-4000-8000-000000000000"

func (trackingResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "bare_tracking"
}

func (trackingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"product_uuid": schema.StringAttribute{
				Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"location_uuid": schema.StringAttribute{
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"initial_balances": schema.MapAttribute{Optional: true, ElementType: types.NumberType},
			"balances": schema.MapAttribute{
				Computed: true, ElementType: types.NumberType, PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true})},
	}
}

func (trackingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m trackingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.ProductUUID
	if m.LocationUUID.IsUnknown() {
		m.LocationUUID = types.StringValue(storeLocation)
	}
	// The balances a start leaves: the initial ones.
	m.Balances = m.InitialBalances
	if m.Balances.IsNull() {
		m.Balances = types.MapValueMust(types.NumberType, nil)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (trackingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m trackingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (trackingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m trackingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (trackingResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
