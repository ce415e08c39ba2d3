package provider

import (
	"fmt"
	"strings"
)

// parseImportID splits an import ID of the form "[<location_uuid>/]..." into
// the location (empty when left out) and the named UUID parts.
func parseImportID(id string, parts ...string) (location string, values []string, err error) {
	fields := strings.Split(id, "/")
	switch len(fields) {
	case len(parts):
	case len(parts) + 1:
		location, fields = fields[0], fields[1:]
		if err := checkUUID(location); err != nil {
			return "", nil, fmt.Errorf("%q: the location: %w", id, err)
		}
	default:
		return "", nil, fmt.Errorf("%q: expected <%s> or <location_uuid>/<%s>", id, strings.Join(parts, ">/<"), strings.Join(parts, ">/<"))
	}
	for i, f := range fields {
		if err := checkUUID(f); err != nil {
			return "", nil, fmt.Errorf("%q: the %s: %w", id, parts[i], err)
		}
	}
	return location, fields, nil
}
