// Package provider is the Terraform glue: schemas, and the translation
// between Terraform values and the zettle client.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// Environment variables that stand in for provider attributes.
const (
	EnvAccessToken  = "ZETTLE_ACCESS_TOKEN"
	EnvAPIKey       = "ZETTLE_API_KEY"
	EnvClientID     = "ZETTLE_CLIENT_ID"
	EnvOAuthURL     = "ZETTLE_OAUTH_URL"
	EnvLocationUUID = "ZETTLE_LOCATION_UUID"
	EnvInventoryURL = "ZETTLE_INVENTORY_URL"
	EnvProductsURL  = "ZETTLE_PRODUCTS_URL"
	EnvPusherURL    = "ZETTLE_PUSHER_URL"
	// EnvOrganizationURL stands in for organization_url.
	EnvOrganizationURL = "ZETTLE_ORGANIZATION_URL"
	EnvAPIVersion      = "ZETTLE_API_VERSION"
	// EnvRequestsPerSecond and EnvRequestBurst stand in for
	// requests_per_second and request_burst.
	EnvRequestsPerSecond = "ZETTLE_REQUESTS_PER_SECOND"
	EnvRequestBurst      = "ZETTLE_REQUEST_BURST"
)

// New returns the provider factory for a build version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &zettleProvider{version: version} }
}

var (
	_ provider.ProviderWithListResources = (*zettleProvider)(nil)
	_ provider.ProviderWithActions       = (*zettleProvider)(nil)
)

type zettleProvider struct {
	version string
}

type providerModel struct {
	AccessToken     types.String  `tfsdk:"access_token"`
	APIKey          types.String  `tfsdk:"api_key"`
	ClientID        types.String  `tfsdk:"client_id"`
	OAuthURL        types.String  `tfsdk:"oauth_url"`
	LocationUUID    types.String  `tfsdk:"location_uuid"`
	InventoryURL    types.String  `tfsdk:"inventory_url"`
	ProductsURL     types.String  `tfsdk:"products_url"`
	PusherURL       types.String  `tfsdk:"pusher_url"`
	OrganizationURL types.String  `tfsdk:"organization_url"`
	APIVersion      types.String  `tfsdk:"api_version"`
	MaxRetries      types.Int64   `tfsdk:"max_retries"`
	RequestTimeout  types.String  `tfsdk:"request_timeout"`
	RequestsPerSec  types.Float64 `tfsdk:"requests_per_second"`
	RequestBurst    types.Int64   `tfsdk:"request_burst"`
	Batching        types.Object  `tfsdk:"batching"`
}

func (p *zettleProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "zettle"
	resp.Version = p.version
}

