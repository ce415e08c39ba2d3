package sandbox

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Product is a product of the Product Library, as its API answers it: one or
// more variants, each what is actually sold, with its SKU, barcode and price.
type Product struct {
	UUID        string    `json:"uuid"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Category    *Category `json:"category"`
	UnitName    string    `json:"unitName,omitempty"`
	// VatPercentage is the product's VAT rate, in percent; nil for the
	// organization's default.
	VatPercentage *decimal.Decimal `json:"vatPercentage,omitempty"`
	ETag          string           `json:"etag"`
	Created       string           `json:"created"`
	Updated       string           `json:"updated"`
	Variants      []Variant        `json:"variants"`
}

// Category is a product's category; a product has at most one.
type Category struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// Variant is one variant of a Product.
type Variant struct {
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description"`
	SKU         string `json:"sku"`
	Barcode     string `json:"barcode"`
	// Price is in minor units (9900 SEK is 99 kronor); nil when not set.
	Price     *Price   `json:"price"`
	CostPrice *Price   `json:"costPrice"`
	Options   []Option `json:"options,omitempty"`
}

// Price is an amount in minor units of a currency.
type Price struct {
	Amount     int64  `json:"amount"`
	CurrencyID string `json:"currencyId"`
}

// Option is one of a variant's options, e.g. size: large.
type Option struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Limits the Product Library documents.
const (
	maxVariants       = 99
	maxVariantName    = 256
	maxSKU            = 64
	maxBarcode        = 128
	defaultLibraryCap = 500
)

// AddLibraryProduct adds p to the product library as the back office would,
// and returns it as the API answers it. Empty UUIDs are generated, as are
// those of a category not seen before; a category named like one the
// library has is that one. A product that breaks the documented limits (no
// name, no variants or more than 99, a field too long, a UUID that is not
// one or is taken) is refused.
func (o *Org) AddLibraryProduct(p Product) (Product, error) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	return o.addLibraryProduct(p)
}

// LoadProducts adds the products of a JSON catalogue to the library, in
// order: a list of products as GET /organizations/self/products/v2 answers
// them, or an object whose "products" holds them, as the library endpoint
// answers. UUIDs may be left out. Nothing is added when any product is
// refused.
func (o *Org) LoadProducts(r io.Reader) ([]Product, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var products []Product
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		var library struct {
			Products []Product `json:"products"`
		}
		err = json.Unmarshal(trimmed, &library)
		products = library.Products
	} else {
		err = json.Unmarshal(trimmed, &products)
	}
	if err != nil {
		return nil, fmt.Errorf("the catalogue is not a JSON list of products: %w", err)
	}
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	saved := o.saveLibrary()
	var added []Product
	for i, p := range products {
		a, err := o.addLibraryProduct(p)
		if err != nil {
			o.restoreLibrary(saved)
			return nil, fmt.Errorf("product %d (%q): %w", i+1, p.Name, err)
		}
		added = append(added, a)
	}
	return added, nil
}

// LibraryProducts returns the product library, in the order the products
// were added.
func (o *Org) LibraryProducts() []Product {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	out := make([]Product, 0, len(o.libraryOrder))
	for _, id := range o.libraryOrder {
		out = append(out, o.library[id].clone())
	}
	return out
}

// The rest of this file is the model itself; the caller holds o.s.mu.

type librarySnapshot struct {
	order      []string
	categories map[string]Category
}

func (o *Org) saveLibrary() librarySnapshot {
	return librarySnapshot{order: slices.Clone(o.libraryOrder), categories: maps.Clone(o.categories)}
}

// restoreLibrary drops the products added since the snapshot.
func (o *Org) restoreLibrary(s librarySnapshot) {
	kept := map[string]bool{}
	for _, id := range s.order {
		kept[id] = true
	}
	for _, id := range o.libraryOrder {
		if !kept[id] {
			for v := range o.products[id] {
				delete(o.variantOf, v)
			}
			delete(o.library, id)
			delete(o.products, id)
		}
	}
	o.libraryOrder, o.categories = s.order, s.categories
}

