package receiver

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func TestVerify(t *testing.T) {
	const key = "key"
	payload := `{"productUuid":"3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"}`
	body := `{"organizationUuid":"ab0d4f0e-e2ee-11e6-ba64-85247ae2a737","messageUuid":"7f1c","eventName":"InventoryBalanceChanged",` +
		`"payload":` + quote(payload) + `,"timestamp":"2026-12-02T10:00:00.000Z"}`
	for _, c := range []struct {
		signature string
		ok        bool
	}{
		// From another implementation: printf '%s.%s' "$timestamp"
		// "$payload" | openssl dgst -sha256 -hmac key -hex.
		{"7fcc80711135d78cc3c708107c5728a6b0562f39db89f729ced3150478b4fbfc", true},
		{sandbox.Sign(key, "2026-12-02T10:00:00.000Z", payload), true},
		{sandbox.Sign("another key", "2026-12-02T10:00:00.000Z", payload), false},
		{sandbox.Sign(key, "2026-12-02T10:00:01.000Z", payload), false},
		{"", false},
	} {
		r := httptest.NewRequest("POST", "/zettle/webhooks", strings.NewReader(body))
		r.Header.Set("X-iZettle-Signature", c.signature)
		d, err := Verify(r, key)
		if (err == nil) != c.ok {
			t.Errorf("signature %q: %v, want ok=%v", c.signature, err, c.ok)
		}
		if c.ok && (d.EventName != "InventoryBalanceChanged" || d.Payload != payload) {
			t.Errorf("delivery %+v", d)
		}
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
