package zettle

import (
	"context"
	"fmt"
)

// CachedLocations lists the organization's locations, once per Client when
// the list is complete: system locations never change. Concurrent callers
// share one listing. A new organization has none until tracking first
// starts, so a list without a STORE, SUPPLIER or BIN location is not kept: it
// comes with a *MissingLocationError, and the next call lists again. The
// list is shared: callers must not change it.
func (c *Client) CachedLocations(ctx context.Context) (Locations, error) {
	return c.locations.Get(ctx, struct{}{})
}

func (c *Client) fetchLocations(ctx context.Context, _ struct{}) (Locations, error) {
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	locs, probed := c.probed.take()
	if !probed {
		if locs, err = api.locations(ctx); err != nil {
			version := api.version()
			if c.apiVersion != APIVersionV2 && c.apiVersion != APIVersionV3 {
				// The probe found no v3 before this.
				version = "v2 or v3"
			}
			return nil, notServed(version, err)
		}
	}
	for _, t := range []string{LocationStore, LocationSupplier, LocationBin} {
		if _, ok := locs.ByType(t); !ok {
			return locs, &MissingLocationError{Type: t, Listed: len(locs)}
		}
	}
	return locs, nil
}

// MissingLocationError is a list of locations without a system location the
// client needs. A new organization lists none until tracking first starts.
type MissingLocationError struct {
	// Type is the first missing location type.
	Type string
	// Listed is how many locations the organization has.
	Listed int
}

func (e *MissingLocationError) Error() string {
	msg := fmt.Sprintf("list locations: the organization has no %s location", e.Type)
	if e.Listed == 0 {
		msg += " (it has no locations yet: Zettle creates them when inventory tracking first starts)"
	}
	return msg
}
