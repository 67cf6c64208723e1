"""Jobs get their Flask app context from this wrapper, never at import time (STYLE: RQ)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, has_app_context

F = TypeVar("F", bound=Callable[..., Any])

_worker_app: Flask | None = None
_worker_app_pid: int | None = None


def set_worker_app(app: Flask) -> None:
    """The worker command builds the app once, before RQ forks a work horse per job."""
    global _worker_app, _worker_app_pid
    _worker_app, _worker_app_pid = app, os.getpid()


def _app_for_this_process() -> Flask:
    global _worker_app, _worker_app_pid
    if _worker_app is None:
        from app import create_app

        set_worker_app(create_app({"RUN_MIGRATIONS_ON_START": False}))
    elif _worker_app_pid != os.getpid():
        # A forked work horse must not reuse the parent's pooled connections.
        _worker_app.extensions["db_engine"].dispose(close=False)
        _worker_app.extensions["orbit_redis"] = None
        _worker_app_pid = os.getpid()
    return _worker_app


def with_app_context(job: F) -> F:
    @functools.wraps(job)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return job(*args, **kwargs)
        with _app_for_this_process().app_context():
            return job(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