func (p *zettleProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Zettle provider manages inventory tracking in [Zettle](https://www.zettle.com) " +
			"(PayPal's point of sale) through the Zettle Inventory API, and the catalogue (products and categories) in its Product Library.",
		Attributes: map[string]schema.Attribute{
			"access_token": schema.StringAttribute{
				MarkdownDescription: "A Zettle OAuth access token obtained elsewhere, with the `READ:PRODUCT` scope (plan, refresh, data sources) " +
					"and `WRITE:PRODUCT` (apply, destroy). Sent as a bearer token as it is and never renewed: Zettle's tokens expire 7200 s " +
					"after they are issued, and requests after that fail with HTTP 401. Defaults to the `" + EnvAccessToken + "` " +
					"environment variable. Exactly one of `access_token` and `api_key` must be set, here or in the environment. " +
					"Never written to state or logs.",
				Optional:  true,
				Sensitive: true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "A Zettle API key: the JWT a merchant creates in the Zettle back office, and the credential for pipelines. " +
					"The provider exchanges it for an access token at `oauth_url` when it first needs one, and again shortly before that " +
					"token expires, so runs of any length keep a valid token. It needs the same scopes as `access_token`. " +
					"Defaults to the `" + EnvAPIKey + "` environment variable. Exactly one of `api_key` and `access_token` " +
					"must be set, here or in the environment. Never written to state or logs.",
				Optional:  true,
				Sensitive: true,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The client ID of `api_key`, shown with the key in the Zettle back office. Sent in every exchange " +
					"of the key, and as `X-iZettle-Application-Id` with every API request (with `access_token`, only the latter). " +
					"Defaults to the `" + EnvClientID + "` environment variable, then to the `client_id` claim of the key's " +
					"JWT payload, so it is needed only for a key that does not carry it.",
				Optional: true,
			},
			"oauth_url": schema.StringAttribute{
				MarkdownDescription: "Base URL (`http://` or `https://`) of the OAuth API, where `api_key` is exchanged for access tokens " +
					"(`POST /token`); not used with `access_token`. Defaults to the `" + EnvOAuthURL +
					"` environment variable, then to `" + zettle.DefaultOAuthURL + "`. Point it, with `inventory_url`, at the sandbox " +
					"to try an API key without a Zettle account.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"location_uuid": schema.StringAttribute{
				MarkdownDescription: "UUID of a `STORE` location, where balances are kept: the organization's only one under Inventory API v2, " +
					"or any `STORE` inventory under v3. Resources that leave their own `location_uuid` out, and the `zettle_inventory_balances` data source when it names " +
					"no location, use it; changing it replaces those resources. Defaults to the `" + EnvLocationUUID + "` environment variable, " +
					"and when neither is set the provider uses the default `STORE` location, looked up with one request per run. " +
					"A new organization has no locations until inventory tracking first starts: leave this unset, and the first " +
					"`zettle_inventory_tracking` resources learn the `STORE` location from that start.",
				Optional:   true,
				Validators: []validator.String{uuidValidator()},
			},
			"inventory_url": schema.StringAttribute{
				MarkdownDescription: "Base URL (`http://` or `https://`) of the Inventory API, where every inventory request goes. " +
					"Defaults to the `" + EnvInventoryURL + "` environment variable, then to `" + zettle.DefaultInventoryURL + "`. " +
					"Point it at the sandbox to try the provider without a Zettle account.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"products_url": schema.StringAttribute{
				MarkdownDescription: "Base URL (`http://` or `https://`) of the Product Library API, where the `zettle_products` and " +
					"`zettle_product` data sources read the products, with the same credentials, retries, rate limit and logging as the " +
					"Inventory API. Defaults to the `" + EnvProductsURL + "` environment variable, then to `" + zettle.DefaultProductsURL + "`. " +
					"Point it, with `inventory_url`, at the sandbox to try the provider without a Zettle account.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"pusher_url": schema.StringAttribute{
				MarkdownDescription: "Base URL (`http://` or `https://`) of the Pusher API, where `zettle_webhook_subscription` keeps webhook " +
					"subscriptions, with the same credentials, retries, rate limit and logging as the Inventory API. Defaults to the `" +
					EnvPusherURL + "` environment variable, then to `" + zettle.DefaultPusherURL + "`.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"organization_url": schema.StringAttribute{
				MarkdownDescription: "Base URL (`http://` or `https://`) where the organization's settings are read " +
					"(`GET /api/resources/organizations/self`), for the currency of every price of `zettle_product`; read once per run, " +
					"when a product is created or first read. Defaults to the `" + EnvOrganizationURL + "` environment variable, then to `" +
					zettle.DefaultOrganizationURL + "`.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: "The version of the Inventory API to speak: `\"auto\"`, `\"v2\"` or `\"v3\"`. Defaults to the `" + EnvAPIVersion +
					"` environment variable, then to `\"auto\"`, which asks the service once per run (`GET /v3/inventories`: an answer " +
					"means v3, and serves as the list of inventories too; a 404 means v2) and speaks what it answers. Zettle says v3 replaced " +
					"v2 in 2023. Only v3 has several `STORE` inventories (`zettle_inventory`). See [Inventory API versions](#inventory-api-versions).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(zettle.APIVersions...)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request that failed for a passing reason (a 5xx, a dropped "+
					"connection or an attempt past `request_timeout`) is tried again, API key exchanges included: a count from `0` (never "+
					"retry, not even a 429) to `%d`. Defaults to `%d`. A request refused with HTTP 429 changed nothing, so above `0` it is "+
					"tried again without counting against this, for as long as the operation's timeout allows. A 429 or 503 with "+
					"`Retry-After` waits as long as it asks (at most 5 minutes); other failures "+
					"wait a jittered, exponentially growing time between %s and %s. Requests that move stock are never repeated after a 5xx "+
					"or a lost answer: the provider reads the balances again and moves only what is missing.",
					maxRetriesLimit, zettle.DefaultMaxRetries, zettle.DefaultRetryWaitMin, zettle.DefaultRetryWaitMax),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("How many requests per second the provider sends to the Inventory API, at most: every "+
					"attempt of every request of a run, pages and retries included, waits for its turn, so that a large apply stays within "+
					"Zettle's limit instead of being refused with HTTP 429. A number from `0` to `%d`; `0` sends every request at once. "+
					"Defaults to the `"+EnvRequestsPerSecond+"` environment variable, then to `%d`, the rate Zettle documents for Inventory API v3. With batching on, the operations that arrive while "+
					"a batch waits for its turn join it, so a limited API gets fewer, larger requests. Terraform runs a command's plan and apply "+
					"in separate provider processes, one straight after the other, so each process waits one turn before its first request.", maxRequestsPerSecond, zettle.DefaultRequestsPerSecond),
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(0, maxRequestsPerSecond)},
			},
			"request_burst": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many requests may go at once, after a quiet spell, under `requests_per_second`: "+
					"a count from `1` to `%d`. Defaults to the `"+EnvRequestBurst+"` environment variable, then to `%d`, which spaces every request evenly; Zettle watches the average rate over a "+
					"short period, so a larger burst risks HTTP 429.", maxRequestBurst, zettle.DefaultRequestBurst),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, maxRequestBurst)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one attempt of a request may take before it is abandoned, as a Go duration string "+
					"from `\"1s\"` to `\"10m\"`, such as `\"30s\"`. Defaults to `\"%s\"`. An abandoned attempt counts as a lost answer "+
					"for `max_retries`. The resources' `timeouts` bound whole operations, retries included.", zettle.DefaultRequestTimeout),
				Optional:   true,
				Validators: []validator.String{durationValidator{min: time.Second, max: 10 * time.Minute}},
			},
		},
		Blocks: map[string]schema.Block{"batching": batchingBlock()},
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
	resp.ListResourceData = data
	resp.ActionData = data

	// During plan, attributes that come from other resources are unknown.
	// Nothing fails here: an operation that needs the value says so.
	settings := map[string]*string{}
	for _, attr := range []struct {
		name  string
		value types.String
		env   string
	}{
		{"access_token", cfg.AccessToken, EnvAccessToken},
		{"api_key", cfg.APIKey, EnvAPIKey},
		{"client_id", cfg.ClientID, EnvClientID},
		{"oauth_url", cfg.OAuthURL, EnvOAuthURL},
		{"location_uuid", cfg.LocationUUID, EnvLocationUUID},
		{"inventory_url", cfg.InventoryURL, EnvInventoryURL},
		{"products_url", cfg.ProductsURL, EnvProductsURL},
		{"pusher_url", cfg.PusherURL, EnvPusherURL},
		{"organization_url", cfg.OrganizationURL, EnvOrganizationURL},
		{"api_version", cfg.APIVersion, EnvAPIVersion},
	} {
		value, known := fromConfigOrEnv(attr.value, attr.env)
		if !known {
			data.unknown = append(data.unknown, attr.name)
			continue
		}
		settings[attr.name] = &value
	}
	if location := settings["location_uuid"]; location != nil {
		if *location != "" {
			if err := checkUUID(*location); err != nil {
				resp.Diagnostics.AddAttributeError(pathOf("location_uuid"), "Invalid location_uuid",
					fmt.Sprintf("%s (the STORE location, from the provider block or %s).", err, EnvLocationUUID))
			}
		}
		data.locationUUID = *location
	}
	// The client needs every other setting; the location can be looked up.
	for _, name := range data.unknown {
		if name != "location_uuid" {
			return
		}
	}
	token, apiKey, baseURL := *settings["access_token"], *settings["api_key"], *settings["inventory_url"]
	switch {
	case token != "" && apiKey != "":
		resp.Diagnostics.AddAttributeError(pathOf("api_key"), "Conflicting Zettle credentials",
			"Both an access token (access_token or "+EnvAccessToken+") and an API key (api_key or "+EnvAPIKey+") are set. Set only one.")
	case token == "" && apiKey == "":
		resp.Diagnostics.AddAttributeError(pathOf("access_token"), "Missing Zettle credentials",
			"Set access_token (or "+EnvAccessToken+") to an access token, or api_key (or "+EnvAPIKey+") to an API key.")
	}
	if baseURL == "" {
		baseURL = zettle.DefaultInventoryURL
	}
	for _, u := range []struct{ attr, env, value string }{
		{"inventory_url", EnvInventoryURL, baseURL},
		{"oauth_url", EnvOAuthURL, *settings["oauth_url"]},
		{"products_url", EnvProductsURL, *settings["products_url"]},
		{"pusher_url", EnvPusherURL, *settings["pusher_url"]},
		{"organization_url", EnvOrganizationURL, *settings["organization_url"]},
	} {
		if _, err := zettle.ParseBaseURL(u.value); u.value != "" && err != nil {
			resp.Diagnostics.AddAttributeError(pathOf(u.attr), "Invalid "+u.attr,
				fmt.Sprintf("The URL (from the provider block or %s) is not usable: %s", u.env, err))
		}
	}
	apiVersion := *settings["api_version"]
	if apiVersion != "" && !slices.Contains(zettle.APIVersions, apiVersion) {
		resp.Diagnostics.AddAttributeError(pathOf("api_version"), "Invalid api_version",
			fmt.Sprintf("%q (from the provider block or %s) is not an Inventory API version: use one of %s.", apiVersion, EnvAPIVersion, strings.Join(quoted(zettle.APIVersions), ", ")))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	retries := retrySettings(cfg)
	rateLimit := rateLimitSettings(cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	logger := newMaskedLogger(token, apiKey)
	userAgent := fmt.Sprintf("terraform-provider-zettle/%s (+https://registry.terraform.io/providers/zettle-community/zettle) Terraform/%s", p.version, req.TerraformVersion)
	var tokens zettle.TokenSource = zettle.StaticToken(token)
	clientID := *settings["client_id"]
	if apiKey != "" {
		exchange, err := zettle.NewAPIKeyTokens(zettle.APIKeyConfig{
			OAuthURL: *settings["oauth_url"], APIKey: apiKey, ClientID: clientID, UserAgent: userAgent, Logger: logger, Retries: retries,
		})
		if err != nil {
			resp.Diagnostics.AddAttributeError(pathOf("api_key"), "Unusable Zettle API key",
				fmt.Sprintf("The API key (from the provider block or %s) cannot be used: %s (client_id or %s).", EnvAPIKey, err, EnvClientID))
			return
		}
		tokens, clientID = exchange, exchange.ClientID()
	}

	batching, diags := batchingSettings(ctx, cfg.Batching)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = logger.masked(ctx)
	client, err := zettle.New(zettle.Config{
		InventoryURL: baseURL, ProductsURL: *settings["products_url"], PusherURL: *settings["pusher_url"], OrganizationURL: *settings["organization_url"], Tokens: tokens, ApplicationID: clientID, UserAgent: userAgent, Logger: logger, Batching: batching, Retries: retries,
		APIVersion: apiVersion, RateLimit: rateLimit,
	})
	if err != nil {
		resp.Diagnostics.AddError("Could not configure the Zettle client", err.Error())
		return
	}
	// One request proves the credentials: refused ones then fail the run
	// once, instead of once for every resource.
	checkCtx, cancel := context.WithTimeout(ctx, accessCheckTimeout)
	defer cancel()
	err = client.VerifyAccess(checkCtx)
	var notServed *zettle.VersionNotServedError
	if errors.As(err, &notServed) {
		resp.Diagnostics.AddAttributeError(pathOf("api_version"), "The Inventory API version is not served", versionNotServedDetail(notServed, baseURL))
		return
	}
	if err != nil {
		credential := "access_token"
		if apiKey != "" {
			credential = "api_key"
		}
		summary := "Could not reach the Zettle API"
		if status := zettle.StatusOf(err); status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusBadRequest {
			summary = "Zettle refused the credentials"
		}
		resp.Diagnostics.AddAttributeError(pathOf(credential), summary,
			fmt.Sprintf("The provider checks the credentials (%s) with one request before working on any resource: %s", credential, err))
		return
	}
	chosen, _ := client.APIVersion(ctx)
	tflog.Debug(ctx, "Configured the Zettle client", map[string]any{
		"inventory_url": baseURL, "products_url": *settings["products_url"], "pusher_url": *settings["pusher_url"], "organization_url": *settings["organization_url"], "api_version": chosen, "location_uuid": data.locationUUID, "api_key_auth": apiKey != "", "client_id": clientID,
		"batching": batching.Enabled, "batch_max_wait": batching.MaxWait.String(), "batch_max_size": batching.MaxSize,
		"max_retries": retries.MaxRetries, "request_timeout": retries.RequestTimeout.String(),
		"requests_per_second": rateLimit.PerSecond, "request_burst": rateLimit.Burst,
	})
	data.client = client
	data.stock = stock.New(client, stock.Config{Logger: logger})
}

// versionNotServedDetail says what to set when the service does not answer
// the configured Inventory API version.
func versionNotServedDetail(err *zettle.VersionNotServedError, baseURL string) string {
	switch err.Version {
	case zettle.APIVersionV2:
		return fmt.Sprintf("api_version is \"v2\", but %s does not answer Inventory API v2: %s. Zettle says v3 replaced v2 in 2023. "+
			"Set api_version = \"v3\", or \"auto\" (the default) to use what the service answers.", baseURL, err)
	case zettle.APIVersionV3:
		return fmt.Sprintf("api_version is \"v3\", but %s does not answer Inventory API v3: %s. "+
			"Set api_version = \"v2\", or \"auto\" (the default) to use what the service answers.", baseURL, err)
	default:
		return fmt.Sprintf("%s answers neither Inventory API v3 (GET /v3/inventories) nor v2: %s. Check inventory_url (or %s).", baseURL, err, EnvInventoryURL)
	}
}

func quoted(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strconv.Quote(v)
	}
	return out
}

