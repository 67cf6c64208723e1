"""The JSON API the embedded UI uses; every route requires a session token."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

# Routes register on bp.
from app.api import (  # noqa: E402,F401  # noqa: E402,F401
    activity,
    compliance,
    customers,
    home,
    leads,
    recommendations,
    referrals,
    segments,
    settings,
    shop,
    support,
    webhooks_health,
)
