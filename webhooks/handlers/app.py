"""app/uninstalled and app/scopes_update."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import Shop, WebhookDelivery
from app.shopify import tokens
from webhooks.handlers import PROCESSED, Outcome, ignored


def apply(session: Session, shop: Shop, delivery: WebhookDelivery, payload: dict[str, Any]) -> Outcome:
    if delivery.topic == "app/uninstalled":
        return _uninstalled(session, shop, delivery)
    if delivery.topic == "app/scopes_update":
        current = payload.get("current")
        if not isinstance(current, list):
            return ignored("payload has no current scope list")
        shop.scopes = ",".join(str(scope) for scope in current)
        return PROCESSED
    return ignored(f"no handler for {delivery.topic}")


def _uninstalled(session: Session, shop: Shop, delivery: WebhookDelivery) -> Outcome:
    happened_at = delivery.triggered_at or delivery.received_at
    if shop.installed_at is not None and happened_at < shop.installed_at:
        # Shopify repeats this webhook and may deliver it late: an uninstall older than the
        # current installation must not revoke the reinstall's fresh token.
        return ignored("uninstall predates the current installation")
    tokens.revoke(session, shop.domain)
    return PROCESSED
