"""The JSON API the embedded UI uses; every route requires a session token."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from app.api import shop  # noqa: E402,F401  (routes register on bp)
