"""Customer and MailingAddress: REST customer records as the Admin API's types."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import (
    decimal,
    enum_value,
    graphql_datetime,
    money_v2,
    shopify_gid,
    tag_list,
    timestamp,
)
from devstore.resolvers.connections import page, positional_key
from devstore.resolvers.orders import orders_page, search_orders
from devstore.resolvers.search import SearchField
from devstore.store import Record

Info = GraphQLResolveInfo


def display_name(customer: Record) -> str:
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    return name or customer.get("email") or customer.get("phone") or ""


def amount_spent(customer: Record, info: Info) -> dict:
    orders = info.context.orders_of(customer["id"])
    total = sum((decimal(o.get("current_total_price", o.get("total_price"))) for o in orders), Decimal(0))
    return money_v2(total, info.context.shop.currency)


def addresses(customer: Record) -> list[Record]:
    stored = list(customer.get("addresses") or [])
    default = customer.get("default_address")
    if default and all(a.get("id") != default.get("id") for a in stored):
        stored.insert(0, default)
    return stored


def email_consent(customer: Record, info: Info) -> dict | None:
    if not customer.get("email"):
        return None
    consent = customer.get("email_marketing_consent") or {}
    return {
        "marketingState": consent_state(consent.get("state"), "NOT_SUBSCRIBED"),
        "marketingOptInLevel": opt_in_level(consent.get("opt_in_level")),
        "consentUpdatedAt": graphql_datetime(consent.get("consent_updated_at")),
    }


def default_email_address(customer: Record, info: Info) -> dict | None:
    consent = email_consent(customer, info)
    if consent is None:
        return None
    return {
        "emailAddress": customer["email"],
        "marketingState": consent["marketingState"],
        "marketingOptInLevel": consent["marketingOptInLevel"],
        "marketingUpdatedAt": consent["consentUpdatedAt"],
        "validFormat": "@" in customer["email"],
        "marketingUnsubscribeUrl": None,
        "openTrackingLevel": "UNKNOWN",
    }


def sms_consent(customer: Record, info: Info) -> dict | None:
    if not customer.get("phone"):
        return None
    consent = customer.get("sms_marketing_consent") or {}
    return {
        "marketingState": consent_state(consent.get("state"), "NOT_SUBSCRIBED"),
        "marketingOptInLevel": opt_in_level(consent.get("opt_in_level")) or "UNKNOWN",
        "consentUpdatedAt": graphql_datetime(consent.get("consent_updated_at")),
        "consentCollectedFrom": "SHOPIFY"
        if consent.get("consent_collected_from", "").upper() == "SHOPIFY"
        else "OTHER",
    }


def default_phone_number(customer: Record, info: Info) -> dict | None:
    consent = sms_consent(customer, info)
    if consent is None:
        return None
    return {
        "phoneNumber": customer["phone"],
        "marketingState": consent["marketingState"],
        "marketingOptInLevel": consent["marketingOptInLevel"],
        "marketingUpdatedAt": consent["consentUpdatedAt"],
        "marketingCollectedFrom": consent["consentCollectedFrom"],
    }


def consent_state(raw: Any, default: str) -> str:
    return str(raw).upper() if raw else default


def opt_in_level(raw: Any) -> str | None:
    levels = {"SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN"}
    value = str(raw).upper() if raw else None
    return value if value in levels else None


def orders_connection(customer: Record, info: Info, **args: Any) -> dict:
    return orders_page(search_orders(info.context.orders_of(customer["id"]), args.get("query")), args)


CUSTOMER_FIELDS = {
    "id": lambda c, info: c.get("admin_graphql_api_id") or shopify_gid("Customer", c["id"]),
    "legacyResourceId": lambda c, info: str(c["id"]),
    "firstName": lambda c, info: c.get("first_name"),
    "lastName": lambda c, info: c.get("last_name"),
    "displayName": lambda c, info: display_name(c),
    "email": lambda c, info: c.get("email"),
    "phone": lambda c, info: c.get("phone"),
    "note": lambda c, info: c.get("note"),
    "locale": lambda c, info: c.get("locale") or "en",
    "createdAt": lambda c, info: graphql_datetime(c.get("created_at")),
    "updatedAt": lambda c, info: graphql_datetime(c.get("updated_at")),
    "state": lambda c, info: enum_value(info, c.get("state")) or "DISABLED",
    "tags": lambda c, info: tag_list(c.get("tags")),
    "verifiedEmail": lambda c, info: bool(c.get("verified_email")),
    "validEmailAddress": lambda c, info: "@" in (c.get("email") or ""),
    "taxExempt": lambda c, info: bool(c.get("tax_exempt")),
    "taxExemptions": lambda c, info: [],
    "dataSaleOptOut": lambda c, info: False,
    "multipassIdentifier": lambda c, info: c.get("multipass_identifier"),
    "numberOfOrders": lambda c, info: str(len(info.context.orders_of(c["id"]))),
    "amountSpent": amount_spent,
    "canDelete": lambda c, info: not info.context.orders_of(c["id"]),
    "lastOrder": lambda c, info: (info.context.orders_of(c["id"]) or [None])[-1],
    "orders": orders_connection,
    "defaultAddress": lambda c, info: c.get("default_address"),
    "addresses": lambda c, info, first=None: addresses(c)[:first],
    "addressesV2": lambda c, info, **args: page(
        addresses(c), positional_key(addresses(c), lambda a: int(a.get("id") or 0)), args
    ),
    "defaultEmailAddress": default_email_address,
    "emailMarketingConsent": email_consent,
    "smsMarketingConsent": sms_consent,
    "defaultPhoneNumber": default_phone_number,
    "metafield": lambda c, info, **args: None,
    "image": lambda c, info: None,
    "statistics": lambda c, info: {"predictedSpendTier": None, "rfmGroup": None},
}

MAILING_ADDRESS_FIELDS = {
    "id": lambda a, info: shopify_gid("MailingAddress", f"{a.get('id')}?model_name=CustomerAddress"),
    "address1": lambda a, info: a.get("address1"),
    "address2": lambda a, info: a.get("address2"),
    "city": lambda a, info: a.get("city"),
    "company": lambda a, info: a.get("company"),
    "country": lambda a, info: a.get("country_name") or a.get("country"),
    "countryCodeV2": lambda a, info: enum_value(info, a.get("country_code")),
    "countryCode": lambda a, info: enum_value(info, a.get("country_code")),
    "firstName": lambda a, info: a.get("first_name"),
    "lastName": lambda a, info: a.get("last_name"),
    "name": lambda a, info: (
        a.get("name") or " ".join(p for p in (a.get("first_name"), a.get("last_name")) if p)
    ),
    "phone": lambda a, info: a.get("phone"),
    "province": lambda a, info: a.get("province"),
    "provinceCode": lambda a, info: a.get("province_code"),
    "zip": lambda a, info: a.get("zip"),
    "latitude": lambda a, info: a.get("latitude"),
    "longitude": lambda a, info: a.get("longitude"),
    "coordinatesValidated": lambda a, info: a.get("latitude") is not None,
    "timeZone": lambda a, info: None,
    "formattedArea": lambda a, info: (
        ", ".join(
            p for p in (a.get("city"), a.get("province_code"), a.get("country_name") or a.get("country")) if p
        )
        or None
    ),
    "formatted": lambda a, info, withName=False, withCompany=True: [
        line
        for line in (
            a.get("name") if withName else None,
            a.get("company") if withCompany else None,
            a.get("address1"),
            a.get("address2"),
            " ".join(p for p in (a.get("city"), a.get("province_code"), a.get("zip")) if p),
            a.get("country_name") or a.get("country"),
        )
        if line
    ],
}

TYPES = {"Customer": CUSTOMER_FIELDS, "MailingAddress": MAILING_ADDRESS_FIELDS}

CUSTOMER_SORT_KEYS = {
    "ID": lambda c: (c["id"], c["id"]),
    "RELEVANCE": lambda c: (c["id"], c["id"]),
    "CREATED_AT": lambda c: (timestamp(c.get("created_at")), c["id"]),
    "UPDATED_AT": lambda c: (timestamp(c.get("updated_at")), c["id"]),
    "NAME": lambda c: (display_name(c).lower(), c["id"]),
    "LOCATION": lambda c: (
        ((c.get("default_address") or {}).get("country") or "").lower(),
        c["id"],
    ),
}

CUSTOMER_SEARCH_FIELDS = {
    "id": SearchField("number", lambda c: c["id"]),
    "created_at": SearchField("time", lambda c: c.get("created_at")),
    "updated_at": SearchField("time", lambda c: c.get("updated_at")),
    "email": SearchField("text", lambda c: c.get("email")),
    "phone": SearchField("text", lambda c: c.get("phone")),
    "first_name": SearchField("text", lambda c: c.get("first_name")),
    "last_name": SearchField("text", lambda c: c.get("last_name")),
    "state": SearchField("text", lambda c: c.get("state")),
    "tag": SearchField("tags", lambda c: tag_list(c.get("tags"))),
    "country": SearchField("text", lambda c: (c.get("default_address") or {}).get("country")),
    "accepts_marketing": SearchField(
        "bool",
        lambda c: (c.get("email_marketing_consent") or {}).get("state") == "subscribed",
    ),
}


def customer_default_text(customer: Record) -> list[str]:
    return [display_name(customer), customer.get("email") or "", customer.get("phone") or ""]
