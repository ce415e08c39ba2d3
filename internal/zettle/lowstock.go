package zettle

import (
	"context"
	"net/http"
	"net/url"
)

// LowStock is a variant's custom low-stock setting at a location. The
// defaults (no level, alert off) are not stored: the API deletes a setting
// set back to them.
type LowStock struct {
	ProductUUID string `json:"productUuid"`
	VariantUUID string `json:"variantUuid"`
	// Level is the custom low-stock level; nil when there is none.
	Level *float64 `json:"lowStockLevel"`
	Alert bool     `json:"lowStockAlert"`
}

// IsDefault reports whether s equals the defaults, which the API keeps no
// setting for.
func (s LowStock) IsDefault() bool { return s.Level == nil && !s.Alert }

// VariantRef names one variant of one product.
type VariantRef struct {
	ProductUUID string `json:"productUuid"`
	VariantUUID string `json:"variantUuid"`
}

// productLowStock is how reads answer one product's settings.
type productLowStock struct {
	ProductUUID string `json:"productUuid"`
	Variants    []struct {
		VariantUUID string   `json:"variantUuid"`
		Level       *float64 `json:"customLowStockLevel"`
		Alert       bool     `json:"lowStockAlert"`
	} `json:"customLowStockLevelForVariants"`
}

func (p productLowStock) settings() []LowStock {
	out := make([]LowStock, 0, len(p.Variants))
	for _, v := range p.Variants {
		out = append(out, LowStock{ProductUUID: p.ProductUUID, VariantUUID: v.VariantUUID, Level: v.Level, Alert: v.Alert})
	}
	return out
}

func lowStockPath(location string) string {
	return "/custom-low-stock/locations/" + url.PathEscape(location)
}

func lowStockReadPath(location string) string {
	return "/custom-low-stock/v2/locations/" + url.PathEscape(location)
}

// SetLowStock sets one variant's low-stock level and alert at a location.
// Setting the defaults deletes the setting.
func (c *Client) SetLowStock(ctx context.Context, location string, s LowStock) error {
	defer c.lowStockChanged(location)
	return c.call(ctx, request{op: "set low stock level", method: http.MethodPut, path: lowStockPath(location), body: s, write: true}, nil)
}

// SetLowStocks sets several variants' low-stock settings in one request.
func (c *Client) SetLowStocks(ctx context.Context, location string, settings []LowStock) error {
	defer c.lowStockChanged(location)
	body := map[string]any{"requests": settings}
	return c.call(ctx, request{op: "set low stock levels", method: http.MethodPost, path: lowStockPath(location), body: body, write: true}, nil)
}

// LowStockAtLocation reads every low-stock setting at a location.
func (c *Client) LowStockAtLocation(ctx context.Context, location string) ([]LowStock, error) {
	var answer struct {
		Products []productLowStock `json:"customLowStockLevelsForProducts"`
	}
	if err := c.call(ctx, request{op: "read low stock levels", method: http.MethodGet, path: lowStockReadPath(location)}, &answer); err != nil {
		return nil, err
	}
	var out []LowStock
	for _, p := range answer.Products {
		out = append(out, p.settings()...)
	}
	return out, nil
}

// ProductLowStock reads one product's low-stock settings at a location.
// Variants with the defaults are not listed.
func (c *Client) ProductLowStock(ctx context.Context, location, product string) ([]LowStock, error) {
	var answer productLowStock
	err := c.call(ctx, request{op: "read low stock levels", method: http.MethodGet, path: lowStockReadPath(location) + "/products/" + url.PathEscape(product)}, &answer)
	if err != nil {
		return nil, err
	}
	if answer.ProductUUID == "" {
		answer.ProductUUID = product
	}
	return answer.settings(), nil
}

// DeleteLowStock sets one variant back to the defaults. A setting that does
// not exist (404) counts as deleted.
func (c *Client) DeleteLowStock(ctx context.Context, location string, v VariantRef) error {
	defer c.lowStockChanged(location)
	path := lowStockPath(location) + "/products/" + url.PathEscape(v.ProductUUID) + "/variants/" + url.PathEscape(v.VariantUUID)
	err := c.call(ctx, request{op: "delete low stock level", method: http.MethodDelete, path: path, write: true}, nil)
	if StatusOf(err) == http.StatusNotFound {
		return nil
	}
	return err
}

// DeleteLowStocks sets several variants back to the defaults in one request.
func (c *Client) DeleteLowStocks(ctx context.Context, location string, variants []VariantRef) error {
	defer c.lowStockChanged(location)
	body := map[string]any{"requests": variants}
	return c.call(ctx, request{op: "delete low stock levels", method: http.MethodPost, path: lowStockPath(location) + "/delete", body: body, write: true}, nil)
}

// lowStockChanged forgets the shared read of a location's settings after a
// request that may have changed them, so that later reads see the change.
func (c *Client) lowStockChanged(location string) { c.batch.lowStock.Invalidate(location) }
