"""Per-customer lists: buy-again (replenishment) and new-to-you (complements not yet bought).

Formulas, for customer u and product p, with u's orders numbered m = 0 (latest), 1, 2, ...:

    repeat(u, p)  = sum of r**m over u's orders containing p / sum of r**m over all u's orders
                    (a recency-weighted repeat rate in [0, 1]; r = order_decay)
    interval(u,p) = (last - first purchase of p) / (purchases of p - 1)   when u bought p twice or more,
                    else u's mean gap between orders, else unknown (timing 1)
    x             = (now - last purchase of p) / interval                (1 = due now)
    timing(x)     = min(x, 1) ** due_exponent * exp(-lapse_rate * max(x - 1, 0))
                    (low right after a purchase, full when due, fading once long overdue)
    buy_again     = repeat * timing
    complement(u, j) = sum_i repeat(u, i) * confidence(i -> j) / sum_i repeat(u, i)
                    (confidence from the stored bought-together pairs: an estimate of how often j
                    joins a basket of u's usual products)
    score         = buy_again + cf_weight * complement

The top `limit` by score form one ranked list; an item u has bought is tagged buy_again, any
other new_to_you. Everything for u depends only on u's own orders and the bought-together pairs,
so one customer can be recomputed alone when an order arrives (the incremental path). Parameters
are tuned on a validation split in benchmarks/recommendations_next_basket.py.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from app.recommendations.baskets import Baskets
from app.recommendations.cooccurrence import TopPairs
from app.recommendations.ranking import top_per_row

BUY_AGAIN = "buy_again"
NEW_TO_YOU = "new_to_you"
MIN_INTERVAL_DAYS = 1.0  # two purchases on one day must not make an item "due" every minute


@dataclass(frozen=True)
class PersonalParams:
    """Defaults chosen on the validation split of real grocery baskets (benchmarks/
    recommendations_next_basket.py). There a product bought at the last visit is as likely as any
    to come back, so due_exponent came out 0 (no hold-back right after a purchase; overdue items
    still fade through lapse_rate). A shop selling slow refills (razors, supplements) may set it
    to 0.5-1 to hold an item back until it is due. cf_weight is small because the complement
    score is a probability over many products while repeat is the customer's own habit."""

    order_decay: float = 0.85
    due_exponent: float = 0.0
    lapse_rate: float = 0.1
    cf_weight: float = 0.05
    limit: int = 10


@dataclass(frozen=True)
class PersonalLists:
    """Ranked recommendations as parallel arrays, grouped by customer, best first."""

    customer: np.ndarray
    product: np.ndarray
    bought_before: np.ndarray  # bool: buy_again when true, new_to_you otherwise
    score: np.ndarray
    repeat: np.ndarray
    days_since_last: np.ndarray  # nan for new_to_you
    interval_days: np.ndarray  # nan when unknown

    def kinds(self) -> list[str]:
        return [BUY_AGAIN if b else NEW_TO_YOU for b in self.bought_before.tolist()]

    def as_lists(self) -> dict[int, list[tuple[int, str, float]]]:
        lists: dict[int, list[tuple[int, str, float]]] = {}
        for customer, product, kind, score in zip(
            self.customer.tolist(), self.product.tolist(), self.kinds(), self.score.tolist(), strict=True
        ):
            lists.setdefault(customer, []).append((product, kind, score))
        return lists


def timing_factor(x: np.ndarray, due_exponent: float, lapse_rate: float) -> np.ndarray:
    """How due a purchase is at x intervals after the last one (see the module docstring)."""
    x = np.maximum(x, 0.0)
    return np.minimum(x, 1.0) ** due_exponent * np.exp(-lapse_rate * np.maximum(x - 1.0, 0.0))


