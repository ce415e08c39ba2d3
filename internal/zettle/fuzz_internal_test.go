package zettle

// Fuzz tests of what the client decodes from the API: balances, low-stock
// settings, error bodies, OAuth answers and API keys. Their seed corpus lives
// in testdata/fuzz/<FuzzName>; a plain `go test` runs it as regular tests.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzQuantityUnmarshalJSON decodes a balance as encoding/json hands it over:
// a number token, a string token, or anything else. Only a JSON number, bare
// or in a string, decodes (never NaN, an infinity or a hexadecimal form), to
// its exact value; null leaves the quantity at zero. A decoded balance must
// encode as JSON that decodes to the same value, for it goes back out in
// request bodies (json.Marshal refuses a MarshalJSON output that is not JSON).
func FuzzQuantityUnmarshalJSON(f *testing.F) {
	for _, seed := range []string{`42`, `"42"`, `196`, `"0.5"`, `-0`, `1e400`, `"abc"`, `null`, ``, `0.30000000000000004`, `9007199254740993`, `1e20`, `0e999999999999`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var q Quantity
		err := q.UnmarshalJSON(b)
		checkDecodesExactly(t, b, q, err)
		if err != nil {
			return
		}
		out, err := q.MarshalJSON()
		if err != nil {
			t.Fatalf("%q decoded to %s, which does not encode: %v", b, q, err)
		}
		if !json.Valid(out) || !jsonNumber.Match(out) {
			t.Fatalf("%q decoded to %s, which encodes as %q: not a JSON number, so no request holding it can be sent", b, q, out)
		}
		var back Quantity
		if err := back.UnmarshalJSON(out); err != nil || !back.Equal(q) {
			t.Fatalf("%q decoded to %s, encoded as %q, decoded again to %s (%v)", b, q, out, back, err)
		}
		// The same through encoding/json, as a field of a request.
		body, err := json.Marshal(VariantChange{Change: q})
		if err != nil {
			t.Fatalf("a request holding %s (decoded from %q) does not encode: %v", q, b, err)
		}
		var change VariantChange
		if err := json.Unmarshal(body, &change); err != nil || !change.Change.Equal(q) {
			t.Fatalf("%s decoded to change %s (%v), want %s", body, change.Change, err, q)
		}
	})
}

// checkDecodesExactly checks what a token decoded to. null leaves zero. A
// JSON number decodes to its exact value (math/big's rational reading of
// it), unless that has more digits either side of the point than a
// Quantity keeps; its string form ("42" for 42) decodes the same: lookups
// answer balances as strings, movements as numbers. Nothing else decodes.
func checkDecodesExactly(t *testing.T, b []byte, q Quantity, err error) {
	t.Helper()
	token := bytes.TrimSpace(b)
	if string(token) == "null" {
		if err != nil || !q.IsZero() {
			t.Fatalf("null decoded to %s (%v), want it left at zero", q, err)
		}
		return
	}
	text := string(token)
	if len(token) > 0 && token[0] == '"' {
		if json.Unmarshal(token, &text) != nil {
			text = ""
		}
	}
	if !jsonNumber.MatchString(text) {
		if err == nil {
			t.Fatalf("%q decoded to %s, but %q is no JSON number", b, q, text)
		}
		return
	}
	if want, ok := exactValue(text); ok {
		inRange := want.Sign() == 0 || keepsDigits(want)
		if (err == nil) != inRange {
			t.Fatalf("%q: decoded to %s (%v), but %s is %s within %d digits either side of the point", b, q, err, text,
				map[bool]string{true: "", false: "not"}[inRange], maxDecodedIntegerDigits)
		}
		if got, _ := new(big.Rat).SetString(q.String()); err == nil && got.Cmp(want) != 0 {
			t.Fatalf("%q decoded to %s, but it is %s", b, q, want.FloatString(maxDecodedDecimals))
		}
	}
	if token[0] != '"' {
		var fromString Quantity
		stringErr := fromString.UnmarshalJSON([]byte(`"` + text + `"`))
		if (err == nil) != (stringErr == nil) || (err == nil && !fromString.Equal(q)) {
			t.Fatalf("%s decoded to %s (%v), but \"%s\" to %s (%v)", text, q, err, text, fromString, stringErr)
		}
	}
}

