"""Support contacts: input rules and the KPIs over time (CSAT, first-contact resolution,
customer effort, contacts per 100 orders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CHANNELS = ("email", "chat", "phone", "social", "in_store", "other")
REASON_MAX = 200
NOTE_MAX = 5000


class ContactInvalid(ValueError):
    """A contact the merchant must correct; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ContactInput:
    customer_shopify_id: int
    channel: str
    reason: str
    resolved_first_contact: bool
    csat: int | None
    effort: int | None
    note: str | None


@dataclass(frozen=True)
class ContactFigures:
    """What the KPIs need of one contact."""

    contacted_at: datetime
    resolved_first_contact: bool
    csat: int | None
    effort: int | None


def _score(value: Any, field: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    # bool is an int in Python; a JSON true is not a score.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[field] = f"must be a whole number from {low} to {high}, or left empty"
        return None
    return value


def parse_contact(data: Any) -> ContactInput:
    """Check a contact posted by the UI; raises ContactInvalid naming every bad field."""
    if not isinstance(data, dict):
        raise ContactInvalid({"body": "expected a JSON object"})
    errors: dict[str, str] = {}
    customer = data.get("customer_id")
    if isinstance(customer, str) and customer.isdigit():
        customer = int(customer)
    if isinstance(customer, bool) or not isinstance(customer, int) or customer <= 0:
        errors["customer_id"] = "choose the customer this contact was with"
    channel = data.get("channel")
    if channel not in CHANNELS:
        errors["channel"] = f"must be one of {', '.join(CHANNELS)}"
    reason = data.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = "say what the contact was about"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"keep it under {REASON_MAX} characters"
    resolved = data.get("resolved_first_contact")
    if not isinstance(resolved, bool):
        errors["resolved_first_contact"] = "say whether the first contact resolved it"
    csat = _score(data.get("csat"), "csat", 1, 5, errors)
    effort = _score(data.get("effort"), "effort", 1, 7, errors)
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        errors["note"] = "must be text"
    elif note and len(note) > NOTE_MAX:
        errors["note"] = f"keep it under {NOTE_MAX} characters"
    if errors:
        raise ContactInvalid(errors)
    return ContactInput(customer, channel, reason, resolved, csat, effort, (note or "").strip() or None)


def _share(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the moment's week: the KPI buckets."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def kpis(contacts: list[ContactFigures], orders: int) -> dict[str, Any]:
    """The four KPIs over one set of contacts; None where there is nothing to measure."""
    rated = [c.csat for c in contacts if c.csat is not None]
    efforts = [c.effort for c in contacts if c.effort is not None]
    average_effort = None
    if efforts:
        average_effort = (Decimal(sum(efforts)) / len(efforts)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    per_100 = None
    if orders:
        per_100 = (Decimal(len(contacts)) * 100 / orders).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {
        "contacts": len(contacts),
        "csat_percent": _share(sum(1 for score in rated if score >= 4), len(rated)),
        "csat_responses": len(rated),
        "first_contact_resolution_percent": _share(
            sum(1 for c in contacts if c.resolved_first_contact), len(contacts)
        ),
        "average_effort": average_effort,
        "contacts_per_100_orders": per_100,
        "orders": orders,
    }


def weekly_kpis(
    contacts: list[ContactFigures], orders_by_week: dict[datetime, int], now: datetime, weeks: int
) -> list[dict[str, Any]]:
    """The KPIs for each of the last `weeks` weeks, oldest first (weeks with no contacts included)."""
    current = week_start(now)
    starts = [current - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    grouped: dict[datetime, list[ContactFigures]] = {start: [] for start in starts}
    for contact in contacts:
        start = week_start(contact.contacted_at)
        if start in grouped:
            grouped[start].append(contact)
    return [{"week": start, **kpis(grouped[start], orders_by_week.get(start, 0))} for start in starts]
