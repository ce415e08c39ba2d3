// Package sandbox is a stateful model of the Zettle Inventory API, written
// from the API's documentation. Tests run it in process; cmd/zettle-sandbox
// runs it on loopback for the demo.
//
// It keeps organizations with their access tokens and API keys, their four
// system locations (and, through v3, more STORE inventories), a product
// library, tracking state, and balances and low-stock settings per location,
// product and variant. Access tokens and API keys carry OAuth scopes, which
// the endpoints check. Test controls inject latency and faults (given ones,
// or random ones for soak tests), record every request, and keep a ledger of
// every stock movement.
//
// It serves Inventory API v2 (paths under /organizations/{org} and
// /custom-low-stock) and v3 (paths under /v3), both by default, over one
// model of each organization; SetAPIVersions turns either off, as the live
// service may have done with v2.
package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/google/uuid"
)

// Location types, as the API names them.
const (
	Store    = "STORE"
	Supplier = "SUPPLIER"
	Sold     = "SOLD"
	Bin      = "BIN"
)

// apiTime is how the APIs write times: UTC, to the millisecond.
const apiTime = "2006-01-02T15:04:05.000Z"

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkUUID refuses a malformed UUID in the named field.
func checkUUID(field, s string) *httpError {
	if uuidPattern.MatchString(s) {
		return nil
	}
	return badRequest("%s: %q is not a valid UUID", field, s)
}

var uuidAnywhere = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// lowerUUIDs writes every UUID in b in lower case.
func lowerUUIDs(b []byte) []byte { return uuidAnywhere.ReplaceAllFunc(b, bytes.ToLower) }

func newUUID() string {
	// Zettle's own identifiers are time-based (version 1) UUIDs.
	return uuid.Must(uuid.NewUUID()).String()
}

// Server is the sandbox API. Its zero value is not usable; call New.
type Server struct {
	mux *http.ServeMux

	mu      sync.Mutex
	tokens  map[string]accessToken // by access token
	apiKeys map[string]apiKey      // by key
	// tokenLifetime is the lifetime of the tokens issued from now on.
	tokenLifetime time.Duration
	latency       time.Duration
	faults        []*Fault
	log           []Request
	// apiRoutes are the v2 Inventory and low-stock routes, with the scope
	// each needs; POST /token and the catch-all are not among them.
	apiRoutes map[string]string
	// v3Routes are the Inventory API v3 routes, with the scope each needs.
	v3Routes map[string]string
	// libraryRoutes are the Product Library's routes, with the scope each
	// needs; pusherRoutes are the Pusher API's (webhook subscriptions).
	libraryRoutes map[string]string
	pusherRoutes  map[string]string
	// v2Off and v3Off turn an API version off: its paths are not found.
	v2Off, v3Off bool
	random       randomFaults
	// faultCounts counts the requests an injected fault shaped, by the
	// fault's description (Request.Fault).
	faultCounts map[string]int
	// pageSize caps the items of one page of a list answer; pageSizeSet
	// tells that SetPageSize chose it, which caps the library's pages too.
	pageSize    int
	pageSizeSet bool
	// limit, when set, refuses API requests (Inventory and Product
	// Library) beyond a rate.
	limit *rate.Limiter
}

// Request is one request as the sandbox saw it.
type Request struct {
	// At is when the request arrived.
	At     time.Time
	Method string
	Path   string
	Query  string
	// Route is the endpoint pattern that matched, e.g.
	// "POST /organizations/{org}/v2/inventory/bulk"; empty if none did.
	Route string
	// Host is the host the request was sent to, as its Host header names
	// it: the sandbox serves every API's host on one address.
	Host      string
	Body      string
	UserAgent string
	// ApplicationID is the X-iZettle-Application-Id header.
	ApplicationID string
	Status        int
	// RateLimited marks a request refused (429) for going beyond the rate
	// SetRateLimit set.
	RateLimited bool
	// Fault is set when an injected fault shaped the answer, given or
	// random: "HTTP 429", "connection cut after commit", and so on (see
	// FaultKind). Status is 0 for a connection cut before commit.
	Fault string
	// RandomFault tells that Fault was drawn by SetRandomFaults.
	RandomFault bool
}

