"""Per-shop program settings, kept in `shops.settings["referrals"]` and validated on save.

    {
      "enabled": false,
      "friend_offer": {"kind": "percentage" | "fixed_amount", "value": "10", "min_subtotal": "0",
                       "ends_at": null | ISO-8601},
      "advocate_reward": {"kind": "discount_code" | "store_credit", "amount": "10",
                          "expires_days": 90 | null},
      "hold": {"mode": "days" | "fulfilled", "days": 14},
      "max_rewards_per_advocate": 10,
      "refund_after_issue": "reverse" | "flag",
      "velocity": {"window_days": 7, "max_orders_per_network": 3, "max_orders_per_address": 2}
    }

`percentage` values are percents (10 = 10 % off); money is a decimal string in shop currency.
Saving checks the settings against the scopes the shop granted (`shops.scopes`): store credit
rewards need the store credit scopes, discount codes (friends' codes and rewards) write_discounts.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from app.referrals.fraud import FraudSettings
from app.referrals.hold import DEFAULT_HOLD_DAYS, HoldPolicy

DEFAULTS: dict[str, Any] = {
    "enabled": False,
    "friend_offer": {"kind": "percentage", "value": "10", "min_subtotal": "0", "ends_at": None},
    "advocate_reward": {"kind": "discount_code", "amount": "10", "expires_days": 90},
    "hold": {"mode": "days", "days": DEFAULT_HOLD_DAYS},
    "max_rewards_per_advocate": 10,
    "refund_after_issue": "reverse",
    "velocity": {"window_days": 7, "max_orders_per_network": 3, "max_orders_per_address": 2},
}


# Scopes each feature needs; write_X grants read_X too, as Shopify's scopes do.
DISCOUNT_SCOPES = ("write_discounts",)
STORE_CREDIT_SCOPES = ("read_store_credit_accounts", "write_store_credit_account_transactions")


class SettingsError(ValueError):
    """Invalid settings: `errors` maps a dotted field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def merged(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The defaults overlaid with what the shop stored (one level deep for the groups)."""
    result = copy.deepcopy(DEFAULTS)
    for key, value in (stored or {}).items():
        if isinstance(result.get(key), dict) and isinstance(value, dict):
            result[key].update(value)
        elif key in result:
            result[key] = value
    return result


def load(shop_settings: dict[str, Any] | None) -> dict[str, Any]:
    return merged((shop_settings or {}).get("referrals"))


def _money(errors: dict[str, str], field: str, raw: Any, minimum: Decimal = Decimal("0")) -> str:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors[field] = "must be a number"
        return "0"
    if not value.is_finite() or value < minimum:
        errors[field] = f"must be at least {minimum}"
    return str(value)


def _int(errors: dict[str, str], field: str, raw: Any, low: int, high: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        errors[field] = f"must be a whole number from {low} to {high}"
        return low
    return raw


def _choice(errors: dict[str, str], field: str, raw: Any, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        errors[field] = f"must be one of {', '.join(choices)}"
    return str(raw)


def granted(scopes: str | Collection[str]) -> set[str]:
    """The shop's granted scopes ("a,b" as stored, or a collection), with the reads writes imply."""
    names = {s.strip() for s in (scopes.split(",") if isinstance(scopes, str) else scopes) if s.strip()}
    return names | {"read_" + n.removeprefix("write_") for n in names if n.startswith("write_")}


def missing_scopes(settings: dict[str, Any], scopes: str | Collection[str]) -> dict[str, str]:
    """Fields the shop's granted scopes cannot carry out, with what is missing."""
    have = granted(scopes)
    errors: dict[str, str] = {}
    reward_kind = settings["advocate_reward"]["kind"]
    if reward_kind == "store_credit":
        lacking = [s for s in STORE_CREDIT_SCOPES if s not in have]
        if lacking:
            errors["advocate_reward.kind"] = (
                f"store credit needs the {', '.join(lacking)} access scope(s), which this shop has "
                "not granted; choose a discount code reward or update the app's access"
            )
    lacking = [s for s in DISCOUNT_SCOPES if s not in have]
    if lacking and settings["enabled"]:
        errors["enabled"] = (
            f"referral codes are Shopify discount codes and need the {', '.join(lacking)} access "
            "scope, which this shop has not granted"
        )
    return errors


def validate(candidate: dict[str, Any], scopes: str | Collection[str] | None = None) -> dict[str, Any]:
    """The full settings document to store; SettingsError listing every invalid field. With the
    shop's granted `scopes`, settings those scopes cannot carry out are invalid too."""
    if not isinstance(candidate, dict):
        raise SettingsError({"": "expected a JSON object"})
    unknown = set(candidate) - set(DEFAULTS)
    errors: dict[str, str] = {name: "unknown setting" for name in sorted(unknown)}
    for group in ("friend_offer", "advocate_reward", "hold", "velocity"):
        if group in candidate and not isinstance(candidate[group], dict):
            errors[group] = "must be an object"
    if errors:
        raise SettingsError(errors)
    s = merged(candidate)
    if not isinstance(s["enabled"], bool):
        errors["enabled"] = "must be true or false"
    offer, reward, hold, velocity = s["friend_offer"], s["advocate_reward"], s["hold"], s["velocity"]
    offer["kind"] = _choice(errors, "friend_offer.kind", offer.get("kind"), ("percentage", "fixed_amount"))
    offer["value"] = _money(errors, "friend_offer.value", offer.get("value"), Decimal("0.01"))
    if offer["kind"] == "percentage" and "friend_offer.value" not in errors and Decimal(offer["value"]) > 100:
        errors["friend_offer.value"] = "a percentage must be at most 100"
    offer["min_subtotal"] = _money(errors, "friend_offer.min_subtotal", offer.get("min_subtotal", "0"))
    if offer.get("ends_at") is not None:
        try:
            ends = datetime.fromisoformat(str(offer["ends_at"]).replace("Z", "+00:00"))
            if ends.tzinfo is None:
                raise ValueError
        except ValueError:
            errors["friend_offer.ends_at"] = "must be an ISO-8601 time with a zone, or null"
    reward["kind"] = _choice(
        errors, "advocate_reward.kind", reward.get("kind"), ("discount_code", "store_credit")
    )
    reward["amount"] = _money(errors, "advocate_reward.amount", reward.get("amount"), Decimal("0.01"))
    if reward.get("expires_days") is not None:
        reward["expires_days"] = _int(errors, "advocate_reward.expires_days", reward["expires_days"], 1, 3650)
    hold["mode"] = _choice(errors, "hold.mode", hold.get("mode"), ("days", "fulfilled"))
    hold["days"] = _int(errors, "hold.days", hold.get("days"), 0, 365)
    s["max_rewards_per_advocate"] = _int(
        errors, "max_rewards_per_advocate", s["max_rewards_per_advocate"], 1, 10_000
    )
    s["refund_after_issue"] = _choice(
        errors, "refund_after_issue", s["refund_after_issue"], ("reverse", "flag")
    )
    velocity["window_days"] = _int(errors, "velocity.window_days", velocity.get("window_days"), 1, 365)
    velocity["max_orders_per_network"] = _int(
        errors, "velocity.max_orders_per_network", velocity.get("max_orders_per_network"), 1, 1000
    )
    velocity["max_orders_per_address"] = _int(
        errors, "velocity.max_orders_per_address", velocity.get("max_orders_per_address"), 1, 1000
    )
    if not errors and scopes is not None:
        errors.update(missing_scopes(s, scopes))
    if errors:
        raise SettingsError(errors)
    return s


def hold_policy(settings: dict[str, Any]) -> HoldPolicy:
    return HoldPolicy(mode=settings["hold"]["mode"], days=int(settings["hold"]["days"]))


def fraud_settings(settings: dict[str, Any], shop_country: str | None) -> FraudSettings:
    velocity = settings["velocity"]
    return FraudSettings(
        shop_country=shop_country,
        velocity_window=timedelta(days=int(velocity["window_days"])),
        max_orders_per_network=int(velocity["max_orders_per_network"]),
        max_orders_per_address=int(velocity["max_orders_per_address"]),
        min_subtotal=Decimal(str(settings["friend_offer"]["min_subtotal"])),
    )
