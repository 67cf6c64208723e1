"""Fill a devstore shop with a deterministic, plausible men's grooming store (DESIGN 9).

`seed_shop` writes products, locations, discount codes, customers, orders (with refunds and
fulfillments) and abandoned checkouts, each a dict shaped like its Shopify webhook body. The
same `seed` and `now` always give the same data: every random draw comes from one
`random.Random(seed)` and the clock is read only when `now` is omitted.

The store is simulated, not sprinkled: customers are acquired over about two and a half years
(growing, with holiday peaks), buy a first basket built around a favourite category and its
usual companions, then come back after a gamma-distributed gap set by what they bought (beard
oil lasts about 60 days) until they drop out. That gives later analytics real signal: one-time
versus repeat buyers, replenishment cycles, churn, co-purchases and acquisition channels.

Choices worth knowing:
- Timestamps use devstore.store.now_iso's form (UTC, "Z"), not the shop-local offsets Shopify
  prints; both are ISO-8601.
- Shopify has no gender or age fields. About half the customers answered a sign-up quiz, kept as
  merchant tags: "gender:male", "age:25-34", "beard:full" (so "men aged 25-54" is expressible).
- Other merchant tags: "newsletter" (the theme's sign-up form), "wholesale", "influencer", and
  "staff" on the owner's account, which holds the few test orders (test: true).
- Cancelled orders are voided: their current_* totals are zero. Refunds lower current_* totals.
- Nested records (variants, line items, refunds, ...) carry global ids of their own Shopify types.

How the package is laid out (a run goes top to bottom, in `seeder.seed_shop`):
- context, draws, formats: the run's shared state, its random draws, Shopify's value formats.
- locations, catalogue, discounts: the store before any customer arrives.
- people, contacts, purchases, baskets: planning each customer's life (no records yet).
- customers, orders (order_lines, pricing, refunds, fulfillments, visits), checkouts: the
  webhook-shaped records written from those plans.
- data/: the static word lists and catalogue.
"""

from __future__ import annotations

from devstore.seeding.seeder import make_demo_shop, seed_shop
from devstore.seeding.summary import SeedSummary

__all__ = ["SeedSummary", "make_demo_shop", "seed_shop"]
