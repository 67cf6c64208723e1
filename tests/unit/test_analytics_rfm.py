"""RFM scores (tie rule, cut points for incremental scoring) and the first-match group table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.analytics.rfm import (
    GROUP_NAMES,
    RFM_GROUP_RULES,
    RfmCutoffs,
    cut_points,
    last_order_day,
    rfm_cutoffs,
    rfm_group_rules_json,
    rfm_groups,
    rfm_scores,
    score,
)

SHOPIFY_GROUPS = {
    "Champions", "Loyal", "Active", "Promising", "New", "Needs attention",
    "At risk", "Almost lost", "Previously loyal", "Dormant", "Prospects",
}  # fmt: skip


def brute_force_scores(values: list[int]) -> list[int]:
    n = len(values)
    return [1 + (5 * sum(other < value for other in values)) // n for value in values]


def test_half_the_store_with_one_order_all_get_the_same_lowest_frequency_score():
    orders = np.array([1] * 50 + [2] * 25 + [3] * 15 + [4] * 6 + [9] * 4)
    scores = score(orders, cut_points(orders))
    assert set(scores[:50].tolist()) == {1}
    assert set(scores[50:75].tolist()) == {3}  # 50% have fewer orders: 1 + floor(5 * 0.5)
    assert set(scores[75:90].tolist()) == {4}  # 75% fewer
    assert set(scores[90:].tolist()) == {5}  # 90% and 96% fewer


@given(st.lists(st.integers(-5, 30), min_size=1, max_size=60))
def test_scores_follow_the_tie_rule_and_identical_values_share_a_score(values):
    scores = score(np.array(values), cut_points(np.array(values))).tolist()
    assert scores == brute_force_scores(values)
    for value, value_score in zip(values, scores, strict=True):
        assert all(s == value_score for v, s in zip(values, scores, strict=True) if v == value)


@given(st.lists(st.integers(0, 100), min_size=1, max_size=40), st.integers(-10, 110))
def test_a_single_customer_scored_on_stored_cut_points_agrees_with_rescoring_the_shop(values, changed):
    """Incremental: score a customer's value against the shop's stored cut points. For a value the
    shop already has, that equals the full recompute exactly."""
    cuts = RfmCutoffs.from_json(RfmCutoffs(cut_points(np.array(values)), (), ()).to_json()).recency
    for value in values:
        assert score(np.array([value]), cuts)[0] == brute_force_scores(values)[values.index(value)]
    above = sum(cut < changed for cut in cuts)
    assert score(np.array([changed]), cuts)[0] == 1 + above


def test_customers_without_orders_are_prospects_with_zero_scores():
    day = last_order_day(np.array([86_400 * 100, 86_400 * 200, 0, 86_400 * 150]))
    orders = np.array([1, 4, 0, 2])
    revenue = np.array([1_000, 90_000, 0, 5_000])
    r, f, m = rfm_scores(day, orders, revenue, rfm_cutoffs(day, orders, revenue))
    assert (r[2], f[2], m[2]) == (0, 0, 0)
    assert GROUP_NAMES[rfm_groups(r, f, m)[2]] == "Prospects"
    assert r[1] > r[3] > r[0]  # the prospect's "day 0" is left out of the recency cut points


def test_the_table_has_shopifys_eleven_groups_and_every_score_has_exactly_one_matching_rule():
    assert set(GROUP_NAMES) == SHOPIFY_GROUPS and len(GROUP_NAMES) == 11
    for r in range(1, 6):
        for f in range(1, 6):
            for m in range(1, 6):
                assert sum(rule.matches(r, f, m) for rule in RFM_GROUP_RULES) == 1, (r, f, m)
    assert [rule.name for rule in RFM_GROUP_RULES if rule.matches(0, 0, 0)] == ["Prospects"]


@pytest.mark.parametrize(
    ("r", "f", "m", "group"),
    [
        (5, 5, 5, "Champions"),
        (4, 4, 5, "Loyal"),
        (5, 1, 1, "New"),
        (4, 1, 2, "Promising"),
        (5, 3, 3, "Active"),
        (3, 1, 3, "Needs attention"),
        (2, 5, 5, "Previously loyal"),
        (1, 3, 4, "At risk"),
        (2, 1, 3, "Almost lost"),
        (1, 1, 1, "Dormant"),
    ],
)
def test_group_of_typical_scores(r, f, m, group):
    index = rfm_groups(np.array([r]), np.array([f]), np.array([m]))[0]
    assert GROUP_NAMES[index] == group
    assert RFM_GROUP_RULES[index].matches(r, f, m)


def test_rule_table_as_the_api_returns_it():
    rules = rfm_group_rules_json()
    assert [rule["name"] for rule in rules] == list(GROUP_NAMES)
    assert set(rules[0]) == {"key", "name", "rule", "r_min", "r_max", "fm_min", "fm_max"}
    assert all(isinstance(rule["rule"], str) and rule["rule"] for rule in rules)


def test_inconsistent_scores_are_refused():
    with pytest.raises(ValueError):
        rfm_groups(np.array([0]), np.array([3]), np.array([3]))