def _customer_history(baskets: Baskets, decay: float):
    """Per (customer, product): repeat rate, purchase count, first and last time; per customer: gap."""
    known = baskets.order_customer >= 0
    customers, order_cust = np.unique(baskets.order_customer[known], return_inverse=True)
    orders = np.flatnonzero(known)
    times = baskets.order_time[orders]
    # m = how many of the customer's orders are more recent (0 = latest).
    by_recency = np.lexsort((-times, order_cust))
    sorted_cust = order_cust[by_recency]
    m = np.empty(orders.size, dtype=np.int64)
    m[by_recency] = np.arange(orders.size) - np.searchsorted(sorted_cust, sorted_cust, side="left")
    order_weight = decay ** m.astype(np.float64)
    denominator = np.bincount(order_cust, weights=order_weight, minlength=customers.size)
    n_orders = np.bincount(order_cust, minlength=customers.size)
    first = np.full(customers.size, np.inf)
    last = np.full(customers.size, -np.inf)
    np.minimum.at(first, order_cust, times)
    np.maximum.at(last, order_cust, times)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where(n_orders > 1, (last - first) / np.maximum(n_orders - 1, 1), np.nan)

    lines = baskets.matrix[orders].tocoo()
    cust = order_cust[lines.row].astype(np.int64)
    n_products = baskets.n_products
    keys, inverse = np.unique(cust * n_products + lines.col, return_inverse=True)
    pair_cust, pair_prod = keys // n_products, keys % n_products
    repeat = np.bincount(inverse, weights=order_weight[lines.row]) / denominator[pair_cust]
    count = np.bincount(inverse)
    line_time = times[lines.row]
    p_first = np.full(keys.size, np.inf)
    p_last = np.full(keys.size, -np.inf)
    np.minimum.at(p_first, inverse, line_time)
    np.maximum.at(p_last, inverse, line_time)
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(count > 1, (p_last - p_first) / np.maximum(count - 1, 1), np.nan)
    interval = np.where(np.isnan(own), gap[pair_cust], own)
    interval = np.maximum(interval, MIN_INTERVAL_DAYS)
    return customers, pair_cust, pair_prod, repeat, p_last, interval


def personal_recommendations(
    baskets: Baskets,
    now: float,
    pairs: TopPairs,
    params: PersonalParams,
    excluded: Collection[int] = (),
) -> PersonalLists:
    """Buy-again and new-to-you for every customer in `baskets` (guests, id -1, are skipped)."""
    customers, pair_cust, pair_prod, repeat, last, interval = _customer_history(baskets, params.order_decay)
    ids = np.union1d(baskets.product_ids, np.union1d(pairs.anchor, pairs.candidate))
    col = np.searchsorted(ids, baskets.product_ids)[pair_prod]
    shape = (customers.size, ids.size)
    since = now - last
    x = np.where(np.isnan(interval), 1.0, since / interval)
    buy_again = repeat * timing_factor(x, params.due_exponent, params.lapse_rate)

    similarity = sparse.csr_matrix(
        (pairs.confidence, (np.searchsorted(ids, pairs.anchor), np.searchsorted(ids, pairs.candidate))),
        shape=(ids.size, ids.size),
    )
    repeat_matrix = sparse.csr_matrix((repeat, (pair_cust, col)), shape=shape)
    row_total = np.asarray(repeat_matrix.sum(axis=1)).ravel()
    complement = sparse.diags(1.0 / np.maximum(row_total, 1e-12)) @ (repeat_matrix @ similarity)
    own = sparse.csr_matrix((buy_again, (pair_cust, col)), shape=shape)
    score = (own + params.cf_weight * complement).tocsr()
    blocked = np.isin(ids, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
    if blocked.any():
        score = (score @ sparse.diags((~blocked).astype(np.float64))).tocsr()
    score.eliminate_zeros()

    rows, cols, values = top_per_row(score, params.limit, ids)
    # Join back the per-pair history for the explanation columns (nan where never bought).
    history_key = pair_cust * ids.size + col
    order = np.argsort(history_key)
    wanted = rows * ids.size + cols
    at = order[np.minimum(np.searchsorted(history_key[order], wanted), max(order.size - 1, 0))]
    bought = history_key[at] == wanted if wanted.size else np.zeros(0, dtype=bool)
    return PersonalLists(
        customer=customers[rows],
        product=ids[cols],
        bought_before=bought,
        score=values,
        repeat=np.where(bought, repeat[at], 0.0) if wanted.size else values,
        days_since_last=np.where(bought, since[at], np.nan) if wanted.size else values,
        interval_days=np.where(bought, interval[at], np.nan) if wanted.size else values,
    )
