"""Order and Refund fields the app's backfill and reconciliation read, beside the base resolvers
(merged into the same types by devstore.resolvers.merged_types)."""

from __future__ import annotations

from devstore.resolvers.common import graphql_datetime

ORDER_FIELDS = {
    "clientIp": lambda o, info: o.get("browser_ip"),
    "customAttributes": lambda o, info: [
        {"key": str(a.get("name") or ""), "value": None if a.get("value") is None else str(a.get("value"))}
        for a in o.get("note_attributes") or []
    ],
}

REFUND_FIELDS = {
    "processedAt": lambda r, info: graphql_datetime(r.get("processed_at") or r.get("created_at")),
}

TYPES = {"Order": ORDER_FIELDS, "Refund": REFUND_FIELDS}
