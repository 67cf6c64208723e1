"""The coalesced drain: apply a shop's due webhook deliveries in triggered_at order.

Exactly-once effects with at-least-once jobs: each batch is one transaction (a savepoint per
delivery, so one bad row does not undo the others) and a row's status changes in the same
transaction as its effects. A worker killed mid-batch loses the whole batch's transaction, so
the rows are still pending and the next drain applies them once; the upserts are idempotent,
so even a delivery applied twice across two commits would leave the same rows.

Due rows: pending, or failed with next_attempt_at passed (retried with RETRY_BACKOFF; after
that many failures a row is dead: a dead letter for a person, see `retry_dead_letter`).
"""

from __future__ import annotations

import importlib
import logging
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import orjson
from flask import current_app
from redis.exceptions import LockError
from sqlalchemy import BigInteger, and_, any_, bindparam, or_, select, union_all, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from app import db
from app.models import Shop, WebhookDelivery, utcnow
from app.redis_conn import redis
from jobs.context import with_app_context
from jobs.drain_hooks import after_drain
from webhooks import batch_upserts, pg_copy, records
from webhooks.drain_queue import clear_pending_flag, request_drain
from webhooks.handlers import Outcome, ignored
from webhooks.handlers import customers as customers_handler
from webhooks.handlers.results import outcome_of
from webhooks.topics import handler_module_for

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# Full-body upserts the drain applies many at a time (webhooks/batch_upserts.py); every other
# topic goes through its handler one delivery at a time.
BATCHABLE = {
    **dict.fromkeys(
        ("customers/create", "customers/update", "customers/enable", "customers/disable"),
        ("customers", records.customer_from_rest),
    ),
    **dict.fromkeys(
        ("orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/fulfilled"),
        ("orders", records.order_from_rest),
    ),
    **dict.fromkeys(("products/create", "products/update"), ("products", records.product_from_rest)),
    **dict.fromkeys(("checkouts/create", "checkouts/update"), ("checkouts", records.checkout_from_rest)),
    "refunds/create": ("refunds", records.refund_from_rest),
}
# Refunds after orders: a refund marks its order's customer, which the orders may just have brought.
BATCH_APPLIERS = (
    ("customers", batch_upserts.upsert_customers),
    ("products", batch_upserts.upsert_products),
    ("checkouts", batch_upserts.upsert_checkouts),
    ("orders", batch_upserts.upsert_orders),
    ("refunds", batch_upserts.upsert_refunds),
)
RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
DRAIN_LOCK = "orbit:drain-lock:{shop_id}"
DEFAULT_LOCK_TTL_SECONDS = 120


def due_kinds(now) -> tuple[Any, Any]:
    """The two kinds of due row: pending, and failed with its retry due."""
    return (
        WebhookDelivery.status == "pending",
        and_(WebhookDelivery.status == "failed", WebhookDelivery.next_attempt_at <= now),
    )


def due_condition(now):
    return or_(*due_kinds(now))


def due_deliveries(session: Session, shop_id: int, limit: int) -> list[WebhookDelivery]:
    """The shop's first `limit` due rows in triggered_at order.

    Each kind of due row (due_kinds) is read on its own, in the order of
    ix_webhook_deliveries_pending (shop_id, status, triggered_at, id), and the two lists merged:
    with the OR of due_condition in one WHERE the database found every due row of the shop and
    sorted them for each batch, so a backlog drained in quadratic time (PostgreSQL, 855k pending
    rows: 734 ms a batch; this: about 1 ms)."""
    order = (WebhookDelivery.triggered_at, WebhookDelivery.id)
    of_shop = select(WebhookDelivery).where(WebhookDelivery.shop_id == shop_id)
    # Each part as a subquery: SQLite takes no ORDER BY or LIMIT on a bare compound member.
    due = union_all(
        *(
            select(of_shop.where(kind).order_by(*order).limit(limit).subquery())
            for kind in due_kinds(utcnow())
        )
    ).subquery()
    delivery = aliased(WebhookDelivery, due)
    statement = select(delivery).order_by(delivery.triggered_at, delivery.id).limit(limit)
    return list(session.scalars(statement))


