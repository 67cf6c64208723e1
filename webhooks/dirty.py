"""Customers waiting for analytics: marked by the upserts, taken (and deleted) by analytics.

`mark_dirty` is called inside the transaction that applied the change, so a customer is dirty
exactly when a change to it is committed. `take_dirty` removes what it returns in one
DELETE ... RETURNING: a mark written while analytics works on the customer re-creates the row
(PostgreSQL's ON CONFLICT sees the deleted row gone once the taker commits; SQLite serialises
writers), so no change is ever lost between the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import DirtyCustomer, utcnow

_MARKS: dict[str, Any] = {}


def _mark_statement(dialect: str) -> Any:
    statement = _MARKS.get(dialect)
    if statement is None:
        insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(DirtyCustomer.__table__)
        statement = insert.on_conflict_do_update(
            index_elements=["shop_id", "customer_shopify_id"], set_={"marked_at": insert.excluded.marked_at}
        )
        _MARKS[dialect] = statement
    return statement


def mark_dirty(session: Session, shop_id: int, customer_shopify_ids: Iterable[int | None]) -> None:
    ids = sorted({customer_id for customer_id in customer_shopify_ids if customer_id is not None})
    if not ids:
        return
    now = utcnow()
    session.execute(
        _mark_statement(session.get_bind().dialect.name),
        [{"shop_id": shop_id, "customer_shopify_id": customer_id, "marked_at": now} for customer_id in ids],
    )


def take_dirty(session: Session, shop_id: int, limit: int) -> list[int]:
    """Up to `limit` dirty customers of the shop, oldest mark first; they are no longer dirty
    once the caller commits (roll back to hand them back)."""
    oldest = (
        select(DirtyCustomer.id)
        .where(DirtyCustomer.shop_id == shop_id)
        .order_by(DirtyCustomer.marked_at, DirtyCustomer.id)
        .limit(limit)
    )
    statement = (
        delete(DirtyCustomer)
        .where(DirtyCustomer.id.in_(oldest.scalar_subquery()))
        .returning(DirtyCustomer.customer_shopify_id)
    )
    return sorted(session.scalars(statement))


def count_dirty(session: Session, shop_id: int) -> int:
    statement = select(func.count()).select_from(DirtyCustomer).where(DirtyCustomer.shop_id == shop_id)
    return session.scalar(statement) or 0
