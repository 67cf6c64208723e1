"""From facts to the scored columns customer_facts stores: fit a shop's parameters (full
recompute), then score any set of customers against them (full and incremental alike, so an
incremental update equals the full run that used the same parameters).

Pure: numpy and app.analytics only. Parameters are plain JSON so shop_models can keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.analytics import rfm
from app.analytics.facts import NO_TIME, SECONDS_PER_DAY, CustomerFacts

PERCENTILE_POINTS = np.arange(1, 100) / 100  # 99 cut points: percentile = how many lie below


@dataclass(frozen=True)
class Scores:
    recency: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray
    rfm_group: list[str | None]
    cycles_since_last_order: np.ndarray  # float, NaN without orders or without a shop cycle
    predicted_clv: np.ndarray  # float currency units, NaN when not scored
    predicted_clv_percentile: np.ndarray
    expected_orders_90d: np.ndarray
    next_order_at: np.ndarray  # int64 seconds or NO_TIME
    churn_risk: np.ndarray
    lead_score: np.ndarray  # float currency units, NaN for buyers
    lead_score_percentile: np.ndarray
    lead_reasons: list[list[str]]


def percentile_cuts(values: np.ndarray) -> list[float]:
    finite = values[np.isfinite(values)]
    return [] if finite.size == 0 else np.quantile(finite, PERCENTILE_POINTS).tolist()


def percentiles(values: np.ndarray, cuts: list[float]) -> np.ndarray:
    """0-99: how many of the shop's percentile cut points lie strictly below each value."""
    if not cuts:
        return np.full(values.shape, np.nan)
    ranks = np.searchsorted(np.asarray(cuts), values, side="left").astype(np.float64)
    return np.where(np.isfinite(values), ranks, np.nan)


def shop_purchase_cycle_days(facts: CustomerFacts) -> float | None:
    """The shop's typical gap between orders: the median of its repeat buyers' median gaps."""
    gaps = facts.median_gap_days[np.isfinite(facts.median_gap_days) & (facts.median_gap_days > 0)]
    return float(np.median(gaps)) if gaps.size else None


def fit_parameters(facts: CustomerFacts, now_seconds: int, utc_offset_seconds: int = 0) -> dict[str, Any]:
    recency_day = rfm.last_order_day(facts.last_order_at, utc_offset_seconds)
    cutoffs = rfm.rfm_cutoffs(recency_day, facts.orders, facts.net_revenue)
    parameters: dict[str, Any] = {
        "rfm": cutoffs.to_json(),
        "purchase_cycle_days": shop_purchase_cycle_days(facts),
        "utc_offset_seconds": utc_offset_seconds,
    }
    first_pass = score_customers(facts, parameters, now_seconds)
    buyers = facts.orders > 0
    parameters["clv_percentiles"] = percentile_cuts(first_pass.predicted_clv[buyers])
    parameters["lead_percentiles"] = percentile_cuts(first_pass.lead_score[~buyers])
    return parameters


def score_customers(facts: CustomerFacts, parameters: dict[str, Any], now_seconds: int) -> Scores:
    offset = int(parameters.get("utc_offset_seconds") or 0)
    cutoffs = rfm.RfmCutoffs.from_json(parameters["rfm"])
    r, f, m = rfm.rfm_scores(
        rfm.last_order_day(facts.last_order_at, offset), facts.orders, facts.net_revenue, cutoffs
    )
    group_index = rfm.rfm_groups(r, f, m)
    names = np.asarray(rfm.GROUP_NAMES, dtype=object)[group_index].tolist()
    cycle = parameters.get("purchase_cycle_days")
    has_orders = facts.last_order_at != NO_TIME
    with np.errstate(invalid="ignore", divide="ignore"):
        days_since = np.where(has_orders, (now_seconds - facts.last_order_at) / SECONDS_PER_DAY, np.nan)
        cycles = days_since / cycle if cycle else np.full(facts.orders.shape, np.nan)
    n = facts.orders.size
    nan = np.full(n, np.nan)
    clv = nan.copy()
    lead = nan.copy()
    return Scores(
        recency=r,
        frequency=f,
        monetary=m,
        rfm_group=names,
        cycles_since_last_order=np.round(cycles, 6),
        predicted_clv=clv,
        predicted_clv_percentile=percentiles(clv, parameters.get("clv_percentiles") or []),
        expected_orders_90d=nan.copy(),
        next_order_at=np.full(n, NO_TIME, dtype=np.int64),
        churn_risk=nan.copy(),
        lead_score=lead,
        lead_score_percentile=percentiles(lead, parameters.get("lead_percentiles") or []),
        lead_reasons=[[] for _ in range(n)],
    )
