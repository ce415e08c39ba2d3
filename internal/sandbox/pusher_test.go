package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func subscriptionBody(id, destination, email string, events ...string) string {
	if events == nil {
		events = []string{}
	}
	b, _ := json.Marshal(map[string]any{
		"uuid": id, "transportName": "WEBHOOK", "eventNames": events, "destination": destination, "contactEmail": email,
	})
	return string(b)
}

func TestPusherSubscriptionLifecycle(t *testing.T) {
	h := newHarness(t)
	id := uuid.Must(uuid.NewUUID()).String()
	status, raw, _ := h.call("POST", "/organizations/self/subscriptions",
		subscriptionBody(strings.ToUpper(id), "https://shop.example/hooks", "ops@shop.example", "InventoryBalanceChanged"))
	var created Subscription
	_ = json.Unmarshal([]byte(raw), &created)
	if status != http.StatusOK || created.UUID != id || created.Status != "ACTIVE" || len(created.SigningKey) < 32 || created.Updated == "" {
		t.Fatalf("create: %d %s; want 200 with the UUID in lower case, ACTIVE, a signing key", status, raw)
	}

	status, raw, _ = h.call("PUT", "/organizations/self/subscriptions/"+id, `{"eventNames": ["InventoryTrackingStarted", "InventoryTrackingStopped"]}`)
	if status != http.StatusOK || raw != "" {
		t.Errorf("update: %d %q, want 200 with no body", status, raw)
	}
	status, raw, _ = h.call("GET", "/organizations/self/subscriptions", "")
	var listed []Subscription
	_ = json.Unmarshal([]byte(raw), &listed)
	if status != http.StatusOK || len(listed) != 1 || strings.Join(listed[0].EventNames, ",") != "InventoryTrackingStarted,InventoryTrackingStopped" ||
		listed[0].Destination != "https://shop.example/hooks" || listed[0].SigningKey != created.SigningKey {
		t.Errorf("list: %d %s; want the updated subscription, the rest as it was", status, raw)
	}

	if status, _, _ := h.call("DELETE", "/organizations/self/subscriptions/"+id, ""); status != http.StatusNoContent {
		t.Errorf("delete: %d, want 204", status)
	}
	h.expectError(http.StatusNotFound, "DELETE", "/organizations/self/subscriptions/"+id, "", "not found")
	h.expectError(http.StatusNotFound, "PUT", "/organizations/self/subscriptions/"+id, `{"contactEmail": "a@b.example"}`, "not found")
}

func TestPusherRefusesWhatZettleRefuses(t *testing.T) {
	h := newHarness(t)
	v1 := func() string { return uuid.Must(uuid.NewUUID()).String() }
	taken := v1()
	if status, raw, _ := h.call("POST", "/organizations/self/subscriptions", subscriptionBody(taken, "https://a.example/h", "a@a.example", "InventoryBalanceChanged")); status != http.StatusOK {
		t.Fatalf("create: %d %s", status, raw)
	}
	h.org.SetUnreachable("https://down.example/h")
	for _, c := range []struct {
		body   string
		status int
		want   string
	}{
		{subscriptionBody("", "https://a.example/h", "a@a.example", "InventoryBalanceChanged"), 400, "needs a uuid"},
		{subscriptionBody(uuid.NewString(), "https://a.example/h", "a@a.example", "InventoryBalanceChanged"), 400, "not a version 1 UUID"},
		{subscriptionBody(taken, "https://a.example/h", "a@a.example", "InventoryBalanceChanged"), 400, "exists already"},
		{subscriptionBody(v1(), "https://a.example/h", "a@a.example", "StockCounted"), 400, "not a supported event"},
		{subscriptionBody(v1(), "https://down.example/h", "a@a.example", "InventoryBalanceChanged"), 400, "did not answer"},
		{subscriptionBody(v1(), "https://shop.invalid/h", "a@a.example", "InventoryBalanceChanged"), 400, "did not answer"},
		{subscriptionBody(v1(), "http://a.example/h", "a@a.example", "InventoryBalanceChanged"), 422, "not an HTTPS URL"},
		{subscriptionBody(v1(), "https://a.example/h", "not an email", "InventoryBalanceChanged"), 422, "not a valid email"},
		{subscriptionBody(v1(), "https://a.example/h", strings.Repeat("a", 510)+"@b.example", "InventoryBalanceChanged"), 422, "at most 512"},
		{subscriptionBody(v1(), "https://a.example/h", "a@a.example", "PurchaseCreated"), 403, "needs the scope READ:PURCHASE"},
		// No event is every event, and needs every scope.
		{subscriptionBody(v1(), "https://a.example/h", "a@a.example"), 403, "needs the scope"},
	} {
		h.expectError(c.status, "POST", "/organizations/self/subscriptions", c.body, c.want)
	}
	h.expectError(http.StatusUnprocessableEntity, "PUT", "/organizations/self/subscriptions/"+taken, `{"destination": "http://a.example/h"}`, "not an HTTPS URL")
	h.expectError(http.StatusBadRequest, "PUT", "/organizations/self/subscriptions/"+taken, `{"eventNames": ["Nope"]}`, "not a supported event")
	if n := len(h.org.Subscriptions()); n != 1 {
		t.Errorf("%d subscriptions after refused requests, want the first only", n)
	}
}

func TestPusherServedWhenInventoryV2IsOff(t *testing.T) {
	h := newHarness(t)
	h.sb.SetAPIVersions(false, true)
	if status, raw, _ := h.call("GET", "/organizations/self/subscriptions", ""); status != http.StatusOK || raw != "[]\n" {
		t.Errorf("list with v2 off: %d %q, want 200 []", status, raw)
	}
}

func TestDeleteSubscriptionAsZettleDoes(t *testing.T) {
	h := newHarness(t)
	id := uuid.Must(uuid.NewUUID()).String()
	h.call("POST", "/organizations/self/subscriptions", subscriptionBody(id, "https://a.example/h", "a@a.example", "InventoryBalanceChanged"))
	if !h.org.DeleteSubscription(strings.ToUpper(id)) || h.org.DeleteSubscription(id) || len(h.org.Subscriptions()) != 0 {
		t.Error("DeleteSubscription: want the subscription deleted once")
	}
}

func TestSignIsHexHMACOfTimestampAndPayload(t *testing.T) {
	// The answer of another implementation: printf '%s.%s' "$timestamp"
	// "$payload" | openssl dgst -sha256 -hmac key -hex, as the webhooks
	// guide shows it.
	const want = "7fcc80711135d78cc3c708107c5728a6b0562f39db89f729ced3150478b4fbfc"
	if got := Sign("key", "2026-12-02T10:00:00.000Z", `{"productUuid":"3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"}`); got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}
