package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
	_ resource.ResourceWithConfigure   = (*categoryResource)(nil)
	_ resource.ResourceWithImportState = (*categoryResource)(nil)
	_ resource.ResourceWithIdentity    = (*categoryResource)(nil)
)

func newCategoryResource() resource.Resource { return &categoryResource{} }

// categoryResource is a category of the Product Library.
type categoryResource struct {
	data *providerData
}

type categoryModel struct {
	ID       types.String   `tfsdk:"id"`
	Name     types.String   `tfsdk:"name"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// maxCategoryName is the longest category name the Product Library takes.
const maxCategoryName = 256

func (r *categoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_category"
}

func (r *categoryResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identitySchema(categoryIdentity...)
}

func (r *categoryResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A product category of the Zettle Product Library, which the POS app groups products by. A product names it " +
			"with `category_id`. Renaming it changes it in place; destroying it leaves its products without a category. " +
			"See the guide [A shop from scratch](../guides/shop-from-scratch.md).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The category's UUID, a version 1 UUID that the provider chooses.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The category's name, 1 to %d characters. A change renames it in place.", maxCategoryName),
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, maxCategoryName), notBlank()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true)},
	}
}

func (r *categoryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *categoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan categoryModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	id, err := zettle.NewLibraryUUID()
	if err != nil {
		resp.Diagnostics.AddError("Could not create the category", err.Error())
		return
	}
	plan.ID = types.StringValue(id)
	err = client.CreateCategory(ctx, zettle.Category{UUID: id, Name: plan.Name.ValueString()})
	if err != nil && zettle.MayHaveApplied(err) {
		// It may exist: saved, tainted, under its UUID, so that the next
		// run finds it and never creates a second beside it.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		setIdentity(ctx, resp.State, resp.Identity, categoryIdentity, &resp.Diagnostics)
		resp.Diagnostics.AddError("The category may have been created",
			fmt.Sprintf("%s. It is saved in state as tainted under its UUID %s: the next apply finds whether Zettle has it, and replaces it "+
				"or creates it; it never makes a second one.", err, id))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not create the category", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, categoryIdentity, &resp.Diagnostics)
}

func (r *categoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	setIdentity(ctx, req.State, resp.Identity, categoryIdentity, &resp.Diagnostics)
	var state categoryModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	cat, ok, err := client.Category(ctx, state.ID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Could not read the category "+state.ID.ValueString(), err.Error())
		return
	}
	if !ok {
		// The list of categories comes in one answer: one not in it is
		// gone, deleted in the back office.
		tflog.Warn(ctx, "Category no longer exists; removing it from state", map[string]any{"uuid": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	state.Name = types.StringValue(cat.Name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *categoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state categoryModel
	client := load(ctx, r.data, req.Plan, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if client == nil || resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if !plan.Name.Equal(state.Name) {
		if err := client.RenameCategory(ctx, state.ID.ValueString(), plan.Name.ValueString()); err != nil {
			resp.Diagnostics.AddError("Could not rename the category "+state.ID.ValueString(), err.Error())
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.State, resp.Identity, categoryIdentity, &resp.Diagnostics)
}

func (r *categoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state categoryModel
	client := load(ctx, r.data, req.State, &state, &resp.Diagnostics)
	if client == nil {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if err := client.DeleteCategory(ctx, state.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Could not delete the category "+state.ID.ValueString(), err.Error())
	}
}

// ImportState takes the category's UUID, as the ID or the identity's id.
func (r *categoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importID(ctx, req, categoryIdentity, &resp.Diagnostics)
	if err := checkUUID(id); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%s: import a category by its UUID.", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
