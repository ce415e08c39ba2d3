package zettle

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// DefaultOAuthURL is the production OAuth API.
const DefaultOAuthURL = "https://oauth.zettle.com"

// jwtBearerGrant is the assertion grant that exchanges an API key.
const jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// maxRenewalMargin bounds how long before its expiry a token is renewed.
const maxRenewalMargin = time.Minute

// APIKeyConfig configures an APIKeyTokens.
type APIKeyConfig struct {
	// OAuthURL is the OAuth API's base URL; DefaultOAuthURL when empty.
	OAuthURL string
	// APIKey is the merchant's API key, a JWT.
	APIKey string
	// ClientID is the key's client ID; read from the key's payload when empty.
	ClientID  string
	UserAgent string
	// HTTPClient, when set, makes each attempt of an exchange.
	HTTPClient *http.Client
	Logger     Logger
	// Retries says how failed exchanges are tried again: an exchange only
	// issues a token, so any may be repeated.
	Retries Retries
}

// APIKeyTokens is a TokenSource that exchanges an API key for access tokens
// with the jwt-bearer assertion grant. It fetches a token on first use and a
// new one shortly before the current one expires (the grant has no refresh
// token). It is safe for concurrent use; callers wait for one exchange.
type APIKeyTokens struct {
	tokenURL  string
	apiKey    string
	clientID  string
	userAgent string
	http      *retryablehttp.Client
	log       Logger
	now       func() time.Time

	mu      sync.Mutex
	token   string
	renewAt time.Time
}

// NewAPIKeyTokens checks cfg and returns its token source. No request is made
// until the first token is needed.
func NewAPIKeyTokens(cfg APIKeyConfig) (*APIKeyTokens, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("no API key configured")
	}
	clientID := cfg.ClientID
	if clientID == "" {
		var err error
		if clientID, err = ClientIDFromAPIKey(cfg.APIKey); err != nil {
			return nil, err
		}
	}
	base, err := baseURLOr(cfg.OAuthURL, DefaultOAuthURL)
	if err != nil {
		return nil, err
	}
	return &APIKeyTokens{
		tokenURL: base.String() + "/token", apiKey: cfg.APIKey, clientID: clientID,
		userAgent: cfg.UserAgent, http: newRetryingHTTP(cfg.Retries, cfg.HTTPClient, cfg.Logger), log: cfg.Logger, now: time.Now,
	}, nil
}

// ClientID returns the client ID the key is exchanged with.
func (t *APIKeyTokens) ClientID() string { return t.clientID }

// Token returns a current access token, exchanging the API key when there is
// none or the one held is about to expire.
func (t *APIKeyTokens) Token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Before(t.renewAt) {
		return t.token, nil
	}
	// The lifetime counts from no earlier than the request, so it is
	// counted from there.
	sent := t.now()
	token, lifetime, err := t.exchange(ctx)
	if err != nil {
		return "", err
	}
	if masker, ok := t.log.(SecretMasker); ok {
		masker.MaskSecret(token)
	}
	// Renew a quarter of the lifetime early, at most a minute: a request
	// sent just before the renewal still arrives in time.
	t.token, t.renewAt = token, sent.Add(lifetime-min(maxRenewalMargin, lifetime/4))
	return token, nil
}

// Invalidate drops token if it is the one held, so that the next Token call
// exchanges the key again. The client calls it when the API answers 401.
func (t *APIKeyTokens) Invalidate(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == token {
		t.token = ""
	}
}

const exchangeOperation = "exchange the API key for an access token"

// maxTokenLifetime bounds the lifetime an exchange answer may claim.
const maxTokenLifetime = 24 * time.Hour

func (t *APIKeyTokens) exchange(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {jwtBearerGrant}, "client_id": {t.clientID}, "assertion": {t.apiKey}}
	info := &callInfo{op: exchangeOperation}
	ctx = withCallInfo(ctx, info)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, t.tokenURL, []byte(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", exchangeOperation, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if t.userAgent != "" {
		req.Header.Set("User-Agent", t.userAgent)
	}
	// The form holds the key and the answer the token: neither is logged.
	debug(ctx, t.log, "Zettle OAuth request", map[string]any{"operation": exchangeOperation, "url": t.tokenURL, "client_id": t.clientID})
	status, _, body, err := roundTrip(t.http, req, exchangeOperation)
	if err != nil {
		return "", 0, err
	}
	debug(ctx, t.log, "Zettle OAuth response", map[string]any{"operation": exchangeOperation, "status": status})
	if status < 200 || status > 299 {
		return "", 0, &APIError{Operation: exchangeOperation, StatusCode: status, Message: oauthErrorMessage(body), Attempts: info.attempts}
	}
	var answer struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || answer.AccessToken == "" {
		return "", 0, fmt.Errorf("%s: the answer (HTTP %d) holds no access token", exchangeOperation, status)
	}
	if answer.ExpiresIn <= 0 {
		return "", 0, fmt.Errorf("%s: the answer gives the token no lifetime (expires_in %d)", exchangeOperation, answer.ExpiresIn)
	}
	// A lifetime beyond a day is taken as a day, which also keeps a huge
	// expires_in from overflowing a Duration.
	return answer.AccessToken, time.Duration(min(answer.ExpiresIn, int64(maxTokenLifetime/time.Second))) * time.Second, nil
}

// oauthErrorMessage explains an OAuth error answer ({"error",
// "error_description"}); invalid_grant means the key itself is refused.
func oauthErrorMessage(body []byte) string {
	var answer struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &answer)
	msg := errorMessage(body)
	if answer.Error != "" && answer.Description != "" {
		msg = answer.Error + ": " + answer.Description
	}
	if answer.Error == "invalid_grant" {
		return "the API key is invalid or has been revoked; create a new one in the Zettle back office (" + msg + ")"
	}
	return msg
}

// ClientIDFromAPIKey reads the client_id claim from an API key's JWT payload.
// The signature is not checked: the OAuth API does that.
func ClientIDFromAPIKey(key string) (string, error) {
	parts := strings.Split(key, ".")
	if len(parts) != 3 {
		return "", errors.New("the API key is not a JWT (header.payload.signature), so its client ID cannot be read from it; set the client ID shown with the key")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", fmt.Errorf("the API key's JWT payload is not base64url (%w), so its client ID cannot be read from it; set the client ID shown with the key", err)
	}
	var claims struct {
		ClientID any `json:"client_id"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", fmt.Errorf("the API key's JWT payload is not JSON (%w), so its client ID cannot be read from it; set the client ID shown with the key", err)
	}
	id, ok := claims.ClientID.(string)
	if !ok || id == "" {
		return "", errors.New("the API key's JWT payload has no client_id claim; set the client ID shown with the key")
	}
	return id, nil
}
