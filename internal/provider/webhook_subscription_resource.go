package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

var (
	_ resource.ResourceWithConfigure   = (*webhookSubscriptionResource)(nil)
	_ resource.ResourceWithImportState = (*webhookSubscriptionResource)(nil)
	_ resource.ResourceWithIdentity    = (*webhookSubscriptionResource)(nil)
)

func newWebhookSubscriptionResource() resource.Resource { return &webhookSubscriptionResource{} }

// webhookSubscriptionResource is a Pusher webhook subscription: Zettle
// posts the events it names to its destination.
type webhookSubscriptionResource struct {
	data *providerData
}

type webhookSubscriptionModel struct {
	ID           types.String   `tfsdk:"id"`
	EventNames   types.Set      `tfsdk:"event_names"`
	Destination  types.String   `tfsdk:"destination"`
	ContactEmail types.String   `tfsdk:"contact_email"`
	Status       types.String   `tfsdk:"status"`
	Updated      types.String   `tfsdk:"updated"`
	SigningKey   types.String   `tfsdk:"signing_key"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

func (r *webhookSubscriptionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_subscription"
}

func (r *webhookSubscriptionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(subscriptionIdentity...)
}

// eventsTable lists the documented events with the scope each needs, for the
// schema's documentation.
func eventsTable() string {
	var rows []string
	for _, e := range slices.Sorted(maps.Keys(zettle.WebhookEvents)) {
		scope := "`" + zettle.WebhookEvents[e] + "`"
		if zettle.WebhookEvents[e] == "" {
			scope = "none"
		}
		rows = append(rows, fmt.Sprintf("`%s` (%s)", e, scope))
	}
	return strings.Join(rows, ", ")
}

func (r *webhookSubscriptionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	events := slices.Sorted(maps.Keys(zettle.WebhookEvents))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A webhook subscription of Zettle's Pusher API: Zettle posts the events it names, such as " +
			"`InventoryBalanceChanged`, to `destination`, each signed with `signing_key`. The provider chooses its UUID (a version 1 " +
			"UUID, as Pusher requires). A change of `event_names`, `destination` or `contact_email` updates it in place. Zettle deletes a " +
			"subscription whose destination has kept failing for about 70 hours: the next plan then creates it again, with a new " +
			"signing key. See the guide [Keeping a web shop in step](../guides/webhooks.md).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The subscription's UUID, which the provider generates.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"event_names": schema.SetAttribute{
				MarkdownDescription: "The events to post, at least one, each with the OAuth scope its token needs: " + eventsTable() +
					". Checked at plan time. (Pusher reads an empty list as every event, which needs every scope; name them instead.)",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(events...)),
				},
			},
			"destination": schema.StringAttribute{
				MarkdownDescription: "The `https://` URL Zettle posts the events to. Zettle calls it when the subscription is created and " +
					"changed, and refuses one that does not answer within 10 seconds. Checked at plan time to be an HTTPS URL.",
				Required:   true,
				Validators: []validator.String{httpsURLValidator{}},
			},
			"contact_email": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Where Zettle writes about failing deliveries: an email address of at most %d characters, "+
					"checked at plan time.", maxContactEmail),
				Required:   true,
				Validators: []validator.String{emailValidator{}},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "The subscription's status, as Zettle reports it, such as `ACTIVE`.",
				Computed:            true,
			},
			"updated": schema.StringAttribute{
				MarkdownDescription: "When the subscription last changed, as Zettle reports it.",
				Computed:            true,
			},
			"signing_key": schema.StringAttribute{
				MarkdownDescription: "The key of the HMAC-SHA256 that signs every delivery (`X-iZettle-Signature`), for the receiver " +
					"to check. Sensitive: it is kept in state so that it can be handed to the receiver (for example through an output " +
					"marked sensitive, or a secret store), and never logged.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

func (r *webhookSubscriptionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// spec is the subscription the plan declares.
func (m webhookSubscriptionModel) spec(ctx context.Context) (zettle.SubscriptionSpec, error) {
	spec := zettle.SubscriptionSpec{Destination: m.Destination.ValueString(), ContactEmail: m.ContactEmail.ValueString()}
	if diags := m.EventNames.ElementsAs(ctx, &spec.EventNames, false); diags.HasError() {
		return spec, fmt.Errorf("event_names: %v", diags)
	}
	return spec, nil
}

// set copies what Zettle answered into m: all of it after a read, which
// shows drift; after a create or an update only what Zettle chose (withConfig
// false keeps the configured values, which the plan promised).
func (m *webhookSubscriptionModel) set(sub zettle.Subscription, withConfig bool) {
	m.ID = types.StringValue(sub.UUID)
	if withConfig {
		events := make([]types.String, 0, len(sub.EventNames))
		for _, e := range sub.EventNames {
			events = append(events, types.StringValue(e))
		}
		m.EventNames, _ = types.SetValueFrom(context.Background(), types.StringType, events)
		m.Destination = types.StringValue(sub.Destination)
		m.ContactEmail = types.StringValue(sub.ContactEmail)
	}
	m.Status = types.StringValue(sub.Status)
	m.Updated = types.StringValue(sub.Updated)
	if sub.SigningKey != "" {
		m.SigningKey = types.StringValue(sub.SigningKey)
	}
}

func (r *webhookSubscriptionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan webhookSubscriptionModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	spec, err := plan.spec(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Invalid webhook subscription", err.Error())
		return
	}
	id, err := zettle.NewSubscriptionUUID()
	if err != nil {
		resp.Diagnostics.AddError("Could not create the webhook subscription", err.Error())
		return
	}
	sub, err := client.CreateSubscription(ctx, id, spec)
	if err != nil && zettle.MayHaveApplied(err) && !errors.Is(err, zettle.ErrSubscriptionNotListed) {
		// It may exist: saved, tainted, under its UUID, so that the next
		// run finds it (and replaces it) or finds it gone, and never
		// creates a second beside it.
		plan.ID, plan.Status, plan.Updated, plan.SigningKey = types.StringValue(id), types.StringNull(), types.StringNull(), types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setIdentity(ctx, resp.State, resp.Identity, subscriptionIdentity, &resp.Diagnostics)
		resp.Diagnostics.AddError("The webhook subscription may have been created",
			fmt.Sprintf("%s. It is saved in state as tainted under its UUID %s: the next apply finds whether Zettle has it, and replaces "+
				"it or creates it; it never makes a second one.", err, id))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not create the webhook subscription", err.Error())
		return
	}
	plan.set(sub, false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, subscriptionIdentity, &resp.Diagnostics)
}

func (r *webhookSubscriptionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// Set once, from the state read: its attributes never change, and a
	// resource the read removes still has it.
	setIdentity(ctx, req.State, resp.Identity, subscriptionIdentity, &resp.Diagnostics)
	var state webhookSubscriptionModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	sub, ok, err := client.Subscription(ctx, state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Could not read the webhook subscription "+state.ID.ValueString(), err.Error())
		return
	}
	if !ok {
		// Zettle deletes subscriptions whose destination kept failing:
		// the plan creates it again.
		tflog.Warn(ctx, "Webhook subscription no longer exists; removing it from state", map[string]any{"uuid": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	state.set(sub, true)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *webhookSubscriptionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state webhookSubscriptionModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if client == nil || resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	spec, err := plan.spec(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Invalid webhook subscription", err.Error())
		return
	}
	id := state.ID.ValueString()
	plan.ID, plan.SigningKey, plan.Status, plan.Updated = state.ID, state.SigningKey, state.Status, state.Updated
	if saved, err := state.spec(ctx); err == nil && sameSubscription(saved, spec) {
		// Only timeouts changed: Zettle would call the destination for
		// nothing, and fail the apply if it is down.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setIdentity(ctx, resp.State, resp.Identity, subscriptionIdentity, &resp.Diagnostics)
		return
	}
	if err := client.UpdateSubscription(ctx, id, spec); err != nil {
		resp.Diagnostics.AddError("Could not update the webhook subscription "+id, err.Error())
		return
	}
	// Pusher answers an update with no body: the list tells what it is now.
	sub, ok, err := client.Subscription(ctx, id)
	if err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("it is no longer listed: Zettle may have deleted it")
		}
		resp.Diagnostics.AddError("Could not read the webhook subscription "+id+" after updating it", err.Error())
		return
	}
	// The key stays as it was: Read shows it if Zettle ever changes it.
	sub.SigningKey = ""
	plan.set(sub, false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, subscriptionIdentity, &resp.Diagnostics)
}

// sameSubscription reports whether two specs ask Zettle for the same thing.
func sameSubscription(a, b zettle.SubscriptionSpec) bool {
	slices.Sort(a.EventNames)
	slices.Sort(b.EventNames)
	return slices.Equal(a.EventNames, b.EventNames) && a.Destination == b.Destination && a.ContactEmail == b.ContactEmail
}

func (r *webhookSubscriptionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webhookSubscriptionModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if err := client.DeleteSubscription(ctx, state.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Could not delete the webhook subscription "+state.ID.ValueString(), err.Error())
	}
}

// ImportState takes the subscription's UUID, as the ID or the identity's
// id; Read fills in the rest, the signing key included, from the list.
func (r *webhookSubscriptionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importID(ctx, req, subscriptionIdentity, &resp.Diagnostics)
	if err := checkUUID(id); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%s: import a webhook subscription by its UUID.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