// accessCheckTimeout bounds the check of the credentials in Configure,
// retries included.
const accessCheckTimeout = 2 * time.Minute

// Bounds of the rate limit's settings: past them, the limit would not
// protect anything.
const (
	maxRequestsPerSecond = 100
	maxRequestBurst      = 100
)

// rateLimitSettings reads requests_per_second and request_burst, or their
// environment variables; what is left out, or not known yet, takes the
// default. A variable that is not a number in range is an error naming the
// attribute.
func rateLimitSettings(cfg providerModel, diags *diag.Diagnostics) zettle.RateLimit {
	limit := zettle.DefaultRateLimit
	switch {
	case known(cfg.RequestsPerSec):
		limit.PerSecond = cfg.RequestsPerSec.ValueFloat64()
	case cfg.RequestsPerSec.IsNull():
		limit.PerSecond = numberFromEnv(EnvRequestsPerSecond, "requests_per_second", limit.PerSecond, 0, maxRequestsPerSecond, false, diags)
	}
	switch {
	case known(cfg.RequestBurst):
		limit.Burst = int(cfg.RequestBurst.ValueInt64())
	case cfg.RequestBurst.IsNull():
		limit.Burst = int(numberFromEnv(EnvRequestBurst, "request_burst", float64(limit.Burst), 1, maxRequestBurst, true, diags))
	}
	return limit
}

