"""Readable referral codes such as ANNA-7K2Q: the advocate's first name and four characters
from an alphabet without look-alikes, so a code read aloud or copied by hand still works."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Collection

# Crockford's base32 without 0/O, 1/I/L and U: nothing a customer can misread or mistype.
SUFFIX_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
SUFFIX_LENGTH = 4
NAME_LENGTH = 8
FALLBACK_NAME = "FRIEND"
MAX_ATTEMPTS = 1000


class CodeSpaceExhausted(RuntimeError):
    """No free code after MAX_ATTEMPTS draws: the name prefix is saturated."""


def name_part(first_name: str | None) -> str:
    """ASCII capitals of the first name ('Zoë' -> 'ZOE'), at most 8, or FRIEND."""
    folded = unicodedata.normalize("NFKD", first_name or "").encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in folded.upper() if "A" <= ch <= "Z")
    return letters[:NAME_LENGTH] or FALLBACK_NAME


def referral_code(first_name: str | None, rng: random.Random) -> str:
    suffix = "".join(rng.choice(SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))
    return f"{name_part(first_name)}-{suffix}"


def unique_referral_code(first_name: str | None, taken: Collection[str], rng: random.Random) -> str:
    """A code not in `taken` (compared case-insensitively, as Shopify compares discount codes)."""
    taken_upper = {code.upper() for code in taken}
    for _ in range(MAX_ATTEMPTS):
        code = referral_code(first_name, rng)
        if code not in taken_upper:
            return code
    raise CodeSpaceExhausted(f"no free referral code for {name_part(first_name)!r}")


def normalise_code(raw: str | None) -> str | None:
    """How a code typed at checkout is matched: trimmed and upper-case; None when empty."""
    code = (raw or "").strip().upper()
    return code or None