// New returns an empty sandbox.
func New() *Server {
	s := &Server{
		tokens: map[string]accessToken{}, apiKeys: map[string]apiKey{}, tokenLifetime: defaultTokenLifetime,
		apiRoutes: map[string]string{}, v3Routes: map[string]string{}, libraryRoutes: map[string]string{}, pusherRoutes: map[string]string{}, faultCounts: map[string]int{}, pageSize: DefaultPageSize,
	}
	s.mux = http.NewServeMux()
	s.routes()
	return s
}

// SetAPIVersions chooses the Inventory API versions served: v2 (paths under
// /organizations/ and /custom-low-stock/), v3 (paths under /v3/), or both,
// as New does. A version turned off answers 404 on all its paths, as an
// unknown path is answered; the model behind them is kept.
func (s *Server) SetAPIVersions(v2, v3 bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v2Off, s.v3Off = !v2, !v3
}

// SetRateLimit makes the sandbox refuse API requests (Inventory and Product
// Library) beyond perSecond, as Zettle does: a token bucket of burst
// requests, refilled at perSecond; a request beyond it gets 429 with
// Retry-After: 1 and changes nothing. Zero turns the limit off, as New has
// it. The limit is the sandbox's, shared by every organization and both
// hosts: one integration's view, and the strictest reading, since Zettle
// documents no limit of the Product Library's own.
func (s *Server) SetRateLimit(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = nil
	if perSecond > 0 {
		s.limit = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
	}
}

// RateLimited counts the logged requests refused for going beyond the rate.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if r.RateLimited {
			n++
		}
	}
	return n
}

// ParseAPIVersions reads the versions to serve as the commands' -api flag
// names them: "v2", "v3" or "both".
func ParseAPIVersions(api string) (v2, v3, ok bool) {
	switch api {
	case "v2":
		return true, false, true
	case "v3":
		return false, true, true
	case "both":
		return true, true, true
	}
	return false, false, false
}

// versionOff reports whether route belongs to an Inventory API version
// turned off. The caller holds s.mu.
func (s *Server) versionOff(path, route string) bool {
	_, library := s.libraryRoutes[route]
	_, pusher := s.pusherRoutes[route]
	if library || pusher {
		return false
	}
	switch {
	case path == "/v3" || strings.HasPrefix(path, "/v3/"):
		return s.v3Off
	case strings.HasPrefix(path, "/organizations/") || strings.HasPrefix(path, "/custom-low-stock/"):
		return s.v2Off
	}
	return false
}

