"""Running one Alembic migration's upgrade or downgrade by hand, inside a test's transaction."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic.migration import MigrationContext
from alembic.operations import Operations

VERSIONS = Path(__file__).resolve().parents[2] / "app" / "migrations" / "versions"


def load_migration(filename: str) -> ModuleType:
    """A migration module by its file name (its name starts with a digit: no plain import)."""
    spec = importlib.util.spec_from_file_location(f"migration_{Path(filename).stem}", VERSIONS / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(session, step) -> None:
    """`step` (a migration's upgrade or downgrade) on the session's connection."""
    with Operations.context(MigrationContext.configure(connection=session.connection())):
        step()
