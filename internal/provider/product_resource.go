package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

var (
	_ resource.ResourceWithConfigure      = (*productResource)(nil)
	_ resource.ResourceWithImportState    = (*productResource)(nil)
	_ resource.ResourceWithIdentity       = (*productResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*productResource)(nil)
	_ resource.ResourceWithValidateConfig = (*productResource)(nil)
)

func newProductResource() resource.Resource { return &productResource{} }

// productResource is a product of the Product Library, with its variants.
type productResource struct {
	data *providerData
}

type productResourceModel struct {
	ID            types.String   `tfsdk:"id"`
	Name          types.String   `tfsdk:"name"`
	Description   types.String   `tfsdk:"description"`
	UnitName      types.String   `tfsdk:"unit_name"`
	CategoryID    types.String   `tfsdk:"category_id"`
	VatPercentage types.Number   `tfsdk:"vat_percentage"`
	Currency      types.String   `tfsdk:"currency"`
	Variants      types.Map      `tfsdk:"variants"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

type variantResourceModel struct {
	UUID        types.String `tfsdk:"uuid"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	SKU         types.String `tfsdk:"sku"`
	Barcode     types.String `tfsdk:"barcode"`
	Price       types.Number `tfsdk:"price"`
	CostPrice   types.Number `tfsdk:"cost_price"`
	Options     types.Map    `tfsdk:"options"`
}

// Limits of the Product Library, as the sandbox and the live service check
// them; checked at plan time.
const (
	maxProductName        = 256
	maxProductDescription = 1024
	maxUnitName           = 32
	maxVariants           = 99
	maxVariantName        = 256
	maxSKU                = 64
	maxBarcode            = 128
)

var variantAttrTypes = map[string]attr.Type{
	"uuid": types.StringType, "name": types.StringType, "description": types.StringType, "sku": types.StringType,
	"barcode": types.StringType, "price": types.NumberType, "cost_price": types.NumberType, "options": types.MapType{ElemType: types.StringType},
}

var variantsPath = path.Root("variants")

func (r *productResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_product"
}

func (r *productResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(productIdentity...)
}

func optionalLimitedString(description string, limit int) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("%s, at most %d characters.", description, limit),
		Optional:            true,
		Validators:          []validator.String{stringvalidator.LengthBetween(1, limit)},
	}
}

