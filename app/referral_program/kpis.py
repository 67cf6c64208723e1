"""Program KPIs over a period: share of new customers referred, friend conversion from link
clicks, and reward cost against referred revenue. Queries here, ratios in `ratios` (pure)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Order, Referral, ReferralClick, Reward

COUNTED = ("pending", "review", "earned")


@dataclass(frozen=True)
class ProgramFigures:
    new_customers: int
    referred_new_customers: int
    clicks: int
    referred_orders: int
    referred_revenue: Decimal
    reward_cost: Decimal
    rewards_issued: int


def ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    return None if not whole else round(float(Decimal(part) / Decimal(whole)), 4)


def ratios(figures: ProgramFigures) -> dict[str, Any]:
    """The figures plus share_referred, friend_conversion and cost_to_revenue (None when undefined)."""
    return {
        **asdict(figures),
        "share_referred": ratio(figures.referred_new_customers, figures.new_customers),
        # Orders per link click; codes shared by word of mouth can push it above 1.
        "friend_conversion": ratio(figures.referred_orders, figures.clicks),
        "cost_to_revenue": ratio(figures.reward_cost, figures.referred_revenue),
    }


def program_figures(
    session: Session, shop_id: int, start: datetime, end: datetime | None = None
) -> ProgramFigures:
    """Figures for [start, end); no `end` means up to now, including stamps a little ahead of our
    clock (Shopify's and ours are never exactly in step)."""
    far = end or datetime.max.replace(tzinfo=UTC)
    first_orders = (
        select(Order.customer_shopify_id, func.min(Order.processed_at).label("first_at"))
        .where(Order.shop_id == shop_id, Order.deleted_at.is_(None), Order.customer_shopify_id.is_not(None))
        .group_by(Order.customer_shopify_id)
        .subquery()
    )
    new_customers = session.scalar(
        select(func.count())
        .select_from(first_orders)
        .where(first_orders.c.first_at >= start, first_orders.c.first_at < far)
    )
    in_period = (Referral.shop_id == shop_id, Referral.ordered_at >= start, Referral.ordered_at < far)
    referred = session.execute(
        select(
            func.count(Referral.id),
            func.count(func.distinct(Referral.friend_customer_shopify_id)),
            func.coalesce(func.sum(Referral.order_total), 0),
        ).where(*in_period, Referral.status.in_(COUNTED))
    ).one()
    clicks = session.scalar(
        select(func.count(ReferralClick.id)).where(
            ReferralClick.shop_id == shop_id,
            ReferralClick.clicked_at >= start,
            ReferralClick.clicked_at < far,
        )
    )
    issued = session.execute(
        select(func.count(Reward.id), func.coalesce(func.sum(Reward.amount), 0)).where(
            Reward.shop_id == shop_id,
            Reward.status.in_(("issued", "flagged")),
            Reward.issued_at >= start,
            Reward.issued_at < far,
        )
    ).one()
    return ProgramFigures(
        new_customers=int(new_customers or 0),
        referred_new_customers=int(referred[1] or 0),
        clicks=int(clicks or 0),
        referred_orders=int(referred[0] or 0),
        referred_revenue=Decimal(referred[2] or 0),
        reward_cost=Decimal(issued[1] or 0),
        rewards_issued=int(issued[0] or 0),
    )
