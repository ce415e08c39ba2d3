package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// The list resources of terraform query (Terraform 1.14): what the
// organization has, as import blocks with identities and, with
// -generate-config-out, the configuration that imports it moving nothing.
var (
	_ list.ListResourceWithConfigure = (*trackingList)(nil)
	_ list.ListResourceWithConfigure = (*lowStockList)(nil)
	_ list.ListResourceWithConfigure = (*subscriptionList)(nil)
	_ list.ListResourceWithConfigure = (*categoryList)(nil)
	_ list.ListResourceWithConfigure = (*productList)(nil)
)

func newTrackingList() list.ListResource     { return &trackingList{} }
func newLowStockList() list.ListResource     { return &lowStockList{} }
func newSubscriptionList() list.ListResource { return &subscriptionList{} }
func newCategoryList() list.ListResource     { return &categoryList{} }
func newProductList() list.ListResource      { return &productList{} }

// listBase is what every list resource keeps: the provider's data.
type listBase struct{ data *providerData }

func (l *listBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// listed is one thing found: its identity and, when asked for, its state,
// each as attribute values by name.
type listed struct {
	name     string
	identity map[string]any
	state    map[string]any
}

// stream turns what was found, or the error that stopped it, into results.
func stream(ctx context.Context, req list.ListRequest, found []listed, diags diag.Diagnostics) func(func(list.ListResult) bool) {
	if diags.HasError() {
		return list.ListResultsStreamDiagnostics(diags)
	}
	return func(push func(list.ListResult) bool) {
		for i, f := range found {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			result.DisplayName = f.name
			for name, v := range f.identity {
				result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root(name), v)...)
			}
			if req.IncludeResource {
				for name, v := range f.state {
					result.Diagnostics.Append(result.Resource.SetAttribute(ctx, path.Root(name), v)...)
				}
			}
			if !push(result) {
				return
			}
		}
	}
}

// locationConfig is the config of a list of what is kept at a location.
type locationConfig struct {
	LocationUUID types.String `tfsdk:"location_uuid"`
}

func locationListSchema(what string) listschema.Schema {
	return listschema.Schema{
		MarkdownDescription: "Lists " + what + ", for `terraform query` (Terraform 1.14 and later).",
		Attributes: map[string]listschema.Attribute{
			"location_uuid": listschema.StringAttribute{
				MarkdownDescription: "The STORE location (inventory) to list at; the provider's location when left out.",
				Optional:            true,
				Validators:          []validator.String{uuidValidator()},
			},
		},
	}
}

// location is the STORE location a list's config names (none names the
// provider's), checked to be one.
func (l *listBase) location(ctx context.Context, req list.ListRequest, cfg any, named func() string, diags *diag.Diagnostics) (*zettle.Client, string) {
	client := load(ctx, l.data, req.Config, cfg, diags)
	if client == nil {
		return nil, ""
	}
	location, d := l.data.requireLocation(ctx, named())
	diags.Append(d...)
	if !diags.HasError() && !l.data.checkStore(ctx, location, diags) {
		return nil, ""
	}
	return client, location
}

// listAtLocation streams what find lists at the STORE location the config
// names, or the provider's; find gets the products' names, for display.
func (l *listBase) listAtLocation(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream, what string, configurable bool,
	find func(ctx context.Context, client *zettle.Client, location string, names map[string]string) ([]listed, error),
) {
	var diags diag.Diagnostics
	var found []listed
	var cfg locationConfig
	var into any = &struct{}{}
	if configurable {
		into = &cfg
	}
	if client, location := l.location(ctx, req, into, func() string { return cfg.LocationUUID.ValueString() }, &diags); !diags.HasError() {
		var err error
		if found, err = find(ctx, client, location, productNames(ctx, client)); err != nil {
			diags.AddError("Could not list "+what, err.Error())
		}
	}
	resp.Results = stream(ctx, req, found, diags)
}

// productNames names the library's products by UUID, for display; none
// when the library cannot be read, which a listing does without.
func productNames(ctx context.Context, client *zettle.Client) map[string]string {
	names := map[string]string{}
	library, err := client.Library(ctx)
	if err != nil {
		return names
	}
	for _, p := range library {
		names[p.UUID] = p.Name
	}
	return names
}

func displayName(names map[string]string, product string, rest ...string) string {
	name := product
	if n := names[product]; n != "" {
		name = fmt.Sprintf("%s (%s)", n, product)
	}
	for _, r := range rest {
		name += " / " + r
	}
	return name
}

// trackingList lists the tracked products.
type trackingList struct{ listBase }

func (l *trackingList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventory_tracking"
}

// A tracked product's identity is its product alone, and an import by it
// takes the provider's location: so the list is the provider's location's,
// and another inventory is listed through a provider with its location_uuid.
func (l *trackingList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists every tracked product, with its balances at the provider's STORE location, for `terraform query` " +
			"(Terraform 1.14 and later). To list at another STORE inventory, use a provider configuration (an alias) whose " +
			"`location_uuid` names it: the imports then go through the same provider, and keep that location.",
	}
}

