"""What happens after a drain: the hook point between the webhook pipeline and analytics.

`after_drain` runs once per drain job, after every batch is committed, with the Shopify ids of
the customers whose data the drain changed (the same customers are also marked in
`dirty_customers`, which is the durable record: if this hook fails or the worker dies, the marks
remain for the next run). Analytics fills this in (e.g. enqueue an incremental recompute on the
analytics queue): it queues jobs.analytics.recompute_dirty.
"""

from __future__ import annotations

from collections.abc import Set


def after_drain(shop_id: int, touched_customer_ids: Set[int]) -> None:
    """Called by jobs.drain.drain_shop; must be quick (enqueue work, do not do it here)."""
    from jobs.referrals import request_referral_run

    request_referral_run(shop_id)  # attribute new orders to referral codes (no-op when the program is off)
    if touched_customer_ids:
        from jobs.analytics import request_incremental

        # Coalesced like drains: one queued analytics job per shop; it reads dirty_customers.
        request_incremental(shop_id)
        from jobs.recommendations import request_update

        # The cheap recommendations path: those customers' lists, then their metafields.
        request_update(shop_id, touched_customer_ids)
