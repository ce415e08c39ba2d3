package zettle

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestParseLinks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []string
		next   string // the rel="next" target, "" for none
	}{
		{"one link", []string{`<https://a.test/p?cursor=2>; rel="next"`}, "https://a.test/p?cursor=2"},
		{"unquoted rel", []string{`<https://a.test/n>;rel=next`}, "https://a.test/n"},
		{"rel in capitals", []string{`<https://a.test/n>; REL="NEXT"`}, "https://a.test/n"},
		{"several links in one header", []string{`<https://a.test/p>; rel="prev", <https://a.test/n>; rel="next", <https://a.test/l>; rel="last"`}, "https://a.test/n"},
		{"several header lines", []string{`<https://a.test/p>; rel="prev"`, `<https://a.test/n>; rel="next"`}, "https://a.test/n"},
		{"rel with several values", []string{`<https://a.test/n>; rel="last next"`}, "https://a.test/n"},
		{"commas and semicolons in quotes and targets", []string{`<https://a.test/x?a=1,2;b>; title="a, b; rel=\"next\""; rel="prev", <https://a.test/n?c=3,4>; title="x,y"; rel="next"`}, "https://a.test/n?c=3,4"},
		{"first rel wins", []string{`<https://a.test/n>; rel="prev"; rel="next"`}, ""},
		{"no next", []string{`<https://a.test/p>; rel="prev"`}, ""},
		{"no header", nil, ""},
		{"empty value", []string{` , `}, ""},
		{"parameter without value", []string{`<https://a.test/n>; crossorigin; rel=next`}, "https://a.test/n"},
		{"next-page is not next", []string{`<https://a.test/n>; rel="next-page"`}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			links, err := parseLinks(tc.values)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, l := range links {
				if l.hasRel("next") {
					got = l.target
					break
				}
			}
			if got != tc.next {
				t.Errorf("next %q, want %q (links %+v)", got, tc.next, links)
			}
		})
	}
	for _, bad := range []string{`https://a.test/n; rel=next`, `<https://a.test/n; rel=next`, `<https://a.test/n>; rel="next`, `<https://a.test/n> rel=next`, `<https://a.test/n>; =next`} {
		if links, err := parseLinks([]string{bad}); err == nil {
			t.Errorf("%s: parsed as %+v, want an error", bad, links)
		}
	}
}

func TestNextPageStaysOnTheAPIHost(t *testing.T) {
	c, err := New(Config{InventoryURL: "https://inventory.test/base", Tokens: StaticToken("t")})
	if err != nil {
		t.Fatal(err)
	}
	from, _ := url.Parse("https://inventory.test/base/organizations/self/locations?type=STORE")
	for link, want := range map[string]string{
		`<https://inventory.test/base/x?cursor=1>; rel="next"`: "https://inventory.test/base/x?cursor=1",
		`<https://INVENTORY.test/x>; rel="next"`:               "https://INVENTORY.test/x",
		`</base/y?cursor=2>; rel="next"`:                       "https://inventory.test/base/y?cursor=2",
		`<?cursor=3>; rel="next"`:                              "https://inventory.test/base/organizations/self/locations?cursor=3",
		`<z#frag>; rel="next"`:                                 "https://inventory.test/base/organizations/self/z",
		`<https://evil.test/x>; rel="next"`:                    "leaves the API",
		`<//evil.test/x>; rel="next"`:                          "leaves the API",
		`<http://inventory.test/x>; rel="next"`:                "leaves the API",
		`<https://inventory.test:8443/x>; rel="next"`:          "leaves the API",
		`<https://user:pw@inventory.test/x>; rel="next"`:       "leaves the API",
	} {
		next, err := nextPage("list locations", 200, http.Header{"Link": {link}}, c.baseURL, from)
		got := ""
		if err != nil {
			got = err.Error()
			if strings.Contains(got, "pw") {
				t.Errorf("%s: the error shows the link's password: %s", link, got)
			}
		} else if next != nil {
			got = next.String()
		}
		if !strings.Contains(got, want) || (err != nil && !strings.HasPrefix(got, "list locations: HTTP 200: ")) {
			t.Errorf("%s: got %q, want %q", link, got, want)
		}
	}
}

// The Link parser reads what any server sends: it never panics, and a link
// it finds has a target free of the brackets that delimit it.
func FuzzParseLinks(f *testing.F) {
	for _, seed := range []string{
		`<https://a.test/n>; rel="next"`,
		`<https://a.test/p>; rel=prev, <https://a.test/n>; title="a, b"; rel="last next"`,
		`<x>; rel="\"next\\"`, `<`, `<>`, `;`, `<a>;`, `<a>; rel=`, `<a>; rel="`, `,,,`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		links, err := parseLinks([]string{header})
		if err != nil {
			return
		}
		for _, l := range links {
			if strings.ContainsAny(l.target, "<>") {
				t.Errorf("%q: target %q holds a bracket", header, l.target)
			}
			l.hasRel("next")
		}
	})
}

func TestNextPageOfTheLibraryStaysOnItsHost(t *testing.T) {
	c, err := New(Config{InventoryURL: "https://inventory.test", ProductsURL: "https://products.test", Tokens: StaticToken("t")})
	if err != nil {
		t.Fatal(err)
	}
	from, _ := url.Parse("https://products.test/organizations/self/library")
	next, err := nextPage("read the product library", 200, http.Header{"Link": {`<https://products.test/organizations/self/library?limit=500&offset=500>; rel="next"`}}, c.productsURL, from)
	if err != nil || next.String() != "https://products.test/organizations/self/library?limit=500&offset=500" {
		t.Errorf("a next page on the products host: %v, %v; want it followed as it is", next, err)
	}
	// The inventory's host is another API: the token does not go there
	// from a library page either.
	if _, err := nextPage("read the product library", 200, http.Header{"Link": {`<https://inventory.test/x>; rel="next"`}}, c.productsURL, from); err == nil ||
		!strings.Contains(err.Error(), "leaves the API at https://products.test") {
		t.Errorf("a next page on the inventory host: %v; want it refused", err)
	}
}
