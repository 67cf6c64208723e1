"""Discount codes: when each ran, its record, and how an order that used one shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from devstore.seeding.context import Seeding
from devstore.seeding.formats import ZERO, iso, money
from devstore.store import Record, gid


@dataclass
class Promo:
    code: str
    value_type: str  # "percentage" or "fixed_amount"
    value: Decimal
    purpose: str  # "welcome", "winback" or "seasonal"
    starts: datetime
    ends: datetime | None
    minimum: Decimal = ZERO
    record: Record = field(default_factory=dict)

    def active(self, moment: datetime) -> bool:
        return self.starts <= moment and (self.ends is None or moment < self.ends)


def add_discount_codes(ctx: Seeding) -> None:
    for promo in plan_promos(ctx):
        code_id = ctx.next_id()
        promo.record = {
            "id": code_id,
            "price_rule_id": ctx.next_id(),
            "code": promo.code,
            "usage_count": 0,  # counted once the orders exist
            "created_at": iso(promo.starts - timedelta(days=2)),
            "updated_at": iso(promo.starts - timedelta(days=2)),
            "title": promo.code,
            "value_type": promo.value_type,
            "value": f"-{promo.value:.1f}",
            "prerequisite_subtotal_range": (
                {"greater_than_or_equal_to": f"{promo.minimum:.1f}"} if promo.minimum else None
            ),
            "starts_at": iso(promo.starts),
            "ends_at": iso(promo.ends) if promo.ends else None,
            "status": "ACTIVE" if promo.active(ctx.now) else "EXPIRED",
            "admin_graphql_api_id": gid("discount_codes", code_id),
        }
        ctx.shop.discount_codes[code_id] = promo.record
        ctx.promos.append(promo)


def plan_promos(ctx: Seeding) -> list[Promo]:
    """Evergreen welcome and win-back codes, an early campaign, and yearly seasonal codes."""
    opened = ctx.opened_at
    promos = [
        Promo("WELCOME10", "percentage", Decimal(10), "welcome", opened, None),
        Promo("TAKE5", "fixed_amount", Decimal(5), "winback", opened, None, Decimal(40)),
        Promo(
            "BEARDSEASON",
            "percentage",
            Decimal(20),
            "seasonal",
            opened + timedelta(days=30),
            opened + timedelta(days=75),
        ),
    ]
    for year in range(opened.year, ctx.now.year + 1):
        short = str(year)[2:]
        windows = [
            (f"DAD{short}", Decimal(15), datetime(year, 6, 1, 4, tzinfo=UTC), 16),
            (f"BFCM{short}", Decimal(20), datetime(year, 11, 22, 5, tzinfo=UTC), 11),
        ]
        for code, value, starts, days in windows:
            if opened <= starts < ctx.now:
                promos.append(Promo(code, "percentage", value, "seasonal", starts, starts + timedelta(days)))
    return sorted(promos, key=lambda p: p.starts)


def discount_code_lines(promo: Promo | None, amount: Decimal) -> list[Record]:
    if promo is None:
        return []
    return [{"code": promo.code, "amount": money(amount), "type": promo.value_type}]


def discount_applications(promo: Promo | None) -> list[Record]:
    if promo is None:
        return []
    return [
        {
            "target_type": "line_item",
            "type": "discount_code",
            "value": f"{promo.value:.1f}",
            "value_type": promo.value_type,
            "allocation_method": "across",
            "target_selection": "all",
            "code": promo.code,
        }
    ]
