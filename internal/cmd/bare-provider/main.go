// Command bare-provider is a provider that calls no API, served as
// terraform-provider-zettle is: its one resource, bare_tracking, has the
// inputs of zettle_inventory_tracking and keeps them in state. zettle-bench
// runs the same commands over it to measure what any provider on
// terraform-plugin-framework costs Terraform, beside terraform_data, which
// Terraform serves itself.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
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
	ID              types.String `tfsdk:"id"`
	ProductUUID     types.String `tfsdk:"product_uuid"`
	InitialBalances types.Map    `tfsdk:"initial_balances"`
}

func (trackingResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "bare_tracking"
}

func (trackingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":               schema.StringAttribute{Computed: true},
		"product_uuid":     schema.StringAttribute{Required: true},
		"initial_balances": schema.MapAttribute{Optional: true, ElementType: types.StringType},
	}}
}

func (trackingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m trackingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = m.ProductUUID
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
