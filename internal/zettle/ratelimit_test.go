package zettle_test

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	// A client starts without a turn in hand, so at this rate none comes.
	c, sb, _ := zettletest.NewClient(t, zettle.Config{RateLimit: zettle.RateLimit{PerSecond: 0.001, Burst: 1}}, sandbox.OrgSpec{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.MoveStock(ctx, zettle.MovementRequest{})
	if err == nil || zettle.MayHaveApplied(err) {
		t.Errorf("error %v, may have applied %v; want an error that says nothing was sent", err, zettle.MayHaveApplied(err))
	}
	if n := sb.RequestCount(); n != 0 {
		t.Errorf("%d requests reached the sandbox, want none", n)
	}
}

// Terraform runs a command's plan and its apply in two provider processes,
// the second straight after the first: the second client's first request
// still keeps the service's rate, however recently the first client sent.
func TestRateLimitHoldsAcrossClientsOneAfterAnother(t *testing.T) {
	const rate = 10
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	org := sb.AddOrganization(sandbox.OrgSpec{})
	// A bucket of two: one request ahead of the rate passes, a second is
	// refused. A client that started with a turn in hand would each get a
	// request ahead, and the third client's first would be refused.
	sb.SetRateLimit(rate, 2)
	for client := range 3 {
		c, err := zettle.New(zettle.Config{
			InventoryURL: srv.URL, OrganizationURL: srv.URL, Tokens: zettle.StaticToken(org.Token),
			APIVersion: zettle.APIVersionV2, RateLimit: zettle.RateLimit{PerSecond: rate, Burst: 1},
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := c.Locations(context.Background()); err != nil {
				t.Fatalf("client %d: %v", client+1, err)
			}
		}
	}
	if refused := sb.RateLimited(); refused != 0 {
		t.Errorf("%d of 9 requests refused, want none", refused)
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
