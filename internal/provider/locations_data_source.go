package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

var _ datasource.DataSourceWithConfigure = (*locationsDataSource)(nil)

func newLocationsDataSource() datasource.DataSource { return &locationsDataSource{} }

type locationsDataSource struct {
	data *providerData
}

type locationsModel struct {
	Locations []locationModel   `tfsdk:"locations"`
	ByType    map[string]string `tfsdk:"by_type"`
}

type locationModel struct {
	UUID        string `tfsdk:"uuid"`
	Type        string `tfsdk:"type"`
	Name        string `tfsdk:"name"`
	Description string `tfsdk:"description"`
	Default     bool   `tfsdk:"default"`
}

func (d *locationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventory_locations"
}

func (d *locationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organization's system locations: `STORE` (the real stock), and the virtual `SUPPLIER` " +
			"(the source of restocks), `SOLD` (where sales go) and `BIN` (discarded stock).",
		Attributes: map[string]schema.Attribute{
			"locations": schema.ListNestedAttribute{
				MarkdownDescription: "Every location of the organization, in the order the API lists them. " +
					"Empty for a new organization: Zettle creates its locations when inventory tracking first starts.",
				Computed:     true,
				NestedObject: locationObject("location"),
			},
			"by_type": schema.MapAttribute{
				MarkdownDescription: "Location type → UUID, for every location listed, e.g. `by_type[\"SUPPLIER\"]`.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *locationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *locationsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	locs, ok := d.data.listLocations(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	out := locationsModel{Locations: locs, ByType: map[string]string{}}
	for _, l := range locs {
		if _, seen := out.ByType[l.Type]; !seen || l.Default {
			out.ByType[l.Type] = l.UUID
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}

// locationObject is the schema of one location (v3: inventory) as the
// data sources list it; noun names it in the descriptions.
func locationObject(noun string) schema.NestedAttributeObject {
	return schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"uuid": schema.StringAttribute{Computed: true, MarkdownDescription: "The " + noun + "'s UUID, " +
			"for a resource's or the provider's `location_uuid`."},
		"type": schema.StringAttribute{Computed: true, MarkdownDescription: "The " + noun + "'s type: " +
			"`STORE`, `SUPPLIER`, `SOLD` or `BIN`."},
		"name":        schema.StringAttribute{Computed: true, MarkdownDescription: "The " + noun + "'s name, as the API gives it."},
		"description": schema.StringAttribute{Computed: true, MarkdownDescription: "The " + noun + "'s description, as the API gives it; empty when it has none."},
		"default": schema.BoolAttribute{Computed: true, MarkdownDescription: "`true` for the default `STORE` " + noun +
			", which POS sales come out of and which resources use when they name no location; `false` for the others."},
	}}
}

// listLocations lists the organization's locations (v3: inventories), as
// the API does: none for a new organization until tracking first starts.
// ok is false after an error, which diags then holds.
func (d *providerData) listLocations(ctx context.Context, diags *diag.Diagnostics) (locs []locationModel, ok bool) {
	client, clientDiags := d.Client()
	diags.Append(clientDiags...)
	if diags.HasError() {
		return nil, false
	}
	listed, err := client.CachedLocations(ctx)
	var missing *zettle.MissingLocationError
	if errors.As(err, &missing) {
		// A new organization lists none until tracking first starts: the
		// list is what it is.
		err = nil
	}
	if err != nil {
		diags.AddError("Could not list the organization's locations", err.Error())
		return nil, false
	}
	locs = []locationModel{}
	for _, l := range listed {
		locs = append(locs, locationModel(l))
	}
	return locs, true
}
