package zettle

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// The Product Library's writes: products and categories created with UUIDs
// the client chose, products updated with a JSON merge patch guarded by
// If-Match, and deleted in bulk.

// NewLibraryUUID is a new product's, variant's or category's UUID: the
// Product Library keeps version 1 (time-based) UUIDs, chosen by the client.
func NewLibraryUUID() (string, error) {
	id, err := uuid.NewUUID()
	if err != nil {
		return "", fmt.Errorf("generating a version 1 UUID: %w", err)
	}
	return id.String(), nil
}

// ErrProductChanged marks an update refused because the product changed
// since it was read (HTTP 412, or a read just before the update that no
// longer matches): sending it would overwrite that change.
var ErrProductChanged = errors.New("the product was changed in Zettle (in the back office, or by another integration) since it was read")

// productBody is a product as a create sends it, and as an update's merge
// patch writes its variants.
type productBody struct {
	UUID          string           `json:"uuid"`
	Name          string           `json:"name"`
	Description   string           `json:"description,omitempty"`
	Category      *categoryRef     `json:"category,omitempty"`
	UnitName      string           `json:"unitName,omitempty"`
	VatPercentage *decimal.Decimal `json:"vatPercentage,omitempty"`
	Variants      []Variant        `json:"variants"`
}

type categoryRef struct {
	UUID string `json:"uuid"`
}

func (p Product) body() productBody {
	b := productBody{UUID: p.UUID, Name: p.Name, Description: p.Description, UnitName: p.UnitName, VatPercentage: p.VatPercentage, Variants: p.Variants}
	if p.Category != nil {
		b.Category = &categoryRef{UUID: p.Category.UUID}
	}
	return b
}

// CreateProduct creates p, whose UUID and variants' UUIDs the caller chose
// (NewLibraryUUID). The create is never repeated blindly: after an answer
// that was lost, the product is read by its UUID, and one found is the one
// this created, since nobody else knew the UUID. Only when it is not there
// is the create sent again, with the same UUIDs, which the Product Library
// refuses (409) rather than doubles.
func (c *Client) CreateProduct(ctx context.Context, p Product) error {
	defer c.library.Invalidate(struct{}{})
	r := request{op: "create product", method: "POST", path: "/organizations/self/products", body: p.body(), write: true, once: true, host: c.productsURL}
	return c.createOnce(ctx, r, "product", p.UUID, ErrProductNotCreated, func() (bool, error) {
		_, found, err := c.Product(ctx, p.UUID)
		return found, err
	})
}

// createOnce sends a create whose UUID the caller chose, and never repeats
// it blindly: after an answer that may have been lost, exists tells whether
// it was applied, and only one that was not is sent again, with the same
// UUID. A 409 to a create sent again is the Product Library refusing the
// UUID that the first one, whose answer was lost, used; exists then finds it.
func (c *Client) createOnce(ctx context.Context, r request, what, id string, notCreated error, exists func() (bool, error)) error {
	for attempt := 0; ; attempt++ {
		err := c.call(ctx, r, nil)
		if err == nil {
			return nil
		}
		if !MayHaveApplied(err) && (attempt == 0 || StatusOf(err) != http.StatusConflict) {
			return err
		}
		found, readErr := exists()
		switch {
		case readErr != nil:
			return fmt.Errorf("%w; and finding out whether it was created failed: %w", err, readErr)
		case found:
			c.logf(ctx, "The create of the "+what+" was applied although its answer was lost", map[string]any{"uuid": id})
			return nil
		case !MayHaveApplied(err) || attempt >= c.maxRetries:
			return fmt.Errorf("%w; %w", err, notCreated)
		}
		c.logf(ctx, "The create of the "+what+" was not applied; sending it again with the same UUID", map[string]any{"uuid": id, "error": err.Error()})
	}
}

// ErrProductNotCreated marks a create that failed and that a read shows was
// not applied.
var ErrProductNotCreated = errors.New("the Product Library has no product of that UUID, so it was not created")

// ErrCategoryNotCreated marks a category create that failed and that the
// list shows was not applied.
var ErrCategoryNotCreated = errors.New("the category is not listed, so it was not created")

// StoredProduct is a product as the Product Library keeps it: the fields
// the client knows, the whole JSON object (Raw), which holds the fields it
// does not, and the ETag that guards an update.
type StoredProduct struct {
	Product
	ETag string
	Raw  map[string]any
}

// Product reads one product by its UUID; found is false when there is none.
func (c *Client) Product(ctx context.Context, id string) (p StoredProduct, found bool, err error) {
	var raw json.RawMessage
	var header http.Header
	err = c.call(ctx, request{op: "read product", method: "GET", path: "/organizations/self/products/" + url.PathEscape(id), host: c.productsURL, header: &header}, &raw)
	if StatusOf(err) == http.StatusNotFound {
		return StoredProduct{}, false, nil
	}
	if err != nil {
		return StoredProduct{}, false, err
	}
	if err := json.Unmarshal(raw, &p.Product); err != nil {
		return StoredProduct{}, false, fmt.Errorf("read product: the answer could not be decoded: %w", err)
	}
	if err := json.Unmarshal(raw, &p.Raw); err != nil {
		return StoredProduct{}, false, fmt.Errorf("read product: the answer could not be decoded: %w", err)
	}
	p.Product = p.lowerUUIDs()
	p.ETag = header.Get("ETag")
	return p, true, nil
}

