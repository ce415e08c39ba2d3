package zettle

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// DefaultPusherURL is the production Pusher API, which keeps webhook
// subscriptions.
const DefaultPusherURL = "https://pusher.izettle.com"

// WebhookEvents are the events a subscription may name, with the OAuth scope
// each needs ("" for none), as Zettle documents them.
var WebhookEvents = map[string]string{
	"InventoryBalanceChanged":      ScopeRead,
	"InventoryTrackingStarted":     ScopeRead,
	"InventoryTrackingStopped":     ScopeRead,
	"ProductCreated":               ScopeRead,
	"ProductUpdated":               ScopeRead,
	"ProductDeleted":               ScopeRead,
	"PurchaseCreated":              "READ:PURCHASE",
	"InvoiceCreated":               "READ:FINANCE",
	"CardPaymentAuthorized":        "READ:FINANCE",
	"OrganizationUpdated":          "READ:USERINFO",
	"ApplicationConnectionRemoved": "",
	"PersonalAssertionDeleted":     "",
}

// Subscription is a webhook subscription.
type Subscription struct {
	UUID          string   `json:"uuid"`
	TransportName string   `json:"transportName"`
	EventNames    []string `json:"eventNames"`
	Updated       string   `json:"updated"`
	Destination   string   `json:"destination"`
	ContactEmail  string   `json:"contactEmail"`
	Status        string   `json:"status"`
	// SigningKey keys the HMAC of every delivery. It is a secret: it is
	// masked in every log line.
	SigningKey string `json:"signingKey"`
}

// SubscriptionSpec is what a subscription is created or updated with.
type SubscriptionSpec struct {
	EventNames   []string
	Destination  string
	ContactEmail string
}

type subscriptionBody struct {
	UUID          string   `json:"uuid,omitempty"`
	TransportName string   `json:"transportName"`
	EventNames    []string `json:"eventNames"`
	Destination   string   `json:"destination"`
	ContactEmail  string   `json:"contactEmail"`
}

func (s SubscriptionSpec) body(id string) subscriptionBody {
	events := slices.Sorted(slices.Values(s.EventNames))
	if events == nil {
		events = []string{}
	}
	return subscriptionBody{UUID: id, TransportName: "WEBHOOK", EventNames: events, Destination: s.Destination, ContactEmail: s.ContactEmail}
}

// NewSubscriptionUUID is a new subscription's UUID: Pusher takes only
// version 1 UUIDs, chosen by the client.
func NewSubscriptionUUID() (string, error) {
	id, err := uuid.NewUUID()
	if err != nil {
		return "", fmt.Errorf("generating a version 1 UUID: %w", err)
	}
	return id.String(), nil
}

// CreateSubscription creates the subscription id (NewSubscriptionUUID). The
// create is never repeated blindly; after an answer that was lost, the
// subscriptions are listed, and one of that UUID is the one this created:
// the UUID is new, so nobody else chose it. Only when it is not there is the
// create sent again, with the same UUID, which Pusher refuses rather than
// doubles.
func (c *Client) CreateSubscription(ctx context.Context, id string, spec SubscriptionSpec) (Subscription, error) {
	defer c.subscriptions.Invalidate(struct{}{})
	var sub Subscription
	r := request{op: "create webhook subscription", method: "POST", path: "/organizations/self/subscriptions", body: spec.body(id),
		write: true, once: true, host: c.pusherURL, needs: eventScopesNeed(spec.EventNames)}
	for attempt := 0; ; attempt++ {
		err := c.call(ctx, r, &sub)
		if err == nil {
			c.maskSigningKey(sub.SigningKey)
			return sub.lowerUUID(), nil
		}
		// A 400 to a create sent again may be Pusher refusing the UUID
		// that the first one, whose answer was lost, used.
		if !MayHaveApplied(err) && (attempt == 0 || StatusOf(err) != http.StatusBadRequest) {
			return Subscription{}, err
		}
		c.subscriptions.Invalidate(struct{}{})
		found, ok, listErr := c.Subscription(ctx, id)
		switch {
		case listErr != nil:
			return Subscription{}, fmt.Errorf("%w; and finding out whether it was created failed: %w", err, listErr)
		case ok:
			c.logf(ctx, "The create of the webhook subscription was applied although its answer was lost", map[string]any{"uuid": id})
			return found, nil
		case !MayHaveApplied(err) || attempt >= c.maxRetries:
			return Subscription{}, fmt.Errorf("%w; %w", err, ErrSubscriptionNotListed)
		}
		c.logf(ctx, "The create of the webhook subscription was not applied; sending it again with the same UUID", map[string]any{"uuid": id, "error": err.Error()})
	}
}

