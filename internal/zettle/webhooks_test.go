package zettle_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

const (
	subscriptionsPath       = "/organizations/{org}/subscriptions"
	routeCreateSubscription = "POST " + subscriptionsPath
)

// lineLogger keeps every line logged, fields included, and masks the
// secrets it is told of, as the provider's logger does.
type lineLogger struct {
	mu      sync.Mutex
	lines   []string
	secrets []string
}

func (l *lineLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := fmt.Sprintf("%s %v", msg, fields)
	for _, s := range l.secrets {
		line = strings.ReplaceAll(line, s, "***")
	}
	l.lines = append(l.lines, line)
}

func (l *lineLogger) MaskSecret(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.secrets = append(l.secrets, s)
}

func (l *lineLogger) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

var inventoryEvents = zettle.SubscriptionSpec{
	EventNames: []string{"InventoryTrackingStarted", "InventoryBalanceChanged"}, Destination: "https://shop.example/hooks", ContactEmail: "ops@shop.example",
}

func TestSubscriptionLifecycle(t *testing.T) {
	log := &lineLogger{}
	c, sb, org := zettletest.NewClient(t, zettle.Config{Logger: log}, sandbox.OrgSpec{})
	id, err := zettle.NewSubscriptionUUID()
	if err != nil {
		t.Fatal(err)
	}
	if v := uuid.MustParse(id).Version(); v != 1 {
		t.Fatalf("NewSubscriptionUUID made a version %d UUID, want 1", v)
	}
	sub, err := c.CreateSubscription(t.Context(), id, inventoryEvents)
	if err != nil {
		t.Fatal(err)
	}
	if sub.UUID != id || sub.SigningKey == "" || sub.Status != "ACTIVE" || strings.Join(sub.EventNames, ",") != "InventoryBalanceChanged,InventoryTrackingStarted" {
		t.Errorf("created %+v", sub)
	}
	// The list is read once, and again after a change.
	for range 2 {
		if got, ok, err := c.Subscription(t.Context(), id); err != nil || !ok || got.SigningKey != sub.SigningKey {
			t.Fatalf("Subscription: %+v, %v, %v", got, ok, err)
		}
	}
	if err := c.UpdateSubscription(t.Context(), id, zettle.SubscriptionSpec{EventNames: []string{"InventoryTrackingStopped"}, Destination: "https://shop.example/v2", ContactEmail: "ops@shop.example"}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := c.Subscription(t.Context(), id); got.Destination != "https://shop.example/v2" || strings.Join(got.EventNames, ",") != "InventoryTrackingStopped" {
		t.Errorf("after the update: %+v", got)
	}
	if n := sb.RequestCount("GET /organizations/{org}/subscriptions"); n != 2 {
		t.Errorf("%d lists, want one before the update and one after", n)
	}
	if err := c.DeleteSubscription(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSubscription(t.Context(), id); err != nil {
		t.Errorf("deleting a subscription that is gone: %v, want no error", err)
	}
	if len(org.Subscriptions()) != 0 {
		t.Error("the subscription is still there")
	}
	if logged := log.all(); strings.Contains(logged, sub.SigningKey) || !strings.Contains(logged, `"signingKey":"***"`) {
		t.Errorf("the log shows the signing key, or does not show where it was hidden:\n%s", logged)
	}
}

func TestCreateSubscriptionAfterALostAnswer(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault sandbox.Fault
		sends int
	}{
		// Applied, answer lost: found in the list, not sent again.
		{"cut after commit", sandbox.Fault{Route: subscriptionsPath, CutAfterCommit: true}, 1},
		// Not applied: sent again with the same UUID.
		{"cut before commit", sandbox.Fault{Route: subscriptionsPath, CutBeforeCommit: true}, 2},
		{"503", sandbox.Fault{Route: subscriptionsPath, Status: 503}, 2},
		// Applied, the answer cut halfway: found in the list.
		{"answer cut", sandbox.Fault{Route: subscriptionsPath, CutAnswerAfterCommit: true}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, sb, org := zettletest.NewClient(t, zettle.Config{Retries: zettletest.FastRetries}, sandbox.OrgSpec{})
			c.fault.Method = "POST"
			sb.InjectFault(c.fault)
			id, _ := zettle.NewSubscriptionUUID()
			sub, err := client.CreateSubscription(t.Context(), id, inventoryEvents)
			if err != nil {
				t.Fatal(err)
			}
			if subs := org.Subscriptions(); len(subs) != 1 || subs[0].UUID != id || sub.SigningKey != subs[0].SigningKey {
				t.Errorf("subscriptions %+v, want exactly the one created, its signing key returned", subs)
			}
			if n := sb.RequestCount(routeCreateSubscription); n != c.sends {
				t.Errorf("the create was sent %d times, want %d", n, c.sends)
			}
			if sb.FaultCounts()[c.fault.String()] != 1 {
				t.Errorf("the fault %s shaped %d answers, want 1", c.fault.String(), sb.FaultCounts()[c.fault.String()])
			}
		})
	}
}

func TestSubscriptionRefusalsNameTheScopesTheEventsNeed(t *testing.T) {
	c, _, _ := zettletest.NewClient(t, zettle.Config{}, sandbox.OrgSpec{})
	id, _ := zettle.NewSubscriptionUUID()
	_, err := c.CreateSubscription(t.Context(), id, zettle.SubscriptionSpec{
		EventNames: []string{"PurchaseCreated", "InventoryBalanceChanged"}, Destination: "https://shop.example/h", ContactEmail: "a@shop.example",
	})
	if zettle.StatusOf(err) != 403 || !strings.Contains(err.Error(), "create webhook subscription: HTTP 403") ||
		!strings.Contains(err.Error(), "READ:PRODUCT (InventoryBalanceChanged), READ:PURCHASE (PurchaseCreated)") {
		t.Errorf("create without READ:PURCHASE: %v; want the operation, the status and the scopes by event", err)
	}
	_, err = c.CreateSubscription(t.Context(), id, zettle.SubscriptionSpec{EventNames: []string{"InventoryBalanceChanged"}, Destination: "http://shop.example/h", ContactEmail: "a@shop.example"})
	if zettle.StatusOf(err) != 422 || !strings.Contains(err.Error(), "not an HTTPS URL") {
		t.Errorf("create to http://: %v, want 422 with the API's message", err)
	}
}
