"""The devstore's seeder, as the rest of the code imports it; the work is in `devstore.seeding`."""

from __future__ import annotations

from devstore.seeding import SeedSummary, make_demo_shop, seed_shop

__all__ = ["SeedSummary", "make_demo_shop", "seed_shop"]
