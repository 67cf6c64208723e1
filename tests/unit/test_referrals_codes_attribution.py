"""Referral codes, identity normalisation, attribution and the hold period."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.referrals.attribution import OrderSignals, attribute
from app.referrals.codes import SUFFIX_ALPHABET, CodeSpaceExhausted, name_part, unique_referral_code
from app.referrals.hold import HoldPolicy, OrderProgress, reward_state
from app.referrals.identity import Address, address_key, network_of, normalise_email, normalise_phone


@pytest.mark.parametrize(
    ("first_name", "expected"),
    [
        ("Anna", "ANNA"),
        ("Zoë", "ZOE"),
        ("Jean-Luc", "JEANLUC"),
        ("Maximilian", "MAXIMILI"),
        ("", "FRIEND"),
        (None, "FRIEND"),
        ("李", "FRIEND"),
    ],
)
def test_the_name_part_is_readable_ascii(first_name, expected):
    assert name_part(first_name) == expected


def test_codes_are_readable_unique_and_deterministic_per_seed():
    taken = {"ANNA-2345"}
    codes = [unique_referral_code("Anna", taken, random.Random(seed)) for seed in range(50)]
    assert all(code.startswith("ANNA-") and len(code) == 9 for code in codes)
    assert all(ch in SUFFIX_ALPHABET for code in codes for ch in code[5:])
    assert not set("01OIL") & set("".join(code[5:] for code in codes))
    assert unique_referral_code("Anna", taken, random.Random(7)) == codes[7]


def test_a_taken_code_is_never_issued_again_case_insensitively():
    rng = random.Random(1)
    first = unique_referral_code("Anna", set(), random.Random(1))
    second = unique_referral_code("Anna", {first.lower()}, rng)
    assert second != first


def test_an_exhausted_code_space_raises():
    class Always:
        def choice(self, alphabet):
            return alphabet[0]

    with pytest.raises(CodeSpaceExhausted):
        unique_referral_code("Anna", {"ANNA-2222"}, Always())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("J.Doe+x@GMAIL.com", "jdoe@gmail.com"),
        ("j.doe@googlemail.com", "jdoe@gmail.com"),
        ("J.Doe+x@outlook.com", "j.doe@outlook.com"),
        ("j.doe+x@example.com", "j.doe+x@example.com"),
        ("not-an-email", None),
        ("", None),
    ],
)
def test_email_normalisation(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("(212) 555-0123", "US", "+12125550123"),
        ("+1 212 555 0123", None, "+12125550123"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("12", "US", None),
        ("call me", "US", None),
    ],
)
def test_phone_normalisation(raw, country, expected):
    assert normalise_phone(raw, country) == expected


def test_address_keys_ignore_spelling_but_keep_the_flat():
    a = address_key(Address("145 Atlantic Avenue", "Apartment 4B", "Brooklyn", "11201", "US"))
    assert a == address_key(Address("145 atlantic ave.", "apt 4b", "brooklyn", "11201-9999", "US"))
    assert a != address_key(Address("145 Atlantic Avenue", "Apartment 5B", "Brooklyn", "11201", "US"))
    assert address_key(Address("12 Florida Street", None, "X", "10001", "US")).endswith("|12|florida st|")
    assert address_key(Address("Somewhere", None, None, None, "US")) is None


def test_networks():
    assert network_of("203.0.113.9") == "203.0.113.9"
    assert network_of("::ffff:203.0.113.9") == "203.0.113.9"
    assert network_of("2001:db8::1") == "2001:db8::/64"
    assert network_of("not-an-ip") is None


ADVOCATES = {"ANNA-7K2Q": 1, "TOM-3XYZ": 2}


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        (OrderSignals(discount_codes=["anna-7k2q"]), (1, "discount_code")),
        (OrderSignals(discount_codes=["SUMMER10", "TOM-3XYZ"]), (2, "discount_code")),
        (OrderSignals(note_attributes=[("orbit_referral", "ANNA-7K2Q")]), (1, "cart_attribute")),
        (OrderSignals(landing_site="/apps/orbit/r/TOM-3XYZ?utm_source=x"), (2, "landing_page")),
        (OrderSignals(landing_site="/products/oil?ref=anna-7k2q"), (1, "landing_page")),
        (
            OrderSignals(discount_codes=["TOM-3XYZ"], landing_site="/apps/orbit/r/ANNA-7K2Q"),
            (2, "discount_code"),
        ),
        (OrderSignals(discount_codes=["SUMMER10"], landing_site="/?ref=NOBODY-1234"), None),
        (OrderSignals(), None),
    ],
)
def test_attribution(signals, expected):
    found = attribute(signals, ADVOCATES)
    assert (None if found is None else (found.advocate_id, found.via)) == expected


T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("progress", "policy", "now", "state"),
    [
        (OrderProgress(T0, Decimal("50")), HoldPolicy(), T0 + timedelta(days=13), "pending"),
        (OrderProgress(T0, Decimal("50")), HoldPolicy(), T0 + timedelta(days=14), "earned"),
        (
            OrderProgress(T0, Decimal("50"), refunded=Decimal("50")),
            HoldPolicy(),
            T0 + timedelta(days=20),
            "void",
        ),
        (OrderProgress(T0, Decimal("50"), cancelled=True), HoldPolicy(), T0 + timedelta(days=20), "void"),
        (OrderProgress(T0, Decimal("50"), chargeback=True), HoldPolicy(), T0 + timedelta(days=20), "void"),
        (
            OrderProgress(T0, Decimal("50"), fulfilled_at=T0, chargeback=True),
            HoldPolicy("fulfilled"),
            T0 + timedelta(days=1),
            "void",
        ),
        (
            OrderProgress(T0, Decimal("50"), refunded=Decimal("5")),
            HoldPolicy(),
            T0 + timedelta(days=20),
            "earned",
        ),
        (OrderProgress(T0, Decimal("50")), HoldPolicy("fulfilled"), T0 + timedelta(days=40), "pending"),
        (
            OrderProgress(T0, Decimal("50"), fulfilled_at=T0 + timedelta(days=2)),
            HoldPolicy("fulfilled"),
            T0 + timedelta(days=3),
            "earned",
        ),
    ],
)
def test_reward_hold(progress, policy, now, state):
    assert reward_state(progress, policy, now) == state
