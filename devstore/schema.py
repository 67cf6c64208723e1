"""Shopify's real Admin GraphQL schema, loaded from the introspection JSON the Makefile fetches."""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_client_schema

API_VERSION = "2026-10"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCHEMA_PATH = PROJECT_ROOT / "var" / "schema" / f"admin_{API_VERSION}.json.gz"


class SchemaMissing(RuntimeError):
    """The schema file is absent: run `make setup` (it is fetched, never committed)."""


def schema_path() -> Path:
    return Path(os.environ.get("ORBIT_ADMIN_SCHEMA", DEFAULT_SCHEMA_PATH))


@cache
def admin_schema() -> GraphQLSchema:
    path = schema_path()
    if not path.exists():
        raise SchemaMissing(f"{path} not found; `make setup` fetches it")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        introspection = json.load(fh)
    # Shopify's schema breaks one of graphql-core's strict deprecation rules (a required
    # argument marked deprecated), so the schema is trusted as Shopify serves it.
    return build_client_schema(introspection["data"], assume_valid=True)
