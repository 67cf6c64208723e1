"""One JSON error shape for the API, webhooks and auth: {"error": {"status", "message"}}."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
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
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        from app.db import _close_request_session

        # Roll back whatever the request had open; never show a traceback to the caller.
        _close_request_session(exc)
        log.exception("unhandled error")
        return error_response(500, "internal error")
