package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPageSize is how many items a page of a list answer holds unless
// SetPageSize says otherwise.
const DefaultPageSize = 100

// cursorParam is the query parameter that names a page after the first.
const cursorParam = "cursor"

// SetPageSize makes every list answer come in pages of at most n items: for
// balance lookups, products (each with its variants); for locations,
// locations; for low-stock reads of a location, products; for the low-stock
// read of one product, its variants; for the v3 lists, their items
// (inventories, stock rows, tracking states); for the Product Library's
// library endpoint, products, which otherwise come 500 to a page. The next page is named by a
// `Link: <URL>; rel="next"` header, absent on the last page. n below 1 means
// DefaultPageSize.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 1 {
		n = DefaultPageSize
	}
	s.pageSize, s.pageSizeSet = n, true
}

// paged is one page of a list answer: the handler writes v, with a Link to
// next when it is not "".
type paged struct {
	v    any
	next string
}

// pageOf cuts the page the request's cursor names out of n items: the items
// [start, end), and the URL of the next page, "" on the last. A cursor that
// does not decode is a 400. The caller holds s.mu.
func (s *Server) pageOf(r *http.Request, n int) (start, end int, next string, herr *httpError) {
	size := s.pageSize
	if size < 1 {
		size = DefaultPageSize
	}
	if raw := r.URL.Query().Get(cursorParam); raw != "" {
		if start, herr = decodeCursor(raw); herr != nil {
			return 0, 0, "", herr
		}
	}
	// A list that shrank since the cursor was given ends here.
	start = min(start, n)
	end = min(start+size, n)
	if end < n {
		next = nextPageURL(r, end)
	}
	return start, end, next, nil
}

// Cursors are opaque to clients: an offset, encoded.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(raw string) (int, *httpError) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err == nil {
		if digits, ok := strings.CutPrefix(string(b), "offset:"); ok {
			if n, err := strconv.Atoi(digits); err == nil && n >= 0 && strconv.Itoa(n) == digits {
				return n, nil
			}
		}
	}
	return 0, badRequest("%s: %q is not a valid page cursor", cursorParam, raw)
}

// nextPageURL is the absolute URL of the page that starts at offset: the
// request's own URL, query included, with the cursor replaced.
func nextPageURL(r *http.Request, offset int) string {
	q := r.URL.Query()
	q.Set(cursorParam, encodeCursor(offset))
	return absoluteURL(r, r.URL.Path+"?"+q.Encode())
}

// absoluteURL makes a path (with its query, if any) absolute with the
// request's scheme and host.
func absoluteURL(r *http.Request, pathAndQuery string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	path, query, _ := strings.Cut(pathAndQuery, "?")
	u := url.URL{Scheme: scheme, Host: r.Host, Path: path, RawQuery: query}
	return u.String()
}

// writeLink names the next page in a Link header.
func writeLink(w http.ResponseWriter, next string) {
	w.Header().Set("Link", fmt.Sprintf("<%s>; rel=\"next\"", next))
}

// lookupPage answers one page of a balance lookup: the tracked products
// among products (all when nil), with their non-zero balances changed after
// since. A product the request's fault omits is left out, as a partial
// listing would leave it out.
//
// The documentation does not say how the POST lookup pages. The sandbox
// takes the reading hardest on a client: the next page is the same POST,
// with the same body, sent to the Link URL.
func (o *Org) lookupPage(r *http.Request, location string, products []string, since int64) (any, *httpError) {
	ans := o.lookup(location, products, since)
	if omit := omittedProduct(r); omit != "" {
		ans = ans.without(omit)
	}
	start, end, next, herr := o.s.pageOf(r, len(ans.TrackedProducts))
	if herr != nil {
		return nil, herr
	}
	page := ans.TrackedProducts[start:end]
	onPage := map[string]bool{}
	for _, p := range page {
		onPage[p] = true
	}
	variants := []variantBalance{}
	for _, v := range ans.Variants {
		if onPage[v.ProductUUID] {
			variants = append(variants, v)
		}
	}
	ans.TrackedProducts, ans.Variants = append([]string{}, page...), variants
	return paged{ans, next}, nil
}

// without leaves product out of a lookup answer.
func (a lookupAnswer) without(product string) lookupAnswer {
	out := a
	out.TrackedProducts = []string{}
	for _, p := range a.TrackedProducts {
		if p != product {
			out.TrackedProducts = append(out.TrackedProducts, p)
		}
	}
	out.Variants = []variantBalance{}
	for _, v := range a.Variants {
		if v.ProductUUID != product {
			out.Variants = append(out.Variants, v)
		}
	}
	return out
}
