package sandbox

import (
	"slices"
	"strings"
	"testing"
)

// scopedCall is a request to one Inventory or low-stock route, and the scope
// that route needs.
type scopedCall struct {
	route, method, path, body, scope string
}

// scopedCalls lists a valid request to every route registered with a scope,
// for an organization with one tracked product that has stock.
func (h *harness) scopedCalls() []scopedCall {
	h.t.Helper()
	product, v := h.org.AddProduct(1)
	if err := h.org.Restock(product, v[0], 5); err != nil {
		h.t.Fatal(err)
	}
	h.org.SetTracking(product, true)
	store := h.org.Location(Store)
	write, read := lowStockPaths(store)
	move := `{"changes":[{"productUuid":"` + product + `","variantUuid":"` + v[0] + `","fromLocationUuid":"` + h.org.Location(Supplier) +
		`","toLocationUuid":"` + store + `","change":1}]}`
	const r, w = ScopeReadProduct, ScopeWriteProduct
	return []scopedCall{
		{"GET /organizations/{org}/locations", "GET", "/organizations/self/locations", "", r},
		{"GET /organizations/{org}/inventory/locations/{location}", "GET", "/organizations/self/inventory/locations/" + store, "", r},
		{"GET /organizations/{org}/inventory/locations", "GET", "/organizations/self/inventory/locations?type=STORE", "", r},
		{"POST /organizations/{org}/inventory/products", "POST", "/organizations/self/inventory/products", `{"locationType":"STORE","productUuids":["` + product + `"]}`, r},
		{"GET /organizations/{org}/inventory/locations/{location}/products/{product}", "GET", "/organizations/self/inventory/locations/" + store + "/products/" + product, "", r},
		{"GET /organizations/{org}/inventory", "GET", "/organizations/self/inventory", "", r},
		{"GET /custom-low-stock/v2/locations/{location}", "GET", read, "", r},
		{"GET /custom-low-stock/v2/locations/{location}/products/{product}", "GET", read + "/products/" + product, "", r},
		{"POST /organizations/{org}/v2/inventory/bulk", "POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 1), w},
		{"POST /organizations/{org}/inventory", "POST", "/organizations/self/inventory", `{"productUuid":"` + product + `"}`, w},
		{"PUT /organizations/{org}/inventory", "PUT", "/organizations/self/inventory", move, w},
		{"PUT /custom-low-stock/locations/{location}", "PUT", write, setting(product, v[0], `,"lowStockAlert":true`), w},
		{"POST /custom-low-stock/locations/{location}", "POST", write, `{"requests":[` + setting(product, v[0], `,"lowStockLevel":2`) + `]}`, w},
		{"DELETE /custom-low-stock/locations/{location}/products/{product}/variants/{variant}", "DELETE", write + "/products/" + product + "/variants/" + v[0], "", w},
		{"POST /custom-low-stock/locations/{location}/delete", "POST", write + "/delete", `{"requests":[` + setting(product, v[0], "") + `]}`, w},
		// Last, as it stops tracking.
		{"DELETE /organizations/{org}/inventory/products/{product}", "DELETE", "/organizations/self/inventory/products/" + product, "", w},
	}
}

// Two of the routes of scopedCalls, a read and a write.
const (
	readRoute  = "GET /organizations/{org}/locations"
	writeRoute = "PUT /organizations/{org}/inventory"
)

// callOf picks the call to route among calls.
func callOf(t *testing.T, calls []scopedCall, route string) scopedCall {
	t.Helper()
	i := slices.IndexFunc(calls, func(c scopedCall) bool { return c.route == route })
	if i < 0 {
		t.Fatalf("no call to %s", route)
	}
	return calls[i]
}

// expectForbidden checks that token is refused 403 FORBIDDEN, naming scope.
func (h *harness) expectForbidden(token string, c scopedCall, scope string) {
	h.t.Helper()
	status, raw, decoded := h.callAs(token, c.method, c.path, c.body)
	m, _ := decoded.(map[string]any)
	if status != 403 || m["errorType"] != "FORBIDDEN" || m["developerMessage"] != "the access token lacks the scope "+scope {
		h.t.Errorf("%s: %d %s, want 403 FORBIDDEN naming %s", c.route, status, raw, scope)
	}
}

func TestEveryRouteDeclaresItsScope(t *testing.T) {
	h := newHarness(t)
	calls := h.scopedCalls()
	if len(calls) != len(h.sb.apiRoutes) {
		t.Errorf("%d routes registered with a scope, %d in the test", len(h.sb.apiRoutes), len(calls))
	}
	for _, c := range calls {
		if got, ok := h.sb.apiRoutes[c.route]; !ok || got != c.scope {
			t.Errorf("%s is registered with scope %q, want %q", c.route, got, c.scope)
		}
		// The request is valid: a token with both scopes gets a 2xx.
		if status, raw, _ := h.call(c.method, c.path, c.body); status/100 != 2 {
			t.Errorf("%s with both scopes: %d %s", c.route, status, raw)
		}
	}
}

func TestReadOnlyAndWriteOnlyTokens(t *testing.T) {
	for _, only := range []string{ScopeReadProduct, ScopeWriteProduct} {
		t.Run(only, func(t *testing.T) {
			h := newHarness(t)
			h.org = h.sb.AddOrganization(OrgSpec{Scopes: []string{only}})
			calls := h.scopedCalls()
			tokens := map[string]string{"static token": h.org.Token, "granted token": h.token(h.org.AddAPIKeyWithScopes(only))}
			for what, token := range tokens {
				for _, c := range calls {
					if c.scope == only {
						if status, raw, _ := h.callAs(token, c.method, c.path, c.body); status/100 != 2 {
							t.Errorf("%s, %s: %d %s", what, c.route, status, raw)
						}
					} else {
						h.expectForbidden(token, c, c.scope)
					}
				}
			}
			if only == ScopeReadProduct {
				// No write went through: the product is still tracked, with
				// no movement but the restock and no low-stock setting.
				stop := calls[len(calls)-1]
				if product := stop.path[strings.LastIndex(stop.path, "/")+1:]; !h.org.IsTracked(product) {
					t.Errorf("a read-only token stopped tracking %s", product)
				}
				for _, m := range h.org.Movements() {
					if m.Route != ControlRoute {
						t.Errorf("a read-only token moved stock: %+v", m)
					}
				}
				if n := h.org.LowStockCount(); n != 0 {
					t.Errorf("a read-only token made %d low-stock settings", n)
				}
			}
		})
	}
}

func TestUnauthorizedComesBeforeForbidden(t *testing.T) {
	h := newHarness(t)
	h.org = h.sb.AddOrganization(OrgSpec{Scopes: []string{ScopeReadProduct}})
	key := h.org.AddAPIKeyWithScopes(ScopeReadProduct)
	expired := h.token(key)
	h.sb.ExpireTokens()
	write := callOf(t, h.scopedCalls(), writeRoute)
	for token, message := range map[string]string{"": "missing bearer token", "wrong": "unknown access token", expired: "expired"} {
		status, raw, decoded := h.callAs(token, write.method, write.path, write.body)
		if m, _ := decoded.(map[string]any); status != 401 || m["errorType"] != "UNAUTHORIZED" || !strings.Contains(raw, message) {
			t.Errorf("token %q without the scope: %d %s, want 401 saying %q", token, status, raw, message)
		}
	}
	h.expectForbidden(h.org.Token, write, ScopeWriteProduct)
}

func TestAPIKeyScopes(t *testing.T) {
	h := newHarness(t)
	calls := h.scopedCalls()
	read, write := callOf(t, calls, readRoute), callOf(t, calls, writeRoute)

	for _, c := range []struct {
		scopes        []string
		read, write   bool
		payloadScopes []any
	}{
		{[]string{ScopeReadProduct}, true, false, []any{ScopeReadProduct}},
		{[]string{ScopeWriteProduct}, false, true, []any{ScopeWriteProduct}},
		{[]string{ScopeWriteProduct, ScopeReadProduct, ScopeWriteProduct}, true, true, []any{ScopeWriteProduct, ScopeReadProduct}},
		{[]string{"READ:FINANCE"}, false, false, []any{"READ:FINANCE"}},
		{nil, false, false, []any{}},
	} {
		key := h.org.AddAPIKeyWithScopes(c.scopes...)
		if got := jwtPart(t, key.Key, 1)["scopes"]; !slices.Equal(got.([]any), c.payloadScopes) {
			t.Errorf("key with scopes %v: payload scopes %v, want %v", c.scopes, got, c.payloadScopes)
		}
		token := h.token(key)
		for _, call := range []struct {
			scopedCall
			ok bool
		}{{read, c.read}, {write, c.write}} {
			if call.ok {
				if status, raw, _ := h.callAs(token, call.method, call.path, call.body); status != 200 {
					t.Errorf("key with scopes %v, %s: %d %s", c.scopes, call.route, status, raw)
				}
			} else {
				h.expectForbidden(token, call.scopedCall, call.scope)
			}
		}
	}

	// AddAPIKey gives both scopes to an organization created with none.
	key := h.org.AddAPIKey()
	if got := jwtPart(t, key.Key, 1)["scopes"]; !slices.Equal(got.([]any), []any{ScopeReadProduct, ScopeWriteProduct}) {
		t.Errorf("AddAPIKey payload scopes %v", got)
	}
	token := h.token(key)
	for _, c := range []scopedCall{read, write} {
		if status, raw, _ := h.callAs(token, c.method, c.path, c.body); status != 200 {
			t.Errorf("AddAPIKey token, %s: %d %s", c.route, status, raw)
		}
	}
}

func TestDemoCredentialsHaveBothScopes(t *testing.T) {
	h := newHarness(t)
	h.org = h.sb.AddDemoOrganization()
	if got := h.org.Scopes(); !slices.Equal(got, []string{ScopeReadProduct, ScopeWriteProduct}) {
		t.Errorf("demo organization scopes %v", got)
	}
	if got := jwtPart(t, DemoAPIKey, 1)["scopes"]; !slices.Equal(got.([]any), []any{ScopeReadProduct, ScopeWriteProduct}) {
		t.Errorf("demo key payload scopes %v", got)
	}
	calls := h.scopedCalls()
	for what, token := range map[string]string{"demo token": DemoToken, "demo key": h.token(APIKey{DemoAPIKey, DemoClientID})} {
		for _, c := range []scopedCall{callOf(t, calls, readRoute), callOf(t, calls, writeRoute)} {
			if status, raw, _ := h.callAs(token, c.method, c.path, c.body); status != 200 {
				t.Errorf("%s, %s: %d %s", what, c.route, status, raw)
			}
		}
	}
}

func TestSetScopes(t *testing.T) {
	h := newHarness(t)
	calls := h.scopedCalls()
	read, write := callOf(t, calls, readRoute), callOf(t, calls, writeRoute)
	before := h.token(h.org.AddAPIKey())

	h.org.SetScopes(ScopeReadProduct)
	if got := h.org.Scopes(); !slices.Equal(got, []string{ScopeReadProduct}) {
		t.Errorf("scopes %v", got)
	}
	h.expectStatus(200, read.method, read.path, read.body)
	h.expectForbidden(h.org.Token, write, ScopeWriteProduct)
	// A key made before keeps its scopes; one made after gets the new ones,
	// and so does a known key registered now.
	if status, raw, _ := h.callAs(before, write.method, write.path, write.body); status != 200 {
		t.Errorf("token of an earlier key: %d %s", status, raw)
	}
	after := h.org.AddAPIKey()
	if got := jwtPart(t, after.Key, 1)["scopes"]; !slices.Equal(got.([]any), []any{ScopeReadProduct}) {
		t.Errorf("payload scopes of a key made after SetScopes: %v", got)
	}
	h.expectForbidden(h.token(after), write, ScopeWriteProduct)
	known := h.org.AddAPIKeyWith(DemoAPIKey, DemoClientID)
	h.expectForbidden(h.token(known), write, ScopeWriteProduct)

	h.org.SetScopes(ScopeWriteProduct)
	h.expectForbidden(h.org.Token, read, ScopeReadProduct)
	h.expectStatus(200, write.method, write.path, write.body)

	// None means both, as in OrgSpec.
	h.org.SetScopes()
	h.expectStatus(200, read.method, read.path, read.body)
	h.expectStatus(200, write.method, write.path, write.body)
}

func TestScopeCheckedBeforeTheBody(t *testing.T) {
	h := newHarness(t)
	h.org = h.sb.AddOrganization(OrgSpec{Scopes: []string{ScopeReadProduct}})
	h.expectError(403, "POST", "/organizations/self/v2/inventory/bulk", `{"productChanges": [`, "lacks the scope WRITE:PRODUCT")
	// Another organization's path is refused too.
	other := h.sb.AddOrganization(OrgSpec{})
	h.expectError(403, "GET", "/organizations/"+other.UUID+"/locations", "", "no access to organization")
}
