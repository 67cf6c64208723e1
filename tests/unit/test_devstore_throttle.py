"""The per app-and-shop leaky bucket, driven by a fake clock."""

from __future__ import annotations

import threading

import pytest

from devstore.throttle import LeakyBucket, cost_extension, throttled_error_body


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def bucket(clock: FakeClock) -> LeakyBucket:
    return LeakyBucket(maximum_available=1000.0, restore_rate=100.0, clock=clock)


def available(bucket: LeakyBucket) -> int:
    return bucket.status()["currentlyAvailable"]


def test_a_new_bucket_is_full_and_reports_shopifys_throttle_status(bucket: LeakyBucket) -> None:
    status = bucket.status()
    assert status == {"maximumAvailable": 1000.0, "currentlyAvailable": 1000, "restoreRate": 100.0}
    assert isinstance(status["maximumAvailable"], float)
    assert isinstance(status["currentlyAvailable"], int)
    assert isinstance(status["restoreRate"], float)


def test_spending_takes_the_cost_out(bucket: LeakyBucket) -> None:
    assert bucket.try_spend(300) is True
    assert available(bucket) == 700


def test_points_restore_continuously_at_the_restore_rate(bucket: LeakyBucket, clock: FakeClock) -> None:
    bucket.try_spend(500)
    clock.advance(2.5)  # 500 + 2.5 s * 100/s
    assert available(bucket) == 750


def test_restoring_stops_at_the_maximum(bucket: LeakyBucket, clock: FakeClock) -> None:
    bucket.try_spend(100)
    clock.advance(60)
    assert available(bucket) == 1000
    assert bucket.try_spend(1000) is True  # nothing above the maximum was banked
    assert bucket.try_spend(1) is False


def test_currently_available_is_reported_as_whole_points(bucket: LeakyBucket, clock: FakeClock) -> None:
    bucket.try_spend(1000)
    clock.advance(0.337)  # 33.7 points back
    assert available(bucket) == 33


def test_a_cost_that_does_not_fit_is_refused_and_spends_nothing(
    bucket: LeakyBucket, clock: FakeClock
) -> None:
    assert bucket.try_spend(950) is True
    assert bucket.try_spend(51) is False
    assert available(bucket) == 50
    clock.advance(0.01)  # one point back: 51 now fits
    assert bucket.try_spend(51) is True
    assert available(bucket) == 0


def test_the_refund_returns_requested_minus_actual(bucket: LeakyBucket) -> None:
    bucket.try_spend(400)
    bucket.refund(400 - 100)
    assert available(bucket) == 900


def test_a_refund_never_fills_past_the_maximum(bucket: LeakyBucket) -> None:
    bucket.try_spend(10)
    bucket.refund(500)
    assert available(bucket) == 1000


def test_a_negative_refund_spends_nothing(bucket: LeakyBucket) -> None:
    bucket.try_spend(100)
    bucket.refund(-50)
    assert available(bucket) == 900


def test_a_negative_cost_is_a_bug(bucket: LeakyBucket) -> None:
    with pytest.raises(ValueError):
        bucket.try_spend(-1)


def test_a_measured_shopify_request_leaves_what_shopify_left(clock: FakeClock) -> None:
    # Live Advanced-plan shop, 2026: requested 862, actual 158, 4000 bucket -> 3842 left.
    advanced = LeakyBucket(maximum_available=4000.0, restore_rate=200.0, clock=clock)
    assert advanced.try_spend(862) is True
    advanced.refund(862 - 158)
    assert available(advanced) == 3842


def test_reconfiguring_the_plan_changes_the_restore_rate(bucket: LeakyBucket, clock: FakeClock) -> None:
    bucket.try_spend(1000)
    clock.advance(1)  # 100 back at the old rate
    bucket.reconfigure(restore_rate=200.0)
    clock.advance(1)  # 200 back at the new rate
    assert bucket.status() == {
        "maximumAvailable": 1000.0,
        "currentlyAvailable": 300,
        "restoreRate": 200.0,
    }


def test_a_smaller_bucket_holds_no_more_than_its_new_maximum(bucket: LeakyBucket) -> None:
    bucket.reconfigure(maximum_available=400.0)
    assert bucket.status()["maximumAvailable"] == 400.0
    assert available(bucket) == 400
    assert bucket.try_spend(401) is False


@pytest.mark.parametrize(("maximum", "rate"), [(0.0, 100.0), (1000.0, 0.0), (-1.0, 50.0)])
def test_a_bucket_needs_a_positive_size_and_rate(maximum: float, rate: float) -> None:
    with pytest.raises(ValueError):
        LeakyBucket(maximum_available=maximum, restore_rate=rate)


def test_concurrent_spending_never_overdraws(bucket: LeakyBucket) -> None:
    # The clock is frozen, so exactly 1000 one-point requests can succeed.
    granted: list[bool] = []
    lock = threading.Lock()

    def spend_many() -> None:
        results = [bucket.try_spend(1) for _ in range(200)]
        with lock:
            granted.extend(results)

    threads = [threading.Thread(target=spend_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == 1000
    assert available(bucket) == 0


def test_the_throttled_body_is_shopifys(bucket: LeakyBucket) -> None:
    bucket.try_spend(900)
    assert throttled_error_body(250, bucket) == {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {
                    "code": "THROTTLED",
                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                },
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": 250,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 1000.0,
                    "currentlyAvailable": 100,
                    "restoreRate": 100.0,
                },
            }
        },
    }


def test_the_cost_extension_reports_both_costs_and_the_bucket(bucket: LeakyBucket) -> None:
    bucket.try_spend(12)
    bucket.refund(12 - 6)
    assert cost_extension(12, 6, bucket) == {
        "requestedQueryCost": 12,
        "actualQueryCost": 6,
        "throttleStatus": {
            "maximumAvailable": 1000.0,
            "currentlyAvailable": 994,
            "restoreRate": 100.0,
        },
    }