def apply_delivery(session: Session, shop: Shop, delivery: WebhookDelivery) -> Outcome:
    module_name = handler_module_for(delivery.topic)
    if module_name is None:
        return ignored(f"no handler for {delivery.topic}")
    handler = importlib.import_module(f"webhooks.handlers.{module_name}")
    return handler.apply(session, shop, delivery, orjson.loads(delivery.payload))


def _record_failure(delivery: WebhookDelivery, error: Exception) -> None:
    delivery.attempts += 1
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    if delivery.attempts > len(RETRY_BACKOFF):
        delivery.status = "dead"
        delivery.next_attempt_at = None
    else:
        delivery.status = "failed"
        delivery.next_attempt_at = utcnow() + RETRY_BACKOFF[delivery.attempts - 1]


class Tally(Counter):
    """A batch's outcome counts, and the deliveries that ended processed or ignored grouped by
    (status, reason), written in one UPDATE per group when the batch ends (_write_finished):
    one statement per row was a third of the drain's time on PostgreSQL."""

    def __init__(self) -> None:
        super().__init__()
        self.finished: defaultdict[tuple[str, str | None], list[WebhookDelivery]] = defaultdict(list)


def _finish(delivery: WebhookDelivery, outcome: Outcome, touched: set[int], totals: Tally) -> None:
    totals.finished[(outcome.status, outcome.reason)].append(delivery)
    touched.update(outcome.customer_ids)
    totals[outcome.status] += 1


def _ids_among(session: Session, ids: list[int]) -> Any:
    """WebhookDelivery.id is one of `ids`. On PostgreSQL one array parameter: an IN of a batch's
    500 ids is 500 parameters, a statement longer than psycopg's query cache takes, re-parsed at
    every execution (with SQLAlchemy's expansion of the list, a quarter of _write_finished)."""
    if pg_copy.is_postgresql(session):
        return WebhookDelivery.id == any_(bindparam("ids", ids, type_=ARRAY(BigInteger)))
    return WebhookDelivery.id.in_(ids)


