package zettle_test

import (
	"context"
	"sync"
	"testing"

	"github.com/zettle-community/terraform-provider-zettle/internal/sandbox"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
	"github.com/zettle-community/terraform-provider-zettle/internal/zettle/zettletest"
)

func TestSharedLowStockReadsSeeTheClientsChanges(t *testing.T) {
	c, sb, org := newBatchingSandboxClient(t, zettle.DefaultBatching)
	ctx := context.Background()
	store := org.Location(sandbox.Store)
	product, v := org.AddProduct(2)
	refs := []zettle.VariantRef{{ProductUUID: product, VariantUUID: v[0]}, {ProductUUID: product, VariantUUID: v[1]}}
	found := func(ref zettle.VariantRef) bool {
		t.Helper()
		_, ok, err := c.VariantLowStock(ctx, store, ref)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}

	if found(refs[0]) || found(refs[1]) {
		t.Error("settings found before any was set")
	}
	level := 3.0
	if err := c.ApplyLowStock(ctx, store, zettle.LowStock{ProductUUID: product, VariantUUID: v[0], Level: &level, Alert: true}); err != nil {
		t.Fatal(err)
	}
	if !found(refs[0]) || found(refs[1]) {
		t.Error("after set: wrong settings")
	}
	if err := c.ResetLowStock(ctx, store, refs[0]); err != nil {
		t.Fatal(err)
	}
	if found(refs[0]) {
		t.Error("still set after reset")
	}
	if got := sb.RequestCount(zettletest.RouteReadLowStock); got != 3 {
		t.Errorf("%d location-wide low-stock reads, want 3 (one per state)", got)
	}
	// A lone write in a batching client uses the single endpoint.
	if set, del := sb.RequestCount(zettletest.RouteSetLowStock), sb.RequestCount(zettletest.RouteDeleteLowStock); set != 1 || del != 1 {
		t.Errorf("%d single sets and %d single deletes, want 1 and 1", set, del)
	}
}

func TestBatchedLowStockWritesShareOneRequest(t *testing.T) {
	const n = 6
	c, sb, org := newBatchingSandboxClient(t, zettletest.BatchOf(n))
	store := org.Location(sandbox.Store)
	var refs []zettle.VariantRef
	for range n / 2 {
		product, v := org.AddProduct(2)
		for _, variant := range v {
			refs = append(refs, zettle.VariantRef{ProductUUID: product, VariantUUID: variant})
		}
	}
	each := func(f func(ref zettle.VariantRef) error) {
		t.Helper()
		var wg sync.WaitGroup
		for _, ref := range refs {
			wg.Go(func() {
				if err := f(ref); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}

	each(func(ref zettle.VariantRef) error {
		return c.ApplyLowStock(context.Background(), store, zettle.LowStock{ProductUUID: ref.ProductUUID, VariantUUID: ref.VariantUUID, Alert: true})
	})
	if got := org.LowStockCount(); got != n {
		t.Errorf("%d settings, want %d", got, n)
	}
	each(func(ref zettle.VariantRef) error { return c.ResetLowStock(context.Background(), store, ref) })
	if got := org.LowStockCount(); got != 0 {
		t.Errorf("%d settings left, want 0", got)
	}
	if sets, dels := sb.RequestCount(zettletest.RouteSetLowStocks), sb.RequestCount(zettletest.RouteDeleteLowStocks); sets != 1 || dels != 1 {
		t.Errorf("%d bulk sets and %d bulk deletes, want 1 and 1", sets, dels)
	}
	if singles := sb.RequestCount(zettletest.RouteSetLowStock, zettletest.RouteDeleteLowStock); singles != 0 {
		t.Errorf("%d single requests, want 0", singles)
	}
}
