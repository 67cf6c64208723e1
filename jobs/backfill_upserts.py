"""The backfill's fast path: many records per statement, with the upserts' own rules.

Same columns (the upserts' own value builders), same guard (`mirror_sql.freshness`: no write
over a deleted row or a newer `updated_at`; customers also never over a redacted row), same
side effects (lines replaced wholesale for each applied order, embedded refunds written, the
touched customers marked dirty, where a customer already waiting keeps its earlier mark), only
batched: one multi-row INSERT ... ON CONFLICT DO UPDATE ... WHERE <fresh> RETURNING per chunk
instead of one per record. tests/integration/test_backfill.py checks the backfilled rows equal
the devstore's records field by field, with the same comparisons (tests/integration/
pipeline_compare.py) that hold the webhook path to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.orm import Session

from app.models import Checkout, Customer, Order, OrderLine, Product, Refund, utcnow
from jobs import backfill_copy
from webhooks import order_upserts, upserts
from webhooks.dialect import dialect_insert
from webhooks.dirty import mark_dirty
from webhooks.mirror_sql import freshness, json_ready
from webhooks.records import CheckoutRecord, CustomerRecord, OrderRecord, ProductRecord

# SQLite allows 32,766 bound parameters per statement; stay well under with the widest table.
MAX_PARAMETERS = 30_000


def _latest(records: Sequence[Any]) -> list[Any]:
    """One record per id (a statement may not touch a row twice): the newest, else the last."""
    chosen: dict[int, Any] = {}
    for record in records:
        held = chosen.get(record.shopify_id)
        if (
            held is None
            or held.updated_at is None
            or (record.updated_at is not None and record.updated_at >= held.updated_at)
        ):
            chosen[record.shopify_id] = record
    return list(chosen.values())


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    if not rows:
        return []
    size = max(1, MAX_PARAMETERS // (len(rows[0]) + 1))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _guarded_upsert_many(
    session: Session, model: Any, shop_id: int, rows: list[dict[str, Any]], extra_guard: Sequence[Any] = ()
) -> dict[int, int]:
    """shopify_id -> row id of every row written (new, or fresh enough to update)."""
    now = utcnow()
    if backfill_copy.is_postgresql(session):
        if not rows:
            return {}
        return backfill_copy.guarded_upsert_rows(session, model, shop_id, rows, now, extra_guard)
    written: dict[int, int] = {}
    for chunk in _chunks([{"shop_id": shop_id, **row} for row in rows]):
        statement = dialect_insert(session)(model).values(chunk)
        changes = {
            name: statement.excluded[name] for name in chunk[0] if name not in ("shop_id", "shopify_id")
        }
        changes["updated_at"] = now
        statement = statement.on_conflict_do_update(
            index_elements=["shop_id", "shopify_id"],
            set_=changes,
            where=and_(freshness(model, statement.excluded), *extra_guard),
        ).returning(model.shopify_id, model.id)
        written.update({shopify_id: row_id for shopify_id, row_id in session.execute(statement)})
    return written


def upsert_customers(session: Session, shop_id: int, records: Sequence[CustomerRecord]) -> int:
    records = _latest(records)
    rows = [upserts._customer_values(record) for record in records]
    # Rows must share one column set: a group a source does not carry is absent for all of them.
    keys = set.intersection(*(set(row) for row in rows)) if rows else set()
    rows = [{key: row[key] for key in keys} for row in rows]
    written = _guarded_upsert_many(session, Customer, shop_id, rows, (Customer.redacted_at.is_(None),))
    mark_dirty(session, shop_id, written, refresh=False)
    return len(written)


def upsert_products(session: Session, shop_id: int, records: Sequence[ProductRecord]) -> int:
    rows = []
    for record in _latest(records):
        rows.append(
            {
                "shopify_id": record.shopify_id,
                "shopify_created_at": record.created_at,
                "shopify_updated_at": record.updated_at,
                "title": record.title,
                "handle": record.handle,
                "product_type": record.product_type,
                "vendor": record.vendor,
                "status": record.status,
                "tags": list(record.tags),
                "variants": json_ready(record.variants),
            }
        )
    return len(_guarded_upsert_many(session, Product, shop_id, rows))


def upsert_checkouts(session: Session, shop_id: int, records: Sequence[CheckoutRecord]) -> int:
    records = _latest(records)
    rows = [
        {
            "shopify_id": r.shopify_id,
            "shopify_created_at": r.created_at,
            "shopify_updated_at": r.updated_at,
            "token": r.token,
            "cart_token": r.cart_token,
            "email": r.email,
            "customer_shopify_id": r.customer_shopify_id,
            "currency": r.currency,
            "total_price": r.total_price,
            "line_items": json_ready(r.line_items),
            "abandoned_checkout_url": r.abandoned_checkout_url,
            "landing_site": r.landing_site,
            "referring_site": r.referring_site,
            "source_name": r.source_name,
            "completed_at": r.completed_at,
        }
        for r in records
    ]
    written = _guarded_upsert_many(session, Checkout, shop_id, rows)
    mark_dirty(
        session,
        shop_id,
        {r.customer_shopify_id for r in records if r.shopify_id in written},
        refresh=False,
    )
    return len(written)


@dataclass(frozen=True)
class OrderBatch:
    """A chunk of orders ready to write: one record per id, and their order rows (as COPY rows
    on PostgreSQL). Pure: the backfill builds it on its parse thread (jobs/backfill.py)."""

    records: list[OrderRecord]
    rows: list[dict[str, Any]] | backfill_copy.CopyReady


def prepare_orders(records: Sequence[OrderRecord], *, copy: bool) -> OrderBatch:
    records = _latest(records)
    rows = [order_upserts._order_values(r) for r in records]
    return OrderBatch(records, backfill_copy.copy_ready(Order, rows) if copy and rows else rows)


def upsert_orders(session: Session, shop_id: int, records: Sequence[OrderRecord]) -> int:
    return write_orders(session, shop_id, prepare_orders(records, copy=backfill_copy.is_postgresql(session)))


def write_orders(session: Session, shop_id: int, batch: OrderBatch) -> int:
    records, rows = batch.records, batch.rows
    if isinstance(rows, backfill_copy.CopyReady):
        previous = backfill_copy.previous_customers(session, shop_id, [r.shopify_id for r in records])
        written = backfill_copy.guarded_upsert_rows(session, Order, shop_id, rows, utcnow())
    else:
        previous = _previous_customers(session, shop_id, [r.shopify_id for r in records])
        written = _guarded_upsert_many(session, Order, shop_id, rows)
    applied = [r for r in records if r.shopify_id in written]
    if not applied:
        return 0
    _replace_lines(session, shop_id, applied, written)
    refunds = {refund.shopify_id: refund for record in applied for refund in record.refunds}
    if refunds:
        _write_refunds(session, shop_id, list(refunds.values()))
    # Like upsert_order: the new customer and a previous one (an order moved between customers).
    mark_dirty(
        session,
        shop_id,
        {r.customer_shopify_id for r in applied} | {previous.get(r.shopify_id) for r in applied},
        refresh=False,
    )
    return len(applied)


LINE_COLUMNS = (
    "shop_id",
    "order_id",
    "shopify_id",
    "product_shopify_id",
    "variant_shopify_id",
    "title",
    "sku",
    "quantity",
    "price",
    "total_discount",
)


def _replace_lines(
    session: Session, shop_id: int, applied: list[OrderRecord], written: dict[int, int]
) -> None:
    """Each applied order's lines, wholesale (a line listed twice counts once, as upsert_order)."""
    row_ids = [written[r.shopify_id] for r in applied]
    lines = [
        (
            shop_id,
            written[record.shopify_id],
            line.shopify_id,
            line.product_shopify_id,
            line.variant_shopify_id,
            line.title,
            line.sku,
            line.quantity,
            line.price,
            line.total_discount,
        )
        for record in applied
        for line in {line.shopify_id: line for line in record.lines}.values()
    ]
    if backfill_copy.is_postgresql(session):
        backfill_copy.delete_lines(session, row_ids)
        backfill_copy.copy_rows(session, OrderLine.__tablename__, LINE_COLUMNS, lines)
        return
    for start in range(0, len(row_ids), 5000):
        session.execute(delete(OrderLine).where(OrderLine.order_id.in_(row_ids[start : start + 5000])))
    if lines:
        session.execute(insert(OrderLine), [dict(zip(LINE_COLUMNS, line, strict=True)) for line in lines])


