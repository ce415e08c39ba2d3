package zettle_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

const (
	createProductRoute  = "POST /organizations/{org}/products"
	updateProductRoute  = "PUT /organizations/{org}/products/v2/{product}"
	deleteProductsRoute = "DELETE /organizations/{org}/products"
	readProductRoute    = "GET /organizations/{org}/products/{product}"
)

func newProduct(t *testing.T, variants ...string) zettle.Product {
	t.Helper()
	id, err := zettle.NewLibraryUUID()
	if err != nil {
		t.Fatal(err)
	}
	p := zettle.Product{UUID: id, Name: "Beans"}
	for _, sku := range variants {
		v, _ := zettle.NewLibraryUUID()
		p.Variants = append(p.Variants, zettle.Variant{UUID: v, Name: sku, SKU: sku, Price: &zettle.Price{Amount: 4990, Currency: "SEK"}})
	}
	return p
}

func TestCreateProductAfterALostAnswerIsMadeOnce(t *testing.T) {
	c, sb, org := zettletest.NewClient(t, zettle.Config{Retries: zettletest.FastRetries}, sandbox.OrgSpec{})
	sb.InjectFault(sandbox.Fault{Method: "POST", Route: "/organizations/{org}/products", CutAfterCommit: true})
	p := newProduct(t, "B-250")
	if err := c.CreateProduct(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if n := len(org.LibraryProducts()); n != 1 {
		t.Errorf("%d products, want 1", n)
	}
	if sb.RequestCount(createProductRoute) != 1 || sb.RequestCount(readProductRoute) != 1 {
		t.Errorf("%d creates and %d reads, want one create, found by one read", sb.RequestCount(createProductRoute), sb.RequestCount(readProductRoute))
	}
}

func TestCreateProductCutBeforeCommitIsSentAgain(t *testing.T) {
	c, sb, org := zettletest.NewClient(t, zettle.Config{Retries: zettletest.FastRetries}, sandbox.OrgSpec{})
	sb.InjectFault(sandbox.Fault{Method: "POST", Route: "/organizations/{org}/products", Status: 503})
	if err := c.CreateProduct(t.Context(), newProduct(t, "B-250")); err != nil {
		t.Fatal(err)
	}
	if n := len(org.LibraryProducts()); n != 1 || sb.RequestCount(createProductRoute) != 2 {
		t.Errorf("%d products after %d creates, want 1 after 2 (the 503, then the create)", n, sb.RequestCount(createProductRoute))
	}
}

func TestUpdateProductSendsOnlyWhatChangedAndRefusesAConflict(t *testing.T) {
	c, sb, org := zettletest.NewClient(t, zettle.Config{}, sandbox.OrgSpec{})
	was := newProduct(t, "B-250", "B-1000")
	if err := c.CreateProduct(t.Context(), was); err != nil {
		t.Fatal(err)
	}
	want := was
	want.Name = "House beans"
	if err := c.UpdateProduct(t.Context(), was, want); err != nil {
		t.Fatal(err)
	}
	if p := org.LibraryProducts()[0]; p.Name != "House beans" || len(p.Variants) != 2 {
		t.Fatalf("after the update: %+v", p)
	}
	reqs := sb.Requests()
	if last := reqs[len(reqs)-1]; last.Route != updateProductRoute || last.Body != `{"name":"House beans"}` {
		t.Errorf("the update sent %s %q, want only the name", last.Route, last.Body)
	}
	// Nothing changed: nothing sent.
	sb.ResetRequests()
	if err := c.UpdateProduct(t.Context(), want, want); err != nil || sb.RequestCount(updateProductRoute) != 0 {
		t.Errorf("an update to the same product: %v, %d PUTs; want none", err, sb.RequestCount(updateProductRoute))
	}
	// Edited in the back office since it was read: refused, not overwritten.
	org.EditLibraryProduct(want.UUID, func(p *sandbox.Product) { p.Variants[0].Price.Amount = 5990 })
	again := want
	again.Description = "Dark roast"
	err := c.UpdateProduct(t.Context(), want, again)
	if !errors.Is(err, zettle.ErrProductChanged) {
		t.Fatalf("update after a back-office edit: %v, want ErrProductChanged", err)
	}
	if p := org.LibraryProducts()[0]; p.Description != "" || p.Variants[0].Price.Amount != 5990 {
		t.Errorf("the product %+v, want the edit kept and nothing else", p)
	}
}

func TestDeleteProductsShareABulkRequest(t *testing.T) {
	c, sb, org := zettletest.NewClient(t, zettle.Config{Batching: zettletest.BatchOf(3)}, sandbox.OrgSpec{})
	var ids []string
	for range 3 {
		id, _ := org.AddProduct(1)
		ids = append(ids, id)
	}
	errs := make(chan error, 3)
	for _, id := range ids {
		go func() { errs <- c.DeleteProduct(t.Context(), id) }()
	}
	for range ids {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := sb.RequestCount(deleteProductsRoute); n != 1 || len(org.LibraryProducts()) != 0 {
		t.Errorf("%d bulk deletes, %d products left; want 1 and none", n, len(org.LibraryProducts()))
	}
}

func TestMinorUnitsAreExact(t *testing.T) {
	for _, c := range []struct {
		amount, currency string
		minor            int64
		fails            bool
	}{
		{"49.90", "SEK", 4990, false}, {"49.905", "SEK", 0, true}, {"1500", "JPY", 1500, false}, {"1500.5", "JPY", 0, true},
		{"0.1", "GBP", 10, false}, {"-1", "SEK", 0, true}, {"12.345", "KWD", 12345, false}, {"1", "EURO", 0, true},
	} {
		got, err := zettle.ToMinorUnits(decimal.RequireFromString(c.amount), c.currency)
		if (err != nil) != c.fails || got != c.minor {
			t.Errorf("%s %s: %d, %v; want %d (fails %v)", c.amount, c.currency, got, err, c.minor, c.fails)
		}
		if !c.fails {
			back, _ := zettle.FromMinorUnits(got, c.currency)
			if !back.Equal(decimal.RequireFromString(c.amount)) {
				t.Errorf("%d %s back is %s, want %s", got, c.currency, back, c.amount)
			}
		}
	}
}

func TestOrganizationCurrencyIsReadOnce(t *testing.T) {
	c, sb, _ := zettletest.NewClient(t, zettle.Config{}, sandbox.OrgSpec{Currency: "NOK"})
	for range 3 {
		org, err := c.Organization(t.Context())
		if err != nil || org.Currency != "NOK" {
			t.Fatalf("Organization: %+v, %v; want NOK", org, err)
		}
	}
	if n := sb.RequestCount("GET /api/resources/organizations/{org}"); n != 1 {
		t.Errorf("%d reads, want 1", n)
	}
}

// editBeforeUpdate is a transport that edits the product in the back office
// just before an update reaches the Product Library, after the client read
// it: only the ETag can tell.
type editBeforeUpdate struct {
	org *sandbox.Org
	id  string
}

func (e editBeforeUpdate) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut {
		e.org.EditLibraryProduct(e.id, func(p *sandbox.Product) { p.Name = "Edited in the back office" })
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestUpdateProductIsGuardedByItsETag(t *testing.T) {
	p := newProduct(t, "B-250")
	transport := &editBeforeUpdate{id: p.UUID}
	c, sb, org := zettletest.NewClient(t, zettle.Config{HTTPClient: &http.Client{Transport: transport}}, sandbox.OrgSpec{})
	transport.org = org
	if err := c.CreateProduct(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	want := p
	want.Description = "Dark roast"
	err := c.UpdateProduct(t.Context(), p, want)
	if !errors.Is(err, zettle.ErrProductChanged) || zettle.StatusOf(err) != http.StatusPreconditionFailed {
		t.Fatalf("update racing a back-office edit: %v, want HTTP 412 and ErrProductChanged", err)
	}
	if got := org.LibraryProducts()[0]; got.Name != "Edited in the back office" || got.Description != "" {
		t.Errorf("the product %+v, want the edit kept", got)
	}
	if n := sb.RequestCount(updateProductRoute); n != 1 {
		t.Errorf("%d updates, want the one refused, never sent again", n)
	}
}
