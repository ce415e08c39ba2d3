package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// maxBatchWait bounds max_wait: every batch waits that long for company.
const maxBatchWait = 5 * time.Second

type batchingModel struct {
	Enabled types.Bool   `tfsdk:"enabled"`
	MaxWait types.String `tfsdk:"max_wait"`
	MaxSize types.Int64  `tfsdk:"max_size"`
}

func batchingBlock() schema.Block {
	return schema.SingleNestedBlock{
		MarkdownDescription: "How the provider coalesces the operations that Terraform runs at the same time (up to `-parallelism`, 10 by default) " +
			"into fewer API requests. Tracking starts go out as one bulk request, reads share one location-wide lookup per run, " +
			"and low-stock settings are set and deleted in bulk. Under Inventory API v3 tracking stops in bulk too; under v2 it stops " +
			"with one request per product, since v2 documents no bulk form of it. Under `requests_per_second`, a batch that waits for " +
			"its turn takes the operations that arrive meanwhile. See the performance guide.",
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether to coalesce requests. Defaults to `true`. With `false`, every resource makes its own requests " +
					"for every operation, as most providers do, reads included, and `max_wait` and `max_size` have no effect.",
				Optional: true,
			},
			"max_wait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long the first operation of a batch waits for others to join it, as a Go duration "+
					"string from `\"0s\"` to `\"%s\"`, such as `\"20ms\"`. Unset, a batch waits at most `\"%s\"`, and goes sooner "+
					"once no operation has joined it for %s: Terraform starts the operations of one round within milliseconds of each "+
					"other, and waiting on for more only delays them. Set, a batch waits that long in full unless it fills first: longer "+
					"waits make fewer, larger requests, and each batch goes out that much later.",
					maxBatchWait, zettle.DefaultBatchMaxWait, zettle.DefaultBatchQuiet),
				Optional:   true,
				Validators: []validator.String{durationValidator{min: 0, max: maxBatchWait}},
			},
			"max_size": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The most products (or, for low-stock settings, variants) in one request: a count of at "+
					"least `1`. Defaults to `%d`. A full batch goes out at once, without waiting for `max_wait`.", zettle.DefaultBatchMaxSize),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

// batchingSettings reads the batching block; what it leaves out, or what is
// not known yet, takes the default.
func batchingSettings(ctx context.Context, block types.Object) (zettle.Batching, diag.Diagnostics) {
	settings := zettle.DefaultBatching
	if block.IsNull() || block.IsUnknown() {
		return settings, nil
	}
	var m batchingModel
	diags := block.As(ctx, &m, basetypes.ObjectAsOptions{})
	if known(m.Enabled) {
		settings.Enabled = m.Enabled.ValueBool()
	}
	if known(m.MaxWait) {
		// Checked by the attribute's validator at plan time.
		settings.MaxWait, _ = time.ParseDuration(m.MaxWait.ValueString())
		// A wait the user chose is kept whole.
		settings.Quiet = 0
	}
	if known(m.MaxSize) {
		settings.MaxSize = int(m.MaxSize.ValueInt64())
	}
	return settings, diags
}

func known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}