func (r *productResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A product of the Zettle Product Library, with its variants (what is actually sold, each with its SKU, " +
			"barcode and price). The provider chooses every UUID, as the Product Library asks its clients to, so that a create whose " +
			"answer was lost is found again and never made twice. " +
			"A change is sent in place, as a JSON merge patch of only what changed, and only if Zettle still has the product as the " +
			"plan read it: a product edited in the back office since then fails the apply, asking for a new plan, and is never " +
			"overwritten. Edits made in the back office show in the next plan as changes that bring the product back to the " +
			"configuration.\n\n" +
			"Prices are in the organization's currency (`currency`), in major units (`49.90`), exact decimals converted to the " +
			"API's minor units without rounding: a price with more decimal places than the currency has fails the plan.\n\n" +
			"Tax: `vat_percentage` is the product's VAT rate, for organizations taxed by VAT (every market Zettle serves); left " +
			"out, the organization's default rate applies. Sales-tax rates (`taxRates`) are not managed.\n\n" +
			"**Destroy**: a product whose inventory is tracked is never deleted. Destroy its `zettle_inventory_tracking` first " +
			"(when both are in one configuration, Terraform does: the tracking names the product, so it is destroyed before it), or " +
			"stop tracking in the back office; the destroy fails, naming the product, and no stock moves. Products destroyed " +
			"together are deleted in bulk requests. Likewise, an update that removes variants of a tracked product that hold stock at " +
			"the STORE location fails, changing nothing.\n\n" +
			"See the guide [A shop from scratch](../guides/shop-from-scratch.md).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The product's UUID, a version 1 UUID that the provider chooses.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The product's name, 1 to %d characters.", maxProductName),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxProductName), notBlank()},
			},
			"description": optionalLimitedString("The product's description", maxProductDescription),
			"unit_name":   optionalLimitedString("The unit the product is sold in, such as `kg`", maxUnitName),
			"category_id": schema.StringAttribute{
				MarkdownDescription: "The UUID of the product's category, such as a `zettle_category`'s `id`; left out, the product has none.",
				Optional:            true,
				Validators:          []validator.String{uuidValidator()},
			},
			"vat_percentage": schema.NumberAttribute{
				MarkdownDescription: "The product's VAT rate in percent, from 0 to 100, such as `25` or `12.5`; left out, the organization's default.",
				Optional:            true,
				Validators:          []validator.Number{decimalBetween{min: decimal.Zero, max: decimal.NewFromInt(100), what: "a VAT rate in percent"}},
			},
			"currency": schema.StringAttribute{
				MarkdownDescription: "The organization's currency (ISO 4217, such as `SEK`), in which every price is; read from Zettle, never assumed.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"variants": schema.MapNestedAttribute{
				MarkdownDescription: fmt.Sprintf("The product's variants, 1 to %d, by a key of the configuration's choosing (such as "+
					"the SKU, or `\"250g\"`). The key is the variant's identity: each keeps its UUID while variants are added, removed or "+
					"reordered, so that `initial_balances` and low-stock settings keyed by variant UUID do not change. A key renamed "+
					"is a variant removed and another added. An imported product's variants are keyed by SKU, or, where a SKU is "+
					"missing or shared, by name, or else by UUID.", maxVariants),
				Required:   true,
				Validators: []validator.Map{mapvalidator.SizeBetween(1, maxVariants)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uuid": schema.StringAttribute{
						MarkdownDescription: "The variant's UUID, a version 1 UUID that the provider chooses when it creates the variant, and which the variant keeps.",
						Computed:            true,
						PlanModifiers:       []planmodifier.String{keepVariantUUID{}},
					},
					"name":        optionalLimitedString("The variant's name, such as `Large`", maxVariantName),
					"description": optionalLimitedString("The variant's description", maxProductDescription),
					"sku":         optionalLimitedString("The variant's SKU, unique within the product (checked at plan time)", maxSKU),
					"barcode":     optionalLimitedString("The variant's barcode (EAN, UPC or any other)", maxBarcode),
					"price": schema.NumberAttribute{
						MarkdownDescription: "The variant's price in the organization's currency, in major units (`49.90`), with no more " +
							"decimal places than the currency has (checked at plan time); left out, it is priced at the till.",
						Optional:   true,
						Validators: []validator.Number{decimalBetween{min: decimal.Zero, max: maxPrice, what: "a price"}},
					},
					"cost_price": schema.NumberAttribute{
						MarkdownDescription: "What the variant costs the merchant, in the same currency and form as `price`.",
						Optional:            true,
						Validators:          []validator.Number{decimalBetween{min: decimal.Zero, max: maxPrice, what: "a price"}},
					},
					"options": schema.MapAttribute{
						MarkdownDescription: "The variant's options, option name → value, such as `{ Size = \"Large\" }`.",
						Optional:            true,
						ElementType:         types.StringType,
						Validators:          []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthBetween(1, maxVariantName))},
					},
				}},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

// maxPrice bounds a price in major units: its minor units must stay exact in
// the API's 64-bit integers, and far from their limit.
var maxPrice = decimal.New(1, 12)

