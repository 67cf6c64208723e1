"""Which advocate referred an order: the referral code among the order's discount codes, or
the referral the link recorded (a cart attribute set by the app proxy, or the landing page)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from app.referrals.codes import normalise_code

# Cart/note attribute the referral link sets when it lands the friend on the store.
CART_ATTRIBUTE = "orbit_referral"
LINK_PATH = re.compile(r"/apps/orbit/r/([A-Za-z0-9-]+)")
QUERY_KEYS = ("orbit_ref", "ref")


@dataclass(frozen=True)
class OrderSignals:
    discount_codes: Sequence[str] = ()
    note_attributes: Sequence[tuple[str, str]] = ()
    landing_site: str | None = None


@dataclass(frozen=True)
class Attribution:
    code: str
    advocate_id: int
    via: Literal["discount_code", "cart_attribute", "landing_page"]


def _landing_codes(landing_site: str | None) -> list[str]:
    if not landing_site:
        return []
    parts = urlsplit(landing_site)
    codes = [match.group(1) for match in LINK_PATH.finditer(parts.path)]
    query = parse_qs(parts.query)
    codes += [value for key in QUERY_KEYS for value in query.get(key, [])]
    return codes


def attribute(order: OrderSignals, advocates_by_code: Mapping[str, int]) -> Attribution | None:
    """The first known referral code, in order of strength; codes are matched case-insensitively.

    `advocates_by_code` maps upper-case codes to advocate customer ids. A code the shop never
    issued (another promotion, a typo) attributes nothing.
    """
    candidates: list[tuple[str, str]] = [("discount_code", c) for c in order.discount_codes]
    candidates += [("cart_attribute", v) for k, v in order.note_attributes if k == CART_ATTRIBUTE]
    candidates += [("landing_page", c) for c in _landing_codes(order.landing_site)]
    for via, raw in candidates:
        code = normalise_code(raw)
        if code and code in advocates_by_code:
            return Attribution(code=code, advocate_id=advocates_by_code[code], via=via)  # type: ignore[arg-type]
    return None
