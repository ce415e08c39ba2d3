package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var _ datasource.DataSourceWithConfigure = (*inventoriesDataSource)(nil)

func newInventoriesDataSource() datasource.DataSource { return &inventoriesDataSource{} }

// inventoriesDataSource lists the inventories, as Inventory API v3 names
// locations; under v2 the system locations are the inventories.
type inventoriesDataSource struct {
	data *providerData
}

type inventoriesModel struct {
	Inventories []locationModel `tfsdk:"inventories"`
}

func (d *inventoriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventories"
}

func (d *inventoriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's inventories: every `STORE` inventory, where stock is kept (Inventory API v3 allows " +
			"several; see `zettle_inventory`), and the virtual `SUPPLIER`, `SOLD` and `BIN`. Under Inventory API v2 these are the " +
			"system locations, with one `STORE`.",
		Attributes: map[string]schema.Attribute{
			"inventories": schema.ListNestedAttribute{
				MarkdownDescription: "Every inventory, in the order the API lists them. " +
					"Empty for a new organization: Zettle creates its inventories when inventory tracking first starts.",
				Computed:     true,
				NestedObject: locationObject("inventory"),
			},
		},
	}
}

func (d *inventoriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *inventoriesDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	locs, ok := d.data.listLocations(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &inventoriesModel{Inventories: locs})...)
}
