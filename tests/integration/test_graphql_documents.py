"""Every GraphQL document the app sends validates against Shopify's real 2026-10 schema."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from graphql import OperationDefinitionNode, parse, validate

import app as app_package
import jobs as jobs_package
import webhooks as webhooks_package
from devstore.schema import admin_schema


def graphql_documents() -> dict[str, str]:
    """Module-level string constants that are GraphQL operations, across app/, jobs/, webhooks/."""
    found: dict[str, str] = {}
    for package in (app_package, jobs_package, webhooks_package):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.endswith(".devrun"):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if isinstance(value, str) and value.lstrip().startswith(
                    ("query ", "mutation ", "query{", "{")
                ):
                    found[f"{info.name}.{name}"] = value
    return found


DOCUMENTS = graphql_documents()


def test_the_app_has_graphql_documents_to_check():
    assert "app.shopify.operations.SHOP_OVERVIEW" in DOCUMENTS


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_valid_against_the_admin_schema(name):
    document = parse(DOCUMENTS[name])
    errors = validate(admin_schema(), document)
    assert errors == [], f"{name}: {[e.message for e in errors]}"
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert all(op.name is not None for op in operations), f"{name}: operations must be named"


def test_an_invalid_field_fails_validation():
    # The check above would catch someone adding a field Shopify does not have.
    document = parse(DOCUMENTS["app.shopify.operations.SHOP_OVERVIEW"].replace("ianaTimezone", "ianaTimezon"))
    errors = validate(admin_schema(), document)
    assert any("ianaTimezon" in error.message for error in errors)
