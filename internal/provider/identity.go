package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// identityAttr is one attribute of a resource's identity (Terraform 1.12
// and later): a state attribute of the same name, which never changes for
// the resource's life.
type identityAttr struct {
	name, description string
	// optional marks an attribute an import may leave out, as location_uuid,
	// which defaults to the provider's.
	optional bool
}

// identitySchema is the identity of the attributes attrs.
func identitySchema(attrs ...identityAttr) identityschema.Schema {
	s := identityschema.Schema{Attributes: map[string]identityschema.Attribute{}}
	for _, a := range attrs {
		s.Attributes[a.name] = identityschema.StringAttribute{
			Description: a.description, RequiredForImport: !a.optional, OptionalForImport: a.optional,
		}
	}
	return s
}

// setIdentity copies the identity's attributes from state, once the state is
// set. Terraform before 1.12 asks for no identity: identity is then nil.
func setIdentity(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity, attrs []identityAttr, diags *diag.Diagnostics) {
	if identity == nil || diags.HasError() || state.Raw.IsNull() {
		return
	}
	for _, a := range attrs {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(a.name), &v)...)
		diags.Append(identity.SetAttribute(ctx, path.Root(a.name), v)...)
	}
}

// importID is the import ID, or, for an import block with identity = { ... },
// the identity's attributes joined by "/" in the order of attrs, those left
// out skipped: the same ID the import command takes.
func importID(ctx context.Context, req resource.ImportStateRequest, attrs []identityAttr, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	var parts []string
	for _, a := range attrs {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(a.name), &v)...)
		if v.ValueString() != "" {
			parts = append(parts, v.ValueString())
		}
	}
	return strings.Join(parts, "/")
}

// The identities of the resources.
var (
	trackingIdentity = []identityAttr{{name: "product_uuid", description: "The product's UUID."}}
	lowStockIdentity = []identityAttr{
		{name: "location_uuid", description: "The STORE location's UUID; the provider's location when left out of an import.", optional: true},
		{name: "product_uuid", description: "The product's UUID."},
		{name: "variant_uuid", description: "The variant's UUID."},
	}
	inventoryIdentity    = []identityAttr{{name: "id", description: "The inventory's UUID."}}
	subscriptionIdentity = []identityAttr{{name: "id", description: "The webhook subscription's UUID."}}
	categoryIdentity     = []identityAttr{{name: "id", description: "The category's UUID."}}
	productIdentity      = []identityAttr{{name: "id", description: "The product's UUID."}}
)
