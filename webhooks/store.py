"""Persisting a delivery: one row per (shop, X-Shopify-Webhook-Id); a replay inserts nothing."""

from __future__ import annotations

import dataclasses
import functools
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection

from app.models import Shop, WebhookDelivery


@dataclass(frozen=True)
class IncomingDelivery:
    shop_id: int | None
    webhook_id: str
    topic: str
    api_version: str | None
    event_id: str | None
    triggered_at: datetime | None
    payload: bytes
    status: str = "pending"
    last_error: str | None = None


# The one list of a delivery's stored columns (besides shop_id): IncomingDelivery's fields, then
# the two the store fills in. The row values and both INSERT statements are built from it.
_DELIVERY_FIELDS = tuple(
    field.name for field in dataclasses.fields(IncomingDelivery) if field.name != "shop_id"
)
DELIVERY_COLUMNS = (*_DELIVERY_FIELDS, "attempts", "received_at")


def parse_triggered_at(value: str | None) -> datetime | None:
    """'2025-07-10T16:15:47.000000Z' -> aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _row_values(delivery: IncomingDelivery) -> dict[str, Any]:
    """Values for DELIVERY_COLUMNS, by name."""
    values = {name: getattr(delivery, name) for name in _DELIVERY_FIELDS}
    values["attempts"] = 0
    values["received_at"] = datetime.now(UTC)
    return values


def record_delivery(session: Session, delivery: IncomingDelivery) -> bool:
    """Insert the delivery unless it is already stored; True when it is new."""
    statement = _insert_delivery(session.get_bind().dialect.name)
    values = {"shop_id": delivery.shop_id, **_row_values(delivery)}
    return session.execute(statement, values).first() is not None


@functools.cache
def _insert_delivery(dialect_name: str) -> Any:
    """The INSERT, built once per dialect: a Core statement on the table (not the ORM entity,
    whose bulk-persistence path costs more per call than the whole rest of the insert)."""
    insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
    deliveries = WebhookDelivery.__table__
    return (
        insert(deliveries)
        .on_conflict_do_nothing(index_elements=["shop_id", "webhook_id"])
        .returning(deliveries.c.id)
    )


def _insert_delivery_for_domain(dialect_name: str) -> Any:
    """INSERT ... SELECT the shop's id by its domain ... ON CONFLICT DO NOTHING RETURNING."""
    insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
    deliveries, shops = WebhookDelivery.__table__, Shop.__table__
    # The WHERE also keeps SQLite's parser from reading ON CONFLICT as part of the SELECT.
    source = select(
        shops.c.id, *(bindparam(name, type_=deliveries.c[name].type) for name in DELIVERY_COLUMNS)
    ).where(shops.c.domain == bindparam("domain"))
    return (
        insert(deliveries)
        .from_select(["shop_id", *DELIVERY_COLUMNS], source)
        .on_conflict_do_nothing(index_elements=["shop_id", "webhook_id"])
        .returning(deliveries.c.shop_id)
    )


class DeliveryNotStored(Exception):
    """The database could not take the delivery (the caller answers 503)."""