// exactValue reads a JSON number exactly, when its exponent is small enough
// for math/big to spell it out cheaply.
func exactValue(number string) (*big.Rat, bool) {
	if _, exp, found := strings.Cut(strings.ToLower(number), "e"); found {
		if e, err := strconv.Atoi(exp); err != nil || e > 1000 || e < -1000 {
			return nil, false
		}
	}
	return new(big.Rat).SetString(number)
}

// keepsDigits reports whether a non-zero r has at most the digits a Quantity
// keeps: below 10^64, and a whole number once multiplied by 10^64.
func keepsDigits(r *big.Rat) bool {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(maxDecodedIntegerDigits), nil)
	if new(big.Rat).Abs(r).Cmp(new(big.Rat).SetInt(limit)) >= 0 {
		return false
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(maxDecodedDecimals), nil)
	return new(big.Rat).Mul(r, new(big.Rat).SetInt(scale)).IsInt()
}

// FuzzLocationBalancesDecode decodes the answer of a balance lookup. The
// per-product views must agree with the listed variants, and with each other:
// reads use ProductBalances and trackedProducts without batching,
// indexInventory with it.
func FuzzLocationBalancesDecode(f *testing.F) {
	f.Add([]byte(`{"locationUuid":"L","trackedProducts":["P"],"variants":[{"locationUuid":"L","locationType":"STORE","productUuid":"P","variantUuid":"V","balance":"42"}],"latest":0}`))
	f.Add([]byte(`{"locationUuid":"L","trackedProducts":[],"variants":[]}`))
	f.Add([]byte(`{"variants":[{"productUuid":"P","variantUuid":"V","balance":1},{"productUuid":"P","variantUuid":"V","balance":"2"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var lb LocationBalances
		if json.Unmarshal(body, &lb) != nil {
			return
		}
		snapshot := indexInventory(lb)
		for _, product := range productsNamed(lb.TrackedProducts, lb.Variants) {
			balances := lb.ProductBalances(product)
			checkProductBalances(t, lb.Variants, product, balances)
			inv := snapshot.product(product)
			if inv.Tracked != slices.Contains(lb.TrackedProducts, product) || inv.LocationUUID != lb.LocationUUID || !maps.EqualFunc(inv.Balances, balances, Quantity.Equal) {
				t.Fatalf("product %q: indexed %+v, but tracked %v and ProductBalances %v", product, inv, slices.Contains(lb.TrackedProducts, product), balances)
			}
		}
		checkReencodes(t, lb, func(lb LocationBalances) []VariantBalance { return lb.Variants })
	})
}

// FuzzChangedBalancesDecode decodes the answer of a bulk request or a stock
// movement.
func FuzzChangedBalancesDecode(f *testing.F) {
	f.Add([]byte(`{"locationUuid":"L","variants":[{"productUuid":"P","variantUuid":"V","balance":196}]}`))
	f.Add([]byte(`{"locationUuid":"L","variants":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var cb ChangedBalances
		if json.Unmarshal(body, &cb) != nil {
			return
		}
		for _, product := range productsNamed(nil, cb.Variants) {
			checkProductBalances(t, cb.Variants, product, cb.ProductBalances(product))
		}
		checkReencodes(t, cb, func(cb ChangedBalances) []VariantBalance { return cb.Variants })
	})
}

// productsNamed lists every product an answer names, the empty UUID of a
// variant without one, and a product it does not name.
func productsNamed(tracked []string, variants []VariantBalance) []string {
	products := append([]string{"", "product-not-in-the-answer"}, tracked...)
	for _, v := range variants {
		products = append(products, v.ProductUUID)
	}
	slices.Sort(products)
	return slices.Compact(products)
}

// checkProductBalances checks that balances holds exactly the variants listed
// for product, each with one of its listed balances (the answer may list a
// variant twice). The map must not be nil: callers add to it.
func checkProductBalances(t *testing.T, variants []VariantBalance, product string, balances map[string]Quantity) {
	t.Helper()
	if balances == nil {
		t.Fatalf("ProductBalances(%q) is a nil map", product)
	}
	listed := map[string][]Quantity{}
	for _, v := range variants {
		if v.ProductUUID == product {
			listed[v.VariantUUID] = append(listed[v.VariantUUID], v.Balance)
		}
	}
	if len(balances) != len(listed) {
		t.Fatalf("ProductBalances(%q) = %v, but the answer lists variants %v", product, balances, listed)
	}
	for variant, q := range balances {
		if !slices.ContainsFunc(listed[variant], func(l Quantity) bool { return l.Equal(q) }) {
			t.Fatalf("ProductBalances(%q)[%q] = %s, but the answer lists %v", product, variant, q, listed[variant])
		}
	}
}

// checkReencodes checks that a decoded answer encodes and decodes back to
// itself, so no information is lost in the client's types: the second
// encoding is the first, byte for byte (strings and quantities each have one
// encoding), and every balance decodes back to an equal number.
func checkReencodes[T any](t *testing.T, decoded T, variants func(T) []VariantBalance) {
	t.Helper()
	body, err := json.Marshal(decoded)
	if err != nil {
		t.Fatalf("%+v does not encode: %v", decoded, err)
	}
	var again T
	if err := json.Unmarshal(body, &again); err != nil {
		t.Fatalf("%+v encoded as %s, which does not decode: %v", decoded, body, err)
	}
	if body2, err := json.Marshal(again); err != nil || !bytes.Equal(body, body2) {
		t.Fatalf("%+v encoded as %s, decoded again to %+v, encoded as %s (%v)", decoded, body, again, body2, err)
	}
	if !slices.EqualFunc(variants(decoded), variants(again), func(a, b VariantBalance) bool {
		return a.Balance.Equal(b.Balance) && a.ProductUUID == b.ProductUUID && a.VariantUUID == b.VariantUUID
	}) {
		t.Fatalf("%+v encoded as %s, decoded again to %+v", decoded, body, again)
	}
}

// FuzzLowStockAnswers answers both low-stock reads with the fuzzed body,
// through the client: the one-product read (productLowStock) and the
// location-wide read (a list of them). Every setting must name its product,
// the requested one when the one-product answer leaves it out, and carry its
// variant's level and alert.
func FuzzLowStockAnswers(f *testing.F) {
	f.Add([]byte(`{"productUuid":"P","customLowStockLevelForVariants":[{"variantUuid":"V","customLowStockLevel":5.0,"lowStockAlert":true}]}`))
	f.Add([]byte(`{"organizationUuid":"O","locationUuid":"L","customLowStockLevelsForProducts":[{"productUuid":"P","customLowStockLevelForVariants":[{"variantUuid":"V","customLowStockLevel":null,"lowStockAlert":true}]}]}`))
	f.Add([]byte(`{"customLowStockLevelForVariants":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		const location, product = "location", "requested-product"
		ctx := context.Background()

		var one productLowStock
		decoded := isBlankAnswer(body) || json.Unmarshal(body, &one) == nil
		if decoded {
			checkLowStockSettings(t, one.settings(), one, one.ProductUUID)
		}
		got, err := clientAnswering(t, http.StatusOK, body).ProductLowStock(ctx, location, product)
		if (err == nil) != decoded {
			t.Fatalf("ProductLowStock error %v, but the answer decodes: %v", err, decoded)
		}
		if err == nil {
			checkLowStockSettings(t, got, one, cmp.Or(one.ProductUUID, product))
		}

		// The documented answer of GET /custom-low-stock/v2/locations/{location}.
		var all struct {
			Products []productLowStock `json:"customLowStockLevelsForProducts"`
		}
		decoded = isBlankAnswer(body) || json.Unmarshal(body, &all) == nil
		got, err = clientAnswering(t, http.StatusOK, body).LowStockAtLocation(ctx, location)
		if (err == nil) != decoded {
			t.Fatalf("LowStockAtLocation error %v, but the answer decodes: %v", err, decoded)
		}
		if err != nil {
			return
		}
		for _, p := range all.Products {
			n := min(len(p.Variants), len(got))
			checkLowStockSettings(t, got[:n], p, p.ProductUUID)
			got = got[n:]
		}
		if len(got) != 0 {
			t.Fatalf("LowStockAtLocation returned %d settings more than the answer lists", len(got))
		}
	})
}

// isBlankAnswer reports whether the client takes body for no answer at all
// and decodes nothing.
func isBlankAnswer(body []byte) bool { return len(bytes.TrimSpace(body)) == 0 }

// checkLowStockSettings checks that settings are p's variants in order, each
// naming product.
func checkLowStockSettings(t *testing.T, settings []LowStock, p productLowStock, product string) {
	t.Helper()
	if len(settings) != len(p.Variants) {
		t.Fatalf("%d settings for the %d variants of product %q", len(settings), len(p.Variants), p.ProductUUID)
	}
	for i, s := range settings {
		v := p.Variants[i]
		sameLevel := (s.Level == nil) == (v.Level == nil) && (s.Level == nil || *s.Level == *v.Level)
		if s.ProductUUID != product || s.VariantUUID != v.VariantUUID || !sameLevel || s.Alert != v.Alert {
			t.Fatalf("setting %d is %+v; want product %q and variant %+v", i, s, product, v)
		}
	}
}

// cannedAnswer answers every request with one status and body, in process:
// without a listener an iteration stays cheap.
type cannedAnswer struct {
	status   int
	body     []byte
	requests int
}

func (a *cannedAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	a.requests++
	return &http.Response{
		Status: http.StatusText(a.status), StatusCode: a.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(a.body)),
		ContentLength: int64(len(a.body)), Request: req,
	}, nil
}

// clientAnswering returns a Client whose every request gets status and body.
func clientAnswering(t *testing.T, status int, body []byte) *Client {
	t.Helper()
	c, err := New(Config{
		InventoryURL: "http://inventory.test", Tokens: StaticToken("token"),
		HTTPClient: &http.Client{Transport: &cannedAnswer{status: status, body: body}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// errorBodyLimit is how much of an error body errorMessage quotes when the
// body has no message field.
const errorBodyLimit = 500

// FuzzErrorMessage turns an error body into the message of an APIError. The
// message is never empty; one not taken from a message field is the start of
// the body (with invalid UTF-8 replaced), bounded in length; every message is
// UTF-8 (Terraform's diagnostics travel as protobuf strings, which must be).
func FuzzErrorMessage(f *testing.F) {
	for _, seed := range []string{
		`{"developerMessage":"Product not found"}`,
		`{"error":"invalid_grant","error_description":"assertion revoked"}`,
		`<html>Bad gateway</html>`,
		``,
		"  \n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msg := errorMessage(body)
		if msg == "" {
			t.Fatalf("no message for %q", body)
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("the message of a %d-byte body is not UTF-8: …%q", len(body), lastBytes(msg))
		}
		if !isMessageField(body, msg) && msg != "(no message)" {
			quoted := strings.TrimSuffix(msg, "…")
			text := strings.ToValidUTF8(strings.TrimSpace(string(body)), "\uFFFD")
			if len(quoted) > errorBodyLimit || !strings.HasPrefix(text, quoted) {
				t.Fatalf("message %q (%d bytes) for the body %q", msg, len(msg), body)
			}
		}

		oauth := oauthErrorMessage(body)
		if oauth == "" {
			t.Fatalf("no OAuth message for %q", body)
		}
		if !utf8.ValidString(oauth) {
			t.Fatalf("the OAuth message of a %d-byte body is not UTF-8: …%q", len(body), lastBytes(oauth))
		}
	})
}

// lastBytes keeps failure reports of long messages short.
func lastBytes(s string) string { return s[max(0, len(s)-16):] }

// isMessageField reports whether msg is one of the fields errorMessage reads
// a message from.
func isMessageField(body []byte, msg string) bool {
	return slices.Contains(messageFields(body), msg)
}

// FuzzOAuthTokenAnswer answers the API key exchange with a status (mapped to
// 200–599) and body. The exchange succeeds exactly when a 2xx answer holds a
// token and a positive lifetime; a token just issued is then used again, not
// exchanged anew at once.
func FuzzOAuthTokenAnswer(f *testing.F) {
	f.Add(uint16(0), []byte(`{"access_token":"token-1","expires_in":7200}`))
	f.Add(uint16(0), []byte(`{"expires_in":7200}`))
	f.Add(uint16(200), []byte(`{"error":"invalid_grant","error_description":"assertion revoked"}`))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		code := 200 + int(status%400)
		answer := &cannedAnswer{status: code, body: body}
		src, err := NewAPIKeyTokens(APIKeyConfig{
			OAuthURL: "http://oauth.test", APIKey: "opaque", ClientID: "client",
			HTTPClient: &http.Client{Transport: answer},
		})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
		src.now = func() time.Time { return now }
		ctx := context.Background()

		var want struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int64  `json:"expires_in"`
		}
		ok := code < 300 && json.Unmarshal(body, &want) == nil && want.AccessToken != "" && want.ExpiresIn > 0
		token, err := src.Token(ctx)
		if (err == nil) != ok {
			t.Fatalf("HTTP %d %q: token %q, error %v", code, body, token, err)
		}
		if err != nil {
			// A 4xx other than 429 is never retried: its status reaches the caller.
			if code >= 400 && code < 500 && code != http.StatusTooManyRequests && StatusOf(err) != code {
				t.Fatalf("HTTP %d %q: error %v has status %d", code, body, err, StatusOf(err))
			}
			return
		}
		if token != want.AccessToken {
			t.Fatalf("token %q, the answer holds %q", token, want.AccessToken)
		}
		if again, err := src.Token(ctx); err != nil || again != token || answer.requests != 1 {
			t.Fatalf("expires_in %d: the token was not kept (%q, %v after %d exchanges)", want.ExpiresIn, again, err, answer.requests)
		}
	})
}

// FuzzClientIDFromAPIKey reads the client ID out of an arbitrary key, and out
// of a well-formed key built around an arbitrary client ID, which must come
// back unchanged.
func FuzzClientIDFromAPIKey(f *testing.F) {
	f.Add(apiKeyWithPayload(`{"client_id":"c-1","scopes":["READ:PRODUCT"]}`), "c-1")
	f.Add("plain-secret", "")
	f.Add("a.b.c.d", "client with spaces")
	f.Fuzz(func(t *testing.T, key, clientID string) {
		id, err := ClientIDFromAPIKey(key)
		switch {
		case err != nil && !strings.Contains(err.Error(), "client ID"):
			// Whatever is wrong with the key, the user is told to set the client ID.
			t.Fatalf("%q: error %q does not mention the client ID", key, err)
		case err == nil && id == "":
			t.Fatalf("%q: empty client ID", key)
		case err == nil && strings.Count(key, ".") != 2:
			t.Fatalf("%q is not header.payload.signature, yet gave client ID %q", key, id)
		}

		if clientID == "" || !utf8.ValidString(clientID) {
			return // no well-formed key holds it
		}
		claims, err := json.Marshal(map[string]string{"client_id": clientID})
		if err != nil {
			t.Fatal(err)
		}
		key = apiKeyWithPayload(string(claims))
		if id, err := ClientIDFromAPIKey(key); err != nil || id != clientID {
			t.Fatalf("%q: client ID %q (%v), want %q", key, id, err, clientID)
		}
	})
}

// apiKeyWithPayload builds a JWT-shaped API key with the given payload.
func apiKeyWithPayload(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2lnbmF0dXJl"
}
