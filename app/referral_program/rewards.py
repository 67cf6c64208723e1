"""Holds and the rewards ledger.

`evaluate_holds` moves pending referrals on: void when the friend's order was cancelled or
refunded in full, back to review on a partial refund, earned when the hold has passed (a ledger
row is written in the same transaction, keyed `referral:<id>`, so a referral earns once however
often this runs). The per-advocate cap counts earned rewards; a referral over the cap is rejected
with its reason.

`issue_reward` (one ledger row) is safe to kill at any point and run again:
  1. commit `attempted_at` (and the attempt count) before calling Shopify;
  2. look up before create: a discount code by its deterministic code string, store credit by a
     credit of the same amount made since the first attempt;
  3. record the Shopify id and `issued`, and commit.
A crash before 1 leaves the row as it was; between 1 and 3 the look-up finds what step 2 made.
A refund after issuance is handled in app/referral_program/reversal.py.
`ORBIT_REFERRAL_CRASH_AT` names a step at which the process kills itself (tests only; the code
path is the production one).
"""

from __future__ import annotations

import os
import signal
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import db
from app.models import Advocate, Order, Referral, Reward, Shop, utcnow
from app.referral_program.attribution import charged_back, refunded_total
from app.referral_program.settings import hold_policy, load
from app.referrals.hold import OrderProgress, reward_state
from app.shopify import discount_operations, store_credit_operations
from app.shopify.client import AdminClient

CRASH_ENV = "ORBIT_REFERRAL_CRASH_AT"
CLOCK_SKEW = timedelta(seconds=30)
# After this many refused attempts a reward stops being retried and shows as failed, with its
# last error, until the merchant asks for another try.
MAX_ATTEMPTS = 5


def crash_point(name: str) -> None:
    """Die here, like a worker killed by the OS, when the test environment asks for it."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def order_progress(session: Session, shop_id: int, referral: Referral) -> OrderProgress | None:
    order = session.scalar(
        select(Order).where(Order.shop_id == shop_id, Order.shopify_id == referral.order_shopify_id)
    )
    if order is None:
        return None
    fulfilled_at = order.shopify_updated_at if order.fulfillment_status == "fulfilled" else None
    return OrderProgress(
        created_at=referral.ordered_at,
        total=Decimal(order.total_price),
        fulfilled_at=fulfilled_at,
        refunded=refunded_total(session, order),
        cancelled=order.cancelled_at is not None or order.deleted_at is not None,
        chargeback=charged_back(session, shop_id, order.shopify_id),
    )


def earned_count(session: Session, shop_id: int, advocate_id: int) -> int:
    statement = select(func.count(Reward.id)).where(
        Reward.shop_id == shop_id, Reward.advocate_id == advocate_id, Reward.status != "reversed"
    )
    return int(session.scalar(statement) or 0)


def reward_code(advocate: Advocate, referral: Referral) -> str:
    """The reward's discount code: deterministic, so Shopify can be asked whether it exists."""
    return f"{advocate.code}-R{referral.id}"


def add_finding(referral: Referral, rule: str, action: str, reason: str) -> None:
    referral.findings = [*(referral.findings or []), {"rule": rule, "action": action, "reason": reason}]


def evaluate_holds(session: Session, shop: Shop, now: datetime) -> dict[str, int]:
    settings = load(shop.settings)
    policy = hold_policy(settings)
    counts = {"earned": 0, "void": 0, "review": 0, "capped": 0}
    # Referrals in review are looked at too: one whose order was then refunded leaves the queue.
    open_referrals = session.scalars(
        select(Referral)
        .where(Referral.shop_id == shop.id, Referral.status.in_(("pending", "review")))
        .order_by(Referral.id)
    )
    for referral in open_referrals:
        progress = order_progress(session, shop.id, referral)
        if progress is None:
            continue
        state = reward_state(progress, policy, now)
        if referral.status == "review" and state != "void":
            continue  # waits for the merchant, never approved by itself
        if state == "void":
            referral.status, referral.decided_by, referral.decided_at = "void", "rules", now
            if progress.chargeback:
                add_finding(referral, "chargeback", "reject", "The order was charged back during the hold.")
            else:
                add_finding(
                    referral, "refunded", "reject", "The order was cancelled or refunded during the hold."
                )
            counts["void"] += 1
        elif progress.refunded > 0 and referral.decided_by is None:
            referral.status = "review"
            add_finding(
                referral,
                "partly_refunded",
                "review",
                f"{progress.refunded} of {progress.total} was refunded.",
            )
            counts["review"] += 1
        elif state == "earned":
            advocate = session.get(Advocate, referral.advocate_id)
            if earned_count(session, shop.id, advocate.id) >= int(settings["max_rewards_per_advocate"]):
                referral.status, referral.decided_by, referral.decided_at = "rejected", "rules", now
                cap = settings["max_rewards_per_advocate"]
                add_finding(referral, "cap_reached", "reject", f"The advocate already earned {cap} rewards.")
                counts["capped"] += 1
                continue
            referral.status, referral.earned_at = "earned", now
            reward = settings["advocate_reward"]
            session.add(
                Reward(
                    shop_id=shop.id,
                    advocate_id=advocate.id,
                    referral_id=referral.id,
                    idempotency_key=f"referral:{referral.id}",
                    kind=reward["kind"],
                    amount=Decimal(str(reward["amount"])),
                    currency=shop.currency or referral.currency or "USD",
                    code=reward_code(advocate, referral) if reward["kind"] == "discount_code" else None,
                    status="earned",
                )
            )
            counts["earned"] += 1
    return counts


