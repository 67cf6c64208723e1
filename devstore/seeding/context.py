"""The state one seeding run shares: the shop, the single random stream, the clock and what exists."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from devstore.store import Record, Shop

if TYPE_CHECKING:
    from devstore.seeding.catalogue import Offer, Shelf
    from devstore.seeding.discounts import Promo

HISTORY_DAYS = 900  # the store opened this long before `now`


@dataclass
class Seeding:
    shop: Shop
    rng: random.Random
    now: datetime
    offers: list[Offer] = field(default_factory=list)
    promos: list[Promo] = field(default_factory=list)
    locations: list[Record] = field(default_factory=list)
    used_emails: set[str] = field(default_factory=set)
    used_phones: set[str] = field(default_factory=set)
    shelves: dict[date, Shelf] = field(default_factory=dict)
    last_id: int = 0

    def __post_init__(self) -> None:
        # Seeding runs under the shop's lock, so it can count ids itself from the shop's next
        # one and reserve them afterwards: the same ids, without a lock round-trip per record.
        self.last_id = self.shop.next_id() - 1

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    @property
    def opened_at(self) -> datetime:
        return self.now - timedelta(days=HISTORY_DAYS)

    @property
    def currency(self) -> str:
        return self.shop.currency

    def offer(self, handle: str) -> Offer | None:
        return next((o for o in self.offers if o.handle == handle), None)
