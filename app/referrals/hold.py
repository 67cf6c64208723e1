"""When a referral reward is earned: after a hold period, or once the friend's order is
fulfilled and not refunded, as the merchant chose. Until then it is only pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

DEFAULT_HOLD_DAYS = 14


@dataclass(frozen=True)
class HoldPolicy:
    mode: Literal["days", "fulfilled"] = "days"
    days: int = DEFAULT_HOLD_DAYS


@dataclass(frozen=True)
class OrderProgress:
    created_at: datetime
    total: Decimal
    fulfilled_at: datetime | None = None
    refunded: Decimal = Decimal("0")
    cancelled: bool = False
    chargeback: bool = False  # the buyer's bank took the money back (a Shopify Payments dispute)


def hold_ends_at(order: OrderProgress, policy: HoldPolicy) -> datetime | None:
    """When the reward stops being pending; None while a fulfilment-based hold still waits."""
    if policy.mode == "fulfilled":
        return order.fulfilled_at
    return order.created_at + timedelta(days=policy.days)


def reward_state(
    order: OrderProgress, policy: HoldPolicy, now: datetime
) -> Literal["pending", "earned", "void"]:
    if order.cancelled or order.chargeback or order.refunded >= order.total:
        # Nothing was bought in the end. A partial refund does not void: the fraud rules send
        # it to the merchant's review queue with the amount.
        return "void"
    ends = hold_ends_at(order, policy)
    return "earned" if ends is not None and ends <= now else "pending"
