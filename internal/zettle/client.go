// Package zettle is a client for the Zettle Inventory API. It knows nothing of
// Terraform: callers give it a base URL, a source of access tokens and an
// optional logger.
package zettle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/zettle-community/terraform-provider-zettle/internal/batch"
)

// The production hosts of the Inventory API and the Product Library.
const (
	DefaultInventoryURL = "https://inventory.izettle.com"
	DefaultProductsURL  = "https://products.izettle.com"
	// DefaultOrganizationURL is where the organization's settings, its
	// currency among them, are read.
	DefaultOrganizationURL = "https://secure.izettle.com"
)

// TokenSource returns the bearer token for a request: a StaticToken, or
// APIKeyTokens, which exchanges an API key.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// invalidator is a TokenSource that can drop a token the API refused, so that
// the next Token call gets a new one.
type invalidator interface {
	Invalidate(token string)
}

// StaticToken is a TokenSource for an access token obtained elsewhere.
type StaticToken string

// Token returns the token itself.
func (t StaticToken) Token(context.Context) (string, error) { return string(t), nil }

// Logger receives one line per request and response. Secrets never reach it:
// the Authorization header is left out before logging.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// SecretMasker is a Logger that masks secrets. APIKeyTokens tells it each
// access token it is issued, so that the token is masked if any log line
// ever holds it.
type SecretMasker interface {
	MaskSecret(secret string)
}

// Config configures a Client.
type Config struct {
	// InventoryURL is the Inventory API's base URL; DefaultInventoryURL
	// when empty.
	InventoryURL string
	// ProductsURL is the Product Library's base URL; DefaultProductsURL
	// when empty. Its requests share the token, retries, rate limit and
	// logging of the inventory's.
	ProductsURL string
	// PusherURL is the Pusher API's base URL, where webhook subscriptions
	// are kept; DefaultPusherURL when empty.
	PusherURL string
	// OrganizationURL is where the organization's settings are read;
	// DefaultOrganizationURL when empty.
	OrganizationURL string
	Tokens          TokenSource
	UserAgent       string
	// ApplicationID, when set, is sent as X-iZettle-Application-Id to
	// attribute usage to an app (its OAuth client ID).
	ApplicationID string
	// HTTPClient, when set, makes each attempt of a request.
	HTTPClient *http.Client
	Logger     Logger
	// Retries says how failed requests are tried again; its zero value
	// tries each once.
	Retries Retries
	// Batching coalesces concurrent calls; its zero value sends every call
	// as its own request.
	Batching Batching
	// RateLimit paces every request; its zero value sends each at once.
	RateLimit RateLimit
	// APIVersion is the Inventory API version to speak: APIVersionV2,
	// APIVersionV3, or APIVersionAuto (also when empty), which asks the
	// service once.
	APIVersion string
}

// Client calls the Inventory API. It is safe for concurrent use.
type Client struct {
	baseURL     *url.URL
	productsURL *url.URL
	pusherURL   *url.URL
	orgURL      *url.URL
	tokens      TokenSource
	userAgent   string
	appID       string
	http        *retryablehttp.Client
	log         Logger
	// limits paces the requests; nil sends them at once.
	limits *limiter
	// maxRetries bounds the retries after failures other than a 429.
	maxRetries int

	// locations is the organization's list of locations, kept once it is
	// complete; see CachedLocations.
	locations *batch.Shared[struct{}, Locations]
	// library is the Product Library, read once per Client until a change;
	// see Library. categories are its categories, likewise.
	library    *batch.Shared[struct{}, []Product]
	categories *batch.Shared[struct{}, []Category]
	// subscriptions are the webhook subscriptions, listed once until a
	// change; see Subscriptions.
	subscriptions *batch.Shared[struct{}, []Subscription]
	// organization is the organization's settings, read once per Client.
	organization *batch.Shared[struct{}, Organization]

	batch *coalescer

	// apiVersion is the configured version; versions holds the one
	// settled, once per Client.
	apiVersion string
	versions   *batch.Shared[struct{}, inventoryAPI]
	probed     probedLocations
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	base, err := baseURLOr(cfg.InventoryURL, DefaultInventoryURL)
	if err != nil {
		return nil, err
	}
	products, err := baseURLOr(cfg.ProductsURL, DefaultProductsURL)
	if err != nil {
		return nil, err
	}
	pusher, err := baseURLOr(cfg.PusherURL, DefaultPusherURL)
	if err != nil {
		return nil, err
	}
	org, err := baseURLOr(cfg.OrganizationURL, DefaultOrganizationURL)
	if err != nil {
		return nil, err
	}
	if cfg.Tokens == nil {
		return nil, errors.New("zettle: no access token source configured")
	}
	switch cfg.APIVersion {
	case "", APIVersionAuto, APIVersionV2, APIVersionV3:
	default:
		return nil, fmt.Errorf("zettle: unknown Inventory API version %q (use %s, %s or %s)", cfg.APIVersion, APIVersionAuto, APIVersionV2, APIVersionV3)
	}
	c := &Client{
		baseURL: base, productsURL: products, pusherURL: pusher, orgURL: org, tokens: cfg.Tokens, userAgent: cfg.UserAgent, appID: cfg.ApplicationID,
		http: newRetryingHTTP(cfg.Retries, cfg.HTTPClient, cfg.Logger), log: cfg.Logger,
	}
	c.limits, c.maxRetries = newLimiter(cfg.RateLimit), max(cfg.Retries.MaxRetries, 0)
	// A retry waits its turn too, after the backoff or Retry-After.
	c.http.PrepareRetry = func(req *http.Request) error { return c.limits.wait(req.Context()) }
	c.batch = newCoalescer(c, cfg.Batching)
	c.locations = batch.NewShared(c.fetchLocations)
	c.library = batch.NewShared(c.fetchLibrary)
	c.categories = batch.NewShared(c.fetchCategories)
	c.organization = batch.NewShared(c.fetchOrganization)
	c.subscriptions = batch.NewShared(c.fetchSubscriptions)
	c.apiVersion, c.versions = cfg.APIVersion, batch.NewShared(c.chooseAPI)
	return c, nil
}