def _previous_customers(session: Session, shop_id: int, order_ids: list[int]) -> dict[int, int | None]:
    found: dict[int, int | None] = {}
    for start in range(0, len(order_ids), 5000):
        statement = select(Order.shopify_id, Order.customer_shopify_id).where(
            Order.shop_id == shop_id, Order.shopify_id.in_(order_ids[start : start + 5000])
        )
        found.update({order_id: customer_id for order_id, customer_id in session.execute(statement)})
    return found


def _write_refunds(session: Session, shop_id: int, refunds: list[Any]) -> None:
    rows = [
        {
            "shopify_id": r.shopify_id,
            "order_shopify_id": r.order_shopify_id,
            "amount": r.amount,
            "note": r.note,
            "line_items": json_ready(r.line_items),
            "processed_at": r.processed_at,
            "shopify_created_at": r.created_at,
        }
        for r in refunds
    ]
    if backfill_copy.is_postgresql(session):
        staging, columns = backfill_copy.stage(session, Refund, rows)
        backfill_copy.upsert_staged(session, Refund, staging, columns, shop_id)
        return
    for chunk in _chunks([{"shop_id": shop_id, **row} for row in rows]):
        statement = dialect_insert(session)(Refund).values(chunk)
        changes = {
            name: statement.excluded[name] for name in chunk[0] if name not in ("shop_id", "shopify_id")
        }
        session.execute(
            statement.on_conflict_do_update(index_elements=["shop_id", "shopify_id"], set_=changes)
        )
