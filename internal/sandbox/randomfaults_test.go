package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// noReuse is a client that opens a connection per request, so that a cut
// connection is never retried on another one behind the test's back.
var noReuse = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// try sends a request with the organization's token through noReuse, and
// returns the answer's status and Retry-After, or the error of a cut
// connection.
func (h *harness) try(method, path, body string) (status int, retryAfter string, err error) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.org.Token)
	resp, err := noReuse.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), nil
}

// move is a PUT /organizations/self/inventory body moving change of a
// variant from SUPPLIER to STORE.
func (h *harness) move(product, variant string, change float64) string {
	return fmt.Sprintf(`{"changes":[{"productUuid":%q,"variantUuid":%q,"fromLocationUuid":%q,"toLocationUuid":%q,"change":%v}]}`,
		product, variant, h.org.Location(Supplier), h.org.Location(Store), change)
}

func sumCounts(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func TestRandomFaultsAtRateOne(t *testing.T) {
	h := newHarness(t)
	key := h.org.AddAPIKey()
	kinds := []FaultKind{FaultTooManyRequests, FaultServerError, FaultUnavailable}
	h.sb.SetRandomFaults(RandomFaults{Rate: 1, Seed: 7, Kinds: kinds, RetryAfter: "1"})
	const n = 60
	seen := map[int]int{}
	for i := range n {
		path := []string{"/organizations/self/locations", "/organizations/self/inventory", "/custom-low-stock/v2/locations/" + h.org.Location(Store)}[i%3]
		status, retryAfter, err := h.try("GET", path, "")
		if err != nil {
			t.Fatal(err)
		}
		seen[status]++
		if want := map[int]string{429: "1", 500: "", 503: ""}[status]; retryAfter != want || (status != 429 && status != 500 && status != 503) {
			t.Errorf("GET %s: %d Retry-After %q", path, status, retryAfter)
		}
	}
	if len(seen) != 3 {
		t.Errorf("statuses %v, want all of 429, 500 and 503", seen)
	}
	counts := h.sb.FaultCounts()
	if sumCounts(counts) != n || counts[string(FaultTooManyRequests)] != seen[429] || counts[string(FaultServerError)] != seen[500] || counts[string(FaultUnavailable)] != seen[503] {
		t.Errorf("fault counts %v, answers %v", counts, seen)
	}
	for _, r := range h.sb.Requests() {
		if !r.RandomFault || r.Fault != fmt.Sprintf("HTTP %d", r.Status) {
			t.Errorf("logged %+v", r)
		}
	}

	// The OAuth host, and paths that are no endpoint, never fail at random.
	h.sb.SetRandomFaults(RandomFaults{Rate: 1})
	for range 20 {
		h.token(key)
	}
	h.expectError(404, "GET", "/organizations/self/nothing", "", "no such endpoint")
	if got := sumCounts(h.sb.FaultCounts()); got != n {
		t.Errorf("%d faults counted after the token grants, want %d", got, n)
	}

	// A zero RandomFaults turns the mode off.
	h.sb.SetRandomFaults(RandomFaults{})
	h.expectStatus(200, "GET", "/organizations/self/locations", "")
}

func TestGivenFaultsTakePrecedence(t *testing.T) {
	h := newHarness(t)
	h.sb.SetRandomFaults(RandomFaults{Rate: 1, Kinds: []FaultKind{FaultServerError}})
	h.sb.InjectFault(Fault{Method: "GET", Route: "/organizations/{org}/locations", Status: 418})
	h.expectStatus(418, "GET", "/organizations/self/locations", "")
	h.expectStatus(500, "GET", "/organizations/self/locations", "")
	log := h.sb.Requests()
	if len(log) != 2 || log[0].Fault != "HTTP 418" || log[0].RandomFault || log[1].Fault != "HTTP 500" || !log[1].RandomFault {
		t.Errorf("request log %+v", log)
	}
	if counts := h.sb.FaultCounts(); len(counts) != 2 || counts["HTTP 418"] != 1 || counts["HTTP 500"] != 1 {
		t.Errorf("fault counts %v", counts)
	}
	// ClearFaults leaves random faults on.
	h.sb.ClearFaults()
	h.expectStatus(500, "GET", "/organizations/self/locations", "")
}

// soak sends n balance lookups with random faults at rate, and returns the
// faults of the log in order ("" for none).
func soak(t *testing.T, seed int64, n int, rate float64) []string {
	h := newHarness(t)
	h.sb.SetRandomFaults(RandomFaults{Rate: rate, Seed: seed})
	for range n {
		_, _, _ = h.try("GET", "/organizations/self/inventory", "")
	}
	var faults []string
	for _, r := range h.sb.Requests() {
		faults = append(faults, r.Fault)
	}
	if len(faults) != n {
		t.Fatalf("%d requests logged, want %d", len(faults), n)
	}
	counted := 0
	for _, k := range allFaultKinds {
		counted += h.sb.FaultCounts()[string(k)]
	}
	nonEmpty := 0
	for _, f := range faults {
		if f != "" {
			nonEmpty++
		}
	}
	if counted != nonEmpty || sumCounts(h.sb.FaultCounts()) != nonEmpty {
		t.Errorf("fault counts %v, %d faults logged", h.sb.FaultCounts(), nonEmpty)
	}
	return faults
}

func TestRandomFaultsRateAndSeed(t *testing.T) {
	const n, rate = 2000, 0.05
	first := soak(t, 42, n, rate)
	kinds := map[string]int{}
	for _, f := range first {
		if f != "" {
			kinds[f]++
		}
	}
	failed := sumCounts(kinds)
	// 100 expected, standard deviation about 10; the seed makes it fixed.
	if failed < 60 || failed > 140 {
		t.Errorf("%d of %d requests failed at rate %v", failed, n, rate)
	}
	for _, k := range allFaultKinds {
		if kinds[string(k)] == 0 {
			t.Errorf("no %s among %v", k, kinds)
		}
	}
	if again := soak(t, 42, n, rate); !slices.Equal(again, first) {
		t.Error("the same seed gave another sequence of faults")
	}
	if other := soak(t, 43, n, rate); slices.Equal(other, first) {
		t.Error("another seed gave the same sequence of faults")
	}
}

func TestRandomCutAfterCommitCommits(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.org.SetTracking(product, true)
	h.sb.SetRandomFaults(RandomFaults{Rate: 1, Kinds: []FaultKind{FaultCutAfterCommit}})
	if status, _, err := h.try("PUT", "/organizations/self/inventory", h.move(product, v[0], 3)); err == nil {
		t.Errorf("got an answer (%d) through a cut connection", status)
	}
	if b := h.org.Balance(Store, product, v[0]); b != 3 {
		t.Errorf("balance %v after a cut after commit, want 3", b)
	}
	if log := h.sb.Requests(); len(log) != 1 || log[0].Fault != string(FaultCutAfterCommit) || !log[0].RandomFault || log[0].Status != 200 {
		t.Errorf("request log %+v", log)
	}
	if m := h.org.Movements(); len(m) != 1 || m[0].Route != "PUT /organizations/{org}/inventory" {
		t.Errorf("movements %+v", m)
	}
}

func TestRandomCutBeforeCommitChangesNothing(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.sb.SetRandomFaults(RandomFaults{Rate: 1, Kinds: []FaultKind{FaultCutBeforeCommit}})
	if status, _, err := h.try("POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 3)); err == nil {
		t.Errorf("got an answer (%d) through a cut connection", status)
	}
	if h.org.IsTracked(product) || h.org.Balance(Store, product, v[0]) != 0 || len(h.org.Movements()) != 0 {
		t.Error("a request cut before commit changed the model")
	}
	if log := h.sb.Requests(); len(log) != 1 || log[0].Fault != string(FaultCutBeforeCommit) || !log[0].RandomFault || log[0].Status != 0 {
		t.Errorf("request log %+v", log)
	}
	if counts := h.sb.FaultCounts(); len(counts) != 1 || counts[string(FaultCutBeforeCommit)] != 1 {
		t.Errorf("fault counts %v", counts)
	}
}

func TestGivenCutBeforeCommit(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.sb.InjectFault(Fault{Method: "POST", Route: "/organizations/{org}/v2/inventory/bulk", CutBeforeCommit: true})
	if status, _, err := h.try("POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 3)); err == nil {
		t.Errorf("got an answer (%d) through a cut connection", status)
	}
	if h.org.IsTracked(product) || h.org.Balance(Store, product, v[0]) != 0 {
		t.Error("a request cut before commit changed the model")
	}
	if log := h.sb.Requests(); len(log) != 1 || log[0].Fault != "connection cut before commit" || log[0].RandomFault || log[0].Status != 0 {
		t.Errorf("request log %+v", log)
	}
	// The fault is used up: the same request now goes through.
	if status, _, err := h.try("POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 3)); err != nil || status != 200 {
		t.Errorf("after the fault: %d %v", status, err)
	}
	if h.sb.FaultCounts()["connection cut before commit"] != 1 {
		t.Errorf("fault counts %v", h.sb.FaultCounts())
	}
}

// TestRandomFaultsUnderLoad sends requests from several goroutines while the
// setting changes, for the race detector; every committed movement is in the
// ledger and every logged fault is counted.
func TestRandomFaultsUnderLoad(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.org.SetTracking(product, true)
	h.sb.SetRandomFaults(RandomFaults{Rate: 0.3, Seed: 1, RetryAfter: "0"})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				if g == 0 && i%10 == 0 {
					h.sb.SetRandomFaults(RandomFaults{Rate: 0.3, Seed: int64(i), RetryAfter: "0"})
					_ = h.sb.FaultCounts()
				}
				if i%2 == 0 {
					_, _, _ = h.try("PUT", "/organizations/self/inventory", h.move(product, v[0], 1))
				} else {
					_, _, _ = h.try("GET", "/organizations/self/inventory", "")
				}
			}
		}()
	}
	wg.Wait()
	log := h.sb.Requests()
	faults, committed := 0, 0
	for _, r := range log {
		if r.Fault != "" {
			faults++
		}
		if r.Method == "PUT" && r.Status == 200 {
			committed++
		}
	}
	if len(log) != 8*40 || faults == 0 || sumCounts(h.sb.FaultCounts()) != faults {
		t.Errorf("%d requests logged, %d with faults, counts %v", len(log), faults, h.sb.FaultCounts())
	}
	if m := len(h.org.Movements()); m != committed || h.org.Balance(Store, product, v[0]) != float64(committed) {
		t.Errorf("%d movements, balance %v, %d PUTs committed", m, h.org.Balance(Store, product, v[0]), committed)
	}
}

