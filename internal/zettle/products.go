package zettle

import (
	"context"
	"strings"

	"github.com/shopspring/decimal"
)

// Product is a product of the Product Library: what the merchant sells, by
// name, and its variants, each with its SKU, barcode and price. Every
// inventory call names products and variants by these UUIDs.
type Product struct {
	UUID        string    `json:"uuid"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Category    *Category `json:"category"`
	UnitName    string    `json:"unitName,omitempty"`
	// VatPercentage is the product's VAT rate in percent; nil leaves it to
	// the organization's default.
	VatPercentage *decimal.Decimal `json:"vatPercentage,omitempty"`
	Variants      []Variant        `json:"variants"`
}

// Category is the category a product is in, if any.
type Category struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// Variant is one variant of a product: the item actually sold.
type Variant struct {
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	SKU         string `json:"sku,omitempty"`
	Barcode     string `json:"barcode,omitempty"`
	// Price and CostPrice are nil when the variant has none.
	Price     *Price   `json:"price,omitempty"`
	CostPrice *Price   `json:"costPrice,omitempty"`
	Options   []Option `json:"options,omitempty"`
}

// Option is one of a variant's options, such as Size: Large.
type Option struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Price is an amount in the currency's minor units: 9900 SEK is 99 kronor.
type Price struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currencyId"`
}

// CategoryName is the product's category's name, or "" without one.
func (p Product) CategoryName() string {
	if p.Category == nil {
		return ""
	}
	return p.Category.Name
}

// CategoryUUID is the product's category's UUID, or "" without one.
func (p Product) CategoryUUID() string {
	if p.Category == nil {
		return ""
	}
	return p.Category.UUID
}

// lowerUUIDs writes the product's and its variants' UUIDs in lower case, as
// every comparison here, and every UUID a configuration may write, is: a
// guard, should an answer not be.
func (p Product) lowerUUIDs() Product {
	p.UUID = strings.ToLower(p.UUID)
	p.Variants = append([]Variant(nil), p.Variants...)
	for j := range p.Variants {
		p.Variants[j].UUID = strings.ToLower(p.Variants[j].UUID)
	}
	if p.Category != nil {
		c := *p.Category
		c.UUID = strings.ToLower(c.UUID)
		p.Category = &c
	}
	return p
}

// Variant returns the product's variant of that UUID.
func (p Product) Variant(uuid string) (Variant, bool) {
	for _, v := range p.Variants {
		if v.UUID == uuid {
			return v, true
		}
	}
	return Variant{}, false
}

// Library reads the whole Product Library, page by page, once per Client:
// every caller, concurrent or later, shares the one read. The list is
// shared: callers must not change it.
func (c *Client) Library(ctx context.Context) ([]Product, error) {
	return c.library.Get(ctx, struct{}{})
}

// CachedLibrary returns the Product Library if this Client has read it
// already, without reading it.
func (c *Client) CachedLibrary() ([]Product, bool) {
	return c.library.Peek(struct{}{})
}

func (c *Client) fetchLibrary(ctx context.Context, _ struct{}) ([]Product, error) {
	// The library endpoint pages (Link, 500 products a page); the
	// product list does not say that it does.
	var answer struct {
		Products []Product `json:"products"`
	}
	err := c.call(ctx, request{op: "read the product library", method: "GET", path: "/organizations/self/library", host: c.productsURL}, &answer)
	if err != nil {
		return nil, err
	}
	for i := range answer.Products {
		answer.Products[i] = answer.Products[i].lowerUUIDs()
	}
	if answer.Products == nil {
		answer.Products = []Product{}
	}
	return answer.Products, nil
}

// ProductFilter picks products; each field that is not "" must match
// exactly, and all of them together.
type ProductFilter struct {
	UUID string
	Name string
	// Category is a category's name.
	Category string
	// SKU and Barcode match a product with a variant that has them.
	SKU     string
	Barcode string
}

// Matches reports whether p is one the filter picks.
func (f ProductFilter) Matches(p Product) bool {
	if (f.UUID != "" && !strings.EqualFold(f.UUID, p.UUID)) || (f.Name != "" && f.Name != p.Name) ||
		(f.Category != "" && f.Category != p.CategoryName()) {
		return false
	}
	if f.SKU == "" && f.Barcode == "" {
		return true
	}
	for _, v := range p.Variants {
		if (f.SKU == "" || f.SKU == v.SKU) && (f.Barcode == "" || f.Barcode == v.Barcode) {
			return true
		}
	}
	return false
}

// Filter returns the products of library that f picks, in library order.
func (f ProductFilter) Filter(library []Product) []Product {
	out := []Product{}
	for _, p := range library {
		if f.Matches(p) {
			out = append(out, p)
		}
	}
	return out
}
