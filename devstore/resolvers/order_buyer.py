"""Order fields about the buyer that the referral fraud checks read: the shipping and billing
addresses (REST-shaped dicts, resolved by the MailingAddress fields; clientIp is in pipeline_fields)."""

from __future__ import annotations

TYPES = {
    "Order": {
        "shippingAddress": lambda o, info: o.get("shipping_address"),
        "billingAddress": lambda o, info: o.get("billing_address"),
    }
}