func (o *Org) addLibraryProduct(p Product) (Product, error) {
	p = p.clone()
	if strings.TrimSpace(p.Name) == "" {
		return Product{}, fmt.Errorf("name: a product needs a name")
	}
	if len(p.Variants) == 0 || len(p.Variants) > maxVariants {
		return Product{}, fmt.Errorf("variants: a product has 1 to %d variants, not %d", maxVariants, len(p.Variants))
	}
	var err error
	if p.UUID, err = o.freshUUID("uuid", p.UUID, nil); err != nil {
		return Product{}, err
	}
	taken := map[string]bool{p.UUID: true}
	for i := range p.Variants {
		v := &p.Variants[i]
		field := fmt.Sprintf("variants[%d]", i)
		for _, c := range []struct {
			name, value string
			limit       int
		}{{"name", v.Name, maxVariantName}, {"sku", v.SKU, maxSKU}, {"barcode", v.Barcode, maxBarcode}} {
			if n := utf8.RuneCountInString(c.value); n > c.limit {
				return Product{}, fmt.Errorf("%s.%s: at most %d characters, not %d", field, c.name, c.limit, n)
			}
		}
		if v.UUID, err = o.freshUUID(field+".uuid", v.UUID, taken); err != nil {
			return Product{}, err
		}
		taken[v.UUID] = true
	}
	if p.Category != nil {
		c, err := o.category(*p.Category)
		if err != nil {
			return Product{}, err
		}
		p.Category = &c
	}
	o.touch(&p)
	if p.Created == "" {
		p.Created = p.Updated
	}
	o.putLibraryProduct(p)
	return p.clone(), nil
}

// freshUUID checks a client-chosen UUID, or generates one when it is empty:
// it must be a UUID, and not one the library (a product's or a variant's)
// or taken holds already.
func (o *Org) freshUUID(field, id string, taken map[string]bool) (string, error) {
	if id == "" {
		return newUUID(), nil
	}
	if herr := checkUUID(field, id); herr != nil {
		return "", herr
	}
	id = strings.ToLower(id)
	if _, ok := o.products[id]; ok || o.variantOf[id] != "" || taken[id] {
		return "", fmt.Errorf("%s: %s is taken already", field, id)
	}
	return id, nil
}

// category finds the library's category of c's UUID or, without one, of c's
// name, or creates it.
func (o *Org) category(c Category) (Category, error) {
	if c.UUID == "" {
		for _, known := range o.categories {
			if known.Name == c.Name {
				return known, nil
			}
		}
		c.UUID = newUUID()
	}
	if herr := checkUUID("category.uuid", c.UUID); herr != nil {
		return Category{}, herr
	}
	c.UUID = strings.ToLower(c.UUID)
	if known, ok := o.categories[c.UUID]; ok {
		return known, nil
	}
	if strings.TrimSpace(c.Name) == "" {
		return Category{}, fmt.Errorf("category.name: a new category needs a name")
	}
	o.categories[c.UUID] = c
	return c, nil
}

// putLibraryProduct stores p, and the variant set the inventory model
// checks products and variants against.
func (o *Org) putLibraryProduct(p Product) {
	if _, ok := o.library[p.UUID]; !ok {
		o.libraryOrder = append(o.libraryOrder, p.UUID)
	}
	o.library[p.UUID] = &p
	set := map[string]bool{}
	for _, v := range p.Variants {
		set[v.UUID] = true
		o.variantOf[v.UUID] = p.UUID
	}
	o.products[p.UUID] = set
}

func (p Product) clone() Product {
	out := p
	if p.Category != nil {
		c := *p.Category
		out.Category = &c
	}
	if p.VatPercentage != nil {
		vat := *p.VatPercentage
		out.VatPercentage = &vat
	}
	out.Variants = make([]Variant, len(p.Variants))
	for i, v := range p.Variants {
		out.Variants[i] = v
		if v.Price != nil {
			price := *v.Price
			out.Variants[i].Price = &price
		}
		if v.CostPrice != nil {
			price := *v.CostPrice
			out.Variants[i].CostPrice = &price
		}
		out.Variants[i].Options = append([]Option(nil), v.Options...)
	}
	return out
}

// The Product Library's endpoints.

// libraryEndpoints registers the Product Library's endpoints, served on the
// sandbox's one address: point products_url at it.
func (s *Server) libraryEndpoints() {
	const read = ScopeReadProduct
	s.handle("GET /organizations/{org}/library", read, getLibrary)
	s.handle("GET /organizations/{org}/products/v2", read, listProducts)
	s.handle("GET /organizations/{org}/products/{product}", read, getProduct)
	s.handle("GET /organizations/{org}/categories/v2", read, listCategories)
	s.handle("GET /api/resources/organizations/{org}", "", getOrganization)
	const write = ScopeWriteProduct
	s.handle("POST /organizations/{org}/products", write, createProduct)
	s.handle("PUT /organizations/{org}/products/v2/{product}", write, updateProduct)
	s.handle("DELETE /organizations/{org}/products/{product}", write, deleteProduct)
	s.handle("DELETE /organizations/{org}/products", write, deleteProducts)
	s.handle("POST /organizations/{org}/categories/v2", write, createCategories)
	s.handle("PATCH /organizations/{org}/categories/v2/{category}", write, renameCategory)
	s.handle("DELETE /organizations/{org}/categories/v2/{category}", write, deleteCategory)
}

