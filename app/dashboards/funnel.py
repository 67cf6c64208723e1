"""The home page's figures: acquisition source of a visit, the five-stage funnel, and revenue
and repeat rate per acquisition source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, urlsplit

# Hosts whose first label does not name the site (l.facebook.com, m.facebook.com, www.google.com).
_HOST_NOISE = {"www", "l", "m", "lm", "mobile", "web", "out"}
_PAID_MEDIUMS = {"cpc", "ppc", "paid", "paid_social", "paidsocial", "display"}


def visit_source(landing_site: str | None, referring_site: str | None, source_name: str | None) -> str:
    """A readable acquisition source: UTM first (the merchant chose it), then the referring
    site, then Shopify's channel name; 'direct' for a web visit with neither."""
    if landing_site:
        query = parse_qs(urlsplit(landing_site).query)
        utm_source = (query.get("utm_source") or [""])[0].strip().lower()
        if utm_source:
            medium = (query.get("utm_medium") or [""])[0].strip().lower()
            if utm_source == "google" and medium in _PAID_MEDIUMS:
                return "google ads"
            return utm_source.replace("_", " ")
    if referring_site:
        host = (urlsplit(referring_site).hostname or "").lower()
        labels = [label for label in host.split(".") if label]
        while len(labels) > 2 and labels[0] in _HOST_NOISE:
            labels.pop(0)
        if labels:
            return labels[0]
    if source_name and source_name not in ("web", "shopify_draft_order"):
        return source_name.replace("_", " ")
    return "direct"


@dataclass(frozen=True)
class CustomerOrders:
    """One buyer's orders in time order, as the source table needs them."""

    first_order_source: str
    orders: int
    net_revenue: Decimal


def percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def funnel(
    visits: int, known_people: int, buyers: int, repeat_buyers: int, advocates: int | None
) -> list[dict]:
    """The five stages with the conversion from the stage before (None where not measurable)."""
    stages = [
        (
            "visitors",
            "Visits that reached checkout",
            visits,
            "Orders and abandoned checkouts; anonymous browsing isn't shared with apps.",
        ),
        ("leads", "Leads", known_people, "People with an account, a newsletter sign-up or a checkout email."),
        ("first_time", "First-time customers", buyers, "People with at least one paid order."),
        ("repeat", "Repeat customers", repeat_buyers, "People with two or more paid orders."),
        ("advocates", "Advocates", advocates, "Customers who referred a friend who bought."),
    ]
    result = []
    previous: int | None = None
    for key, label, count, definition in stages:
        conversion = percent(count, previous) if count is not None and previous is not None else None
        result.append(
            {"key": key, "label": label, "count": count, "definition": definition, "conversion": conversion}
        )
        previous = count
    return result


def sources_table(customers: list[CustomerOrders]) -> list[dict]:
    """Per first-order source: customers, repeat rate and net revenue, biggest revenue first."""
    grouped: dict[str, list[CustomerOrders]] = {}
    for customer in customers:
        grouped.setdefault(customer.first_order_source, []).append(customer)
    rows = []
    for source, members in grouped.items():
        repeaters = sum(1 for member in members if member.orders >= 2)
        revenue = sum((member.net_revenue for member in members), Decimal(0))
        rows.append(
            {
                "source": source,
                "customers": len(members),
                "repeat_customers": repeaters,
                "repeat_rate": percent(repeaters, len(members)),
                "revenue": str(revenue.quantize(Decimal("0.01"))),
            }
        )
    rows.sort(key=lambda row: (-Decimal(row["revenue"]), row["source"]))
    return rows


def first_order_sources(
    orders: list[tuple[int, datetime | None, str | None, str | None, str | None]],
) -> dict[int, str]:
    """customer id -> source of their earliest order; rows are (customer, processed_at, landing,
    referring, source_name) in any order."""
    earliest: dict[int, tuple[datetime | None, str]] = {}
    for customer, processed_at, landing, referring, source_name in orders:
        known = earliest.get(customer)
        if known is None or (processed_at is not None and (known[0] is None or processed_at < known[0])):
            earliest[customer] = (processed_at, visit_source(landing, referring, source_name))
    return {customer: source for customer, (_, source) in earliest.items()}