def _write_finished(session: Session, totals: Tally) -> None:
    now = utcnow()
    for (status, reason), deliveries in totals.finished.items():
        session.execute(
            update(WebhookDelivery)
            .where(_ids_among(session, [delivery.id for delivery in deliveries]))
            .values(
                status=status,
                last_error=reason,
                next_attempt_at=None,
                attempts=WebhookDelivery.attempts + 1,
                processed_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        # The batch's loaded rows take the same values, as if they had been set one by one. Set
        # here rather than by synchronize_session="evaluate", which matched the IN list against
        # every object of the session for each group: a tenth of the drain's CPU.
        for delivery in deliveries:
            for name, value in (
                ("status", status),
                ("last_error", reason),
                ("next_attempt_at", None),
                ("attempts", delivery.attempts + 1),
                ("processed_at", now),
            ):
                set_committed_value(delivery, name, value)
    totals.finished.clear()


def _apply_one(session: Session, shop: Shop, delivery: WebhookDelivery, touched: set[int], totals) -> None:
    try:
        # A savepoint per delivery: one bad row does not undo the batch.
        with session.begin_nested():
            outcome = apply_delivery(session, shop, delivery)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
        log.warning("delivery %s (%s) failed: %s", delivery.id, delivery.topic, exc)
        _record_failure(delivery, exc)
        totals["failed"] += 1
        return
    _finish(delivery, outcome, touched, totals)


def _apply_run(session: Session, shop: Shop, run: list[WebhookDelivery], touched: set[int], totals) -> None:
    """Consecutive full-body upserts, applied table by table in multi-row statements; if that
    fails, the run is undone and applied row by row (so one bad row is pinned down)."""
    parsed: list[tuple[WebhookDelivery, str, object]] = []
    for delivery in run:
        kind, parse = BATCHABLE[delivery.topic]
        try:
            parsed.append((delivery, kind, parse(orjson.loads(delivery.payload))))
        except Exception as exc:  # noqa: BLE001 - a body the handler could not read either
            _record_failure(delivery, exc)
            totals["failed"] += 1
    parsed = _without_own_echoes(session, shop, parsed, touched, totals)
    if not parsed:
        return
    try:
        with session.begin_nested():
            results = {}
            for kind, apply_many in BATCH_APPLIERS:
                items = [(delivery, record) for delivery, k, record in parsed if k == kind]
                if items:
                    answers = apply_many(session, shop.id, [record for _, record in items])
                    results.update(
                        {delivery.id: answer for (delivery, _), answer in zip(items, answers, strict=True)}
                    )
    except Exception as exc:  # noqa: BLE001 - retried row by row below
        log.warning("batched apply of %s deliveries failed (%s); applying one by one", len(parsed), exc)
        for delivery, _, _ in parsed:
            _apply_one(session, shop, delivery, touched, totals)
        return
    for delivery, _, _ in parsed:
        _finish(delivery, outcome_of(results[delivery.id]), touched, totals)


def _without_own_echoes(session: Session, shop: Shop, parsed: list, touched: set[int], totals) -> list:
    """customers/update deliveries that only echo Orbit's own tag write end ignored here (as the
    handler would end them), so they mark nobody dirty; the rest go on to the batch."""
    updates = [(delivery, record) for delivery, _, record in parsed if delivery.topic == "customers/update"]
    if not updates:
        return parsed
    flags = customers_handler.echoes_of_own_writes(session, shop, [record for _, record in updates])
    echoes = {delivery.id for (delivery, _), echo in zip(updates, flags, strict=True) if echo}
    for delivery, _, _ in parsed:
        if delivery.id in echoes:
            _finish(delivery, ignored(customers_handler.OWN_ECHO), touched, totals)
    return [item for item in parsed if item[0].id not in echoes]


def drain_batch(
    session: Session, shop: Shop, batch: list[WebhookDelivery], touched: set[int]
) -> Counter[str]:
    totals = Tally()
    run: list[WebhookDelivery] = []
    for delivery in batch:
        if delivery.topic in BATCHABLE:
            run.append(delivery)
            continue
        # Order between kinds of work is kept: the run so far goes first.
        _apply_run(session, shop, run, touched, totals)
        run = []
        _apply_one(session, shop, delivery, touched, totals)
    _apply_run(session, shop, run, touched, totals)
    _write_finished(session, totals)
    return totals


@with_app_context
def drain_shop(shop_id: int) -> dict[str, int]:
    """Apply due deliveries batch by batch; each row ends processed, ignored or failed."""
    clear_pending_flag(shop_id)
    ttl = int(current_app.config.get("DRAIN_LOCK_TTL_SECONDS", DEFAULT_LOCK_TTL_SECONDS))
    lock = redis().lock(DRAIN_LOCK.format(shop_id=shop_id), timeout=ttl)
    if not lock.acquire(blocking=False):
        # Another worker drains this shop right now; it re-requests a drain if rows remain.
        return {"skipped": 1}
    totals: Counter[str] = Counter()
    touched: set[int] = set()
    try:
        while True:
            with db.transaction() as session:
                shop = session.get(Shop, shop_id)
                if shop is None:
                    break
                batch = due_deliveries(session, shop_id, BATCH_SIZE)
                totals += drain_batch(session, shop, batch, touched)
            lock.extend(ttl, replace_ttl=True)
            if len(batch) < BATCH_SIZE:
                break
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("drain lock of shop %s expired before release", shop_id)
    if touched:
        after_drain(shop_id, frozenset(touched))
    if _has_pending(shop_id):
        # Rows that landed after our last batch, while the lock turned their drains away.
        request_drain(shop_id)
    return dict(totals)


def _has_pending(shop_id: int) -> bool:
    with db.transaction() as session:
        statement = select(WebhookDelivery.id).where(
            WebhookDelivery.shop_id == shop_id, WebhookDelivery.status == "pending"
        )
        return session.scalar(statement.limit(1)) is not None


def retry_dead_letter(session: Session, delivery_id: int, shop_id: int | None = None) -> int | None:
    """Put a dead (or failed) delivery back to pending (attempts kept, for the record); its shop's
    id, or None when it was not a dead or failed delivery (of that shop)."""
    conditions = [WebhookDelivery.id == delivery_id, WebhookDelivery.status.in_(("dead", "failed"))]
    if shop_id is not None:
        conditions.append(WebhookDelivery.shop_id == shop_id)
    statement = (
        update(WebhookDelivery)
        .where(*conditions)
        .values(status="pending", next_attempt_at=None)
        .returning(WebhookDelivery.shop_id)
    )
    return session.scalar(statement)
