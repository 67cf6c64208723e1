"""The built admin UI (frontend/dist): its index.html filled in for one shop, and its assets.

`make run` builds the bundle; without it the app home says how to build it rather than failing.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory

bp = Blueprint("frontend", __name__)

APP_BRIDGE_BLOCK = re.compile(r"\s*<!-- orbit:app-bridge -->.*?<!-- /orbit:app-bridge -->", re.S)
MISSING_BUNDLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Orbit CRM</title></head>
<body><p id="status">Orbit is installed in {shop}, but its admin UI is not built on this server.
Run <code>make run</code>, or <code>npm ci &amp;&amp; npm run build</code> in <code>frontend/</code>.
</p></body></html>"""


def dist_path() -> Path:
    configured = current_app.config.get("FRONTEND_DIST")
    return Path(configured) if configured else Path(current_app.root_path).parent / "frontend" / "dist"


def render_index(api_key: str, shop_domain: str, standalone: bool) -> str:
    """index.html for this shop: its API key and domain in meta tags; App Bridge's script only
    inside the admin (standalone, the devstore stands in for it and Shopify's CDN is not needed)."""
    index = dist_path() / "index.html"
    if not index.is_file():
        return MISSING_BUNDLE.format(shop=escape(shop_domain))
    html = index.read_text(encoding="utf-8")
    if standalone:
        html = APP_BRIDGE_BLOCK.sub("", html)
    return (
        html.replace("__ORBIT_API_KEY__", escape(api_key))
        .replace("__ORBIT_SHOP__", escape(shop_domain))
        .replace("__ORBIT_MODE__", "standalone" if standalone else "embedded")
    )


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    """Hashed bundle files: public, cached for a year (a new build has new names)."""
    response = send_from_directory(dist_path() / "assets", filename, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
