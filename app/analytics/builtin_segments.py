"""Orbit's built-in segments: each is a definition in the segment language, a sentence the
merchant reads, and the bare name of the tag Orbit pushes to Shopify (`vip`; the push writes
the shop's tag prefix + that name, so the prefix lives in one place: the shop's settings).

Built-ins are ordinary definitions over customer facts, so the merchant can read (and copy) the
rule behind every one, and one compiler serves built-in and custom segments alike. Thresholds
relative to the shop (top decile, the shop's own purchase cycle) live in the facts as
percentiles and cycle counts, computed at each full recompute. Pure: no I/O imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.analytics.segment_attributes import RFM_GROUP_NAMES

DEFAULT_LOCAL_RADIUS_KM = Decimal("40")  # about 25 miles
NEW_CUSTOMER_DAYS = 30
CART_ABANDONER_DAYS = 30
LAPSED_CYCLES = 3


@dataclass(frozen=True)
class BuiltinSegment:
    key: str
    name: str
    description: str  # what the merchant reads
    definition: str  # segment language
    tag: str  # bare tag name, without the shop's prefix
    push_tag: bool  # the default; the merchant may change it


def local_radius_km(settings: Mapping[str, Any]) -> Decimal:
    """The shop's "local" radius: settings["analytics"]["local_radius_km"], else 40 km."""
    value = (settings.get("analytics") or {}).get("local_radius_km")
    try:
        radius = Decimal(str(value)) if value is not None else DEFAULT_LOCAL_RADIUS_KM
    except ArithmeticError:
        return DEFAULT_LOCAL_RADIUS_KM
    return radius if radius.is_finite() and radius > 0 else DEFAULT_LOCAL_RADIUS_KM


def rfm_group_key(group_name: str) -> str:
    return "rfm_" + group_name.lower().replace(" ", "_")


def builtin_segments(settings: Mapping[str, Any]) -> list[BuiltinSegment]:
    radius = local_radius_km(settings)
    named = [
        BuiltinSegment(
            "vip",
            "VIP",
            "The top 10% of the shop's buyers by predicted value over the next 12 months.",
            "predicted_clv_percentile >= 90",
            "vip",
            True,
        ),
        BuiltinSegment(
            "repeat",
            "Repeat buyers",
            "Customers with two or more orders.",
            "number_of_orders >= 2",
            "repeat",
            True,
        ),
        BuiltinSegment(
            "new",
            "New customers",
            f"Customers whose first order was in the last {NEW_CUSTOMER_DAYS} days.",
            f"first_order_date > -{NEW_CUSTOMER_DAYS}d",
            "new",
            True,
        ),
        BuiltinSegment(
            "at_risk",
            "At risk",
            "Repeat buyers whom the lifetime-value model gives at least an even chance of having "
            "stopped buying.",
            "number_of_orders >= 2 AND churn_risk >= 0.5",
            "at-risk",
            True,
        ),
        BuiltinSegment(
            "lapsed",
            "Lapsed",
            f"Buyers with no order for {LAPSED_CYCLES} times the shop's typical gap between orders "
            "(the median gap of its repeat buyers).",
            f"number_of_orders >= 1 AND cycles_since_last_order >= {LAPSED_CYCLES}",
            "lapsed",
            True,
        ),
        BuiltinSegment(
            "cart_abandoners",
            "Cart abandoners",
            f"Customers who left a checkout unfinished in the last {CART_ABANDONER_DAYS} days and have "
            "not ordered since.",
            f"abandoned_checkout_date > -{CART_ABANDONER_DAYS}d",
            "cart-abandoner",
            True,
        ),
        BuiltinSegment(
            "newsletter_leads",
            "Newsletter leads",
            "Subscribers to email marketing who have not ordered yet.",
            "number_of_orders = 0 AND email_subscription_status = 'subscribed'",
            "newsletter-lead",
            True,
        ),
        BuiltinSegment(
            "high_value_leads",
            "High-value leads",
            "Leads (no order yet) in the top 20% of the shop's leads by projected value.",
            "number_of_orders = 0 AND lead_score_percentile >= 80",
            "high-value-lead",
            True,
        ),
        BuiltinSegment(
            "discount_seekers",
            "Discount seekers",
            "Repeat buyers who used a discount on at least half of their orders.",
            "number_of_orders >= 2 AND discount_share >= 0.5",
            "discount-seeker",
            True,
        ),
        BuiltinSegment(
            "local",
            "Local customers",
            f"Customers whose address is within {radius} km of one of the shop's locations.",
            f"distance_km <= {radius}km",
            "local",
            True,
        ),
        BuiltinSegment(
            "advocates",
            "Advocates",
            "Customers who referred at least one new customer. Empty until the shop runs Orbit's "
            "referral program.",
            "referral_count >= 1",
            "advocate",
            True,
        ),
    ]
    rfm = [
        BuiltinSegment(
            rfm_group_key(group),
            f"RFM: {group}",
            f"Customers in the RFM group {group} (see the RFM rule table).",
            f"rfm_group = '{group}'",
            "rfm-" + group.lower().replace(" ", "-"),
            False,  # eleven tags on every customer is clutter: the merchant opts in
        )
        for group in RFM_GROUP_NAMES
    ]
    return named + rfm
