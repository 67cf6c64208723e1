"""Lifetime value, golden tests on CDNOW: the published BG/NBD and Gamma-Gamma estimates, and agreement
with the `lifetimes` package (test-only oracle) on the same inputs.

The data comes from the files lifetimes ships (CDNOW_sample.txt: 2,357 customers' purchases in
1997-98), read from its installed folder without importing it. lifetimes 0.11.3 itself is imported
only inside `lifetimes_module()`, with warnings suppressed for that import alone: under pandas 3 its
`import` sets a deprecated pandas option (a Pandas4Warning, an error under our filterwarnings).
Its fitting and prediction calls run under the suite's normal warnings-as-errors.
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from app.analytics.clv import (
    BGNBD,
    MBGNBD,
    TransactionModel,
    expected_purchases,
    fit_transactions,
    probability_alive,
)
from app.analytics.clv_scores import ClvInputs, clv_inputs_from_facts
from app.analytics.facts import CheckoutRows, OrderRows, customer_facts
from app.analytics.priors import DEFAULT_MBGNBD_PRIOR, reference_prior
from app.analytics.spend import SpendModel, expected_spend, fit_spend

DATASETS = Path(importlib.util.find_spec("lifetimes").origin).parent / "datasets"
EPOCH = date(1970, 1, 1)
CALIBRATION_END = date(1997, 9, 30)  # 39 weeks from 1997-01-01, as in Fader, Hardie & Lee (2005)


def lifetimes_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module("lifetimes")


def seconds(day: date) -> int:
    return (day - EPOCH).days * 86_400


@pytest.fixture(scope="module")
def cdnow() -> ClvInputs:
    """CDNOW_sample.txt through Orbit's own pipeline: order rows -> facts -> model inputs (weeks)."""
    raw = np.loadtxt(DATASETS / "CDNOW_sample.txt")
    ymd = raw[:, 2].astype(np.int64)
    at = np.array([seconds(date(int(d) // 10000, int(d) // 100 % 100, int(d) % 100)) for d in ymd])
    keep = at <= seconds(CALIBRATION_END)
    _, customer = np.unique(raw[:, 1].astype(np.int64), return_inverse=True)  # the sample's ids 1..2357
    n, rows = int(customer.max()) + 1, int(keep.sum())
    zeros, none = np.zeros(rows, dtype=np.int64), np.zeros(rows, dtype=bool)
    orders = OrderRows(
        customer=customer[keep],
        order_id=np.arange(rows),
        created_at=at[keep],
        total=np.round(raw[keep, 4] * 100).astype(np.int64),
        discount=zeros,
        refunded=zeros,
        source=zeros,
        paid=~none,
        cancelled=none,
        test=none,
    )
    empty = np.zeros(0, dtype=np.int64)
    facts = customer_facts(orders, CheckoutRows(empty, empty, empty), n)
    return clv_inputs_from_facts(facts, now=seconds(CALIBRATION_END))


def test_inputs_match_the_cdnow_summary_lifetimes_ships(cdnow):
    summary = np.genfromtxt(
        DATASETS / "cdnow_customers_summary_with_transactions.csv", delimiter=",", names=True
    )
    assert cdnow.x.size == summary.size == 2357
    assert np.array_equal(cdnow.x, summary["x"])
    assert np.allclose(cdnow.t_x, summary["t_x"], atol=0.005)
    assert np.allclose(cdnow.T, summary["T"], atol=0.005)
    assert np.allclose(cdnow.m / 100, summary["zbar"], atol=0.005)


def test_bgnbd_reproduces_the_2005_paper(cdnow):
    model = fit_transactions(BGNBD, cdnow.x, cdnow.t_x, cdnow.T)
    assert (round(model.r, 3), round(model.alpha, 3), round(model.a, 3), round(model.b, 3)) == (
        0.243,
        4.414,
        0.793,
        2.426,
    )


def test_gamma_gamma_reproduces_the_published_estimates(cdnow):
    model = fit_spend(cdnow.x, cdnow.m / 100)
    assert (round(model.p, 2), round(model.q, 2), round(model.gamma, 2)) == (6.25, 3.74, 15.44)


def test_gamma_gamma_scale_only_moves_gamma(cdnow):
    dollars = fit_spend(cdnow.x, cdnow.m / 100)
    cents = fit_spend(cdnow.x, cdnow.m, scale=4000.0)
    assert cents.p == pytest.approx(dollars.p, rel=1e-4) and cents.q == pytest.approx(dollars.q, rel=1e-4)
    assert cents.gamma == pytest.approx(dollars.gamma * 100, rel=1e-4)


@pytest.mark.parametrize(
    ("kind", "fitter_name"), [(BGNBD, "BetaGeoFitter"), (MBGNBD, "ModifiedBetaGeoFitter")]
)
def test_fits_and_predictions_agree_with_lifetimes(cdnow, kind, fitter_name):
    fitter = getattr(lifetimes_module(), fitter_name)()
    fitter.fit(cdnow.x, cdnow.t_x, cdnow.T)
    theirs = fitter.params_
    ours = fit_transactions(kind, cdnow.x, cdnow.t_x, cdnow.T)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(ours, name) == pytest.approx(theirs[name], rel=2e-3), name
    # Same parameters, same inputs: the prediction formulas must agree tightly.
    same = TransactionModel(kind, theirs["r"], theirs["alpha"], theirs["a"], theirs["b"])
    for t in (1.0, 12.857, 39.0, 52.18):
        expected = fitter.conditional_expected_number_of_purchases_up_to_time(t, cdnow.x, cdnow.t_x, cdnow.T)
        assert np.allclose(
            expected_purchases(same, t, cdnow.x, cdnow.t_x, cdnow.T), expected, rtol=1e-9, atol=1e-12
        )
    alive = fitter.conditional_probability_alive(cdnow.x, cdnow.t_x, cdnow.T)
    assert np.allclose(probability_alive(same, cdnow.x, cdnow.t_x, cdnow.T), alive, rtol=1e-12)


def test_gamma_gamma_fit_and_expected_spend_agree_with_lifetimes(cdnow):
    repeat = cdnow.x > 0
    fitter = lifetimes_module().GammaGammaFitter()
    fitter.fit(cdnow.x[repeat], cdnow.m[repeat] / 100)
    ours = fit_spend(cdnow.x, cdnow.m / 100)
    for name, value in (("p", ours.p), ("q", ours.q), ("v", ours.gamma)):
        assert value == pytest.approx(fitter.params_[name], rel=2e-3), name
    same = SpendModel(fitter.params_["p"], fitter.params_["q"], fitter.params_["v"])
    theirs = fitter.conditional_expected_average_profit(cdnow.x[repeat], cdnow.m[repeat] / 100)
    assert np.allclose(expected_spend(same, cdnow.x[repeat], cdnow.m[repeat] / 100), theirs, rtol=1e-12)


def test_bgnbd_calls_every_one_time_buyer_alive_but_mbgnbd_does_not(cdnow):
    one_time = cdnow.x == 0
    bg = fit_transactions(BGNBD, cdnow.x, cdnow.t_x, cdnow.T)
    mbg = fit_transactions(MBGNBD, cdnow.x, cdnow.t_x, cdnow.T)
    assert np.all(probability_alive(bg, cdnow.x, cdnow.t_x, cdnow.T)[one_time] == 1.0)
    alive = probability_alive(mbg, np.zeros(3), np.zeros(3), np.array([2.0, 20.0, 39.0]))
    assert (
        0 < alive[2] < alive[1] < alive[0] < 1
    )  # the longer a one-time buyer stays quiet, the likelier lost


# A prior centred a factor e away from CDNOW's estimates on every parameter.
FAR_PRIOR = reference_prior((0.243 * np.e, 4.414 / np.e, 0.793 * np.e, 2.426 / np.e))


def test_a_prior_barely_moves_a_shop_with_thousands_of_customers(cdnow):
    plain = fit_transactions(BGNBD, cdnow.x, cdnow.t_x, cdnow.T)
    shrunk = fit_transactions(BGNBD, cdnow.x, cdnow.t_x, cdnow.T, prior=FAR_PRIOR)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(shrunk, name) == pytest.approx(getattr(plain, name), rel=0.03), name


@pytest.mark.parametrize(("kind", "prior"), [(BGNBD, FAR_PRIOR), (MBGNBD, DEFAULT_MBGNBD_PRIOR)])
def test_fifty_customer_shops_get_stable_fits_from_the_prior(cdnow, kind, prior):
    """Twelve 50-customer samples of CDNOW: maximum likelihood swings the drop-out parameters by
    orders of magnitude from sample to sample (often a -> 0: "nobody ever churns"); under the prior
    they stay within a factor of 10 of its centre and vary far less."""
    plain, shrunk = [], []
    for seed in range(12):
        sample = np.random.default_rng(seed).choice(cdnow.x.size, 50, replace=False)
        x, t_x, T = cdnow.x[sample], cdnow.t_x[sample], cdnow.T[sample]
        for fits, with_prior in ((plain, None), (shrunk, prior)):
            model = fit_transactions(kind, x, t_x, T, prior=with_prior)
            fits.append(np.log([model.r, model.alpha, model.a, model.b]))
    plain, shrunk = np.array(plain), np.array(shrunk)
    # The purchase rate (r, alpha) is identified by 50 customers' counts; drop-out (a, b) is not.
    assert plain[:, 2].std() > 1.0  # log a
    assert np.all(shrunk[:, 2:].std(axis=0) < 0.5)
    assert np.all(np.abs(shrunk[:, 2:] - np.array(prior.mean_log)[2:]) < np.log(10))
