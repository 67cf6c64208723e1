"""Pure figures behind the admin UI: support KPIs, acquisition sources, funnel, settings rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.dashboards import funnel, settings_rules, support_kpis
from app.dashboards.timeline import TimelineEvent, merge_timeline

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def contact(days_after_monday: float, resolved=True, csat=None, effort=None):
    return support_kpis.ContactFigures(MONDAY + timedelta(days=days_after_monday), resolved, csat, effort)


def test_csat_counts_only_answered_surveys_and_4_or_5_as_satisfied():
    figures = support_kpis.kpis([contact(0, csat=5), contact(0, csat=4), contact(0, csat=3), contact(0)], 0)
    assert figures["csat_percent"] == Decimal("66.7") and figures["csat_responses"] == 3
    assert figures["contacts_per_100_orders"] is None


def test_kpis_of_no_contacts_are_empty_not_zero():
    figures = support_kpis.kpis([], 10)
    assert figures["csat_percent"] is None and figures["first_contact_resolution_percent"] is None
    assert figures["average_effort"] is None and figures["contacts_per_100_orders"] == 0


def test_weekly_kpis_bucket_by_monday_and_keep_empty_weeks():
    contacts = [contact(-7, resolved=False, effort=7), contact(1, effort=2), contact(2, effort=3)]
    weeks = support_kpis.weekly_kpis(contacts, {MONDAY: 200}, MONDAY + timedelta(days=3), 3)
    assert [w["week"] for w in weeks] == [MONDAY - timedelta(weeks=2), MONDAY - timedelta(weeks=1), MONDAY]
    assert [w["contacts"] for w in weeks] == [0, 1, 2]
    assert weeks[1]["first_contact_resolution_percent"] == Decimal("0.0")
    assert weeks[2]["average_effort"] == Decimal("2.50") and weeks[2]["contacts_per_100_orders"] == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("csat", 0), ("csat", 6), ("csat", True), ("effort", 8), ("effort", 2.5), ("channel", "fax"),
     ("reason", ""), ("reason", "x" * 201), ("customer_id", -1), ("resolved_first_contact", "yes")],
)  # fmt: skip
def test_contact_rules_name_the_bad_field(field, value):
    data = {
        "customer_id": 1,
        "channel": "email",
        "reason": "r",
        "resolved_first_contact": False,
        field: value,
    }
    with pytest.raises(support_kpis.ContactInvalid) as caught:
        support_kpis.parse_contact(data)
    assert list(caught.value.errors) == [field]


def test_unanswered_scores_are_allowed():
    parsed = support_kpis.parse_contact(
        {
            "customer_id": "7",
            "channel": "phone",
            "reason": " Size ",
            "resolved_first_contact": True,
            "csat": "",
        }
    )
    assert (parsed.customer_shopify_id, parsed.reason, parsed.csat, parsed.effort) == (7, "Size", None, None)


@pytest.mark.parametrize(
    ("landing", "referring", "source_name", "expected"),
    [
        ("/?utm_source=google&utm_medium=cpc&gclid=1", "https://www.google.com/", "web", "google ads"),
        ("/?utm_source=shopify_email&utm_medium=email", None, "web", "shopify email"),
        ("/products/oil", "https://l.facebook.com/", "web", "facebook"),
        ("/", "https://www.google.co.uk/search", "web", "google"),
        ("/", None, "web", "direct"),
        (None, None, "pos", "pos"),
        (None, None, None, "direct"),
    ],
)
def test_visit_source(landing, referring, source_name, expected):
    assert funnel.visit_source(landing, referring, source_name) == expected


def test_first_order_source_is_the_earliest_order():
    late, early = MONDAY, MONDAY - timedelta(days=30)
    rows = [
        (1, late, None, "https://www.tiktok.com/", "web"),
        (1, early, "/?utm_source=instagram", None, "web"),
    ]
    assert funnel.first_order_sources(rows) == {1: "instagram"}


def test_funnel_conversion_skips_unknown_stages():
    stages = funnel.funnel(visits=200, known_people=50, buyers=20, repeat_buyers=5, advocates=None)
    assert [s["conversion"] for s in stages] == [None, 25.0, 40.0, 25.0, None]


def test_sources_table_orders_by_revenue():
    rows = funnel.sources_table(
        [
            funnel.CustomerOrders("a", 1, Decimal("10")),
            funnel.CustomerOrders("b", 3, Decimal("90")),
            funnel.CustomerOrders("b", 1, Decimal("5")),
        ]
    )
    assert [(r["source"], r["customers"], r["repeat_rate"], r["revenue"]) for r in rows] == [
        ("b", 2, 50.0, "95.00"),
        ("a", 1, 0.0, "10.00"),
    ]


@pytest.mark.parametrize(
    ("prefix", "ok"), [("orbit:", True), ("", False), (" orbit:", False), ("a,b", False), ("x" * 41, False)]
)
def test_tag_prefix_rules(prefix, ok):
    assert (settings_rules.tag_prefix_error(prefix) is None) is ok


def test_settings_keep_unchanged_fields_and_defaults():
    current = {"tag_prefix": "crm:", "analytics": {"fitted": True}, "other": 1}
    updated = settings_rules.parse_settings({"local_radius_km": 10}, current)
    assert updated == {
        "tag_prefix": "crm:", "shopify_segments": False, "store_locations": [], "local_radius_km": 10,
    }  # fmt: skip


def test_settings_are_stored_where_push_and_analytics_read_them():
    form = {"tag_prefix": "crm:", "shopify_segments": True,
            "store_locations": [{"name": "A", "latitude": 1.0, "longitude": 2.0}],
            "local_radius_km": 25.0}  # fmt: skip
    stored = settings_rules.stored_settings({"analytics": {"fitted": True}, "other": 1}, form)
    assert stored == {
        "other": 1,
        "tag_prefix": "crm:",
        "shopify_segments": True,
        "analytics": {"fitted": True, "store_locations": form["store_locations"], "local_radius_km": 25.0},
    }
    assert settings_rules.effective_settings(stored) == form


def test_timeline_is_newest_first_and_a_refund_follows_its_order_at_the_same_instant():
    events = merge_timeline(
        [TimelineEvent("order", MONDAY, "o"), TimelineEvent("order", None, "lost")],
        [TimelineEvent("refund", MONDAY, "r"), TimelineEvent("support", MONDAY + timedelta(hours=1), "s")],
    )
    assert [e.title for e in events] == ["s", "r", "o"]