def reward_discount(
    reward: Reward, advocate: Advocate, expires_days: int | None, now: datetime
) -> dict[str, Any]:
    """DiscountCodeBasicInput of a reward: single use, for the advocate only."""
    discount: dict[str, Any] = {
        "title": f"Orbit referral reward {reward.code}",
        "code": reward.code,
        "startsAt": now.isoformat(),
        "context": {"customers": {"add": [f"gid://shopify/Customer/{advocate.customer_shopify_id}"]}},
        "customerGets": {
            "value": {"discountAmount": {"amount": str(reward.amount), "appliesOnEachItem": False}},
            "items": {"all": True},
        },
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
        "tags": ["orbit-referral-reward"],
    }
    if expires_days:
        discount["endsAt"] = (now + timedelta(days=expires_days)).isoformat()
    return discount


def claimed_gids(session: Session, shop_id: int) -> set[str]:
    return set(
        session.scalars(
            select(Reward.shopify_gid).where(Reward.shop_id == shop_id, Reward.shopify_gid.is_not(None))
        )
    )


def issue_reward(reward_id: int, client: AdminClient) -> str | None:
    """Issue one earned reward in Shopify exactly once; its Shopify id (None if not due)."""
    with db.transaction() as session:
        reward = session.get(Reward, reward_id)
        if reward is None or reward.status != "earned":
            return reward.shopify_gid if reward is not None else None
        first_attempt = reward.attempted_at is None
        if first_attempt:
            reward.attempted_at = utcnow()
        reward.attempts += 1
        attempted_at = reward.attempted_at
        advocate = session.get(Advocate, reward.advocate_id)
        shop = session.get(Shop, reward.shop_id)
        expires_days = load(shop.settings)["advocate_reward"].get("expires_days")
        owner = f"gid://shopify/Customer/{advocate.customer_shopify_id}"
        discount = (
            reward_discount(reward, advocate, expires_days, utcnow())
            if reward.kind == "discount_code"
            else None
        )
        kind, amount, currency = reward.kind, Decimal(reward.amount), reward.currency or "USD"
        claimed = claimed_gids(session, reward.shop_id)
    crash_point("before_shopify_call")
    if kind == "discount_code":
        gid = discount_operations.ensure_code(client, discount)
    else:
        gid = None
        if not first_attempt:
            earlier = store_credit_operations.credits_since(client, owner, amount, attempted_at - CLOCK_SKEW)
            gid = next((t["id"] for t in earlier if t["id"] not in claimed), None)
        if gid is None:
            gid = store_credit_operations.credit(client, owner, amount, currency)["id"]
    crash_point("after_shopify_call")
    with db.transaction() as session:
        reward = session.get(Reward, reward_id)
        reward.shopify_gid, reward.status, reward.issued_at, reward.last_error = gid, "issued", utcnow(), None
        session.flush()
        crash_point("before_ledger_commit")
    return gid


def record_failure(reward_id: int, error: Exception) -> str:
    """Keep why issuing failed on the ledger row (its attempt was counted before the call); the
    row stays due for the next run, or turns `failed` after MAX_ATTEMPTS. The new status."""
    with db.transaction() as session:
        reward = session.get(Reward, reward_id)
        reward.last_error = f"{type(error).__name__}: {error}"[:2000]
        if reward.status == "earned" and reward.attempts >= MAX_ATTEMPTS:
            reward.status = "failed"
        return reward.status


def issue_due(reward_ids: list[int], client: AdminClient) -> dict[str, int]:
    """Issue each due reward; one Shopify refuses is recorded and retried later, never blocking
    the others."""
    counts = {"issued": 0, "issue_errors": 0, "failed": 0}
    for reward_id in reward_ids:
        try:
            issued = issue_reward(reward_id, client)
        except Exception as exc:  # noqa: BLE001 - kept on the ledger row, retried next run
            counts["issue_errors"] += 1
            counts["failed"] += record_failure(reward_id, exc) == "failed"
            continue
        counts["issued"] += issued is not None
    return counts


def retry_failed(session: Session, shop_id: int, reward_id: int) -> Reward:
    """The merchant asks for another try: a failed reward is due again with fresh attempts (its
    `attempted_at` stays, so the next try still looks Shopify up before creating anything)."""
    reward = session.scalar(select(Reward).where(Reward.shop_id == shop_id, Reward.id == reward_id))
    if reward is None:
        raise LookupError(reward_id)
    if reward.status != "failed":
        raise NotFailed(f"reward {reward_id} is {reward.status}, not failed")
    reward.status, reward.attempts = "earned", 0
    return reward


class NotFailed(ValueError):
    """Only a failed reward can be retried."""


def due_rewards(session: Session, shop_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Reward.id).where(Reward.shop_id == shop_id, Reward.status == "earned").order_by(Reward.id)
        )
    )
