"""Migration 0014: the drain's index gains id, both ways, on a database with deliveries in it;
on PostgreSQL built CONCURRENTLY under a temporary name, a leftover of which (an interrupted
run) is replaced. Run through Alembic itself: a concurrent build cannot run in a transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from app.db import normalise_database_url
from app.migrate import alembic_config, upgrade
from tests.helpers import scratch_postgres_database

BEFORE = "0013_delivery_payload_lz4"
INDEX = "ix_webhook_deliveries_pending"
BUILDING = "ix_webhook_deliveries_pending_building"


@pytest.fixture
def migrated_url(database_url, tmp_path) -> Iterator[str]:
    """A new database of this run's backend at the heads."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'index.db'}"
        upgrade(url)
        yield url
        return
    with scratch_postgres_database(database_url, "orbit_index_") as url:
        upgrade(url)
        yield url


def delivery_indexes(connection) -> dict[str, list[str]]:
    indexes = inspect(connection).get_indexes("webhook_deliveries")
    return {index["name"]: index["column_names"] for index in indexes}


def test_the_index_gains_id_and_loses_it_again_keeping_every_delivery(migrated_url):
    engine = create_engine(normalise_database_url(migrated_url))
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO shops (domain, scopes, state, settings, created_at, updated_at) VALUES"
                    " ('index.myshopify.com', '', 'installed', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            for n in range(50):
                connection.execute(
                    text(
                        "INSERT INTO webhook_deliveries (shop_id, webhook_id, topic, triggered_at,"
                        " received_at, payload, status, attempts) SELECT id, :webhook_id,"
                        " 'customers/update', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :payload, 'pending', 0"
                        " FROM shops"
                    ),
                    {"webhook_id": f"w{n}", "payload": b"{}"},
                )
            assert delivery_indexes(connection)[INDEX] == ["shop_id", "status", "triggered_at", "id"]

        command.downgrade(alembic_config(migrated_url), BEFORE)
        with engine.connect() as connection:
            assert delivery_indexes(connection)[INDEX] == ["shop_id", "status", "triggered_at"]
            if engine.dialect.name == "postgresql":
                # What an interrupted concurrent build leaves behind under the temporary name.
                connection.execute(text(f"CREATE INDEX {BUILDING} ON webhook_deliveries (status)"))
                connection.commit()

        upgrade(migrated_url)
        with engine.connect() as connection:
            indexes = delivery_indexes(connection)
            assert indexes[INDEX] == ["shop_id", "status", "triggered_at", "id"]
            assert BUILDING not in indexes
            assert connection.execute(text("SELECT count(*) FROM webhook_deliveries")).scalar() == 50
            if engine.dialect.name == "postgresql":
                valid = connection.execute(
                    text("SELECT indisvalid FROM pg_index WHERE indexrelid = CAST(:name AS regclass)"),
                    {"name": INDEX},
                ).scalar()
                assert valid is True
    finally:
        engine.dispose()
