package provider

import (
	"reflect"
	"testing"
)

func TestParseImportID(t *testing.T) {
	const (
		loc     = "fd4a39a0-e2ef-11e6-ba64-85247ae2a737"
		product = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
	)
	for id, want := range map[string][2]any{
		product:             {"", []string{product}},
		loc + "/" + product: {loc, []string{product}},
	} {
		gotLoc, got, err := parseImportID(id, "product_uuid")
		if err != nil || gotLoc != want[0] || !reflect.DeepEqual(got, want[1]) {
			t.Errorf("%q: %q %v %v", id, gotLoc, got, err)
		}
	}
	for _, id := range []string{"", "x", loc + "/x", "x/" + product, loc + "/" + product + "/" + product, "/" + product, product + "/"} {
		if _, _, err := parseImportID(id, "product_uuid"); err == nil {
			t.Errorf("%q accepted", id)
		}
	}
}

func FuzzParseImportID(f *testing.F) {
	f.Add("fd4a39a0-e2ef-11e6-ba64-85247ae2a737/3b8c5a2e-7d1f-11ee-8c1a-0242ac120002")
	f.Add("3b8c5a2e-7d1f-11ee-8c1a-0242ac120002")
	f.Add("//")
	f.Fuzz(func(t *testing.T, id string) {
		loc, ids, err := parseImportID(id, "product_uuid")
		if err != nil {
			return
		}
		if len(ids) != 1 || !isUUID(ids[0]) || (loc != "" && !isUUID(loc)) {
			t.Errorf("%q parsed to %q %q", id, loc, ids)
		}
	})
}
