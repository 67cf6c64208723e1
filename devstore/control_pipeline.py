"""`/_devstore` controls for the webhook pipeline: bulk results, data changes, faults, traffic.

- `GET  /_devstore/bulk-results/<token>.jsonl`: a bulk operation's JSONL (the operation's `url`);
- `POST /_devstore/bulk/settings` `{line_delay, serve_delay}`: slow bulk runs and downloads down;
- `POST /_devstore/shops/<shop>/changes` `{kind, ...}`: one data change, delivered as webhooks;
- `GET|POST /_devstore/faults` `{duplicate_rate, reorder_window, delay_rate, max_delay, drop_rate, seed}`;
- `POST /_devstore/shops/<shop>/traffic` `{changes, seed}`: a deterministic traffic run;
- `POST /_devstore/webhooks/flush`: deliver anything the fault layer still holds back.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, jsonify, request, send_file

from devstore.bulk import bulk_operations
from devstore.changes import ChangeError, change_feed
from devstore.faults import FaultSettings
from devstore.state import current_state, normalize_shop_domain, not_found
from devstore.traffic import run_traffic

bp = Blueprint("devstore_pipeline", __name__, url_prefix="/_devstore")


@bp.get("/bulk-results/<token>.jsonl")
def bulk_result(token: str):
    """A bulk operation's result file, streamed (it may be large)."""
    operation = bulk_operations(current_state()).by_token(token)
    if operation is None or operation.path is None or not operation.finished or not operation.path.exists():
        return not_found()
    registry = bulk_operations(current_state())
    if not registry.serve_delay:
        return send_file(operation.path, mimetype="application/jsonl", conditional=False, etag=False)
    return Response(slow_lines(operation.path, registry.serve_delay), mimetype="application/jsonl")


def slow_lines(path, delay: float):
    """The file a line at a time with a pause after each: a slow download, for crash tests."""
    with path.open("rb") as fh:
        for line in fh:
            yield line
            time.sleep(delay)


@bp.post("/bulk/settings")
def bulk_settings():
    """`{line_delay, serve_delay}`: seconds after each JSONL line written (a test can see an
    operation RUNNING) and served (a slow download a test can interrupt)."""
    body = request.get_json(silent=True) or {}
    registry = bulk_operations(current_state())
    try:
        registry.line_delay = max(0.0, float(body.get("line_delay", registry.line_delay)))
        registry.serve_delay = max(0.0, float(body.get("serve_delay", registry.serve_delay)))
    except (TypeError, ValueError):
        return jsonify(errors="line_delay and serve_delay must be numbers"), 400
    return jsonify(line_delay=registry.line_delay, serve_delay=registry.serve_delay)


@bp.post("/shops/<domain>/changes")
def apply_change(domain: str):
    """One data change (`{kind: "customer.create", ...}`), applied and sent as webhooks."""
    shop = current_state().store.get(normalize_shop_domain(domain))
    if shop is None:
        return not_found()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body.get("kind"):
        return jsonify(errors="expected {kind, ...}"), 400
    try:
        record = change_feed(current_state()).apply(shop, body)
    except ChangeError as exc:
        return jsonify(errors=str(exc)), 400
    return jsonify(record=record)


@bp.route("/faults", methods=["GET", "POST"])
def faults():
    """Read or set the webhook faults (all off by default)."""
    feed = change_feed(current_state())
    if request.method == "POST":
        try:
            feed.set_faults(FaultSettings.from_json(request.get_json(silent=True) or {}))
        except (TypeError, ValueError) as exc:
            return jsonify(errors=str(exc)), 400
    return jsonify(feed.faults.settings.as_json())


@bp.post("/shops/<domain>/traffic")
def traffic(domain: str):
    """Run `{changes, seed}` realistic changes now; answers when all were applied and sent."""
    shop = current_state().store.get(normalize_shop_domain(domain))
    if shop is None:
        return not_found()
    body = request.get_json(silent=True) or {}
    try:
        changes, seed = int(body.get("changes", 100)), int(body.get("seed", 1))
    except (TypeError, ValueError):
        return jsonify(errors="changes and seed must be integers"), 400
    if not 0 < changes <= 100_000:
        return jsonify(errors="changes must be between 1 and 100000"), 400
    counts = run_traffic(change_feed(current_state()), shop, changes, seed)
    return jsonify(counts=counts)


@bp.post("/webhooks/flush")
def flush():
    """Send whatever the fault layer holds back (reorder buffer, delayed deliveries) now."""
    held = change_feed(current_state()).faults.flush()
    return jsonify(flushed=held)
