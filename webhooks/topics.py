"""Webhook topics Orbit subscribes to (shopify.app.toml), by the handler module that applies them."""

from __future__ import annotations

COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})

HANDLER_MODULES = {
    "app/uninstalled": "app",
    "app/scopes_update": "app",
    **dict.fromkeys(
        (
            "customers/create",
            "customers/update",
            "customers/delete",
            "customers/enable",
            "customers/disable",
            "customers/merge",
            "customers_email_marketing_consent/update",
            "customers_marketing_consent/update",
            "customer.tags_added",
            "customer.tags_removed",
        ),
        "customers",
    ),
    **dict.fromkeys(
        (
            "orders/create",
            "orders/updated",
            "orders/paid",
            "orders/cancelled",
            "orders/fulfilled",
            "orders/delete",
        ),
        "orders",
    ),
    "refunds/create": "refunds",
    **dict.fromkeys(("disputes/create", "disputes/update"), "disputes"),
    **dict.fromkeys(("checkouts/create", "checkouts/update", "checkouts/delete"), "checkouts"),
    **dict.fromkeys(("products/create", "products/update", "products/delete"), "products"),
    "bulk_operations/finish": "bulk",
    **dict.fromkeys(sorted(COMPLIANCE_TOPICS), "compliance"),
}


def handler_module_for(topic: str) -> str | None:
    return HANDLER_MODULES.get(topic)
