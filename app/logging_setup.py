"""Logging: one format, and no tokens in logs (the dev server logs request URLs, which carry
the id_token of a document load; OAuth callbacks carry a code)."""

from __future__ import annotations

import logging
import re

SECRET_QUERY_PARAMETERS = re.compile(r"\b(id_token|code|hmac|access_token|refresh_token)=[^&\s\"]+")


def redact(text: str) -> str:
    return SECRET_QUERY_PARAMETERS.sub(r"\1=[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = redact(record.getMessage())
            record.args = None
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def configure() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redactor = RedactSecrets()
    for name in ("werkzeug", "gunicorn.access", "httpx"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(redactor)
    # Alembic narrates every start-up at INFO; only its warnings matter here.
    logging.getLogger("alembic").setLevel(logging.WARNING)
