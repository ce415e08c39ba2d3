package zettle_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

// Requests made all at once against a service that enforces a rate: with
// the client's limit at that rate, none is refused; without it, some are.
func TestRateLimitKeepsRequestsWithinTheServicesRate(t *testing.T) {
	const rate, calls = 10, 12
	for _, limited := range []bool{true, false} {
		cfg := zettle.Config{}
		if limited {
			cfg.RateLimit = zettle.RateLimit{PerSecond: rate, Burst: 1}
		}
		c, sb, _ := zettletest.NewClient(t, cfg, sandbox.OrgSpec{})
		sb.SetRateLimit(rate, 2)
		var wg sync.WaitGroup
		for range calls {
			wg.Go(func() { _, _ = c.Locations(context.Background()) })
		}
		wg.Wait()
		switch refused := sb.RateLimited(); {
		case limited && refused != 0:
			t.Errorf("with the limit: %d of %d requests refused, want none", refused, calls)
		case !limited && refused == 0:
			t.Errorf("without the limit: no request refused, so the test shows nothing")
		}
	}
}

// A request that gives up waiting for its turn was never sent: nothing
// may have been applied.
func TestRateLimitWaitThatGivesUpIsNotSent(t *testing.T) {
	c, sb, _ := zettletest.NewClient(t, zettle.Config{RateLimit: zettle.RateLimit{PerSecond: 0.001, Burst: 1}}, sandbox.OrgSpec{})
	if _, err := c.Locations(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.MoveStock(ctx, zettle.MovementRequest{})
	if err == nil || zettle.MayHaveApplied(err) {
		t.Errorf("error %v, may have applied %v; want an error that says nothing was sent", err, zettle.MayHaveApplied(err))
	}
	if n := sb.RequestCount(); n != 1 {
		t.Errorf("%d requests reached the sandbox, want the first only", n)
	}
}

// A 429 changed nothing: it is retried beyond max_retries, which bounds
// the retries after other failures only. max_retries 0 retries nothing.
func TestRefusalsWith429DoNotCountAgainstMaxRetries(t *testing.T) {
	fast := zettle.Retries{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: time.Millisecond}
	for _, c := range []struct {
		name    string
		retries zettle.Retries
		fault   sandbox.Fault
		ok      bool
	}{
		{"six 429s", fast, sandbox.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 6}, true},
		{"three 503s", fast, sandbox.Fault{Status: http.StatusServiceUnavailable, Times: 3}, false},
		{"a 429 with max_retries 0", zettle.Retries{}, sandbox.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 1}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, sb, _ := zettletest.NewClient(t, zettle.Config{Retries: c.retries}, sandbox.OrgSpec{})
			sb.InjectFault(c.fault)
			_, err := cl.Locations(context.Background())
			if (err == nil) != c.ok {
				t.Errorf("error %v, want success %v", err, c.ok)
			}
		})
	}
}