func (r *productResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses two variants with one SKU: the POS app could not
// tell them apart at the till.
func (r *productResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var variants types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, variantsPath, &variants)...)
	if resp.Diagnostics.HasError() || variants.IsNull() || variants.IsUnknown() {
		return
	}
	bySKU := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(variants.Elements())) {
		obj, ok := variants.Elements()[key].(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		sku, ok := obj.Attributes()["sku"].(types.String)
		if !ok || sku.IsNull() || sku.IsUnknown() {
			continue
		}
		if other, taken := bySKU[sku.ValueString()]; taken {
			resp.Diagnostics.AddAttributeError(variantsPath.AtMapKey(key).AtName("sku"), "Duplicate SKU",
				fmt.Sprintf("variants[%q].sku: %q is the SKU of variants[%q] too; each variant of a product needs its own.", key, sku.ValueString(), other))
			continue
		}
		bySKU[sku.ValueString()] = key
	}
}

// ModifyPlan fills in the organization's currency, against which it checks
// every price.
func (r *productResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var variants types.Map
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, variantsPath, &variants)...)
	if resp.Diagnostics.HasError() || variants.IsUnknown() || variants.IsNull() {
		return
	}
	var currency types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("currency"), &currency)...)
	if currency.IsUnknown() && r.data != nil && r.data.client != nil {
		org, err := r.data.client.Organization(ctx)
		if err != nil {
			resp.Diagnostics.AddError("Could not read the organization's currency", err.Error())
			return
		}
		currency = types.StringValue(org.Currency)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("currency"), currency)...)
	}
	if currency.IsUnknown() || resp.Diagnostics.HasError() {
		return
	}
	for key, v := range variants.Elements() {
		obj, ok := v.(types.Object)
		if !ok || obj.IsUnknown() {
			continue
		}
		for _, name := range []string{"price", "cost_price"} {
			n, ok := obj.Attributes()[name].(types.Number)
			if !ok || n.IsNull() || n.IsUnknown() {
				continue
			}
			if _, err := minorUnits(n, currency.ValueString()); err != nil {
				resp.Diagnostics.AddAttributeError(variantsPath.AtMapKey(key).AtName(name), "Invalid price",
					fmt.Sprintf("variants[%q].%s: %s.", key, name, err))
			}
		}
	}
}

func minorUnits(n types.Number, currency string) (*zettle.Price, error) {
	if n.IsNull() {
		return nil, nil
	}
	d, err := decimalOf(n.ValueBigFloat())
	if err != nil {
		return nil, err
	}
	amount, err := zettle.ToMinorUnits(d, currency)
	if err != nil {
		return nil, err
	}
	return &zettle.Price{Amount: amount, Currency: currency}, nil
}

// decimalOf is the decimal a Terraform number was written as.
func decimalOf(n *big.Float) (decimal.Decimal, error) {
	if n == nil || n.IsInf() {
		return decimal.Decimal{}, fmt.Errorf("%v is not a finite number", n)
	}
	return decimal.NewFromString(n.Text('f', -1))
}

// numberOfDecimal is a decimal as a Terraform number.
func numberOfDecimal(d decimal.Decimal) types.Number {
	n, _ := new(big.Float).SetPrec(numberPrecision).SetString(d.String())
	return types.NumberValue(n)
}

