package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// The Product Library's writes: products and categories created with UUIDs
// the client chose, products updated with a JSON merge patch guarded by
// If-Match, and deleted one by one or in bulk.

// Limits of the Product Library's writes.
const (
	maxProductName        = 256
	maxProductDescription = 1024
	maxUnitName           = 32
	maxCategoryName       = 256
	maxBulkDelete         = 500
)

// productBody is what a create takes, and what a merge patch is applied to:
// the writable fields of a Product. Unknown fields are refused.
type productBody struct {
	UUID          string           `json:"uuid"`
	Name          string           `json:"name"`
	Description   string           `json:"description,omitempty"`
	Category      *Category        `json:"category,omitempty"`
	UnitName      string           `json:"unitName,omitempty"`
	VatPercentage *decimal.Decimal `json:"vatPercentage,omitempty"`
	Variants      []Variant        `json:"variants"`
}

func (p Product) body() productBody {
	c := p.clone()
	return productBody{UUID: c.UUID, Name: c.Name, Description: c.Description, Category: c.Category, UnitName: c.UnitName,
		VatPercentage: c.VatPercentage, Variants: c.Variants}
}

// DeletedProducts lists the products deleted through the API, in the order
// deleted, as the library answers them.
func (o *Org) DeletedProducts() []string {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return slices.Clone(o.deletedProducts)
}

// Currency is the organization's currency, in which every price is.
func (o *Org) Currency() string { return o.currency }

// EditLibraryProduct changes a product as the back office would: edit gets
// the product and changes it; its ETag changes. It returns false when there
// is no such product.
func (o *Org) EditLibraryProduct(product string, edit func(*Product)) bool {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	p, ok := o.library[strings.ToLower(product)]
	if !ok {
		return false
	}
	changed := p.clone()
	edit(&changed)
	o.touch(&changed)
	o.putLibraryProduct(changed)
	return true
}

// getOrganization answers the organization's settings, its currency among
// them, as integrations read them at secure.izettle.com; any valid token
// may read them.
func getOrganization(o *Org, _ *http.Request) (int, any, *httpError) {
	return http.StatusOK, map[string]any{
		"uuid": o.UUID, "name": "Sandbox organization " + o.UUID[:8], "currency": o.currency,
	}, nil
}

// The model; the caller holds o.s.mu.

// touch marks p as written now: a new ETag, and the time.
func (o *Org) touch(p *Product) {
	p.Updated = time.Now().UTC().Format("2006-01-02T15:04:05.000+0000")
	p.ETag = strconv.Quote(newUUID())
}

// checkVersion1 refuses a UUID that a client chose and that is not a
// version 1 (time-based) UUID, the kind the Product Library keeps.
func checkVersion1(field, id string) *httpError {
	if herr := checkUUID(field, id); herr != nil {
		return libraryViolation(field, id, "must be a UUID")
	}
	if u, err := uuid.Parse(id); err != nil || u.Version() != 1 {
		return libraryViolation(field, id, "must be a version 1 (time-based) UUID")
	}
	return nil
}

