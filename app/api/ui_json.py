"""Plain JSON for the UI: ISO 8601 timestamps, money as exact strings, percentages as numbers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Response, jsonify, request

from app.errors import error_response


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount.quantize(Decimal("0.01")))


def plain(value: Any) -> Any:
    """Datetimes and Decimals inside dicts and lists, made JSON-ready (Decimal figures to float)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A bounded integer query argument; ValueError (for a 400) when it is not one."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}")
    return value


def bad_argument(exc: ValueError):
    return error_response(400, str(exc))


def field_errors(errors: dict[str, str]) -> Response:
    """422 with the shared error shape plus one message per field, for forms to show in place."""
    response = jsonify(error={"status": 422, "message": "check the highlighted fields", "fields": errors})
    response.status_code = 422
    return response