// UpdateProduct changes the product to want, sending only the fields that
// differ from was, the product as the caller last read it: the product is
// read again first, and when the fields the caller manages are no longer
// was's, or the ETag no longer matches when the update arrives (412), the
// update is refused with ErrProductChanged and nothing is overwritten.
// Variants go as one list, as a merge patch replaces a list whole: each
// variant kept keeps the fields of the stored one that the client does not
// know. The update sets fields to values, so it is safe to repeat.
func (c *Client) UpdateProduct(ctx context.Context, was, want Product) error {
	defer c.library.Invalidate(struct{}{})
	stored, found, err := c.Product(ctx, want.UUID)
	if err != nil {
		return err
	}
	if !found {
		return &APIError{Operation: "update product", StatusCode: http.StatusNotFound, Message: fmt.Sprintf("product %s is not in the Product Library", want.UUID)}
	}
	if diff := DiffProducts(was, stored.Product); len(diff) > 0 {
		return fmt.Errorf("update product: %w: %s", ErrProductChanged, strings.Join(diff, "; "))
	}
	patch := mergePatchOf(stored, want)
	if len(patch) == 0 {
		return nil
	}
	err = c.call(ctx, request{op: "update product", method: "PUT", path: "/organizations/self/products/v2/" + url.PathEscape(want.UUID), body: patch,
		write: true, host: c.productsURL, ifMatch: stored.ETag}, nil)
	if StatusOf(err) == http.StatusPreconditionFailed {
		return fmt.Errorf("%w: %w", err, ErrProductChanged)
	}
	return err
}

// mergePatchOf is the merge patch that turns stored into want: each field
// that differs, null for one want leaves out.
func mergePatchOf(stored StoredProduct, want Product) map[string]any {
	patch := map[string]any{}
	have := stored.Product
	set := func(field string, differs bool, value any, empty bool) {
		if !differs {
			return
		}
		if empty {
			patch[field] = nil
		} else {
			patch[field] = value
		}
	}
	set("name", have.Name != want.Name, want.Name, false)
	set("description", have.Description != want.Description, want.Description, want.Description == "")
	set("unitName", have.UnitName != want.UnitName, want.UnitName, want.UnitName == "")
	set("vatPercentage", !equalDecimal(have.VatPercentage, want.VatPercentage), want.VatPercentage, want.VatPercentage == nil)
	set("category", have.CategoryUUID() != want.CategoryUUID(), want.body().Category, want.Category == nil)
	if len(DiffProducts(Product{Variants: have.Variants}, Product{Variants: want.Variants})) > 0 {
		patch["variants"] = variantsPatch(stored.Raw, have.Variants, want.Variants)
	}
	return patch
}

// variantsPatch is the whole list of want's variants, each over the stored
// variant of its UUID, so that the fields the client does not know stay: those
// kept in the order stored (have), then those added.
func variantsPatch(raw map[string]any, have, want []Variant) []any {
	rank := map[string]int{}
	for i, v := range have {
		rank[v.UUID] = i
	}
	want = slices.Clone(want)
	slices.SortStableFunc(want, func(x, y Variant) int {
		rx, okx := rank[x.UUID]
		ry, oky := rank[y.UUID]
		switch {
		case okx && oky:
			return rx - ry
		case okx:
			return -1
		case oky:
			return 1
		}
		return 0
	})
	storedByUUID := map[string]map[string]any{}
	if list, ok := raw["variants"].([]any); ok {
		for _, v := range list {
			if obj, ok := v.(map[string]any); ok {
				if id, ok := obj["uuid"].(string); ok {
					storedByUUID[strings.ToLower(id)] = obj
				}
			}
		}
	}
	out := make([]any, 0, len(want))
	for _, v := range want {
		var known map[string]any
		_ = json.Unmarshal(mustJSON(v), &known)
		merged := map[string]any{}
		for k, value := range storedByUUID[v.UUID] {
			merged[k] = value
		}
		for _, field := range variantFields {
			if value, ok := known[field]; ok && value != nil {
				merged[field] = value
			} else {
				delete(merged, field)
			}
		}
		out = append(out, merged)
	}
	return out
}

// variantFields are the JSON fields of a variant that Variant holds.
var variantFields = []string{"uuid", "name", "description", "sku", "barcode", "price", "costPrice", "options"}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func equalJSON(a, b any) bool { return bytes.Equal(mustJSON(a), mustJSON(b)) }

