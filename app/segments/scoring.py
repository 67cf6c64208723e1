"""From facts to the scored columns customer_facts stores: fit a shop's parameters (full
recompute), then score any set of customers against them (full and incremental alike, so an
incremental update equals the full run that used the same parameters).

Pure: numpy and app.analytics only. Parameters are plain JSON so shop_models can keep them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from app.analytics import clv_scores, leads, rfm
from app.analytics.facts import NO_SOURCE, NO_TIME, SECONDS_PER_DAY, CustomerFacts

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


@dataclass(frozen=True)
class LeadInputs:
    """Per customer: is it a lead (a customer record, no counted order), and its lead features."""

    is_lead: np.ndarray  # bool
    features: leads.LeadFeatures
    became_lead_at: np.ndarray  # int64 seconds or NO_TIME


def lead_inputs(
    facts: CustomerFacts, has_record: np.ndarray, consent: np.ndarray, created_at: np.ndarray
) -> LeadInputs:
    # The acquisition source of a lead is unknown until it orders (checkouts do not carry it into
    # the facts yet), so every lead sits in the "unknown source" segment; consent and the
    # abandoned checkout's value still separate them.
    features = leads.LeadFeatures(
        source=np.full(facts.orders.shape, NO_SOURCE, dtype=np.int64),
        consent=np.asarray(consent, dtype=bool),
        checkout_value=facts.last_abandoned_value,
    )
    # Known without buying since the account was created, else since the latest abandoned checkout
    # (the facts keep only the latest one).
    created = np.asarray(created_at, dtype=np.int64)
    became = np.where(created != NO_TIME, created, facts.last_abandoned_at)
    return LeadInputs(np.asarray(has_record, dtype=bool) & (facts.orders == 0), features, became)


def _lead_model_json(model: leads.LeadModel) -> dict[str, Any]:
    return asdict(model)


def _lead_model(data: dict[str, Any]) -> leads.LeadModel:
    segments = tuple(leads.LeadSegment(**segment) for segment in data["segments"])
    return leads.LeadModel(
        int(data["checkout_median"]),
        float(data["shop_rate"]),
        float(data["shop_value"]),
        float(data["kappa"]),
        segments,
    )


def _clv_inputs(facts: CustomerFacts, now_seconds: int, offset: int) -> clv_scores.ClvInputs:
    return clv_scores.clv_inputs(
        facts.purchase_days, facts.first_order_at, facts.last_order_at, facts.repeat_net_revenue,
        facts.net_revenue, now=now_seconds, utc_offset_seconds=offset,
    )  # fmt: skip


def fit_parameters(
    facts: CustomerFacts, lead_data: LeadInputs, now_seconds: int, utc_offset_seconds: int = 0
) -> dict[str, Any]:
    recency_day = rfm.last_order_day(facts.last_order_at, utc_offset_seconds)
    cutoffs = rfm.rfm_cutoffs(recency_day, facts.orders, facts.net_revenue)
    parameters: dict[str, Any] = {
        "rfm": cutoffs.to_json(),
        "purchase_cycle_days": shop_purchase_cycle_days(facts),
        "utc_offset_seconds": utc_offset_seconds,
    }
    if np.any(facts.purchase_days > 0):
        parameters["clv"] = clv_scores.fit_shop(_clv_inputs(facts, now_seconds, utc_offset_seconds)).to_json()
    # Every customer with a record was once a lead; those who ordered converted, worth their net revenue.
    was_lead = lead_data.is_lead | (facts.orders > 0)
    history = leads.LeadFeatures(
        *(np.asarray(column)[was_lead] for column in astuple_features(lead_data.features))
    )
    model = leads.fit_leads(
        history, (facts.orders > 0)[was_lead], facts.net_revenue[was_lead].astype(np.float64)
    )
    parameters["leads"] = _lead_model_json(model)
    first_pass = score_customers(facts, lead_data, parameters, now_seconds)
    parameters["clv_percentiles"] = percentile_cuts(first_pass.predicted_clv[facts.orders > 0])
    parameters["lead_percentiles"] = percentile_cuts(first_pass.lead_score[lead_data.is_lead])
    return parameters


def astuple_features(features: leads.LeadFeatures) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return features.source, features.consent, features.checkout_value


def score_customers(
    facts: CustomerFacts, lead_data: LeadInputs, parameters: dict[str, Any], now_seconds: int
) -> Scores:
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
    clv, orders_90d, churn, next_at = nan.copy(), nan.copy(), nan.copy(), np.full(n, NO_TIME, dtype=np.int64)
    if parameters.get("clv"):
        shop = clv_scores.ShopClv.from_json(parameters["clv"])
        predicted = clv_scores.score_customers(shop, _clv_inputs(facts, now_seconds, offset))
        clv = np.round(predicted.predicted_value_12m / 100, 2)
        orders_90d, churn = np.round(predicted.expected_orders_90d, 6), np.round(predicted.churn_risk, 6)
        days = predicted.next_order_days
        known = np.isfinite(days)
        next_at = np.where(known, now_seconds + np.round(np.where(known, days, 0) * SECONDS_PER_DAY), NO_TIME)
        next_at = next_at.astype(np.int64)
    lead, reasons = nan.copy(), [[] for _ in range(n)]
    if parameters.get("leads") and lead_data.is_lead.any():
        model = _lead_model(parameters["leads"])
        where = np.flatnonzero(lead_data.is_lead)
        subset = leads.LeadFeatures(
            *(np.asarray(column)[where] for column in astuple_features(lead_data.features))
        )
        values, segments = leads.score_leads(model, subset)
        lead[where] = np.round(values / 100, 2)
        sentences: dict[int, str] = {}
        for index, segment in zip(where.tolist(), segments.tolist(), strict=True):
            if segment not in sentences:
                sentences[segment] = leads.explain(model, segment, [], _money)
            reasons[index] = [sentences[segment]]
    return Scores(
        recency=r,
        frequency=f,
        monetary=m,
        rfm_group=names,
        cycles_since_last_order=np.round(cycles, 6),
        predicted_clv=clv,
        predicted_clv_percentile=percentiles(clv, parameters.get("clv_percentiles") or []),
        expected_orders_90d=orders_90d,
        next_order_at=next_at,
        churn_risk=churn,
        lead_score=lead,
        lead_score_percentile=percentiles(lead, parameters.get("lead_percentiles") or []),
        lead_reasons=reasons,
    )


def _money(minor_units: float) -> str:
    return f"{minor_units / 100:,.2f}"