// numberFromEnv reads the number in env, which stands in for attr, or
// returns def when env is unset; one that is not a number from lo to hi
// (whole, if whole says so) is an error naming attr.
func numberFromEnv(env, attr string, def, lo, hi float64, whole bool, diags *diag.Diagnostics) float64 {
	raw := os.Getenv(env)
	if raw == "" {
		return def
	}
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil || n < lo || n > hi || (whole && n != float64(int(n))) {
		kind := "a number"
		if whole {
			kind = "a whole number"
		}
		diags.AddAttributeError(pathOf(attr), "Invalid "+attr, fmt.Sprintf("%s is %q: it must be %s from %g to %g.", env, raw, kind, lo, hi))
		return def
	}
	return n
}

// maxRetriesLimit bounds max_retries: past it, a failing API is better
// reported than waited for.
const maxRetriesLimit = 10

// retrySettings reads max_retries and request_timeout; what is left out, or
// not known yet, takes the default.
func retrySettings(cfg providerModel) zettle.Retries {
	retries := zettle.DefaultRetries
	if known(cfg.MaxRetries) {
		retries.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if known(cfg.RequestTimeout) {
		// Checked by the attribute's validator at plan time.
		retries.RequestTimeout, _ = time.ParseDuration(cfg.RequestTimeout.ValueString())
	}
	return retries
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
	return []func() resource.Resource{newInventoryTrackingResource, newLowStockResource, newInventoryResource, newWebhookSubscriptionResource,
		newCategoryResource, newProductResource}
}

// Actions are the stock actions (Terraform 1.14).
func (p *zettleProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newStockMovementAction, newStockCountAction}
}

