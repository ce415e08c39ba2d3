package sandbox

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Fault shapes the answers to the next Times requests that match it.
type Fault struct {
	// Method and Route select the requests, e.g. "POST" and
	// "/organizations/{org}/v2/inventory/bulk"; empty matches any.
	Method string
	Route  string
	// Times is how many matching requests the fault affects (at least 1).
	Times int
	// Skip is how many matching requests pass untouched before the fault
	// applies.
	Skip int
	// Status is answered instead of running the endpoint.
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// CutAfterCommit runs the endpoint, so its change is committed, then
	// drops the connection without an answer. Status is ignored.
	CutAfterCommit bool
	// CutAnswerAfterCommit runs the endpoint, so its change is committed,
	// then sends the status, the headers and half of the body, and drops
	// the connection: the client holds a 2xx it cannot read.
	CutAnswerAfterCommit bool
	// GarbleAnswerAfterCommit runs the endpoint, so its change is
	// committed, then answers its status with a body that is not JSON, as
	// a proxy in the way might.
	GarbleAnswerAfterCommit bool
	// CutBeforeCommit drops the connection without an answer and without
	// running the endpoint, so nothing changes. Status is ignored, and so is
	// CutAfterCommit.
	CutBeforeCommit bool
	// ExpireTokens makes every token issued for an API key expire as the
	// request arrives, which is then served as usual: it is refused with
	// 401, as a token that expired early would be. The other fields are
	// ignored.
	ExpireTokens bool
	// Delay holds the answer back this long, then serves the request as
	// usual; a client that gives up first changes nothing. The other fields
	// are ignored.
	Delay time.Duration
	// OmitProduct serves a balance lookup (or a v3 stock read) as usual, but
	// leaves this product (a UUID) out of its answer, as a partial or stale
	// listing would. The other fields are ignored.
	OmitProduct string
	// SellAfterCommit, when positive, serves the request as usual, except
	// that once a stock movement's changes are committed, this quantity of
	// every variant it changed is sold (STORE → SOLD, recorded in the ledger
	// with ConcurrentSaleRoute) before the answer is written, as a sale in
	// the POS app arriving at the same moment would be: the answer's balances
	// then differ from those the request alone gives. It applies to the
	// endpoints that move stock (the bulk request, PUT inventory and POST
	// /v3/movements), selling from the default STORE. The other fields are
	// ignored.
	SellAfterCommit decimal.Decimal
}

// ConcurrentSaleRoute is the Route of the sales that a SellAfterCommit fault
// makes.
const ConcurrentSaleRoute = "concurrent sale"

// concurrentSaleKey carries a SellAfterCommit quantity in a request's context
// to the endpoint.
type concurrentSaleKey struct{}

// concurrentSale sells the SellAfterCommit quantity of the request, if any,
// of each variant changed. The caller holds o.s.mu.
func (o *Org) concurrentSale(r *http.Request, changed []productVariant) {
	qty, ok := r.Context().Value(concurrentSaleKey{}).(decimal.Decimal)
	if !ok {
		return
	}
	seen := map[productVariant]bool{}
	for _, pv := range changed {
		if !seen[pv] {
			seen[pv] = true
			o.move(ConcurrentSaleRoute, pv.product, pv.variant, o.locations[Store], o.locations[Sold], qty)
		}
	}
}

// String describes the fault as the request log's Fault field and
// FaultCounts name it.
func (f *Fault) String() string {
	switch {
	case f.Delay > 0:
		return "delayed " + f.Delay.String()
	case f.SellAfterCommit.Sign() > 0:
		return "sold " + formatBalance(f.SellAfterCommit) + " after commit"
	case f.ExpireTokens:
		return "tokens expired"
	case f.OmitProduct != "":
		return "omitted product " + f.OmitProduct
	case f.CutBeforeCommit:
		return string(FaultCutBeforeCommit)
	case f.CutAfterCommit:
		return string(FaultCutAfterCommit)
	case f.CutAnswerAfterCommit:
		return string(FaultAnswerCutAfterCommit)
	case f.GarbleAnswerAfterCommit:
		return string(FaultAnswerGarbledAfterCommit)
	}
	return fmt.Sprintf("HTTP %d", f.Status)
}

func (f *Fault) matches(method, route string) bool {
	return (f.Method == "" || f.Method == method) &&
		(f.Route == "" || method+" "+f.Route == route)
}

