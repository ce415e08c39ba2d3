// Package provider is the Terraform glue: schemas, and the translation
// between Terraform values and the zettle client.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Environment variables that stand in for provider attributes.
const (
	EnvAccessToken  = "ZETTLE_ACCESS_TOKEN"
	EnvLocationUUID = "ZETTLE_LOCATION_UUID"
	EnvInventoryURL = "ZETTLE_INVENTORY_URL"
)

// New returns the provider factory for a build version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &zettleProvider{version: version} }
}

type zettleProvider struct {
	version string
}

type providerModel struct {
	AccessToken  types.String `tfsdk:"access_token"`
	LocationUUID types.String `tfsdk:"location_uuid"`
	InventoryURL types.String `tfsdk:"inventory_url"`
}

func (p *zettleProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "zettle"
	resp.Version = p.version
}

func (p *zettleProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Zettle provider manages inventory tracking in [Zettle](https://www.zettle.com) " +
			"(PayPal's point of sale) through the Zettle Inventory API.",
		Attributes: map[string]schema.Attribute{
			"access_token": schema.StringAttribute{
				MarkdownDescription: "A Zettle OAuth access token with the `READ:PRODUCT` and `WRITE:PRODUCT` scopes. " +
					"Sent as a bearer token; never written to state or logs. Defaults to the `" + EnvAccessToken + "` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
			"location_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of the organization's `STORE` location, the only location whose balances are kept. " +
					"Resources use it unless they name their own. Defaults to the `" + EnvLocationUUID + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{uuidValidator()},
			},
			"inventory_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Inventory API. Defaults to the `" + EnvInventoryURL +
					"` environment variable, then to `" + zettle.DefaultInventoryURL + "`. Point it at the sandbox to try the provider without a Zettle account.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
		},
	}
}

func (p *zettleProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{}
	resp.ResourceData = data
	resp.DataSourceData = data

	// During plan, attributes that come from other resources are unknown.
	// Nothing fails here: an operation that needs the value says so.
	token, tokenKnown := fromConfigOrEnv(cfg.AccessToken, EnvAccessToken)
	location, locationKnown := fromConfigOrEnv(cfg.LocationUUID, EnvLocationUUID)
	baseURL, urlKnown := fromConfigOrEnv(cfg.InventoryURL, EnvInventoryURL)
	for _, attr := range []struct {
		name  string
		known bool
	}{{"access_token", tokenKnown}, {"location_uuid", locationKnown}, {"inventory_url", urlKnown}} {
		if !attr.known {
			data.unknown = append(data.unknown, attr.name)
		}
	}
	if locationKnown {
		if location != "" && !isUUID(location) {
			resp.Diagnostics.AddAttributeError(pathOf("location_uuid"), "Invalid location_uuid",
				fmt.Sprintf("The STORE location %q (from the provider block or %s) is not a UUID.", location, EnvLocationUUID))
		}
		data.locationUUID = location
	}
	if !tokenKnown || !urlKnown {
		return
	}
	if token == "" {
		resp.Diagnostics.AddAttributeError(pathOf("access_token"), "Missing Zettle access token",
			"Set access_token in the provider block or the "+EnvAccessToken+" environment variable.")
	}
	if baseURL == "" {
		baseURL = zettle.DefaultInventoryURL
	}
	if _, err := zettle.ParseBaseURL(baseURL); err != nil {
		resp.Diagnostics.AddAttributeError(pathOf("inventory_url"), "Invalid inventory_url",
			fmt.Sprintf("The Inventory API URL (from the provider block or %s) is not usable: %s", EnvInventoryURL, err))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	ctx = tflog.MaskAllFieldValuesStrings(ctx, token)
	client, err := zettle.New(zettle.Config{
		InventoryURL: baseURL,
		Tokens:       zettle.StaticToken(token),
		UserAgent:    fmt.Sprintf("terraform-provider-zettle/%s (+https://registry.terraform.io/providers/zettle-community/zettle) Terraform/%s", p.version, req.TerraformVersion),
		Logger:       maskedLogger{secrets: []string{token}},
	})
	if err != nil {
		resp.Diagnostics.AddError("Could not configure the Zettle client", err.Error())
		return
	}
	tflog.Debug(ctx, "Configured the Zettle client", map[string]any{"inventory_url": baseURL, "location_uuid": location})
	data.client = client
}

// fromConfigOrEnv returns the attribute's value, or the environment variable
// when the attribute is null. known is false while the value is unknown.
func fromConfigOrEnv(attr types.String, env string) (value string, known bool) {
	switch {
	case attr.IsUnknown():
		return "", false
	case attr.IsNull():
		return os.Getenv(env), true
	default:
		return attr.ValueString(), true
	}
}

func (p *zettleProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newInventoryTrackingResource}
}

func (p *zettleProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}

// providerData is what resources receive from Configure.
type providerData struct {
	client       *zettle.Client
	locationUUID string
	// unknown names the provider attributes that were unknown when the
	// provider was configured.
	unknown []string
}

// Client returns the API client, or explains why there is none yet.
func (d *providerData) Client() (*zettle.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil || d.client == nil {
		detail := "The provider was not configured."
		if d != nil && len(d.unknown) > 0 {
			detail = fmt.Sprintf("The provider's %v depend on values not known until apply. "+
				"Apply the resources they come from first (for example with -target), then run this again.", d.unknown)
		}
		diags.AddError("Zettle provider not ready", detail)
		return nil, diags
	}
	return d.client, diags
}
