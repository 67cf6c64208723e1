"""Customers waiting for analytics: marked by the upserts, taken (and deleted) by analytics.

`mark_dirty` is called inside the transaction that applied the change, so a customer is dirty
exactly when a change to it is committed. `take_dirty` removes what it returns in one
DELETE ... RETURNING: a mark written while analytics works on the customer re-creates the row
(PostgreSQL's ON CONFLICT sees the deleted row gone once the taker commits; SQLite serialises
writers), so no change is ever lost between the two.

`not_marking(session)` is the one exception: Shopify's echo of Orbit's own tag write still
updates the mirror, but it tells analytics nothing new, and marking it would make every push
start another round of analytics, recommendations and pushing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import DirtyCustomer, utcnow

_MARKS: dict[tuple[str, bool], Any] = {}
_NOT_MARKING = "orbit_not_marking_dirty"  # key in Session.info (a depth, so the blocks nest)


def _mark_statement(dialect: str, refresh: bool) -> Any:
    """SQLite: one row per parameter set (executemany). PostgreSQL: one statement for all the
    ids (an array unnested server-side): a backfill chunk marks thousands of customers, and one
    round trip per row cost more than the chunk's upsert."""
    statement = _MARKS.get((dialect, refresh))
    if statement is None:
        table = DirtyCustomer.__table__
        if dialect == "postgresql":
            ids = func.unnest(bindparam("customer_shopify_ids", type_=ARRAY(BigInteger)))
            source = select(
                bindparam("shop_id", type_=table.c.shop_id.type),
                ids,
                bindparam("marked_at", type_=table.c.marked_at.type),
            )
            insert = pg_insert(table).from_select(["shop_id", "customer_shopify_id", "marked_at"], source)
        else:
            insert = sqlite_insert(table)
        index = ["shop_id", "customer_shopify_id"]
        if refresh:
            statement = insert.on_conflict_do_update(
                index_elements=index, set_={"marked_at": insert.excluded.marked_at}
            )
        else:
            statement = insert.on_conflict_do_nothing(index_elements=index)
        _MARKS[(dialect, refresh)] = statement
    return statement


@contextmanager
def not_marking(session: Session) -> Iterator[None]:
    """Changes applied inside the block update the mirror without marking anyone dirty."""
    session.info[_NOT_MARKING] = session.info.get(_NOT_MARKING, 0) + 1
    try:
        yield
    finally:
        session.info[_NOT_MARKING] -= 1


def mark_dirty(
    session: Session, shop_id: int, customer_shopify_ids: Iterable[int | None], *, refresh: bool = True
) -> None:
    """The customers are dirty once the caller commits. `refresh=False` leaves the mark of a
    customer already waiting as it is (its place in take_dirty's queue): the backfill marks a
    million customers and then each again for every few of their orders, and on PostgreSQL
    rewriting a waiting row per mark (a new row version, both indexes) cost more than writing
    the orders themselves. Either way the customer is dirty after the commit: a mark a taker
    deleted meanwhile is inserted again (ON CONFLICT waits for the taker's transaction)."""
    if session.info.get(_NOT_MARKING):
        return
    ids = sorted({customer_id for customer_id in customer_shopify_ids if customer_id is not None})
    if not ids:
        return
    now = utcnow()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Sorted and distinct: concurrent markers lock the rows in the same order.
        parameters: Any = {"shop_id": shop_id, "customer_shopify_ids": ids, "marked_at": now}
    else:
        parameters = [
            {"shop_id": shop_id, "customer_shopify_id": customer_id, "marked_at": now} for customer_id in ids
        ]
    session.execute(_mark_statement(dialect, refresh), parameters)


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