// baseURLOr parses raw, or fallback when raw is empty.
func baseURLOr(raw, fallback string) (*url.URL, error) {
	if raw == "" {
		raw = fallback
	}
	return ParseBaseURL(raw)
}

// ParseBaseURL checks that raw is an absolute http(s) URL with a host and no
// query or fragment, and returns it without a trailing slash.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q must start with https:// or http://", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// APIError is an answer outside 2xx, or a request that got no answer.
type APIError struct {
	// Operation names what the provider was doing, e.g. "start tracking".
	Operation string
	// StatusCode is 0 when no answer came back.
	StatusCode int
	// Message is the API's own message, or a description of the failure.
	Message string
	// Err is why no answer came, when none did.
	Err error
	// Attempts is how many times the request was sent, retries included.
	Attempts int
	// Unreadable marks a 2xx whose body was cut or could not be decoded:
	// the request was answered as done, so it may have been applied.
	Unreadable bool
	// NotSent marks a request that never left: no connection could be
	// opened, so nothing was applied.
	NotSent bool
	// connects is how often opening a connection was tried, when none
	// could be.
	connects int
}

func (e *APIError) Unwrap() error { return e.Err }

func (e *APIError) Error() string {
	var msg string
	if e.StatusCode == 0 {
		msg = fmt.Sprintf("%s: no answer from the Zettle API: %s", e.Operation, e.Message)
	} else {
		msg = fmt.Sprintf("%s: HTTP %d %s: %s", e.Operation, e.StatusCode, http.StatusText(e.StatusCode), e.Message)
	}
	switch {
	case e.connects > 1:
		msg += fmt.Sprintf(" (after %d attempts to connect)", e.connects)
	case e.Attempts > 1:
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return msg
}

// StatusOf returns the HTTP status of an APIError anywhere in err's chain, or 0.
func StatusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// MayHaveApplied reports whether a failed request may have been applied all
// the same: it was sent, and no answer came back that says it was refused.
// That is a lost or cut answer, a 5xx, and a 2xx whose body could not be
// read. Only a 4xx read whole, or a connection never opened, says that
// nothing changed.
func MayHaveApplied(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	refused := apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && !apiErr.Unreadable
	return !refused && !apiErr.NotSent
}

// request is one call of the API.
type request struct {
	// op names the operation in errors and logs, e.g. "start tracking".
	op     string
	method string
	path   string
	query  url.Values
	// body, when non-nil, is sent as JSON.
	body any
	// write marks an operation that needs the WRITE:PRODUCT scope; the
	// others need READ:PRODUCT.
	write bool
	// once marks a request that is never repeated blindly, because it
	// moves stock or creates an object: after a lost answer or a 5xx it may
	// have been applied already.
	once bool
	// header, when non-nil, receives the answer's header.
	header *http.Header
	// pages, when non-nil, receives how many pages the answer came in.
	pages *int
	// host is the base URL the path is under; nil is the Inventory API's.
	host *url.URL
	// needs says what a 403 means the token lacks, when it is not the
	// inventory's READ:PRODUCT or WRITE:PRODUCT.
	needs string
	// ifMatch, when set, is sent as If-Match: the write applies only to
	// the version of that ETag.
	ifMatch string
}

// base is the URL r's path is under.
func (c *Client) base(r request) *url.URL {
	if r.host != nil {
		return r.host
	}
	return c.baseURL
}

// scope is the OAuth scope r needs.
func (r request) scope() string {
	if r.write {
		return ScopeWrite
	}
	return ScopeRead
}

// OAuth scopes of the Inventory API.
const (
	ScopeRead  = "READ:PRODUCT"
	ScopeWrite = "WRITE:PRODUCT"
)

// call sends r; out, when non-nil, receives the decoded answer. Passing
// failures are retried underneath as Retries allows. A 401 from a token
// source that can renew its tokens is sent once more with a new token: the
// API refused the request before acting on it.
//
// Any list answer may come in pages, each naming the next in a Link header
// (rel="next"). A read follows them to the last, each page sent as the first
// was (method and body, retries and logging), and merges them into out. A
// write never follows them: sending it again would apply it again.
func (c *Client) call(ctx context.Context, r request, out any) error {
	base := c.base(r)
	u := *base
	u.Path += r.path
	u.RawQuery = r.query.Encode()

	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("%s: encoding request: %w", r.op, err)
		}
	}
	info := &callInfo{op: r.op, once: r.once}
	ctx = withCallInfo(ctx, info)
	target := &u
	seen := map[string]bool{}
	for page := 1; ; page++ {
		seen[target.String()] = true
		answer, status, header, err := c.sendPage(ctx, r, target.String(), body, out, info)
		if err == nil && out == nil && r.header != nil {
			*r.header = header
		}
		if err != nil || out == nil {
			return err
		}
		if r.pages != nil {
			*r.pages = page
		}
		if page == 1 {
			if r.header != nil {
				*r.header = header
			}
			reflect.ValueOf(out).Elem().Set(reflect.ValueOf(answer).Elem())
		} else if err := mergePage(out, answer); err != nil {
			return fmt.Errorf("%s: page %d: %w", r.op, page, err)
		}
		if r.write {
			return nil
		}
		next, err := nextPage(r.op, status, header, base, target)
		switch {
		case err != nil:
			return err
		case next == nil:
			return nil
		case seen[next.String()]:
			return fmt.Errorf("%s: HTTP %d: page %d links back to an earlier page (%s); the answer cannot be read whole", r.op, status, page, next.Redacted())
		case page >= maxPages:
			return fmt.Errorf("%s: HTTP %d: the answer runs past %d pages; gave up reading it", r.op, status, maxPages)
		}
		target = next
	}
}

