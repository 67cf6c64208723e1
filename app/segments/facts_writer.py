"""Turn computed arrays into customer_facts rows and write them in bulk.

Rows are built column-wise from numpy (no object per customer until the final tuples), then
written with COPY on PostgreSQL and the driver's executemany on SQLite, after deleting the rows
they replace, in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.analytics.facts import NO_SOURCE, NO_TIME, CustomerFacts, distance_km
from app.models import CustomerFacts as CustomerFactsRow
from app.segments import demographics
from app.segments.facts_loader import LoadedShop
from app.segments.scoring import Scores

COLUMNS = (
    "shop_id", "customer_shopify_id", "has_customer_record", "number_of_orders", "amount_spent",
    "average_order_value", "first_order_at", "last_order_at", "mean_gap_days", "cycles_since_last_order",
    "discount_share", "refund_share", "acquisition_source", "abandoned_checkout_at",
    "abandoned_checkout_value", "email_subscription_status", "country", "distance_km", "tags_text", "age",
    "gender", "recency_score", "frequency_score", "monetary_score", "rfm_group", "predicted_clv",
    "predicted_clv_percentile", "expected_orders_90d", "next_order_at", "churn_risk", "lead_score",
    "lead_score_percentile", "lead_reasons", "referral_count", "computed_at",
)  # fmt: skip


def store_locations(settings: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """settings["analytics"]["store_locations"]: [{"name", "latitude", "longitude"}, ...]."""
    locations = (settings.get("analytics") or {}).get("store_locations") or []
    points = [(float(p["latitude"]), float(p["longitude"])) for p in locations if _has_point(p)]
    return np.array([p[0] for p in points]), np.array([p[1] for p in points])


def _has_point(place: Any) -> bool:
    try:
        return isinstance(place, Mapping) and all(
            np.isfinite(float(place[k])) for k in ("latitude", "longitude")
        )
    except (KeyError, TypeError, ValueError):
        return False


def build_rows(
    shop_id: int,
    loaded: LoadedShop,
    facts: CustomerFacts,
    scores: Scores,
    settings: Mapping[str, Any],
    now: datetime,
    sqlite: bool,
    referral_counts: Mapping[int, int] | None = None,
) -> list[tuple]:
    n = loaded.customer_ids.size
    gender_prefix, age_prefix = demographics.prefixes(settings)
    # Most customers share a few tag lists and lead reasons (usually none): each distinct one is
    # worked out once.
    people, tag_texts = _per_tag_list(loaded.customers.tags, gender_prefix, age_prefix)
    sources = np.asarray([*loaded.sources, None], dtype=object)
    first_source = np.where(facts.first_source == NO_SOURCE, len(loaded.sources), facts.first_source)
    has_orders = facts.orders > 0
    latitudes, longitudes = store_locations(settings)
    customers = loaded.customers
    stamp = _times(np.array([int(now.timestamp())]), sqlite)[0]
    columns = [
        [shop_id] * n,
        loaded.customer_ids.tolist(),
        loaded.customers.has_record.tolist(),
        facts.orders.tolist(),
        _money(facts.net_revenue),
        _where(_money(facts.average_order_value), has_orders),
        _times(facts.first_order_at, sqlite),
        _times(facts.last_order_at, sqlite),
        _floats(facts.mean_gap_days),
        _floats(scores.cycles_since_last_order),
        _floats(facts.discount_share),
        _floats(facts.refund_share),
        sources[first_source].tolist(),
        _times(facts.last_abandoned_at, sqlite),
        _where(_money(facts.last_abandoned_value), facts.last_abandoned_at != NO_TIME),
        loaded.customers.email_state,
        loaded.customers.country,
        _floats(np.round(distance_km(customers.latitude, customers.longitude, latitudes, longitudes), 3)),
        tag_texts,
        [age for _, age in people],
        [gender for gender, _ in people],
        scores.recency.tolist(),
        scores.frequency.tolist(),
        scores.monetary.tolist(),
        scores.rfm_group,
        _money_from_float(scores.predicted_clv),
        _floats(scores.predicted_clv_percentile),
        _floats(scores.expected_orders_90d),
        _times(scores.next_order_at, sqlite),
        _floats(scores.churn_risk),
        _money_from_float(scores.lead_score),
        _floats(scores.lead_score_percentile),
        _json_lists(scores.lead_reasons),
        [(referral_counts or {}).get(c, 0) for c in loaded.customer_ids.tolist()],  # app/referral_program
        [stamp] * n,
    ]  # fmt: skip
    return list(zip(*columns, strict=True))


def _per_tag_list(
    tag_lists: Sequence[list[Any]], gender_prefix: str, age_prefix: str
) -> tuple[list[tuple[str | None, float | None]], list[str]]:
    """(gender, age) and the "|a|b|" text of each customer's tags."""
    known: dict[tuple, tuple[tuple[str | None, float | None], str]] = {}
    people, texts = [], []
    for tags in tag_lists:
        try:
            key = tuple(tags)
            found = known.get(key)
        except TypeError:  # an unhashable tag (not a string): worked out on its own
            key, found = None, None
        if found is None:
            found = (
                demographics.gender_and_age(tags, gender_prefix, age_prefix),
                demographics.tags_text(tags),
            )
            if key is not None:
                known[key] = found
        people.append(found[0])
        texts.append(found[1])
    return people, texts


def _json_lists(lists: Sequence[list[str]]) -> list[str]:
    known: dict[tuple[str, ...], str] = {}
    out = []
    for items in lists:
        key = tuple(items)
        if (text := known.get(key)) is None:
            text = known[key] = json.dumps(items)
        out.append(text)
    return out


def _where(values: list[Any], keep: np.ndarray) -> list[Any]:
    return [value if kept else None for value, kept in zip(values, keep.tolist(), strict=True)]


def _money(cents: np.ndarray) -> list[str]:
    return [str(Decimal(value).scaleb(-2)) for value in cents.tolist()]


def _money_from_float(values: np.ndarray) -> list[str | None]:
    rounded = np.round(values, 2)
    return [None if value != value else f"{value:.2f}" for value in rounded.tolist()]


def _floats(values: np.ndarray) -> list[float | None]:
    return [None if value != value else value for value in np.asarray(values, dtype=np.float64).tolist()]


def _times(seconds: np.ndarray, sqlite: bool) -> list[str | None]:
    """Seconds as the text each backend stores (SQLite: SQLAlchemy's DateTime format, naive UTC)."""
    missing = seconds == NO_TIME
    text = np.datetime_as_string(
        np.where(missing, 0, seconds).astype("datetime64[s]").astype("datetime64[us]")
    )
    text = np.char.replace(text, "T", " ") if sqlite else np.char.add(text, "+00:00")
    return [None if gone else value for value, gone in zip(text.tolist(), missing.tolist(), strict=True)]


def write_rows(
    session: Session, shop_id: int, rows: Sequence[tuple], customer_ids: Sequence[int] | None
) -> None:
    """Replace the shop's facts (or those of `customer_ids`) with `rows`."""
    statement = delete(CustomerFactsRow).where(CustomerFactsRow.shop_id == shop_id)
    if customer_ids is not None:
        statement = statement.where(CustomerFactsRow.customer_shopify_id.in_(list(customer_ids)))
    session.execute(statement)
    if not rows:
        return
    driver = session.connection().connection.driver_connection
    names = ", ".join(COLUMNS)
    if session.get_bind().dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY customer_facts ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cursor = driver.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO customer_facts ({names}) VALUES ({', '.join('?' * len(COLUMNS))})", rows
        )
    finally:
        cursor.close()
