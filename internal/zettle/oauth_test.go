package zettle

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// testKey builds a JWT-shaped API key with the given payload.
func testKey(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2lnbmF0dXJl"
}

func TestClientIDFromAPIKey(t *testing.T) {
	id, err := ClientIDFromAPIKey(testKey(`{"client_id":"c-1","scopes":["READ:PRODUCT"]}`))
	if err != nil || id != "c-1" {
		t.Errorf("got %q, %v", id, err)
	}
	// Some encoders pad base64url; the padding is tolerated.
	padded := base64.URLEncoding.EncodeToString([]byte(`{"client_id":"c-2"}`))
	if id, err := ClientIDFromAPIKey("e30." + padded + ".sig"); err != nil || id != "c-2" {
		t.Errorf("padded: got %q, %v", id, err)
	}
	for name, key := range map[string]string{
		"not a JWT":      "plain-secret",
		"not base64url":  "a.%%%.c",
		"not JSON":       "a." + base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".c",
		"no claim":       testKey(`{"sub":"x"}`),
		"non-string":     testKey(`{"client_id":42}`),
		"empty client":   testKey(`{"client_id":""}`),
		"too many parts": "a.b.c.d",
	} {
		_, err := ClientIDFromAPIKey(key)
		if err == nil || !strings.Contains(err.Error(), "client ID") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// fakeOAuth is an OAuth API that issues numbered tokens, or answers an
// error body with status when status is set.
type fakeOAuth struct {
	mu        sync.Mutex
	lifetime  int
	status    int
	body      string
	exchanges int
	form      url.Values
}

func (f *fakeOAuth) start(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		_ = r.ParseForm()
		f.form = r.PostForm
		if r.URL.Path != "/token" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if f.status != 0 {
			w.WriteHeader(f.status)
			fmt.Fprint(w, f.body)
			return
		}
		f.exchanges++
		fmt.Fprintf(w, `{"access_token":"token-%d","expires_in":%d}`, f.exchanges, f.lifetime)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAPIKeyTokensExchangeOnceAndRenewBeforeExpiry(t *testing.T) {
	f := &fakeOAuth{lifetime: 7200}
	key := testKey(`{"client_id":"client-from-jwt"}`)
	src, err := NewAPIKeyTokens(APIKeyConfig{OAuthURL: f.start(t) + "/", APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	src.now = func() time.Time { return now }
	ctx := context.Background()

	for range 3 {
		if tok, err := src.Token(ctx); err != nil || tok != "token-1" {
			t.Fatalf("got %q, %v", tok, err)
		}
	}
	if f.exchanges != 1 {
		t.Errorf("%d exchanges for three calls, want 1", f.exchanges)
	}
	want := url.Values{"grant_type": {jwtBearerGrant}, "client_id": {"client-from-jwt"}, "assertion": {key}}
	if f.form.Encode() != want.Encode() {
		t.Errorf("form %v, want %v", f.form, want)
	}

	// A minute before expiry the token is still used; inside the last
	// minute it is renewed.
	now = now.Add(7200*time.Second - 61*time.Second)
	if tok, _ := src.Token(ctx); tok != "token-1" {
		t.Errorf("61 s before expiry: %q", tok)
	}
	now = now.Add(2 * time.Second)
	if tok, _ := src.Token(ctx); tok != "token-2" {
		t.Errorf("59 s before expiry: %q, want a renewed token", tok)
	}

	// A short lifetime renews a quarter early.
	f.lifetime = 4
	src.Invalidate("token-2")
	if tok, _ := src.Token(ctx); tok != "token-3" {
		t.Errorf("after Invalidate: %q", tok)
	}
	now = now.Add(2999 * time.Millisecond)
	if tok, _ := src.Token(ctx); tok != "token-3" {
		t.Errorf("before 3/4 of the lifetime: %q", tok)
	}
	now = now.Add(time.Millisecond)
	if tok, _ := src.Token(ctx); tok != "token-4" {
		t.Errorf("at 3/4 of the lifetime: %q", tok)
	}
	// Invalidating a token no longer held changes nothing.
	src.Invalidate("token-3")
	if tok, _ := src.Token(ctx); tok != "token-4" {
		t.Errorf("stale Invalidate: %q", tok)
	}
}

func TestAPIKeyTokensErrors(t *testing.T) {
	if _, err := NewAPIKeyTokens(APIKeyConfig{APIKey: "opaque"}); err == nil || !strings.Contains(err.Error(), "not a JWT") {
		t.Errorf("opaque key without client ID: %v", err)
	}
	if _, err := NewAPIKeyTokens(APIKeyConfig{APIKey: "opaque", ClientID: "c", OAuthURL: "oauth.zettle.com"}); err == nil {
		t.Error("a URL without scheme was accepted")
	}

	f := &fakeOAuth{status: 400, body: `{"error":"invalid_grant","error_description":"assertion revoked"}`}
	src, err := NewAPIKeyTokens(APIKeyConfig{OAuthURL: f.start(t), APIKey: "opaque", ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background())
	want := "exchange the API key for an access token: HTTP 400 Bad Request: the API key is invalid or has been revoked; " +
		"create a new one in the Zettle back office (invalid_grant: assertion revoked)"
	if err == nil || err.Error() != want {
		t.Errorf("invalid_grant:\n got %v\nwant %s", err, want)
	}
	if StatusOf(err) != 400 {
		t.Errorf("status %d", StatusOf(err))
	}

	f.status, f.body = 400, `{"error":"invalid_client","error_description":"unknown client"}`
	if _, err := src.Token(context.Background()); err == nil || !strings.HasSuffix(err.Error(), "HTTP 400 Bad Request: invalid_client: unknown client") {
		t.Errorf("invalid_client: %v", err)
	}
	f.status, f.body = 200, `{"expires_in":7200}`
	if _, err := src.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "no access token") {
		t.Errorf("no token: %v", err)
	}
}

func TestClientRenewsARefusedTokenOnce(t *testing.T) {
	f := &fakeOAuth{lifetime: 7200}
	src, err := NewAPIKeyTokens(APIKeyConfig{OAuthURL: f.start(t), APIKey: "opaque", ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	// The API refuses token-1 (expired early, say) and accepts later ones.
	var seen []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		seen = append(seen, auth+" "+r.Header.Get("X-iZettle-Application-Id"))
		if auth == "Bearer token-1" || r.URL.Path == "/organizations/self/inventory/products/P" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"developerMessage":"token expired"}`)
			return
		}
		fmt.Fprint(w, `[]`)
	}))
	t.Cleanup(api.Close)
	c, err := New(Config{InventoryURL: api.URL, Tokens: src, ApplicationID: "c", APIVersion: APIVersionV2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Locations(context.Background()); err != nil {
		t.Fatalf("renewal did not recover: %v", err)
	}
	if want := []string{"Bearer token-1 c", "Bearer token-2 c"}; fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("requests %q, want %q", seen, want)
	}
	// A second refusal is an error, not a loop.
	seen = nil
	err = c.Stop(context.Background(), "P")
	if StatusOf(err) != 401 || !strings.Contains(err.Error(), "the access token was rejected or has expired: token expired") {
		t.Errorf("error %v", err)
	}
	if len(seen) != 2 {
		t.Errorf("%d attempts, want 2", len(seen))
	}
}
