"""Basket pricing: discount and tax spread over the lines so that every cent adds up."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from devstore.seeding.formats import CENT, ZERO, money, money_set
from devstore.store import Record

if TYPE_CHECKING:
    from devstore.seeding.baskets import Line
    from devstore.seeding.discounts import Promo


@dataclass
class PricedLine:
    line: Line
    discount: Decimal
    tax: Decimal
    refunded_quantity: int = 0
    record: Record = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return self.line.gross - self.discount


@dataclass
class Pricing:
    lines: list[PricedLine]
    items_total: Decimal
    discount: Decimal
    shipping: Decimal
    tax: Decimal
    tax_rate: Decimal

    @property
    def subtotal(self) -> Decimal:
        return self.items_total - self.discount

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping + self.tax


def price_basket(lines: list[Line], promo: Promo | None, tax_rate: Decimal, shipping: Decimal) -> Pricing:
    """Totals that add up: subtotal = items - discounts; total = subtotal + shipping + tax."""
    gross = [line.gross for line in lines]
    items_total = sum(gross, ZERO)
    discount = ZERO
    if promo is not None and promo.value_type == "percentage":
        discount = (items_total * promo.value / 100).quantize(CENT, ROUND_HALF_UP)
    elif promo is not None:
        discount = min(promo.value, items_total)
    discounts = allocate(discount, gross)
    tax = ((items_total - discount) * tax_rate).quantize(CENT, ROUND_HALF_UP)
    taxes = allocate(tax, [g - d for g, d in zip(gross, discounts, strict=True)])
    priced = [PricedLine(*parts) for parts in zip(lines, discounts, taxes, strict=True)]
    return Pricing(priced, items_total, discount, shipping, tax, tax_rate)


def allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `weights` so that the cent parts add up exactly."""
    if len(weights) <= 1 or not total:  # the common cases: one line, or nothing to split
        return [total] + [ZERO] * (len(weights) - 1) if weights else []
    cents = int((total * 100).to_integral_value(ROUND_HALF_UP))
    weight_sum = sum(weights, ZERO)
    if weight_sum <= 0:
        return [Decimal(cents).scaleb(-2)] + [ZERO] * (len(weights) - 1)
    raw = [cents * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p).scaleb(-2) for p in parts]


def tax_lines(amount: Decimal, rate: Decimal, title: str, currency: str) -> list[Record]:
    if rate == 0:
        return []
    return [
        {
            "channel_liable": False,
            "price": money(amount),
            "price_set": money_set(amount, currency),
            "rate": float(rate),
            "title": title,
        }
    ]
