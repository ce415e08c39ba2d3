package sandbox

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestMovementLedger(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(2)
	if m := h.org.Movements(); len(m) != 0 {
		t.Fatalf("a new organization has movements %+v", m)
	}

	if err := h.org.Restock(product, v[1], 7); err != nil {
		t.Fatal(err)
	}
	h.expectStatus(200, "POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 10))
	discard := strings.NewReplacer(h.org.Location(Supplier), h.org.Location(Store), `"toLocationUuid":"`+h.org.Location(Store), `"toLocationUuid":"`+h.org.Location(Bin)).
		Replace(h.move(product, v[0], 4))
	h.expectStatus(200, "PUT", "/organizations/self/inventory", discard)
	if err := h.org.Sell(product, v[0], 1.5); err != nil {
		t.Fatal(err)
	}
	// Refused requests and controls move nothing.
	h.expectStatus(400, "PUT", "/organizations/self/inventory", h.move(product, v[0], -1))
	if err := h.org.Sell(product, "0b1e7f2c-7d1f-11ee-8c1a-0242ac120009", 1); err == nil {
		t.Error("selling an unknown variant succeeded")
	}

	want := []Movement{
		{product, v[1], Supplier, Store, decimal.NewFromInt(7), ControlRoute},
		{product, v[0], Supplier, Store, decimal.NewFromInt(10), "POST /organizations/{org}/v2/inventory/bulk"},
		{product, v[0], Store, Bin, decimal.NewFromInt(4), "PUT /organizations/{org}/inventory"},
		{product, v[0], Store, Sold, decimal.New(15, -1), "control"},
	}
	got := h.org.Movements()
	if len(got) != len(want) {
		t.Fatalf("movements %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Product != w.Product || g.Variant != w.Variant || g.From != w.From || g.To != w.To || !g.Quantity.Equal(w.Quantity) || g.Route != w.Route {
			t.Errorf("movement %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	// Replaying the ledger gives the balances.
	replay := map[[3]string]decimal.Decimal{}
	for _, m := range got {
		from, to := [3]string{m.From, m.Product, m.Variant}, [3]string{m.To, m.Product, m.Variant}
		replay[from] = replay[from].Sub(m.Quantity)
		replay[to] = replay[to].Add(m.Quantity)
	}
	for _, loc := range []string{Store, Sold, Bin} {
		for _, variant := range v {
			if b, r := h.org.BalanceExact(loc, product, variant), replay[[3]string{loc, product, variant}]; !b.Equal(r) {
				t.Errorf("%s balance of %s: %v, ledger says %v", loc, variant, b, r)
			}
		}
	}

	// The ledger is a copy.
	got[0].Quantity = decimal.NewFromInt(1000)
	if !h.org.Movements()[0].Quantity.Equal(decimal.NewFromInt(7)) {
		t.Error("Movements shares memory with the model")
	}
	// Each organization has its own.
	if m := h.sb.AddOrganization(OrgSpec{}).Movements(); len(m) != 0 {
		t.Errorf("another organization's movements %+v", m)
	}
}

// Changes are decoded, kept and answered exactly: numbers no float64 holds
// come back as sent, in lookups (strings) and movement answers (numbers).
func TestBalancesAreExact(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	body := strings.Replace(h.bulk(product, v[0], 1), `"change":1`, `"change":100000000000000000001.1`, 1)
	status, raw, _ := h.call("POST", "/organizations/self/v2/inventory/bulk", body)
	if status != 200 || !strings.Contains(raw, `"balance":100000000000000000001.1`) {
		t.Fatalf("bulk: %d %s", status, raw)
	}
	discard := strings.NewReplacer(h.org.Location(Supplier), h.org.Location(Store), `"toLocationUuid":"`+h.org.Location(Store), `"toLocationUuid":"`+h.org.Location(Bin), `"change":1`, `"change":0.1`).
		Replace(h.move(product, v[0], 1))
	if status, raw, _ := h.call("PUT", "/organizations/self/inventory", discard); status != 200 || !strings.Contains(raw, `"balance":100000000000000000001}`) {
		t.Fatalf("move: %d %s", status, raw)
	}
	if err := h.org.RestockExact(product, v[0], "0.3"); err != nil {
		t.Fatal(err)
	}
	if err := h.org.SellExact(product, v[0], "0.1"); err != nil {
		t.Fatal(err)
	}
	if got := h.org.BalanceExact(Store, product, v[0]); got.String() != "100000000000000000001.2" {
		t.Errorf("balance %s, want exactly 100000000000000000001.2", got)
	}
	if _, raw, _ := h.call("GET", "/organizations/self/inventory", ""); !strings.Contains(raw, `"balance":"100000000000000000001.2"`) {
		t.Errorf("lookup: %s", raw)
	}
	if err := h.org.RestockExact(product, v[0], "0x1p-2"); err == nil {
		t.Error("RestockExact accepted a hexadecimal quantity")
	}
}

// A SellAfterCommit fault sells from each variant a movement changed after
// the movement is committed: the answer shows the balance after the sale,
// and the ledger records the sale with ConcurrentSaleRoute.
func TestSellAfterCommitSellsBeforeTheAnswer(t *testing.T) {
	h := newHarness(t)
	product, v := h.org.AddProduct(1)
	h.sb.InjectFault(Fault{Method: "POST", Route: "/organizations/{org}/v2/inventory/bulk", SellAfterCommit: decimal.RequireFromString("0.5")})
	status, raw, _ := h.call("POST", "/organizations/self/v2/inventory/bulk", h.bulk(product, v[0], 2))
	if status != 200 || !strings.Contains(raw, `"balance":1.5`) {
		t.Fatalf("bulk: %d %s", status, raw)
	}
	got := h.org.Movements()
	if len(got) != 2 || got[1].Route != ConcurrentSaleRoute || got[1].From != Store || got[1].To != Sold || got[1].Quantity.String() != "0.5" {
		t.Errorf("movements %+v", got)
	}
	if reqs := h.sb.Requests(); len(reqs) != 1 || reqs[0].Fault != "sold 0.5 after commit" {
		t.Errorf("request log %+v", reqs)
	}
	// The fault is spent: the next movement is answered as usual.
	if status, raw, _ := h.call("PUT", "/organizations/self/inventory", h.move(product, v[0], 1)); status != 200 || !strings.Contains(raw, `"balance":2.5`) {
		t.Errorf("move: %d %s", status, raw)
	}
}
