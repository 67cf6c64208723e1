"""Identity normalisation for fraud checks: two spellings of one email, phone, address or
network must compare equal, and two different people must not.

- Email: case-folded; dots dropped where the provider ignores them (Gmail); `+tag` dropped
  where the provider delivers tagged mail to the same box.
- Phone: E.164 through libphonenumber, with the shop's country for numbers written locally.
- Address: a key of country, postcode, house number, street (suffixes abbreviated the USPS way)
  and unit. The unit is part of the key on purpose: two flats in one building are two homes.
- IP: IPv4 as is; IPv6 by its /64, which is what one household or office is given.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

DOTS_IGNORED = {"gmail.com", "googlemail.com"}
PLUS_TAGS = DOTS_IGNORED | {
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "fastmail.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "yahoo.com",
}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def normalise_email(raw: str | None) -> str | None:
    if not raw or "@" not in raw:
        return None
    local, _, domain = raw.strip().lower().rpartition("@")
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}" if local and domain else None


def normalise_phone(raw: str | None, default_country: str | None = None) -> str | None:
    """E.164 ('+12125550123'), or None when the text is not a valid number."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, (default_country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def network_of(raw_ip: str | None) -> str | None:
    """The network one customer controls: the IPv4 address, or the IPv6 /64."""
    if not raw_ip:
        return None
    try:
        address = ipaddress.ip_address(raw_ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


STREET_SUFFIXES = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "parkway": "pkwy",
    "highway": "hwy",
    "circle": "cir",
    "way": "way",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}
UNIT_PATTERN = re.compile(
    r"(?:^|\s)(?:(?:apartment|apt|unit|suite|ste|flat|floor|fl|room|rm)\b\.?\s*#?|#)\s*([a-z0-9-]+)\b"
)
HOUSE_NUMBER = re.compile(r"^\s*(\d+[a-z]?)\b")


@dataclass(frozen=True)
class Address:
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    country_code: str | None = None


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9# -]+", " ", folded)


def address_key(address: Address | None) -> str | None:
    """'US|11201|145|atlantic ave|4b' for '145 Atlantic Avenue, Apt. 4B, 11201-1234'; None if too vague."""
    if address is None or not address.address1:
        return None
    line = _plain(f"{address.address1} {address.address2 or ''}")
    unit_match = UNIT_PATTERN.search(line)
    unit = unit_match.group(1) if unit_match else ""
    if unit_match:
        line = line[: unit_match.start()] + " " + line[unit_match.end() :]
    house = HOUSE_NUMBER.match(line)
    if house is None:
        return None
    words = [STREET_SUFFIXES.get(word, word) for word in line[house.end() :].split() if word != "#"]
    postcode = re.sub(r"[^a-z0-9]", "", (address.zip or "").lower())
    country = (address.country_code or "").upper()
    if country == "US":
        postcode = postcode[:5]  # ZIP+4 and plain ZIP are one place
    if not words or not (postcode or address.city):
        return None
    place = postcode or _plain(address.city or "").strip()
    return "|".join([country, place, house.group(1), " ".join(words), unit])
