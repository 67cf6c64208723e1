"""Orders (with their lines and embedded refunds) and refunds; the rules are webhooks/upserts.py's.

An applied order replaces its lines wholesale: Shopify's order body is the full current list
(edits add and remove lines), so the newest applied body is the truth. Refunds are immutable in
Shopify, so a refund upsert simply rewrites the same values (idempotent).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import Order, OrderLine, Refund
from webhooks import pg_copy
from webhooks.dirty import mark_dirty
from webhooks.mirror_sql import UpsertResult, guarded_upsert, json_ready, stale_result, tombstone
from webhooks.records import OrderLineRecord, OrderRecord, RefundRecord

ZERO = Decimal("0")
ORDER_LINES = OrderLine.__table__
_REFUND_UPSERTS: dict[str, Any] = {}
# A tombstone of an order Orbit never saw still needs its NOT NULL money columns.
ORDER_TOMBSTONE_FILLER = {
    "subtotal_price": ZERO,
    "total_discounts": ZERO,
    "total_tax": ZERO,
    "total_price": ZERO,
}


def order_values(record: OrderRecord) -> dict[str, Any]:
    return {
        "shopify_id": record.shopify_id,
        "shopify_created_at": record.created_at,
        "shopify_updated_at": record.updated_at,
        "processed_at": record.processed_at,
        "customer_shopify_id": record.customer_shopify_id,
        "name": record.name,
        "email": record.email,
        "currency": record.currency,
        "financial_status": record.financial_status,
        "fulfillment_status": record.fulfillment_status,
        "subtotal_price": record.subtotal_price,
        "total_discounts": record.total_discounts,
        "total_tax": record.total_tax,
        "total_price": record.total_price,
        "current_total_price": record.current_total_price,
        "cancelled_at": record.cancelled_at,
        "cancel_reason": record.cancel_reason,
        "discount_codes": json_ready(record.discount_codes),
        "landing_site": record.landing_site,
        "referring_site": record.referring_site,
        "source_name": record.source_name,
        "note_attributes": [{"name": name, "value": value} for name, value in record.note_attributes],
        "tags": list(record.tags),
        "browser_ip": record.browser_ip,
        "test": record.test,
    }


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


def unique_lines(record: OrderRecord) -> list[OrderLineRecord]:
    # Keyed by line id: a body listing a line twice must not trip the unique constraint.
    return list({line.shopify_id: line for line in record.lines}.values())


def line_fields(line: OrderLineRecord) -> tuple[Any, ...]:
    """A line's values for LINE_COLUMNS after shop_id and order_id."""
    return (
        line.shopify_id,
        line.product_shopify_id,
        line.variant_shopify_id,
        line.title,
        line.sku,
        line.quantity,
        line.price,
        line.total_discount,
    )


def line_values(shop_id: int, order_row_id: int, record: OrderRecord) -> list[dict[str, Any]]:
    return [
        dict(zip(LINE_COLUMNS, (shop_id, order_row_id, *line_fields(line)), strict=True))
        for line in unique_lines(record)
    ]


def replace_lines(session: Session, shop_id: int, orders: list[tuple[int, OrderRecord]]) -> None:
    """Many orders' lines at once, wholesale: (order row id, its record) per order."""
    if pg_copy.is_postgresql(session):
        lines = (
            (row_id, [pg_copy.copy_line(line_fields(line)) for line in unique_lines(record)])
            for row_id, record in orders
        )
        copy_replace_lines(session, shop_id, [row_id for row_id, _ in orders], lines)
        return
    row_ids = [row_id for row_id, _ in orders]
    for start in range(0, len(row_ids), 5000):  # SQLite's bound-parameter limit
        session.execute(ORDER_LINES.delete().where(ORDER_LINES.c.order_id.in_(row_ids[start : start + 5000])))
    rows = [row for row_id, record in orders for row in line_values(shop_id, row_id, record)]
    if rows:
        session.execute(ORDER_LINES.insert(), rows)


def copy_replace_lines(
    session: Session, shop_id: int, replaced: list[int], lines: Iterable[tuple[int, Iterable[str]]]
) -> None:
    """PostgreSQL (replace_lines, and the backfill with its chunks already COPY text): the lines of
    the orders with row ids `replaced` deleted, then `lines` written by COPY: (order row id, its
    lines as COPY text of line_fields) per order."""
    if replaced:
        pg_copy.delete_lines(session, replaced)
    rows = (f"{shop_id}\t{row_id}\t{line}" for row_id, texts in lines for line in texts)
    pg_copy.copy_text(session, ORDER_LINES.name, LINE_COLUMNS, rows)


