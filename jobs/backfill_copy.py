"""The backfill's batches on PostgreSQL: COPY into a staging table, then one guarded upsert.

A multi-row `INSERT ... VALUES` of a chunk spends most of its time outside the database
(SQLAlchemy compiling hundreds of thousands of bind parameters, the driver converting them).
Here the rows go through psycopg's COPY into a TEMP table of the target's columns, and one
`INSERT INTO t SELECT ... FROM staging ON CONFLICT (shop_id, shopify_id) DO UPDATE ... WHERE
<mirror_sql.freshness> RETURNING shopify_id, id` applies them with the same rules as every
other upsert. Callers (jobs/backfill_upserts.py) build the same values and keep the same side
effects; only the transport differs. The staging tables are dropped at commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import JSON, BigInteger, and_, bindparam, column, select, table, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from webhooks.mirror_sql import freshness

STAGING_PREFIX = "orbit_staging_"


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _driver_connection(session: Session) -> Any:
    """The psycopg connection under the session's, inside the session's transaction."""
    return session.connection().connection.driver_connection


def json_text(value: Any) -> str:
    """A JSON column's value as COPY text (jsonb parses it; values are json_ready already).
    None is JSON null, as SQLAlchemy's JSON type stores it by default. orjson: a few times
    faster than the json module for these small lists and dicts."""
    return orjson.dumps(value).decode()


def json_columns(model: Any) -> frozenset[str]:
    return frozenset(c.name for c in model.__table__.columns if isinstance(c.type, JSON))


def copy_rows(
    session: Session, table_name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY tuples (in `columns` order) into `table_name`; psycopg dumps each Python value."""
    names = ", ".join(columns)
    with _driver_connection(session).cursor() as cursor:
        with cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@dataclass(frozen=True)
class CopyReady:
    """Value dicts of one column set as COPY rows (JSON columns as text): built apart from the
    session, so the backfill's parse thread can do it while the writer thread waits on COPY."""

    columns: list[str]
    rows: list[list[Any]]


def copy_ready(model: Any, rows: list[dict[str, Any]]) -> CopyReady:
    columns = list(rows[0])
    as_json = [index for index, column_name in enumerate(columns) if column_name in json_columns(model)]
    listed_rows = []
    for row in rows:
        listed = [row[column_name] for column_name in columns]
        for index in as_json:
            listed[index] = json_text(listed[index])
        listed_rows.append(listed)
    return CopyReady(columns, listed_rows)


def stage(session: Session, model: Any, rows: list[dict[str, Any]] | CopyReady) -> tuple[str, list[str]]:
    """A TEMP table with the rows' columns of the model's table (same types), filled with the
    value dicts (one column set) or their COPY rows; its name and columns."""
    ready = rows if isinstance(rows, CopyReady) else copy_ready(model, rows)
    name = f"{STAGING_PREFIX}{model.__tablename__}"
    # A second batch in the same transaction reuses the name; ON COMMIT DROP cleans up the rest.
    session.execute(text(f"DROP TABLE IF EXISTS pg_temp.{name}"))
    session.execute(
        text(
            f"CREATE TEMP TABLE {name} ON COMMIT DROP AS "
            f"SELECT {', '.join(ready.columns)} FROM {model.__tablename__} WITH NO DATA"
        )
    )
    copy_rows(session, name, ready.columns, ready.rows)
    return name, ready.columns


def guarded_upsert_staged(
    session: Session,
    model: Any,
    shop_id: int,
    staging: str,
    columns: Sequence[str],
    now: datetime,
    extra_guard: Sequence[Any] = (),
) -> dict[int, int]:
    """INSERT the staged rows, or UPDATE where the stored row is fresh enough (the freshness
    guard and `extra_guard`); shopify_id -> row id of every row written."""
    target = model.__table__
    staged = table(staging, *(column(name, target.c[name].type) for name in columns))
    stamp = bindparam("now", now, type_=target.c.updated_at.type)
    source = select(bindparam("shop_id", shop_id, type_=target.c.shop_id.type), *staged.c, stamp, stamp)
    statement = pg_insert(target).from_select(["shop_id", *columns, "created_at", "updated_at"], source)
    changes = {name: statement.excluded[name] for name in columns if name != "shopify_id"}
    changes["updated_at"] = statement.excluded.updated_at
    statement = statement.on_conflict_do_update(
        index_elements=["shop_id", "shopify_id"],
        set_=changes,
        where=and_(freshness(target.c, statement.excluded), *extra_guard),
    ).returning(target.c.shopify_id, target.c.id)
    return dict(session.execute(statement).all())


def guarded_upsert_rows(
    session: Session,
    model: Any,
    shop_id: int,
    rows: list[dict[str, Any]] | CopyReady,
    now: datetime,
    extra_guard: Sequence[Any] = (),
) -> dict[int, int]:
    """stage() then guarded_upsert_staged(): the rows (one column set) written with the
    freshness guard; shopify_id -> row id of every row written."""
    staging, columns = stage(session, model, rows)
    return guarded_upsert_staged(session, model, shop_id, staging, columns, now, extra_guard)


def upsert_staged(session: Session, model: Any, staging: str, columns: Sequence[str], shop_id: int) -> None:
    """INSERT the staged rows, or overwrite on conflict (no guard: refunds are immutable)."""
    target = model.__table__
    staged = table(staging, *(column(name, target.c[name].type) for name in columns))
    source = select(bindparam("shop_id", shop_id, type_=target.c.shop_id.type), *staged.c)
    statement = pg_insert(target).from_select(["shop_id", *columns], source)
    changes = {name: statement.excluded[name] for name in columns if name != "shopify_id"}
    session.execute(statement.on_conflict_do_update(index_elements=["shop_id", "shopify_id"], set_=changes))


def previous_customers(session: Session, shop_id: int, order_ids: list[int]) -> dict[int, int | None]:
    """The stored customer of each of these orders that exists (read before the upsert moves it).
    An id array, not a join on the staging table: the planner knows nothing of a fresh TEMP table
    and, while a bulk load outruns autoanalyze, chose to scan every order of the shop per chunk
    (the backfill got slower as the table grew); `= ANY` always probes the unique index."""
    statement = text(
        "SELECT shopify_id, customer_shopify_id FROM orders"
        " WHERE shop_id = :shop_id AND shopify_id = ANY(:ids)"
    ).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
    return dict(session.execute(statement, {"shop_id": shop_id, "ids": order_ids}).all())


def delete_lines(session: Session, order_row_ids: list[int]) -> None:
    statement = text("DELETE FROM order_lines WHERE order_id = ANY(:ids)").bindparams(
        bindparam("ids", type_=ARRAY(BigInteger))
    )
    session.execute(statement, {"ids": order_row_ids})
