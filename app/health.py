"""GET /health: database, Redis and worker state, for load balancers and the status page."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from rq import Worker
from sqlalchemy import text

from app import db
from app.queues import QUEUE_NAMES
from app.redis_conn import redis

bp = Blueprint("health", __name__)


def database_state() -> dict[str, object]:
    try:
        with db.engine().connect() as connection:
            # One row per migration branch head (feature areas branch off the core schema).
            revisions = sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        return {"ok": True, "backend": db.engine().dialect.name, "revisions": revisions}
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return {"ok": False, "backend": db.engine().dialect.name, "error": type(exc).__name__}


def redis_and_worker_state() -> tuple[dict[str, object], dict[str, object]]:
    try:
        connection = redis()
        connection.ping()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}, {"ok": False, "workers": 0}
    workers = Worker.all(connection=connection)
    queues = {name: connection.llen(f"rq:queue:{name}") for name in QUEUE_NAMES}
    return {"ok": True, "queued": queues}, {
        "ok": bool(workers),
        "workers": len(workers),
        "states": sorted(str(w.get_state()) for w in workers),
    }


@bp.get("/health")
def health() -> tuple[Response, int]:
    """Report each dependency; 503 when the database (the one we cannot work without) is down."""
    database = database_state()
    redis_state, worker_state = redis_and_worker_state()
    status = 200 if database["ok"] else 503
    body = {"ok": database["ok"], "database": database, "redis": redis_state, "worker": worker_state}
    return jsonify(body), status
