package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var linkNext = regexp.MustCompile(`^<([^>]*)>; rel="next"$`)

// pages sends a request and follows its Link rel="next" headers to the end,
// sending the same method and body to each, and returns every page's body.
func (h *harness) pages(method, path, body string) []string {
	h.t.Helper()
	var out []string
	for target := h.url + path; ; {
		if len(out) > 50 {
			h.t.Fatalf("%s %s: more than 50 pages", method, path)
		}
		resp, raw := h.send(h.org.Token, method, strings.TrimPrefix(target, h.url), body, nil)
		if resp.StatusCode != http.StatusOK {
			h.t.Fatalf("%s %s: %d %s", method, target, resp.StatusCode, raw)
		}
		out = append(out, raw)
		link := resp.Header.Get("Link")
		if link == "" {
			return out
		}
		m := linkNext.FindStringSubmatch(link)
		if m == nil || !strings.HasPrefix(m[1], h.url+"/") {
			h.t.Fatalf("%s %s: Link %q is not an absolute URL of the sandbox with rel=\"next\"", method, target, link)
		}
		target = m[1]
	}
}

type lookupPageBody struct {
	LocationUUID    string   `json:"locationUuid"`
	TrackedProducts []string `json:"trackedProducts"`
	Variants        []struct {
		ProductUUID string `json:"productUuid"`
		VariantUUID string `json:"variantUuid"`
		Balance     string `json:"balance"`
	} `json:"variants"`
}

// trackWithStock tracks n products of two variants, each variant with stock.
func (h *harness) trackWithStock(n int) map[string][]string {
	products := map[string][]string{}
	for range n {
		p, v := h.org.AddProduct(2)
		h.org.SetTracking(p, true)
		for _, variant := range v {
			if err := h.org.Restock(p, variant, 3); err != nil {
				h.t.Fatal(err)
			}
		}
		products[p] = v
	}
	return products
}

func TestPagingOfLocations(t *testing.T) {
	h := newHarness(t)
	h.sb.SetPageSize(3)
	pages := h.pages("GET", "/organizations/self/locations", "")
	var all []string
	for i, raw := range pages {
		var page []location
		if err := json.Unmarshal([]byte(raw), &page); err != nil {
			t.Fatal(err)
		}
		if len(page) > 3 || len(page) == 0 {
			t.Errorf("page %d holds %d locations", i, len(page))
		}
		for _, l := range page {
			all = append(all, l.Type)
		}
	}
	slices.Sort(all)
	if len(pages) != 2 || fmt.Sprint(all) != "[BIN SOLD STORE SUPPLIER]" {
		t.Errorf("%d pages, locations %v; want 2 pages and the four locations", len(pages), all)
	}
}

func TestPagingOfBalanceLookups(t *testing.T) {
	h := newHarness(t)
	products := h.trackWithStock(7)
	untracked, _ := h.org.AddProduct(1)
	h.sb.SetPageSize(3)
	store := h.org.Location(Store)
	var requested []string
	for p := range products {
		requested = append(requested, p)
	}
	lookup, _ := json.Marshal(map[string]any{"locationType": Store, "productUuids": append(requested, untracked)})

	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/organizations/self/inventory/locations/" + store, ""},
		{"GET", "/organizations/self/inventory/locations?type=STORE", ""},
		{"GET", "/organizations/self/inventory", ""},
		{"POST", "/organizations/self/inventory/products", string(lookup)},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			h.t = t
			pages := h.pages(tc.method, tc.path, tc.body)
			if len(pages) != 3 {
				t.Errorf("%d pages, want 3 for 7 products by 3", len(pages))
			}
			tracked := map[string]int{}
			variants := map[string]int{}
			for i, raw := range pages {
				var page lookupPageBody
				if err := json.Unmarshal([]byte(raw), &page); err != nil {
					t.Fatal(err)
				}
				if page.LocationUUID != store || len(page.TrackedProducts) > 3 {
					t.Errorf("page %d: location %s, %d products", i, page.LocationUUID, len(page.TrackedProducts))
				}
				for _, p := range page.TrackedProducts {
					tracked[p]++
				}
				for _, v := range page.Variants {
					if !slices.Contains(page.TrackedProducts, v.ProductUUID) {
						t.Errorf("page %d lists a variant of product %s, which is on another page", i, v.ProductUUID)
					}
					if v.Balance != "3" {
						t.Errorf("variant %s: balance %s, want 3", v.VariantUUID, v.Balance)
					}
					variants[v.VariantUUID]++
				}
			}
			for p, vs := range products {
				if tracked[p] != 1 {
					t.Errorf("product %s listed %d times, want once", p, tracked[p])
				}
				for _, v := range vs {
					if variants[v] != 1 {
						t.Errorf("variant %s listed %d times, want once", v, variants[v])
					}
				}
			}
			if len(tracked) != len(products) {
				t.Errorf("%d products listed, want %d", len(tracked), len(products))
			}
		})
	}
}

