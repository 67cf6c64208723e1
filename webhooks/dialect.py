"""The dialect's INSERT (SQLite and PostgreSQL both have ON CONFLICT ... DO UPDATE / DO NOTHING)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def dialect_insert(session: Session) -> Callable[[Any], Any]:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
