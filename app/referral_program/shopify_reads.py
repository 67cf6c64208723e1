"""What the fraud checks read from Shopify at attribution time. Orbit's mirror keeps no
addresses or phone numbers (personal data stays in `customers`, and only the default address's
area), so a referred order's buyer and the advocate are read when the referral is checked, and
the shop's country once per run (phone numbers written without a country code are read in it)."""

from __future__ import annotations

from typing import Any

from app.referrals.fraud import Person
from app.referrals.identity import Address
from app.shopify.client import AdminClient

ADDRESS_FIELDS = "address1 address2 city zip countryCodeV2"

REFERRED_ORDER = f"""
query OrbitReferredOrder($id: ID!) {{
  order(id: $id) {{
    id
    email
    phone
    clientIp
    shippingAddress {{ {ADDRESS_FIELDS} }}
    billingAddress {{ {ADDRESS_FIELDS} }}
    customer {{ id email phone }}
  }}
}}
"""

ADVOCATE_CUSTOMER = f"""
query OrbitAdvocateCustomer($id: ID!) {{
  customer(id: $id) {{
    id
    email
    phone
    addresses(first: 10) {{ {ADDRESS_FIELDS} }}
  }}
}}
"""


SHOP_COUNTRY = """
query OrbitShopCountry {
  shop { billingAddress { countryCodeV2 } }
}
"""


def shop_country(client: AdminClient) -> str | None:
    """The shop's country (its billing address), how locally written phone numbers are read."""
    data = client.execute(SHOP_COUNTRY, {}, operation_name="OrbitShopCountry")
    return ((data.get("shop") or {}).get("billingAddress") or {}).get("countryCodeV2")


def _address(raw: dict[str, Any] | None) -> Address | None:
    if not raw:
        return None
    return Address(
        raw.get("address1"), raw.get("address2"), raw.get("city"), raw.get("zip"), raw.get("countryCodeV2")
    )


def friend_of_order(client: AdminClient, order_shopify_id: int, customer_id: int | None) -> Person:
    data = client.execute(
        REFERRED_ORDER, {"id": f"gid://shopify/Order/{order_shopify_id}"}, operation_name="OrbitReferredOrder"
    )
    order = data.get("order") or {}
    customer = order.get("customer") or {}
    addresses = tuple(
        a for a in (_address(order.get("shippingAddress")), _address(order.get("billingAddress"))) if a
    )
    return Person(
        customer_id=customer_id,
        email=order.get("email") or customer.get("email"),
        phone=order.get("phone") or customer.get("phone"),
        addresses=tuple(dict.fromkeys(addresses)),
        browser_ip=order.get("clientIp"),
    )


def advocate_person(client: AdminClient, customer_id: int, browser_ip: str | None) -> Person:
    data = client.execute(
        ADVOCATE_CUSTOMER,
        {"id": f"gid://shopify/Customer/{customer_id}"},
        operation_name="OrbitAdvocateCustomer",
    )
    customer = data.get("customer") or {}
    addresses = tuple(a for a in map(_address, customer.get("addresses") or []) if a)
    return Person(
        customer_id=customer_id,
        email=customer.get("email"),
        phone=customer.get("phone"),
        addresses=addresses,
        browser_ip=browser_ip,
    )
