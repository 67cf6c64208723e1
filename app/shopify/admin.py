"""Admin GraphQL calls for the request path and simple jobs, through shopifyapp's client.

The throttle-aware bulk pusher (issue 5) builds on the same token handling.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.shopify import API_VERSION, clients, tokens


class AdminApiError(Exception):
    """Shopify answered with errors; `code` is shopifyapp's log code, `errors` Shopify's list."""

    def __init__(self, code: str, detail: str, errors: Any = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.errors = errors


def execute(session: Session, shop_domain: str, query: str, variables: dict | None = None) -> dict[str, Any]:
    """Run one GraphQL document for a shop and return its `data`; refresh and retry once on 401."""
    for attempt in range(2):
        access_token = tokens.offline_access_token(session, shop_domain, force_refresh=attempt > 0)
        with clients.http_client(timeout=30.0) as http:
            result = clients.shopify_app().admin_graphql_request(
                query,
                shop=shop_domain.removesuffix(".myshopify.com"),
                access_token=access_token,
                api_version=API_VERSION,
                variables=variables,
                http_client=http,
            )
        if result.ok and result.data is not None:
            return result.data
        if result.response.status == 401 and attempt == 0:
            continue
        raise AdminApiError(result.log.code, result.log.detail, _errors_of(result.response.body))
    raise AssertionError("unreachable")


def _errors_of(body: str) -> Any:
    import json

    try:
        return json.loads(body).get("errors")
    except (ValueError, AttributeError):
        return None