func TestSetRandomFaultsRefusesUnknownKinds(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for an unknown kind")
		}
	}()
	New().SetRandomFaults(RandomFaults{Rate: 0.1, Kinds: []FaultKind{"HTTP 418"}})
}

func TestRetryAfterDatePassesThrough(t *testing.T) {
	h := newHarness(t)
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	h.sb.InjectFault(Fault{Method: "GET", Route: "/organizations/{org}/locations", Status: 429, RetryAfter: date})
	h.sb.InjectFault(Fault{Method: "GET", Route: "/organizations/{org}/locations", Status: 503, RetryAfter: date})
	for _, want := range []int{429, 503} {
		status, retryAfter, err := h.try("GET", "/organizations/self/locations", "")
		if err != nil || status != want || retryAfter != date {
			t.Errorf("%d Retry-After %q (%v), want %d Retry-After %q", status, retryAfter, err, want, date)
		}
		if _, err := http.ParseTime(retryAfter); err != nil {
			t.Errorf("Retry-After %q is not an HTTP date: %v", retryAfter, err)
		}
	}
	// Random 429s pass a date through too.
	h.sb.SetRandomFaults(RandomFaults{Rate: 1, Kinds: []FaultKind{FaultTooManyRequests}, RetryAfter: date})
	if status, retryAfter, _ := h.try("GET", "/organizations/self/locations", ""); status != 429 || retryAfter != date {
		t.Errorf("random 429: %d Retry-After %q, want %q", status, retryAfter, date)
	}
}
