"""The merchant's Orbit settings: tag prefix, Shopify segments, store locations and the local
radius. A new prefix queues a full push (Orbit's tags move to the new prefix); turning Shopify
segments on or off queues a push that creates or deletes them."""

from __future__ import annotations

import logging

from flask import Response, g, jsonify, request

from app import db
from app.api import bp
from app.api.ui_json import field_errors
from app.dashboards import settings_rules
from app.security import session_token_required

log = logging.getLogger(__name__)


@bp.get("/settings")
@session_token_required
def get_settings() -> Response:
    """The shop's settings with Orbit's defaults filled in."""
    return jsonify(settings=settings_rules.effective_settings(g.shop.settings), limits=_limits())


@bp.put("/settings")
@session_token_required
def save_settings() -> Response:
    """Replace the fields given; 422 with an error per field when one is not acceptable."""
    try:
        updated = settings_rules.parse_settings(request.get_json(silent=True), g.shop.settings)
    except settings_rules.SettingsInvalid as exc:
        return field_errors(exc.errors)
    session = db.request_session()
    before = settings_rules.effective_settings(g.shop.settings)
    # A new dict, so SQLAlchemy sees the JSON column change.
    g.shop.settings = settings_rules.stored_settings(g.shop.settings, updated)
    session.commit()
    _queue_push(g.shop.id, before, updated)
    return jsonify(settings=settings_rules.effective_settings(g.shop.settings), limits=_limits())


def _queue_push(shop_id: int, before: dict, after: dict) -> None:
    """A new prefix changes every Orbit tag: a full push. Shopify segments on or off: a push
    with no customers, which creates or deletes the Shopify segments."""
    from redis.exceptions import RedisError

    from jobs.push import request_push

    try:
        if before["tag_prefix"] != after["tag_prefix"]:
            request_push(shop_id, None)
        elif before["shopify_segments"] != after["shopify_segments"]:
            request_push(shop_id, [], segments=True)
    except (RedisError, OSError):
        log.warning("could not queue the push for shop %s: Redis unavailable", shop_id)


def _limits() -> dict:
    return {
        "tag_prefix_max": settings_rules.TAG_PREFIX_MAX,
        "max_locations": settings_rules.MAX_LOCATIONS,
    }
