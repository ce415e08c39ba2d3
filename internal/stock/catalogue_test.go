package stock_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

func TestATrackedProductIsNotDeletable(t *testing.T) {
	tr, _, org := newSandboxClient(t)
	product, _ := org.AddProduct(1)
	if err := tr.CheckDeletable(t.Context(), product); err != nil {
		t.Errorf("an untracked product: %v, want deletable", err)
	}
	org.SetTracking(product, true)
	var tracked *stock.TrackedProductError
	if err := tr.CheckDeletable(t.Context(), product); !errors.As(err, &tracked) {
		t.Errorf("a tracked product: %v, want TrackedProductError", err)
	}
	if err := tr.CheckDeletable(t.Context(), uuid.NewString()); err != nil {
		t.Errorf("a product the library does not have: %v, want deletable (deleted already)", err)
	}
}

func TestVariantsWithStockAreNotRemovable(t *testing.T) {
	tr, _, org := newSandboxClient(t)
	product, variants := org.AddProduct(3)
	if err := tr.CheckVariantsRemovable(t.Context(), product, variants); err != nil {
		t.Errorf("an untracked product's variants: %v, want removable", err)
	}
	org.SetTracking(product, true)
	if err := org.Restock(product, variants[1], 2); err != nil {
		t.Fatal(err)
	}
	if err := tr.CheckVariantsRemovable(t.Context(), product, []string{variants[0], variants[2]}); err != nil {
		t.Errorf("variants without stock: %v, want removable", err)
	}
	var held *stock.VariantStockError
	err := tr.CheckVariantsRemovable(t.Context(), product, variants)
	if !errors.As(err, &held) || len(held.Balances) != 1 || held.Balances[variants[1]].String() != "2" {
		t.Errorf("a variant holding 2: %v, want VariantStockError naming it", err)
	}
	if n := len(org.Movements()); n != 1 {
		t.Errorf("%d movements, want only the restock", n)
	}
}

// createdProduct creates a product of two variants in the library with the
// client, as zettle_product does.
func createdProduct(t *testing.T, tr *tracker) zettle.Product {
	t.Helper()
	ids := make([]string, 3)
	for i := range ids {
		var err error
		if ids[i], err = zettle.NewLibraryUUID(); err != nil {
			t.Fatal(err)
		}
	}
	price := &zettle.Price{Amount: 4990, Currency: "SEK"}
	p := zettle.Product{UUID: ids[0], Name: "Beans", Variants: []zettle.Variant{
		{UUID: ids[1], Name: "250 g", Price: price}, {UUID: ids[2], Name: "1 kg", Price: price},
	}}
	if err := tr.CreateProduct(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

const routeStockOfProduct = "GET /v3/stock/{inventory}/products/{product}"

// A product this run created was never tracked, so it has no saved levels:
// under v3, whose start answers no balances, its start moves the targets
// without reading the balances first. One it did not create is read.
func TestStartOfAProductCreatedThisRunReadsNoBalances(t *testing.T) {
	for _, createdHere := range []bool{true, false} {
		t.Run(fmt.Sprint("created here ", createdHere), func(t *testing.T) {
			tr, sb, org := newV3Tracker(t, zettle.Config{})
			p := createdProduct(t, tr)
			if createdHere {
				tr.ProductCreated(p.UUID)
			}
			v := p.Variants
			got, err := tr.StartTracking(t.Context(), stock.TrackingRequest{ProductUUID: p.UUID, InitialBalances: map[string]zettle.Quantity{
				v[0].UUID: zettle.QuantityOf(4), v[1].UUID: {},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if b := org.BalanceExact(sandbox.Store, p.UUID, v[0].UUID); b.String() != "4" || !got.Balances[v[0].UUID].Equal(zettle.QuantityOf(4)) {
				t.Errorf("balance %s, reported %v; want 4", b, got.Balances)
			}
			if n := len(org.Movements()); n != 1 {
				t.Errorf("%d movements, want the one of 4", n)
			}
			want := 1
			if createdHere {
				want = 0
			}
			if n := sb.RequestCount(routeStockOfProduct); n != want {
				t.Errorf("%d reads of the product's stock, want %d", n, want)
			}
		})
	}
}

// A product created this run that is tracked when its start comes (someone
// started it in the back office meanwhile) is refused as any other: the
// record of its creation never skips the check.
func TestAProductCreatedThisRunAndTrackedSinceIsRefused(t *testing.T) {
	tr, _, org := newTracker(t, zettle.Config{APIVersion: zettle.APIVersionV3}, stock.Config{HandoverWait: time.Millisecond}, sandbox.OrgSpec{})
	p := createdProduct(t, tr)
	tr.ProductCreated(p.UUID)
	org.SetTracking(p.UUID, true)
	var tracked *stock.AlreadyTrackedError
	_, err := tr.StartTracking(t.Context(), stock.TrackingRequest{ProductUUID: p.UUID, InitialBalances: map[string]zettle.Quantity{p.Variants[0].UUID: zettle.QuantityOf(4)}})
	if !errors.As(err, &tracked) {
		t.Fatalf("got %v, want AlreadyTrackedError", err)
	}
	if n := len(org.Movements()); n != 0 {
		t.Errorf("%d movements, want none", n)
	}
}
