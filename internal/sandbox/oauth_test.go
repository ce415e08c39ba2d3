package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

func grantForm(key APIKey) url.Values {
	return url.Values{"grant_type": {jwtBearerGrant}, "client_id": {key.ClientID}, "assertion": {key.Key}}
}

// grant posts form to /token and returns the status and the decoded body.
func (h *harness) grant(form url.Values) (int, map[string]any) {
	h.t.Helper()
	resp, raw := h.send("", "POST", "/token", form.Encode(), formHeader)
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		h.t.Fatalf("POST /token: %d %q is not a JSON object", resp.StatusCode, raw)
	}
	return resp.StatusCode, m
}

// token exchanges key for an access token, or fails the test.
func (h *harness) token(key APIKey) string {
	h.t.Helper()
	status, m := h.grant(grantForm(key))
	token, _ := m["access_token"].(string)
	if status != 200 || token == "" {
		h.t.Fatalf("grant: %d %v", status, m)
	}
	return token
}

// expectAuthorized checks that token reaches org.
func (h *harness) expectAuthorized(token string, org *Org, what string) {
	h.t.Helper()
	if status, raw, _ := h.callAs(token, "GET", "/organizations/"+org.UUID+"/locations", ""); status != 200 {
		h.t.Errorf("%s: %d %s", what, status, raw)
	}
}

// expectUnauthorized checks that token is refused with a message containing
// message.
func (h *harness) expectUnauthorized(token, message string) {
	h.t.Helper()
	status, raw, decoded := h.callAs(token, "GET", "/organizations/self/locations", "")
	m, _ := decoded.(map[string]any)
	if status != 401 || m["errorType"] != "UNAUTHORIZED" || !strings.Contains(raw, message) {
		h.t.Errorf("token %q: %d %s, want 401 UNAUTHORIZED saying %q", token, status, raw, message)
	}
}