func TestPagingOfLowStockReads(t *testing.T) {
	h, store, write, read := newLowStockHarness(t)
	for range 5 {
		p, v := h.org.AddProduct(1)
		h.expectStatus(http.StatusNoContent, "PUT", write, setting(p, v[0], `,"lowStockAlert": true`))
	}
	wide, variants := h.org.AddProduct(3)
	for _, v := range variants {
		h.expectStatus(http.StatusNoContent, "PUT", write, setting(wide, v, `,"lowStockLevel": 2`))
	}
	h.sb.SetPageSize(2)

	pages := h.pages("GET", read, "")
	listed := map[string]int{}
	for _, raw := range pages {
		var page struct {
			LocationUUID string            `json:"locationUuid"`
			Products     []lowStockProduct `json:"customLowStockLevelsForProducts"`
		}
		if err := json.Unmarshal([]byte(raw), &page); err != nil {
			t.Fatal(err)
		}
		if page.LocationUUID != store || len(page.Products) > 2 {
			t.Errorf("page at %s with %d products", page.LocationUUID, len(page.Products))
		}
		for _, p := range page.Products {
			listed[p.ProductUUID] += len(p.Variants)
		}
	}
	if len(pages) != 3 || len(listed) != 6 || listed[wide] != 3 {
		t.Errorf("%d pages listing %v; want 3 pages, 6 products, 3 variants of %s", len(pages), listed, wide)
	}

	pages = h.pages("GET", read+"/products/"+wide, "")
	var got []string
	for _, raw := range pages {
		var page lowStockProduct
		if err := json.Unmarshal([]byte(raw), &page); err != nil {
			t.Fatal(err)
		}
		if page.ProductUUID != wide || len(page.Variants) > 2 {
			t.Errorf("page of product %s with %d variants", page.ProductUUID, len(page.Variants))
		}
		for _, v := range page.Variants {
			got = append(got, v.VariantUUID)
		}
	}
	slices.Sort(got)
	if len(pages) != 2 || !slices.Equal(got, slices.Sorted(slices.Values(variants))) {
		t.Errorf("%d pages listing variants %v, want 2 pages listing %v", len(pages), got, variants)
	}
}

func TestPagingDefaultIsOnePage(t *testing.T) {
	h := newHarness(t)
	h.trackWithStock(7)
	resp, raw := h.send(h.org.Token, "GET", "/organizations/self/inventory/locations?type=STORE", "", nil)
	var page lookupPageBody
	_ = json.Unmarshal([]byte(raw), &page)
	if link := resp.Header.Get("Link"); link != "" || len(page.TrackedProducts) != 7 {
		t.Errorf("Link %q and %d products, want no Link and all 7 at the default page size of %d", link, len(page.TrackedProducts), DefaultPageSize)
	}
}

func TestPagingRefusesBadCursors(t *testing.T) {
	h := newHarness(t)
	p, _ := h.org.AddProduct(1)
	h.org.SetTracking(p, true)
	lookup := fmt.Sprintf(`{"locationType": "STORE", "productUuids": [%q]}`, p)
	store := h.org.Location(Store)
	for _, cursor := range []string{"garbage!", "b2Zmc2V0Oi0x" /* offset:-1 */, "b2Zmc2V0OjAx" /* offset:01 */, "MTI" /* 12 */} {
		for _, tc := range []struct{ method, path, body string }{
			{"GET", "/organizations/self/locations", ""},
			{"GET", "/organizations/self/inventory/locations/" + store, ""},
			{"GET", "/organizations/self/inventory/locations?type=STORE", ""},
			{"GET", "/organizations/self/inventory", ""},
			{"POST", "/organizations/self/inventory/products", lookup},
			{"GET", "/custom-low-stock/v2/locations/" + store, ""},
			{"GET", "/custom-low-stock/v2/locations/" + store + "/products/" + p, ""},
		} {
			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			h.expectError(http.StatusBadRequest, tc.method, tc.path+sep+"cursor="+cursor, tc.body, "not a valid page cursor")
		}
	}
	// A cursor past the end of a list that shrank is an empty last page.
	h.sb.SetPageSize(1)
	resp, raw := h.send(h.org.Token, "GET", "/organizations/self/inventory?cursor="+encodeCursor(5), "", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Link") != "" || !strings.Contains(raw, `"trackedProducts":[]`) {
		t.Errorf("cursor past the end: %d, Link %q, %s", resp.StatusCode, resp.Header.Get("Link"), raw)
	}
}

func TestFaultOmitsProductFromLookup(t *testing.T) {
	h := newHarness(t)
	products := h.trackWithStock(3)
	var omitted string
	for p := range products {
		omitted = p
		break
	}
	h.sb.InjectFault(Fault{Method: "GET", Route: "/organizations/{org}/inventory/locations", OmitProduct: omitted})
	for i, want := range []int{2, 3} {
		_, raw, _ := h.call("GET", "/organizations/self/inventory/locations?type=STORE", "")
		var page lookupPageBody
		_ = json.Unmarshal([]byte(raw), &page)
		if len(page.TrackedProducts) != want || (want == 2 && strings.Contains(raw, omitted)) {
			t.Errorf("lookup %d: %s; want %d products", i, raw, want)
		}
	}
	if log := h.sb.Requests(); log[0].Fault != "omitted product "+omitted || log[1].Fault != "" {
		t.Errorf("request log faults %q, %q", log[0].Fault, log[1].Fault)
	}
}
