package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Subscription is a webhook subscription of Zettle's Pusher API, as it
// answers one.
type Subscription struct {
	UUID          string   `json:"uuid"`
	TransportName string   `json:"transportName"`
	EventNames    []string `json:"eventNames"`
	Updated       string   `json:"updated"`
	Destination   string   `json:"destination"`
	ContactEmail  string   `json:"contactEmail"`
	Status        string   `json:"status"`
	SigningKey    string   `json:"signingKey"`
}

// WebhookEvents are the events a subscription may name, with the OAuth scope
// each needs ("" for none).
var WebhookEvents = map[string]string{
	"InventoryBalanceChanged":      ScopeReadProduct,
	"InventoryTrackingStarted":     ScopeReadProduct,
	"InventoryTrackingStopped":     ScopeReadProduct,
	"ProductCreated":               ScopeReadProduct,
	"ProductUpdated":               ScopeReadProduct,
	"ProductDeleted":               ScopeReadProduct,
	"PurchaseCreated":              "READ:PURCHASE",
	"InvoiceCreated":               "READ:FINANCE",
	"CardPaymentAuthorized":        "READ:FINANCE",
	"OrganizationUpdated":          "READ:USERINFO",
	"ApplicationConnectionRemoved": "",
	"PersonalAssertionDeleted":     "",
}

// maxContactEmail is the longest contact email Pusher takes.
const maxContactEmail = 512

// Subscriptions returns the organization's webhook subscriptions, in the
// order created.
func (o *Org) Subscriptions() []Subscription {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return slices.Clone(o.subscriptions)
}

// AddSubscription creates a subscription as another integration would, with
// a new version 1 UUID, and returns it.
func (o *Org) AddSubscription(destination, contactEmail string, events ...string) Subscription {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	sub := Subscription{
		UUID: uuid.Must(uuid.NewUUID()).String(), TransportName: "WEBHOOK", EventNames: slices.Clone(events), Destination: destination,
		ContactEmail: contactEmail, Status: "ACTIVE", SigningKey: newSigningKey(), Updated: time.Now().UTC().Format(apiTime),
	}
	o.subscriptions = append(o.subscriptions, sub)
	return sub
}

// DeleteSubscription deletes a subscription as Zettle does to one whose
// destination kept failing for about 70 hours, and reports whether there was
// one of that UUID.
func (o *Org) DeleteSubscription(id string) bool {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	i := o.subscriptionIndex(strings.ToLower(id))
	if i < 0 {
		return false
	}
	o.subscriptions = slices.Delete(o.subscriptions, i, i+1)
	return true
}

// SetUnreachable makes the sandbox answer a subscription to destination, at
// create or update, as Zettle answers one it cannot reach: 400. Hosts under
// .invalid (RFC 2606) are never reachable.
func (o *Org) SetUnreachable(destination string) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	o.unreachable[destination] = true
}

// Sign is the X-iZettle-Signature of a delivery: the hex HMAC-SHA256 of
// "<timestamp>.<payload>", keyed with the subscription's signing key.
func Sign(signingKey, timestamp, payload string) string {
	mac := hmac.New(sha256.New, []byte(signingKey))
	mac.Write([]byte(timestamp + "." + payload))
	return hex.EncodeToString(mac.Sum(nil))
}

func (s *Server) pusherEndpoints() {
	// Pusher's own endpoints need no scope; the events do (eventScopes).
	s.handle("POST /organizations/{org}/subscriptions", "", createSubscription)
	s.handle("GET /organizations/{org}/subscriptions", "", listSubscriptions)
	s.handle("PUT /organizations/{org}/subscriptions/{subscription}", "", updateSubscription)
	s.handle("DELETE /organizations/{org}/subscriptions/{subscription}", "", deleteSubscription)
}

// pusherPath reports whether path is the Pusher API's.
func pusherPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "/organizations/{org}")
	return ok && strings.HasPrefix(rest, "/subscriptions")
}

// The rest of this file is the model itself; the caller holds o.s.mu.

func (o *Org) subscriptionIndex(id string) int {
	return slices.IndexFunc(o.subscriptions, func(s Subscription) bool { return s.UUID == id })
}

type subscriptionRequest struct {
	UUID          *string   `json:"uuid"`
	TransportName *string   `json:"transportName"`
	EventNames    *[]string `json:"eventNames"`
	Destination   *string   `json:"destination"`
	ContactEmail  *string   `json:"contactEmail"`
}

func createSubscription(o *Org, r *http.Request) (int, any, *httpError) {
	var req subscriptionRequest
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if req.UUID == nil || *req.UUID == "" {
		return 0, nil, badRequest("uuid: a subscription needs a uuid, chosen by the client")
	}
	id, err := uuid.Parse(*req.UUID)
	if err != nil || id.Version() != 1 {
		return 0, nil, badRequest("uuid: %q is not a version 1 UUID", *req.UUID)
	}
	if o.subscriptionIndex(id.String()) >= 0 {
		return 0, nil, badRequest("uuid: a subscription %s exists already", id)
	}
	sub := Subscription{UUID: id.String(), TransportName: "WEBHOOK", EventNames: []string{}, Status: "ACTIVE"}
	if herr := o.applySubscription(r, &sub, req, true); herr != nil {
		return 0, nil, herr
	}
	sub.SigningKey = newSigningKey()
	o.subscriptions = append(o.subscriptions, sub)
	return http.StatusOK, sub, nil
}

