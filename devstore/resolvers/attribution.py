"""Order.customerJourneySummary from the order's REST `landing_site` and `referring_site`.

The devstore has no session data, so the order's landing page and referrer stand for both the
first and the last visit, stamped at the order's creation time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import graphql_datetime, shopify_gid
from devstore.resolvers.context import order_customer_id
from devstore.store import Record

# utm_medium -> MarketingTactic, for the usual values.
MEDIUM_TACTICS = {
    "email": "NEWSLETTER",
    "newsletter": "NEWSLETTER",
    "cpc": "AD",
    "ppc": "AD",
    "paid": "AD",
    "display": "AD",
    "affiliate": "AFFILIATE",
    "social": "POST",
    "referral": "LINK",
}
UTM_KEYS = ("source", "medium", "campaign", "content", "term")


def journey_summary(order: Record, info: GraphQLResolveInfo) -> dict[str, Any]:
    visit = customer_visit(order, info.context.shop.domain)
    return {
        "ready": True,
        "customerOrderIndex": customer_order_index(order, info),
        "daysToConversion": 0 if visit else None,
        "firstVisit": visit,
        "lastVisit": visit,
        "momentsCount": {"count": 1 if visit else 0, "precision": "EXACT"},
    }


def customer_order_index(order: Record, info: GraphQLResolveInfo) -> int | None:
    """1-based position among the customer's non-test orders (Shopify skips test orders)."""
    customer_id = order_customer_id(order)
    if customer_id is None or order.get("test"):
        return None
    history = [o for o in info.context.orders_of(customer_id) if not o.get("test")]
    return next((i + 1 for i, o in enumerate(history) if o["id"] == order["id"]), None)


def customer_visit(order: Record, shop_domain: str) -> dict[str, Any] | None:
    landing = order.get("landing_site")
    referrer = order.get("referring_site")
    if not landing and not referrer:
        return None
    landing_url = f"https://{shop_domain}{landing}" if landing and landing.startswith("/") else landing
    params = {k: v[0] for k, v in parse_qs(urlsplit(landing_url or "").query).items() if v}
    utm = {key: params.get(f"utm_{key}") for key in UTM_KEYS}
    source = utm["source"] or referrer_source(referrer)
    return {
        "id": shopify_gid("CustomerVisit", order["id"]),
        "landingPage": landing_url,
        "landingPageHtml": None,
        "referrerUrl": referrer or None,
        "referralCode": params.get("ref"),
        "referralInfoHtml": f"Referred from {source}",
        "source": source,
        "sourceType": MEDIUM_TACTICS.get((utm["medium"] or "").lower()),
        "sourceDescription": None,
        "occurredAt": graphql_datetime(order.get("created_at")),
        "utmParameters": utm if any(utm.values()) else None,
        "marketingEvent": None,
    }


def referrer_source(referrer: str | None) -> str:
    if not referrer:
        return "direct"
    labels = (urlsplit(referrer).hostname or "").split(".")
    if len(labels) < 2:
        return "an unknown source"
    # The site's name: "l.facebook.com" -> facebook, "www.google.co.uk" -> google.
    name_index = -3 if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net") else -2
    return labels[name_index]
