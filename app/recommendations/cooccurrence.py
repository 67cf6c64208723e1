""" "Bought together": product pairs from order co-occurrence, with lift, support and recency.

Formulas (all counts recency-weighted, an order of age a counting w = 0.5 ** (a / half_life)):

    N       = sum of w over all orders
    n_i     = sum of w over orders containing i
    C_ij    = sum of w over orders containing both i and j       (one sparse product, X^T W X)
    support(i, j)    = C_ij / N
    confidence(i->j) = C_ij / n_i
    lift(i, j)       = C_ij * N / (n_i * n_j)         (1 = bought together as often as by chance)
    score(i->j)      = confidence ** (1 - beta) * lift ** beta

A pair is kept when C_ij >= min_support_orders (weighted co-orders: two fresh orders, or more
older ones) and lift >= min_lift. `beta` slides the ranking from confidence (beta = 0: popular
companions first) to lift (beta = 1: the most specific companions, noisy for rare products); it is
tuned on a validation split in benchmarks/recommendations_bought_together.py (and, for the pairs
the personal lists draw on, benchmarks/recommendations_next_basket.py). Archived or unavailable
products are neither anchors nor candidates, but their orders still count in N and n_i.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from app.recommendations.baskets import Baskets, decay_weights


@dataclass(frozen=True)
class CooccurrenceParams:
    """Defaults chosen on the validation split of real baskets (benchmarks/
    recommendations_bought_together.py): a 60-day half-life, at least one fresh co-order's worth
    of support, only positively associated pairs (min_lift 1 tied with 0 there, and a "bought
    together" list should not show pairs bought together less than by chance), beta 0.1."""

    half_life_days: float | None = 60.0
    min_support_orders: float = 1.0
    min_lift: float = 1.0
    beta: float = 0.1
    limit: int = 10  # pairs kept per anchor product


@dataclass(frozen=True)
class Cooccurrence:
    counts: sparse.csr_matrix  # C_ij, products x products, diagonal included (= n_i)
    item_weight: np.ndarray  # n_i
    total_weight: float  # N
    product_ids: np.ndarray  # index -> Shopify product id


@dataclass(frozen=True)
class Pair:
    """One bought-together recommendation for an anchor product."""

    product_id: int
    score: float
    lift: float
    support: float
    confidence: float
    orders: float  # weighted co-orders C_ij


@dataclass(frozen=True)
class TopPairs:
    """The kept pairs as parallel arrays, grouped by anchor and best first within each anchor."""

    anchor: np.ndarray  # Shopify product ids
    candidate: np.ndarray
    score: np.ndarray
    lift: np.ndarray
    support: np.ndarray
    confidence: np.ndarray
    orders: np.ndarray

    def as_lists(self) -> dict[int, list[Pair]]:
        lists: dict[int, list[Pair]] = {}
        for row in zip(
            self.anchor.tolist(),
            self.candidate.tolist(),
            self.score.tolist(),
            self.lift.tolist(),
            self.support.tolist(),
            self.confidence.tolist(),
            self.orders.tolist(),
            strict=True,
        ):
            lists.setdefault(row[0], []).append(Pair(*row[1:]))
        return lists


def count_cooccurrence(baskets: Baskets, now: float, half_life_days: float | None) -> Cooccurrence:
    """C = X^T W X over the one-hot basket matrix; seconds for 10M lines (scipy's sparse product)."""
    weights = decay_weights(now - baskets.order_time, half_life_days)
    weighted = sparse.diags(weights) @ baskets.matrix
    counts = (baskets.matrix.T.tocsr() @ weighted).tocsr()
    item_weight = np.asarray(weighted.sum(axis=0)).ravel()
    return Cooccurrence(counts, item_weight, float(weights.sum()), baskets.product_ids)


def top_pairs(cooc: Cooccurrence, params: CooccurrenceParams, excluded: Collection[int] = ()) -> TopPairs:
    """Score every co-occurring pair, filter by support and lift, keep the best `limit` per anchor."""
    counts = cooc.counts
    rows = np.repeat(np.arange(counts.shape[0], dtype=np.int64), np.diff(counts.indptr))
    cols = counts.indices.astype(np.int64)
    c = counts.data
    allowed = ~np.isin(cooc.product_ids, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
    n = cooc.item_weight
    keep = (rows != cols) & (c >= params.min_support_orders) & allowed[rows] & allowed[cols]
    rows, cols, c = rows[keep], cols[keep], c[keep]
    confidence = c / n[rows]
    lift = c * cooc.total_weight / (n[rows] * n[cols])
    keep = lift >= params.min_lift
    rows, cols, c, confidence, lift = rows[keep], cols[keep], c[keep], confidence[keep], lift[keep]
    score = confidence ** (1.0 - params.beta) * lift**params.beta
    # Best first within each anchor; ties broken by the smaller product id so results are stable.
    order = np.lexsort((cooc.product_ids[cols], -score, rows))
    rows, cols, c, confidence, lift, score = (a[order] for a in (rows, cols, c, confidence, lift, score))
    rank = np.arange(rows.size) - np.searchsorted(rows, rows, side="left")
    best = rank < params.limit
    ids = cooc.product_ids
    return TopPairs(
        anchor=ids[rows[best]],
        candidate=ids[cols[best]],
        score=score[best],
        lift=lift[best],
        support=c[best] / cooc.total_weight,
        confidence=confidence[best],
        orders=c[best],
    )


def bought_together(
    baskets: Baskets, now: float, params: CooccurrenceParams, excluded: Collection[int] = ()
) -> TopPairs:
    """The whole product-side build: count, score, filter, rank."""
    return top_pairs(count_cooccurrence(baskets, now, params.half_life_days), params, excluded)
