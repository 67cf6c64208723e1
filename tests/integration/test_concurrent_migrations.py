"""Every web process migrates at start-up (gunicorn's workers, several hosts): started together
on a fresh database, they must all come up with one schema, not collide half-way through it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from app.db import normalise_database_url
from app.migrate import alembic_config
from tests.helpers import scratch_postgres_database

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4

# Each process waits for the go file, so that all of them reach the upgrade at the same moment.
UPGRADE = """
import sys, time
from pathlib import Path
from app.migrate import upgrade
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
upgrade(sys.argv[1])
"""


@pytest.fixture
def fresh_database_url(database_url, tmp_path) -> Iterator[str]:
    """An empty database on this run's backend."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with scratch_postgres_database(database_url, "orbit_fresh_") as url:
        yield url


def test_processes_migrating_a_fresh_database_at_once_all_succeed(fresh_database_url, tmp_path):
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE, fresh_database_url, str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        # All of them imported and waiting (an import takes about a second) before the go.
        subprocess.run([sys.executable, "-c", "import app.migrate"], cwd=ROOT, check=True)
        go.touch()
        outputs = [process.communicate(timeout=300)[0] for process in processes]
    finally:
        for process in processes:
            process.kill()
    failures = [output for process, output in zip(processes, outputs, strict=True) if process.returncode]
    assert failures == [], failures[0][-3000:]

    engine = create_engine(normalise_database_url(fresh_database_url))
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    heads = set(ScriptDirectory.from_config(alembic_config(fresh_database_url)).get_heads())
    assert current == heads