// product is the product the model declares, with its variants in the order
// of their keys. A product or variant whose UUID is not known yet (one to
// create) gets a new one, in m too.
func (m *productResourceModel) product(ctx context.Context) (zettle.Product, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m.ID.IsUnknown() {
		m.ID = newLibraryUUID(&diags)
	}
	p := zettle.Product{UUID: m.ID.ValueString(), Name: m.Name.ValueString(), Description: m.Description.ValueString(), UnitName: m.UnitName.ValueString()}
	if !m.CategoryID.IsNull() {
		p.Category = &zettle.Category{UUID: m.CategoryID.ValueString()}
	}
	if !m.VatPercentage.IsNull() {
		vat, err := decimalOf(m.VatPercentage.ValueBigFloat())
		if err != nil {
			diags.AddAttributeError(path.Root("vat_percentage"), "Invalid VAT rate", err.Error())
		}
		p.VatPercentage = &vat
	}
	variants := map[string]variantResourceModel{}
	diags.Append(m.Variants.ElementsAs(ctx, &variants, false)...)
	currency := m.Currency.ValueString()
	for _, key := range slices.Sorted(maps.Keys(variants)) {
		vm := variants[key]
		if vm.UUID.IsUnknown() {
			vm.UUID = newLibraryUUID(&diags)
			variants[key] = vm
		}
		v := zettle.Variant{UUID: vm.UUID.ValueString(), Name: vm.Name.ValueString(), Description: vm.Description.ValueString(),
			SKU: vm.SKU.ValueString(), Barcode: vm.Barcode.ValueString()}
		var err error
		if v.Price, err = minorUnits(vm.Price, currency); err != nil {
			diags.AddAttributeError(variantsPath.AtMapKey(key).AtName("price"), "Invalid price", err.Error())
		}
		if v.CostPrice, err = minorUnits(vm.CostPrice, currency); err != nil {
			diags.AddAttributeError(variantsPath.AtMapKey(key).AtName("cost_price"), "Invalid price", err.Error())
		}
		options := map[string]string{}
		diags.Append(vm.Options.ElementsAs(ctx, &options, false)...)
		for _, name := range slices.Sorted(maps.Keys(options)) {
			v.Options = append(v.Options, zettle.Option{Name: name, Value: options[name]})
		}
		p.Variants = append(p.Variants, v)
	}
	withUUIDs, d := types.MapValueFrom(ctx, types.ObjectType{AttrTypes: variantAttrTypes}, variants)
	diags.Append(d...)
	m.Variants = withUUIDs
	return p, diags
}

func newLibraryUUID(diags *diag.Diagnostics) types.String {
	id, err := zettle.NewLibraryUUID()
	if err != nil {
		diags.AddError("Could not choose a UUID", err.Error())
	}
	return types.StringValue(id)
}

// set copies a product as Zettle keeps it into m. The variants keep the keys
// m has for their UUIDs; others get one (variantKeys).
func (m *productResourceModel) set(p zettle.Product, currency string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(p.UUID)
	m.Name = types.StringValue(p.Name)
	m.Description = stringOrNull(p.Description)
	m.UnitName = stringOrNull(p.UnitName)
	m.CategoryID = stringOrNull(p.CategoryUUID())
	m.VatPercentage = types.NumberNull()
	if p.VatPercentage != nil {
		m.VatPercentage = numberOfDecimal(*p.VatPercentage)
	}
	if m.Currency.IsNull() || m.Currency.IsUnknown() {
		m.Currency = types.StringValue(currency)
	}
	known := map[string]string{}
	for key, v := range m.Variants.Elements() {
		if obj, ok := v.(types.Object); ok {
			if id, ok := obj.Attributes()["uuid"].(types.String); ok && !id.IsNull() && !id.IsUnknown() {
				known[id.ValueString()] = key
			}
		}
	}
	keys := variantKeys(p.Variants, known)
	elems := map[string]attr.Value{}
	for i, v := range p.Variants {
		options := types.MapNull(types.StringType)
		if len(v.Options) > 0 {
			values := map[string]attr.Value{}
			for _, o := range v.Options {
				values[o.Name] = types.StringValue(o.Value)
			}
			options = types.MapValueMust(types.StringType, values)
		}
		obj, d := types.ObjectValue(variantAttrTypes, map[string]attr.Value{
			"uuid": types.StringValue(v.UUID), "name": stringOrNull(v.Name), "description": stringOrNull(v.Description),
			"sku": stringOrNull(v.SKU), "barcode": stringOrNull(v.Barcode),
			"price": priceNumber(v.Price, &diags), "cost_price": priceNumber(v.CostPrice, &diags), "options": options,
		})
		diags.Append(d...)
		elems[keys[i]] = obj
	}
	variants, d := types.MapValue(types.ObjectType{AttrTypes: variantAttrTypes}, elems)
	diags.Append(d...)
	m.Variants = variants
	return diags
}