// libraryPath reports whether path is the Product Library's.
func libraryPath(path string) bool {
	if strings.HasPrefix(path, "/api/resources/organizations/") {
		return true
	}
	for _, prefix := range []string{"/library", "/products", "/categories"} {
		if rest, ok := strings.CutPrefix(path, "/organizations/{org}"); ok && strings.HasPrefix(rest, prefix) {
			return true
		}
	}
	return false
}

// libraryAnswer is the library endpoint's answer. The sandbox has no
// discounts, and models no event log: the whole library is answered.
type libraryAnswer struct {
	FromEventLogUUID  *string   `json:"fromEventLogUuid"`
	UntilEventLogUUID string    `json:"untilEventLogUuid"`
	Products          []Product `json:"products"`
	Discounts         []any     `json:"discounts"`
	DeletedProducts   []string  `json:"deletedProducts"`
	DeletedDiscounts  []string  `json:"deletedDiscounts"`
}

// getLibrary answers the whole library, in pages of at most limit products
// (1 to 500, default 500; SetPageSize lowers it). The next page is named by
// a Link header with limit and offset, to be used as it is.
func getLibrary(o *Org, r *http.Request) (int, any, *httpError) {
	q := r.URL.Query()
	if q.Get("eventLogUuid") != "" {
		return 0, nil, libraryViolation("eventLogUuid", q.Get("eventLogUuid"), "the sandbox keeps no event log: read the whole library")
	}
	limit := defaultLibraryCap
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > defaultLibraryCap {
			return 0, nil, libraryViolation("limit", raw, "must be a whole number from 1 to 500")
		}
		limit = n
	}
	if o.s.pageSizeSet {
		limit = min(limit, o.s.pageSize)
	}
	offset := 0
	if raw := q.Get("offset"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			return 0, nil, libraryViolation("offset", raw, "is not an offset this service gave")
		}
		offset = min(n, len(o.libraryOrder))
	}
	end := min(offset+limit, len(o.libraryOrder))
	ans := libraryAnswer{
		UntilEventLogUUID: o.UUID, Products: []Product{}, Discounts: []any{}, DeletedProducts: append([]string{}, o.deletedProducts...), DeletedDiscounts: []string{},
	}
	for _, id := range o.libraryOrder[offset:end] {
		ans.Products = append(ans.Products, o.library[id].clone())
	}
	next := ""
	if end < len(o.libraryOrder) {
		next = absoluteURL(r, fmt.Sprintf("%s?limit=%d&offset=%d", r.URL.Path, limit, end))
	}
	return http.StatusOK, paged{ans, next}, nil
}

// listProducts answers every product, in one answer: no paging is
// documented for it.
func listProducts(o *Org, _ *http.Request) (int, any, *httpError) {
	out := []Product{}
	for _, id := range o.libraryOrder {
		out = append(out, o.library[id].clone())
	}
	return http.StatusOK, out, nil
}

// getProduct answers one product, with an ETag.
func getProduct(o *Org, r *http.Request) (int, any, *httpError) {
	p, herr := o.libraryProductAt(r)
	if herr != nil {
		return 0, nil, herr
	}
	return http.StatusOK, etagged{p.clone(), p.ETag}, nil
}

func listCategories(o *Org, _ *http.Request) (int, any, *httpError) {
	out := struct {
		Categories []Category `json:"categories"`
	}{Categories: slices.SortedFunc(maps.Values(o.categories), func(a, b Category) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.UUID, b.UUID))
	})}
	if out.Categories == nil {
		out.Categories = []Category{}
	}
	return http.StatusOK, out, nil
}

// libraryViolation is a 400 in the Product Library's error schema, which
// names the property and the value refused.
func libraryViolation(property, value, msg string) *httpError {
	return &httpError{
		status: http.StatusBadRequest, errorType: "VALIDATION_ERROR", msg: fmt.Sprintf("%s: %s", property, msg),
		violations: []violation{{PropertyName: property, DeveloperMessage: msg, ConstraintType: "INVALID", Value: value}},
	}
}

// violation is one entry of a Product Library error's violations.
type violation struct {
	PropertyName     string `json:"propertyName"`
	DeveloperMessage string `json:"developerMessage"`
	ConstraintType   string `json:"constraintType"`
	Expected         string `json:"expected,omitempty"`
	Value            string `json:"value"`
}
