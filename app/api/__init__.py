"""The JSON API the embedded UI uses; every route requires a session token."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

# Routes register on bp.
from app.api import activity, customers, home, recommendations, referrals, segments, settings, shop, support  # noqa: E402,F401
from app.api import compliance, leads, webhooks_health  # noqa: E402,F401