def _replace_lines(session: Session, shop_id: int, order_row_id: int, record: OrderRecord) -> None:
    # Core statements: an ORM delete would scan the session's identity map on every call.
    session.execute(ORDER_LINES.delete().where(ORDER_LINES.c.order_id == order_row_id))
    values = line_values(shop_id, order_row_id, record)
    if values:
        session.execute(ORDER_LINES.insert(), values)


def _refund_statement(dialect: str) -> Any:
    statement = _REFUND_UPSERTS.get(dialect)
    if statement is None:
        insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(Refund.__table__)
        changes = {
            name: insert.excluded[name]
            for name in (
                "order_shopify_id",
                "amount",
                "note",
                "line_items",
                "processed_at",
                "shopify_created_at",
            )
        }
        statement = insert.on_conflict_do_update(index_elements=["shop_id", "shopify_id"], set_=changes)
        _REFUND_UPSERTS[dialect] = statement
    return statement


def refund_values(shop_id: int, record: RefundRecord) -> dict[str, Any]:
    return {"shop_id": shop_id, **refund_fields(record)}


def refund_fields(record: RefundRecord) -> dict[str, Any]:
    """A refund's columns but shop_id."""
    return {
        "shopify_id": record.shopify_id,
        "order_shopify_id": record.order_shopify_id,
        "amount": record.amount,
        "note": record.note,
        "line_items": json_ready(record.line_items),
        "processed_at": record.processed_at,
        "shopify_created_at": record.created_at,
    }


def write_refunds(session: Session, shop_id: int, records: list[RefundRecord]) -> None:
    unique = {record.shopify_id: record for record in records}  # one row may not be hit twice
    if unique:
        statement = _refund_statement(session.get_bind().dialect.name)
        session.execute(statement, [refund_values(shop_id, record) for record in unique.values()])


def _write_refund(session: Session, shop_id: int, record: RefundRecord) -> None:
    write_refunds(session, shop_id, [record])


def upsert_order(session: Session, shop_id: int, record: OrderRecord, *, source: str) -> UpsertResult:
    previous_customer = session.scalar(
        select(Order.customer_shopify_id).where(
            Order.shop_id == shop_id, Order.shopify_id == record.shopify_id
        )
    )
    row_id = guarded_upsert(session, Order, shop_id, order_values(record))
    if row_id is None:
        return stale_result(session, Order, shop_id, record.shopify_id, record.updated_at)
    _replace_lines(session, shop_id, row_id, record)
    for refund in record.refunds:
        _write_refund(session, shop_id, refund)
    customers = frozenset({record.customer_shopify_id, previous_customer} - {None})
    mark_dirty(session, shop_id, customers)
    return UpsertResult(True, customer_ids=customers, row_id=row_id)


def upsert_refund(session: Session, shop_id: int, record: RefundRecord, *, source: str) -> UpsertResult:
    orders = Order.__table__
    order = session.execute(
        select(orders.c.customer_shopify_id, orders.c.deleted_at).where(
            orders.c.shop_id == shop_id, orders.c.shopify_id == record.order_shopify_id
        )
    ).first()
    if order is not None and order.deleted_at is not None:
        return UpsertResult(False, "the refunded order was deleted in Shopify")
    _write_refund(session, shop_id, record)
    # An order not seen yet marks its customer when it arrives.
    customers = frozenset({order.customer_shopify_id} - {None}) if order is not None else frozenset()
    mark_dirty(session, shop_id, customers)
    return UpsertResult(True, customer_ids=customers)


def delete_order(
    session: Session, shop_id: int, shopify_id: int, *, deleted_at: datetime, source: str
) -> UpsertResult:
    row = tombstone(
        session, Order, shop_id, shopify_id, deleted_at, ORDER_TOMBSTONE_FILLER, returning_customer=True
    )
    if row is None:
        return UpsertResult(False, "already deleted")
    row_id, customer_id = row
    # The order is gone from Shopify: so are its lines and refunds.
    session.execute(ORDER_LINES.delete().where(ORDER_LINES.c.order_id == row_id))
    refunds = Refund.__table__
    session.execute(
        refunds.delete().where(refunds.c.shop_id == shop_id, refunds.c.order_shopify_id == shopify_id)
    )
    customers = frozenset({customer_id} - {None})
    mark_dirty(session, shop_id, customers)
    return UpsertResult(True, customer_ids=customers, row_id=row_id)