func equalDecimal(a, b *decimal.Decimal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// DiffProducts lists the fields the client manages in which b differs from
// a, such as "variants (...): price", for a message. Variants are matched by
// UUID, and options compared in any order.
func DiffProducts(a, b Product) []string {
	var out []string
	add := func(field string, differs bool) {
		if differs {
			out = append(out, field)
		}
	}
	add("name", a.Name != b.Name)
	add("description", a.Description != b.Description)
	add("unitName", a.UnitName != b.UnitName)
	add("vatPercentage", !equalDecimal(a.VatPercentage, b.VatPercentage))
	add("category", a.CategoryUUID() != b.CategoryUUID())
	bv := map[string]Variant{}
	for _, v := range b.Variants {
		bv[v.UUID] = v
	}
	for _, v := range a.Variants {
		w, ok := bv[v.UUID]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("variant %s (%q) deleted", v.UUID, v.Name))
		case !sameVariant(v, w):
			out = append(out, fmt.Sprintf("variant %s (%q) changed", v.UUID, v.Name))
		}
		delete(bv, v.UUID)
	}
	for _, w := range b.Variants {
		if _, added := bv[w.UUID]; added {
			out = append(out, fmt.Sprintf("variant %s (%q) added", w.UUID, w.Name))
		}
	}
	return out
}

// sameVariant compares two variants, their options in any order.
func sameVariant(a, b Variant) bool {
	a.Options, b.Options = sortedOptions(a.Options), sortedOptions(b.Options)
	return equalJSON(a, b)
}

func sortedOptions(options []Option) []Option {
	if len(options) == 0 {
		return nil
	}
	return slices.SortedFunc(slices.Values(options), func(x, y Option) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(x.Value, y.Value))
	})
}

// DeleteProduct deletes a product from the Product Library, in one bulk
// request with the others deleted at the same time when batching is on. A
// product that is gone already is not an error. Deleting is safe to repeat.
func (c *Client) DeleteProduct(ctx context.Context, id string) error {
	defer c.library.Invalidate(struct{}{})
	_, err := c.batch.productDeletes.Do(ctx, struct{}{}, id)
	return err
}

// deleteProducts sends one bulk delete of ids.
func (c *Client) deleteProducts(ctx context.Context, _ struct{}, ids []string) ([]struct{}, error) {
	q := url.Values{"uuid": ids}
	return answered(ids, c.call(ctx, request{op: "delete products", method: "DELETE", path: "/organizations/self/products", query: q, write: true, host: c.productsURL}, nil))
}

// Categories.

// Categories lists the organization's product categories, once per client
// until a change.
func (c *Client) Categories(ctx context.Context) ([]Category, error) {
	return c.categories.Get(ctx, struct{}{})
}

func (c *Client) fetchCategories(ctx context.Context, _ struct{}) ([]Category, error) {
	var answer struct {
		Categories []Category `json:"categories"`
	}
	if err := c.call(ctx, request{op: "list categories", method: "GET", path: "/organizations/self/categories/v2", host: c.productsURL}, &answer); err != nil {
		return nil, err
	}
	for i := range answer.Categories {
		answer.Categories[i].UUID = strings.ToLower(answer.Categories[i].UUID)
	}
	return answer.Categories, nil
}

// Category finds the category of that UUID; ok is false when there is none.
func (c *Client) Category(ctx context.Context, id string) (cat Category, ok bool, err error) {
	all, err := c.Categories(ctx)
	if err != nil {
		return Category{}, false, err
	}
	id = strings.ToLower(id)
	for _, cat := range all {
		if cat.UUID == id {
			return cat, true, nil
		}
	}
	return Category{}, false, nil
}

// CreateCategory creates a category with the UUID the caller chose
// (NewLibraryUUID); after a lost answer the list tells whether it was
// applied, and only a category not listed is sent again, which the Product
// Library refuses (409) rather than doubles.
func (c *Client) CreateCategory(ctx context.Context, cat Category) error {
	defer c.invalidateCategories()
	body := map[string][]Category{"categories": {cat}}
	r := request{op: "create category", method: "POST", path: "/organizations/self/categories/v2", body: body, write: true, once: true, host: c.productsURL}
	return c.createOnce(ctx, r, "category", cat.UUID, ErrCategoryNotCreated, func() (bool, error) {
		c.categories.Invalidate(struct{}{})
		_, found, err := c.Category(ctx, cat.UUID)
		return found, err
	})
}

// RenameCategory renames a category; it is safe to repeat.
func (c *Client) RenameCategory(ctx context.Context, id, name string) error {
	defer c.invalidateCategories()
	return c.call(ctx, request{op: "rename category", method: "PATCH", path: "/organizations/self/categories/v2/" + url.PathEscape(id),
		body: map[string]string{"name": name}, write: true, host: c.productsURL}, nil)
}

// DeleteCategory deletes a category; its products are left without one. One
// that is gone already is not an error.
func (c *Client) DeleteCategory(ctx context.Context, id string) error {
	defer c.invalidateCategories()
	err := c.call(ctx, request{op: "delete category", method: "DELETE", path: "/organizations/self/categories/v2/" + url.PathEscape(id), write: true, host: c.productsURL}, nil)
	if StatusOf(err) == http.StatusNotFound {
		return nil
	}
	return err
}

// invalidateCategories drops the category list, and the library, whose
// products name their categories.
func (c *Client) invalidateCategories() {
	c.categories.Invalidate(struct{}{})
	c.library.Invalidate(struct{}{})
}