func (l *trackingList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	l.listAtLocation(ctx, req, resp, "the tracked products", false, func(ctx context.Context, client *zettle.Client, location string, names map[string]string) ([]listed, error) {
		lookup, err := client.TrackedProducts(ctx, location)
		if err != nil {
			return nil, err
		}
		var found []listed
		for _, product := range slices.Sorted(slices.Values(lookup.TrackedProducts)) {
			balances, diags := balancesValue(lookup.ProductBalances(product))
			if diags.HasError() {
				return nil, fmt.Errorf("the balances of product %s: %v", product, diags)
			}
			found = append(found, listed{
				name:     displayName(names, product),
				identity: map[string]any{"product_uuid": product},
				state: map[string]any{
					"id": product, "product_uuid": product, "location_uuid": lookup.LocationUUID, "balances": balances,
				},
			})
		}
		return found, nil
	})
}

// lowStockList lists the low-stock settings at a location.
type lowStockList struct{ listBase }

func (l *lowStockList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_inventory_low_stock"
}

func (l *lowStockList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = locationListSchema("every variant's custom low-stock setting at a STORE location")
}

func (l *lowStockList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	l.listAtLocation(ctx, req, resp, "the low-stock settings", true, func(ctx context.Context, client *zettle.Client, location string, names map[string]string) ([]listed, error) {
		settings, err := client.LowStockSettings(ctx, location)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(settings, func(a, b zettle.LowStock) int {
			return strings.Compare(a.ProductUUID+a.VariantUUID, b.ProductUUID+b.VariantUUID)
		})
		var found []listed
		for _, s := range settings {
			found = append(found, listed{
				name:     displayName(names, s.ProductUUID, s.VariantUUID),
				identity: map[string]any{"location_uuid": location, "product_uuid": s.ProductUUID, "variant_uuid": s.VariantUUID},
				state: map[string]any{
					"id": location + "/" + s.ProductUUID + "/" + s.VariantUUID, "location_uuid": location,
					"product_uuid": s.ProductUUID, "variant_uuid": s.VariantUUID,
					"low_stock_level": types.Float64PointerValue(s.Level), "low_stock_alert": s.Alert,
				},
			})
		}
		return found, nil
	})
}

// subscriptionList lists the webhook subscriptions.
type subscriptionList struct{ listBase }

func (l *subscriptionList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_subscription"
}

func (l *subscriptionList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{MarkdownDescription: "Lists every webhook subscription, for `terraform query` (Terraform 1.14 and later)."}
}

func (l *subscriptionList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	var diags diag.Diagnostics
	var found []listed
	if client := load(ctx, l.data, req.Config, &struct{}{}, &diags); client != nil {
		subs, err := client.Subscriptions(ctx)
		if err != nil {
			diags.AddError("Could not list the webhook subscriptions", err.Error())
		}
		for _, s := range subs {
			var m webhookSubscriptionModel
			m.set(s, true)
			found = append(found, listed{
				name:     s.Destination + " (" + s.UUID + ")",
				identity: map[string]any{"id": s.UUID},
				state: map[string]any{
					"id": m.ID, "event_names": m.EventNames, "destination": m.Destination, "contact_email": m.ContactEmail,
					// The signing key is left to the import's read: a
					// listing shows what there is, not its secrets.
					"status": m.Status, "updated": m.Updated,
				},
			})
		}
	}
	resp.Results = stream(ctx, req, found, diags)
}

// categoryList lists the Product Library's categories.
type categoryList struct{ listBase }

func (l *categoryList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_category"
}

func (l *categoryList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{MarkdownDescription: "Lists every product category of the Product Library, for `terraform query` (Terraform 1.14 and later)."}
}

func (l *categoryList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	var diags diag.Diagnostics
	var found []listed
	if client := load(ctx, l.data, req.Config, &struct{}{}, &diags); client != nil {
		categories, err := client.Categories(ctx)
		if err != nil {
			diags.AddError("Could not list the categories", err.Error())
		}
		for _, c := range slices.SortedFunc(slices.Values(categories), func(a, b zettle.Category) int { return strings.Compare(a.Name+a.UUID, b.Name+b.UUID) }) {
			found = append(found, listed{
				name: c.Name + " (" + c.UUID + ")", identity: map[string]any{"id": c.UUID}, state: map[string]any{"id": c.UUID, "name": c.Name},
			})
		}
	}
	resp.Results = stream(ctx, req, found, diags)
}

// productList lists the Product Library's products.
type productList struct{ listBase }

func (l *productList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_product"
}

func (l *productList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{MarkdownDescription: "Lists every product of the Product Library, with its variants keyed by SKU " +
		"(or name, or UUID, where a SKU is missing or shared), for `terraform query` (Terraform 1.14 and later)."}
}

func (l *productList) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	var diags diag.Diagnostics
	var found []listed
	if client := load(ctx, l.data, req.Config, &struct{}{}, &diags); client != nil {
		library, err := client.Library(ctx)
		var org zettle.Organization
		if err == nil && len(library) > 0 {
			org, err = client.Organization(ctx)
		}
		if err != nil {
			diags.AddError("Could not list the products", err.Error())
		}
		for _, p := range library {
			if diags.HasError() {
				break
			}
			m := productResourceModel{Variants: types.MapNull(types.ObjectType{AttrTypes: variantAttrTypes})}
			diags.Append(m.set(p, org.Currency)...)
			found = append(found, listed{
				name:     displayName(map[string]string{p.UUID: p.Name}, p.UUID),
				identity: map[string]any{"id": p.UUID},
				state: map[string]any{
					"id": m.ID, "name": m.Name, "description": m.Description, "unit_name": m.UnitName, "category_id": m.CategoryID,
					"vat_percentage": m.VatPercentage, "currency": m.Currency, "variants": m.Variants,
				},
			})
		}
	}
	resp.Results = stream(ctx, req, found, diags)
}
