package receiver

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
)

func TestVerify(t *testing.T) {
	const key = "2a1f0c7e5b9d4f3a8c6e1b0d7f2a9c4e5b8d1f6a3c0e7b2d9f4a1c8e5b0d3f6a"
	payload := `{"organizationUuid":"ab0d4f0e-e2ee-11e6-ba64-85247ae2a737","balanceBefore":[],"balanceAfter":[]}`
	body := `{"organizationUuid":"ab0d4f0e-e2ee-11e6-ba64-85247ae2a737","messageUuid":"7f1c","eventName":"InventoryBalanceChanged",` +
		`"payload":` + quote(payload) + `,"timestamp":"2026-12-02T10:00:00.000Z"}`
	for _, c := range []struct {
		signature string
		ok        bool
	}{
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
