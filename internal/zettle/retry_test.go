package zettle

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for value, want := range map[string]struct {
		wait time.Duration
		ok   bool
	}{
		"3":                                {3 * time.Second, true},
		" 0 ":                              {0, true},
		"86400":                            {maxRetryAfter, true},
		"Thu, 26 Nov 2026 12:00:07 GMT":    {7 * time.Second, true},
		"Thursday, 26-Nov-26 12:00:02 GMT": {2 * time.Second, true},
		"Thu Nov 26 12:00:01 2026":         {time.Second, true},
		"Wed, 25 Nov 2026 12:00:00 GMT":    {0, true},
		"":                                 {0, false},
		"-1":                               {0, false},
		"soon":                             {0, false},
	} {
		wait, ok := retryAfter(value, now)
		if wait != want.wait || ok != want.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", value, wait, ok, want.wait, want.ok)
		}
	}
}

func TestBackoffHonoursRetryAfterOnlyOn429And503(t *testing.T) {
	answer := func(status int, retryAfter string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {retryAfter}}}
	}
	if got := backoff(time.Millisecond, time.Second, 0, answer(http.StatusTooManyRequests, "4")); got != 4*time.Second {
		t.Errorf("429 with Retry-After 4: waited %v", got)
	}
	if got := backoff(time.Millisecond, time.Second, 0, answer(http.StatusServiceUnavailable, "2")); got != 2*time.Second {
		t.Errorf("503 with Retry-After 2: waited %v", got)
	}
	if got := backoff(time.Millisecond, time.Second, 0, answer(http.StatusInternalServerError, "9")); got > time.Millisecond {
		t.Errorf("500 with Retry-After 9: waited %v, want the backoff", got)
	}
}

// Without Retry-After, each wait lies between half and all of a ceiling that
// doubles from the minimum up to the maximum: jittered, growing, bounded.
func TestBackoffIsJitteredExponential(t *testing.T) {
	minWait, maxWait := 100*time.Millisecond, 2*time.Second
	ms := time.Millisecond
	for attempt, ceiling := range []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 2000 * ms, 2000 * ms} {
		seen := map[time.Duration]bool{}
		for range 50 {
			got := backoff(minWait, maxWait, attempt, nil)
			if got < ceiling/2 || got > ceiling {
				t.Fatalf("attempt %d: waited %v, want between %v and %v", attempt, got, ceiling/2, ceiling)
			}
			seen[got] = true
		}
		if len(seen) < 10 {
			t.Errorf("attempt %d: %d distinct waits in 50, want jitter", attempt, len(seen))
		}
	}
	if got := backoff(minWait, maxWait, 100, nil); got > maxWait {
		t.Errorf("attempt 100: waited %v, more than the maximum", got)
	}
}
