package zettle_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zettle-community/terraform-provider-zettle/internal/zettle"
)

// A tracking-status answer that leaves a product out does not make it
// untracked: the lookup fails, so that a tracked product is never taken for
// a free one.
func TestV3StatusAnswerLeavingAProductOutFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v3/inventories":
			fmt.Fprint(w, `[{"inventoryUuid":"00000000-0000-1000-8000-00000000000a","inventoryType":"STORE","name":"STORE","defaultInventory":true}]`)
		case "/v3/products/status":
			var asked []string
			if err := json.NewDecoder(r.Body).Decode(&asked); err != nil {
				t.Error(err)
			}
			// Only the first is answered.
			fmt.Fprintf(w, `[{"productUuid":%q,"enabled":false}]`, asked[0])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := zettle.New(zettle.Config{InventoryURL: srv.URL, Tokens: zettle.StaticToken("t"), Batching: zettle.Batching{Enabled: true, MaxWait: 50 * time.Millisecond, MaxSize: 2}})
	if err != nil {
		t.Fatal(err)
	}
	store := "00000000-0000-1000-8000-00000000000a"
	errs := make(chan error, 2)
	for _, p := range []string{"00000000-0000-1000-8000-000000000001", "00000000-0000-1000-8000-000000000002"} {
		go func() {
			_, err := c.ConfirmTracking(context.Background(), store, p)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err == nil || !strings.Contains(err.Error(), "the answer leaves out product") {
			t.Errorf("error %v, want one saying the answer left a product out", err)
		}
	}
}
