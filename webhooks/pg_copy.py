"""Batches on PostgreSQL (the backfill's chunks and the drain's): COPY into a staging table,
then one guarded upsert; or, for rows none of which is stored yet, COPY straight into the table.

A multi-row `INSERT ... VALUES` of a chunk spends most of its time outside the database
(SQLAlchemy compiling hundreds of thousands of bind parameters, the driver converting them).
Here the rows go through psycopg's COPY into a TEMP table of the target's columns, and one
`INSERT INTO t SELECT ... FROM staging ON CONFLICT (shop_id, shopify_id) DO UPDATE ... WHERE
<mirror_sql.freshness> RETURNING shopify_id, id` applies them with the same rules as every
other upsert. Callers (jobs/backfill_upserts.py, webhooks/batch_upserts.py) build the same
values and keep the same side effects; only the transport differs. The staging tables are
dropped at commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from psycopg.errors import UniqueViolation
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


# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# Types whose str() is already what PostgreSQL reads: exact decimals, ISO 8601 date-times.
_AS_STR = frozenset({int, Decimal, float, datetime, date})


def copy_field(value: Any) -> str:
    """One value as a field of COPY's text format (PostgreSQL parses it by the column's type):
    \\N for NULL, t/f for booleans, exact decimal and ISO 8601 text for the rest."""
    kind = type(value)
    if kind is str:
        # isprintable() is False for tab, newline and carriage return (and other control
        # characters, which translate leaves as they are): one C call for the common case.
        return value if value.isprintable() and "\\" not in value else value.translate(_COPY_ESCAPES)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind in _AS_STR:
        return str(value)
    raise TypeError(f"no COPY text for {kind.__name__} values")


def copy_line(values: Iterable[Any]) -> str:
    """A row as a line of COPY's text format (without the newline). The common values are
    turned into text inline: the backfill's parse process runs this for every row it reads."""
    return "\t".join(
        [
            value
            if type(value) is str and value.isprintable() and "\\" not in value
            else "\\N"
            if value is None
            else str(value)
            if type(value) in _AS_STR
            else copy_field(value)
            for value in values
        ]
    )


@dataclass(frozen=True)
class CopyReady:
    """Value dicts of one column set as COPY text rows (no trailing newline; JSON columns as
    JSON text), with each row's shopify_id: pure data, built apart from any session (the
    backfill's parse process builds it while the writer waits on COPY)."""

    columns: list[str]
    shopify_ids: list[int]
    rows: list[str]

    def subset(self, keep: Callable[[int], bool]) -> CopyReady:
        chosen = [index for index, shopify_id in enumerate(self.shopify_ids) if keep(shopify_id)]
        return CopyReady(self.columns, [self.shopify_ids[i] for i in chosen], [self.rows[i] for i in chosen])


def copy_ready(model: Any, rows: list[dict[str, Any]]) -> CopyReady:
    columns = list(rows[0])
    as_json = json_columns(model)
    if as_json.isdisjoint(columns):
        text_rows = [copy_line(row.values()) for row in rows]
    else:
        text_rows = [
            copy_line([json_text(row[name]) if name in as_json else row[name] for name in columns])
            for row in rows
        ]
    return CopyReady(columns, [row["shopify_id"] for row in rows], text_rows)


def copy_text(session: Session, table_name: str, columns: Sequence[str], text_rows: Iterable[str]) -> None:
    """COPY rows already in COPY's text format (one per string, no newline) into `table_name`."""
    names = ", ".join(columns)
    with _driver_connection(session).cursor() as cursor:
        with cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy:
            copy.write("".join(f"{row}\n" for row in text_rows))


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
    copy_text(session, name, ready.columns, ready.rows)
    return name, ready.columns


def guarded_upsert_staged(
    session: Session,
    model: Any,
    shop_id: int,
    staging: str,
    columns: Sequence[str],
    now: datetime,
    null_guards: tuple[str, ...] = (),
) -> dict[int, int]:
    """INSERT the staged rows, or UPDATE where the stored row is fresh enough (the freshness
    guard, and the `null_guards` columns still NULL); shopify_id -> row id of every row written."""
    statement = _guarded_upsert_statement(model, staging, tuple(columns), null_guards)
    return dict(session.execute(statement, {"shop_id": shop_id, "now": now}).all())