// sendPage sends one request of r to target and decodes its answer into a
// new value of out's type (none when out is nil). A request that is safe to
// repeat (a read, a start without stock, a stop, a low-stock setting) whose
// 2xx answer was cut or could not be decoded is sent again, as the retry
// policy sends it again after a lost answer. A request sent once reports
// it: it may have been applied, and its caller reconciles.
func (c *Client) sendPage(ctx context.Context, r request, target string, body []byte, out any, info *callInfo) (answer any, status int, header http.Header, err error) {
	for try := 0; ; try++ {
		var respBody []byte
		status, header, respBody, err = c.sendRenewing(ctx, r, target, body)
		if err == nil && (status < 200 || status > 299) {
			return nil, status, nil, c.refusal(r, status, respBody, info.attempts)
		}
		if err == nil && out != nil {
			answer = reflect.New(reflect.TypeOf(out).Elem()).Interface()
			if len(bytes.TrimSpace(respBody)) > 0 {
				if decodeErr := json.Unmarshal(respBody, answer); decodeErr != nil {
					err = &APIError{Operation: r.op, StatusCode: status, Message: "the answer could not be decoded: " + decodeErr.Error(), Err: decodeErr, Attempts: info.attempts, Unreadable: true}
				}
			}
		}
		var apiErr *APIError
		if err == nil || r.once || !errors.As(err, &apiErr) || !apiErr.Unreadable || try >= c.maxRetries || ctx.Err() != nil {
			return answer, status, header, err
		}
		c.logf(ctx, "The answer could not be read; sending the request again, which is safe to repeat", map[string]any{"operation": r.op, "error": err.Error()})
	}
}

