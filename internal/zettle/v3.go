package zettle

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
)

// v3API speaks Inventory API v3 (paths under /v3): locations are
// inventories, of which there may be several of type STORE; tracking is
// enabled and disabled in bulk without moving stock; movements answer 204
// with no balances; balances and low-stock settings are read from stock
// rows, which list only tracked products' variants that have a balance or a
// setting.
type v3API struct{ c *Client }

func (*v3API) version() string { return APIVersionV3 }

// inventoryV3 is an inventory as v3 answers it.
type inventoryV3 struct {
	UUID        string `json:"inventoryUuid"`
	Type        string `json:"inventoryType"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Default     bool   `json:"defaultInventory"`
}

func (i inventoryV3) location() Location {
	return Location(i)
}

func (a *v3API) locations(ctx context.Context) (Locations, error) {
	var answer []inventoryV3
	if err := a.c.call(ctx, request{op: "list inventories", method: http.MethodGet, path: "/v3/inventories"}, &answer); err != nil {
		return nil, err
	}
	out := make(Locations, len(answer))
	for i, inv := range answer {
		out[i] = inv.location()
	}
	return out, nil
}

func (*v3API) startMovesStock() bool { return false }

// trackingChange is one entry of POST /v3/products.
type trackingChange struct {
	ProductUUID string `json:"productUuid"`
	Tracking    string `json:"tracking"`
}

// setTracking enables or disables tracking of products in one request,
// which is safe to repeat.
func (a *v3API) setTracking(ctx context.Context, op, tracking string, products []string) error {
	// Stock rows, and so the low-stock settings read from them, list only
	// tracked products.
	defer a.c.batch.lowStock.InvalidateAll()
	defer a.c.inventoryChanged()
	body := make([]trackingChange, len(products))
	for i, p := range products {
		body[i] = trackingChange{ProductUUID: p, Tracking: tracking}
	}
	return a.c.call(ctx, request{op: op, method: http.MethodPost, path: "/v3/products", body: body, write: true}, nil)
}

func productsOf(changes []ProductChange) []string {
	out := make([]string, len(changes))
	for i, pc := range changes {
		out[i] = pc.ProductUUID
	}
	return out
}

func (a *v3API) start(ctx context.Context, _ string, changes []ProductChange) ([]map[string]Quantity, error) {
	return make([]map[string]Quantity, len(changes)), a.setTracking(ctx, "start tracking", "enable", productsOf(changes))
}

func (a *v3API) firstStart(ctx context.Context, changes []ProductChange) ([]string, error) {
	return make([]string, len(changes)), a.setTracking(ctx, "start tracking", "enable", productsOf(changes))
}

func (*v3API) bulkStops() bool { return true }

// stop disables tracking; the service counts a product that is not tracked
// as done.
func (a *v3API) stop(ctx context.Context, products []string) error {
	return a.setTracking(ctx, "stop tracking", "disable", products)
}

// trackingStatus tells which of the products are tracked.
func (a *v3API) trackingStatus(ctx context.Context, products []string) (map[string]bool, error) {
	var answer []struct {
		ProductUUID string `json:"productUuid"`
		Enabled     bool   `json:"enabled"`
	}
	if err := a.c.call(ctx, request{op: "look up tracking", method: http.MethodPost, path: "/v3/products/status", body: products}, &answer); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(answer))
	for _, s := range answer {
		out[s.ProductUUID] = s.Enabled
	}
	// A product left out is not known to be untracked: taken for it, a
	// tracked product would be taken over.
	for _, p := range products {
		if _, ok := out[p]; !ok {
			return nil, fmt.Errorf("look up tracking: the answer leaves out product %s, so whether it is tracked is not known", p)
		}
	}
	return out, nil
}

// stockRowV3 is one variant's row of GET /v3/stock.
type stockRowV3 struct {
	InventoryUUID string   `json:"inventoryUuid"`
	ProductUUID   string   `json:"productUuid"`
	VariantUUID   string   `json:"variantUuid"`
	Balance       Quantity `json:"balance"`
	LowStockLevel *float64 `json:"lowStockLevel"`
	LowStockAlert bool     `json:"lowStockAlert"`
}

// stock reads the stock rows at an inventory: of every product when product
// is "", else of that one.
func (a *v3API) stock(ctx context.Context, inventory, product string) ([]stockRowV3, error) {
	p := "/v3/stock/" + url.PathEscape(inventory)
	if product != "" {
		p = path.Join(p, "products", url.PathEscape(product))
	}
	var rows []stockRowV3
	err := a.c.call(ctx, request{op: "look up balances", method: http.MethodGet, path: p}, &rows)
	return rows, err
}

// rowBalances turns stock rows into balances; tracked lists the products
// that have rows, which are tracked.
func rowBalances(location string, rows []stockRowV3, keep func(product string) bool) LocationBalances {
	lb := LocationBalances{LocationUUID: location}
	seen := map[string]bool{}
	for _, r := range rows {
		if !keep(r.ProductUUID) {
			continue
		}
		if !seen[r.ProductUUID] {
			seen[r.ProductUUID] = true
			lb.TrackedProducts = append(lb.TrackedProducts, r.ProductUUID)
		}
		if !r.Balance.IsZero() {
			lb.Variants = append(lb.Variants, VariantBalance{LocationUUID: location, ProductUUID: r.ProductUUID, VariantUUID: r.VariantUUID, Balance: r.Balance})
		}
	}
	return lb
}

func everyProduct(string) bool { return true }

// lookup asks which products are tracked, then reads the stock of those
// that are: one product's rows for one, the inventory's for several.
func (a *v3API) lookup(ctx context.Context, location string, products []string) ([]ProductInventory, error) {
	lb, err := a.productBalances(ctx, location, products)
	if err != nil {
		return nil, err
	}
	return indexInventory(lb).products(products), nil
}

// productBalances answers as v2's product lookup does: TrackedProducts
// names those of products that are tracked, with or without stock.
func (a *v3API) productBalances(ctx context.Context, location string, products []string) (LocationBalances, error) {
	tracked, err := a.trackingStatus(ctx, products)
	if err != nil {
		return LocationBalances{}, err
	}
	var read []string
	for _, p := range products {
		if tracked[p] && !slices.Contains(read, p) {
			read = append(read, p)
		}
	}
	each, err := a.stockOfEach(ctx, location, read)
	if err != nil {
		return LocationBalances{}, err
	}
	lb := LocationBalances{LocationUUID: location, TrackedProducts: read}
	for _, variants := range each {
		lb.Variants = append(lb.Variants, variants...)
	}
	return lb, nil
}

// stockOfEach reads the non-zero balances of each product at an inventory,
// product by product.
func (a *v3API) stockOfEach(ctx context.Context, location string, products []string) ([][]VariantBalance, error) {
	out := make([][]VariantBalance, len(products))
	err := eachAtOnce(ctx, products, func(ctx context.Context, i int, p string) error {
		rows, err := a.stock(ctx, location, p)
		out[i] = rowBalances(location, rows, func(q string) bool { return q == p }).Variants
		return err
	})
	return out, err
}

// The balances a movement is computed from are read product by product, and
// never from the inventory-wide listing: a listing read in pages skips a row
// whenever one before its cursor goes away between two pages (a variant
// sold out, a product stopped), and a skipped variant would read as zero
// and get its whole target moved on top of its saved level.

// productReadsAtOnce bounds the per-product reads of one lookup that are in
// flight together.
const productReadsAtOnce = 8

// eachAtOnce runs read for each product, productReadsAtOnce at a time, and
// returns the first error.
func eachAtOnce(ctx context.Context, products []string, read func(ctx context.Context, i int, product string) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(productReadsAtOnce)
	for i, p := range products {
		g.Go(func() error { return read(gctx, i, p) })
	}
	return g.Wait()
}

func (a *v3API) balanceReads(ctx context.Context, location string, products []string) ([]map[string]Quantity, error) {
	each, err := a.stockOfEach(ctx, location, products)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]Quantity, len(products))
	for i, p := range products {
		out[i] = LocationBalances{Variants: each[i]}.ProductBalances(p)
	}
	return out, nil
}

// move sends the movements in one request. It answers 204 with no
// balances.
func (a *v3API) move(ctx context.Context, _ string, perProduct [][]Movement) ([]map[string]Quantity, error) {
	defer a.c.inventoryChanged()
	type movement struct {
		ProductUUID string   `json:"productUuid"`
		VariantUUID string   `json:"variantUuid"`
		Change      Quantity `json:"change"`
		From        string   `json:"from"`
		To          string   `json:"to"`
	}
	var body struct {
		Movements []movement `json:"movements"`
	}
	for _, ms := range perProduct {
		for _, m := range ms {
			body.Movements = append(body.Movements, movement{m.ProductUUID, m.VariantUUID, m.Change, m.FromLocationUUID, m.ToLocationUUID})
		}
	}
	err := a.c.call(ctx, request{op: "move stock", method: http.MethodPost, path: "/v3/movements", body: body, write: true, once: true}, nil)
	return make([]map[string]Quantity, len(perProduct)), err
}

func (a *v3API) storeBalances(ctx context.Context, location string) (LocationBalances, error) {
	rows, err := a.stock(ctx, location, "")
	if err != nil {
		return LocationBalances{}, err
	}
	return rowBalances(location, rows, everyProduct), nil
}

// balances of every product lists as tracked only those with rows: v3 has
// no listing of tracked products.
func (a *v3API) balances(ctx context.Context, location Location, products []string) (LocationBalances, error) {
	if products == nil {
		return a.storeBalances(ctx, location.UUID)
	}
	return a.productBalances(ctx, location.UUID, products)
}

// lowStockV3 is one entry of POST /v3/custom-low-stock.
type lowStockV3 struct {
	ProductUUID   string   `json:"productUuid"`
	VariantUUID   string   `json:"variantUuid"`
	InventoryUUID string   `json:"inventoryUuid"`
	LowStockLevel *float64 `json:"lowStockLevel"`
	LowStockAlert bool     `json:"lowStockAlert"`
}

func (a *v3API) sendLowStock(ctx context.Context, op, location string, body []lowStockV3) error {
	defer a.c.lowStockChanged(location)
	return a.c.call(ctx, request{op: op, method: http.MethodPost, path: "/v3/custom-low-stock", body: body, write: true}, nil)
}

func (a *v3API) setLowStock(ctx context.Context, location string, settings []LowStock) error {
	body := make([]lowStockV3, len(settings))
	for i, s := range settings {
		body[i] = lowStockV3{s.ProductUUID, s.VariantUUID, location, s.Level, s.Alert}
	}
	return a.sendLowStock(ctx, "set low stock levels", location, body)
}

// resetLowStock sets the defaults, which the service keeps no setting for.
func (a *v3API) resetLowStock(ctx context.Context, location string, variants []VariantRef) error {
	body := make([]lowStockV3, len(variants))
	for i, v := range variants {
		body[i] = lowStockV3{ProductUUID: v.ProductUUID, VariantUUID: v.VariantUUID, InventoryUUID: location}
	}
	return a.sendLowStock(ctx, "delete low stock levels", location, body)
}

func (*v3API) readsUntrackedLowStock() bool { return false }

func (a *v3API) lowStock(ctx context.Context, location, product string) ([]LowStock, error) {
	rows, err := a.stock(ctx, location, product)
	if err != nil {
		return nil, err
	}
	var out []LowStock
	for _, r := range rows {
		s := LowStock{ProductUUID: r.ProductUUID, VariantUUID: r.VariantUUID, Level: r.LowStockLevel, Alert: r.LowStockAlert}
		if !s.IsDefault() {
			out = append(out, s)
		}
	}
	return out, nil
}

// InventoryRequest creates a STORE inventory.
type InventoryRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// CreateInventory creates a STORE inventory (v3 only) and returns it. The
// service answers with its URL in the Location header. Creating is not safe
// to repeat: after a lost answer or a 5xx the inventory may exist, which the
// error then says.
func (c *Client) CreateInventory(ctx context.Context, req InventoryRequest) (Location, error) {
	const op = "create inventory"
	if _, err := c.v3Only(ctx, op); err != nil {
		return Location{}, err
	}
	defer c.locations.Invalidate(struct{}{})
	var header http.Header
	if err := c.call(ctx, request{op: op, method: http.MethodPost, path: "/v3/inventories", body: req, write: true, once: true, header: &header}, nil); err != nil {
		if MayHaveApplied(err) {
			return Location{}, fmt.Errorf("%w (the inventory %q may have been created all the same: list the inventories, and import it if it is there)", err, req.Name)
		}
		return Location{}, err
	}
	loc, err := url.Parse(header.Get("Location"))
	uuid := ""
	if err == nil {
		uuid = strings.ToLower(path.Base(loc.Path))
	}
	if !uuidPattern.MatchString(uuid) {
		return Location{}, fmt.Errorf("%s: the service answered without the new inventory's URL in the Location header (got %q); the inventory %q was created: list the inventories and import it",
			op, header.Get("Location"), req.Name)
	}
	// The new inventory is what was asked for; a read now could fail and
	// lose it, where the next refresh reads it anyway.
	return Location{UUID: uuid, Type: LocationStore, Name: req.Name, Description: req.Description}, nil
}

// uuidPattern matches a UUID as the API answers it, in lower case.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Inventory reads one inventory (v3 only). A 404 is an *APIError.
func (c *Client) Inventory(ctx context.Context, uuid string) (Location, error) {
	v3, err := c.v3Only(ctx, "read inventory")
	if err != nil {
		return Location{}, err
	}
	return v3.inventory(ctx, uuid)
}

func (a *v3API) inventory(ctx context.Context, uuid string) (Location, error) {
	var answer inventoryV3
	err := a.c.call(ctx, request{op: "read inventory", method: http.MethodGet, path: "/v3/inventories/" + url.PathEscape(uuid)}, &answer)
	return answer.location(), err
}

// trackedProducts asks, for every product of the Product Library, whether
// it is tracked: v3's stock rows leave out tracked products without stock.
// The balances come from the inventory-wide rows, good for showing, never
// for moving stock (see stockOfEach).
func (a *v3API) trackedProducts(ctx context.Context, location string) (LocationBalances, error) {
	library, err := a.c.Library(ctx)
	if err != nil {
		return LocationBalances{}, err
	}
	rows, err := a.storeBalances(ctx, location)
	if err != nil || len(library) == 0 {
		return rows, err
	}
	var products []string
	for _, p := range library {
		products = append(products, p.UUID)
	}
	tracked := map[string]bool{}
	for chunk := range slices.Chunk(products, statusChunk) {
		status, err := a.trackingStatus(ctx, chunk)
		if err != nil {
			return LocationBalances{}, err
		}
		for p, on := range status {
			tracked[p] = tracked[p] || on
		}
	}
	out := LocationBalances{LocationUUID: rows.LocationUUID, Latest: rows.Latest}
	for _, p := range products {
		if tracked[p] {
			out.TrackedProducts = append(out.TrackedProducts, p)
		}
	}
	for _, v := range rows.Variants {
		if tracked[v.ProductUUID] {
			out.Variants = append(out.Variants, v)
		}
	}
	return out, nil
}

// statusChunk is how many products one tracking-status lookup of a listing
// asks about.
const statusChunk = 100