# Built statements by (table, staging table, columns, guards): the shop and the time are bound
# at execution. Building one (the staging table's columns, the excluded alias of a wide table)
# cost about 0.7 ms, several times per drain batch.
_GUARDED_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def _guarded_upsert_statement(
    model: Any, staging: str, columns: tuple[str, ...], null_guards: tuple[str, ...]
) -> Any:
    key = (model.__tablename__, staging, columns, null_guards)
    statement = _GUARDED_UPSERTS.get(key)
    if statement is not None:
        return statement
    target = model.__table__
    staged = table(staging, *(column(name, target.c[name].type) for name in columns))
    stamp = bindparam("now", type_=target.c.updated_at.type)
    source = select(bindparam("shop_id", type_=target.c.shop_id.type), *staged.c, stamp, stamp)
    statement = pg_insert(target).from_select(["shop_id", *columns, "created_at", "updated_at"], source)
    changes = {name: statement.excluded[name] for name in columns if name != "shopify_id"}
    changes["updated_at"] = statement.excluded.updated_at
    guards = (target.c[name].is_(None) for name in null_guards)
    statement = statement.on_conflict_do_update(
        index_elements=["shop_id", "shopify_id"],
        set_=changes,
        where=and_(freshness(target.c, statement.excluded), *guards),
    ).returning(target.c.shopify_id, target.c.id)
    _GUARDED_UPSERTS[key] = statement
    return statement


def guarded_upsert_rows(
    session: Session,
    model: Any,
    shop_id: int,
    rows: list[dict[str, Any]] | CopyReady,
    now: datetime,
    null_guards: tuple[str, ...] = (),
) -> dict[int, int]:
    """stage() then guarded_upsert_staged(): the rows (one column set) written with the
    freshness guard; shopify_id -> row id of every row written."""
    staging, columns = stage(session, model, rows)
    return guarded_upsert_staged(session, model, shop_id, staging, columns, now, null_guards)


def stored_ids(session: Session, model: Any, shop_id: int, shopify_ids: list[int]) -> set[int]:
    """Which of these ids have a row, in any state (a tombstone is a row)."""
    statement = text(
        f"SELECT shopify_id FROM {model.__tablename__} WHERE shop_id = :shop_id AND shopify_id = ANY(:ids)"
    ).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))
    return set(session.execute(statement, {"shop_id": shop_id, "ids": shopify_ids}).scalars())


def copy_new_rows(
    session: Session, model: Any, shop_id: int, ready: CopyReady, now: datetime
) -> dict[int, int] | None:
    """COPY rows of which none is stored (the caller looked) straight into the table: one pass,
    no staging table and no ON CONFLICT (whose speculative insertion probes and re-checks every
    unique index per row). With no row to guard against, the guarded upsert would insert each of
    them as is, so the result is the same. COPY returns no ids: they are drawn from the table's
    sequence first. None when a concurrent writer (a webhook drain) stored one of these ids in
    the meantime: the COPY is rolled back to its savepoint and the caller takes the guarded path.
    shopify_id -> row id of every row written."""
    if not ready.rows:
        return {}
    row_ids = (
        session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
            {"table": model.__tablename__, "count": len(ready.rows)},
        )
        .scalars()
        .all()
    )
    prefix = f"{shop_id}\t{copy_field(now)}\t{copy_field(now)}\t"
    try:
        with session.begin_nested():
            copy_text(
                session,
                model.__tablename__,
                ["id", "shop_id", "created_at", "updated_at", *ready.columns],
                (f"{row_id}\t{prefix}{row}" for row_id, row in zip(row_ids, ready.rows, strict=True)),
            )
    except UniqueViolation:
        return None
    return dict(zip(ready.shopify_ids, row_ids, strict=True))


def write_rows(
    session: Session,
    model: Any,
    shop_id: int,
    rows: list[dict[str, Any]] | CopyReady,
    now: datetime,
    stored: set[int] | None = None,
    null_guards: tuple[str, ...] = (),
) -> tuple[dict[int, int], set[int]]:
    """The rows (one column set, one per id) written with the guarded upsert's rules: those not
    stored yet by COPY (`copy_new_rows`), the others through the staging table. `stored`: the ids
    known to have a row (looked up when not given). (shopify_id -> row id of every row written,
    the ids inserted by the COPY: new rows, with nothing of theirs stored elsewhere either)."""
    if not rows:
        return {}, set()
    ready = rows if isinstance(rows, CopyReady) else copy_ready(model, rows)
    if stored is None:
        stored = stored_ids(session, model, shop_id, ready.shopify_ids)
    new = ready.subset(lambda shopify_id: shopify_id not in stored)
    copied = copy_new_rows(session, model, shop_id, new, now)
    if copied is None:  # a concurrent writer got there first: every row takes the guarded path
        return guarded_upsert_rows(session, model, shop_id, ready, now, null_guards), set()
    written = dict(copied)
    if len(new.rows) < len(ready.rows):
        old = ready.subset(lambda shopify_id: shopify_id in stored)
        written.update(guarded_upsert_rows(session, model, shop_id, old, now, null_guards))
    return written, set(copied)


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