// sendRenewing sends one request of r, and once more with a new token after a
// 401 when the token source can renew its tokens.
func (c *Client) sendRenewing(ctx context.Context, r request, rawURL string, body []byte) (int, http.Header, []byte, error) {
	status, header, respBody, err := c.send(ctx, r, rawURL, body)
	if _, renewable := c.tokens.(invalidator); renewable && status == http.StatusUnauthorized {
		c.logf(ctx, "Zettle API refused the access token; renewing it", map[string]any{"operation": r.op})
		status, header, respBody, err = c.send(ctx, r, rawURL, body)
	}
	return status, header, respBody, err
}

// refusal is the APIError for an answer outside 2xx.
func (c *Client) refusal(r request, status int, respBody []byte, attempts int) error {
	msg := errorMessage(respBody)
	switch status {
	case http.StatusUnauthorized:
		msg = "the access token was rejected or has expired: " + msg
	case http.StatusForbidden:
		needs := "the " + r.scope() + " scope, or access to the organization"
		if r.needs != "" {
			needs = r.needs
		}
		msg = fmt.Sprintf("the access token lacks %s: %s", needs, msg)
	}
	return &APIError{Operation: r.op, StatusCode: status, Message: msg, Attempts: attempts}
}

// send makes one request, retried as the client's Retries allow, and returns
// the answer's status, header and body. A 401 invalidates the token it
// carried.
func (c *Client) send(ctx context.Context, r request, rawURL string, body []byte) (int, http.Header, []byte, error) {
	op, method := r.op, r.method
	req, err := retryablehttp.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	token, err := c.tokens.Token(ctx)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if c.appID != "" {
		req.Header.Set("X-iZettle-Application-Id", c.appID)
	}
	if r.ifMatch != "" {
		req.Header.Set("If-Match", r.ifMatch)
	}
	if err := c.limits.wait(ctx); err != nil {
		return 0, nil, nil, &APIError{Operation: op, Message: err.Error(), Err: err, Attempts: callInfoOf(ctx).attempts, NotSent: !callInfoOf(ctx).sent}
	}
	c.logf(ctx, "Zettle API request", map[string]any{"operation": op, "method": method, "url": rawURL, "body": redactSecrets(string(body))})

	status, header, respBody, err := roundTrip(c.http, req, op)
	if err != nil {
		return 0, nil, nil, err
	}
	c.logf(ctx, "Zettle API response", map[string]any{"operation": op, "status": status, "body": redactSecrets(string(respBody))})
	if renewable, ok := c.tokens.(invalidator); ok && status == http.StatusUnauthorized {
		renewable.Invalidate(token)
	}
	return status, header, respBody, nil
}

// roundTrip sends req and reads the whole answer. A request that got no
// answer, or a partial one, is an APIError naming op.
func roundTrip(hc *retryablehttp.Client, req *retryablehttp.Request, op string) (int, http.Header, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		info := callInfoOf(req.Context())
		notSent := !info.sent && neverSent(err)
		apiErr := &APIError{Operation: op, Message: err.Error(), Err: err, Attempts: info.attempts, NotSent: notSent}
		if notSent {
			apiErr.Message = "could not connect: " + err.Error()
			apiErr.connects = info.connects
		}
		return 0, nil, nil, apiErr
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, &APIError{Operation: op, StatusCode: resp.StatusCode, Message: "the answer was cut: " + err.Error(), Err: err,
			Attempts: callInfoOf(req.Context()).attempts, Unreadable: resp.StatusCode < 400}
	}
	return resp.StatusCode, resp.Header, body, nil
}

func (c *Client) logf(ctx context.Context, msg string, fields map[string]any) {
	debug(ctx, c.log, msg, fields)
}

func debug(ctx context.Context, log Logger, msg string, fields map[string]any) {
	if log != nil {
		log.Debug(ctx, msg, fields)
	}
}

// messageFields lists the fields of a JSON error body that may hold its
// message, most telling first; none when the body is not a JSON object.
func messageFields(body []byte) []string {
	var fields struct {
		DeveloperMessage string `json:"developerMessage"`
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		ErrorType        string `json:"errorType"`
	}
	if json.Unmarshal(body, &fields) != nil {
		return nil
	}
	return []string{fields.DeveloperMessage, fields.Message, fields.ErrorDescription, fields.Error, fields.ErrorType}
}

// errorMessage pulls the human-readable message out of an error body. Zettle
// answers {"developerMessage": ...}; OAuth and proxies use other keys.
func errorMessage(body []byte) string {
	for _, m := range messageFields(body) {
		if m != "" {
			return m
		}
	}
	// Diagnostics must be UTF-8, and are cut at a character boundary.
	text := strings.ToValidUTF8(strings.TrimSpace(string(body)), "\uFFFD")
	if text == "" {
		return "(no message)"
	}
	const limit = 500
	if len(text) > limit {
		cut := limit
		for !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return text
}
