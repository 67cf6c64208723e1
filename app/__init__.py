"""Orbit CRM: the Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from app import config as settings
from app import logging_setup


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Defaults, then the environment, then the test overrides (flaskr's order)."""
    overrides = dict(test_config or {})
    instance_path = Path(overrides.get("ORBIT_INSTANCE_PATH") or settings.instance_path())
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.config.from_mapping(settings.defaults(instance_path))
    app.config.from_mapping(settings.from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)
    settings.check(app.config)
    instance_path.mkdir(parents=True, exist_ok=True)
    logging_setup.configure()

    from app import cli, crypto, db, errors, redis_conn, security
    from app.shopify import clients
    from webhooks import intake

    db.init_app(app)
    redis_conn.init_app(app)
    crypto.init_app(app)
    clients.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    intake.init_app(app)

    if app.config["RUN_MIGRATIONS_ON_START"]:
        from app.migrate import upgrade

        upgrade(app.config["DATABASE_URL"])

    from app.api import bp as api_bp
    from app.auth_views import bp as auth_bp
    from app.frontend_bundle import bp as frontend_bp
    from app.health import bp as health_bp
    from app.referral_program.proxy import bp as referral_proxy_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(frontend_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(referral_proxy_bp)
    return app
