"""The rules of webhooks/upserts.py applied to many records at once: one multi-row statement per
table instead of several per record (the drain's fast path; usable by the bulk backfill too).

Results come back one per input record, in input order. The stored rows end exactly as if the
single-record functions had run one after another: within the batch the newest record per id
(by updated_at, then position) is the one written. The others for the same id are reported as
they would have been in sequence, as far as the batch can tell: applied ("superseded") when not
older than any earlier record of the batch for that id, stale when older than one; and stale
with the newest one's reason when even the newest was refused. (One difference: an older record
placed before a newer one is reported superseded even when the stored row was newer still.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Checkout, Customer, Order, Product
from webhooks import pg_copy
from webhooks.dirty import mark_dirty
from webhooks.mirror_sql import UpsertResult, _upsert_statement
from webhooks.order_upserts import order_values, replace_lines, write_refunds
from webhooks.records import CheckoutRecord, CustomerRecord, OrderRecord, ProductRecord, RefundRecord
from webhooks.upserts import _checkout_values, _customer_values, _product_values

OLDEST = datetime.min.replace(tzinfo=UTC)
SUPERSEDED = "superseded by a newer delivery in the same batch"
_RETURNING: dict[tuple[Any, ...], Any] = {}


def _winners(records: Sequence[Any]) -> dict[int, int]:
    """shopify_id -> index of the record that decides (newest updated_at, then the later one)."""
    winners: dict[int, int] = {}
    for index, record in enumerate(records):
        current = winners.get(record.shopify_id)
        if current is None or (record.updated_at or OLDEST) >= (records[current].updated_at or OLDEST):
            winners[record.shopify_id] = index
    return winners


def _write(
    session: Session, model: Any, shop_id: int, rows: list[dict[str, Any]], null_guards: tuple[str, ...] = ()
) -> dict[int, int]:
    """Guarded multi-row upsert, one statement per column set; {shopify_id: row id} of the rows
    written. On PostgreSQL the rows are COPYed into a staging table and upserted from it with the
    same guard: a multi-row VALUES statement is longer than psycopg's query cache takes, so
    psycopg re-parsed each one (a third of the drain's client time); COPY has no placeholders."""
    written: dict[int, int] = {}
    dialect = session.get_bind().dialect.name
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(row)
    for names, group in by_columns.items():
        if dialect == "postgresql":
            now = datetime.now(UTC)
            written.update(pg_copy.guarded_upsert_rows(session, model, shop_id, group, now, null_guards))
            continue
        key = (dialect, model.__tablename__, names, null_guards)
        statement = _RETURNING.get(key)
        if statement is None:
            statement = _upsert_statement(dialect, model, ("shop_id", *names), null_guards).returning(
                model.__table__.c.shopify_id
            )
            _RETURNING[key] = statement
        for row_id, shopify_id in session.execute(statement, [{"shop_id": shop_id, **row} for row in group]):
            written[shopify_id] = row_id
    return written


def _stale_reasons(session: Session, model: Any, shop_id: int, records: dict[int, Any]) -> dict[int, str]:
    table = model.__table__
    columns = [table.c.shopify_id, table.c.deleted_at, table.c.shopify_updated_at]
    if "redacted_at" in table.c:
        columns.append(table.c.redacted_at)
    rows = session.execute(
        select(*columns).where(table.c.shop_id == shop_id, table.c.shopify_id.in_(list(records)))
    ).all()
    reasons = {shopify_id: "not written" for shopify_id in records}
    for row in rows:
        record = records[row[0]]
        if row[1] is not None:
            reasons[row[0]] = f"deleted in Shopify at {row[1].isoformat()}"
        elif len(row) > 3 and row[3] is not None:
            reasons[row[0]] = "customer was redacted"
        elif record.updated_at is None:
            reasons[row[0]] = "record has no updated_at and the stored row has one"
        else:
            reasons[row[0]] = (
                f"stale: updated_at {record.updated_at.isoformat()} is older than stored {row[2].isoformat()}"
            )
    return reasons


def _upsert_all(
    session: Session,
    model: Any,
    shop_id: int,
    records: Sequence[Any],
    values: Callable[[Any], dict[str, Any]],
    customers_of: Callable[[Any], frozenset[int]],
    null_guards: tuple[str, ...] = (),
    after_write: Callable[[dict[int, int], dict[int, Any]], frozenset[int]] | None = None,
) -> list[UpsertResult]:
    winners = _winners(records)
    deciding = {shopify_id: records[index] for shopify_id, index in winners.items()}
    written = _write(session, model, shop_id, [values(r) for r in deciding.values()], null_guards)
    refused = {shopify_id: r for shopify_id, r in deciding.items() if shopify_id not in written}
    reasons = _stale_reasons(session, model, shop_id, refused) if refused else {}
    extra = after_write(written, deciding) if after_write and written else frozenset()
    dirty: set[int] = set(extra)
    results: list[UpsertResult] = []
    newest_so_far: dict[int, datetime] = {}
    for index, record in enumerate(records):
        shopify_id = record.shopify_id
        stamp = record.updated_at or OLDEST
        earlier = newest_so_far.get(shopify_id)
        newest_so_far[shopify_id] = max(stamp, earlier or OLDEST)
        if shopify_id not in written:
            results.append(UpsertResult(False, reasons[shopify_id]))
        elif earlier is not None and stamp < earlier:
            results.append(UpsertResult(False, "stale: older than a delivery earlier in the same batch"))
        else:
            customers = customers_of(record)
            dirty.update(customers)
            reason = None if winners[shopify_id] == index else SUPERSEDED
            results.append(UpsertResult(True, reason, customers, written[shopify_id]))
    mark_dirty(session, shop_id, dirty)
    return results


def upsert_customers(session: Session, shop_id: int, records: Sequence[CustomerRecord]) -> list[UpsertResult]:
    return _upsert_all(
        session,
        Customer,
        shop_id,
        records,
        _customer_values,
        lambda r: frozenset({r.shopify_id}),
        null_guards=("redacted_at",),
    )


def upsert_products(session: Session, shop_id: int, records: Sequence[ProductRecord]) -> list[UpsertResult]:
    return _upsert_all(session, Product, shop_id, records, _product_values, lambda r: frozenset())


def upsert_checkouts(session: Session, shop_id: int, records: Sequence[CheckoutRecord]) -> list[UpsertResult]:
    return _upsert_all(
        session,
        Checkout,
        shop_id,
        records,
        _checkout_values,
        lambda r: frozenset({r.customer_shopify_id} - {None}),
    )


def upsert_orders(session: Session, shop_id: int, records: Sequence[OrderRecord]) -> list[UpsertResult]:
    orders = Order.__table__
    ids = list({r.shopify_id for r in records})
    previous = dict(
        session.execute(
            select(orders.c.shopify_id, orders.c.customer_shopify_id).where(
                orders.c.shop_id == shop_id, orders.c.shopify_id.in_(ids)
            )
        ).all()
    )

    def after_write(written: dict[int, int], deciding: dict[int, OrderRecord]) -> frozenset[int]:
        # COPY on PostgreSQL, as the orders themselves (a long multi-row INSERT is re-parsed by psycopg).
        replace_lines(session, shop_id, [(row_id, deciding[sid]) for sid, row_id in written.items()])
        write_refunds(session, shop_id, [refund for sid in written for refund in deciding[sid].refunds])
        return frozenset(previous[sid] for sid in written if previous.get(sid) is not None)

    return _upsert_all(
        session,
        Order,
        shop_id,
        records,
        order_values,
        lambda r: frozenset({r.customer_shopify_id, previous.get(r.shopify_id)} - {None}),
        after_write=after_write,
    )


def upsert_refunds(session: Session, shop_id: int, records: Sequence[RefundRecord]) -> list[UpsertResult]:
    orders = Order.__table__
    order_ids = list({r.order_shopify_id for r in records})
    known = {
        row.shopify_id: row
        for row in session.execute(
            select(orders.c.shopify_id, orders.c.customer_shopify_id, orders.c.deleted_at).where(
                orders.c.shop_id == shop_id, orders.c.shopify_id.in_(order_ids)
            )
        )
    }
    results: list[UpsertResult] = []
    to_write: dict[int, RefundRecord] = {}
    dirty: set[int] = set()
    for record in records:
        order = known.get(record.order_shopify_id)
        if order is not None and order.deleted_at is not None:
            results.append(UpsertResult(False, "the refunded order was deleted in Shopify"))
            continue
        customers = frozenset({order.customer_shopify_id} - {None}) if order is not None else frozenset()
        to_write[record.shopify_id] = record
        dirty.update(customers)
        results.append(UpsertResult(True, customer_ids=customers))
    write_refunds(session, shop_id, list(to_write.values()))
    mark_dirty(session, shop_id, dirty)
    return results