// SetLatency delays every answer by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// RequestCount counts the logged requests whose route is one of routes, or
// every request when routes is empty.
func (s *Server) RequestCount(routes ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(routes) == 0 {
		return len(s.log)
	}
	n := 0
	for _, r := range s.log {
		for _, want := range routes {
			if r.Route == want {
				n++
			}
		}
	}
	return n
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// ServeHTTP answers one request: latency, then faults (a given fault, else
// maybe a random one), then the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Token expiry is judged when the request arrived, not after the
	// injected latency: a token valid when sent was valid on the wire.
	arrived := time.Now()
	r = r.WithContext(context.WithValue(r.Context(), arrivalKey{}, arrived))
	body, _ := io.ReadAll(r.Body)
	// Zettle takes UUIDs in any case and answers them in lower case: the
	// model sees them in lower case, the log as they were sent.
	r.Body = io.NopCloser(bytes.NewReader(lowerUUIDs(body)))
	sentPath := r.URL.Path
	r.URL.Path, r.URL.RawPath = string(lowerUUIDs([]byte(r.URL.Path))), ""
	var serve http.Handler = s.mux
	_, route := s.mux.Handler(r)

	s.mu.Lock()
	off := s.versionOff(r.URL.Path, route)
	if off {
		// Answered as an unknown path is, by the catch-all; logged under
		// the route it would have matched, and spared injected faults.
		serve = http.HandlerFunc(noEndpoint)
	}
	latency := s.latency
	var fault *Fault
	if !off {
		fault = s.takeFault(r.Method, route)
	}
	// Beyond the rate, a request is refused as it arrives, before any
	// fault or endpoint sees it.
	limited := !off && s.limit != nil && s.isAPIRoute(route) && !s.limit.AllowN(arrived, 1)
	if limited {
		fault = nil
	}
	random := false
	if fault == nil && !off && !limited && s.isAPIRoute(route) {
		fault = s.random.draw()
		random = fault != nil
	}
	// Faults that only shape the timing or the tokens are noted, then the
	// request is served as usual.
	noted := ""
	switch {
	case fault != nil && fault.Delay > 0:
		latency += fault.Delay
		noted, fault = fault.String(), nil
	case fault != nil && fault.ExpireTokens:
		s.expireTokensLocked(arrived)
		noted, fault = fault.String(), nil
	case fault != nil && fault.OmitProduct != "":
		r = r.WithContext(context.WithValue(r.Context(), omitKey{}, fault.OmitProduct))
		noted, fault = fault.String(), nil
	case fault != nil && fault.SellAfterCommit.Sign() > 0:
		r = r.WithContext(context.WithValue(r.Context(), concurrentSaleKey{}, fault.SellAfterCommit))
		noted, fault = fault.String(), nil
	}
	s.mu.Unlock()

	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}

	entry := Request{
		At: arrived, Method: r.Method, Path: sentPath, Query: r.URL.RawQuery, Route: route, Host: r.Host, Body: string(body),
		UserAgent: r.UserAgent(), ApplicationID: r.Header.Get("X-iZettle-Application-Id"),
	}
	if fault != nil {
		entry.Fault = fault.String()
		entry.RandomFault = random
	}
	if noted != "" {
		entry.Fault = noted
	}
	if limited {
		entry.Status, entry.RateLimited = http.StatusTooManyRequests, true
		s.record(entry)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "rate limit exceeded: try again later")
		return
	}
	if fault != nil && fault.CutBeforeCommit {
		s.record(entry)
		cutConnection(w)
		return
	}
	if fault != nil && !fault.committing() {
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		entry.Status = fault.Status
		s.record(entry)
		writeError(w, fault.Status, "INJECTED_FAULT", fmt.Sprintf("injected fault: HTTP %d", fault.Status))
		return
	}

	rec := httptest.NewRecorder()
	serve.ServeHTTP(rec, r)
	entry.Status = rec.Code
	s.record(entry)
	answer := rec.Body.Bytes()
	switch {
	case fault == nil:
	case fault.CutAfterCommit:
		cutConnection(w)
		return
	case fault.GarbleAnswerAfterCommit:
		answer = []byte("<html><body>upstream answered late</body></html>")
		rec.Header().Del("Content-Length")
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if fault != nil && fault.CutAnswerAfterCommit {
		// The length promised is the whole body's; half of it arrives.
		w.Header().Set("Content-Length", fmt.Sprint(len(answer)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(answer[:len(answer)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		cutConnection(w)
		return
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(answer)
}

// isAPIRoute reports whether route is an endpoint of either Inventory API
// version or of the Product Library. The caller holds s.mu.
func (s *Server) isAPIRoute(route string) bool {
	_, v2 := s.apiRoutes[route]
	_, v3 := s.v3Routes[route]
	_, library := s.libraryRoutes[route]
	_, pusher := s.pusherRoutes[route]
	return v2 || v3 || library || pusher
}

// noEndpoint answers a path the sandbox does not serve.
func noEndpoint(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "NOT_FOUND", "no such endpoint: "+r.Method+" "+r.URL.Path)
}

// committing reports whether f runs the endpoint, committing its change,
// before it shapes the answer.
func (f *Fault) committing() bool {
	return f.CutAfterCommit || f.CutAnswerAfterCommit || f.GarbleAnswerAfterCommit
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r)
	if r.Fault != "" {
		s.faultCounts[r.Fault]++
	}
}

// cutConnection drops the connection without an answer, as a network failure
// would.
func cutConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// apiError is the JSON error body the sandbox answers with; the Product
// Library's also lists the violations of a request it refused.
type apiError struct {
	ErrorType        string      `json:"errorType"`
	DeveloperMessage string      `json:"developerMessage"`
	Violations       []violation `json:"violations,omitempty"`
}

func writeError(w http.ResponseWriter, status int, errorType, msg string) {
	writeJSON(w, status, apiError{ErrorType: errorType, DeveloperMessage: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(encodeJSON(v))
}

func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	return buf.Bytes()
}

// etagged marks an answer that carries an ETag, so that a client can
// revalidate it with If-None-Match, as the low-stock reads allow.
// tag is the entity's own ETag; "" derives one from the body.
type etagged struct {
	v   any
	tag string
}

func writeETagged(w http.ResponseWriter, r *http.Request, status int, v any, tag string) {
	body := encodeJSON(v)
	if tag == "" {
		sum := sha256.Sum256(body)
		tag = `"` + hex.EncodeToString(sum[:16]) + `"`
	}
	w.Header().Set("ETag", tag)
	if etagMatches(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// etagMatches compares If-None-Match weakly, as RFC 9110 asks: a list of
// tags, each maybe weak ("W/"), or "*".
func etagMatches(ifNoneMatch, tag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// located marks an answer that names a created resource in a Location
// header: path, made absolute with the request's host.
type located struct {
	v    any
	path string
}

// httpError carries a status and message from the model to the handler.
type httpError struct {
	status     int
	errorType  string
	msg        string
	violations []violation
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) *httpError {
	return &httpError{http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf(format, args...), nil}
}

func notFound(format string, args ...any) *httpError {
	return &httpError{http.StatusNotFound, "NOT_FOUND", fmt.Sprintf(format, args...), nil}
}

// handler is an endpoint of the model. The caller holds s.mu.
type handler func(o *Org, r *http.Request) (status int, answer any, err *httpError)

// handle registers an endpoint of the Inventory API that needs scope. It
// authenticates the caller (401), checks the token's scope and the
// organization in the path (403), and turns errors into JSON answers.
func (s *Server) handle(pattern, scope string, h handler) {
	switch _, path, _ := strings.Cut(pattern, " "); {
	case strings.HasPrefix(path, "/v3/"):
		s.v3Routes[pattern] = scope
	case libraryPath(path):
		s.libraryRoutes[pattern] = scope
	case pusherPath(path):
		s.pusherRoutes[pattern] = scope
	default:
		s.apiRoutes[pattern] = scope
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		o, herr := s.authenticate(r, scope)
		if herr == nil {
			s.mu.Lock()
			var status int
			var answer any
			status, answer, herr = h(o, r)
			s.mu.Unlock()
			if herr == nil {
				if page, ok := answer.(paged); ok {
					if page.next != "" {
						writeLink(w, page.next)
					}
					answer = page.v
				}
				if loc, ok := answer.(located); ok {
					w.Header().Set("Location", absoluteURL(r, loc.path))
					answer = loc.v
				}
				switch answer := answer.(type) {
				case nil:
					w.WriteHeader(status)
				case etagged:
					writeETagged(w, r, status, answer.v, answer.tag)
				default:
					writeJSON(w, status, answer)
				}
				return
			}
		}
		writeJSON(w, herr.status, apiError{ErrorType: herr.errorType, DeveloperMessage: herr.msg, Violations: herr.violations})
	})
}

// authenticate finds the organization of the request's token: 401 without a
// valid token, 403 when the token lacks scope or names another organization.
func (s *Server) authenticate(r *http.Request, scope string) (*Org, *httpError) {
	token := bearer(r)
	if token == "" {
		return nil, &httpError{http.StatusUnauthorized, "UNAUTHORIZED", "missing bearer token", nil}
	}
	s.mu.Lock()
	t, ok := s.tokens[token]
	s.mu.Unlock()
	if !ok {
		return nil, &httpError{http.StatusUnauthorized, "UNAUTHORIZED", "unknown access token", nil}
	}
	if t.expired(arrival(r)) {
		return nil, &httpError{http.StatusUnauthorized, "UNAUTHORIZED", "the access token expired at " + t.expires.UTC().Format(time.RFC3339Nano), nil}
	}
	if herr := t.checkScope(scope); herr != nil {
		return nil, herr
	}
	o := t.org
	if org := r.PathValue("org"); org != "" && org != "self" && org != o.UUID {
		return nil, &httpError{http.StatusForbidden, "FORBIDDEN", fmt.Sprintf("the token has no access to organization %s", org), nil}
	}
	return o, nil
}

// bearer is the request's bearer token, or "".
func bearer(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return token
}

// decode reads a JSON body strictly: unknown fields are refused, so a
// misspelt field name fails here as it would be ignored there.
func decode(r *http.Request, v any) *httpError {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("malformed JSON body: %v", err)
	}
	if dec.More() {
		return badRequest("malformed JSON body: trailing data")
	}
	return nil
}
