package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Default timeouts of one resource's operations, retries and their waits
// included.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
)

// timeoutsBlock is a resource's timeouts block; withUpdate adds update, for
// resources whose updates call the API.
func timeoutsBlock(ctx context.Context, withUpdate bool) schema.Block {
	describe := func(op string, d time.Duration) string {
		return fmt.Sprintf("How long %s may take, all its requests, retries and their waits included, as a Go duration string "+
			"such as `\"30s\"` or `\"2h45m\"`. Defaults to `\"%s\"`. When it runs out, the operation stops waiting and fails with an error.", op, d)
	}
	block := timeouts.Block(ctx, timeouts.Opts{
		Create: true, CreateDescription: describe("creating the resource", defaultCreateTimeout),
		Read: true, ReadDescription: describe("reading the resource, on every refresh (plan, apply, import),", defaultReadTimeout),
		Update: withUpdate, UpdateDescription: describe("updating the resource in place", defaultUpdateTimeout),
		Delete: true, DeleteDescription: describe("destroying the resource", defaultDeleteTimeout),
	})
	if nested, ok := block.(schema.SingleNestedBlock); ok {
		nested.MarkdownDescription = "How long each operation on this resource may take. Each attribute is optional and has its own default."
		return nested
	}
	return block
}

// withTimeout bounds ctx by an operation's configured timeout, or by def.
// timeout is one of the methods of timeouts.Value, e.g. Create.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, timeoutDiags := timeout(ctx, def)
	diags.Append(timeoutDiags...)
	return context.WithTimeout(ctx, d)
}
