"""customer_facts rows as the API's JSON (money as strings, times as ISO-8601 UTC)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from app.models import CustomerFacts

FIELDS = (
    "number_of_orders", "amount_spent", "average_order_value", "first_order_at", "last_order_at",
    "mean_gap_days", "cycles_since_last_order", "discount_share", "refund_share", "acquisition_source",
    "abandoned_checkout_at", "abandoned_checkout_value", "email_subscription_status", "country",
    "distance_km", "age", "gender", "recency_score", "frequency_score", "monetary_score", "rfm_group",
    "predicted_clv", "predicted_clv_percentile", "expected_orders_90d", "next_order_at", "churn_risk",
    "lead_score", "lead_score_percentile", "lead_reasons", "referral_count", "computed_at",
)  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def facts_json(facts: CustomerFacts) -> dict[str, Any]:
    return {
        "customer_id": facts.customer_shopify_id,
        **{name: _plain(getattr(facts, name)) for name in FIELDS},
    }
