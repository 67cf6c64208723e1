"""A shop's lifetime-value fit and per-customer scores: small shops, incremental == full, meanings."""

from __future__ import annotations

import numpy as np
import pytest

from app.analytics.clv import (
    BGNBD,
    MBGNBD,
    TransactionModel,
    fit_transactions,
    log_likelihood,
    median_time_to_next_purchase,
)
from app.analytics.clv_scores import ClvInputs, ShopClv, clv_inputs, fit_shop, score_customers
from app.analytics.priors import pooled_prior
from app.analytics.spend import SpendModel, spend_gradient, spend_log_likelihood

DAY = 86_400
NOW = 20_000 * DAY  # day 20,000 since 1970 (2024-10-04)


def simulated_shop(buyers: int, seed: int) -> ClvInputs:
    """Buyers of a replenishment store: monthly-ish purchase rates, drop-out after purchases (MBG/NBD
    story), first orders spread over the last 60 weeks, order values around 4,000 minor units."""
    rng = np.random.default_rng(seed)
    first_day = 20_000 - rng.integers(0, 420, buyers)
    rate = rng.gamma(2.0, 1 / 60, buyers)  # purchases per day
    drop = rng.beta(1.0, 4.0, buyers)
    days, last_day, repeat_value = [], [], []
    for start, lam, p in zip(first_day, rate, drop, strict=True):
        purchases, day, alive = [int(start)], float(start), rng.random() > p
        while alive:
            day += rng.exponential(1 / lam)
            if day >= 20_000:
                break
            purchases.append(int(day))
            alive = rng.random() > p
        distinct = sorted(set(purchases))
        days.append(len(distinct))
        last_day.append(distinct[-1])
        repeat_value.append(int(rng.gamma(8.0, 500.0)) * (len(distinct) - 1))
    first_at = first_day.astype(np.int64) * DAY
    last_at = np.array(last_day, dtype=np.int64) * DAY
    repeat = np.array(repeat_value, dtype=np.int64)
    return clv_inputs(np.array(days), first_at, last_at, repeat, repeat + 4_000, now=NOW)


def row(inputs: ClvInputs, index: int) -> ClvInputs:
    return ClvInputs(
        *(np.asarray(getattr(inputs, name))[index : index + 1] for name in ClvInputs.__dataclass_fields__)
    )


def test_a_fifty_buyer_shop_gets_usable_scores():
    inputs = simulated_shop(50, seed=3)
    shop = fit_shop(inputs)
    assert shop.buyers == 50 and 0 < shop.repeat_buyers < 50
    scores = score_customers(shop, inputs)
    assert np.all((scores.p_alive > 0) & (scores.p_alive < 1))
    assert np.allclose(scores.churn_risk, 1 - scores.p_alive)
    assert np.all(np.isfinite(scores.predicted_value_12m)) and np.all(scores.predicted_value_12m >= 0)
    assert np.all(scores.expected_orders_90d < 10) and np.all(scores.next_order_days > 0)
    # Spend is in the shop's own currency units: the population mean sits near its order values.
    population_mean = shop.spend.p * shop.spend.gamma / (shop.spend.q - 1)
    assert 1_000 < population_mean < 16_000


def test_one_customer_scored_alone_equals_their_row_in_the_full_run():
    inputs = simulated_shop(300, seed=5)
    shop = ShopClv.from_json(fit_shop(inputs).to_json())  # as stored between runs
    full = score_customers(shop, inputs)
    for index in (0, 7, 123, 299):
        alone = score_customers(shop, row(inputs, index))
        for name in (
            "expected_orders_90d",
            "predicted_value_12m",
            "p_alive",
            "churn_risk",
            "next_order_days",
        ):
            assert getattr(alone, name)[0] == getattr(full, name)[index], name


def test_regular_recent_buyers_outrank_quiet_one_time_buyers():
    shop = ShopClv(TransactionModel(MBGNBD, 0.8, 10.0, 0.6, 3.0), SpendModel(6.0, 4.0, 2_000.0), 100, 40)
    regular = clv_inputs(np.array([21]), np.array([NOW - 280 * DAY]), np.array([NOW]), np.array([80_000]),
                         np.array([84_000]), now=NOW)  # fmt: skip
    quiet = clv_inputs(np.array([1]), np.array([NOW - 280 * DAY]), np.array([NOW - 280 * DAY]), np.array([0]),
                       np.array([4_000]), now=NOW)  # fmt: skip
    assert regular.x.tolist() == [20.0] and regular.T[0] == 40.0
    high, low = score_customers(shop, regular), score_customers(shop, quiet)
    assert high.p_alive[0] > 0.9 and low.churn_risk[0] > 0.3 and low.churn_risk[0] > 10 * high.churn_risk[0]
    assert high.expected_orders_90d[0] > 4 * low.expected_orders_90d[0]
    assert high.predicted_value_12m[0] > 10 * low.predicted_value_12m[0]
    assert high.next_order_days[0] < low.next_order_days[0]


def test_customers_without_orders_get_no_scores():
    inputs = clv_inputs(np.array([0, 2]), np.array([0, NOW - 70 * DAY]), np.array([0, NOW - 7 * DAY]),
                        np.array([0, 5_000]), np.array([0, 9_000]), now=NOW)  # fmt: skip
    assert np.isnan(inputs.x[0]) and inputs.x[1] == 1
    shop = ShopClv(TransactionModel(MBGNBD, 0.5, 6.0, 0.9, 1.6), SpendModel(6.0, 4.0, 2_000.0), 1, 1)
    scores = score_customers(shop, inputs)
    assert np.isnan(scores.predicted_value_12m[0]) and np.isfinite(scores.predicted_value_12m[1])


