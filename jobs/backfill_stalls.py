"""Backfill runs that stopped moving: resumed again, or failed with a visible error.

A run stays `running` while nothing works on it when its RQ job was lost (Redis flushed, the
job expired), its worker was killed, the job raised (Shopify down for a while), or the
`bulk_operations/finish` webhook never came. Every resume pass and every applied chunk touches
the run, so an `updated_at` older than BACKFILL_STALE_SECONDS means nothing is at it. The
webhook sweeper (jobs/sweeper.py) then queues `resume_backfill` under the run's one job id,
counting the try in the checkpoint (`resume_attempts`; a pass that gets through or applies a
chunk sets it back to 0). Counting touches the run too, so the next try comes one staleness
period later. After BACKFILL_MAX_RESUME_ATTEMPTS tries without progress the run is failed with
the reason (`job_runs.error`, shown in the UI); a later `run_backfill` opens a new run.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import db
from app.models import JobRun, utcnow
from jobs.backfill import ACTIVE, KIND, queue_resume

log = logging.getLogger(__name__)

DEFAULT_STALE_SECONDS = 900
DEFAULT_MAX_RESUME_ATTEMPTS = 5


def stalled_run_ids(session, cutoff: datetime) -> list[int]:
    statement = (
        select(JobRun.id)
        .where(JobRun.kind == KIND, JobRun.status.in_(ACTIVE), JobRun.updated_at < cutoff)
        .order_by(JobRun.id)
    )
    return list(session.scalars(statement))


def stall_error(attempts: int, last_error: str | None) -> str:
    reason = f"backfill stalled: {attempts} resumes made no progress"
    return f"{reason}; last error: {last_error}" if last_error else reason


def resume_stalled_backfills() -> dict[str, int]:
    """Queue a resume for each stalled run, or fail the ones out of tries; the counts."""
    stale = timedelta(seconds=float(current_app.config.get("BACKFILL_STALE_SECONDS", DEFAULT_STALE_SECONDS)))
    max_attempts = int(current_app.config.get("BACKFILL_MAX_RESUME_ATTEMPTS", DEFAULT_MAX_RESUME_ATTEMPTS))
    cutoff = utcnow() - stale
    counts = {"backfills_resumed": 0, "backfills_failed": 0}
    with db.transaction() as session:
        run_ids = stalled_run_ids(session, cutoff)
    for run_id in run_ids:
        with db.transaction() as session:
            run = session.get(JobRun, run_id, with_for_update=True)
            # Re-read under the lock: a resume may have moved it since the search.
            if run.status not in ACTIVE or run.updated_at >= cutoff:
                continue
            checkpoint = dict(run.checkpoint or {})
            attempts = int(checkpoint.get("resume_attempts") or 0)
            if attempts >= max_attempts:
                run.status, run.finished_at = "failed", utcnow()
                run.error = stall_error(attempts, checkpoint.get("last_error"))
                log.warning("backfill run %s failed: %s", run_id, run.error)
                counts["backfills_failed"] += 1
                continue
            run.checkpoint = {**checkpoint, "resume_attempts": attempts + 1}
            # Queued inside the transaction: if Redis refuses, the try is not counted.
            queue_resume(run_id)
            counts["backfills_resumed"] += 1
    return counts