func priceNumber(p *zettle.Price, diags *diag.Diagnostics) types.Number {
	if p == nil {
		return types.NumberNull()
	}
	d, err := zettle.FromMinorUnits(p.Amount, p.Currency)
	if err != nil {
		diags.AddError("Could not read a price", err.Error())
		return types.NumberNull()
	}
	return numberOfDecimal(d)
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// variantKeys gives each variant its key: the one known for its UUID, else
// its SKU, else its name, where that is not empty and no other variant's,
// else its UUID.
func variantKeys(variants []zettle.Variant, known map[string]string) []string {
	keys := make([]string, len(variants))
	taken := map[string]bool{}
	count := func(field func(zettle.Variant) string) map[string]int {
		n := map[string]int{}
		for _, v := range variants {
			n[field(v)]++
		}
		return n
	}
	skus, names := count(func(v zettle.Variant) string { return v.SKU }), count(func(v zettle.Variant) string { return v.Name })
	for i, v := range variants {
		if key, ok := known[v.UUID]; ok {
			keys[i] = key
			taken[key] = true
		}
	}
	for i, v := range variants {
		if keys[i] != "" {
			continue
		}
		switch {
		case v.SKU != "" && skus[v.SKU] == 1 && !taken[v.SKU]:
			keys[i] = v.SKU
		case v.Name != "" && names[v.Name] == 1 && !taken[v.Name]:
			keys[i] = v.Name
		default:
			keys[i] = v.UUID
		}
		taken[keys[i]] = true
	}
	return keys
}

func (r *productResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan productResourceModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if plan.Currency.IsUnknown() {
		org, err := client.Organization(ctx)
		if err != nil {
			resp.Diagnostics.AddError("Could not read the organization's currency", err.Error())
			return
		}
		plan.Currency = types.StringValue(org.Currency)
	}
	p, diags := plan.product(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := client.CreateProduct(ctx, p)
	if err != nil && zettle.MayHaveApplied(err) && !errors.Is(err, zettle.ErrProductNotCreated) {
		// It may exist: saved, tainted, under its UUID, so that the next
		// run finds it (and replaces it) or finds it gone, and never
		// creates a second beside it.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setIdentity(ctx, resp.State, resp.Identity, productIdentity, &resp.Diagnostics)
		resp.Diagnostics.AddError("The product may have been created",
			fmt.Sprintf("%s. It is saved in state as tainted under its UUID %s: the next apply finds whether Zettle has it, and replaces it "+
				"or creates it; it never makes a second one.", err, p.UUID))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not create the product "+p.Name, err.Error())
		return
	}
	r.data.stock.ProductCreated(p.UUID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, productIdentity, &resp.Diagnostics)
}

// stored finds a product in the Product Library, read once per run; one the
// library leaves out is read on its own before it is taken to be gone, so
// that a listing cut short never makes the plan create it again.
func stored(ctx context.Context, client *zettle.Client, id string) (zettle.Product, bool, error) {
	library, err := client.Library(ctx)
	if err != nil {
		return zettle.Product{}, false, err
	}
	if found := (zettle.ProductFilter{UUID: id}).Filter(library); len(found) > 0 {
		return found[0], true, nil
	}
	p, ok, err := client.Product(ctx, id)
	return p.Product, ok, err
}

func (r *productResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	setIdentity(ctx, req.State, resp.Identity, productIdentity, &resp.Diagnostics)
	var state productResourceModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()
	p, ok, err := stored(ctx, client, id)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the product "+id, err.Error())
		return
	}
	if !ok {
		tflog.Warn(ctx, "Product no longer exists in the Product Library; removing it from state", map[string]any{"uuid": id})
		resp.State.RemoveResource(ctx)
		return
	}
	currency := state.Currency.ValueString()
	if currency == "" {
		org, err := client.Organization(ctx)
		if err != nil {
			resp.Diagnostics.AddError("Could not read the organization's currency", err.Error())
			return
		}
		currency = org.Currency
	}
	resp.Diagnostics.Append(state.set(p, currency)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *productResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state productResourceModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if client == nil || resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	was, diags := state.product(ctx)
	resp.Diagnostics.Append(diags...)
	want, diags := plan.product(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var held *stock.VariantStockError
	if err := r.data.stock.CheckVariantsRemovable(ctx, want.UUID, removedVariants(was, want)); errors.As(err, &held) {
		resp.Diagnostics.AddAttributeError(variantsPath, "Variants to remove hold stock",
			fmt.Sprintf("%s. Nothing was changed: move their stock out first (for example with the zettle_stock_count action), or keep "+
				"the variants.", err))
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Could not update the product "+want.UUID, err.Error()+"; nothing was changed.")
		return
	}
	if err := client.UpdateProduct(ctx, was, want); err != nil {
		if errors.Is(err, zettle.ErrProductChanged) {
			resp.Diagnostics.AddError("The product changed in Zettle since the plan",
				fmt.Sprintf("%s. Nothing was changed: run terraform plan again, which shows the product as Zettle has it now, and apply "+
					"that plan.", err))
			return
		}
		resp.Diagnostics.AddError("Could not update the product "+want.UUID, err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, productIdentity, &resp.Diagnostics)
}

// removedVariants are the UUIDs of was's variants that want leaves out.
func removedVariants(was, want zettle.Product) []string {
	var out []string
	for _, v := range was.Variants {
		if _, kept := want.Variant(v.UUID); !kept {
			out = append(out, v.UUID)
		}
	}
	return out
}

// Delete deletes the product, unless its inventory is tracked: deleting it
// would end the tracking outside the plan, its stock with it.
func (r *productResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state productResourceModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	id := state.ID.ValueString()
	var tracked *stock.TrackedProductError
	if err := r.data.stock.CheckDeletable(ctx, id); errors.As(err, &tracked) {
		resp.Diagnostics.AddError("The product's inventory is tracked",
			fmt.Sprintf("Product %q (%s) was not deleted: %s. Destroy its zettle_inventory_tracking first (in one configuration with the "+
				"product, Terraform does that), or stop tracking it in the Zettle back office, then destroy the product.", state.Name.ValueString(), id, err))
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Could not delete the product "+id, err.Error()+"; it was not deleted.")
		return
	}
	if err := client.DeleteProduct(ctx, id); err != nil {
		resp.Diagnostics.AddError("Could not delete the product "+id, err.Error())
	}
}

// ImportState takes the product's UUID, as the ID or the identity's id; Read
// fills in the rest, keying the variants by SKU, name or UUID.
func (r *productResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importID(ctx, req, productIdentity, &resp.Diagnostics)
	if err := checkUUID(id); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%s: import a product by its UUID.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, variantsPath, types.MapNull(types.ObjectType{AttrTypes: variantAttrTypes}))...)
}

// keepVariantUUID keeps a variant's UUID from state. A variant new to the
// product has none there: its UUID stays unknown, to be chosen at apply.
// (UseStateForUnknown would plan null for it, since the product itself has
// a state.)
type keepVariantUUID struct{}

func (keepVariantUUID) Description(context.Context) string {
	return "a variant keeps its UUID; a new one is known after apply"
}

func (m keepVariantUUID) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepVariantUUID) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	resp.PlanValue = req.StateValue
}

// decimalBetween checks, at plan time, that a number is from min to max.
type decimalBetween struct {
	min, max decimal.Decimal
	what     string
}

func (v decimalBetween) Description(context.Context) string {
	return fmt.Sprintf("must be %s from %s to %s", v.what, v.min, v.max)
}

func (v decimalBetween) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v decimalBetween) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := decimalOf(req.ConfigValue.ValueBigFloat())
	if err == nil && (d.LessThan(v.min) || d.GreaterThan(v.max)) {
		err = fmt.Errorf("%s is not %s from %s to %s", d, v.what, v.min, v.max)
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}
