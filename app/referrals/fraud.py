"""Fraud checks on a referred order. Each rule returns findings with a reason the merchant
reads; clear cases reject, doubtful ones send the referral to a review queue that waits for
the merchant (nothing here ever approves a doubtful referral by itself).

Clear: the friend is the advocate (same customer, email or phone), the order is not the
friend's first, the order was cancelled, fully refunded or charged back. Doubtful: a shared
address or network (households and offices are legitimate), bursts of referred orders from one
network or address, a partial refund.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from app.referrals.identity import Address, address_key, network_of, normalise_email, normalise_phone

Action = Literal["reject", "review"]


@dataclass(frozen=True)
class Person:
    customer_id: int | None
    email: str | None = None
    phone: str | None = None
    addresses: tuple[Address, ...] = ()
    browser_ip: str | None = None


@dataclass(frozen=True)
class ReferredOrder:
    order_id: int
    created_at: datetime
    friend: Person
    friend_prior_orders: int
    total: Decimal
    refunded: Decimal = Decimal("0")
    cancelled: bool = False
    chargeback: bool = False


@dataclass(frozen=True)
class RecentReferral:
    """Another referred order, for the velocity rules."""

    order_id: int
    created_at: datetime
    browser_ip: str | None
    addresses: tuple[Address, ...] = ()
    # Stored referrals keep only hashed address keys (no personal data); see `address_hash`.
    address_hashes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FraudSettings:
    shop_country: str | None = None  # how locally written phone numbers are read
    velocity_window: timedelta = timedelta(days=7)
    max_orders_per_network: int = 3  # referred orders from one network in the window
    max_orders_per_address: int = 2
    # Beyond this multiple of a limit a burst is no longer doubtful but clear.
    clear_burst_factor: int = 3
    min_subtotal: Decimal = Decimal("0")


@dataclass(frozen=True)
class Finding:
    rule: str
    action: Action
    reason: str


@dataclass(frozen=True)
class Verdict:
    decision: Literal["approved", "review", "rejected"]
    findings: tuple[Finding, ...] = field(default=())


def check_referral(
    advocate: Person, order: ReferredOrder, recent: Sequence[RecentReferral], settings: FraudSettings
) -> Verdict:
    findings = [
        *self_referral(advocate, order.friend, settings),
        *shared_household(advocate, order.friend),
        *not_first_order(order),
        *order_outcome(order, settings),
        *velocity(order, recent, settings),
    ]
    if any(f.action == "reject" for f in findings):
        return Verdict("rejected", tuple(findings))
    if findings:
        return Verdict("review", tuple(findings))
    return Verdict("approved")


def self_referral(advocate: Person, friend: Person, settings: FraudSettings) -> list[Finding]:
    found = []
    if advocate.customer_id is not None and advocate.customer_id == friend.customer_id:
        found.append(Finding("self_customer", "reject", "The friend is the advocate's own customer account."))
    email = normalise_email(advocate.email)
    if email and email == normalise_email(friend.email):
        found.append(Finding("self_email", "reject", f"The friend's email is the advocate's ({email})."))
    phone = normalise_phone(advocate.phone, settings.shop_country)
    if phone and phone == normalise_phone(friend.phone, settings.shop_country):
        found.append(Finding("self_phone", "reject", "The friend's phone number is the advocate's."))
    return found


def _address_keys(addresses: Sequence[Address]) -> set[str]:
    return {key for key in map(address_key, addresses) if key}


def address_hash(key: str) -> str:
    """What a stored referral keeps of an address key: equal keys give equal hashes."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def address_hashes(addresses: Sequence[Address]) -> frozenset[str]:
    return frozenset(address_hash(key) for key in _address_keys(addresses))


def shared_household(advocate: Person, friend: Person) -> list[Finding]:
    found = []
    if _address_keys(advocate.addresses) & _address_keys(friend.addresses):
        found.append(
            Finding(
                "same_address", "review", "The friend ships or bills to the advocate's address (same flat)."
            )
        )
    network = network_of(advocate.browser_ip)
    if network and network == network_of(friend.browser_ip):
        found.append(
            Finding("same_network", "review", f"The friend ordered from the advocate's network ({network}).")
        )
    return found


def not_first_order(order: ReferredOrder) -> list[Finding]:
    if order.friend_prior_orders > 0:
        return [
            Finding(
                "not_first_order", "reject", f"The friend had {order.friend_prior_orders} earlier order(s)."
            )
        ]
    return []


def order_outcome(order: ReferredOrder, settings: FraudSettings) -> list[Finding]:
    if order.chargeback:
        return [Finding("chargeback", "reject", "The order was charged back.")]
    if order.cancelled:
        return [Finding("cancelled", "reject", "The order was cancelled.")]
    if order.refunded >= order.total > 0:
        return [Finding("refunded", "reject", "The order was refunded in full.")]
    if order.refunded > 0:
        kept = order.total - order.refunded
        if kept < settings.min_subtotal:
            return [
                Finding(
                    "refunded", "reject", f"After refunds the order ({kept}) is below the offer's minimum."
                )
            ]
        return [Finding("partly_refunded", "review", f"{order.refunded} of {order.total} was refunded.")]
    return []


def velocity(
    order: ReferredOrder, recent: Sequence[RecentReferral], settings: FraudSettings
) -> list[Finding]:
    start = order.created_at - settings.velocity_window
    window = [r for r in recent if r.order_id != order.order_id and start <= r.created_at <= order.created_at]
    days = settings.velocity_window.days
    found = []
    network = network_of(order.friend.browser_ip)
    if network:
        count = 1 + sum(1 for r in window if network_of(r.browser_ip) == network)
        found += _burst(
            "network_velocity",
            count,
            settings.max_orders_per_network,
            settings,
            f"{count} referred orders from network {network} in {days} days",
        )
    keys = address_hashes(order.friend.addresses)
    if keys:
        count = 1 + sum(1 for r in window if (address_hashes(r.addresses) | r.address_hashes) & keys)
        found += _burst(
            "address_velocity",
            count,
            settings.max_orders_per_address,
            settings,
            f"{count} referred orders to one address in {days} days",
        )
    return found


def _burst(rule: str, count: int, limit: int, settings: FraudSettings, reason: str) -> list[Finding]:
    if count <= limit:
        return []
    action: Action = "reject" if count > limit * settings.clear_burst_factor else "review"
    return [Finding(rule, action, f"{reason} (limit {limit}).")]
