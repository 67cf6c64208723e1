"""Named GraphQL operations the app sends; each is validated against the real schema in tests."""

SHOP_OVERVIEW = """
query ShopOverview {
  shop {
    id
    name
    myshopifyDomain
    currencyCode
    ianaTimezone
  }
  customersCount { count precision }
  ordersCount { count precision }
  productsCount { count precision }
  orders(first: 5, reverse: true, sortKey: PROCESSED_AT) {
    nodes {
      id
      name
      processedAt
      displayFinancialStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      customer { id displayName }
    }
  }
}
"""