// checkProductBody checks a product as a create or an update would store
// it: the documented limits, and prices in the organization's currency.
// before is the product as it was, for an update: its variants may keep
// their UUIDs; new ones must be version 1 UUIDs nobody holds.
func (o *Org) checkProductBody(b productBody, before *Product) *httpError {
	if strings.TrimSpace(b.Name) == "" {
		return libraryViolation("name", b.Name, "must not be blank")
	}
	for _, c := range []struct {
		field, value string
		limit        int
	}{{"name", b.Name, maxProductName}, {"description", b.Description, maxProductDescription}, {"unitName", b.UnitName, maxUnitName}} {
		if n := utf8.RuneCountInString(c.value); n > c.limit {
			return sizeViolation(c.field, c.value, c.limit)
		}
	}
	if b.VatPercentage != nil && (b.VatPercentage.IsNegative() || b.VatPercentage.GreaterThan(decimal.NewFromInt(100))) {
		return libraryViolation("vatPercentage", b.VatPercentage.String(), "must be from 0 to 100")
	}
	if len(b.Variants) == 0 || len(b.Variants) > maxVariants {
		return &httpError{http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("variants: a product has 1 to %d variants, not %d", maxVariants, len(b.Variants)),
			[]violation{{PropertyName: "variants", DeveloperMessage: fmt.Sprintf("size must be between 1 and %d", maxVariants), ConstraintType: "SIZE",
				Expected: fmt.Sprintf("1-%d", maxVariants), Value: fmt.Sprint(len(b.Variants))}}}
	}
	kept := map[string]bool{}
	if before != nil {
		for _, v := range before.Variants {
			kept[v.UUID] = true
		}
	}
	seen := map[string]bool{}
	for i, v := range b.Variants {
		field := fmt.Sprintf("variants[%d]", i)
		if v.UUID == "" {
			return libraryViolation(field+".uuid", "", "must not be null: the client chooses every UUID")
		}
		if seen[v.UUID] {
			return libraryViolation(field+".uuid", v.UUID, "is given to two variants")
		}
		seen[v.UUID] = true
		if !kept[v.UUID] {
			if herr := checkVersion1(field+".uuid", v.UUID); herr != nil {
				return herr
			}
			if _, ok := o.products[v.UUID]; ok || o.variantOf[v.UUID] != "" {
				return &httpError{http.StatusConflict, "ITEM_ALREADY_EXIST", fmt.Sprintf("%s.uuid: %s is taken already", field, v.UUID), nil}
			}
		}
		for _, c := range []struct {
			name, value string
			limit       int
		}{{"name", v.Name, maxVariantName}, {"description", v.Description, maxProductDescription}, {"sku", v.SKU, maxSKU}, {"barcode", v.Barcode, maxBarcode}} {
			if n := utf8.RuneCountInString(c.value); n > c.limit {
				return sizeViolation(field+"."+c.name, c.value, c.limit)
			}
		}
		for _, price := range []struct {
			name string
			p    *Price
		}{{"price", v.Price}, {"costPrice", v.CostPrice}} {
			if price.p == nil {
				continue
			}
			if price.p.Amount < 0 {
				return libraryViolation(field+"."+price.name+".amount", fmt.Sprint(price.p.Amount), "must not be negative")
			}
			if price.p.CurrencyID != o.currency {
				return &httpError{http.StatusBadRequest, "VALIDATION_ERROR",
					fmt.Sprintf("%s.%s.currencyId: the organization's currency is %s, not %q", field, price.name, o.currency, price.p.CurrencyID),
					[]violation{{PropertyName: field + "." + price.name + ".currencyId", DeveloperMessage: "must be the organization's currency",
						ConstraintType: "INVALID", Expected: o.currency, Value: price.p.CurrencyID}}}
			}
		}
	}
	if b.Category != nil && b.Category.UUID != "" {
		if _, ok := o.categories[b.Category.UUID]; !ok {
			return libraryViolation("category.uuid", b.Category.UUID, "is not a category of the organization")
		}
	}
	return nil
}

func sizeViolation(field, value string, limit int) *httpError {
	return &httpError{http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("%s: at most %d characters", field, limit),
		[]violation{{PropertyName: field, DeveloperMessage: fmt.Sprintf("size must be between 0 and %d", limit), ConstraintType: "SIZE",
			Expected: fmt.Sprintf("0-%d", limit), Value: value}}}
}

// store makes b the product of its UUID, with its category resolved.
func (o *Org) store(b productBody, before *Product) {
	p := Product{UUID: b.UUID, Name: b.Name, Description: b.Description, UnitName: b.UnitName, VatPercentage: b.VatPercentage, Variants: b.Variants}
	if b.Category != nil {
		c := *b.Category
		if c.UUID == "" {
			// A category given by name only is found, or created.
			c, _ = o.category(c)
		} else {
			c = o.categories[c.UUID]
		}
		p.Category = &c
	}
	if before != nil {
		p.Created = before.Created
	} else {
		p.Created = time.Now().UTC().Format("2006-01-02T15:04:05.000+0000")
	}
	o.touch(&p)
	o.putLibraryProduct(p)
}

