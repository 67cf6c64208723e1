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

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.models import Checkout, Customer, Order, Product, Refund, utcnow
from webhooks import order_upserts, pg_copy, upserts
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
    session: Session, model: Any, shop_id: int, rows: list[dict[str, Any]], null_guards: tuple[str, ...] = ()
) -> dict[int, int]:
    """shopify_id -> row id of every row written (new, or fresh enough to update, with the
    `null_guards` columns of the stored row still NULL)."""
    now = utcnow()
    if pg_copy.is_postgresql(session):
        return pg_copy.write_rows(session, model, shop_id, rows, now, null_guards=null_guards)[0]
    guards = [model.__table__.c[name].is_(None) for name in null_guards]
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
            where=and_(freshness(model, statement.excluded), *guards),
        ).returning(model.shopify_id, model.id)
        written.update({shopify_id: row_id for shopify_id, row_id in session.execute(statement)})
    return written


def _customer_rows(records: Sequence[CustomerRecord]) -> list[dict[str, Any]]:
    rows = [upserts._customer_values(record) for record in _latest(records)]
    # Rows must share one column set: a group a source does not carry is absent for all of them.
    keys = set.intersection(*(set(row) for row in rows)) if rows else set()
    return [{key: row[key] for key in keys} for row in rows]


def upsert_customers(session: Session, shop_id: int, records: Sequence[CustomerRecord]) -> int:
    if pg_copy.is_postgresql(session):
        return write_customers(session, shop_id, prepare_customers(records))
    written = _guarded_upsert_many(session, Customer, shop_id, _customer_rows(records), ("redacted_at",))
    mark_dirty(session, shop_id, written, refresh=False)
    return len(written)


def prepare_customers(records: Sequence[CustomerRecord]) -> pg_copy.CopyReady | None:
    """PostgreSQL: the customers' rows as COPY text. Pure (the backfill's parse process)."""
    rows = _customer_rows(records)
    return pg_copy.copy_ready(Customer, rows) if rows else None


def write_customers(session: Session, shop_id: int, ready: pg_copy.CopyReady | None) -> int:
    if ready is None:
        return 0
    written, _ = pg_copy.write_rows(session, Customer, shop_id, ready, utcnow(), null_guards=("redacted_at",))
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
    """PostgreSQL: a chunk of orders ready to write, one per id, as plain data (the backfill's
    parse process builds it and pickles it to the writer): the order rows as COPY text, and per
    order (in the same order) its customer, its lines as COPY text without their `shop_id` and
    `order_id` (the row id is known only once the order is written) and its refunds' rows."""

    orders: pg_copy.CopyReady
    customer_ids: list[int | None]
    lines: list[tuple[str, ...]]
    refunds: list[tuple[dict[str, Any], ...]]


def prepare_orders(records: Sequence[OrderRecord]) -> OrderBatch | None:
    records = _latest(records)
    if not records:
        return None
    return OrderBatch(
        orders=pg_copy.copy_ready(Order, [order_upserts.order_values(r) for r in records]),
        customer_ids=[r.customer_shopify_id for r in records],
        lines=[
            tuple(
                pg_copy.copy_line(order_upserts.line_fields(line)) for line in order_upserts.unique_lines(r)
            )
            for r in records
        ],
        refunds=[tuple(order_upserts.refund_fields(refund) for refund in r.refunds) for r in records],
    )


def upsert_orders(session: Session, shop_id: int, records: Sequence[OrderRecord]) -> int:
    if pg_copy.is_postgresql(session):
        return write_orders(session, shop_id, prepare_orders(records))
    records = _latest(records)
    previous = _previous_customers(session, shop_id, [r.shopify_id for r in records])
    written = _guarded_upsert_many(session, Order, shop_id, [order_upserts.order_values(r) for r in records])
    applied = [r for r in records if r.shopify_id in written]
    if not applied:
        return 0
    order_upserts.replace_lines(session, shop_id, [(written[r.shopify_id], r) for r in applied])
    refunds = {
        refund.shopify_id: order_upserts.refund_fields(refund) for r in applied for refund in r.refunds
    }
    if refunds:
        _write_refunds(session, shop_id, list(refunds.values()))
    # Like upsert_order: the new customer and a previous one (an order moved between customers).
    customers = {r.customer_shopify_id for r in applied} | {previous.get(r.shopify_id) for r in applied}
    mark_dirty(session, shop_id, customers, refresh=False)
    return len(applied)


def write_orders(session: Session, shop_id: int, batch: OrderBatch | None) -> int:
    """PostgreSQL: the batch's orders with the guarded upsert's rules, then each written order's
    lines wholesale (an order inserted just now has none to delete), its refunds, and the
    touched customers marked dirty, as upsert_orders does."""
    if batch is None:
        return 0
    ids = batch.orders.shopify_ids
    previous = pg_copy.previous_customers(session, shop_id, ids)
    written, fresh = pg_copy.write_rows(session, Order, shop_id, batch.orders, utcnow(), stored=set(previous))
    applied = [index for index, shopify_id in enumerate(ids) if shopify_id in written]
    if not applied:
        return 0
    replaced = [written[ids[index]] for index in applied if ids[index] not in fresh]
    lines = ((written[ids[index]], batch.lines[index]) for index in applied)
    order_upserts.copy_replace_lines(session, shop_id, replaced, lines)
    refunds = {row["shopify_id"]: row for index in applied for row in batch.refunds[index]}
    if refunds:
        _write_refunds(session, shop_id, list(refunds.values()))
    customers = {batch.customer_ids[index] for index in applied} | {
        previous.get(ids[index]) for index in applied
    }
    mark_dirty(session, shop_id, customers, refresh=False)
    return len(applied)


def _previous_customers(session: Session, shop_id: int, order_ids: list[int]) -> dict[int, int | None]:
    found: dict[int, int | None] = {}
    for start in range(0, len(order_ids), 5000):
        statement = select(Order.shopify_id, Order.customer_shopify_id).where(
            Order.shop_id == shop_id, Order.shopify_id.in_(order_ids[start : start + 5000])
        )
        found.update({order_id: customer_id for order_id, customer_id in session.execute(statement)})
    return found


def _write_refunds(session: Session, shop_id: int, rows: list[dict[str, Any]]) -> None:
    if pg_copy.is_postgresql(session):
        staging, columns = pg_copy.stage(session, Refund, rows)
        pg_copy.upsert_staged(session, Refund, staging, columns, shop_id)
        return
    for chunk in _chunks([{"shop_id": shop_id, **row} for row in rows]):
        statement = dialect_insert(session)(Refund).values(chunk)
        changes = {
            name: statement.excluded[name] for name in chunk[0] if name not in ("shop_id", "shopify_id")
        }
        session.execute(
            statement.on_conflict_do_update(index_elements=["shop_id", "shopify_id"], set_=changes)
        )
