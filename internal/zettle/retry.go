package zettle

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retries says how requests that fail for a passing reason (a rate limit, a
// server error, a dropped connection) are tried again. Its zero value tries
// each request once, with DefaultRequestTimeout.
type Retries struct {
	// MaxRetries is how many times a request may be tried again.
	MaxRetries int
	// RequestTimeout bounds each attempt.
	RequestTimeout time.Duration
	// WaitMin and WaitMax bound the wait before a retry when the API sends
	// no Retry-After; the wait grows exponentially between them, with
	// jitter. Zero takes DefaultRetryWaitMin and DefaultRetryWaitMax.
	WaitMin, WaitMax time.Duration
}

// Defaults of Retries.
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = time.Second
	DefaultRetryWaitMax   = 30 * time.Second
	// maxRetryAfter bounds the wait a Retry-After may ask for; the
	// caller's context bounds it further.
	maxRetryAfter = 5 * time.Minute
)

// DefaultRetries is what the provider uses unless configured otherwise.
var DefaultRetries = Retries{MaxRetries: DefaultMaxRetries, RequestTimeout: DefaultRequestTimeout}

// callInfo travels with a request's context to the retry policy and the
// retry log, and counts the attempts.
type callInfo struct {
	op string
	// once marks a request that must not be repeated blindly: after a lost
	// answer or a 5xx it may have been applied already.
	once bool
	// attempts is how many times the request was sent so far.
	attempts int
	// connects counts the attempts to open a connection of the last
	// attempt that could not open one.
	connects int
	// sent tells that some attempt got past opening its connection: from
	// then on the request may have reached the API.
	sent bool
	// failures counts the retries after failures other than a 429, which
	// MaxRetries bounds.
	failures int
}

type callInfoKey struct{}

func withCallInfo(ctx context.Context, info *callInfo) context.Context {
	return context.WithValue(ctx, callInfoKey{}, info)
}

func callInfoOf(ctx context.Context) *callInfo {
	if info, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		return info
	}
	return &callInfo{}
}

// newRetryingHTTP returns the retrying HTTP client that sends every request of
// the Inventory and OAuth APIs. hc, when not nil, makes each attempt.
func newRetryingHTTP(r Retries, hc *http.Client, log Logger) *retryablehttp.Client {
	if hc == nil {
		timeout := r.RequestTimeout
		if timeout <= 0 {
			timeout = DefaultRequestTimeout
		}
		base, ok := http.DefaultTransport.(*http.Transport)
		if !ok {
			base = &http.Transport{}
		}
		transport := base.Clone()
		transport.DialContext = dialBriefly((&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext)
		hc = &http.Client{Timeout: timeout, Transport: transport}
	}
	// A 429 refuses a request before acting on it, so it is retried, after
	// its Retry-After, for as long as the operation's timeout lets it;
	// MaxRetries bounds the retries after other failures (retryPolicy).
	retryMax := 0
	if r.MaxRetries > 0 {
		retryMax = rateLimitedRetries
	}
	rc := &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     retryMax,
		RetryWaitMin: cmpOr(r.WaitMin, DefaultRetryWaitMin),
		RetryWaitMax: cmpOr(r.WaitMax, DefaultRetryWaitMax),
		CheckRetry:   retryPolicy(max(r.MaxRetries, 0)),
		Backoff:      backoff,
		// The last answer, a 503 say, is returned as it is, so that its
		// status and message reach the user.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	// retryablehttp logs through hooks here, with the request's context,
	// so that its events reach tflog with the provider's masking.
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, retry int) {
		callInfoOf(req.Context()).attempts = retry + 1
		if retry > 0 {
			debug(req.Context(), log, "Retrying Zettle API request", map[string]any{
				"operation": callInfoOf(req.Context()).op, "method": req.Method, "url": req.URL.Redacted(), "retry": retry,
			})
		}
	}
	return rc
}

func cmpOr(d, fallback time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return fallback
}

// rateLimitedRetries bounds the retries of a request refused with 429 again
// and again; the operation's timeout comes first.
const rateLimitedRetries = 1000

// retryPolicy decides whether a failed attempt is tried again.
//   - 429: the API refused the request without acting on it: always, until
//     the operation's timeout.
//   - 5xx, or no answer: only requests that are safe to repeat, at most
//     maxRetries times. A request that moves stock may have been applied;
//     its caller reconciles instead.
//   - A connection that could not even be opened: the dialer has tried.
func retryPolicy(maxRetries int) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		retry, err := retryDecision(ctx, resp, err)
		if retry && (resp == nil || resp.StatusCode != http.StatusTooManyRequests) {
			info := callInfoOf(ctx)
			if info.failures >= maxRetries {
				return false, err
			}
			info.failures++
		}
		return retry, err
	}
}

func retryDecision(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	repeatable := !callInfoOf(ctx).once
	if err != nil && neverSent(err) {
		// Nothing answers at all: the dialer has tried a few times
		// already, and waiting longer would only delay the error.
		return false, nil
	}
	callInfoOf(ctx).sent = true
	if err != nil {
		// retryablehttp knows the errors no retry mends (a bad
		// certificate, a malformed URL, too many redirects).
		if retry, _ := retryablehttp.DefaultRetryPolicy(ctx, resp, err); !retry {
			return false, nil
		}
		return repeatable, nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return repeatable, nil
	}
	return false, nil
}

// connectTimeout bounds one attempt to open a connection, and connectWaits
// are the pauses between the attempts: a URL where nothing listens fails
// within about a second, where the backoff for answers would take tens.
const connectTimeout = 10 * time.Second

var connectWaits = []time.Duration{0, 250 * time.Millisecond, 750 * time.Millisecond}

// dialBriefly opens connections with dial, trying again briefly when one
// cannot be opened (a refused connection, an unknown host), and counts the
// tries in the request's callInfo.
func dialBriefly(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		info := callInfoOf(ctx)
		var err error
		for i, wait := range connectWaits {
			if wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return nil, err
				}
			}
			var conn net.Conn
			if conn, err = dial(ctx, network, addr); err == nil {
				return conn, nil
			}
			info.connects = i + 1
		}
		return nil, err
	}
}

// neverSent reports whether err happened before any byte of the request
// left: the connection could not be opened.
func neverSent(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// backoff waits as long as a 429 or 503 answer's Retry-After asks, within
// maxRetryAfter. Otherwise it waits between half and all of an exponentially
// growing ceiling, so that many clients refused at once do not return at once.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxRetryAfter)
		}
	}
	ceiling := maxWait
	if attempt < 30 {
		ceiling = min(minWait<<attempt, maxWait)
	}
	half := ceiling / 2
	return half + rand.N(ceiling-half+1)
}

// retryAfter reads a Retry-After header: a number of seconds, or an HTTP
// date.
func retryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(min(seconds, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}
