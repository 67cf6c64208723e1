"""Run Alembic migrations from Python (start-up in development, `flask --app app db upgrade`)."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.db import normalise_database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# The PostgreSQL advisory lock held while migrating: any number of our own, the same everywhere.
MIGRATION_LOCK_KEY = 0x0B17C4A0
LOCK_RETRY_SECONDS = 0.2


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on a '%' in a password.
    config.set_main_option("sqlalchemy.url", normalise_database_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    # "heads": feature areas branch their migrations off the core schema independently.
    with migration_lock(database_url):
        command.upgrade(alembic_config(database_url), revision)


@contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """One migrating process at a time. Every web process upgrades at start-up (each gunicorn
    worker, each host), and upgrades running side by side on a fresh database collide half-way
    (a CREATE of what another has just created: the worker fails to boot and gunicorn stops).
    The others wait here, then find the schema current and do nothing. PostgreSQL: an advisory
    lock, held by a connection of its own for the duration (the others try again every 0.2 s).
    SQLite (one host): a file lock beside the database file. An in-memory database belongs to
    one process and needs none."""
    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                # Session-level: it outlives the statement's transaction, ends with the connection.
                # Tried and retried, never waited for inside one statement: a statement waiting
                # for the lock holds a snapshot, and a migration that builds an index
                # CONCURRENTLY waits until every older snapshot is gone, so it waited for the
                # processes that were waiting for it (a cycle PostgreSQL does not detect).
                while not connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                ).scalar():
                    connection.commit()
                    time.sleep(LOCK_RETRY_SECONDS)
                connection.commit()
                yield
        finally:
            engine.dispose()
    elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        with open(f"{url.database}.migrate-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file is closed
            yield
    else:
        yield


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
