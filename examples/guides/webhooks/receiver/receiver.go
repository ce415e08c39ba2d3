// Package receiver checks Zettle's webhook deliveries: what a web shop's
// endpoint does before it trusts one.
package receiver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// Delivery is the body Zettle posts: the event itself is in Payload, as a
// JSON string.
type Delivery struct {
	OrganizationUUID string `json:"organizationUuid"`
	MessageUUID      string `json:"messageUuid"`
	EventName        string `json:"eventName"`
	Payload          string `json:"payload"`
	Timestamp        string `json:"timestamp"`
}

// Verify reads a delivery and checks its X-iZettle-Signature: the hex
// HMAC-SHA256 of "<timestamp>.<payload>", keyed with the subscription's
// signing key (signing_key of zettle_webhook_subscription).
func Verify(r *http.Request, signingKey string) (Delivery, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return Delivery{}, err
	}
	var d Delivery
	if err := json.Unmarshal(body, &d); err != nil {
		return Delivery{}, err
	}
	mac := hmac.New(sha256.New, []byte(signingKey))
	mac.Write([]byte(d.Timestamp + "." + d.Payload))
	want := hex.EncodeToString(mac.Sum(nil))
	// Compared in constant time, so that the time taken tells nothing.
	if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-iZettle-Signature"))) {
		return Delivery{}, errors.New("the delivery's X-iZettle-Signature does not match: it is not from Zettle")
	}
	return d, nil
}
