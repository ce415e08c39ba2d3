package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

func TestBatchingSettings(t *testing.T) {
	attrTypes := map[string]attr.Type{"enabled": types.BoolType, "max_wait": types.StringType, "max_size": types.Int64Type}
	block := func(enabled attr.Value, maxWait attr.Value, maxSize attr.Value) types.Object {
		return types.ObjectValueMust(attrTypes, map[string]attr.Value{"enabled": enabled, "max_wait": maxWait, "max_size": maxSize})
	}
	for _, tc := range []struct {
		name  string
		block types.Object
		want  zettle.Batching
	}{
		{"no block", types.ObjectNull(attrTypes), zettle.DefaultBatching},
		{"empty block", block(types.BoolNull(), types.StringNull(), types.Int64Null()), zettle.DefaultBatching},
		{
			// A chosen wait is waited in full: no early send when the calls pause.
			"max_wait set", block(types.BoolNull(), types.StringValue("1s"), types.Int64Null()),
			zettle.Batching{Enabled: true, MaxWait: time.Second, MaxSize: zettle.DefaultBatchMaxSize},
		},
		{
			"max_wait unknown", block(types.BoolNull(), types.StringUnknown(), types.Int64Value(5)),
			zettle.Batching{Enabled: true, MaxWait: zettle.DefaultBatchMaxWait, Quiet: zettle.DefaultBatchQuiet, MaxSize: 5},
		},
		{
			"disabled", block(types.BoolValue(false), types.StringNull(), types.Int64Null()),
			zettle.Batching{MaxWait: zettle.DefaultBatchMaxWait, Quiet: zettle.DefaultBatchQuiet, MaxSize: zettle.DefaultBatchMaxSize},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, diags := batchingSettings(t.Context(), tc.block)
			if diags.HasError() {
				t.Fatalf("batchingSettings: %v", diags)
			}
			if got != tc.want {
				t.Errorf("batchingSettings = %+v, want %+v", got, tc.want)
			}
		})
	}
}