class _DriverStatement:
    """A Core statement compiled once for a dialect: its SQL string for the DBAPI cursor, and
    the parameters in the driver's style with the column types' bind processing (the same
    values SQLAlchemy itself would send), still bound, never interpolated."""

    def __init__(self, statement: Any, dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.escaped_bind_names:
            raise ValueError("bind names that need escaping are not supported here")
        self.sql = compiled.string
        self.positional = dialect.positional
        self.names = tuple(compiled.positiontup) if self.positional else tuple(compiled.binds)
        self.processors = tuple(
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.names
        )

    def parameters(self, values: dict[str, Any]) -> Any:
        row = [
            values[name] if process is None else process(values[name])
            for name, process in zip(self.names, self.processors, strict=True)
        ]
        return row if self.positional else dict(zip(self.names, row, strict=True))


class DeliveryWriter:
    """The intake's store: INSERT ... SELECT the shop by domain ... ON CONFLICT DO NOTHING, one
    statement in autocommit on a DBAPI connection this process keeps for it.

    The ORM session, a pool checkout per request (with PostgreSQL's pre-ping round trip) and
    SQLAlchemy's execution path cost more CPU than the insert itself; the statement is compiled
    once and its string executed, parameters bound by the driver. One connection is held (taken
    from the engine, so it is set up like any other); a request finding it busy (a threaded
    server) uses a pooled connection of its own. A held connection that has gone away (a
    database restart) is replaced and the statement tried once more on a fresh one: a server that
    dropped the connection never ran it. Disposing the engine closes the held connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = engine.dialect
        self._dialect = dialect
        self._driver_error = dialect.loaded_dbapi.Error
        self._insert = _DriverStatement(_insert_delivery_for_domain(dialect.name), dialect)
        self._lookup = _DriverStatement(select(Shop.id).where(Shop.domain == bindparam("domain")), dialect)
        self._lock = threading.Lock()
        self._held: PoolProxiedConnection | None = None
        self._held_cursor: Any = None
        event.listen(engine, "engine_disposed", self._on_engine_disposed)

    def record_for_domain(self, domain: str, delivery: IncomingDelivery) -> tuple[int | None, bool]:
        """Store a delivery for the shop with this domain (`delivery.shop_id` is not read); the
        row is committed when this returns. (shop id, True) when stored now; otherwise a lookup
        tells a replay (shop id, False) from an unknown shop (None, False). Raises
        DeliveryNotStored when the database cannot take it."""
        values = _row_values(delivery)
        values["domain"] = domain
        try:
            if self._lock.acquire(blocking=False):
                try:
                    return self._on_held(values)
                finally:
                    self._lock.release()
            return self._on_pooled(values)
        except (SQLAlchemyError, self._driver_error) as exc:
            raise DeliveryNotStored(str(exc)) from exc

    def close(self) -> None:
        with self._lock:
            self._discard()

    def _on_held(self, values: dict[str, Any]) -> tuple[int | None, bool]:
        held = self._held
        if held is not None:
            try:
                return self._execute(self._held_cursor, values)
            except self._driver_error as exc:
                gone = self._dialect.is_disconnect(exc, held.dbapi_connection, None)
                self._discard()
                if not gone:
                    raise
        held = self.engine.raw_connection()
        self._held = held
        try:
            self._dialect.set_isolation_level(held.dbapi_connection, "AUTOCOMMIT")
            # Kept with the connection: a cursor per delivery costs a fifth of the insert's CPU.
            self._held_cursor = held.dbapi_connection.cursor()
            return self._execute(self._held_cursor, values)
        except self._driver_error:
            self._discard()
            raise

    def _on_pooled(self, values: dict[str, Any]) -> tuple[int | None, bool]:
        pooled = self.engine.raw_connection()
        try:
            cursor = pooled.dbapi_connection.cursor()
            try:
                result = self._execute(cursor, values)
            finally:
                cursor.close()
            pooled.dbapi_connection.commit()
            return result
        finally:
            pooled.close()  # returned to the pool, which rolls back anything left open

    def _execute(self, cursor: Any, values: dict[str, Any]) -> tuple[int | None, bool]:
        cursor.execute(self._insert.sql, self._insert.parameters(values))
        stored = cursor.fetchall()  # to the end: SQLite commits when the statement completes
        if stored:
            return stored[0][0], True
        cursor.execute(self._lookup.sql, self._lookup.parameters(values))
        found = cursor.fetchall()
        return (found[0][0] if found else None), False

    def _discard(self) -> None:
        held, self._held, self._held_cursor = self._held, None, None
        if held is not None:
            held.invalidate()  # closes the DBAPI connection

    def _on_engine_disposed(self, _engine: Engine) -> None:
        self.close()


def pending_deliveries(session: Session, shop_id: int, limit: int) -> list[WebhookDelivery]:
    statement = (
        select(WebhookDelivery)
        .where(WebhookDelivery.shop_id == shop_id, WebhookDelivery.status == "pending")
        .order_by(WebhookDelivery.triggered_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(statement))
