package stock_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/zettle-community/terraform-provider-zettle/internal/stock"
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
