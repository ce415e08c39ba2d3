package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

var (
	_ datasource.DataSourceWithConfigure        = (*balancesDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*balancesDataSource)(nil)
)

func newBalancesDataSource() datasource.DataSource { return &balancesDataSource{} }

type balancesDataSource struct {
	data *providerData
}

type balancesModel struct {
	LocationUUID    types.String   `tfsdk:"location_uuid"`
	LocationType    types.String   `tfsdk:"location_type"`
	ProductUUIDs    types.Set      `tfsdk:"product_uuids"`
	TrackedProducts []string       `tfsdk:"tracked_products"`
	Balances        []balanceModel `tfsdk:"balances"`
}

type balanceModel struct {
	ProductUUID string       `tfsdk:"product_uuid"`
	VariantUUID string       `tfsdk:"variant_uuid"`
	Balance     types.Number `tfsdk:"balance"`
}

func (d *balancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventory_balances"
}

func (d *balancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The tracked products and their balances at one location. Only tracked products are listed, " +
			"and only their variants with a non-zero balance. Under Inventory API v3, which has no listing of tracked products, " +
			"a read without `product_uuids` lists as tracked only the products with stock or a low-stock setting at the location.",
		Attributes: map[string]schema.Attribute{
			"location_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the location whose balances are listed; it must be one of the organization's locations (under v3, any " +
					"inventory, each `STORE` inventory included). " +
					"Conflicts with `location_type`; when both are left out, the provider's `location_uuid`, or the default STORE " +
					"location the provider looks up. After a read it holds the UUID of the location looked at.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{uuidValidator()},
			},
			"location_type": schema.StringAttribute{
				MarkdownDescription: "Type of the location whose balances are listed: `" + strings.Join(zettle.LocationTypes, "`, `") + "`. " +
					"Conflicts with `location_uuid`; when both are left out, the type of the provider's location. " +
					"after a read it holds the type of the location looked at.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.OneOf(zettle.LocationTypes...)},
			},
			"product_uuids": schema.SetAttribute{
				MarkdownDescription: "UUIDs of the products to look up. Left out, every tracked product at the location " +
					"is listed, with one location-wide lookup. An empty set lists nothing and makes no request.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(uuidValidator())},
			},
			"tracked_products": schema.ListAttribute{
				MarkdownDescription: "UUIDs of the tracked products among those looked up (all, or those in `product_uuids`), " +
					"sorted. A tracked product with no stock is listed here and has no entry in `balances`.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"balances": schema.ListNestedAttribute{
				MarkdownDescription: "One entry for each variant of a tracked product with a non-zero balance at the location, " +
					"sorted by product and variant UUID.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"product_uuid": schema.StringAttribute{Computed: true, MarkdownDescription: "UUID of the product."},
					"variant_uuid": schema.StringAttribute{Computed: true, MarkdownDescription: "UUID of the variant."},
					"balance": schema.NumberAttribute{Computed: true, MarkdownDescription: "The variant's non-zero balance at the location, " +
						"in the product's units, exactly as Zettle keeps it."},
				}},
			},
		},
	}
}

func (d *balancesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("location_uuid"), path.MatchRoot("location_type")),
	}
}

func (d *balancesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *balancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg balancesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client, diags := d.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	location, diags := d.location(ctx, client, cfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	var lookup zettle.LocationBalances
	var err error
	switch {
	case cfg.ProductUUIDs.IsNull():
		lookup, err = client.Balances(ctx, location, nil)
	case len(cfg.ProductUUIDs.Elements()) == 0:
		// An empty filter selects nothing; the API is not asked.
	default:
		var products []string
		resp.Diagnostics.Append(cfg.ProductUUIDs.ElementsAs(ctx, &products, false)...)
		slices.Sort(products)
		lookup, err = client.Balances(ctx, location, products)
	}
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Could not look up the balances at the %s location %s", location.Type, location.UUID), err.Error())
		return
	}

	cfg.LocationUUID = types.StringValue(location.UUID)
	cfg.LocationType = types.StringValue(location.Type)
	cfg.TrackedProducts = slices.Sorted(slices.Values(lookup.TrackedProducts))
	if cfg.TrackedProducts == nil {
		cfg.TrackedProducts = []string{}
	}
	cfg.Balances = []balanceModel{}
	for _, v := range lookup.Variants {
		n, err := numberOf(v.Balance)
		if err != nil {
			resp.Diagnostics.AddError("Could not record a balance", fmt.Sprintf("variant %s of product %s: %s", v.VariantUUID, v.ProductUUID, err))
			return
		}
		cfg.Balances = append(cfg.Balances, balanceModel{ProductUUID: v.ProductUUID, VariantUUID: v.VariantUUID, Balance: types.NumberValue(n)})
	}
	slices.SortFunc(cfg.Balances, func(a, b balanceModel) int {
		return strings.Compare(a.ProductUUID+a.VariantUUID, b.ProductUUID+b.VariantUUID)
	})
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// location resolves the selected location to its UUID and type.
func (d *balancesDataSource) location(ctx context.Context, client *zettle.Client, cfg balancesModel) (zettle.Location, diag.Diagnostics) {
	var diags diag.Diagnostics
	locs, err := client.CachedLocations(ctx)
	if err != nil {
		diags.AddError("Could not list the organization's locations", err.Error())
		return zettle.Location{}, diags
	}
	if t := cfg.LocationType.ValueString(); t != "" {
		loc, _ := locs.ByType(t)
		return loc, diags
	}
	uuid, diags := d.data.requireLocation(ctx, cfg.LocationUUID.ValueString())
	if diags.HasError() {
		return zettle.Location{}, diags
	}
	loc, ok := locs.ByUUID(uuid)
	if !ok {
		store, _ := locs.ByType(zettle.LocationStore)
		diags.AddAttributeError(locationPath, "Unknown location",
			fmt.Sprintf("%s is not one of the organization's locations (its STORE location is %s).", uuid, store.UUID))
	}
	return loc, diags
}
