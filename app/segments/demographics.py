"""Age and gender from what a shop keeps, plus the normalised tag text segments match on.

Shopify has no age or gender fields. Orbit reads them from the customer's tags by prefix:
`gender:male`, `age:25-34`, `age:55+`, `age:41` (the devstore's sign-up quiz writes the first
three kinds). A shop changes the prefixes in settings["analytics"]["gender_tag_prefix"] and
["age_tag_prefix"]. An age band counts as its midpoint (25-34 -> 29.5; an open band "55+" as
its lower bound + 5), so `age BETWEEN 25 AND 50` takes the bands 25-34, 35-44 and 45-54.
Birth dates or genders kept in customer metafields are not read yet: Orbit does not mirror
customer metafields (the mirror would add a column here and nothing else).
Pure: no I/O imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

DEFAULT_GENDER_PREFIX = "gender:"
DEFAULT_AGE_PREFIX = "age:"
OPEN_BAND_MIDPOINT_OFFSET = 5.0
_BAND = re.compile(r"^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})|(\+))?\s*$")


def prefixes(settings: Mapping[str, Any]) -> tuple[str, str]:
    analytics = settings.get("analytics") or {}
    gender = str(analytics.get("gender_tag_prefix") or DEFAULT_GENDER_PREFIX).lower()
    age = str(analytics.get("age_tag_prefix") or DEFAULT_AGE_PREFIX).lower()
    return gender, age


def tags_text(tags: Iterable[Any]) -> str:
    """ "|a|b|": lower-cased, so CONTAINS 'A' is LIKE '%|a|%' (Shopify tags are case-insensitive)."""
    cleaned = [str(tag).strip().lower().replace("|", "/") for tag in tags if str(tag).strip()]
    return "|" + "".join(tag + "|" for tag in cleaned)


def age_from_text(value: str) -> float | None:
    match = _BAND.match(value)
    if match is None:
        return None
    low = float(match.group(1))
    if match.group(2) is not None:
        high = float(match.group(2))
        return (low + high) / 2 if high >= low else None
    return low + OPEN_BAND_MIDPOINT_OFFSET if match.group(3) else low


def gender_and_age(
    tags: Iterable[Any], gender_prefix: str, age_prefix: str
) -> tuple[str | None, float | None]:
    gender: str | None = None
    age: float | None = None
    for tag in tags:
        text = str(tag).strip().lower()
        if gender is None and text.startswith(gender_prefix):
            gender = text[len(gender_prefix) :].strip() or None
        elif age is None and text.startswith(age_prefix):
            age = age_from_text(text[len(age_prefix) :])
    return gender, age
