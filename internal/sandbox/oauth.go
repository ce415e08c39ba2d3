package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"time"
)

// The assertion grant exchanges an API key for an access token.
const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// defaultTokenLifetime is the documented lifetime of an access token.
const defaultTokenLifetime = 7200 * time.Second

// accessToken is what a bearer token stands for. Static organization tokens
// have a zero expiry and never expire.
type accessToken struct {
	org     *Org
	expires time.Time
	// scopes are those of the organization for its static token, and those
	// of the API key for a token issued by POST /token.
	scopes []string
}

func (t accessToken) expired(at time.Time) bool {
	return !t.expires.IsZero() && !at.Before(t.expires)
}

type apiKey struct {
	org      *Org
	clientID string
	scopes   []string
}

// APIKey is an API key created in the back office, with the client ID shown
// alongside it (and also found in the key's payload).
type APIKey struct {
	Key, ClientID string
}

type arrivalKey struct{}

// arrival is when ServeHTTP received the request.
func arrival(r *http.Request) time.Time {
	if t, ok := r.Context().Value(arrivalKey{}).(time.Time); ok {
		return t
	}
	return time.Now()
}

// SetTokenLifetime sets the lifetime of the tokens issued from now on.
// expires_in rounds it down to whole seconds (at least 1), but tokens
// expire after exactly d, so tests can use short lifetimes.
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenLifetime = d
}

// ExpireTokens makes every token issued so far expire now. Static
// organization tokens are kept.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireTokensLocked(time.Now())
}

// expireTokensLocked makes the issued tokens expire at now. The caller holds
// s.mu.
func (s *Server) expireTokensLocked(now time.Time) {
	for token, t := range s.tokens {
		if !t.expires.IsZero() {
			t.expires = now
			s.tokens[token] = t
		}
	}
}

// AddAPIKey creates an API key for the organization, with a new client ID
// and the organization's scopes (both READ:PRODUCT and WRITE:PRODUCT unless
// OrgSpec.Scopes or SetScopes said otherwise).
func (o *Org) AddAPIKey() APIKey {
	return o.AddAPIKeyWithScopes(o.Scopes()...)
}

// AddAPIKeyWithScopes creates an API key for the organization, with a new
// client ID and exactly the given scopes, e.g. ScopeReadProduct alone; none
// gives a key whose tokens every inventory endpoint refuses with 403. The
// scopes are in the key's JWT payload too, and the tokens POST /token issues
// for the key carry them.
func (o *Org) AddAPIKeyWithScopes(scopes ...string) APIKey {
	clientID := newUUID()
	scopes = copyScopes(scopes)
	key := newAPIKey(clientID, o.UUID, scopes, time.Now())
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	o.s.apiKeys[key] = apiKey{org: o, clientID: clientID, scopes: scopes}
	return APIKey{Key: key, ClientID: clientID}
}

// AddAPIKeyWith registers a known API key and its client ID. The key gets
// the organization's current scopes, whatever its payload says.
func (o *Org) AddAPIKeyWith(key, clientID string) APIKey {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	o.s.apiKeys[key] = apiKey{org: o, clientID: clientID, scopes: copyScopes(o.scopes)}
	return APIKey{Key: key, ClientID: clientID}
}

// RevokeAPIKey revokes one of the organization's API keys: it can no longer
// be exchanged. Tokens issued for it live on until they expire.
func (o *Org) RevokeAPIKey(key string) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if o.s.apiKeys[key].org == o {
		delete(o.s.apiKeys, key)
	}
}

// newAPIKey makes a JWT-shaped API key. The sandbox never checks its
// signature, only that it was issued, but clients may read its payload.
func newAPIKey(clientID, org string, scopes []string, issued time.Time) string {
	header, _ := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}{"RS256", "JWT"})
	payload, _ := json.Marshal(struct {
		Issuer       string   `json:"iss"`
		Audience     string   `json:"aud"`
		Organization string   `json:"organization_uuid"`
		ClientID     string   `json:"client_id"`
		Scopes       []string `json:"scopes"`
		IssuedAt     int64    `json:"iat"`
	}{"https://oauth.zettle.com", "API", org, clientID, copyScopes(scopes), issued.Unix()})
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + randomString(256)
}

// randomString is n random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// oauthError is the RFC 6749 error body, which the OAuth host answers
// instead of the inventory one.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// grantToken is POST /token of the OAuth host: the assertion grant. It is
// not behind bearer authentication, so it is not registered with handle.
func (s *Server) grantToken(w http.ResponseWriter, r *http.Request) {
	form, oerr := tokenForm(r)
	if oerr == nil {
		var token string
		var lifetime time.Duration
		token, lifetime, oerr = s.issueToken(form["client_id"], form["assertion"])
		if oerr == nil {
			// RFC 6749: token answers must not be cached.
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, http.StatusOK, struct {
				AccessToken string `json:"access_token"`
				ExpiresIn   int64  `json:"expires_in"`
			}{token, max(int64(lifetime/time.Second), 1)})
			return
		}
	}
	writeJSON(w, http.StatusBadRequest, oerr)
}

// tokenForm reads the form-encoded grant request and checks its
// parameters, each of which may appear at most once.
func tokenForm(r *http.Request) (map[string]string, *oauthError) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, &oauthError{"invalid_request", "the body must be application/x-www-form-urlencoded"}
	}
	if err := r.ParseForm(); err != nil {
		return nil, &oauthError{"invalid_request", "malformed form body: " + err.Error()}
	}
	form := map[string]string{}
	for name, values := range r.PostForm {
		if len(values) > 1 {
			return nil, &oauthError{"invalid_request", fmt.Sprintf("parameter %s is repeated", name)}
		}
		form[name] = values[0]
	}
	if form["grant_type"] != jwtBearerGrant {
		return nil, &oauthError{"unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported: use %s", form["grant_type"], jwtBearerGrant)}
	}
	for _, name := range []string{"client_id", "assertion"} {
		if form[name] == "" {
			return nil, &oauthError{"invalid_request", "missing parameter " + name}
		}
	}
	return form, nil
}

// issueToken exchanges an API key for a new access token of its
// organization, with the key's scopes.
func (s *Server) issueToken(clientID, assertion string) (string, time.Duration, *oauthError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := s.apiKeys[assertion]
	if !ok {
		return "", 0, &oauthError{"invalid_grant", "the API key is invalid or has been revoked"}
	}
	if clientID != key.clientID {
		return "", 0, &oauthError{"invalid_client", fmt.Sprintf("client_id %s does not match the API key", clientID)}
	}
	token := randomString(32)
	s.tokens[token] = accessToken{org: key.org, expires: time.Now().Add(s.tokenLifetime), scopes: copyScopes(key.scopes)}
	return token, s.tokenLifetime, nil
}

// IssuedTokens lists the access tokens POST /token has issued, so that tests
// can check that none of them leaked into logs or state.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for token, t := range s.tokens {
		if !t.expires.IsZero() {
			out = append(out, token)
		}
	}
	return out
}
