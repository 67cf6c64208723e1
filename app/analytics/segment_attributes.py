"""The attributes a segment expression may name, what kind each is, and what that kind allows.

The parser checks names, operators and literal kinds against this table, so a definition that
parses also compiles; the compiler (app/segments/compile.py) maps each name to a column.
Pure: no I/O imports.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds: what operators and literals an attribute takes.
NUMBER = "number"  # comparisons, BETWEEN, IS NULL; number literals
DATE = "date"  # comparisons, BETWEEN, IS NULL; 2026-01-31 or -90d
TEXT = "text"  # = and !=, IS NULL; quoted strings, compared case-insensitively
LIST = "list"  # CONTAINS / NOT CONTAINS; a quoted string, case-insensitive
DISTANCE = "distance"  # like NUMBER (kilometres), also 25mi / 40km literals

OPERATORS_BY_KIND = {
    NUMBER: ("=", "!=", "<", "<=", ">", ">=", "BETWEEN", "IS"),
    DATE: ("=", "!=", "<", "<=", ">", ">=", "BETWEEN", "IS"),
    TEXT: ("=", "!=", "IS"),
    LIST: ("CONTAINS", "NOT"),
    DISTANCE: ("=", "!=", "<", "<=", ">", ">=", "BETWEEN", "IS"),
}

RFM_GROUP_NAMES = (
    "Champions",
    "Loyal",
    "Active",
    "Promising",
    "New",
    "Needs attention",
    "At risk",
    "Almost lost",
    "Previously loyal",
    "Dormant",
    "Prospects",
)

# Shopify's CustomerEmailMarketingState values, lower-cased as Orbit stores them.
EMAIL_STATES = ("not_subscribed", "pending", "subscribed", "unsubscribed", "redacted", "invalid")


@dataclass(frozen=True)
class Attribute:
    name: str
    kind: str
    description: str
    allowed_values: tuple[str, ...] = ()  # for TEXT attributes with a closed set of values


ATTRIBUTES: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("number_of_orders", NUMBER, "paid orders, not cancelled, not test"),
        Attribute("amount_spent", NUMBER, "net revenue from the customer after refunds"),
        Attribute("average_order_value", NUMBER, "net revenue per order"),
        Attribute("first_order_date", DATE, "date of the first order"),
        Attribute("last_order_date", DATE, "date of the latest order"),
        Attribute("predicted_clv", NUMBER, "predicted value of the next 12 months"),
        Attribute("predicted_clv_percentile", NUMBER, "0-100: share of the shop's buyers predicted below"),
        Attribute("expected_orders_90d", NUMBER, "expected orders in the next 90 days"),
        Attribute("churn_risk", NUMBER, "0-1: probability the customer has stopped buying"),
        Attribute("cycles_since_last_order", NUMBER, "days since the last order / shop's typical gap"),
        Attribute("discount_share", NUMBER, "0-1: share of orders that used a discount"),
        Attribute("refund_share", NUMBER, "0-1: share of revenue refunded"),
        Attribute("lead_score", NUMBER, "projected value of a lead (no orders yet)"),
        Attribute("lead_score_percentile", NUMBER, "0-100: share of the shop's leads scored below"),
        Attribute("referral_count", NUMBER, "customers this customer referred"),
        Attribute("rfm_group", TEXT, "RFM group name", RFM_GROUP_NAMES),
        Attribute("email_subscription_status", TEXT, "email marketing consent", EMAIL_STATES),
        Attribute("country", TEXT, "two-letter country code of the default address"),
        Attribute("acquisition_source", TEXT, "where the first order came from"),
        Attribute("gender", TEXT, "from the shop's gender source (tag prefix, by default gender:)"),
        Attribute("age", NUMBER, "from the shop's age source; an age band counts as its midpoint"),
        Attribute("distance_km", DISTANCE, "kilometres from the nearest store location"),
        Attribute("customer_tags", LIST, "the customer's tags in Shopify"),
        Attribute("products_purchased", LIST, "a product title, type or tag the customer bought"),
        Attribute("abandoned_checkout_date", DATE, "date of the latest checkout left unfinished"),
    )
}
