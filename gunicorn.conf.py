"""gunicorn's settings for Orbit's web process: `gunicorn 'app:create_app()'` run from the
project's folder reads this file (gunicorn's default ./gunicorn.conf.py); `-c` names it elsewhere.

Measured with benchmarks/intake_throughput.py on 2 cores (issue 3): the web process's busiest
path is the webhook intake, whose sync workers wait on the database's commit and on Redis, so
more workers than cores can keep the cores busy. On this machine, where the database and the
load generator share the two cores, 2, 3 and 5 workers took about as many deliveries per second
(steady state, every worker loaded: PostgreSQL 1,577-1,650/s, 1,542-1,688/s, 1,562-1,584/s;
SQLite 1,929-1,941/s, 2,029-2,236/s, 1,939-2,147/s) at a p99 of 9-18 ms (goal: < 50 ms), so
the default is gunicorn's own starting point, 2 x cores + 1.
Each worker loads the whole app (~120 MB resident): size WEB_CONCURRENCY to the platform's memory.
"""

from __future__ import annotations

import gc
import os
from typing import Any

if os.environ.get("PORT"):
    bind = f"0.0.0.0:{os.environ['PORT']}"  # platforms that assign the port (Heroku, Render, Fly)
# WEB_CONCURRENCY, as gunicorn itself reads it, when the platform sizes the process.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
# The heartbeat file each worker touches between requests: on a disk-backed folder a touch can
# wait behind the journal that the database's fsyncs keep busy (gunicorn's FAQ). /dev/shm is RAM.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_worker_init(worker: Any) -> None:
    """Freeze what the app loaded (models, numpy, scipy and the rest: ~150k objects)
    out of the garbage collector's reach. A full collection walked all of them, 85 ms quiet and
    up to 300 ms under load, and workers that started together collected at the same time: the
    intake's p99 at 3 workers on SQLite was 100 ms with those pauses and 10-19 ms without."""
    gc.collect()
    gc.freeze()
