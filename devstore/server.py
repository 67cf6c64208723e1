"""The devstore as a Flask app: Shopify's OAuth and Admin GraphQL endpoints plus `/_devstore/`
controls for development and tests (install, uninstall, token expiry, throttle, clock, webhooks).
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from devstore import api_faults, app_proxy, control_pipeline, graphql_api, oauth, staged_uploads
from devstore.state import (
    Clock,
    DevstoreConfig,
    DevstoreState,
    ThrottleSettings,
    current_state,
    init_state,
    normalize_shop_domain,
    not_found,
)
from devstore.store import Shop, Store
from devstore.tokens import Credentials, mint_session_token
from devstore.webhooks import WebhookSender, shop_webhook_body

__all__ = ["DevstoreConfig", "create_devstore_app"]

bp = Blueprint("devstore_control", __name__, url_prefix="/_devstore")


def create_devstore_app(config: DevstoreConfig, store: Store) -> Flask:
    app = Flask(__name__)
    app.json.sort_keys = False  # GraphQL responses keep the order of the query's fields
    clock = Clock()
    state = DevstoreState(
        config=config,
        store=store,
        credentials=Credentials(
            config.scopes,
            config.access_token_ttl,
            config.refresh_token_ttl,
            config.online_token_ttl,
            clock=clock.now,
        ),
        webhooks=WebhookSender(config),
        clock=clock,
        throttle=ThrottleSettings(config.restore_rate, config.bucket_size),
    )
    init_state(app, state)
    app.register_blueprint(oauth.bp)
    app.register_blueprint(graphql_api.bp)
    app.register_blueprint(bp)
    app.register_blueprint(control_pipeline.bp)
    app.register_blueprint(staged_uploads.bp)
    app.register_blueprint(api_faults.bp)
    app.register_blueprint(app_proxy.bp)
    app.register_error_handler(HTTPException, http_error)
    return app


def http_error(error: HTTPException):
    """Shopify answers unknown paths with a JSON body, not an HTML page."""
    if error.code == 404:
        return not_found()
    return jsonify(errors=error.description or error.name), error.code or 500


def control_shop(domain: str) -> Shop | None:
    return current_state().store.get(normalize_shop_domain(domain))


@bp.get("/health")
def health():
    """Readiness probe for launchers."""
    return jsonify(ok=True, shops=sorted(current_state().store.shops))


@bp.post("/session-token")
def session_token():
    """Development stand-in for App Bridge: a fresh session token for `{shop, user_id?}`."""
    body = request.get_json(silent=True) or {}
    shop = control_shop(str(body.get("shop", "")))
    if shop is None:
        return not_found()
    config = current_state().config
    token = mint_session_token(
        config.client_id, config.client_secret, shop.domain, user_id=body.get("user_id", 1)
    )
    return jsonify(id_token=token)


@bp.get("/state")
def overview():
    """What the devstore holds: shops, installs, throttle and clock."""
    state = current_state()
    shops = []
    for shop in state.store.shops.values():
        with shop.lock:
            counts = {name: len(shop.resource(name)) for name in ("customers", "orders", "products")}
        shops.append(
            {"domain": shop.domain, "installed": state.credentials.is_installed(shop.domain), **counts}
        )
    return jsonify(
        shops=shops,
        clock_offset=state.clock.offset,
        throttle={"restore_rate": state.throttle.restore_rate, "bucket_size": state.throttle.bucket_size},
        pending_webhook_retries=state.webhooks.pending(),
    )


@bp.post("/clock/advance")
def advance_clock():
    """Move the devstore's clock forward `seconds` (token and code expiry; not the bucket)."""
    seconds = float((request.get_json(silent=True) or {}).get("seconds", 0))
    return jsonify(clock_offset=current_state().clock.advance(seconds))


@bp.route("/throttle", methods=["GET", "POST"])
def throttle():
    """Read or change the plan: `{restore_rate?, bucket_size?}`; buckets restart full."""
    state = current_state()
    if request.method == "POST":
        body = request.get_json(silent=True) or {}
        restore_rate = float(body.get("restore_rate", state.throttle.restore_rate))
        bucket_size = float(body.get("bucket_size", state.throttle.bucket_size))
        if restore_rate <= 0 or bucket_size <= 0:
            return jsonify(errors="restore_rate and bucket_size must be positive"), 400
        with state.buckets_lock:
            state.throttle = ThrottleSettings(restore_rate, bucket_size)
            state.buckets.clear()
    with state.buckets_lock:
        buckets = {domain: bucket.status() for domain, bucket in state.buckets.items()}
    return jsonify(
        restore_rate=state.throttle.restore_rate, bucket_size=state.throttle.bucket_size, buckets=buckets
    )


@bp.post("/shops/<domain>/install")
def install(domain: str):
    """Install (or reinstall) the app, optionally with `{scopes: [...]}`."""
    shop = control_shop(domain)
    if shop is None:
        return not_found()
    scopes = (request.get_json(silent=True) or {}).get("scopes")
    current_state().credentials.install(shop.domain, tuple(scopes) if scopes else None)
    return jsonify(current_state().credentials.summary(shop.domain))


@bp.post("/shops/<domain>/uninstall")
def uninstall(domain: str):
    """The merchant uninstalls: every token is revoked, then `app/uninstalled` is delivered."""
    shop = control_shop(domain)
    if shop is None:
        return not_found()
    state = current_state()
    state.credentials.uninstall(shop.domain)
    result = state.webhooks.deliver(shop, "app/uninstalled", shop_webhook_body(shop))
    return jsonify(tokens=state.credentials.summary(shop.domain), webhook=result.as_dict())


@bp.get("/shops/<domain>/tokens")
def tokens(domain: str):
    """How many access and refresh tokens were issued and are still live."""
    shop = control_shop(domain)
    if shop is None:
        return not_found()
    return jsonify(current_state().credentials.summary(shop.domain))


@bp.post("/shops/<domain>/expire-token")
def expire_token(domain: str):
    """End `{access_token}` now (or every access token of the shop when none is named)."""
    shop = control_shop(domain)
    if shop is None:
        return not_found()
    value = (request.get_json(silent=True) or {}).get("access_token")
    return jsonify(expired=current_state().credentials.expire(shop.domain, value))


@bp.post("/shops/<domain>/webhooks")
def send_webhook(domain: str):
    """Deliver `{topic, body}` to the app now, signed like Shopify."""
    shop = control_shop(domain)
    if shop is None:
        return not_found()
    payload = request.get_json(silent=True) or {}
    if not payload.get("topic") or not isinstance(payload.get("body"), dict):
        return jsonify(errors="expected {topic, body}"), 400
    result = current_state().webhooks.deliver(shop, payload["topic"], payload["body"])
    return jsonify(result.as_dict())


@bp.get("/webhooks/deliveries")
def webhook_deliveries():
    """Every delivery attempt, oldest first; filter with `?shop=` and `?topic=`."""
    shop = request.args.get("shop")
    attempts = current_state().webhooks.log(
        normalize_shop_domain(shop) if shop else None, request.args.get("topic")
    )
    return jsonify(deliveries=[vars(a) for a in attempts])
