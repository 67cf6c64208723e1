"""Lead scores: empirical-Bayes conversion per segment x value of converted leads, explained in words."""

from __future__ import annotations

import numpy as np
import pytest

from app.analytics.facts import NO_TIME
from app.analytics.leads import (
    DEFAULT_KAPPA,
    MAX_KAPPA,
    LeadFeatures,
    explain,
    fit_leads,
    lead_history,
    score_leads,
    segment_codes,
)

SOURCES = ["instagram", "google", "newsletter"]


def features(rows: list[tuple[int, bool, int]]) -> LeadFeatures:
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return LeadFeatures(source=table[:, 0], consent=table[:, 1].astype(bool), checkout_value=table[:, 2])


def history(
    groups: list[tuple[tuple[int, bool, int], int, int, float]],
) -> tuple[LeadFeatures, np.ndarray, np.ndarray]:
    """groups: (features, leads, converted, value of each converted lead)."""
    rows, converted, value = [], [], []
    for row, leads, wins, each in groups:
        rows += [row] * leads
        converted += [True] * wins + [False] * (leads - wins)
        value += [each] * wins + [0.0] * (leads - wins)
    return features(rows), np.array(converted), np.array(value)


def money(minor: float) -> str:
    return f"${minor / 100:,.2f}"


def test_small_segments_borrow_from_the_shop_and_large_ones_keep_their_own_rate():
    past, converted, value = history(
        [
            ((0, True, 0), 2_000, 200, 6_000.0),  # instagram, consent, no checkout: 10%
            ((1, True, 0), 2_000, 100, 6_000.0),  # google: 5%
            ((2, False, 0), 2_000, 20, 6_000.0),  # newsletter without consent: 1%
            ((1, False, 0), 2, 2, 6_000.0),  # 2 of 2: not 100%
        ]
    )
    model = fit_leads(past, converted, value)
    by_key = {(s.source, s.consent, s.band): s for s in model.segments}
    assert by_key[(0, True, 0)].conversion_rate == pytest.approx(0.10, abs=0.003)
    assert by_key[(2, False, 0)].conversion_rate == pytest.approx(0.01, abs=0.003)
    assert model.shop_rate < by_key[(1, False, 0)].conversion_rate < 0.5
    assert by_key[(0, True, 0)].converted_value == pytest.approx(6_000.0)
    assert DEFAULT_KAPPA != model.kappa < MAX_KAPPA  # estimated from the spread between segments


def test_segments_that_do_not_differ_are_pooled_fully():
    past, converted, value = history([((s, True, 0), 1_000, 50, 5_000.0) for s in range(3)])
    assert fit_leads(past, converted, value).kappa == MAX_KAPPA


def test_checkout_bands_split_at_the_median_checkout_value():
    past = features([(0, True, 0), (0, True, 1_000), (0, True, 3_000), (0, True, 5_000)])
    model = fit_leads(past, np.array([False] * 4), np.zeros(4))
    assert model.checkout_median == 3_000
    assert sorted(s.band for s in model.segments) == [0, 1, 2]
    assert sorted(segment_codes(past, 3_000) % 3) == [0, 1, 2, 2]


def test_scores_rank_leads_and_unseen_segments_get_the_shop_figures():
    past, converted, value = history(
        [
            ((0, True, 0), 500, 50, 8_000.0),
            ((0, False, 0), 500, 5, 8_000.0),
            ((1, True, 0), 500, 25, 4_000.0),
        ]
    )
    model = fit_leads(past, converted, value)
    leads = features([(0, True, 0), (0, False, 0), (1, True, 0), (-1, True, 0)])
    projected, segment = score_leads(model, leads)
    assert projected[0] > projected[2] > projected[1]
    assert segment[3] == -1 and projected[3] == pytest.approx(model.shop_rate * model.shop_value)
    assert projected[0] == pytest.approx(model.segments[segment[0]].projected_value)


def test_explanations_say_where_the_number_comes_from():
    past, converted, value = history([((0, True, 0), 400, 40, 5_000.0), ((1, False, 0), 400, 8, 5_000.0)])
    model = fit_leads(past, converted, value)
    projected, segment = score_leads(model, features([(0, True, 0), (2, True, 0)]))
    sentence = explain(model, int(segment[0]), SOURCES, money)
    assert "Leads from instagram, with marketing consent and no abandoned checkout: 40 of 400" in sentence
    assert money(projected[0]) in sentence
    assert "No similar leads yet" in explain(model, int(segment[1]), SOURCES, money)


def test_a_shop_without_past_leads_scores_zero_rather_than_failing():
    model = fit_leads(features([]), np.zeros(0, dtype=bool), np.zeros(0))
    projected, segment = score_leads(model, features([(0, True, 2_000)]))
    assert projected.tolist() == [0.0] and segment.tolist() == [-1]


def test_lead_history_keeps_leads_with_a_known_outcome_and_drops_direct_buyers():
    day, now = 86_400, 1_000 * 86_400
    became = np.array(
        [now - 200 * day, now - 200 * day, now - 200 * day, now - 10 * day, NO_TIME, now - 300 * day]
    )
    first_order = np.array(
        [NO_TIME, now - 150 * day, now - 200 * day + 60, NO_TIME, now - 5 * day, now - 100 * day]
    )
    past, converted = lead_history(became, first_order, now, window_days=90)
    # never ordered | ordered 50 days on | bought at sign-up | too recent | not a lead | ordered 200 days on
    assert past.tolist() == [True, True, False, False, False, True]
    assert converted.tolist() == [False, True, False, False, False, False]
