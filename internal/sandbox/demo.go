package sandbox

import (
	"fmt"
	"io"
)

// The demo organization has fixed identifiers, so that the examples in this
// repository can name its products.
const (
	DemoToken        = "sandbox-demo-token"
	DemoStore        = "fd4a39a0-e2ef-11e6-ba64-85247ae2a737"
	DemoCoffeeBeans  = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120002"
	DemoCoffeeSmall  = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120003"
	DemoCoffeeLarge  = "3b8c5a2e-7d1f-11ee-8c1a-0242ac120004"
	DemoTeaTin       = "4c9d6b3f-7d1f-11ee-8c1a-0242ac120002"
	DemoTeaTinOnly   = "4c9d6b3f-7d1f-11ee-8c1a-0242ac120003"
	DemoMug          = "5dae7c40-7d1f-11ee-8c1a-0242ac120002"
	DemoMugWhite     = "5dae7c40-7d1f-11ee-8c1a-0242ac120003"
	DemoMugBlack     = "5dae7c40-7d1f-11ee-8c1a-0242ac120004"
	DemoEspresso     = "6ebf8d51-7d1f-11ee-8c1a-0242ac120002"
	DemoEspressoOnly = "6ebf8d51-7d1f-11ee-8c1a-0242ac120003"
	demoSupplier     = "fd4a39a1-e2ef-11e6-ba64-85247ae2a737"
	demoSold         = "fd4a39a2-e2ef-11e6-ba64-85247ae2a737"
	demoBin          = "fd4a39a3-e2ef-11e6-ba64-85247ae2a737"
	demoOrganization = "ab0d4f0e-e2ee-11e6-ba64-85247ae2a737"
)

// The demo organization's API key, a JWT whose payload names DemoClientID,
// for trying the assertion grant.
const (
	DemoClientID = "0aca31ae-d890-416f-9eb1-537ec9c8f51d"
	DemoAPIKey   = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." +
		"eyJpc3MiOiJodHRwczovL29hdXRoLnpldHRsZS5jb20iLCJhdWQiOiJBUEkiLCJvcmdhbml6YXRpb25fdXVpZCI6ImFiMGQ0ZjBlLWUyZWUtMTFlNi1iYTY0LTg1MjQ3YWUyYTczNyIsImN" +
		"saWVudF9pZCI6IjBhY2EzMWFlLWQ4OTAtNDE2Zi05ZWIxLTUzN2VjOWM4ZjUxZCIsInNjb3BlcyI6WyJSRUFEOlBST0RVQ1QiLCJXUklURTpQUk9EVUNUIl0sImlhdCI6MTcwOTI4MzYwMH0." +
		"FQcCHdBQzlKzib7yhprJNKB7Cm3sl3qReb2HzMJM3eTRCrrR3Sh0ZWselOhbf9nT_5GVOMojq4-hx1E8p4UsO6JLJH1Zi0fvLC6rC2xQDF-yd9Ws-be7QRYeMNx0rngdp_uwrM7qfotvHqYL_YqWLgsMPl_3Ej2d4NTDURnkJLW" +
		"7HlsK0gMJv51hlFDa28Pq3npvCMtzNeM5Ob76ebtXbDvVkkRLxKV4t4jDMwTZqqQQY6uHNCwLJf9iQh_gtl1O6sM4TVmhGgiL-VJG3puygclF-6w2PidciXnUEclFBhRcXCuouQhLB_-LmReipdwmSNRrGewn5MurAtB2d3SfBg"
)

// AddDemoOrganization adds the demo organization with DemoCatalogue and an
// API key.
func (s *Server) AddDemoOrganization() *Org { return s.addDemoOrganization(false) }

// AddNewDemoOrganization adds the demo organization as a new merchant's: no
// locations until tracking first starts, when they get the demo UUIDs.
func (s *Server) AddNewDemoOrganization() *Org { return s.addDemoOrganization(true) }

// DemoCatalogue is the demo organization's product library: a coffee shop's
// two coffees, a tea and a mug, with SKUs, barcodes and prices in SEK.
func DemoCatalogue() []Product {
	coffee, tea, merch := &Category{Name: "Coffee"}, &Category{Name: "Tea"}, &Category{Name: "Merchandise"}
	sek := func(kronor int64) *Price { return &Price{Amount: kronor * 100, CurrencyID: "SEK"} }
	return []Product{
		{UUID: DemoCoffeeBeans, Name: "House coffee beans", Category: coffee, Variants: []Variant{
			{UUID: DemoCoffeeSmall, Name: "250 g bag", SKU: "BEAN-250", Barcode: "7350000000011", Price: sek(99)},
			{UUID: DemoCoffeeLarge, Name: "1 kg bag", SKU: "BEAN-1000", Barcode: "7350000000028", Price: sek(349)},
		}},
		{UUID: DemoEspresso, Name: "Espresso blend", Category: coffee, Variants: []Variant{
			{UUID: DemoEspressoOnly, Name: "500 g bag", SKU: "ESPR-500", Barcode: "7350000000035", Price: sek(189)},
		}},
		{UUID: DemoTeaTin, Name: "Earl Grey tea tin", Category: tea, Variants: []Variant{
			{UUID: DemoTeaTinOnly, Name: "100 g tin", SKU: "TEA-EG-100", Barcode: "7350000000042", Price: sek(79)},
		}},
		{UUID: DemoMug, Name: "Logo mug", Category: merch, Variants: []Variant{
			{UUID: DemoMugWhite, Name: "White", SKU: "MUG-WHT", Barcode: "7350000000059", Price: sek(149),
				Options: []Option{{Name: "Colour", Value: "White"}}},
			{UUID: DemoMugBlack, Name: "Black", SKU: "MUG-BLK", Barcode: "7350000000066", Price: sek(149),
				Options: []Option{{Name: "Colour", Value: "Black"}}},
		}},
	}
}

// AddDemoOrganizationWith adds the demo organization, as AddDemoOrganization
// does, with catalogue as its product library instead of DemoCatalogue.
func (s *Server) AddDemoOrganizationWith(catalogue io.Reader, newOrganization bool) (*Org, error) {
	o := s.demoOrganization(newOrganization)
	if _, err := o.LoadProducts(catalogue); err != nil {
		return nil, err
	}
	return o, nil
}

func (s *Server) addDemoOrganization(newOrganization bool) *Org {
	o := s.demoOrganization(newOrganization)
	for _, p := range DemoCatalogue() {
		if _, err := o.AddLibraryProduct(p); err != nil {
			panic(fmt.Sprintf("sandbox: the demo catalogue: %v", err))
		}
	}
	return o
}

// demoOrganization adds the demo organization with an empty library.
func (s *Server) demoOrganization(newOrganization bool) *Org {
	o := s.AddOrganization(OrgSpec{
		Token: DemoToken,
		UUID:  demoOrganization,
		Locations: map[string]string{
			Store: DemoStore, Supplier: demoSupplier, Sold: demoSold, Bin: demoBin,
		},
		NewOrganization: newOrganization,
	})
	o.AddAPIKeyWith(DemoAPIKey, DemoClientID)
	return o
}