// createProduct creates a product with the UUIDs the client chose, all
// version 1 UUIDs that nobody holds: a UUID taken is 409 ITEM_ALREADY_EXIST,
// which is how a client that lost the answer to its create learns that it
// was applied. The answer is 201 with the product's URL in Location and no
// body.
func createProduct(o *Org, r *http.Request) (int, any, *httpError) {
	var b productBody
	if herr := decode(r, &b); herr != nil {
		return 0, nil, herr
	}
	if herr := checkVersion1("uuid", b.UUID); herr != nil {
		return 0, nil, herr
	}
	if _, ok := o.library[b.UUID]; ok || o.variantOf[b.UUID] != "" || slices.Contains(o.deletedProducts, b.UUID) {
		return 0, nil, &httpError{http.StatusConflict, "ITEM_ALREADY_EXIST", fmt.Sprintf("product %s exists already", b.UUID), nil}
	}
	if herr := o.checkProductBody(b, nil); herr != nil {
		return 0, nil, herr
	}
	o.store(b, nil)
	return http.StatusCreated, located{nil, "/organizations/" + o.UUID + "/products/" + b.UUID}, nil
}

// updateProduct applies a JSON merge patch (RFC 7386) to a product: fields
// left out stay, null removes one, an array (variants) is replaced whole. With
// If-Match, a product whose ETag is no longer that one is not changed: 412,
// with an empty body. The answer is 204.
func updateProduct(o *Org, r *http.Request) (int, any, *httpError) {
	p, herr := o.libraryProductAt(r)
	if herr != nil {
		return 0, nil, herr
	}
	if match := r.Header.Get("If-Match"); match != "" && !etagMatches(match, p.ETag) {
		return http.StatusPreconditionFailed, nil, nil
	}
	var patch any
	raw := new(bytes.Buffer)
	_, _ = raw.ReadFrom(r.Body)
	if err := json.Unmarshal(raw.Bytes(), &patch); err != nil {
		return 0, nil, badRequest("malformed JSON body: %v", err)
	}
	if _, isObject := patch.(map[string]any); !isObject {
		return 0, nil, badRequest("a merge patch is a JSON object")
	}
	var current any
	_ = json.Unmarshal(encodeJSON(p.body()), &current)
	var b productBody
	dec := json.NewDecoder(bytes.NewReader(encodeJSON(mergePatch(current, patch))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return 0, nil, badRequest("malformed JSON body: %v", err)
	}
	if b.UUID != p.UUID {
		return 0, nil, libraryViolation("uuid", b.UUID, "must be the product's own")
	}
	if herr := o.checkProductBody(b, p); herr != nil {
		return 0, nil, herr
	}
	before := p.clone()
	for _, v := range before.Variants {
		if !slices.ContainsFunc(b.Variants, func(w Variant) bool { return w.UUID == v.UUID }) {
			delete(o.variantOf, v.UUID)
		}
	}
	o.store(b, &before)
	return http.StatusNoContent, nil, nil
}

// mergePatch applies patch to target as RFC 7386 says.
func mergePatch(target, patch any) any {
	patchObj, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	targetObj, ok := target.(map[string]any)
	if !ok {
		targetObj = map[string]any{}
	}
	for k, v := range patchObj {
		if v == nil {
			delete(targetObj, k)
			continue
		}
		targetObj[k] = mergePatch(targetObj[k], v)
	}
	return targetObj
}

// libraryProductAt is the product the request's path names: a violation
// when the name is no UUID, 404 when there is no such product.
func (o *Org) libraryProductAt(r *http.Request) (*Product, *httpError) {
	id := r.PathValue("product")
	if herr := checkUUID("productUuid", id); herr != nil {
		return nil, libraryViolation("productUuid", id, "must be a UUID")
	}
	p, ok := o.library[id]
	if !ok {
		return nil, &httpError{http.StatusNotFound, "ENTITY_NOT_FOUND", fmt.Sprintf("product %s not found", id), nil}
	}
	return p, nil
}

// deleteProduct deletes one product: 204, or 404 when there is none.
func deleteProduct(o *Org, r *http.Request) (int, any, *httpError) {
	p, herr := o.libraryProductAt(r)
	if herr != nil {
		return 0, nil, herr
	}
	o.deleteLibraryProduct(p.UUID)
	return http.StatusNoContent, nil, nil
}

// deleteProducts deletes the products named by uuid query parameters, at
// most 500, in one request: 204. UUIDs of no product are passed over.
func deleteProducts(o *Org, r *http.Request) (int, any, *httpError) {
	ids := r.URL.Query()["uuid"]
	if len(ids) == 0 || len(ids) > maxBulkDelete {
		return 0, nil, libraryViolation("uuid", fmt.Sprint(len(ids)), fmt.Sprintf("name 1 to %d products", maxBulkDelete))
	}
	for _, id := range ids {
		if herr := checkUUID("uuid", id); herr != nil {
			return 0, nil, libraryViolation("uuid", id, "must be a UUID")
		}
	}
	for _, id := range ids {
		if _, ok := o.library[strings.ToLower(id)]; ok {
			o.deleteLibraryProduct(strings.ToLower(id))
		}
	}
	return http.StatusNoContent, nil, nil
}

// deleteLibraryProduct removes a product from the library and from what the
// inventory knows: its tracking ends and its balances are no longer read.
func (o *Org) deleteLibraryProduct(id string) {
	for v := range o.products[id] {
		delete(o.variantOf, v)
	}
	delete(o.library, id)
	delete(o.products, id)
	delete(o.tracked, id)
	o.libraryOrder = slices.DeleteFunc(o.libraryOrder, func(p string) bool { return p == id })
	o.deletedProducts = append(o.deletedProducts, id)
}

// Categories.

// createCategories creates categories with the UUIDs the client chose:
// {"categories": [{"uuid", "name"}]}. A UUID taken is 409; the answer is 204.
func createCategories(o *Org, r *http.Request) (int, any, *httpError) {
	var body struct {
		Categories []Category `json:"categories"`
	}
	if herr := decode(r, &body); herr != nil {
		return 0, nil, herr
	}
	if len(body.Categories) == 0 {
		return 0, nil, libraryViolation("categories", "[]", "name at least one category")
	}
	for i, c := range body.Categories {
		field := fmt.Sprintf("categories[%d]", i)
		if herr := checkVersion1(field+".uuid", c.UUID); herr != nil {
			return 0, nil, herr
		}
		if herr := checkCategoryName(field+".name", c.Name); herr != nil {
			return 0, nil, herr
		}
		if _, ok := o.categories[c.UUID]; ok {
			return 0, nil, &httpError{http.StatusConflict, "ITEM_ALREADY_EXIST", fmt.Sprintf("category %s exists already", c.UUID), nil}
		}
	}
	for _, c := range body.Categories {
		o.categories[c.UUID] = c
	}
	return http.StatusNoContent, nil, nil
}

func checkCategoryName(field, name string) *httpError {
	if strings.TrimSpace(name) == "" {
		return libraryViolation(field, name, "must not be blank")
	}
	if utf8.RuneCountInString(name) > maxCategoryName {
		return sizeViolation(field, name, maxCategoryName)
	}
	return nil
}

// renameCategory renames a category, {"name"}, and with it the category
// every product of it names: 204, or 404.
func renameCategory(o *Org, r *http.Request) (int, any, *httpError) {
	id := r.PathValue("category")
	c, ok := o.categories[id]
	if !ok {
		return 0, nil, &httpError{http.StatusNotFound, "ENTITY_NOT_FOUND", fmt.Sprintf("category %s not found", id), nil}
	}
	var body struct {
		Name string `json:"name"`
	}
	if herr := decode(r, &body); herr != nil {
		return 0, nil, herr
	}
	if herr := checkCategoryName("name", body.Name); herr != nil {
		return 0, nil, herr
	}
	c.Name = body.Name
	o.categories[id] = c
	o.recategorize(id, &c)
	return http.StatusNoContent, nil, nil
}

// deleteCategory deletes a category; its products keep no category: 204,
// or 404.
func deleteCategory(o *Org, r *http.Request) (int, any, *httpError) {
	id := r.PathValue("category")
	if _, ok := o.categories[id]; !ok {
		return 0, nil, &httpError{http.StatusNotFound, "ENTITY_NOT_FOUND", fmt.Sprintf("category %s not found", id), nil}
	}
	delete(o.categories, id)
	o.recategorize(id, nil)
	return http.StatusNoContent, nil, nil
}

// recategorize gives every product of category id the category c (nil for
// none), each with a new ETag.
func (o *Org) recategorize(id string, c *Category) {
	for _, p := range o.library {
		if p.Category != nil && p.Category.UUID == id {
			if c == nil {
				p.Category = nil
			} else {
				copied := *c
				p.Category = &copied
			}
			o.touch(p)
		}
	}
}
