"""How many friends each advocate referred: the `referral_count` behind the built-in
"advocates" segment (`referral_count >= 1`, tag `orbit:advocate`).

A referral counts once it is not rejected or void (pending, in review or earned). When an
advocate's count changes, the advocate is marked dirty, so the analytics recompute picks the new
count up through `referral_counts` and the push pipeline tags the customer: referrals never write
tags themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Advocate, Referral
from webhooks.dirty import mark_dirty

COUNTED = ("pending", "review", "earned")
LAST_COUNTS = "referral_counts"


def referral_counts(
    session: Session, shop_id: int, customer_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """customer Shopify id -> referred friends, for advocates with at least one."""
    statement = (
        select(Advocate.customer_shopify_id, func.count(Referral.id))
        .join(Referral, Referral.advocate_id == Advocate.id)
        .where(Advocate.shop_id == shop_id, Referral.status.in_(COUNTED))
        .group_by(Advocate.customer_shopify_id)
    )
    if customer_ids is not None:
        statement = statement.where(Advocate.customer_shopify_id.in_(list(customer_ids)))
    return {int(customer): int(count) for customer, count in session.execute(statement)}


def sync_referral_counts(session: Session, shop_id: int) -> int:
    """Mark dirty the advocates whose count changed since the last call; how many."""
    from app.models import Shop

    shop = session.get(Shop, shop_id)
    current = referral_counts(session, shop_id)
    state = dict((shop.settings or {}).get("referral_state") or {})
    before = {int(k): int(v) for k, v in (state.get(LAST_COUNTS) or {}).items()}
    changed = {c for c in set(current) | set(before) if current.get(c, 0) != before.get(c, 0)}
    if changed:
        mark_dirty(session, shop_id, changed)
        state[LAST_COUNTS] = {str(k): v for k, v in current.items()}
        shop.settings = {**(shop.settings or {}), "referral_state": state}
    return len(changed)
