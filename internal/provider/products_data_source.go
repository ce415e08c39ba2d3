package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
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
	_ datasource.DataSourceWithConfigure        = (*productsDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*productDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*productDataSource)(nil)
)

func newProductsDataSource() datasource.DataSource { return &productsDataSource{} }
func newProductDataSource() datasource.DataSource  { return &productDataSource{} }

// productsDataSource lists the products of the Product Library that its
// filters pick; productDataSource picks exactly one.
type productsDataSource struct{ data *providerData }
type productDataSource struct{ data *providerData }

// productFilterModel holds the filters both data sources take.
type productFilterModel struct {
	Name     types.String `tfsdk:"name"`
	Category types.String `tfsdk:"category"`
	SKU      types.String `tfsdk:"sku"`
	Barcode  types.String `tfsdk:"barcode"`
}

type productsModel struct {
	productFilterModel
	Products []productModel `tfsdk:"products"`
}

// productDataModel is one product: the filters, of which uuid, name and
// category are filled from the product found.
type productDataModel struct {
	UUID types.String `tfsdk:"uuid"`
	productFilterModel
	Variants []variantModel `tfsdk:"variants"`
}

type productModel struct {
	UUID     types.String   `tfsdk:"uuid"`
	Name     types.String   `tfsdk:"name"`
	Category types.String   `tfsdk:"category"`
	Variants []variantModel `tfsdk:"variants"`
}

type variantModel struct {
	UUID    types.String `tfsdk:"uuid"`
	Name    types.String `tfsdk:"name"`
	SKU     types.String `tfsdk:"sku"`
	Barcode types.String `tfsdk:"barcode"`
	Price   *priceModel  `tfsdk:"price"`
}

type priceModel struct {
	Amount   types.Int64  `tfsdk:"amount"`
	Currency types.String `tfsdk:"currency"`
}

// filter is the zettle filter of m's filters; uuid is "" or the UUID to pick.
func (m productFilterModel) filter(uuid types.String) zettle.ProductFilter {
	return zettle.ProductFilter{
		UUID: uuid.ValueString(), Name: m.Name.ValueString(), Category: m.Category.ValueString(),
		SKU: m.SKU.ValueString(), Barcode: m.Barcode.ValueString(),
	}
}

// describe names the filters that are set, as the configuration writes them.
func (m productFilterModel) describe(uuid types.String) string {
	var parts []string
	for _, f := range []struct {
		name  string
		value types.String
	}{{"uuid", uuid}, {"name", m.Name}, {"category", m.Category}, {"sku", m.SKU}, {"barcode", m.Barcode}} {
		if !f.value.IsNull() {
			parts = append(parts, fmt.Sprintf("%s = %q", f.name, f.value.ValueString()))
		}
	}
	if len(parts) == 0 {
		return "no filter"
	}
	return strings.Join(parts, " and ")
}

func (d *productsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_products"
}

func (d *productDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_product"
}

// libraryNote says where the products come from, and what reading them costs.
const libraryNote = "The products come from the Product Library (`products_url`), read once per Terraform run, page by page, " +
	"and shared by every `zettle_products` and `zettle_product` of the run; it needs the `READ:PRODUCT` scope. Filters match " +
	"exactly, case included, and all of those set must match. Use the lookups for a catalogue kept in the back office or by " +
	"another integration; a catalogue this configuration owns is declared with `zettle_product` and `zettle_category` instead " +
	"(see [A shop from scratch](../guides/shop-from-scratch.md)), whose attributes give the same UUIDs."

// filterAttributes are the filters, computed too where the result fills them.
func filterAttributes(what string, computed bool) map[string]schema.Attribute {
	notEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	category := "The name of the product's category. Picks " + what + " in that category."
	if computed {
		category += " Null when the product found is in none."
	}
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			MarkdownDescription: "The product's name, as the back office shows it. Picks " + what + " of that name.",
			Optional:            true, Computed: computed, Validators: notEmpty,
		},
		"category": schema.StringAttribute{
			MarkdownDescription: category,
			Optional:            true, Computed: computed, Validators: notEmpty,
		},
		"sku": schema.StringAttribute{
			MarkdownDescription: "A variant's SKU. Picks " + what + " with a variant of that SKU; with `barcode`, that variant must have both.",
			Optional:            true, Validators: notEmpty,
		},
		"barcode": schema.StringAttribute{
			MarkdownDescription: "A variant's barcode (EAN, UPC, ...). Picks " + what + " with a variant of that barcode.",
			Optional:            true, Validators: notEmpty,
		},
	}
}

// productResultAttributes are the attributes of one product found.
func productResultAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"uuid": schema.StringAttribute{MarkdownDescription: "The product's UUID: `product_uuid` of the inventory resources.", Computed: true},
		"name": schema.StringAttribute{MarkdownDescription: "The product's name.", Computed: true},
		"category": schema.StringAttribute{
			MarkdownDescription: "The name of the product's category, or null when it has none.", Computed: true,
		},
		"variants": variantsAttribute(),
	}
}

func variantsAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: "The product's variants, in the library's order: what is actually sold, and what stock is kept of. " +
			"Their UUIDs are the keys of `initial_balances` and the `variant_uuid` of the low-stock resource.",
		Computed: true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"uuid":    schema.StringAttribute{MarkdownDescription: "The variant's UUID.", Computed: true},
			"name":    schema.StringAttribute{MarkdownDescription: "The variant's name; null when it has none, as a product's only variant often has not.", Computed: true},
			"sku":     schema.StringAttribute{MarkdownDescription: "The variant's SKU, or null.", Computed: true},
			"barcode": schema.StringAttribute{MarkdownDescription: "The variant's barcode, or null.", Computed: true},
			"price": schema.SingleNestedAttribute{
				MarkdownDescription: "The variant's price, or null when it has none.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"amount":   schema.Int64Attribute{MarkdownDescription: "In the currency's minor units: `9900` SEK is 99 kronor.", Computed: true},
					"currency": schema.StringAttribute{MarkdownDescription: "The ISO 4217 currency code, such as `SEK`.", Computed: true},
				},
			},
		}},
	}
}

func (d *productsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := filterAttributes("the products", false)
	attrs["products"] = schema.ListNestedAttribute{
		MarkdownDescription: "The products the filters pick, in the library's order; all of them without a filter, and an " +
			"empty list when none matches.",
		Computed:     true,
		NestedObject: schema.NestedAttributeObject{Attributes: productResultAttributes()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Products of the Zettle Product Library, picked by name, category, SKU or barcode: the product and " +
			"variant UUIDs that the inventory resources take, without pasting them. " + libraryNote,
		Attributes: attrs,
	}
}

func (d *productDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := filterAttributes("the product", true)
	attrs["uuid"] = schema.StringAttribute{
		MarkdownDescription: "The product's UUID: `product_uuid` of the inventory resources. Picks the product of that UUID when set.",
		Optional:            true, Computed: true, Validators: []validator.String{uuidValidator()},
	}
	attrs["variants"] = variantsAttribute()
	resp.Schema = schema.Schema{
		MarkdownDescription: "One product of the Zettle Product Library, picked by UUID, name, category, SKU or barcode; the filters " +
			"must pick exactly one product, or the plan fails naming them. " + libraryNote,
		Attributes: attrs,
	}
}

func (d *productDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.AtLeastOneOf(
		path.MatchRoot("uuid"), path.MatchRoot("name"), path.MatchRoot("category"), path.MatchRoot("sku"), path.MatchRoot("barcode"),
	)}
}

func (d *productsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *productDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *productsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg productsModel
	library, ok := d.data.readLibrary(ctx, req, &cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	cfg.Products = []productModel{}
	for _, p := range cfg.filter(types.StringNull()).Filter(library) {
		cfg.Products = append(cfg.Products, productModelOf(p))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// maxNamed is how many of the products that match a lookup meant for one
// its error names.
const maxNamed = 5

func (d *productDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg productDataModel
	library, ok := d.data.readLibrary(ctx, req, &cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	found := cfg.filter(cfg.UUID).Filter(library)
	switch {
	case len(found) == 0:
		resp.Diagnostics.AddError("No product matches",
			fmt.Sprintf("None of the %d products of the Product Library has %s.", len(library), cfg.describe(cfg.UUID)))
		return
	case len(found) > 1:
		var named []string
		for _, p := range found[:min(len(found), maxNamed)] {
			named = append(named, fmt.Sprintf("%q (%s)", p.Name, p.UUID))
		}
		if len(found) > maxNamed {
			named = append(named, fmt.Sprintf("and %d more", len(found)-maxNamed))
		}
		resp.Diagnostics.AddError("Several products match",
			fmt.Sprintf("%d products have %s: %s. zettle_product needs exactly one: add a filter (uuid, name, category, sku or "+
				"barcode), or use zettle_products to get them all.", len(found), cfg.describe(cfg.UUID), strings.Join(named, ", ")))
		return
	}
	p := productModelOf(found[0])
	cfg.UUID, cfg.Name, cfg.Category, cfg.Variants = p.UUID, p.Name, p.Category, p.Variants
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// readLibrary reads a data source's configuration into m, then the Product
// Library, once per run.
func (d *providerData) readLibrary(ctx context.Context, req datasource.ReadRequest, m any, diags *diag.Diagnostics) ([]zettle.Product, bool) {
	client := load(ctx, d, req.Config, m, diags)
	if client == nil {
		return nil, false
	}
	library, err := client.Library(ctx)
	if err != nil {
		diags.AddError("Could not read the Product Library", err.Error())
		return nil, false
	}
	return library, true
}

func productModelOf(p zettle.Product) productModel {
	m := productModel{
		UUID: types.StringValue(p.UUID), Name: types.StringValue(p.Name), Category: optionalString(p.CategoryName()),
		Variants: []variantModel{},
	}
	for _, v := range p.Variants {
		vm := variantModel{UUID: types.StringValue(v.UUID), Name: optionalString(v.Name), SKU: optionalString(v.SKU), Barcode: optionalString(v.Barcode)}
		if v.Price != nil {
			vm.Price = &priceModel{Amount: types.Int64Value(v.Price.Amount), Currency: types.StringValue(v.Price.Currency)}
		}
		m.Variants = append(m.Variants, vm)
	}
	return m
}

// optionalString is s, or null when s is "".
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
