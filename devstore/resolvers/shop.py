"""Shop and the app's own installation (`currentAppInstallation`)."""

from __future__ import annotations

import hashlib

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import graphql_datetime, shopify_gid
from devstore.store import Shop

Info = GraphQLResolveInfo

# REST plan_name -> the admin's display name.
PLAN_NAMES = {
    "basic": "Basic",
    "shopify": "Shopify",
    "professional": "Shopify",
    "advanced": "Advanced",
    "unlimited": "Advanced",
    "shopify_plus": "Shopify Plus",
    "plus": "Shopify Plus",
    "enterprise": "Shopify Plus",
    "partner_test": "Development",
    "affiliate": "Development",
    "staff": "Staff",
}


def shop_plan(shop: Shop) -> dict:
    name = PLAN_NAMES.get(shop.plan_name, shop.plan_name.replace("_", " ").title())
    return {
        "displayName": name,
        "publicDisplayName": name,
        "shopifyPlus": shop.plan_name in ("shopify_plus", "plus", "enterprise"),
        "partnerDevelopment": shop.plan_name in ("partner_test", "affiliate"),
    }


def primary_domain(shop: Shop) -> dict:
    return {
        "id": shopify_gid("Domain", shop.id),
        "host": shop.domain,
        "url": f"https://{shop.domain}",
        "sslEnabled": True,
    }


def billing_address(shop: Shop) -> dict:
    """The shop's billing address: only its country is modelled."""
    return {
        "id": shopify_gid("ShopAddress", shop.id),
        "countryCodeV2": shop.country_code,
        "countryCode": shop.country_code,
        "coordinatesValidated": False,
        "formatted": [shop.country_code],
        "formattedArea": shop.country_code,
    }


SHOP_FIELDS = {
    "id": lambda s, info: shopify_gid("Shop", s.id),
    "name": lambda s, info: s.name,
    "email": lambda s, info: s.email,
    "contactEmail": lambda s, info: s.email,
    "myshopifyDomain": lambda s, info: s.domain,
    "url": lambda s, info: f"https://{s.domain}",
    "primaryDomain": lambda s, info: primary_domain(s),
    "currencyCode": lambda s, info: s.currency,
    "ianaTimezone": lambda s, info: s.iana_timezone,
    "plan": lambda s, info: shop_plan(s),
    "billingAddress": lambda s, info: billing_address(s),
    "createdAt": lambda s, info: graphql_datetime(s.created_at),
    "updatedAt": lambda s, info: graphql_datetime(s.created_at),
    "taxesIncluded": lambda s, info: False,
    "setupRequired": lambda s, info: False,
    "checkoutApiSupported": lambda s, info: True,
    "transactionalSmsDisabled": lambda s, info: False,
    "marketingSmsConsentEnabledAtCheckout": lambda s, info: False,
    "weightUnit": lambda s, info: "KILOGRAMS",
    "metafield": lambda s, info, **args: None,
}


def app_installation(info: Info) -> dict:
    context = info.context
    app = {
        "id": shopify_gid("App", int(hashlib.sha256(context.client_id.encode()).hexdigest()[:8], 16)),
        "apiKey": context.client_id,
        "title": "Orbit CRM",
        "handle": "orbit-crm",
        "embedded": True,
        "developerName": "Orbit",
    }
    return {
        "id": shopify_gid("AppInstallation", context.shop.id),
        "accessScopes": [{"handle": s, "description": s.replace("_", " ")} for s in context.scopes],
        "app": app,
        "launchUrl": f"https://{context.shop.domain}/admin/apps/orbit-crm",
        "uninstallUrl": None,
        "activeSubscriptions": [],
    }


TYPES = {"Shop": SHOP_FIELDS}
