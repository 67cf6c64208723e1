"""Faults on the Admin GraphQL endpoint, for testing a client's retries, and the switch for
the tag webhooks that echo an app's own tag writes.

- `POST /_devstore/api-faults` `{shop, statuses: [503, 429, ...], retry_after?}`: the shop's
  next GraphQL requests answer with these HTTP statuses, one each, before normal service;
- `POST /_devstore/shops/<shop>/tag-webhooks` `{enabled}`: send customer.tags_added/removed and
  customers/update after a customer's tags change.
"""

from __future__ import annotations

import threading

from flask import Blueprint, jsonify, request

from devstore.resolvers.tags import tag_webhook_settings
from devstore.state import current_state, normalize_shop_domain, not_found

bp = Blueprint("devstore_api_faults", __name__, url_prefix="/_devstore")
_lock = threading.Lock()


def pending_faults(shop) -> list[tuple[int, str | None]]:
    faults = getattr(shop, "_api_faults", None)
    if faults is None:
        faults = []
        shop._api_faults = faults
    return faults


@bp.post("/api-faults")
def add_faults():
    """Queue HTTP failures for a shop's next GraphQL requests."""
    body = request.get_json(silent=True) or {}
    shop = current_state().store.get(normalize_shop_domain(str(body.get("shop", ""))))
    if shop is None:
        return not_found()
    statuses = body.get("statuses")
    if not isinstance(statuses, list) or not all(isinstance(s, int) and 400 <= s < 600 for s in statuses):
        return jsonify(errors="statuses must be a list of HTTP error codes"), 400
    retry_after = body.get("retry_after")
    with _lock:
        pending_faults(shop).extend(
            (s, str(retry_after) if retry_after is not None else None) for s in statuses
        )
    return jsonify(pending=len(pending_faults(shop)))


@bp.before_app_request
def inject_fault():
    """Answer a queued failure instead of running a GraphQL request."""
    if not request.path.endswith("/graphql.json"):
        return None
    host = request.host.split(":", 1)[0].lower()
    shop = current_state().store.get(host)
    if shop is None:
        return None
    with _lock:
        faults = pending_faults(shop)
        if not faults:
            return None
        status, retry_after = faults.pop(0)
    response = jsonify(errors="Internal error" if status >= 500 else "Exceeded rate limit")
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


@bp.post("/shops/<domain>/tag-webhooks")
def tag_webhooks(domain: str):
    """Turn the customer.tags_added/removed echoes on or off for a shop."""
    state = current_state()
    shop = state.store.get(normalize_shop_domain(domain))
    if shop is None:
        return not_found()
    settings = tag_webhook_settings(shop)
    settings["enabled"] = bool((request.get_json(silent=True) or {}).get("enabled"))
    settings["sender"] = state.webhooks
    return jsonify(enabled=settings["enabled"])
