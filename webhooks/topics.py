"""Webhook topics Orbit subscribes to, grouped by the handler module that applies them."""

from __future__ import annotations

COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})

HANDLER_MODULES = {
    "app/uninstalled": "app",
    "app/scopes_update": "app",
}


def handler_module_for(topic: str) -> str | None:
    return HANDLER_MODULES.get(topic)
