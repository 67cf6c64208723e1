"""Buy-again timing and new-to-you on hand-computed customer histories."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.recommendations.baskets import OrderLines, build_baskets
from app.recommendations.cooccurrence import TopPairs
from app.recommendations.personal import BUY_AGAIN, NEW_TO_YOU, PersonalParams, personal_recommendations

A, B, C, D, P, Q = 101, 102, 103, 104, 201, 202
NO_PAIRS = TopPairs(*(np.zeros(0, dtype=np.int64),) * 2, *(np.zeros(0),) * 5)


def pairs(rows: list[tuple[int, int, float]]) -> TopPairs:
    """(anchor, candidate, confidence); the other columns do not enter personal scores."""
    anchor, candidate, confidence = (np.array(column) for column in zip(*rows, strict=True))
    other = np.ones(len(rows))
    return TopPairs(anchor, candidate, other, other, other, confidence, other)


def history(orders: list[tuple[int, float, list[int]]], customer: int = 7) -> OrderLines:
    return OrderLines.from_rows([(oid, customer, p, day) for oid, day, products in orders for p in products])


# P every 30 days (0, 30, 60), Q every 30 days too but later (20, 50, 80): same repeat rate 3/6.
REPLENISHER = history(
    [(1, 0.0, [P]), (2, 20.0, [Q]), (3, 30.0, [P]), (4, 50.0, [Q]), (5, 60.0, [P]), (6, 80.0, [Q])]
)
TIMING = PersonalParams(order_decay=1.0, due_exponent=1.0, lapse_rate=0.1, cf_weight=0.0)


def test_the_product_coming_due_ranks_above_the_one_just_bought():
    recs = personal_recommendations(build_baskets(REPLENISHER), 88.0, NO_PAIRS, TIMING)
    # P: 28 of 30 days since the last purchase -> 0.5 * 28/30; Q: 8 of 30 -> 0.5 * 8/30.
    assert recs.product.tolist() == [P, Q]
    assert recs.score.tolist() == pytest.approx([0.5 * 28 / 30, 0.5 * 8 / 30])
    assert recs.interval_days.tolist() == pytest.approx([30.0, 30.0])
    assert recs.days_since_last.tolist() == pytest.approx([28.0, 8.0])
    assert recs.kinds() == [BUY_AGAIN, BUY_AGAIN]


def test_long_overdue_products_fade_so_the_fresher_habit_leads():
    recs = personal_recommendations(build_baskets(REPLENISHER), 150.0, NO_PAIRS, TIMING)
    # P: x = 90/30 = 3 -> exp(-0.1 * 2); Q: x = 70/30 -> exp(-0.1 * 4/3).
    assert recs.product.tolist() == [Q, P]
    assert recs.score.tolist() == pytest.approx([0.5 * math.exp(-0.1 * 4 / 3), 0.5 * math.exp(-0.2)])


def test_a_product_bought_once_uses_the_customers_own_gap_between_orders():
    once = history([(1, 0.0, [P]), (2, 10.0, [Q]), (3, 20.0, [Q])])
    recs = personal_recommendations(build_baskets(once), 25.0, NO_PAIRS, TIMING)
    by_product = dict(zip(recs.product.tolist(), recs.interval_days.tolist(), strict=True))
    assert by_product[P] == pytest.approx(10.0)  # (20 - 0) / (3 orders - 1)
    assert by_product[Q] == pytest.approx(10.0)  # its own interval
    # P: repeat 1/3, x = 25/10 -> exp(-0.15); Q: repeat 2/3, x = 5/10 -> 0.5.
    assert dict(zip(recs.product.tolist(), recs.score.tolist(), strict=True)) == pytest.approx(
        {P: math.exp(-0.15) / 3, Q: (2 / 3) * 0.5}
    )


def test_new_to_you_comes_from_complements_of_what_they_bought_and_excludes_it():
    # Orders: day 0 {A}, day 10 {A, B}; decay 0.5 -> weights 0.5 and 1, sum 1.5.
    # repeat(A) = 1.5 / 1.5 = 1; repeat(B) = 1 / 1.5 = 2/3; sum of repeats = 5/3.
    # complement(B) = 1 * 0.8 / (5/3) = 0.48; complement(C) = 1 * 0.5 / (5/3) = 0.3;
    # complement(D) = (2/3) * 0.3 / (5/3) = 0.12.
    customer = history([(1, 0.0, [A]), (2, 10.0, [A, B])])
    params = PersonalParams(order_decay=0.5, due_exponent=0.0, lapse_rate=0.0, cf_weight=1.0)
    links = pairs([(A, C, 0.5), (A, B, 0.8), (B, D, 0.3)])
    recs = personal_recommendations(build_baskets(customer), 20.0, links, params)

    assert recs.product.tolist() == [B, A, C, D]
    assert recs.kinds() == [BUY_AGAIN, BUY_AGAIN, NEW_TO_YOU, NEW_TO_YOU]
    assert recs.score.tolist() == pytest.approx([2 / 3 + 0.48, 1.0, 0.3, 0.12])
    new = [
        p for p, bought in zip(recs.product.tolist(), recs.bought_before.tolist(), strict=True) if not bought
    ]
    assert set(new).isdisjoint({A, B})


def test_excluded_products_are_never_recommended_to_customers():
    customer = history([(1, 0.0, [A]), (2, 10.0, [A, B])])
    params = PersonalParams(order_decay=0.5, due_exponent=0.0, lapse_rate=0.0, cf_weight=1.0)
    links = pairs([(A, C, 0.5), (A, B, 0.8), (B, D, 0.3)])
    recs = personal_recommendations(build_baskets(customer), 20.0, links, params, excluded={B, C})
    assert recs.product.tolist() == [A, D]


def test_each_customer_gets_their_own_list_and_guests_get_none():
    rows = [(1, 7, A, 0.0), (2, 8, B, 0.0), (3, None, C, 0.0)]
    recs = personal_recommendations(
        build_baskets(OrderLines.from_rows(rows)), 5.0, NO_PAIRS, PersonalParams(cf_weight=0.0)
    )
    assert recs.as_lists().keys() == {7, 8}
    assert [p for p, _, _ in recs.as_lists()[7]] == [A]


def test_one_customer_alone_gets_the_same_list_as_in_the_full_build():
    everyone = OrderLines.from_rows(
        [(1, 7, A, 0.0), (1, 7, B, 0.0), (2, 7, A, 9.0), (3, 8, B, 1.0), (3, 8, C, 1.0), (4, 8, C, 5.0)]
    )
    alone = OrderLines.from_rows([(3, 8, B, 1.0), (3, 8, C, 1.0), (4, 8, C, 5.0)])
    links = pairs([(B, A, 0.4), (C, D, 0.2)])
    full = personal_recommendations(build_baskets(everyone), 12.0, links, PersonalParams()).as_lists()[8]
    single = personal_recommendations(build_baskets(alone), 12.0, links, PersonalParams()).as_lists()[8]
    assert [(p, k) for p, k, _ in single] == [(p, k) for p, k, _ in full]
    assert [s for _, _, s in single] == pytest.approx([s for _, _, s in full])


def test_top_per_row_keeps_the_best_per_row_with_ties_to_the_smaller_id():
    from scipy import sparse

    from app.recommendations.ranking import top_per_row

    scores = sparse.csr_matrix(
        np.array([[0.2, 0.9, 0.2, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0, 0.0]])
    )
    rows, cols, values = top_per_row(scores, 3, np.array([10, 20, 30, 40, 50]))
    assert rows.tolist() == [0, 0, 0, 2]
    assert cols.tolist() == [1, 4, 0, 2]  # 0.9, 0.5, then the 0.2 tie goes to id 10 over id 30
    assert values.tolist() == [0.9, 0.5, 0.2, 3.0]
