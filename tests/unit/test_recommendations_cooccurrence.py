"""Bought-together on tiny baskets whose lift and support are computed by hand."""

from __future__ import annotations

import pytest

from app.recommendations.baskets import OrderLines, build_baskets, decay_weights
from app.recommendations.cooccurrence import CooccurrenceParams, bought_together

A, B, C, D = 101, 102, 103, 104


def lines(orders: list[tuple[int, float, list[int]]], customer: int = 1) -> OrderLines:
    """(order id, day, products) -> order lines."""
    return OrderLines.from_rows([(oid, customer, p, day) for oid, day, products in orders for p in products])


FIVE_BASKETS = lines([(1, 0.0, [A, B]), (2, 0.0, [A, B, C]), (3, 0.0, [A, C]), (4, 0.0, [B]), (5, 0.0, [D])])
# N = 5 orders; n_A = 3, n_B = 3, n_C = 2, n_D = 1; C_AB = 2, C_AC = 2, C_BC = 1.
UNWEIGHTED = CooccurrenceParams(half_life_days=None, min_support_orders=2, min_lift=1.0, beta=0.5)


def test_support_confidence_and_lift_match_the_hand_computation():
    pairs = bought_together(build_baskets(FIVE_BASKETS), 0.0, UNWEIGHTED).as_lists()

    a_c, a_b = pairs[A]
    assert a_c.product_id == C
    assert a_c.support == pytest.approx(2 / 5)  # C_AC / N
    assert a_c.confidence == pytest.approx(2 / 3)  # C_AC / n_A
    assert a_c.lift == pytest.approx(2 * 5 / (3 * 2))  # 1.667
    assert a_c.score == pytest.approx((2 / 3) ** 0.5 * (10 / 6) ** 0.5)  # 1.054
    assert a_b.product_id == B
    assert a_b.lift == pytest.approx(2 * 5 / (3 * 3))  # 1.111
    assert a_b.score == pytest.approx((2 / 3) ** 0.5 * (10 / 9) ** 0.5)  # 0.861
    (c_a,) = pairs[C]  # C->B: one co-order (< 2) and lift 5/6 < 1, dropped
    assert (c_a.product_id, c_a.confidence, c_a.lift) == (A, pytest.approx(1.0), pytest.approx(10 / 6))
    assert [p.product_id for p in pairs[B]] == [A]
    assert D not in pairs  # bought alone: nothing to recommend with it


def test_min_support_drops_pairs_seen_in_too_few_orders():
    params = CooccurrenceParams(half_life_days=None, min_support_orders=3, min_lift=0.0)
    assert bought_together(build_baskets(FIVE_BASKETS), 0.0, params).as_lists() == {}


def test_min_lift_drops_pairs_bought_together_less_than_by_chance():
    loose = CooccurrenceParams(half_life_days=None, min_support_orders=1, min_lift=0.0)
    strict = CooccurrenceParams(half_life_days=None, min_support_orders=1, min_lift=1.0)
    baskets = build_baskets(FIVE_BASKETS)
    assert C in [p.product_id for p in bought_together(baskets, 0.0, loose).as_lists()[B]]  # lift 0.833
    assert C not in [p.product_id for p in bought_together(baskets, 0.0, strict).as_lists()[B]]


def test_archived_or_unavailable_products_are_neither_anchors_nor_candidates():
    pairs = bought_together(build_baskets(FIVE_BASKETS), 0.0, UNWEIGHTED, excluded={C}).as_lists()
    assert C not in pairs
    assert [p.product_id for p in pairs[A]] == [B]
    # C's orders still count in N and n_A: lift(A, B) is unchanged.
    assert pairs[A][0].lift == pytest.approx(10 / 9)


def test_recent_orders_outweigh_old_ones():
    # A+B twice today; A+C three times, 10, 10 and 20 days ago. Half-life 10 days:
    # C_AB = 1 + 1 = 2, C_AC = 0.5 + 0.5 + 0.25 = 1.25, n_A = 3.25.
    history = lines(
        [(1, 100.0, [A, B]), (2, 100.0, [A, B]), (3, 90.0, [A, C]), (4, 90.0, [A, C]), (5, 80.0, [A, C])]
    )
    baskets = build_baskets(history)
    confidence_first = CooccurrenceParams(half_life_days=10.0, min_support_orders=1, min_lift=0.0, beta=0.0)
    recent = bought_together(baskets, 100.0, confidence_first).as_lists()[A]
    assert [p.product_id for p in recent] == [B, C]
    assert recent[0].confidence == pytest.approx(2 / 3.25)
    assert recent[1].orders == pytest.approx(1.25)

    unweighted = CooccurrenceParams(half_life_days=None, min_support_orders=1, min_lift=0.0, beta=0.0)
    assert [p.product_id for p in bought_together(baskets, 100.0, unweighted).as_lists()[A]] == [C, B]

    # With a minimum support of 2 weighted orders the stale pair disappears altogether.
    strict = CooccurrenceParams(half_life_days=10.0, min_support_orders=2, min_lift=0.0, beta=0.0)
    assert [p.product_id for p in bought_together(baskets, 100.0, strict).as_lists()[A]] == [B]


def test_limit_keeps_the_best_pairs_per_anchor_with_ties_to_the_smaller_id():
    history = lines([(i, 0.0, [A, B, C, D]) for i in range(1, 4)] + [(9, 0.0, [B])])
    params = CooccurrenceParams(half_life_days=None, min_support_orders=1, min_lift=0.0, beta=0.0, limit=2)
    pairs = bought_together(build_baskets(history), 0.0, params).as_lists()
    # conf(A->B) = conf(A->C) = conf(A->D) = 1: a tie, broken by product id.
    assert [p.product_id for p in pairs[A]] == [B, C]


def test_a_product_twice_in_one_order_counts_once():
    history = OrderLines.from_rows([(1, 1, A, 0.0), (1, 1, A, 0.0), (1, 1, B, 0.0), (2, 1, A, 0.0)])
    baskets = build_baskets(history)
    assert baskets.matrix.toarray().tolist() == [[1.0, 1.0], [1.0, 0.0]]


@pytest.mark.parametrize(
    ("age", "half_life", "weight"),
    [(0.0, 30.0, 1.0), (30.0, 30.0, 0.5), (60.0, 30.0, 0.25), (5.0, None, 1.0)],
)
def test_decay_weight_halves_every_half_life(age, half_life, weight):
    import numpy as np

    assert decay_weights(np.array([age]), half_life)[0] == pytest.approx(weight)


def test_order_lines_in_any_order_build_the_same_baskets():
    grouped = [(1, 1, A, 0.0), (1, 1, B, 0.0), (2, 2, C, 1.0), (3, 1, A, 2.0), (3, 1, C, 2.0)]
    shuffled = [grouped[i] for i in (3, 0, 2, 4, 1)]
    first, second = (build_baskets(OrderLines.from_rows(rows)) for rows in (grouped, shuffled))
    assert (first.matrix != second.matrix).nnz == 0
    assert first.order_ids.tolist() == second.order_ids.tolist() == [1, 2, 3]
    assert second.order_customer.tolist() == [1, 2, 1]
    assert second.order_time.tolist() == [0.0, 1.0, 2.0]
    assert second.matrix.toarray().tolist() == [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 1.0]]
