"""Program settings: defaults, merging, and one clear message per invalid field; KPI ratios."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.referral_program.kpis import ProgramFigures, ratios
from app.referral_program.settings import DEFAULTS, SettingsError, hold_policy, load, validate


def test_a_shop_without_settings_gets_the_defaults_with_the_program_off():
    settings = load({})
    assert settings == DEFAULTS and settings["enabled"] is False
    assert hold_policy(settings).days == 14


def test_stored_groups_are_merged_over_the_defaults():
    settings = load({"referrals": {"hold": {"mode": "fulfilled"}}})
    assert settings["hold"] == {"mode": "fulfilled", "days": 14}


@pytest.mark.parametrize(
    ("candidate", "field"),
    [
        ({"enabled": "yes"}, "enabled"),
        ({"friend_offer": {"kind": "free"}}, "friend_offer.kind"),
        ({"friend_offer": {"value": "0"}}, "friend_offer.value"),
        ({"friend_offer": {"value": "120"}}, "friend_offer.value"),
        ({"friend_offer": {"min_subtotal": "-5"}}, "friend_offer.min_subtotal"),
        ({"friend_offer": {"ends_at": "2027-01-01T00:00:00"}}, "friend_offer.ends_at"),
        ({"advocate_reward": {"kind": "cash"}}, "advocate_reward.kind"),
        ({"advocate_reward": {"amount": "NaN"}}, "advocate_reward.amount"),
        ({"advocate_reward": {"expires_days": 0}}, "advocate_reward.expires_days"),
        ({"hold": {"mode": "weeks"}}, "hold.mode"),
        ({"hold": {"days": 1.5}}, "hold.days"),
        ({"hold": {"days": True}}, "hold.days"),
        ({"max_rewards_per_advocate": 0}, "max_rewards_per_advocate"),
        ({"refund_after_issue": "ignore"}, "refund_after_issue"),
        ({"velocity": {"window_days": 0}}, "velocity.window_days"),
        ({"velocity": "fast"}, "velocity"),
        ({"bonus": 1}, "bonus"),
    ],
)
def test_each_invalid_field_is_named(candidate, field):
    with pytest.raises(SettingsError) as raised:
        validate(candidate)
    assert set(raised.value.errors) == {field}


def test_valid_settings_come_back_complete():
    settings = validate(
        {"enabled": True, "friend_offer": {"kind": "fixed_amount", "value": "5", "ends_at": None}}
    )
    assert settings["friend_offer"] == {
        "kind": "fixed_amount",
        "value": "5",
        "min_subtotal": "0",
        "ends_at": None,
    }
    assert settings["advocate_reward"] == DEFAULTS["advocate_reward"]


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (
            ProgramFigures(40, 10, 50, 12, Decimal("600"), Decimal("120"), 12),
            {"share_referred": 0.25, "friend_conversion": 0.24, "cost_to_revenue": 0.2},
        ),
        (
            ProgramFigures(0, 0, 0, 0, Decimal("0"), Decimal("0"), 0),
            {"share_referred": None, "friend_conversion": None, "cost_to_revenue": None},
        ),
        (
            # Codes passed on by word of mouth: more orders than link clicks.
            ProgramFigures(10, 3, 2, 3, Decimal("90"), Decimal("30"), 3),
            {"share_referred": 0.3, "friend_conversion": 1.5, "cost_to_revenue": 0.3333},
        ),
    ],
)
def test_kpi_ratios(figures, expected):
    result = ratios(figures)
    assert {k: result[k] for k in expected} == expected


STORE_CREDIT = {"enabled": True, "advocate_reward": {"kind": "store_credit", "amount": "5"}}


@pytest.mark.parametrize(
    ("candidate", "scopes", "field", "missing"),
    [
        (
            STORE_CREDIT,
            "read_customers,write_discounts",
            "advocate_reward.kind",
            "read_store_credit_accounts",
        ),
        (
            STORE_CREDIT,
            "write_discounts,read_store_credit_accounts",
            "advocate_reward.kind",
            "write_store_credit_account_transactions",
        ),
        ({"enabled": True}, "read_customers,read_discounts", "enabled", "write_discounts"),
    ],
)
def test_a_setting_the_granted_scopes_cannot_carry_out_is_refused_with_the_missing_scope(
    candidate, scopes, field, missing
):
    with pytest.raises(SettingsError) as refused:
        validate(candidate, scopes)
    assert list(refused.value.errors) == [field] and missing in refused.value.errors[field]


@pytest.mark.parametrize(
    ("candidate", "scopes"),
    [
        (STORE_CREDIT, "write_discounts,read_store_credit_accounts,write_store_credit_account_transactions"),
        (
            STORE_CREDIT,
            ["write_discounts", "read_store_credit_accounts", "write_store_credit_account_transactions"],
        ),
        ({"enabled": True}, "read_customers, write_discounts"),
        ({"enabled": False}, ""),  # a program that is off needs no discount scope
    ],
)
def test_settings_the_granted_scopes_carry_out_are_accepted(candidate, scopes):
    assert validate(candidate, scopes)["advocate_reward"]["kind"] == (
        candidate.get("advocate_reward") or {}
    ).get("kind", "discount_code")
