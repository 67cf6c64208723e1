"""The scopes Orbit asks for are the same in shopify.app.toml and in the app's defaults, and
cover what its GraphQL operations need according to the schema's own access notes."""

from __future__ import annotations

import tomllib
from pathlib import Path

from app.config import DEFAULT_SCOPES

ROOT = Path(__file__).resolve().parents[2]


def toml_scopes() -> set[str]:
    config = tomllib.loads((ROOT / "shopify.app.toml").read_text())
    return set(config["access_scopes"]["scopes"].split(","))


def test_toml_and_defaults_ask_for_the_same_scopes():
    assert toml_scopes() == set(DEFAULT_SCOPES.split(","))


def test_the_crm_cycle_scopes_are_requested():
    needed = {
        "read_customers",
        "write_customers",
        "read_orders",
        "read_all_orders",
        "read_products",
        "write_products",
        "read_discounts",
        "write_discounts",
        "write_store_credit_account_transactions",
    }
    assert needed <= toml_scopes()


def test_every_topic_has_one_subscription_and_compliance_topics_are_declared():
    config = tomllib.loads((ROOT / "shopify.app.toml").read_text())
    topics: list[str] = []
    compliance: list[str] = []
    for subscription in config["webhooks"]["subscriptions"]:
        assert subscription["uri"].startswith("/webhooks/")
        topics += subscription.get("topics", [])
        compliance += subscription.get("compliance_topics", [])
    assert len(topics) == len(set(topics))
    assert sorted(compliance) == ["customers/data_request", "customers/redact", "shop/redact"]
    assert {"app/uninstalled", "orders/create", "refunds/create", "customers/update"} <= set(topics)
