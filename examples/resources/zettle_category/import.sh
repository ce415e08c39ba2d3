# A category is imported by its UUID, which GET /organizations/self/categories/v2 lists.
terraform import zettle_category.coffee 2a6b0e40-7d1f-11ee-8c1a-0242ac120002
