"""How values are written in Shopify's bodies: UTC timestamps, money strings, global ids, handles."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from devstore.store import Record

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def iso(moment: datetime) -> str:
    """Same form as devstore.store.now_iso: UTC, seconds, 'Z' (every moment here is UTC)."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


@functools.lru_cache(maxsize=4096)  # a store's amounts repeat a lot; formatting them is hot
def money(amount: Decimal) -> str:
    return str(amount.quantize(CENT, ROUND_HALF_UP))


def money_set(amount: Decimal, currency: str) -> Record:
    value = money(amount)
    return {
        "shop_money": {"amount": value, "currency_code": currency},
        "presentment_money": {"amount": value, "currency_code": currency},
    }


def nested_gid(type_name: str, record_id: int) -> str:
    """Global id of a record that lives inside another one (line items, refunds, variants)."""
    return f"gid://shopify/{type_name}/{record_id}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
