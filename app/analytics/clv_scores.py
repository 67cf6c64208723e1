"""A shop's lifetime-value model and each customer's predictions, from customer facts.

Steps for the database job:
    inputs = clv_inputs_from_facts(facts, now=..., utc_offset_seconds=...)  # or clv_inputs(arrays)
    shop = fit_shop(inputs)                  # full recompute; store shop.to_json() (shop_models)
    scores = score_customers(shop, inputs)   # all customers, or one customer's inputs (incremental)

Every prediction is elementwise, so one customer's inputs scored against the stored model give the
same numbers as that customer's row in the full run.

What the numbers mean (time unit inside: weeks; outputs in days and minor units):
- expected_orders_90d: MBG/NBD expected purchase days in the next 90 days.
- predicted_value_12m: expected purchase days in the next 365.25 days x Gamma-Gamma expected value
  per purchase day; minor units, undiscounted (over one year discounting changes little and an
  undiscounted figure is what a merchant can check against next year's revenue), revenue not margin.
- p_alive / churn_risk = 1 - p_alive: MBG/NBD probability that the customer has not lapsed for good.
- next_order_days: median days from `now` to the next order if the customer is still active
  (see clv.median_time_to_next_purchase); read it with churn_risk. The expected next-order date
  is now + next_order_days * 86,400 seconds.
Customers without a counted order get NaN everywhere: they are leads (leads.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.analytics.clv import (
    MBGNBD,
    TransactionModel,
    expected_purchases,
    fit_transactions,
    median_time_to_next_purchase,
    probability_alive,
)
from app.analytics.facts import SECONDS_PER_DAY, CustomerFacts
from app.analytics.priors import DEFAULT_MBGNBD_PRIOR, DEFAULT_SPEND_PRIOR, LogNormalPrior
from app.analytics.spend import SpendModel, expected_spend, fit_spend

DAYS_PER_WEEK = 7.0
YEAR_WEEKS = 365.25 / DAYS_PER_WEEK
NINETY_DAYS_WEEKS = 90 / DAYS_PER_WEEK


@dataclass(frozen=True)
class ClvInputs:
    """Per-customer arrays (length n_customers); NaN for customers without counted orders."""

    x: np.ndarray  # float64 repeat purchase days
    t_x: np.ndarray  # float64 weeks from first to last purchase day
    T: np.ndarray  # float64 weeks from first purchase day to the day of `now`
    m: np.ndarray  # float64 minor units: average net value of repeat purchase days (0 if x == 0)
    net_revenue: np.ndarray  # int64 minor units (for the shop's average value per purchase day)
    purchase_days: np.ndarray  # int64


@dataclass(frozen=True)
class ShopClv:
    transactions: TransactionModel
    spend: SpendModel
    buyers: int
    repeat_buyers: int

    def to_json(self) -> dict:
        return {
            "transactions": self.transactions.to_json(),
            "spend": self.spend.to_json(),
            "buyers": self.buyers,
            "repeat_buyers": self.repeat_buyers,
        }

    @classmethod
    def from_json(cls, data: dict) -> ShopClv:
        return cls(
            TransactionModel.from_json(data["transactions"]),
            SpendModel.from_json(data["spend"]),
            int(data["buyers"]),
            int(data["repeat_buyers"]),
        )


@dataclass(frozen=True)
class ClvScores:
    expected_orders_90d: np.ndarray  # float64
    predicted_value_12m: np.ndarray  # float64 minor units
    p_alive: np.ndarray  # float64 0..1
    churn_risk: np.ndarray  # float64 0..1
    next_order_days: np.ndarray  # float64 days after `now`


def clv_inputs(
    purchase_days: np.ndarray,
    first_order_at: np.ndarray,
    last_order_at: np.ndarray,
    repeat_net_revenue: np.ndarray,
    net_revenue: np.ndarray,
    now: int,
    utc_offset_seconds: int = 0,
) -> ClvInputs:
    """Model inputs from facts arrays (see facts.CustomerFacts); `now` in int64 seconds, UTC.
    Days are whole days in the shop's offset, as in the published CDNOW analyses."""
    days = np.asarray(purchase_days, dtype=np.int64)
    buyer = days > 0
    first = np.where(buyer, (np.asarray(first_order_at) + utc_offset_seconds) // SECONDS_PER_DAY, 0)
    last = np.where(buyer, (np.asarray(last_order_at) + utc_offset_seconds) // SECONDS_PER_DAY, 0)
    today = (now + utc_offset_seconds) // SECONDS_PER_DAY
    x = np.where(buyer, days - 1, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(x > 0, np.asarray(repeat_net_revenue) / np.where(x > 0, x, 1), 0.0)
    return ClvInputs(
        x=x,
        t_x=np.where(buyer, (last - first) / DAYS_PER_WEEK, np.nan),
        T=np.where(buyer, np.maximum(today - first, 0) / DAYS_PER_WEEK, np.nan),
        m=np.where(buyer, m, np.nan),
        net_revenue=np.asarray(net_revenue, dtype=np.int64),
        purchase_days=days,
    )


def clv_inputs_from_facts(facts: CustomerFacts, now: int, utc_offset_seconds: int = 0) -> ClvInputs:
    """clv_inputs with the arrays of a facts.CustomerFacts."""
    return clv_inputs(
        facts.purchase_days,
        facts.first_order_at,
        facts.last_order_at,
        facts.repeat_net_revenue,
        facts.net_revenue,
        now=now,
        utc_offset_seconds=utc_offset_seconds,
    )


def fit_shop(
    inputs: ClvInputs,
    transaction_prior: LogNormalPrior | None = DEFAULT_MBGNBD_PRIOR,
    spend_prior: LogNormalPrior | None = DEFAULT_SPEND_PRIOR,
) -> ShopClv:
    """Fit MBG/NBD and Gamma-Gamma on the shop's buyers as posterior modes under the pooled priors
    (priors.py explains why a 50-buyer shop still gets sane parameters). Needs at least one buyer."""
    buyer = inputs.purchase_days > 0
    if not buyer.any():
        raise ValueError("the shop has no buyers yet")
    x, t_x, T = inputs.x[buyer], inputs.t_x[buyer], inputs.T[buyer]
    transactions = fit_transactions(MBGNBD, x, t_x, T, prior=transaction_prior)
    # Average net value per purchase day across the shop: the unit spend is measured in.
    scale = max(float(inputs.net_revenue[buyer].sum()) / float(inputs.purchase_days[buyer].sum()), 1.0)
    spend = fit_spend(x, inputs.m[buyer], scale=scale, prior=spend_prior)
    return ShopClv(transactions, spend, int(buyer.sum()), int((x > 0).sum()))


def score_customers(shop: ShopClv, inputs: ClvInputs) -> ClvScores:
    """Predictions for every customer in `inputs` (NaN for customers without orders)."""
    buyer = inputs.purchase_days > 0
    x = np.where(buyer, inputs.x, 0.0)
    t_x = np.where(buyer, inputs.t_x, 0.0)
    T = np.where(buyer, inputs.T, 0.0)
    model = shop.transactions
    p_alive = probability_alive(model, x, t_x, T)
    orders_90d = expected_purchases(model, NINETY_DAYS_WEEKS, x, t_x, T)
    orders_year = expected_purchases(model, YEAR_WEEKS, x, t_x, T)
    value = orders_year * expected_spend(shop.spend, x, np.maximum(np.where(buyer, inputs.m, 0.0), 0.0))
    next_days = median_time_to_next_purchase(model, x, T) * DAYS_PER_WEEK

    def only_buyers(values: np.ndarray) -> np.ndarray:
        return np.where(buyer, values, np.nan)

    return ClvScores(
        expected_orders_90d=only_buyers(orders_90d),
        predicted_value_12m=only_buyers(value),
        p_alive=only_buyers(p_alive),
        churn_risk=only_buyers(1.0 - p_alive),
        next_order_days=only_buyers(next_days),
    )
