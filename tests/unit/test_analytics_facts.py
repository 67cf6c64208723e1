"""Customer facts from columnar rows: worked examples, and incremental (one customer) == full recompute."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.analytics.facts import (
    NO_SOURCE,
    NO_TIME,
    CheckoutRows,
    CustomerFacts,
    OrderRows,
    customer_facts,
    distance_km,
)

DAY = 86_400
T0 = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())


def orders_from(rows: list[dict]) -> OrderRows:
    """rows: dicts with customer, order_id, at, total and optional discount/refunded/source/flags."""

    def column(name: str, default: object, dtype: type) -> np.ndarray:
        return np.array([row.get(name, default) for row in rows], dtype=dtype)

    return OrderRows(
        customer=column("customer", 0, np.int64),
        order_id=column("order_id", 0, np.int64),
        created_at=column("at", 0, np.int64),
        total=column("total", 0, np.int64),
        discount=column("discount", 0, np.int64),
        refunded=column("refunded", 0, np.int64),
        source=column("source", NO_SOURCE, np.int64),
        paid=column("paid", True, bool),
        cancelled=column("cancelled", False, bool),
        test=column("test", False, bool),
    )


def checkouts_from(rows: list[tuple[int, int, int]]) -> CheckoutRows:
    """rows: (customer, created_at, value)."""
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return CheckoutRows(customer=table[:, 0], created_at=table[:, 1], value=table[:, 2])


NO_CHECKOUTS = checkouts_from([])


def test_counted_orders_money_and_average_rounded_half_to_even():
    facts = customer_facts(
        orders_from(
            [
                {"customer": 0, "order_id": 1, "at": T0, "total": 600, "discount": 50, "source": 3},
                {"customer": 0, "order_id": 2, "at": T0 + 10 * DAY, "total": 401, "refunded": 0},
                {"customer": 0, "order_id": 3, "at": T0 + 5 * DAY, "total": 999, "cancelled": True},
                {"customer": 0, "order_id": 4, "at": T0 + 6 * DAY, "total": 999, "test": True},
                {"customer": 0, "order_id": 5, "at": T0 + 7 * DAY, "total": 999, "paid": False},
                {"customer": 1, "order_id": 6, "at": T0, "total": 1000, "refunded": 997},
                {"customer": 1, "order_id": 7, "at": T0 + DAY, "total": 500},
            ]
        ),
        NO_CHECKOUTS,
        n_customers=3,
    )
    assert facts.orders.tolist() == [2, 2, 0]
    assert facts.gross_revenue.tolist() == [1001, 1500, 0]
    assert facts.net_revenue.tolist() == [1001, 503, 0]
    # 1001 / 2 = 500.5 -> 500 (even); 503 / 2 = 251.5 -> 252 (even); no orders -> 0
    assert facts.average_order_value.tolist() == [500, 252, 0]
    assert facts.discount_share[0] == 0.5 and facts.discounted_orders.tolist() == [1, 0, 0]
    assert facts.refund_share[1] == 997 / 1500 and facts.refund_share[0] == 0.0
    assert np.isnan(facts.refund_share[2]) and np.isnan(facts.discount_share[2])
    assert facts.first_source.tolist() == [3, NO_SOURCE, NO_SOURCE]
    assert facts.first_order_at.tolist() == [T0, T0, NO_TIME]
    assert facts.last_order_at.tolist() == [T0 + 10 * DAY, T0 + DAY, NO_TIME]


def test_gaps_mean_and_median_in_days():
    facts = customer_facts(
        orders_from(
            [
                {"customer": 0, "order_id": 1, "at": T0, "total": 1},
                {"customer": 0, "order_id": 2, "at": T0 + 9 * DAY, "total": 1},
                {"customer": 0, "order_id": 3, "at": T0 + DAY, "total": 1},
                {"customer": 0, "order_id": 4, "at": T0 + 3 * DAY, "total": 1},
                {"customer": 1, "order_id": 5, "at": T0, "total": 1},
                {"customer": 1, "order_id": 6, "at": T0 + 2 * DAY, "total": 1},
                {"customer": 1, "order_id": 7, "at": T0 + 12 * DAY, "total": 1},
                {"customer": 2, "order_id": 8, "at": T0, "total": 1},
            ]
        ),
        NO_CHECKOUTS,
        n_customers=3,
    )
    # customer 0: gaps 1, 2, 6 days; customer 1: gaps 2, 10; customer 2: one order, no gap
    assert facts.mean_gap_days[:2].tolist() == [3.0, 6.0]
    assert facts.median_gap_days[:2].tolist() == [2.0, 6.0]
    assert np.isnan(facts.mean_gap_days[2]) and np.isnan(facts.median_gap_days[2])


def test_first_source_breaks_a_same_second_tie_by_order_id():
    facts = customer_facts(
        orders_from(
            [
                {"customer": 0, "order_id": 20, "at": T0, "total": 1, "source": 7},
                {"customer": 0, "order_id": 10, "at": T0, "total": 1, "source": 4},
            ]
        ),
        NO_CHECKOUTS,
        n_customers=1,
    )
    assert facts.first_source.tolist() == [4]


def test_purchase_days_and_repeat_revenue_follow_the_shops_day_boundary():
    late_evening_utc = T0 + 23 * 3600  # 23:00 UTC on day 0 is 01:00 on day 1 at UTC+2
    rows = [
        {"customer": 0, "order_id": 1, "at": T0 + 3600, "total": 100},
        {"customer": 0, "order_id": 2, "at": late_evening_utc, "total": 250},
        {"customer": 0, "order_id": 3, "at": T0 + 3 * DAY, "total": 40},
    ]
    in_utc = customer_facts(orders_from(rows), NO_CHECKOUTS, 1)
    at_plus_two = customer_facts(orders_from(rows), NO_CHECKOUTS, 1, utc_offset_seconds=2 * 3600)
    assert (in_utc.purchase_days[0], in_utc.repeat_net_revenue[0]) == (2, 40)
    assert (at_plus_two.purchase_days[0], at_plus_two.repeat_net_revenue[0]) == (3, 290)


def test_abandoned_checkouts_count_and_the_latest_one():
    facts = customer_facts(
        orders_from([]),
        checkouts_from([(1, T0, 500), (1, T0 + DAY, 800), (1, T0 - DAY, 9000), (0, T0, 10)]),
        n_customers=3,
    )
    assert facts.abandoned_checkouts.tolist() == [1, 3, 0]
    assert facts.last_abandoned_at.tolist() == [T0, T0 + DAY, NO_TIME]
    assert facts.last_abandoned_value.tolist() == [10, 800, 0]
    assert facts.orders.tolist() == [0, 0, 0]


def test_distance_to_the_nearest_store_location():
    london, paris, edinburgh = (51.5074, -0.1278), (48.8566, 2.3522), (55.9533, -3.1883)
    km = distance_km(
        np.array([paris[0], edinburgh[0], np.nan]),
        np.array([paris[1], edinburgh[1], np.nan]),
        np.array([london[0], 55.95]),
        np.array([london[1], -3.19]),
    )
    assert abs(km[0] - 343.6) < 1.0  # Paris: nearest is London
    assert km[1] < 1.0  # Edinburgh: the second store is next door
    assert np.isnan(km[2])


# Random histories: orders created, some refunded (partly or wholly), some cancelled, some tests.
event_rows = st.lists(
    st.fixed_dictionaries(
        {
            "customer": st.integers(0, 5),
            # Often the same second or day, to exercise ties and day boundaries.
            "at": st.integers(T0, T0 + 40 * DAY) | st.sampled_from([T0, T0 + 1, T0 + DAY - 1, T0 + DAY]),
            "total": st.integers(0, 50_000),
            "discount": st.sampled_from([0, 0, 500]),
            "refund_fraction": st.sampled_from([0.0, 0.0, 0.5, 1.0]),
            "source": st.integers(-1, 3),
            "paid": st.booleans(),
            "cancelled": st.sampled_from([False, False, True]),
            "test": st.sampled_from([False, False, False, True]),
        }
    ),
    max_size=40,
)
checkout_rows = st.lists(
    st.tuples(st.integers(0, 5), st.integers(T0, T0 + 40 * DAY), st.integers(0, 20_000)), max_size=10
)


def materialise(events: list[dict]) -> list[dict]:
    return [
        {**event, "order_id": index + 1, "refunded": int(event["total"] * event["refund_fraction"])}
        for index, event in enumerate(events)
    ]


def facts_row(facts: CustomerFacts, index: int) -> dict[str, object]:
    return {name: getattr(facts, name)[index] for name in CustomerFacts.__dataclass_fields__}


def assert_same_row(left: dict[str, object], right: dict[str, object]) -> None:
    for name, value in left.items():
        np.testing.assert_array_equal(value, right[name], err_msg=name)


@settings(max_examples=150, deadline=None)
@given(event_rows, checkout_rows, st.randoms(use_true_random=False), st.sampled_from([0, 3600, -5 * 3600]))
def test_one_customer_recomputed_alone_equals_the_full_recompute(events, checkouts, rng, offset):
    rows = materialise(events)
    rng.shuffle(rows)  # input order must not matter either
    full = customer_facts(
        orders_from(rows), checkouts_from(checkouts), n_customers=6, utc_offset_seconds=offset
    )
    for customer in range(6):
        own_rows = [{**row, "customer": 0} for row in rows if row["customer"] == customer]
        own_checkouts = [(0, at, value) for who, at, value in checkouts if who == customer]
        alone = customer_facts(
            orders_from(own_rows), checkouts_from(own_checkouts), 1, utc_offset_seconds=offset
        )
        assert_same_row(facts_row(alone, 0), facts_row(full, customer))
        counted = [row for row in own_rows if row["paid"] and not row["cancelled"] and not row["test"]]
        assert full.orders[customer] == len(counted)
        assert full.net_revenue[customer] == sum(row["total"] - row["refunded"] for row in counted)
