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
		return fmt.Sprintf("How long %s may take, retries included, as a duration such as \"30s\" or \"2h45m\". Defaults to `%s`.", op, d)
	}
	return timeouts.Block(ctx, timeouts.Opts{
		Create: true, CreateDescription: describe("creating", defaultCreateTimeout),
		Read: true, ReadDescription: describe("reading (on every refresh)", defaultReadTimeout),
		Update: withUpdate, UpdateDescription: describe("updating", defaultUpdateTimeout),
		Delete: true, DeleteDescription: describe("destroying", defaultDeleteTimeout),
	})
}

// withTimeout bounds ctx by an operation's configured timeout, or by def.
// timeout is one of the methods of timeouts.Value, e.g. Create.
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, timeoutDiags := timeout(ctx, def)
	diags.Append(timeoutDiags...)
	return context.WithTimeout(ctx, d)
}
