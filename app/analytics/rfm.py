"""RFM: per-shop 1-5 scores on recency, frequency and net monetary value, and Shopify's 11 groups.

Scores (computed over the shop's customers with at least one counted order; customers without
orders score 0 on all three and are Prospects):

- Values: recency is the day number of the last counted order (later is better), frequency the
  number of counted orders, monetary the net revenue in minor units.
- Tie rule: a customer's score is 1 + floor(5 * L / N), where N is the number of scored customers
  and L the number of them with a strictly worse value. Equal values have equal L, so identical
  customers always get identical scores. When half a store has one order, all of them get F = 1
  (nobody has fewer orders), two-order customers get F = 1 + floor(5 * 0.5) = 3, and so on; a
  score that no value lands on is simply unused.
- The same rule as cut points: with the values sorted ascending v[0..N-1] and c_k = ceil((k-1) N / 5),
  the cut point for score k (k = 2..5) is v[c_k - 1], and score(x) = 1 + (number of cut points
  strictly below x). That gives exactly 1 + floor(5 L / N) for every value in the shop, and scores a
  single changed customer against the shop's last cut points (incremental update) without the
  whole distribution. `RfmCutoffs` is what the job keeps between full recomputes.

Groups: the first rule in `RFM_GROUP_RULES` whose ranges contain the customer's R and F + M wins.
The rules follow the descriptions Shopify documents for its CustomerRfmGroup values (Admin GraphQL
enum); Shopify does not publish its numeric grid in those docs, so the ranges below are Orbit's
reading of the words, shown to merchants as written in `rule`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from math import ceil

import numpy as np

from app.analytics.facts import SECONDS_PER_DAY

LEVELS = 5


@dataclass(frozen=True)
class RfmCutoffs:
    """Cut points for scores 2..5 on each dimension (4 ints each; empty for a shop without buyers)."""

    recency: tuple[int, ...]  # last-order day numbers (days since 1970-01-01 in the shop's UTC offset)
    frequency: tuple[int, ...]  # counted orders
    monetary: tuple[int, ...]  # net revenue, minor units

    def to_json(self) -> dict[str, list[int]]:
        return {name: list(values) for name, values in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, list[int]]) -> RfmCutoffs:
        return cls(tuple(data["recency"]), tuple(data["frequency"]), tuple(data["monetary"]))


@dataclass(frozen=True)
class RfmGroupRule:
    key: str  # stable identifier, e.g. "needs_attention"
    name: str  # Shopify's name, e.g. "Needs attention"
    rule: str  # the rule in words for merchants
    r_min: int
    r_max: int
    fm_min: int  # bounds on F + M (2..10; 0 for prospects, who score 0 on all three)
    fm_max: int

    def matches(self, r: int, f: int, m: int) -> bool:
        return self.r_min <= r <= self.r_max and self.fm_min <= f + m <= self.fm_max


# key, Shopify's name, R range, F+M range, the rule in words (first match wins; ranges inclusive).
_RULE_ROWS = (
    ("prospects", "Prospects", (0, 0), (0, 0), "No orders yet."),
    ("champions", "Champions", (5, 5), (8, 10),
     "Ordered very recently (R 5); many orders, most spend (F+M 8-10)."),
    ("loyal", "Loyal", (3, 4), (8, 10),
     "Ordered recently (R 3-4); many orders and the most spend (F+M 8-10)."),
    ("previously_loyal", "Previously loyal", (1, 2), (9, 10),
     "No recent order (R 1-2), but a very strong history of orders and spend (F+M 9-10)."),
    ("at_risk", "At risk", (1, 2), (6, 8),
     "No recent order (R 1-2), but a strong history of orders and spend (F+M 6-8)."),
    ("new", "New", (5, 5), (2, 4), "Ordered very recently (R 5); few orders and low spend (F+M 2-4)."),
    ("promising", "Promising", (4, 4), (2, 4), "Ordered recently (R 4); few orders and low spend (F+M 2-4)."),
    ("active", "Active", (4, 5), (5, 7),
     "Ordered recently (R 4-5); some orders and moderate spend (F+M 5-7)."),
    ("needs_attention", "Needs attention", (3, 3), (2, 7),
     "Last order a while ago (R 3); some orders and moderate spend or less (F+M 2-7)."),
    ("almost_lost", "Almost lost", (1, 2), (4, 5),
     "No recent order (R 1-2); fewer orders, lower spend (F+M 4-5)."),
    ("dormant", "Dormant", (1, 2), (2, 3),
     "No recent order (R 1-2); infrequent orders, low spend (F+M 2-3)."),
)  # fmt: skip

RFM_GROUP_RULES: tuple[RfmGroupRule, ...] = tuple(
    RfmGroupRule(key, name, rule, r[0], r[1], fm[0], fm[1]) for key, name, r, fm, rule in _RULE_ROWS
)

GROUP_NAMES: tuple[str, ...] = tuple(rule.name for rule in RFM_GROUP_RULES)


def cut_points(values: np.ndarray) -> tuple[int, ...]:
    """The 4 cut points of the tie rule for one dimension (see the module docstring)."""
    ordered = np.sort(np.asarray(values, dtype=np.int64))
    n = ordered.size
    if n == 0:
        return ()
    return tuple(int(ordered[ceil((k - 1) * n / LEVELS) - 1]) for k in range(2, LEVELS + 1))


def score(values: np.ndarray, cuts: tuple[int, ...]) -> np.ndarray:
    """1 + the number of cut points strictly below each value (int64, 1..5; 1 when `cuts` is empty)."""
    return 1 + np.searchsorted(
        np.asarray(cuts, dtype=np.int64), np.asarray(values, dtype=np.int64), side="left"
    )


def last_order_day(last_order_at: np.ndarray, utc_offset_seconds: int = 0) -> np.ndarray:
    """Day numbers of last-order times (int64 seconds, UTC) in the shop's offset: the recency value."""
    return (np.asarray(last_order_at, dtype=np.int64) + utc_offset_seconds) // SECONDS_PER_DAY