func jwtPart(t *testing.T, key string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(key, ".")
	if len(parts) != 3 {
		t.Fatalf("%q has %d parts, want 3", key, len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[i])
	var m map[string]any
	if err == nil {
		err = json.Unmarshal(raw, &m)
	}
	if err != nil {
		t.Fatalf("part %d of %q: %v", i, key, err)
	}
	return m
}

func TestAPIKeysAreJWTs(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	if header := jwtPart(t, key.Key, 0); header["alg"] != "RS256" || header["typ"] != "JWT" {
		t.Errorf("header %v", header)
	}
	payload := jwtPart(t, key.Key, 1)
	if payload["client_id"] != key.ClientID || !uuidPattern.MatchString(key.ClientID) || payload["scopes"] == nil || payload["iat"] == nil {
		t.Errorf("payload %v, client ID %s", payload, key.ClientID)
	}
	if other := h.org.AddAPIKey(); other.Key == key.Key || other.ClientID == key.ClientID {
		t.Error("two keys are the same")
	}
	if payload := jwtPart(t, DemoAPIKey, 1); payload["client_id"] != DemoClientID {
		t.Errorf("demo key payload %v, want client_id %s", payload, DemoClientID)
	}
}

func TestTokenGrant(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	status, m := h.grant(grantForm(key))
	if status != 200 || m["expires_in"] != 7200.0 || len(m) != 2 {
		t.Fatalf("grant: %d %v", status, m)
	}
	token := m["access_token"].(string)
	h.expectAuthorized(token, h.org, "granted token")
	if again := h.token(key); again == token {
		t.Error("a second grant gave the same token")
	}

	// The route is logged, with the application ID.
	h.send("", "POST", "/token", grantForm(key).Encode(),
		http.Header{"Content-Type": formHeader["Content-Type"], "X-Izettle-Application-Id": {key.ClientID}})
	if n := h.sb.RequestCount("POST /token"); n != 3 {
		t.Errorf("%d POST /token requests logged, want 3", n)
	}
	if log := h.sb.Requests(); log[len(log)-1].ApplicationID != key.ClientID {
		t.Errorf("last request %+v, want ApplicationID %s", log[len(log)-1], key.ClientID)
	}

	// The demo organization's fixed key works.
	demo := h.sb.AddDemoOrganization()
	h.expectAuthorized(h.token(APIKey{DemoAPIKey, DemoClientID}), demo, "demo key")
}

func TestTokenGrantErrors(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	revoked := h.org.AddAPIKey()
	h.org.RevokeAPIKey(revoked.Key)
	other := h.sb.AddOrganization(OrgSpec{}).AddAPIKey()
	with := func(name, value string) url.Values {
		form := grantForm(key)
		if value == "" {
			form.Del(name)
		} else {
			form.Set(name, value)
		}
		return form
	}
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"password grant", with("grant_type", "password"), "unsupported_grant_type"},
		{"no client_id", with("client_id", ""), "invalid_request"},
		{"no assertion", with("assertion", ""), "invalid_request"},
		{"repeated parameter", url.Values{"grant_type": {jwtBearerGrant}, "client_id": {key.ClientID, key.ClientID}, "assertion": {key.Key}}, "invalid_request"},
		{"unknown key", with("assertion", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"), "invalid_grant"},
		{"revoked key", grantForm(revoked), "invalid_grant"},
		{"another key's client ID", with("client_id", other.ClientID), "invalid_client"},
	} {
		status, m := h.grant(c.form)
		if status != 400 || m["error"] != c.want || m["error_description"] == "" || m["error_description"] == nil {
			t.Errorf("%s: %d %v, want 400 %s", c.name, status, m, c.want)
		}
	}
	resp, raw := h.send("", "POST", "/token", `{"grant_type":"`+jwtBearerGrant+`"}`, http.Header{"Content-Type": {"application/json"}})
	if resp.StatusCode != 400 || !strings.Contains(raw, `"error":"invalid_request"`) {
		t.Errorf("JSON body: %d %s", resp.StatusCode, raw)
	}
	if h.sb.RequestCount("POST /token") != 8 {
		t.Errorf("request log %+v", h.sb.Requests())
	}
}

func TestTokensExpire(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	const lifetime = 50 * time.Millisecond
	h.sb.SetTokenLifetime(lifetime)
	status, m := h.grant(grantForm(key))
	if status != 200 || m["expires_in"] != 1.0 {
		t.Fatalf("grant with a sub-second lifetime: %d %v, want expires_in 1", status, m)
	}
	token := m["access_token"].(string)

	// Expiry is judged when the request arrived, not when it is answered.
	h.sb.SetLatency(2 * lifetime)
	start := time.Now()
	h.expectAuthorized(token, h.org, "a request sent in time, answered after expiry")
	if d := time.Since(start); d < lifetime {
		t.Errorf("answered in %v, before the token expired", d)
	}
	h.sb.SetLatency(0)
	h.expectUnauthorized(token, "expired")
	h.expectAuthorized(h.org.Token, h.org, "static organization token")
}

func TestExpireTokens(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	token := h.token(key)
	h.expectAuthorized(token, h.org, "fresh token")
	h.sb.ExpireTokens()
	h.expectUnauthorized(token, "expired")
	h.expectUnauthorized("no-such-token", "unknown access token")
	h.expectAuthorized(h.token(key), h.org, "a token granted after ExpireTokens")
	h.expectAuthorized(h.org.Token, h.org, "static organization token after ExpireTokens")
}

func TestTokenFaults(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	h.sb.InjectFault(Fault{Route: "/token", Status: 503})
	resp, _ := h.send("", "POST", "/token", grantForm(key).Encode(), formHeader)
	if resp.StatusCode != 503 {
		t.Errorf("fault on /token: %d", resp.StatusCode)
	}
	h.token(key)
	if log := h.sb.Requests(); len(log) != 2 || log[0].Route != "POST /token" || log[0].Fault != "HTTP 503" || log[1].Status != 200 {
		t.Errorf("request log %+v", log)
	}
}

// A fault can expire the tokens as a request arrives: that request is then
// refused for its expired token, and a new token works.
func TestFaultExpiresTokensAsARequestArrives(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	token := h.token(key)
	h.sb.InjectFault(Fault{Method: "GET", Route: "/organizations/{org}/locations", ExpireTokens: true})
	h.expectUnauthorized(token, "expired")
	h.expectAuthorized(h.token(key), h.org, "a token granted after the fault")
	if got := h.sb.FaultCounts()["tokens expired"]; got != 1 {
		t.Errorf("fault counted %d times, want 1", got)
	}
}
