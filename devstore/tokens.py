"""Session tokens (App Bridge ID tokens) and the access, refresh and authorization-code grants.

Session tokens are HS256 JWTs signed with the app's client secret, carrying the claims Shopify
puts in them (PLATFORM 2.1). `Credentials` holds every grant the devstore has issued, in memory,
and applies Shopify's rules: expiring offline tokens come with a refresh token that rotates on
every use, and since 2026-08 the previous refresh token stays valid until the access token it
produced is first used (so an app that lost the refresh response can retry).
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import jwt

SESSION_TOKEN_LEEWAY = 10  # seconds; App Bridge often sends a slightly future `nbf`
AUTHORIZATION_CODE_TTL = 600


def mint_session_token(
    client_id: str,
    client_secret: str,
    shop_domain: str,
    user_id: int | str = 1,
    ttl: int = 60,
    now: float | None = None,
    **overrides: Any,
) -> str:
    """A session token as App Bridge would hand it to the app. An override of None drops a claim."""
    issued_at = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": f"https://{shop_domain}/admin",
        "dest": f"https://{shop_domain}",
        "aud": client_id,
        "sub": str(user_id),
        "exp": issued_at + ttl,
        "nbf": issued_at,
        "iat": issued_at,
        "jti": str(uuid.uuid4()),
        "sid": secrets.token_hex(16),
    }
    for claim, value in overrides.items():
        if value is None:
            claims.pop(claim, None)
        else:
            claims[claim] = value
    return jwt.encode(claims, client_secret, algorithm="HS256")


class InvalidSessionToken(Exception):
    """The subject token of a token exchange is not a valid session token for this shop."""


def verify_session_token(
    token: str, client_id: str, client_secrets: tuple[str, ...], shop_domain: str
) -> dict:
    """The token's claims if any of the app's secrets signed it and it is meant for this shop."""
    claims: dict | None = None
    failure: Exception = InvalidSessionToken("no client secret configured")
    for secret in client_secrets:
        try:
            claims = jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                audience=client_id,
                leeway=SESSION_TOKEN_LEEWAY,
                options={"require": ["aud", "dest", "exp", "nbf", "sub"]},
            )
            break
        except jwt.InvalidSignatureError as exc:
            failure = exc  # perhaps signed with the other secret
        except jwt.PyJWTError as exc:
            raise InvalidSessionToken(str(exc)) from exc
    if claims is None:
        raise InvalidSessionToken(str(failure))
    dest_host = urlsplit(str(claims["dest"])).hostname or ""
    if dest_host.lower() != shop_domain:
        raise InvalidSessionToken(f"token is for {dest_host!r}, not {shop_domain!r}")
    return claims


class InvalidGrant(Exception):
    """A refresh token or authorization code that is unknown, expired, used or for another shop."""


@dataclass
class RefreshToken:
    value: str
    shop: str
    scopes: tuple[str, ...]
    expires_at: float
    revoked: bool = False


@dataclass
class AccessToken:
    value: str
    shop: str
    scopes: tuple[str, ...]
    online: bool
    issued_at: float
    expires_at: float | None  # None: a non-expiring offline token
    user: dict | None = None
    revoked: bool = False
    used: bool = False
    # Refresh tokens that stay valid only until this token is first used (2026-08 rule).
    retires_on_first_use: list[RefreshToken] = field(default_factory=list)


@dataclass
class Grant:
    """What one successful token request produced."""

    access: AccessToken
    refresh: RefreshToken | None = None


@dataclass
class AuthorizationCode:
    shop: str
    scopes: tuple[str, ...]
    online: bool
    expires_at: float
    user_id: int


class Credentials:
    """Installations and every token the devstore has issued, for the one app it knows."""

    def __init__(
        self,
        default_scopes: tuple[str, ...],
        access_token_ttl: int,
        refresh_token_ttl: int,
        online_token_ttl: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.default_scopes = default_scopes
        self.access_token_ttl = access_token_ttl
        self.refresh_token_ttl = refresh_token_ttl
        self.online_token_ttl = online_token_ttl
        self.clock = clock
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._codes: dict[str, AuthorizationCode] = {}
        # Every shop counts as having the app installed (as a dev store that installed it)
        # until it is uninstalled; `install` (or the authorize page) puts it back.
        self._uninstalled: set[str] = set()
        self._scopes: dict[str, tuple[str, ...]] = {}
        self._lock = threading.RLock()

    # Installation -------------------------------------------------------------------------

    def is_installed(self, shop: str) -> bool:
        return shop not in self._uninstalled

    def granted_scopes(self, shop: str) -> tuple[str, ...]:
        return self._scopes.get(shop, self.default_scopes)

    def install(self, shop: str, scopes: tuple[str, ...] | None = None) -> None:
        with self._lock:
            self._uninstalled.discard(shop)
            if scopes:
                self._scopes[shop] = scopes

    def uninstall(self, shop: str) -> None:
        """Shopify revokes every token of the app on that shop when the merchant uninstalls."""
        with self._lock:
            self._uninstalled.add(shop)
            self._scopes.pop(shop, None)
            for token in [*self._access.values(), *self._refresh.values()]:
                if token.shop == shop:
                    token.revoked = True
            self._codes = {k: c for k, c in self._codes.items() if c.shop != shop}

    # Issuing ------------------------------------------------------------------------------

    def issue_offline(self, shop: str, expiring: bool) -> Grant:
        with self._lock:
            scopes = self.granted_scopes(shop)
            if not expiring:
                return Grant(self._new_access(shop, scopes, online=False, ttl=None))
            access = self._new_access(shop, scopes, online=False, ttl=self.access_token_ttl)
            return Grant(access, self._new_refresh(shop, scopes))

    def issue_online(self, shop: str, user: dict) -> Grant:
        with self._lock:
            scopes = self.granted_scopes(shop)
            access = self._new_access(shop, scopes, online=True, ttl=self.online_token_ttl)
            access.user = user
            return Grant(access)

    def refresh(self, shop: str, refresh_value: str) -> Grant:
        """Rotate: a new access token and a new refresh token; the old one retires lazily."""
        with self._lock:
            old = self._refresh.get(refresh_value)
            if old is None or old.revoked or old.shop != shop or old.expires_at <= self.clock():
                raise InvalidGrant("refresh token is invalid, expired or revoked")
            access = self._new_access(shop, old.scopes, online=False, ttl=self.access_token_ttl)
            access.retires_on_first_use.append(old)
            return Grant(access, self._new_refresh(shop, old.scopes))

    def migrate_to_expiring(self, shop: str, offline_value: str) -> Grant:
        """Exchange a non-expiring offline token for an expiring pair, revoking the old token."""
        with self._lock:
            old = self._access.get(offline_value)
            if old is None or old.revoked or old.shop != shop or old.online or old.expires_at:
                raise InvalidGrant("subject token is not a non-expiring offline token")
            old.revoked = True
            return self.issue_offline(shop, expiring=True)

    def create_code(self, shop: str, scopes: tuple[str, ...], online: bool, user_id: int) -> str:
        code = secrets.token_hex(16)
        with self._lock:
            expires_at = self.clock() + AUTHORIZATION_CODE_TTL
            self._codes[code] = AuthorizationCode(shop, scopes, online, expires_at, user_id)
        return code

    def redeem_code(self, shop: str, code: str) -> AuthorizationCode:
        """Codes are single-use, short-lived and bound to the shop that issued them."""
        with self._lock:
            grant = self._codes.pop(code, None)
            if grant is None or grant.shop != shop or grant.expires_at <= self.clock():
                raise InvalidGrant("authorization code is invalid, expired or already used")
            return grant

    # Using --------------------------------------------------------------------------------

    def authenticate(self, shop: str, value: str | None) -> AccessToken | None:
        """The live access token for this shop, or None (missing, unknown, expired, revoked)."""
        if not value:
            return None
        with self._lock:
            token = self._access.get(value)
            if token is None or token.revoked or token.shop != shop:
                return None
            if token.expires_at is not None and token.expires_at <= self.clock():
                return None
            if not token.used:
                token.used = True
                for predecessor in token.retires_on_first_use:
                    predecessor.revoked = True
                token.retires_on_first_use.clear()
            return token

    def expire(self, shop: str, value: str | None = None) -> int:
        """End access tokens now (one, or all of the shop's), as if their time had run out."""
        with self._lock:
            now = self.clock()
            expired = 0
            for token in self._access.values():
                if token.shop == shop and (value is None or token.value == value) and not token.revoked:
                    token.expires_at = min(token.expires_at or now, now)
                    expired += 1
            return expired

    def summary(self, shop: str) -> dict[str, Any]:
        now = self.clock()
        with self._lock:
            access = [t for t in self._access.values() if t.shop == shop]
            refresh = [t for t in self._refresh.values() if t.shop == shop]
            live_access = [
                t for t in access if not t.revoked and (t.expires_at is None or t.expires_at > now)
            ]
            live_refresh = [t for t in refresh if not t.revoked and t.expires_at > now]
            return {
                "shop": shop,
                "installed": self.is_installed(shop),
                "scopes": list(self.granted_scopes(shop)),
                "access_tokens": {"issued": len(access), "active": len(live_access)},
                "refresh_tokens": {"issued": len(refresh), "active": len(live_refresh)},
            }

    # Internals ----------------------------------------------------------------------------

    def _new_access(self, shop: str, scopes: tuple[str, ...], online: bool, ttl: int | None) -> AccessToken:
        prefix = "shpua_" if online else "shpat_"
        now = self.clock()
        token = AccessToken(
            value=prefix + secrets.token_hex(16),
            shop=shop,
            scopes=scopes,
            online=online,
            issued_at=now,
            expires_at=None if ttl is None else now + ttl,
        )
        self._access[token.value] = token
        return token

    def _new_refresh(self, shop: str, scopes: tuple[str, ...]) -> RefreshToken:
        token = RefreshToken(
            value="shprt_" + secrets.token_hex(24),
            shop=shop,
            scopes=scopes,
            expires_at=self.clock() + self.refresh_token_ttl,
        )
        self._refresh[token.value] = token
        return token
