"""bulk_operations/finish -> the backfill/reconciliation job that started the bulk operation.

The job side lives in jobs/backfill.py (`bulk_operation_finished(session, shop, payload) -> str |
None`: None when a run took it, else the reason nobody did). Without that function, a finish
nobody waits for is ignored; one a JobRun waits for fails, so it is retried rather than lost.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import JobRun, Shop, WebhookDelivery
from webhooks.handlers import PROCESSED, Outcome, ignored

WAITING_STATES = ("queued", "running")


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    try:
        backfill = importlib.import_module("jobs.backfill")
    except ModuleNotFoundError:
        backfill = None
    finished = getattr(backfill, "bulk_operation_finished", None)
    if finished is not None:
        reason = finished(session, shop, payload)  # None: a run took it; else why nobody did
        return PROCESSED if reason is None else ignored(reason)
    waiting = session.scalar(
        select(JobRun.id).where(JobRun.shop_id == shop.id, JobRun.status.in_(WAITING_STATES)).limit(1)
    )
    if waiting is not None:
        raise RuntimeError("a job run is waiting for this bulk operation but jobs.backfill cannot take it")
    return ignored("backfill not running")
