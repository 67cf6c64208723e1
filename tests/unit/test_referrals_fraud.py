"""Each fraud rule with the cases it must catch and the legitimate look-alikes it must let pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.referrals.fraud import (
    FraudSettings,
    Person,
    RecentReferral,
    ReferredOrder,
    address_hashes,
    check_referral,
)
from app.referrals.identity import Address

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SETTINGS = FraudSettings(shop_country="US", min_subtotal=Decimal("20.00"))

ADVOCATE = Person(
    customer_id=1,
    email="Anna.Berg+shop@gmail.com",
    phone="(212) 555-0123",
    addresses=(Address("145 Atlantic Avenue", "Apt 4B", "Brooklyn", "11201", "US"),),
    browser_ip="203.0.113.10",
)
FRIEND = Person(
    customer_id=2,
    email="tom@example.com",
    phone="+1 646 555 0199",
    addresses=(Address("9 Court Street", None, "Brooklyn", "11241", "US"),),
    browser_ip="198.51.100.7",
)


def order(friend: Person = FRIEND, **changes) -> ReferredOrder:
    base = ReferredOrder(
        order_id=100, created_at=NOW, friend=friend, friend_prior_orders=0, total=Decimal("60.00")
    )
    return replace(base, **changes)


def rules(verdict) -> set[str]:
    return {finding.rule for finding in verdict.findings}


def test_a_clean_referral_is_approved():
    verdict = check_referral(ADVOCATE, order(), [], SETTINGS)
    assert verdict.decision == "approved" and verdict.findings == ()


@pytest.mark.parametrize(
    ("friend", "rule"),
    [
        (replace(FRIEND, customer_id=1), "self_customer"),
        (replace(FRIEND, email="annaberg@gmail.com"), "self_email"),  # Gmail ignores dots
        (replace(FRIEND, email="ANNA.BERG+friends@googlemail.com"), "self_email"),  # plus-tag, alias domain
        (replace(FRIEND, phone="+1 212-555-0123"), "self_phone"),
        (replace(FRIEND, phone="212.555.0123"), "self_phone"),  # local format, shop country US
    ],
)
def test_self_referral_is_rejected(friend, rule):
    verdict = check_referral(ADVOCATE, order(friend), [], SETTINGS)
    assert verdict.decision == "rejected"
    assert rule in rules(verdict)
    assert all(f.reason for f in verdict.findings)


@pytest.mark.parametrize(
    "friend",
    [
        replace(FRIEND, email="anna.berg@example.com"),  # dots matter outside Gmail
        replace(FRIEND, email="anna.berg+shop@example.org"),  # another domain
        replace(FRIEND, phone="+1 212 555 0124"),  # a neighbour's number
        replace(FRIEND, customer_id=None, email=None, phone=None),  # guest checkout
    ],
)
def test_look_alike_identities_pass(friend):
    assert check_referral(ADVOCATE, order(friend), [], SETTINGS).decision == "approved"


@pytest.mark.parametrize(
    "address",
    [
        Address("145 Atlantic Ave.", "apt. 4b", "Brooklyn", "11201-2233", "US"),
        Address("145 atlantic avenue #4B", None, "BROOKLYN", "11201", "US"),
    ],
)
def test_the_advocates_own_flat_goes_to_review(address):
    verdict = check_referral(ADVOCATE, order(replace(FRIEND, addresses=(address,))), [], SETTINGS)
    assert verdict.decision == "review" and rules(verdict) == {"same_address"}


@pytest.mark.parametrize(
    "address",
    [
        Address("145 Atlantic Avenue", "Apt 5A", "Brooklyn", "11201", "US"),  # same building, other flat
        Address("147 Atlantic Avenue", "Apt 4B", "Brooklyn", "11201", "US"),  # next door
        Address("145 Atlantic Avenue", "Apt 4B", "Oakland", "94607", "US"),  # same street name elsewhere
    ],
)
def test_neighbours_in_other_flats_pass(address):
    verdict = check_referral(ADVOCATE, order(replace(FRIEND, addresses=(address,))), [], SETTINGS)
    assert verdict.decision == "approved"


def test_ordering_from_the_advocates_network_goes_to_review():
    verdict = check_referral(ADVOCATE, order(replace(FRIEND, browser_ip="203.0.113.10")), [], SETTINGS)
    assert verdict.decision == "review" and rules(verdict) == {"same_network"}


def test_ipv6_addresses_in_one_64_are_one_network():
    advocate = replace(ADVOCATE, browser_ip="2001:db8:aa:1::10")
    friend = replace(FRIEND, browser_ip="2001:db8:aa:1:ffff::2")
    assert rules(check_referral(advocate, order(friend), [], SETTINGS)) == {"same_network"}
    other = replace(FRIEND, browser_ip="2001:db8:aa:2::2")
    assert check_referral(advocate, order(other), [], SETTINGS).decision == "approved"


def recent_from(
    ip: str, count: int, *, hours_apart: int = 5, address: Address | None = None
) -> list[RecentReferral]:
    return [
        RecentReferral(
            order_id=200 + i,
            created_at=NOW - timedelta(hours=hours_apart * (i + 1)),
            browser_ip=ip,
            addresses=(address,) if address else (),
        )
        for i in range(count)
    ]


def test_a_shared_office_ip_below_the_velocity_limit_passes():
    office = "192.0.2.44"
    verdict = check_referral(
        ADVOCATE, order(replace(FRIEND, browser_ip=office)), recent_from(office, 2), SETTINGS
    )
    assert verdict.decision == "approved"


def test_many_referred_orders_from_one_network_go_to_review():
    office = "192.0.2.44"
    verdict = check_referral(
        ADVOCATE, order(replace(FRIEND, browser_ip=office)), recent_from(office, 3), SETTINGS
    )
    assert verdict.decision == "review" and rules(verdict) == {"network_velocity"}
    assert "4 referred orders" in verdict.findings[0].reason


def test_a_burst_far_over_the_limit_is_rejected():
    office = "192.0.2.44"
    verdict = check_referral(
        ADVOCATE, order(replace(FRIEND, browser_ip=office)), recent_from(office, 12), SETTINGS
    )
    assert verdict.decision == "rejected"


def test_orders_outside_the_window_do_not_count():
    office = "192.0.2.44"
    old = recent_from(office, 5, hours_apart=24 * 8)
    assert (
        check_referral(ADVOCATE, order(replace(FRIEND, browser_ip=office)), old, SETTINGS).decision
        == "approved"
    )


def test_many_referred_orders_to_one_address_go_to_review():
    drop = Address("1 Warehouse Way", "Unit 9", "Newark", "07105", "US")
    friend = replace(FRIEND, addresses=(drop,))
    verdict = check_referral(ADVOCATE, order(friend), recent_from("198.51.100.99", 2, address=drop), SETTINGS)
    assert verdict.decision == "review" and "address_velocity" in rules(verdict)


@pytest.mark.parametrize(
    ("stored", "decision"),
    [
        # The same flat written differently hashes the same: counted.
        (Address("1 Warehouse Way", "Unit 9", "Newark", "07105-1234", "US"), "review"),
        # Another flat in the same building: a different home, not counted.
        (Address("1 Warehouse Way", "Unit 10", "Newark", "07105", "US"), "approved"),
    ],
)
def test_stored_referrals_count_by_hashed_address_keys(stored, decision):
    drop = Address("1 Warehouse Way", "Unit 9", "Newark", "07105", "US")
    recent = [
        RecentReferral(
            order_id=300 + i,
            created_at=NOW - timedelta(hours=i + 1),
            browser_ip=None,
            address_hashes=address_hashes((stored,)),
        )
        for i in range(2)
    ]
    assert (
        check_referral(ADVOCATE, order(replace(FRIEND, addresses=(drop,))), recent, SETTINGS).decision
        == decision
    )


@pytest.mark.parametrize(
    ("changes", "rule", "decision"),
    [
        ({"friend_prior_orders": 1}, "not_first_order", "rejected"),
        ({"cancelled": True}, "cancelled", "rejected"),
        ({"chargeback": True}, "chargeback", "rejected"),
        ({"refunded": Decimal("60.00")}, "refunded", "rejected"),
        ({"refunded": Decimal("45.00")}, "refunded", "rejected"),  # keeps 15.00, below the 20.00 minimum
        ({"refunded": Decimal("10.00")}, "partly_refunded", "review"),
    ],
)
def test_order_history_and_outcome_rules(changes, rule, decision):
    verdict = check_referral(ADVOCATE, order(**changes), [], SETTINGS)
    assert verdict.decision == decision and rule in rules(verdict)


def test_a_small_legitimate_first_order_with_no_refund_passes():
    assert check_referral(ADVOCATE, order(total=Decimal("20.00")), [], SETTINGS).decision == "approved"
