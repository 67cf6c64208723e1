"""The merchant's review queue: a doubtful referral waits in `review` until the merchant approves
it (its hold then runs on, and it earns like any other) or rejects it. Nothing else moves it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Referral, utcnow


class NotInReview(ValueError):
    """Only referrals waiting in the review queue can be approved or rejected."""


def decide(
    session: Session, shop_id: int, referral_id: int, approve: bool, user: str, note: str | None
) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.shop_id != shop_id:
        raise LookupError(f"no referral {referral_id}")
    if referral.status != "review":
        raise NotInReview(f"referral {referral_id} is {referral.status}, not in review")
    referral.status = "pending" if approve else "rejected"
    referral.decided_by, referral.decided_at = f"merchant:{user}", utcnow()
    verb = "approved" if approve else "rejected"
    reason = f"The merchant {verb} it" + (f": {note}" if note else ".")
    referral.findings = [*(referral.findings or []), {"rule": "merchant", "action": verb, "reason": reason}]
    return referral
