"""One JSON error shape for the API, webhooks and auth: {"error": {"status", "message"}}."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def error_response(status: int, message: str, **headers: str) -> Response:
    response = jsonify(error={"status": status, "message": message})
    response.status_code = status
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if exc.code == 404 and _is_page_load():
            from app.auth_views import unknown_page

            # An out-of-date link into the app: the app's own "Page not found", inside the admin.
            return unknown_page()
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        from app.db import _close_request_session

        # Roll back whatever the request had open; never show a traceback to the caller.
        _close_request_session(exc)
        log.exception("unhandled error")
        return error_response(500, "internal error")


# Paths that belong to machines (API, webhooks, OAuth, app proxy, bundle assets): a JSON 404.
_MACHINE_PREFIXES = ("/api/", "/webhooks", "/auth/", "/apps/", "/assets/", "/health")


def _is_page_load() -> bool:
    """A browser asking for a document (GET, HTML accepted) at a path no route serves."""
    return (
        request.method == "GET"
        and not request.path.startswith(_MACHINE_PREFIXES)
        and request.accept_mimetypes.accept_html
        and request.accept_mimetypes["text/html"] >= request.accept_mimetypes["application/json"]
    )
