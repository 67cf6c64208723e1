"""Rewards taken back after the friend's order was refunded, cancelled or charged back once the
reward was issued: an unused discount code is deactivated, store credit debited, or the reward flagged for
the merchant, as the shop's `refund_after_issue` setting says."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.models import Advocate, Referral, Reward, Shop
from app.referral_program.attribution import charged_back
from app.referral_program.rewards import CLOCK_SKEW, add_finding, order_progress
from app.referral_program.settings import load
from app.shopify import discount_operations, store_credit_operations
from app.shopify.client import AdminClient, UserErrors


def refunded_after_issue(session: Session, shop_id: int) -> list[int]:
    """Issued rewards whose friend's order was since cancelled, refunded in full or charged back,
    and reversals a crash interrupted."""
    found = []
    for reward in session.scalars(
        select(Reward).where(Reward.shop_id == shop_id, Reward.status.in_(("issued", "reversing")))
    ):
        progress = order_progress(session, shop_id, session.get(Referral, reward.referral_id))
        if reward.status == "reversing" or (
            progress is not None
            and (progress.cancelled or progress.chargeback or progress.refunded >= progress.total)
        ):
            found.append(reward.id)
    return sorted(found)


def reverse_reward(reward_id: int, client: AdminClient, now: datetime) -> str:
    """Take an issued reward back after a refund (or flag it, per settings); the new status.

    An unused code is deactivated (idempotent, so a retry is harmless); store credit is debited
    after `reversing` is committed, and a reward found still `reversing` (a crash between the
    debit and our commit) is flagged for the merchant rather than debited twice.
    """
    with db.transaction() as session:
        reward = session.get(Reward, reward_id)
        referral = session.get(Referral, reward.referral_id)
        if reward.status == "reversing":
            reward.status = "flagged"
            reward.reversal_note = "A reversal was interrupted: check the advocate's store credit."
            return reward.status
        if reward.status != "issued":
            return reward.status
        referral.status = "void"
        if charged_back(session, reward.shop_id, referral.order_shopify_id):
            add_finding(
                referral,
                "chargeback_after_reward",
                "reject",
                "The order was charged back after the reward was issued.",
            )
        else:
            add_finding(
                referral,
                "refunded_after_reward",
                "reject",
                "The order was refunded after the reward was issued.",
            )
        shop = session.get(Shop, reward.shop_id)
        if load(shop.settings)["refund_after_issue"] == "flag":
            reward.status, reward.reversal_note = (
                "flagged",
                "Refunded after issuance: for the merchant to decide.",
            )
            return reward.status
        owner = f"gid://shopify/Customer/{session.get(Advocate, reward.advocate_id).customer_shopify_id}"
        kind, code, gid, amount = reward.kind, reward.code, reward.shopify_gid, Decimal(reward.amount)
        currency, since = reward.currency or "USD", (reward.attempted_at or now) - CLOCK_SKEW
        if kind == "store_credit":
            reward.status = "reversing"
    if kind == "discount_code":
        node = discount_operations.find_code(client, code)
        used = int(((node or {}).get("codeDiscount") or {}).get("asyncUsageCount") or 0)
        if node is not None and not used:
            discount_operations.deactivate_code(client, node["id"])
        outcome = (
            ("flagged", "Refunded after issuance, and the advocate already used the code.")
            if used
            else ("reversed", "Refunded after issuance: the unused code was deactivated.")
        )
    else:
        credit = next(
            (
                t
                for t in store_credit_operations.credits_since(client, owner, amount, since)
                if t["id"] == gid
            ),
            None,
        )
        try:
            if credit is None:
                raise LookupError("the credit was not found in Shopify")
            store_credit_operations.debit(client, credit["account"]["id"], amount, currency)
            outcome = ("reversed", "Refunded after issuance: the store credit was debited.")
        except (LookupError, UserErrors) as exc:
            outcome = ("flagged", f"Refunded after issuance; the store credit could not be debited ({exc}).")
    with db.transaction() as session:
        reward = session.get(Reward, reward_id)
        reward.status, reward.reversal_note = outcome
        reward.reversed_at = now if outcome[0] == "reversed" else None
    return outcome[0]
