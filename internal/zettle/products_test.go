package zettle_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

const libraryRoute = "GET /organizations/{org}/library"

func TestLibraryIsReadOncePageByPage(t *testing.T) {
	c, sb, org := zettletest.NewClient(t, zettle.Config{}, sandbox.OrgSpec{})
	for range 7 {
		org.AddProduct(2)
	}
	sb.SetPageSize(2)
	if _, ok := c.CachedLibrary(); ok {
		t.Fatal("CachedLibrary before any read: want nothing")
	}
	for range 3 {
		lib, err := c.Library(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(lib) != 7 || len(lib[6].Variants) != 2 {
			t.Fatalf("Library: %d products, want 7 of 2 variants", len(lib))
		}
	}
	if n := sb.RequestCount(libraryRoute); n != 4 {
		t.Errorf("three Library calls sent %d requests, want the 4 pages once", n)
	}
	if lib, ok := c.CachedLibrary(); !ok || len(lib) != 7 {
		t.Errorf("CachedLibrary after a read: %d products, %v; want 7", len(lib), ok)
	}
}

func TestLibraryRefusalNamesTheOperationAndStatus(t *testing.T) {
	c, _, _ := zettletest.NewClient(t, zettle.Config{}, sandbox.OrgSpec{Scopes: []string{sandbox.ScopeWriteProduct}})
	_, err := c.Library(t.Context())
	var apiErr *zettle.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || !strings.Contains(err.Error(), "read the product library: HTTP 403") ||
		!strings.Contains(err.Error(), "READ:PRODUCT") {
		t.Errorf("Library without READ:PRODUCT: %v; want the operation, HTTP 403 and the scope", err)
	}
	if _, ok := c.CachedLibrary(); ok {
		t.Error("a failed read must not be kept")
	}
}

func TestProductFilter(t *testing.T) {
	coffee := &zettle.Category{UUID: "c1", Name: "Coffee"}
	library := []zettle.Product{
		{UUID: "p1", Name: "Beans", Category: coffee, Variants: []zettle.Variant{{UUID: "v1", SKU: "B-250", Barcode: "111"}, {UUID: "v2", SKU: "B-1000", Barcode: "222"}}},
		{UUID: "p2", Name: "Espresso", Category: coffee, Variants: []zettle.Variant{{UUID: "v3", SKU: "E-500", Barcode: "333"}}},
		{UUID: "p3", Name: "Beans", Variants: []zettle.Variant{{UUID: "v4", SKU: "X", Barcode: "111"}}},
	}
	for _, c := range []struct {
		filter zettle.ProductFilter
		want   string
	}{
		{zettle.ProductFilter{}, "p1 p2 p3"},
		{zettle.ProductFilter{Name: "Beans"}, "p1 p3"},
		{zettle.ProductFilter{Name: "beans"}, ""},
		{zettle.ProductFilter{Category: "Coffee"}, "p1 p2"},
		{zettle.ProductFilter{Category: "Coffee", Name: "Beans"}, "p1"},
		{zettle.ProductFilter{SKU: "B-1000"}, "p1"},
		{zettle.ProductFilter{Barcode: "111"}, "p1 p3"},
		// SKU and barcode must hold of one variant.
		{zettle.ProductFilter{SKU: "B-1000", Barcode: "111"}, ""},
		{zettle.ProductFilter{SKU: "B-250", Barcode: "111"}, "p1"},
		{zettle.ProductFilter{UUID: "P2"}, "p2"},
		{zettle.ProductFilter{UUID: "p2", Name: "Beans"}, ""},
	} {
		var got []string
		for _, p := range c.filter.Filter(library) {
			got = append(got, p.UUID)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%+v picks %q, want %q", c.filter, got, c.want)
		}
	}
}

func TestLibraryGoesToTheProductsHost(t *testing.T) {
	sb := sandbox.New()
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	org := sb.AddOrganization(sandbox.OrgSpec{})
	org.AddProduct(1)
	products := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	c, err := zettle.New(zettle.Config{InventoryURL: srv.URL, ProductsURL: products, Tokens: zettle.StaticToken(org.Token), APIVersion: zettle.APIVersionV2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Library(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CachedLocations(t.Context()); err != nil {
		t.Fatal(err)
	}
	inventoryHost, productsHost := strings.TrimPrefix(srv.URL, "http://"), strings.TrimPrefix(products, "http://")
	for _, r := range sb.Requests() {
		want := inventoryHost
		if r.Route == libraryRoute {
			want = productsHost
		}
		if r.Host != want {
			t.Errorf("%s went to %s, want %s", r.Route, r.Host, want)
		}
	}
	if len(sb.Requests()) != 2 {
		t.Errorf("%d requests, want the library's and the locations'", len(sb.Requests()))
	}
}

// The guides' figure: Zettle's 500 products to a page make a catalogue of
// 2,000 products four requests.
func TestLibraryOf2000ProductsIsFourPages(t *testing.T) {
	c, sb, org := zettletest.NewClient(t, zettle.Config{}, sandbox.OrgSpec{})
	for range 2000 {
		org.AddProduct(1)
	}
	lib, err := c.Library(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(lib) != 2000 || sb.RequestCount(libraryRoute) != 4 {
		t.Errorf("%d products in %d requests, want 2000 in 4", len(lib), sb.RequestCount(libraryRoute))
	}
}