// ErrSubscriptionNotListed marks a create that failed and that the list
// shows was not applied. Pusher answers 500 when the destination refuses the
// call it makes to check it.
var ErrSubscriptionNotListed = errors.New("the subscription is not listed, so it was not created (Pusher answers 500 when the destination " +
	"refuses the call it makes to check it)")

// Subscriptions lists the organization's webhook subscriptions, once per
// client until a change: Pusher has no single-subscription read.
func (c *Client) Subscriptions(ctx context.Context) ([]Subscription, error) {
	return c.subscriptions.Get(ctx, struct{}{})
}

func (c *Client) fetchSubscriptions(ctx context.Context, _ struct{}) ([]Subscription, error) {
	var subs []Subscription
	err := c.call(ctx, request{op: "list webhook subscriptions", method: "GET", path: "/organizations/self/subscriptions",
		host: c.pusherURL, needs: "access to the organization"}, &subs)
	if err != nil {
		return nil, err
	}
	for i := range subs {
		subs[i] = subs[i].lowerUUID()
		c.maskSigningKey(subs[i].SigningKey)
	}
	return subs, nil
}

// Subscription finds the subscription of that UUID; ok is false when there
// is none, as after Zettle deleted one whose destination kept failing.
func (c *Client) Subscription(ctx context.Context, id string) (sub Subscription, ok bool, err error) {
	subs, err := c.Subscriptions(ctx)
	if err != nil {
		return Subscription{}, false, err
	}
	id = strings.ToLower(id)
	for _, s := range subs {
		if s.UUID == id {
			return s, true, nil
		}
	}
	return Subscription{}, false, nil
}

// UpdateSubscription changes a subscription in place. Pusher answers 200
// with no body: the caller reads it back. The update sets fields to values,
// so it is safe to repeat.
func (c *Client) UpdateSubscription(ctx context.Context, id string, spec SubscriptionSpec) error {
	defer c.subscriptions.Invalidate(struct{}{})
	return c.call(ctx, request{op: "update webhook subscription", method: "PUT", path: "/organizations/self/subscriptions/" + id, body: spec.body(""),
		write: true, host: c.pusherURL, needs: eventScopesNeed(spec.EventNames)}, nil)
}

// DeleteSubscription deletes a subscription; one that is gone already is
// not an error.
func (c *Client) DeleteSubscription(ctx context.Context, id string) error {
	defer c.subscriptions.Invalidate(struct{}{})
	err := c.call(ctx, request{op: "delete webhook subscription", method: "DELETE", path: "/organizations/self/subscriptions/" + id,
		write: true, host: c.pusherURL, needs: "access to the organization"}, nil)
	if StatusOf(err) == http.StatusNotFound {
		return nil
	}
	return err
}

// ScopesOf lists the scopes events need, each with the events that need it,
// such as "READ:PURCHASE (PurchaseCreated)".
func ScopesOf(events []string) []string {
	byScope := map[string][]string{}
	for _, e := range events {
		if scope := WebhookEvents[e]; scope != "" {
			byScope[scope] = append(byScope[scope], e)
		}
	}
	var out []string
	for _, scope := range slices.Sorted(maps.Keys(byScope)) {
		out = append(out, fmt.Sprintf("%s (%s)", scope, strings.Join(slices.Sorted(slices.Values(byScope[scope])), ", ")))
	}
	return out
}

// eventScopesNeed says, for a 403, what a subscription to events needs.
func eventScopesNeed(events []string) string {
	scopes := ScopesOf(events)
	if len(scopes) == 0 {
		return "access to the organization"
	}
	return "the scopes its events need: " + strings.Join(scopes, ", ")
}

// maskSigningKey keeps a signing key out of every later log line.
func (c *Client) maskSigningKey(key string) {
	if m, ok := c.log.(SecretMasker); ok && key != "" {
		m.MaskSecret(key)
	}
}

func (s Subscription) lowerUUID() Subscription {
	s.UUID = strings.ToLower(s.UUID)
	return s
}

// signingKeyField finds the signing key in a JSON body, so that the line
// that logs the body can hide it before anybody has parsed it.
var signingKeyField = regexp.MustCompile(`("signingKey"\s*:\s*")(?:[^"\\]|\\.)*(?:\\$)?("|$)`)

// redactSecrets hides the values of secret fields in a JSON body to be logged.
// Every request and answer passes here, logged or not: most hold no key, and
// the plain search is cheaper than the expression.
func redactSecrets(body string) string {
	if !strings.Contains(body, `"signingKey"`) {
		return body
	}
	// A body cut inside the key is hidden to its end.
	return signingKeyField.ReplaceAllString(body, `${1}***${2}`)
}