// applySubscription validates the fields of req and sets them on sub, in the
// order Pusher checks them: 400 for what it does not support or cannot
// reach, 403 for events the token may not see, 422 for a malformed email or
// destination. A create needs every field.
func (o *Org) applySubscription(r *http.Request, sub *Subscription, req subscriptionRequest, create bool) *httpError {
	if req.TransportName != nil && *req.TransportName != "WEBHOOK" {
		return badRequest("transportName: %q is not supported: use WEBHOOK", *req.TransportName)
	}
	if create && (req.Destination == nil || req.ContactEmail == nil || req.EventNames == nil) {
		return badRequest("eventNames, destination and contactEmail are required")
	}
	if req.EventNames != nil {
		for _, e := range *req.EventNames {
			if _, ok := WebhookEvents[e]; !ok {
				return badRequest("eventNames: %q is not a supported event", e)
			}
		}
		if herr := o.eventScopes(r, *req.EventNames); herr != nil {
			return herr
		}
	}
	if req.Destination != nil {
		if herr := o.checkDestination(*req.Destination); herr != nil {
			return herr
		}
	}
	if req.ContactEmail != nil {
		addr, err := mail.ParseAddress(*req.ContactEmail)
		if err != nil || addr.Address != *req.ContactEmail || utf8.RuneCountInString(*req.ContactEmail) > maxContactEmail {
			return unprocessable("contactEmail: %q is not a valid email address of at most %d characters", *req.ContactEmail, maxContactEmail)
		}
	}
	if req.EventNames != nil {
		sub.EventNames = slices.Clone(*req.EventNames)
	}
	if req.Destination != nil {
		sub.Destination = *req.Destination
	}
	if req.ContactEmail != nil {
		sub.ContactEmail = *req.ContactEmail
	}
	sub.Updated = time.Now().UTC().Format(apiTime)
	return nil
}

// eventScopes refuses events whose scope the request's token lacks; no event
// at all subscribes to every one, and needs every scope.
func (o *Org) eventScopes(r *http.Request, events []string) *httpError {
	if len(events) == 0 {
		for e := range WebhookEvents {
			events = append(events, e)
		}
		slices.Sort(events)
	}
	t := o.s.tokens[bearer(r)]
	for _, e := range events {
		if herr := t.checkScope(WebhookEvents[e]); herr != nil {
			herr.msg = fmt.Sprintf("event %s needs the scope %s, which the access token lacks", e, WebhookEvents[e])
			return herr
		}
	}
	return nil
}

func (o *Org) checkDestination(destination string) *httpError {
	u, err := url.Parse(destination)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return unprocessable("destination: %q is not an HTTPS URL", destination)
	}
	if o.unreachable[destination] || strings.HasSuffix(u.Hostname(), ".invalid") {
		return badRequest("destination: %s did not answer within 10 seconds", destination)
	}
	return nil
}

func listSubscriptions(o *Org, _ *http.Request) (int, any, *httpError) {
	out := slices.Clone(o.subscriptions)
	if out == nil {
		out = []Subscription{}
	}
	return http.StatusOK, out, nil
}

// updateSubscription answers 200 with no body.
func updateSubscription(o *Org, r *http.Request) (int, any, *httpError) {
	i := o.subscriptionIndex(r.PathValue("subscription"))
	if i < 0 {
		return 0, nil, notFound("subscription %s not found", r.PathValue("subscription"))
	}
	var req subscriptionRequest
	if herr := decode(r, &req); herr != nil {
		return 0, nil, herr
	}
	if req.UUID != nil && !strings.EqualFold(*req.UUID, o.subscriptions[i].UUID) {
		return 0, nil, badRequest("uuid: a subscription's uuid cannot change")
	}
	sub := o.subscriptions[i]
	if herr := o.applySubscription(r, &sub, req, false); herr != nil {
		return 0, nil, herr
	}
	o.subscriptions[i] = sub
	return http.StatusOK, nil, nil
}

func deleteSubscription(o *Org, r *http.Request) (int, any, *httpError) {
	i := o.subscriptionIndex(r.PathValue("subscription"))
	if i < 0 {
		return 0, nil, notFound("subscription %s not found", r.PathValue("subscription"))
	}
	o.subscriptions = slices.Delete(o.subscriptions, i, i+1)
	return http.StatusNoContent, nil, nil
}

// newSigningKey is a subscription's secret: 32 random bytes, in hex.
func newSigningKey() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return hex.EncodeToString(key)
}

func unprocessable(format string, args ...any) *httpError {
	return &httpError{http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY", fmt.Sprintf(format, args...), nil}
}
