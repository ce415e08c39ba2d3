package sandbox

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

// AddDemoOrganization adds the demo organization with three products and an
// API key.
func (s *Server) AddDemoOrganization() *Org { return s.addDemoOrganization(false) }

// AddNewDemoOrganization adds the demo organization as a new merchant's: no
// locations until tracking first starts, when they get the demo UUIDs.
func (s *Server) AddNewDemoOrganization() *Org { return s.addDemoOrganization(true) }

func (s *Server) addDemoOrganization(newOrganization bool) *Org {
	o := s.AddOrganization(OrgSpec{
		Token: DemoToken,
		UUID:  demoOrganization,
		Locations: map[string]string{
			Store: DemoStore, Supplier: demoSupplier, Sold: demoSold, Bin: demoBin,
		},
		NewOrganization: newOrganization,
	})
	o.AddProductWithUUIDs(DemoCoffeeBeans, DemoCoffeeSmall, DemoCoffeeLarge)
	o.AddProductWithUUIDs(DemoTeaTin, DemoTeaTinOnly)
	o.AddProductWithUUIDs(DemoMug, DemoMugWhite, DemoMugBlack)
	o.AddAPIKeyWith(DemoAPIKey, DemoClientID)
	return o
}
