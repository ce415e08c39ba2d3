package sandbox

import (
	"fmt"
	"net/http"
	"slices"
)

// The OAuth scopes of the Inventory API. Each endpoint needs one: reads need
// ScopeReadProduct, changes ScopeWriteProduct. A token without it is
// answered 403 FORBIDDEN.
const (
	ScopeReadProduct  = "READ:PRODUCT"
	ScopeWriteProduct = "WRITE:PRODUCT"
)

// allScopes is what an organization, and its credentials, have unless told
// otherwise.
func allScopes() []string { return []string{ScopeReadProduct, ScopeWriteProduct} }

// orgScopes is the scope set of an organization: none given means both.
func orgScopes(scopes []string) []string {
	if len(scopes) == 0 {
		return allScopes()
	}
	return copyScopes(scopes)
}

// copyScopes copies a scope list, dropping repeats, so that the model shares
// no memory with callers. It is never nil, so that a JWT payload lists [].
func copyScopes(scopes []string) []string {
	out := []string{}
	for _, sc := range scopes {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// Scopes returns the organization's scopes: those of its static token (Token)
// and the default of the API keys AddAPIKey and AddAPIKeyWith create.
func (o *Org) Scopes() []string {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return copyScopes(o.scopes)
}

// SetScopes changes the organization's scopes; as with OrgSpec.Scopes, none
// means both READ:PRODUCT and WRITE:PRODUCT. Its static token (Token) has
// the new scopes from now on. API keys created before, and the tokens issued
// for them, keep the scopes they had.
func (o *Org) SetScopes(scopes ...string) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	o.scopes = orgScopes(scopes)
	if t, ok := o.s.tokens[o.Token]; ok && t.org == o {
		t.scopes = copyScopes(o.scopes)
		o.s.tokens[o.Token] = t
	}
}

// checkScope refuses a token that lacks the scope an endpoint needs.
func (t accessToken) checkScope(scope string) *httpError {
	if scope == "" || slices.Contains(t.scopes, scope) {
		return nil
	}
	return &httpError{http.StatusForbidden, "FORBIDDEN", fmt.Sprintf("the access token lacks the scope %s", scope), nil}
}
