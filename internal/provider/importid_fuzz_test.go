package provider

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// importAttrs are attribute names for up to three UUID parts; the resources
// import one (product_uuid) or two (product_uuid/variant_uuid).
var importAttrs = []string{"product_uuid", "variant_uuid", "third_uuid"}

// FuzzParseImportIDParts parses an import ID into 1–3 parts (n mod 3, plus
// one). An accepted ID has exactly the requested UUID parts, behind an
// optional location UUID, and joining them with "/" gives back the ID: the
// parser trims and drops nothing. A refused ID is quoted in the error.
func FuzzParseImportIDParts(f *testing.F) {
	const loc, product, variant = "fd4a39a0-e2ef-11e6-ba64-85247ae2a737", "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002", "4c9d6b3f-8e2a-11ee-9d2b-0242ac120003"
	f.Add(product, uint8(0))
	f.Add(loc+"/"+product+"/"+variant, uint8(1))
	f.Add("/"+product, uint8(0))
	f.Add(product+"//"+variant, uint8(1))
	f.Fuzz(func(t *testing.T, id string, n uint8) {
		attrs := importAttrs[:1+int(n)%len(importAttrs)]
		location, values, err := parseImportID(id, attrs...)
		if err != nil {
			if !strings.HasPrefix(err.Error(), strconv.Quote(id)+": ") {
				t.Fatalf("%q: error %q does not name the ID", id, err)
			}
			return
		}
		if len(values) != len(attrs) {
			t.Fatalf("%q: %d values %q for %d parts", id, len(values), values, len(attrs))
		}
		for _, v := range values {
			if !isUUID(v) {
				t.Fatalf("%q: part %q is not a UUID", id, v)
			}
		}
		if location != "" && !isUUID(location) {
			t.Fatalf("%q: location %q is not a UUID", id, location)
		}
		if joined := joinImportID(location, values); joined != id {
			t.Fatalf("%q parsed to %q %q, which join to %q", id, location, values, joined)
		}
		if location != "" {
			return
		}
		// An ID without a location takes one in front.
		withLoc, again, err := parseImportID(loc+"/"+id, attrs...)
		if err != nil || withLoc != loc || !slices.Equal(again, values) {
			t.Fatalf("%q behind location %s: %q %q (%v)", id, loc, withLoc, again, err)
		}
	})
}

// joinImportID is the import ID parseImportID read location and values from.
func joinImportID(location string, values []string) string {
	if location == "" {
		return strings.Join(values, "/")
	}
	return location + "/" + strings.Join(values, "/")
}