def rfm_cutoffs(recency_day: np.ndarray, orders: np.ndarray, net_revenue: np.ndarray) -> RfmCutoffs:
    """Cut points of a whole shop. Arrays per customer; customers with orders == 0 are left out."""
    buyers = np.asarray(orders) > 0
    return RfmCutoffs(
        cut_points(np.asarray(recency_day)[buyers]),
        cut_points(np.asarray(orders)[buyers]),
        cut_points(np.asarray(net_revenue)[buyers]),
    )


def rfm_scores(
    recency_day: np.ndarray, orders: np.ndarray, net_revenue: np.ndarray, cutoffs: RfmCutoffs
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(R, F, M) int64 arrays, 1..5 for customers with orders and 0 for those without."""
    buyers = np.asarray(orders) > 0
    r = np.where(buyers, score(recency_day, cutoffs.recency), 0)
    f = np.where(buyers, score(orders, cutoffs.frequency), 0)
    m = np.where(buyers, score(net_revenue, cutoffs.monetary), 0)
    return r, f, m


def rfm_groups(r: np.ndarray, f: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Index into RFM_GROUP_RULES of each customer's group (first match wins; int64)."""
    r, fm = np.asarray(r), np.asarray(f) + np.asarray(m)
    group = np.full(r.shape, -1, dtype=np.int64)
    for index, rule in enumerate(RFM_GROUP_RULES):
        hit = (group < 0) & (rule.r_min <= r) & (r <= rule.r_max) & (rule.fm_min <= fm) & (fm <= rule.fm_max)
        group[hit] = index
    if np.any(group < 0):  # cannot happen for scores produced here: the table covers every R, F, M
        raise ValueError("RFM scores outside 0-5 or inconsistent (0 on some dimensions only)")
    return group


def rfm_group_rules_json() -> list[dict[str, object]]:
    """The rule table as the API returns it to the UI, in first-match order."""
    return [asdict(rule) for rule in RFM_GROUP_RULES]
