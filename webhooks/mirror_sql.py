"""The SQL shapes behind webhooks/upserts.py: the guarded upsert, the tombstone, stale reasons."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import utcnow
from webhooks.dialect import dialect_insert


@dataclass(frozen=True)
class UpsertResult:
    """applied, or not (stale / already deleted) with the reason; the customers it marked dirty."""

    applied: bool
    reason: str | None = None
    customer_ids: frozenset[int] = frozenset()
    row_id: int | None = None


def json_ready(value: Any) -> Any:
    """Dataclasses and tuples of them -> JSON-storable lists/dicts; Decimal -> str (exact)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_ready(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def freshness(model: Any, excluded: Any) -> Any:
    """Rules 2 and 3 of webhooks/upserts.py as one SQL predicate over the stored row."""
    return and_(
        model.deleted_at.is_(None),
        or_(
            model.shopify_updated_at.is_(None),
            excluded.shopify_updated_at >= model.shopify_updated_at,
        ),
    )


# Built statements by (dialect, table, columns, guard): values travel as bound parameters, so the
# drain's hot path neither rebuilds nor re-caches a statement per row.
_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def _upsert_statement(dialect: str, model: Any, names: tuple[str, ...], null_guards: tuple[str, ...]) -> Any:
    key = (dialect, model.__tablename__, names, null_guards)
    statement = _UPSERTS.get(key)
    if statement is None:
        table = model.__table__
        insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        excluded = insert.excluded
        guard = and_(freshness(table.c, excluded), *(table.c[name].is_(None) for name in null_guards))
        changes = {name: excluded[name] for name in names if name not in ("shop_id", "shopify_id")}
        # The INSERT's Python default for updated_at is this write's time.
        changes["updated_at"] = excluded.updated_at
        statement = insert.on_conflict_do_update(
            index_elements=["shop_id", "shopify_id"], set_=changes, where=guard
        ).returning(table.c.id)
        _UPSERTS[key] = statement
    return statement


def guarded_upsert(
    session: Session,
    model: Any,
    shop_id: int,
    values: dict[str, Any],
    *,
    null_guards: tuple[str, ...] = (),
    where: Any = None,
) -> int | None:
    """Insert, or update when the guard holds (rules 2-3, plus `null_guards` columns still NULL,
    or a custom `where`); the row id when written, None when refused."""
    if where is None:
        dialect = session.get_bind().dialect.name
        statement = _upsert_statement(dialect, model, ("shop_id", *values), null_guards)
        return session.execute(statement, {"shop_id": shop_id, **values}).scalar()
    insert = dialect_insert(session)(model).values(shop_id=shop_id, **values)
    changes = {name: insert.excluded[name] for name in values if name != "shopify_id"}
    changes["updated_at"] = utcnow()
    statement = insert.on_conflict_do_update(
        index_elements=["shop_id", "shopify_id"], set_=changes, where=where
    ).returning(model.id)
    return session.scalar(statement)


def tombstone(
    session: Session,
    model: Any,
    shop_id: int,
    shopify_id: int,
    deleted_at: datetime,
    filler: dict[str, Any],
    *,
    returning_customer: bool = False,
) -> Any:
    """Mark the row deleted (inserting a tombstone when it never arrived); None when it already was."""
    insert = dialect_insert(session)(model).values(
        shop_id=shop_id, shopify_id=shopify_id, deleted_at=deleted_at, **filler
    )
    statement = insert.on_conflict_do_update(
        index_elements=["shop_id", "shopify_id"],
        set_={"deleted_at": insert.excluded.deleted_at, "updated_at": utcnow()},
        where=model.deleted_at.is_(None),
    )
    if returning_customer:
        return session.execute(statement.returning(model.id, model.customer_shopify_id)).first()
    return session.scalar(statement.returning(model.id))


def stale_result(
    session: Session,
    model: Any,
    shop_id: int,
    shopify_id: int,
    updated_at: datetime | None,
    *,
    partial: bool = False,
) -> UpsertResult:
    """Why a guarded upsert wrote nothing (only computed on that rare path)."""
    columns = [model.deleted_at, model.shopify_updated_at]
    if hasattr(model, "redacted_at"):
        columns.append(model.redacted_at)
    row = session.execute(
        select(*columns).where(model.shop_id == shop_id, model.shopify_id == shopify_id)
    ).first()
    if row is None:
        return UpsertResult(False, "not written")
    if row[0] is not None:
        return UpsertResult(False, f"deleted in Shopify at {row[0].isoformat()}")
    if len(row) > 2 and row[2] is not None:
        return UpsertResult(False, "customer was redacted")
    if partial:
        return UpsertResult(False, "older than the stored value")
    if updated_at is None:
        return UpsertResult(False, "record has no updated_at and the stored row has one")
    return UpsertResult(
        False, f"stale: updated_at {updated_at.isoformat()} is older than stored {row[1].isoformat()}"
    )
