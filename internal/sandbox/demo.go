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

// AddDemoOrganization adds the demo organization with three products.
func (s *Server) AddDemoOrganization() *Org {
	o := s.AddOrganization(OrgSpec{
		Token: DemoToken,
		UUID:  demoOrganization,
		Locations: map[string]string{
			Store: DemoStore, Supplier: demoSupplier, Sold: demoSold, Bin: demoBin,
		},
	})
	o.AddProductWithUUIDs(DemoCoffeeBeans, DemoCoffeeSmall, DemoCoffeeLarge)
	o.AddProductWithUUIDs(DemoTeaTin, DemoTeaTinOnly)
	o.AddProductWithUUIDs(DemoMug, DemoMugWhite, DemoMugBlack)
	return o
}
