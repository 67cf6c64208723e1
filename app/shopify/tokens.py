"""Offline access tokens: obtained by token exchange (or the authorization code), kept
encrypted, refreshed before expiry from web or worker alike, revoked on uninstall."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from shopify_app.types import IdTokenDetails, TokenExchangeAccessToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import crypto
from app.models import Shop, utcnow
from app.shopify import clients

log = logging.getLogger(__name__)


class TokenError(Exception):
    """Shopify refused to issue or refresh a token; `code` is shopifyapp's log code."""

    def __init__(self, code: str, detail: str, status: int = 401) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.status = status


class ShopNotInstalled(TokenError):
    def __init__(self, domain: str) -> None:
        super().__init__("not_installed", f"{domain} has no active installation", 401)


def shop_domain(shop_name: str) -> str:
    """shopifyapp reports shops without the suffix; Orbit keys them by full domain."""
    return shop_name if shop_name.endswith(".myshopify.com") else f"{shop_name}.myshopify.com"


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def find_shop(session: Session, domain: str, *, for_update: bool = False) -> Shop | None:
    statement = select(Shop).where(Shop.domain == domain)
    if for_update:
        # Serialises concurrent refreshes on PostgreSQL; SQLite serialises writers anyway.
        statement = statement.with_for_update()
    return session.scalars(statement).first()


def save_offline_token(session: Session, token: TokenExchangeAccessToken, *, new_grant: bool) -> Shop:
    """Store an offline token: a new grant (install, reinstall) or a refresh of the current one."""
    domain = shop_domain(token.shop)
    shop = find_shop(session, domain, for_update=True)
    if shop is None:
        shop = Shop(domain=domain, settings={})
        session.add(shop)
    if new_grant or shop.installed_at is None:
        # Marks the start of this installation: an app/uninstalled older than it is stale.
        shop.installed_at = utcnow()
    shop.state = "installed"
    shop.uninstalled_at = None
    shop.access_token_enc = crypto.encrypt(token.token)
    shop.access_token_expires_at = _parse_iso(token.expires)
    shop.refresh_token_enc = crypto.encrypt(token.refresh_token) if token.refresh_token else None
    shop.refresh_token_expires_at = _parse_iso(token.refresh_token_expires)
    shop.scopes = token.scope or ""
    session.flush()
    if new_grant:
        from jobs.backfill import backfill_on_install  # a new installation starts its backfill
        from jobs.recommendations import definitions_on_install  # and creates its metafield definitions

        backfill_on_install(shop)
        definitions_on_install(session, shop)
    return shop


def install_from_id_token(session: Session, id_token: IdTokenDetails) -> Shop:
    """Token exchange: the embedded load's id token buys an expiring offline token."""
    with clients.http_client() as http:
        result = clients.shopify_app().exchange_using_token_exchange(
            "offline", id_token=id_token, expiring=True, http_client=http
        )
    if not result.ok or result.access_token is None:
        raise TokenError(result.log.code, result.log.detail, result.response.status or 401)
    shop = save_offline_token(session, result.access_token, new_grant=True)
    log.info("installed via token exchange: %s", shop.domain)
    return shop


def offline_access_token(session: Session, domain: str, *, force_refresh: bool = False) -> str:
    """A usable access token for background work, refreshed first when it is about to expire."""
    shop = find_shop(session, domain)
    if shop is None or not shop.is_installed:
        raise ShopNotInstalled(domain)
    margin = timedelta(seconds=60)  # shopifyapp refreshes within 60 s of expiry, not earlier
    expires_at = shop.access_token_expires_at
    needs_refresh = expires_at is not None and (force_refresh or expires_at <= utcnow() + margin)
    if not needs_refresh:
        return crypto.decrypt(shop.access_token_enc)
    return refresh_offline_token(session, domain, force=force_refresh)


def refresh_offline_token(session: Session, domain: str, *, force: bool = False) -> str:
    shop = find_shop(session, domain, for_update=True)
    if shop is None or not shop.is_installed or shop.refresh_token_enc is None:
        raise ShopNotInstalled(domain)
    expires = shop.access_token_expires_at
    if force:
        # The API already refused the token (401): tell the library it is spent.
        expires = utcnow() - timedelta(seconds=1)
    current = TokenExchangeAccessToken(
        shop=domain.removesuffix(".myshopify.com"),
        token=crypto.decrypt(shop.access_token_enc),
        expires=_iso(expires),
        scope=shop.scopes,
        access_mode="offline",
        refresh_token=crypto.decrypt(shop.refresh_token_enc),
        refresh_token_expires=_iso(shop.refresh_token_expires_at),
        user=None,
    )
    with clients.http_client() as http:
        result = clients.shopify_app().refresh_token_exchanged_access_token(current, http_client=http)
    if not result.ok:
        raise TokenError(result.log.code, result.log.detail, result.response.status or 401)
    if result.access_token is None:  # another process refreshed it a moment ago
        return current.token
    save_offline_token(session, result.access_token, new_grant=False)
    log.info("refreshed offline token: %s", domain)
    return result.access_token.token


def revoke(session: Session, domain: str) -> Shop | None:
    """Forget the shop's tokens and mark it uninstalled; safe to repeat."""
    shop = find_shop(session, domain, for_update=True)
    if shop is None:
        return None
    shop.access_token_enc = None
    shop.refresh_token_enc = None
    shop.access_token_expires_at = None
    shop.refresh_token_expires_at = None
    if shop.state != "uninstalled":
        shop.state = "uninstalled"
        shop.uninstalled_at = utcnow()
    session.flush()
    return shop
