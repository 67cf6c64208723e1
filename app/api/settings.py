"""The merchant's Orbit settings: tag prefix, store locations and the local radius."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from app import db
from app.api import bp
from app.api.ui_json import field_errors
from app.dashboards import settings_rules
from app.security import session_token_required


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
    # A new dict, so SQLAlchemy sees the JSON column change.
    g.shop.settings = settings_rules.stored_settings(g.shop.settings, updated)
    session.commit()
    return jsonify(settings=settings_rules.effective_settings(g.shop.settings), limits=_limits())


def _limits() -> dict:
    return {
        "tag_prefix_max": settings_rules.TAG_PREFIX_MAX,
        "max_locations": settings_rules.MAX_LOCATIONS,
    }