def test_next_purchase_median_halves_the_waiting_time_distribution():
    model = TransactionModel(MBGNBD, 0.5, 6.0, 0.9, 1.6)
    x, T = np.array([0.0, 3.0, 40.0]), np.array([10.0, 30.0, 52.0])
    median = median_time_to_next_purchase(model, x, T)
    survival = ((model.alpha + T) / (model.alpha + T + median)) ** (model.r + x)
    assert survival == pytest.approx([0.5, 0.5, 0.5])


def test_heavy_buyers_do_not_overflow():
    shop = ShopClv(TransactionModel(MBGNBD, 0.5, 6.0, 0.9, 1.6), SpendModel(6.0, 4.0, 2_000.0), 1, 1)
    days, first, last = np.array([401]), np.array([NOW - 400 * DAY]), np.array([NOW])
    inputs = clv_inputs(days, first, last, np.array([400 * 3_000]), np.array([401 * 3_000]), now=NOW)
    scores = score_customers(shop, inputs)
    # One purchase day a day for 400 days: 81.5 in 90 days at the posterior rate (400.5 / 63.1 weeks),
    # less the chance of dropping out along the way (p ~ Beta(0.9, 401.6), ~0.2% per purchase).
    assert 70 < scores.expected_orders_90d[0] < 81.5
    assert np.isfinite(scores.predicted_value_12m[0])


def mbgnbd_process(customers: int, r: float, alpha: float, a: float, b: float, seed: int) -> ClvInputs:
    """Histories drawn from the MBG/NBD story itself (weeks; whole days), to check the fit recovers them."""
    rng = np.random.default_rng(seed)
    T = rng.integers(0, 3 * 365, customers) / 7.0
    before_drop = rng.geometric(rng.beta(a, b, customers)) - 1  # drop-out after each purchase, first included
    arrivals = rng.poisson(rng.gamma(r, 1 / alpha, customers) * T)
    x = np.minimum(before_drop, arrivals)
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), arrivals - x + 1), 0.0)  # x-th of the arrivals
    days = (x + 1).astype(np.int64)
    return ClvInputs(x.astype(np.float64), np.floor(t_x * 7) / 7, T, np.zeros(customers), days * 4_000, days)


def test_the_fit_recovers_the_parameters_the_customers_were_drawn_from():
    truth = (0.6, 8.0, 0.8, 2.5)
    inputs = mbgnbd_process(40_000, *truth, seed=11)
    model = fit_transactions(MBGNBD, inputs.x, inputs.t_x, inputs.T)
    for fitted, true in zip((model.r, model.alpha, model.a, model.b), truth, strict=True):
        assert fitted == pytest.approx(true, rel=0.12)


@pytest.mark.parametrize("kind", [BGNBD, MBGNBD])
def test_the_analytic_gradient_matches_finite_differences(kind):
    inputs = mbgnbd_process(300, 0.6, 8.0, 0.8, 2.5, seed=2)
    log_params = np.log([0.7, 6.0, 1.1, 2.0])

    def total(point: np.ndarray) -> float:
        return float(log_likelihood(kind, np.exp(point), inputs.x, inputs.t_x, inputs.T)[0].sum())

    gradient = log_likelihood(kind, np.exp(log_params), inputs.x, inputs.t_x, inputs.T)[1].sum(axis=0)
    step = 1e-6
    numeric = [(total(log_params + step * e) - total(log_params - step * e)) / (2 * step) for e in np.eye(4)]
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_the_spend_gradient_matches_finite_differences():
    rng = np.random.default_rng(4)
    x, m = rng.integers(1, 9, 200).astype(float), rng.gamma(5.0, 0.3, 200)
    log_params = np.log([4.0, 3.0, 0.5])
    gradient = spend_gradient(np.exp(log_params), x, m).sum(axis=0)
    step = 1e-6
    numeric = [
        (spend_log_likelihood(np.exp(log_params + step * e), x, m).sum()
         - spend_log_likelihood(np.exp(log_params - step * e), x, m).sum()) / (2 * step)
        for e in np.eye(3)
    ]  # fmt: skip
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_pooled_prior_weights_shops_by_customers_and_keeps_a_minimum_spread():
    assert pooled_prior([((1.0, 2.0), 100), ((1.0, 2.0), 100)]) is None  # fewer than 3 shops
    prior = pooled_prior([((1.0, 1.0), 100), ((np.e, 1.0), 100), ((np.e**2, 1.0), 200)])
    assert prior.mean_log == pytest.approx((1.25, 0.0))
    assert prior.sd_log[1] == 0.5 and prior.sd_log[0] == pytest.approx(np.sqrt(0.6875))


def test_a_young_shop_of_one_time_buyers_still_gets_scores_from_the_priors():
    """30 buyers, first orders in the last four weeks, nobody has ordered twice yet."""
    rng = np.random.default_rng(8)
    first = NOW - rng.integers(0, 28, 30) * DAY
    value = rng.integers(2_000, 6_000, 30)
    inputs = clv_inputs(
        np.ones(30, dtype=np.int64), first, first, np.zeros(30, dtype=np.int64), value, now=NOW
    )
    shop = fit_shop(inputs)
    assert shop.repeat_buyers == 0
    # No repeat spend to learn from: the prior puts the expected order value at the shop's average.
    assert shop.spend.p * shop.spend.gamma / (shop.spend.q - 1) == pytest.approx(value.mean(), rel=0.01)
    scores = score_customers(shop, inputs)
    assert np.all(np.isfinite(scores.predicted_value_12m)) and np.all(scores.predicted_value_12m > 0)
    assert np.all((scores.churn_risk > 0) & (scores.churn_risk < 1))