// InjectFault adds a fault. Faults apply in the order they were added.
func (s *Server) InjectFault(f Fault) {
	if f.Times < 1 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every pending fault added by InjectFault. It leaves
// random faults on: SetRandomFaults(RandomFaults{}) turns them off.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

type omitKey struct{}

// omittedProduct is the product a fault left out of the request's answer, or
// "".
func omittedProduct(r *http.Request) string {
	p, _ := r.Context().Value(omitKey{}).(string)
	return p
}

// takeFault consumes one use of the first fault matching the request.
// The caller holds s.mu.
func (s *Server) takeFault(method, route string) *Fault {
	for i, f := range s.faults {
		if f.matches(method, route) && f.Skip > 0 {
			f.Skip--
			continue
		}
		if f.matches(method, route) {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// FaultKind is a kind of fault SetRandomFaults draws. Its value is the
// fault's description in Request.Fault and the key of FaultCounts.
type FaultKind string

// The kinds of random faults.
const (
	// FaultTooManyRequests answers 429, with RandomFaults.RetryAfter.
	FaultTooManyRequests FaultKind = "HTTP 429"
	// FaultServerError answers 500.
	FaultServerError FaultKind = "HTTP 500"
	// FaultUnavailable answers 503.
	FaultUnavailable FaultKind = "HTTP 503"
	// FaultCutBeforeCommit drops the connection without running the
	// endpoint: nothing changes.
	FaultCutBeforeCommit FaultKind = "connection cut before commit"
	// FaultCutAfterCommit runs the endpoint, commits its change, then drops
	// the connection without an answer.
	FaultCutAfterCommit FaultKind = "connection cut after commit"
	// FaultAnswerCutAfterCommit runs the endpoint, commits its change, then
	// sends the status and half of the body, and drops the connection.
	FaultAnswerCutAfterCommit FaultKind = "answer cut after commit"
	// FaultAnswerGarbledAfterCommit runs the endpoint, commits its change,
	// then answers its status with a body that is not JSON.
	FaultAnswerGarbledAfterCommit FaultKind = "answer garbled after commit"
)

// allFaultKinds are the kinds RandomFaults draws from when it names none.
var allFaultKinds = []FaultKind{
	FaultTooManyRequests, FaultServerError, FaultUnavailable, FaultCutBeforeCommit, FaultCutAfterCommit,
	FaultAnswerCutAfterCommit, FaultAnswerGarbledAfterCommit,
}

// RandomFaults makes the sandbox fail a fraction of requests at random, for
// soak tests.
type RandomFaults struct {
	// Rate is the fraction of requests that fail, from 0 to 1 (more is 1);
	// 0 turns random faults off.
	Rate float64
	// Seed seeds the random sequence: with the same seed, the same sequence
	// of requests meets the same faults.
	Seed int64
	// Kinds are the faults to draw from, each as likely; empty means all.
	Kinds []FaultKind
	// RetryAfter, when set, is sent as the Retry-After header of the
	// injected 429 answers.
	RetryAfter string
}

// SetRandomFaults fails a fraction of the requests to the Inventory and
// low-stock endpoints at random, replacing any earlier setting; a zero
// RandomFaults turns this off. POST /token (the OAuth host) and unknown
// paths never fail at random, so that clients can always get a token.
// A fault added by InjectFault that matches a request takes precedence: no
// random fault is drawn for that request. The request log's Fault field
// (with RandomFault set) and FaultCounts record the random faults.
//
// It panics on a Rate that is not a number or on an unknown kind.
func (s *Server) SetRandomFaults(cfg RandomFaults) {
	if cfg.Rate != cfg.Rate {
		panic("sandbox: RandomFaults.Rate is NaN")
	}
	kinds := slices.Clone(cfg.Kinds)
	if len(kinds) == 0 {
		kinds = slices.Clone(allFaultKinds)
	}
	for _, k := range kinds {
		if !slices.Contains(allFaultKinds, k) {
			panic(fmt.Sprintf("sandbox: unknown FaultKind %q", string(k)))
		}
	}
	rf := randomFaults{}
	if cfg.Rate > 0 {
		rf = randomFaults{
			rate:       min(cfg.Rate, 1),
			kinds:      kinds,
			retryAfter: cfg.RetryAfter,
			rng:        rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5a6e7c1e)),
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.random = rf
}

// FaultCounts returns how many requests injected faults shaped since New,
// random ones and those added by InjectFault alike, by description, e.g.
// FaultCounts()[string(FaultServerError)]. ResetRequests leaves the counts
// alone.
func (s *Server) FaultCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.faultCounts)
}

// randomFaults is the state of SetRandomFaults; the zero value is off. The
// caller holds s.mu, which guards the random source too.
type randomFaults struct {
	rate       float64
	kinds      []FaultKind
	retryAfter string
	rng        *rand.Rand
}

// draw decides whether a request fails, and how.
func (rf *randomFaults) draw() *Fault {
	if rf.rng == nil || rf.rng.Float64() >= rf.rate {
		return nil
	}
	switch k := rf.kinds[rf.rng.IntN(len(rf.kinds))]; k {
	case FaultTooManyRequests:
		return &Fault{Status: http.StatusTooManyRequests, RetryAfter: rf.retryAfter}
	case FaultServerError:
		return &Fault{Status: http.StatusInternalServerError}
	case FaultUnavailable:
		return &Fault{Status: http.StatusServiceUnavailable}
	case FaultCutBeforeCommit:
		return &Fault{CutBeforeCommit: true}
	case FaultAnswerCutAfterCommit:
		return &Fault{CutAnswerAfterCommit: true}
	case FaultAnswerGarbledAfterCommit:
		return &Fault{GarbleAnswerAfterCommit: true}
	default:
		return &Fault{CutAfterCommit: true}
	}
}