// ListResources are the lists of terraform query (Terraform 1.14).
func (p *zettleProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{newTrackingList, newLowStockList, newSubscriptionList, newCategoryList, newProductList}
}

func (p *zettleProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newLocationsDataSource, newBalancesDataSource, newInventoriesDataSource, newProductsDataSource, newProductDataSource,
	}
}

// providerData is what resources receive from Configure.
type providerData struct {
	client *zettle.Client
	// stock applies the stock rules for this run, through client.
	stock *stock.Keeper
	// inventoryCreates lets one inventory be created at a time.
	inventoryCreates sync.Mutex
	locationUUID     string
	// unknown names the provider attributes that were unknown when the
	// provider was configured.
	unknown []string
}

// providerDataOf is what a resource or data source keeps from its Configure
// request: nil before the provider is configured (Terraform configures
// resources once early, for validation, without provider data), and an error
// for any other type, which would be a bug in the provider.
func providerDataOf(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", data))
	}
	return d
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

// load reads a plan or state into m and returns the API client; nil when
// either failed, with the reason in diags.
func load(ctx context.Context, data *providerData, from interface {
	Get(context.Context, any) diag.Diagnostics
}, m any, diags *diag.Diagnostics) *zettle.Client {
	diags.Append(from.Get(ctx, m)...)
	client, clientDiags := data.Client()
	diags.Append(clientDiags...)
	if diags.HasError() {
		return nil
	}
	return client
}
