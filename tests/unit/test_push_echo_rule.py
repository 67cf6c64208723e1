"""The customers/update echo rule (app/push/echo.py), on plain data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.push.echo import ECHO_WINDOW, update_is_echo

WROTE = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
STORED = {"email": "a@example.com", "first_name": "Ann", "latitude": 45.5, "tags": ["wholesale"]}
SYNC = {"pushed": ["orbit:vip"], "in_flight": None, "updated_at": WROTE}


def body(**changes):
    values = {"shopify_id": 1, "shopify_updated_at": WROTE - timedelta(seconds=1)}
    values.update({k: v for k, v in STORED.items() if k != "tags"})
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("delivery", "sync", "echo"),
    [
        (body(), SYNC, True),
        (body(latitude=45.5), SYNC, True),  # a float read back from the body
        (body(tags=["wholesale", "orbit:vip"]), SYNC, True),  # an older body that carries tags
        # After a prefix change Orbit's record, not the prefix, says which tags are Orbit's.
        (body(tags=["wholesale", "crm-vip"]), {**SYNC, "pushed": ["crm-vip"]}, True),
        (body(first_name="Anne"), SYNC, False),  # a real change
        (body(tags=["wholesale", "orbit:vip", "gold"]), SYNC, False),  # someone else's tag
        (body(tags=["orbit:vip"]), SYNC, False),  # someone removed another app's tag
        (body(), None, False),  # Orbit never wrote this customer's tags
        (body(shopify_updated_at=WROTE - ECHO_WINDOW - timedelta(seconds=1)), SYNC, False),
        (body(shopify_updated_at=WROTE + timedelta(hours=1)), SYNC, False),  # long after the write
        (
            body(shopify_updated_at=WROTE + timedelta(hours=1)),
            {**SYNC, "in_flight": {"add": ["orbit:x"]}},
            True,
        ),
    ],
)
def test_a_customers_update_is_an_echo_only_when_nothing_but_orbits_write_changed(delivery, sync, echo):
    assert update_is_echo(delivery, STORED, sync, "orbit:") is echo
