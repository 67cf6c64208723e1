"""Lead scores: the projected value of a lead (subscriber, account holder or checkout abandoner without
an order) from what the shop's own similar leads did before.

    projected value = P(a lead like this places an order) x E[value of such a lead once converted]

"Like this" is a segment: acquisition source x marketing consent x checkout band (no abandoned
checkout / checkout below the shop's median checkout value / at or above it). Both factors are
empirical-Bayes estimates, so a segment with few past leads borrows from the whole shop:

- conversion: the segment's converted/total shrunk towards the shop's rate with a Beta prior
  whose strength (kappa pseudo-leads) is fitted by the method of moments across segments
  (between-segment spread beyond binomial noise); kappa falls back to DEFAULT_KAPPA when the spread
  cannot be estimated, and is kept within [MIN_KAPPA, MAX_KAPPA].
- value: the mean value of the segment's converted leads, shrunk towards the shop's mean with
  VALUE_PSEUDO_COUNT pseudo-customers. The caller defines value (Orbit: net revenue in the first
  365 days after conversion) and conversion (a counted order within the window it chose).

Leads in segments never seen before get the shop-wide figures. Every segment carries a sentence
for merchants saying where its number comes from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.analytics.facts import NO_TIME, SECONDS_PER_DAY

DEFAULT_KAPPA = 20.0
MIN_KAPPA, MAX_KAPPA = 2.0, 1_000.0
VALUE_PSEUDO_COUNT = 5.0
_BANDS = 3  # 0: no abandoned checkout, 1: below the median checkout value, 2: at or above it


@dataclass(frozen=True)
class LeadFeatures:
    """Arrays of length n_leads."""

    source: np.ndarray  # int64 acquisition source code (the caller's; -1 unknown)
    consent: np.ndarray  # bool: subscribed to email or SMS marketing
    checkout_value: np.ndarray  # int64 minor units of the latest abandoned checkout, 0 if none


@dataclass(frozen=True)
class LeadSegment:
    source: int
    consent: bool
    band: int
    leads: int  # past leads in the segment
    converted: int
    conversion_rate: float  # shrunk
    converted_value: float  # shrunk, minor units
    projected_value: float  # conversion_rate x converted_value, minor units


@dataclass(frozen=True)
class LeadModel:
    checkout_median: int  # minor units: the band boundary
    shop_rate: float
    shop_value: float
    kappa: float
    segments: tuple[LeadSegment, ...]


def lead_history(
    became_lead_at: np.ndarray,
    first_order_at: np.ndarray,
    now: int,
    window_days: int = 90,
    direct_buyer_seconds: int = 3_600,
) -> tuple[np.ndarray, np.ndarray]:
    """(past_lead, converted) bool arrays per customer, for `fit_leads`'s history.

    `became_lead_at` (int64 seconds, facts.NO_TIME if never) is when the person became known
    without buying: account or subscription created, or first abandoned checkout, whichever came
    first; `first_order_at` is facts.first_order_at. A past lead became one at least `window_days`
    before `now` (so the outcome is known) and did not order within `direct_buyer_seconds` of it
    (or before it): such people were buyers, not leads. Converted: first order within `window_days`.
    """
    lead_at = np.asarray(became_lead_at, dtype=np.int64)
    order_at = np.asarray(first_order_at, dtype=np.int64)
    known, ordered = lead_at != NO_TIME, order_at != NO_TIME
    delay = np.where(known & ordered, order_at - np.where(known, lead_at, 0), 0)
    direct = ordered & (delay < direct_buyer_seconds)
    window = window_days * SECONDS_PER_DAY
    past_lead = known & ~direct & (lead_at <= now - window)
    return past_lead, past_lead & ordered & (delay <= window)


def segment_codes(features: LeadFeatures, checkout_median: int) -> np.ndarray:
    """One int64 code per lead for (source, consent, band)."""
    value = np.asarray(features.checkout_value, dtype=np.int64)
    band = np.where(value <= 0, 0, np.where(value < checkout_median, 1, 2))
    return (
        (np.asarray(features.source, dtype=np.int64) + 1) * 2 + np.asarray(features.consent)
    ) * _BANDS + band


def fit_leads(history: LeadFeatures, converted: np.ndarray, value: np.ndarray) -> LeadModel:
    """Fit from past leads: `converted` (bool) and `value` (float minor units, used where converted)."""
    converted = np.asarray(converted, dtype=bool)
    value = np.where(converted, np.asarray(value, dtype=np.float64), 0.0)
    checkouts = np.asarray(history.checkout_value)[np.asarray(history.checkout_value) > 0]
    median = int(np.median(checkouts)) if checkouts.size else 1
    codes = segment_codes(history, median)
    keys, index = np.unique(codes, return_inverse=True)
    leads = np.bincount(index, minlength=keys.size)
    wins = np.bincount(index, weights=converted, minlength=keys.size)
    won_value = np.bincount(index, weights=value, minlength=keys.size)
    total = max(int(leads.sum()), 1)
    shop_rate = float(wins.sum() / total)
    shop_value = float(won_value.sum() / wins.sum()) if wins.sum() else 0.0
    kappa = _beta_strength(wins, leads, shop_rate)
    rate = (wins + kappa * shop_rate) / (leads + kappa)
    mean_value = (won_value + VALUE_PSEUDO_COUNT * shop_value) / (wins + VALUE_PSEUDO_COUNT)
    segments = tuple(
        LeadSegment(*_decode(int(key)), int(n), int(w), float(p), float(v), float(p * v))
        for key, n, w, p, v in zip(keys, leads, wins, rate, mean_value, strict=True)
    )
    return LeadModel(median, shop_rate, shop_value, kappa, segments)


def score_leads(model: LeadModel, leads: LeadFeatures) -> tuple[np.ndarray, np.ndarray]:
    """(projected value in minor units, index into model.segments or -1 for an unseen segment)."""
    keys = np.array([_encode(s.source, s.consent, s.band) for s in model.segments], dtype=np.int64)
    codes = segment_codes(leads, model.checkout_median)
    if keys.size == 0:
        return np.full(codes.shape, model.shop_rate * model.shop_value), np.full(codes.shape, -1)
    position = np.clip(np.searchsorted(keys, codes), 0, keys.size - 1)
    found = keys[position] == codes
    projected = np.array([s.projected_value for s in model.segments])
    value = np.where(found, projected[position], model.shop_rate * model.shop_value)
    return value, np.where(found, position, -1)


def explain(
    model: LeadModel, segment: int, source_names: Sequence[str], money: Callable[[float], str]
) -> str:
    """The merchant-facing sentence for a segment index from score_leads (-1: unseen segment)."""
    if segment < 0:
        projected = money(model.shop_rate * model.shop_value)
        return (
            f"No similar leads yet: shop-wide, {model.shop_rate:.1%} of leads ordered and those who did were "
            f"worth {money(model.shop_value)}, so the projected value is {projected}."
        )
    s = model.segments[segment]
    source = source_names[s.source] if 0 <= s.source < len(source_names) else "an unknown source"
    checkout = (
        "no abandoned checkout",
        f"an abandoned checkout under {money(model.checkout_median)}",
        f"an abandoned checkout of {money(model.checkout_median)} or more",
    )[s.band]
    consent = "with" if s.consent else "without"
    return (
        f"Leads from {source}, {consent} marketing consent and {checkout}: {s.converted} of {s.leads} "
        f"ordered before; weighed against the shop's {model.shop_rate:.1%}, that is {s.conversion_rate:.1%}. "
        f"Those who ordered were worth {money(s.converted_value)} on average, "
        f"so the projected value is {money(s.projected_value)}."
    )


def _beta_strength(wins: np.ndarray, leads: np.ndarray, shop_rate: float) -> float:
    """Method of moments for a Beta(kappa p, kappa (1-p)) prior over segment rates:
    Var(observed rate) = p(1-p)/kappa-ish spread + binomial noise p(1-p)/n."""
    usable = leads > 0
    if usable.sum() < 3 or shop_rate in (0.0, 1.0):
        return DEFAULT_KAPPA
    rates = wins[usable] / leads[usable]
    weights = leads[usable]
    spread = np.average((rates - shop_rate) ** 2, weights=weights)
    noise = shop_rate * (1 - shop_rate) * usable.sum() / weights.sum()
    between = spread - noise
    if between <= 0:
        return MAX_KAPPA  # no detectable difference between segments: pool strongly
    return float(np.clip(shop_rate * (1 - shop_rate) / between - 1, MIN_KAPPA, MAX_KAPPA))


def _encode(source: int, consent: bool, band: int) -> int:
    return ((source + 1) * 2 + int(consent)) * _BANDS + band


def _decode(code: int) -> tuple[int, bool, int]:
    rest, band = divmod(code, _BANDS)
    source_plus_one, consent = divmod(rest, 2)
    return source_plus_one - 1, bool(consent), band
